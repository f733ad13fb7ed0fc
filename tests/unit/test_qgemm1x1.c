/* The plain-A "rows" kernels of the 8-bit GEMM (oc_qgemm_kernel.rows: whole row blocks, the
 * row terms summed in the kernel when oc_qgemm_ep.rs_eb is set) and the direct 1x1
 * convolution built on them: against a reference written here, byte for byte, over depths
 * with and without their own code (4..264), row counts around the tile heights, column counts
 * around the panel widths, C wider than the output (bytes outside must stay untouched),
 * uint8 / int8 activations, weight zero points giving eb = 0, 128 and others, both
 * requantization rules and fp32 scales on both sides of the fast epilogue's bound, 1 and 2
 * threads; then 1x1 convolutions on the best path against the portable C path. */
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
#include "core/fixedpoint.h"
#include "core/mem.h"
#include "kernels/qconv.h"
#include "kernels/qgemm.h"

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

typedef struct qcase {
    size_t m, n, k, ldc;
    bool act_i8;
    int32_t za, zw, zo;
    oc_qreq_mode mode;
    bool big_scales; /* some scales >= 0.5: no fast epilogue */
    bool in_kernel;  /* row terms by the kernel (else an rs array) */
    unsigned seed;
} qcase;

typedef struct data {
    uint8_t *a, *w;
    int32_t *bias, *mult, *shift;
    float *scale;
} data;

static void make(const qcase *q, data *d)
{
    uint32_t s = q->seed * 7919u + 17u;
    d->a = malloc(q->m * q->k + 1);
    d->w = malloc(q->n * q->k + 1);
    d->bias = malloc((q->n + 1) * 4);
    d->mult = malloc((q->n + 1) * 4);
    d->shift = malloc((q->n + 1) * 4);
    d->scale = malloc((q->n + 1) * 4);
    for (size_t i = 0; i < q->m * q->k; i++)
        d->a[i] = (uint8_t)rnd(&s);
    for (size_t i = 0; i < q->n * q->k; i++)
        d->w[i] = (uint8_t)rnd(&s);
    for (size_t j = 0; j < q->n; j++) {
        d->bias[j] = (int32_t)(rnd(&s) % 200001) - 100000;
        double real = ldexp(0.5 + (double)(rnd(&s) % 1000) / 2000.0, -(int)(rnd(&s) % 14) - 1);
        if (q->big_scales && j % 3 == 1) real = ldexp(real, 7);
        int sh;
        oc_quantize_multiplier(real, &d->mult[j], &sh);
        d->shift[j] = sh;
        d->scale[j] = (float)real;
    }
}

static void unmake(data *d)
{
    free(d->a);
    free(d->w);
    free(d->bias);
    free(d->mult);
    free(d->shift);
    free(d->scale);
}

static int32_t requant(int64_t acc, const qcase *q, const data *d, size_t j, int32_t lo, int32_t hi)
{
    int32_t a32 = (int32_t)(uint32_t)(uint64_t)acc;
    if (q->mode == OC_QREQ_FP32) {
        float f = (float)a32 * d->scale[j];
        f = fminf(fmaxf(f, (float)(lo - q->zo)), (float)(hi - q->zo));
        return (int32_t)nearbyintf(f) + q->zo;
    }
    int32_t v = oc_mul_by_qm(a32, d->mult[j], d->shift[j]) + q->zo;
    return v < lo ? lo : v > hi ? hi : v;
}

/* uint8 activations use uint8 weights (asymmetric); int8 ones int8 weights with a weight zero
 * point (asymmetric, as FC allows) unless zw is 0. */
static void reference(const qcase *q, const data *d, int32_t lo, int32_t hi, uint8_t *out)
{
    for (size_t i = 0; i < q->m; i++)
        for (size_t j = 0; j < q->n; j++) {
            int64_t acc = d->bias[j];
            for (size_t p = 0; p < q->k; p++) {
                uint8_t ab = d->a[i * q->k + p], wb = d->w[j * q->k + p];
                int32_t av = q->act_i8 ? (int8_t)ab : ab, wv = q->act_i8 ? (int8_t)wb : wb;
                acc += (int64_t)(av - q->za) * (wv - q->zw);
            }
            out[i * q->ldc + j] = (uint8_t)requant(acc, q, d, j, lo, hi);
        }
}

static const oc_qgemm_kernel *rows_kernels(size_t *n)
{
    const oc_cpu *cpu = oc_cpu_get();
    *n = 0;
    return cpu->avx512_vnni && cpu->avx512 ? oc_qgemm_kernels_avx512vnni(n) : NULL;
}

