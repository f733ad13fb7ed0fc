/* SOFTMAX and LOG_SOFTMAX against hand values and a double-precision oracle, through the op
 * and through each ISA row kernel directly. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "core/cpu.h"
#include "ops/misc_params.h"
#include "ops/softmax_kernel.h"

static void oracle(const float *x, double *y, int64_t n, double beta, bool logsm)
{
    double mx = -DBL_MAX;
    for (int64_t i = 0; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += exp(((double)x[i] - mx) * (logsm ? 1.0 : beta));
    for (int64_t i = 0; i < n; i++)
        y[i] = logsm ? ((double)x[i] - mx) - log(s) : exp(((double)x[i] - mx) * beta) / s;
}

/* Softmax outputs are checked relative to their own size (catches a poor exp on tiny
 * probabilities), allowing for the float rounding of the argument (x - max) * beta that every
 * float implementation has; log-softmax with the project tolerance. */
static void check_rows(const float *got, const float *x, int64_t rows, int64_t n, float beta,
                       bool logsm)
{
    double *w = malloc((size_t)n * sizeof *w);
    for (int64_t r = 0; r < rows; r++) {
        oracle(x + r * n, w, n, beta, logsm);
        float mx = -FLT_MAX;
        for (int64_t i = 0; i < n; i++)
            mx = x[r * n + i] > mx ? x[r * n + i] : mx;
        for (int64_t i = 0; i < n; i++) {
            double g = got[r * n + i], e = w[i];
            double arg = fabs(((double)x[r * n + i] - mx) * beta);
            double tol = logsm ? 4 * FLT_EPSILON * fmax(1.0, fabs(e))
                               : (1e-6 + 2 * FLT_EPSILON * arg) * e + 1e-37;
            if (!(fabs(g - e) <= tol))
                fail_msg("row %lld elem %lld: got %.9g want %.9g", (long long)r, (long long)i, g,
                         e);
        }
    }
    free(w);
}

static float *random_data(int64_t n, float lo, float hi, unsigned seed)
{
    float *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    srand(seed);
    for (int64_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * (float)rand() / RAND_MAX;
    return x;
}

static oc_softmax_params g_beta1 = {1.f};

static void run_op(ot_case *c, const oc_op_def *def, const void *params, int rank,
                   const int32_t *dims, const float *x, int nthreads)
{
    ot_init(c, def);
    c->op.params = params;
    ot_input(c, OC_F32, rank, dims, x, false);
    ot_output(c, OC_F32);
    assert_int_equal(ot_run(c, nthreads), OC_OK);
}

static void test_hand_values(void **state)
{
    (void)state;
    const float x[3] = {1, 2, 3};
    int32_t dims[1] = {3};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 1, dims, x, 1);
    const float want[3] = {0.0900305732f, 0.2447284711f, 0.6652409558f};
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 3, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 1, dims, x, 1);
    const float wl[3] = {-2.4076059644f, -1.4076059644f, -0.4076059644f};
    ot_assert_near_f32(ot_out(&c, 0)->data, wl, 3, 4 * FLT_EPSILON);
    ot_free(&c);
    /* beta scales the logits: softmax([0, ln 3], beta 1) = [1/4, 3/4]; beta 0: uniform */
    const float y[2] = {0.f, logf(3.f)};
    int32_t d2[2] = {1, 2};
    oc_softmax_params b0 = {0.f}, b2 = {2.f};
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 2, d2, y, 1);
    const float w1[2] = {0.25f, 0.75f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w1, 2, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_SOFTMAX, &b2, 2, d2, y, 1);
    const float w2[2] = {0.1f, 0.9f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w2, 2, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_SOFTMAX, &b0, 2, d2, y, 1);
    const float w0[2] = {0.5f, 0.5f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w0, 2, 0);
    ot_free(&c);
}

static void test_odd_sizes_and_ranks(void **state)
{
    (void)state;
    int64_t depths[] = {1, 2, 3, 7, 8, 9, 17, 33, 1001};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        int32_t dims[3] = {3, 5, (int32_t)depths[d]};
        int64_t n = 15 * depths[d];
        float *x = random_data(n, -20.f, 20.f, (unsigned)d);
        oc_softmax_params b = {0.7f};
        ot_case c;
        run_op(&c, &oc_op_SOFTMAX, &b, 3, dims, x, 1);
        check_rows(ot_out(&c, 0)->data, x, 15, depths[d], 0.7f, false);
        ot_free(&c);
        run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 3, dims, x, 1);
        check_rows(ot_out(&c, 0)->data, x, 15, depths[d], 1.f, true);
        ot_free(&c);
        free(x);
    }
    /* rank 4 (NHWC class maps) */
    int32_t d4[4] = {1, 9, 11, 21};
    float *x = random_data(9 * 11 * 21, -5, 5, 77);
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 4, d4, x, 1);
    check_rows(ot_out(&c, 0)->data, x, 99, 21, 1.f, false);
    ot_free(&c);
    free(x);
}

