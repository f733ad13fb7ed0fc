/* The packed SGEMM layer (kernels/sgemm.h) directly: every micro-kernel of every ISA table this
 * CPU can run, against a double-precision product, over M/N/K around the tile edges; packing
 * from [N][K] and [K][N]; the GEMV path (M = 1); the A-provider path; clamps; task splits and
 * thread-count independence; kernel selection and ISA fallbacks. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "core/mem.h"
#include "kernels/sgemm.h"

static void fill(float *x, size_t n, unsigned seed)
{
    uint32_t s = seed * 2654435761u + 7u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = -1.f + 2.f * (float)(s >> 8) / 16777216.f;
    }
}

/* Kernel tables this CPU can execute. */
static const oc_sgemm_kernel *usable(int isa, size_t *n)
{
    const oc_cpu *cpu = oc_cpu_get();
    *n = 0;
    if (isa == OC_ISA_AVX512 && !(cpu->avx512 && cpu->avx2_fma)) return NULL;
    if (isa == OC_ISA_AVX2 && !cpu->avx2_fma) return NULL;
    return isa == OC_ISA_AVX512 ? oc_sgemm_kernels_avx512(n)
           : isa == OC_ISA_AVX2 ? oc_sgemm_kernels_avx2(n)
                                : oc_sgemm_kernels_c(n);
}

typedef struct rows_arg {
    const float *a;
    size_t lda;
} rows_arg;

/* A-provider that copies rows into scratch (exercises the get_a path). */
static void copy_rows(const void *vp, size_t m0, size_t m, float *scratch, oc_sgemm_a *out)
{
    const rows_arg *r = vp;
    for (size_t i = 0; i < m; i++)
        memcpy(scratch + i * r->lda, r->a + (m0 + i) * r->lda, r->lda * sizeof(float));
    out->a = scratch;
    out->lda = r->lda;
    out->off = NULL;
}

/* A-provider handing over indirect rows: row i of A is stored reversed, off[p] = k-1-p
 * (exercises the implicit-GEMM kernels). */
static int32_t g_rev_off[4096];
static void reversed_rows(const void *vp, size_t m0, size_t m, float *scratch, oc_sgemm_a *out)
{
    const rows_arg *r = vp;
    (void)scratch;
    for (size_t i = 0; i < m; i++)
        out->rows[i] = r->a + (m0 + i) * r->lda;
    for (size_t p = 0; p < r->lda; p++)
        g_rev_off[p] = (int32_t)(r->lda - 1 - p);
    out->off = g_rev_off;
}