static void run(const oc_qgemm_kernel *kr, const qcase *q, const data *d, int threads, int32_t lo,
                int32_t hi, uint8_t *out)
{
    const int32_t xa = q->act_i8 ? 128 : 0, xb = q->act_i8 ? 0 : 128;
    const int32_t ea = xa + q->za, eb = xb - q->zw;
    oc_qgemm_b b = {.n = q->n,
                    .k = q->k,
                    .kpad = q->k,
                    .w = d->w,
                    .w_u8 = !q->act_i8,
                    .sn = q->k,
                    .sk = 1,
                    .bias = d->bias,
                    .ea = ea,
                    .eb = eb,
                    .mult = d->mult,
                    .shift = d->shift,
                    .scale = d->scale};
    void *packed = oc_aligned_alloc(oc_qgemm_packed_bytes(kr, q->n, q->k));
    oc_qgemm_pack(kr, &b, packed);
    int32_t *rs = NULL;
    if (eb != 0 && !q->in_kernel) {
        rs = malloc(q->m * 4 + 4);
        for (size_t i = 0; i < q->m; i++) {
            int64_t sum = 0;
            for (size_t p = 0; p < q->k; p++)
                sum += (q->act_i8 ? (int8_t)d->a[i * q->k + p] : d->a[i * q->k + p]) + xa;
            rs[i] = (int32_t)(eb * sum);
        }
    }
    oc_qgemm_ep ep = {.out_zp = q->zo,
                      .lo = lo,
                      .hi = hi,
                      .flo = (float)(lo - q->zo),
                      .fhi = (float)(hi - q->zo),
                      .a_xor = q->act_i8 ? 0x80808080u : 0,
                      .mode = q->mode,
                      .out_u8 = !q->act_i8,
                      .fast = oc_qgemm_fast_ok(q->mode, d->scale, q->n),
                      .rs_eb = q->in_kernel ? eb : 0};
    oc_qgemm_plan plan;
    oc_qgemm_plan_init(&plan, kr, q->m, q->n, q->k, false, threads > 1 ? 3 : 0);
    int32_t *off = oc_qgemm_plain_offsets(q->k / 4);
    oc_qgemm_args args = {.a = d->a,
                          .lda = q->k,
                          .off = off,
                          .packed = packed,
                          .c = out,
                          .ldc = q->ldc,
                          .rs = rs,
                          .ep = &ep};
    oc_threadpool *pool = threads > 1 ? oc_threadpool_create(threads) : NULL;
    oc_kernels_force_parallel(threads > 1);
    oc_qgemm_run(&plan, &args, pool);
    oc_kernels_force_parallel(false);
    oc_threadpool_destroy(pool);
    oc_aligned_free(packed);
    free(off);
    free(rs);
}

static void check(const qcase *q)
{
    data d;
    make(q, &d);
    const size_t bytes = q->m * q->ldc + 64;
    uint8_t *want = malloc(bytes), *got = malloc(bytes);
    const int32_t lo = q->act_i8 ? -128 + (int32_t)(q->seed % 3) * 20 : (int32_t)(q->seed % 3) * 20;
    const int32_t hi = (q->act_i8 ? 127 : 255) - (int32_t)(q->seed % 2) * 60;
    memset(want, 0xA5, bytes);
    reference(q, &d, lo, hi, want);
    size_t nk = 0;
    const oc_qgemm_kernel *t = rows_kernels(&nk);
    for (size_t i = 0; i < nk; i++) {
        if (!t[i].rows) continue;
        for (int threads = 1; threads <= 2; threads++) {
            memset(got, 0xA5, bytes);
            run(&t[i], q, &d, threads, lo, hi, got);
            if (memcmp(want, got, bytes) != 0) {
                size_t e = 0;
                while (want[e] == got[e])
                    e++;
                fail_msg("%s m=%zu n=%zu k=%zu ldc=%zu i8=%d zw=%d mode=%d big=%d kern=%d "
                         "threads=%d: byte %zu want %u got %u",
                         t[i].name, q->m, q->n, q->k, q->ldc, q->act_i8, q->zw, q->mode,
                         q->big_scales, q->in_kernel, threads, e, want[e], got[e]);
            }
        }
    }
    free(want);
    free(got);
    unmake(&d);
}

static void test_rows_shapes(void **state)
{
    (void)state;
    static const size_t ks[] = {4, 8, 12, 16, 24, 32, 40, 64, 68, 128, 264};
    static const size_t ns[] = {1, 8, 15, 16, 17, 32, 33, 64, 96, 130};
    static const size_t ms[] = {2, 5, 6, 12, 16, 17, 25, 49, 100};
    unsigned seed = 1;
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
            for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++, seed++) {
                if ((ki + ni + mi) % 3 != 0 && ms[mi] > 17) continue; /* keep it quick */
                qcase q = {.m = ms[mi],
                           .n = ns[ni],
                           .k = ks[ki],
                           .ldc = ns[ni] + (seed % 4 == 0 ? 7 : 0),
                           .act_i8 = seed % 2 == 1,
                           .za = (int32_t)(seed * 37 % 256) - (seed % 2 ? 128 : 0),
                           .zw = seed % 2 ? (int32_t)(seed % 5) - 2 : (int32_t)(seed * 11 % 256),
                           .zo = (int32_t)(seed % 7) - 3 + (seed % 2 ? 0 : 128),
                           .mode = OC_QREQ_FP32,
                           .in_kernel = seed % 3 != 0,
                           .seed = seed};
                check(&q);
            }
}