/* Large logits do not overflow; -inf logits give 0 probability. */
static void test_numerically_stable(void **state)
{
    (void)state;
    const float x[5] = {1000.f, 999.f, -1000.f, -INFINITY, 1000.f};
    int32_t dims[1] = {5};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 1, dims, x, 1);
    const float *y = ot_out(&c, 0)->data;
    double e1 = exp(-1.0), s = 2 + e1;
    const float want[5] = {(float)(1 / s), (float)(e1 / s), 0.f, 0.f, (float)(1 / s)};
    ot_assert_near_f32(y, want, 5, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 1, dims, x, 1);
    y = ot_out(&c, 0)->data;
    assert_true(fabsf(y[0] - (float)-log(s)) < 1e-6f);
    assert_true(isinf(y[3]) && y[3] < 0);
    ot_free(&c);
}

/* Every available row kernel against the oracle, including exp's range ends. */
static void test_row_kernels(void **state)
{
    (void)state;
    oc_softmax_row_fn fns[2] = {oc_softmax_row_vec, oc_softmax_row_avx2};
    int nfn = oc_cpu_get()->avx2_fma ? 2 : 1;
    for (int f = 0; f < nfn; f++) {
        for (int64_t n = 1; n <= 40; n++) {
            float *x = random_data(n, -90.f, 5.f, (unsigned)(n * 3 + f));
            float *y = malloc((size_t)n * sizeof *y);
            fns[f](x, y, n, 1.f, false);
            check_rows(y, x, 1, n, 1.f, false);
            fns[f](x, y, n, 1.f, true);
            check_rows(y, x, 1, n, 1.f, true);
            free(x);
            free(y);
        }
        /* exp over its whole finite range via softmax([t, 0]) = [e^t/(1+e^t), ...] with
         * negative beta pushing (x - max) * beta up to +88 */
        for (float t = -88.f; t <= 88.f; t += 0.37f) {
            float x[2] = {0.f, -1.f}, y[2];
            fns[f](x, y, 2, -t, false); /* (x-max)*beta = {0, t} */
            double et = exp((double)t), s = 1 + et;
            assert_true(fabs(y[0] - 1 / s) <= 1e-6 / s + 1e-37);
            assert_true(fabs(y[1] - et / s) <= 1e-6 * (et / s) + 1e-37);
        }
    }
}

/* The result does not depend on the thread count; large inputs take the parallel path. */
static void test_threads_bitwise_equal(void **state)
{
    (void)state;
    int32_t dims[2] = {97, 1001};
    float *x = random_data(97 * 1001, -10, 10, 5);
    ot_case c1, c2;
    run_op(&c1, &oc_op_SOFTMAX, &g_beta1, 2, dims, x, 1);
    run_op(&c2, &oc_op_SOFTMAX, &g_beta1, 2, dims, x, 2);
    assert_memory_equal(ot_out(&c1, 0)->data, ot_out(&c2, 0)->data, 97 * 1001 * sizeof(float));
    check_rows(ot_out(&c2, 0)->data, x, 97, 1001, 1.f, false);
    ot_free(&c1);
    ot_free(&c2);
    free(x);
}

static void test_empty(void **state)
{
    (void)state;
    int32_t dims[2] = {0, 5};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 2, dims, NULL, 1);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 0);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3};
    ot_case c;
    ot_init(&c, &oc_op_SOFTMAX);
    c.op.params = &g_beta1;
    ot_input(&c, OC_I32, 2, dims, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "SOFTMAX"));
    ot_free(&c);
    ot_init(&c, &oc_op_LOG_SOFTMAX);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_SOFTMAX);
    float s = 1;
    ot_input(&c, OC_F32, 0, NULL, &s, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_SOFTMAX);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[1] = {fbt_f32(0.25f)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 1, &op.options);
    assert_int_equal(oc_op_SOFTMAX.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_softmax_params *)op.params)->beta == 0.25f);
    oc_mem_free_all(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_odd_sizes_and_ranks),
        cmocka_unit_test(test_numerically_stable),
        cmocka_unit_test(test_row_kernels),
        cmocka_unit_test(test_threads_bitwise_equal),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