/* C = clamp(A B^T + bias) with B given [N][K] (trans_b = false: [K][N]). */
/* provider: 0 plain A, 1 rows copied by an A-provider, 2 indirect rows (reversed storage). */
static void check_one(const oc_sgemm_kernel *kr, size_t m, size_t n, size_t k, bool kn_layout,
                      int provider, bool with_bias, float lo, float hi, unsigned seed)
{
    float *a = malloc((m * k + 1) * sizeof(float)), *b = malloc((n * k + 1) * sizeof(float));
    float *bias = malloc((n + 1) * sizeof(float));
    fill(a, m * k, seed);
    fill(b, n * k, seed + 1);
    fill(bias, n, seed + 2);
    size_t np = oc_sgemm_packed_floats(kr, n, k);
    assert_true(np >= n * k);
    float *pk = oc_aligned_alloc(np * sizeof(float));
    if (kn_layout)
        oc_sgemm_pack(kr, n, k, b, 1, n, with_bias ? bias : NULL, pk); /* b read as [K][N] */
    else
        oc_sgemm_pack(kr, n, k, b, k, 1, with_bias ? bias : NULL, pk);
    oc_sgemm_plan plan;
    oc_sgemm_plan_init(&plan, kr, m, n, k, provider, 0);
    assert_true(plan.ntasks >= 1);
    float *scratch = oc_aligned_alloc((oc_sgemm_plan_scratch(&plan) + 1) * sizeof(float));
    size_t ldc = n + 3; /* a C row stride wider than N: the tile must not write past N */
    float *c1 = malloc(m * ldc * sizeof(float)), *c2 = malloc(m * ldc * sizeof(float));
    for (size_t i = 0; i < m * ldc; i++)
        c1[i] = c2[i] = 1234.5f;
    rows_arg ra = {a, k};
    oc_sgemm_args args = {.a = provider ? NULL : a,
                          .lda = k,
                          .get_a = provider == 2 ? reversed_rows : copy_rows,
                          .a_arg = &ra,
                          .packed = pk,
                          .c = c1,
                          .ldc = ldc,
                          .lo = lo,
                          .hi = hi,
                          .scratch = scratch};
    oc_sgemm_run(&plan, &args, NULL);
    oc_threadpool *pool = oc_threadpool_create(2);
    args.c = c2;
    oc_sgemm_run(&plan, &args, pool);
    oc_threadpool_destroy(pool);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            double s = with_bias ? bias[j] : 0;
            for (size_t p = 0; p < k; p++)
                s += (double)a[i * k + (provider == 2 ? k - 1 - p : p)] *
                     (kn_layout ? b[p * n + j] : b[j * k + p]);
            s = s < lo ? lo : s > hi ? hi : s;
            double got = c1[i * ldc + j];
            if (!(fabs(got - s) <= 2e-6 * (double)(k + 8) * fmax(1.0, fabs(s))))
                fail_msg("%s m%zu n%zu k%zu: C[%zu][%zu] = %.9g, want %.9g", kr->name, m, n, k, i,
                         j, got, s);
        }
        for (size_t j = n; j < ldc; j++)
            if (c1[i * ldc + j] != 1234.5f) fail_msg("%s wrote past N at row %zu", kr->name, i);
    }
    if (memcmp(c1, c2, m * ldc * sizeof(float)) != 0)
        fail_msg("%s m%zu n%zu k%zu: 2 threads differ from 1", kr->name, m, n, k);
    free(a);
    free(b);
    free(bias);
    free(c1);
    free(c2);
    oc_aligned_free(pk);
    oc_aligned_free(scratch);
}

static void test_all_kernels_edges(void **state)
{
    (void)state;
    static const size_t ms[] = {1, 2, 3, 5, 6, 7, 11, 12, 13, 25, 37};
    static const size_t ns[] = {1, 3, 8, 9, 16, 17, 31, 33, 64, 65};
    static const size_t ks[] = {0, 1, 3, 4, 5, 17, 64};
    unsigned seed = 1;
    for (int isa = 0; isa < OC_ISA_COUNT; isa++) {
        size_t count;
        const oc_sgemm_kernel *t = usable(isa, &count);
        for (size_t q = 0; q < count; q++)
            for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
                for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
                    for (size_t l = 0; l < sizeof ks / sizeof ks[0]; l++)
                        check_one(&t[q], ms[i], ns[j], ks[l], false, (int)(l % 3), true, -1e30f,
                                  1e30f, seed++);
    }
}

static void test_layouts_provider_clamp(void **state)
{
    (void)state;
    unsigned seed = 500;
    for (int isa = 0; isa < OC_ISA_COUNT; isa++) {
        size_t count;
        const oc_sgemm_kernel *t = usable(isa, &count);
        for (size_t q = 0; q < count; q++) {
            check_one(&t[q], 29, 45, 19, true, 0, true, -1e30f, 1e30f, seed++);
            check_one(&t[q], 29, 45, 19, false, 1, false, -1e30f, 1e30f, seed++);
            check_one(&t[q], 29, 45, 19, false, 2, true, -1e30f, 1e30f, seed++);
            check_one(&t[q], 1, 45, 19, true, 1, true, -1e30f, 1e30f, seed++);
            check_one(&t[q], 1, 45, 19, true, 2, true, -1e30f, 1e30f, seed++);
            check_one(&t[q], 30, 20, 40, false, 0, true, 0.f, 6.f, seed++);
            check_one(&t[q], 1, 70, 40, false, 0, true, -1.f, 1.f, seed++);
            check_one(&t[q], 17, 33, 33, false, 2, true, 0.f, 1e30f, seed++);
        }
    }
}