/* Fixed-point rule, scales >= 0.5 (no fast epilogue), eb = 0 and eb = 128 (zw 128 / 0). */
static void test_rows_modes(void **state)
{
    (void)state;
    static const size_t ks[] = {8, 16, 32, 64, 96};
    unsigned seed = 500;
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (int v = 0; v < 8; v++, seed++) {
            qcase q = {.m = 12 + (size_t)v * 5,
                       .n = v % 2 ? 32 : 16,
                       .k = ks[ki],
                       .ldc = v % 2 ? 32 : 16,
                       .act_i8 = v >= 6,
                       .za = v >= 6 ? -5 : 131,
                       .zw = v == 3             ? 128
                             : v == 2 || v >= 6 ? 0
                                                : 77,
                       .zo = v >= 6 ? 1 : 120,
                       .mode = v == 4 || v == 6 ? OC_QREQ_FIXED : OC_QREQ_FP32,
                       .big_scales = v == 5 || v == 7,
                       .in_kernel = true,
                       .seed = seed};
            check(&q);
        }
}

/* 1x1 stride-1 convolutions (the direct path) on the best path against the C path. */
static void test_conv1x1(void **state)
{
    (void)state;
    static const int shapes[][3] = {{13, 8, 16}, {9, 16, 32},  {7, 32, 32},  {6, 32, 64},
                                    {5, 64, 64}, {4, 64, 128}, {3, 128, 40}, {3, 12, 24},
                                    {1, 64, 64}, {11, 8, 8},   {2, 256, 33}, {5, 4, 20}};
    const oc_qisa best = oc_qisa_best(NULL);
    uint32_t s = 99;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (int i8 = 0; i8 < 2; i8++) {
            const int h = shapes[i][0], ic = shapes[i][1], oc = shapes[i][2];
            oc_conv_geom g = {2, h, h + 1, ic, h, h + 1, oc, 1, 1, 1, 1, 1, 1, 0, 0};
            int32_t *mult = malloc((size_t)oc * 4), *shift = malloc((size_t)oc * 4);
            int32_t *bias = malloc((size_t)oc * 4);
            float *scale = malloc((size_t)oc * 4);
            for (int j = 0; j < oc; j++) {
                double real = ldexp(0.5 + (double)(rnd(&s) % 1000) / 2000.0, -6 - (j % 5));
                int sh;
                oc_quantize_multiplier(real, &mult[j], &sh);
                shift[j] = sh;
                scale[j] = (float)real;
                bias[j] = (int32_t)(rnd(&s) % 2001) - 1000;
            }
            oc_qconv_q q = {.act_i8 = i8,
                            .w_u8 = !i8,
                            .za = i8 ? -3 : 119,
                            .zw = i8 ? 0 : 140,
                            .bias = bias,
                            .mult = mult,
                            .shift = shift,
                            .scale = scale};
            q.ep = (oc_qgemm_ep){.out_zp = i8 ? -2 : 125,
                                 .lo = i8 ? -128 : 0,
                                 .hi = i8 ? 127 : 255,
                                 .a_xor = i8 ? 0x80808080u : 0,
                                 .mode = OC_QREQ_FP32,
                                 .out_u8 = !i8};
            q.ep.flo = (float)(q.ep.lo - q.ep.out_zp);
            q.ep.fhi = (float)(q.ep.hi - q.ep.out_zp);
            q.ep.fast = oc_qgemm_fast_ok(q.ep.mode, scale, (size_t)oc);
            const size_t in_n = (size_t)2 * h * (h + 1) * ic, out_n = (size_t)2 * h * (h + 1) * oc;
            uint8_t *in = malloc(in_n), *w = malloc((size_t)ic * oc);
            for (size_t e = 0; e < in_n; e++)
                in[e] = (uint8_t)rnd(&s);
            for (size_t e = 0; e < (size_t)ic * oc; e++)
                w[e] = (uint8_t)rnd(&s);
            uint8_t *out[2];
            for (int pth = 0; pth < 2; pth++) {
                oc_qconv_plan p;
                assert_true(oc_qconv_plan_init(&p, &g, &q, pth ? best : OC_QISA_C));
                assert_true(p.direct);
                void *pk = oc_aligned_alloc(oc_qconv_packed_bytes(&p));
                uint8_t *scratch = oc_aligned_alloc(p.scratch_bytes + 64);
                oc_qconv_pack(&p, w, &q, pk);
                out[pth] = malloc(out_n);
                oc_qconv_run(&p, in, pk, &q, out[pth], scratch, NULL);
                oc_aligned_free(pk);
                oc_aligned_free(scratch);
                oc_qconv_plan_free(&p);
            }
            if (memcmp(out[0], out[1], out_n) != 0)
                fail_msg("conv 1x1 %dx%d %d->%d i8=%d differs from the C path", h, h + 1, ic, oc,
                         i8);
            free(out[0]);
            free(out[1]);
            free(in);
            free(w);
            free(mult);
            free(shift);
            free(bias);
            free(scale);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_shapes),
        cmocka_unit_test(test_rows_modes),
        cmocka_unit_test(test_conv1x1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