static void test_big_shapes(void **state)
{
    (void)state;
    /* Large enough for several tasks, column groups and the L2 budget split. */
    static const size_t shapes[][3] = {
        {300, 70, 150}, {1, 1001, 256}, {49, 600, 700}, {200, 16, 9}};
    unsigned seed = 900;
    for (int isa = 0; isa < OC_ISA_COUNT; isa++) {
        size_t count;
        usable(isa, &count);
        if (!count) continue;
        for (size_t i = 0; i < 4; i++) {
            const oc_sgemm_kernel *kr = oc_sgemm_kernel_select((oc_isa)isa, shapes[i][1]);
            assert_ptr_not_equal(kr, NULL);
            assert_int_equal(kr->isa, isa);
            check_one(kr, shapes[i][0], shapes[i][1], shapes[i][2], false, (int)(i % 3), true,
                      -1e30f, 1e30f, seed++);
        }
    }
}

static void test_plan(void **state)
{
    (void)state;
    const oc_sgemm_kernel *kr = oc_sgemm_kernel_select(OC_ISA_C, 100);
    oc_sgemm_plan p;
    oc_sgemm_plan_init(&p, kr, 0, 10, 10, true, 0);
    assert_int_equal(p.ntasks, 0);
    oc_sgemm_plan_init(&p, kr, 10, 0, 10, true, 0);
    assert_int_equal(p.ntasks, 0);
    oc_sgemm_plan_init(&p, kr, 1000, 500, 300, true, 4);
    assert_true(p.ntasks >= 1 && p.ntasks <= 4);
    assert_int_equal(oc_sgemm_plan_scratch(&p), p.ntasks * p.scratch_per_task);
    assert_true(p.scratch_per_task >= (size_t)kr->mr * 300);
    /* every panel covered exactly once */
    assert_true(p.mtasks * p.m_per_task >= p.mpanels);
    assert_true((p.mtasks - 1) * p.m_per_task < p.mpanels);
    assert_true(p.ntasks_n * p.n_per_task >= p.npanels);
    oc_sgemm_plan_init(&p, kr, 1, 4096, 4096, false, 0);
    assert_true(p.ntasks > 1); /* GEMV splits the columns */
    assert_int_equal(oc_sgemm_plan_scratch(&p), 0);
    /* overflow is reported as 0 floats */
    assert_int_equal(oc_sgemm_packed_floats(kr, (size_t)1 << 62, (size_t)1 << 40), 0);
}

static void test_select(void **state)
{
    (void)state;
    for (int isa = 0; isa < OC_ISA_COUNT; isa++) {
        for (size_t n = 1; n < 300; n += 7) {
            const oc_sgemm_kernel *kr = oc_sgemm_kernel_select((oc_isa)isa, n);
            assert_non_null(kr);
            assert_non_null(kr->gemm);
            assert_non_null(kr->gemv);
            assert_true(kr->isa <= (oc_isa)isa);
        }
    }
    /* narrow outputs get a narrow tile on the vector paths */
    if (oc_cpu_get()->avx512) assert_int_equal(oc_sgemm_kernel_select(OC_ISA_AVX512, 16)->nr, 16);
    if (oc_cpu_get()->avx2_fma) assert_int_equal(oc_sgemm_kernel_select(OC_ISA_AVX2, 8)->nr, 8);
    assert_int_equal(oc_isa_best(&(oc_cpu){0}), OC_ISA_C);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_kernels_edges),
        cmocka_unit_test(test_layouts_provider_clamp),
        cmocka_unit_test(test_big_shapes),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_select),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
