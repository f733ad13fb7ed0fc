/* ABS, NEG, SQUARE, EXP, LOG, SIN, COS, SQRT, RSQRT, FLOOR, ROUND, ZEROS_LIKE. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "qtest_util.h"

static void run1(const oc_op_def *def, oc_dtype dt, int rank, const int32_t *dims, const void *in,
                 void *got, int nthr)
{
    ot_case c;
    ot_init(&c, def);
    ot_input(&c, dt, rank, dims, in, false);
    ot_output(&c, dt);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    assert_true(oc_shape_equal(&ot_out(&c, 0)->shape, &c.tensors[0].shape));
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

#define N 17
static const float vals[N] = {-3.5f, -2.5f, -1.f, -0.5f, -0.f,  0.f,   0.25f, 0.5f, 1.f,
                              1.5f,  2.5f,  3.7f, 10.f,  100.f, 1e-3f, 7.25f, 42.f};

/* Exact equality (infinities included; NaN equals NaN). */
static void assert_same_f32(const float *got, const float *want, int n)
{
    for (int i = 0; i < n; i++)
        if (!(got[i] == want[i]) && !(isnan(got[i]) && isnan(want[i])))
            fail_msg("element %d: got %.9g, want %.9g", i, got[i], want[i]);
}

static void check_f32(const oc_op_def *def, float (*f)(float), const float *in, int n)
{
    float got[64], want[64];
    int32_t d = n;
    run1(def, OC_F32, 1, &d, in, got, 1);
    for (int i = 0; i < n; i++)
        want[i] = f(in[i]);
    assert_same_f32(got, want, n); /* same libm call: identical */
}

static float neg(float x)
{
    return -x;
}
static float square(float x)
{
    return x * x;
}
static float rsqrt(float x)
{
    return 1.f / sqrtf(x);
}

static void test_float_ops(void **state)
{
    (void)state;
    float pos[N];
    for (int i = 0; i < N; i++)
        pos[i] = fabsf(vals[i]) + 0.125f;
    check_f32(&oc_op_ABS, fabsf, vals, N);
    check_f32(&oc_op_NEG, neg, vals, N);
    check_f32(&oc_op_SQUARE, square, vals, N);
    check_f32(&oc_op_EXP, expf, vals, N);
    check_f32(&oc_op_LOG, logf, pos, N);
    check_f32(&oc_op_SIN, sinf, vals, N);
    check_f32(&oc_op_COS, cosf, vals, N);
    check_f32(&oc_op_SQRT, sqrtf, pos, N);
    check_f32(&oc_op_RSQRT, rsqrt, pos, N);
    check_f32(&oc_op_FLOOR, floorf, vals, N);
    /* a few hand values */
    const float in[4] = {4, 0.25f, 1, 16};
    float got[4];
    int32_t d4 = 4;
    run1(&oc_op_RSQRT, OC_F32, 1, &d4, in, got, 1);
    ot_assert_near_f32(got, ((float[]){0.5f, 2, 1, 0.25f}), 4, 0.f);
    run1(&oc_op_LOG, OC_F32, 1, &d4, in, got, 1);
    ot_assert_near_f32(got, ((float[]){1.38629436f, -1.38629436f, 0, 2.77258872f}), 4, 1e-6f);
    const float edge[2] = {0.f, -1.f};
    int32_t d2 = 2;
    run1(&oc_op_LOG, OC_F32, 1, &d2, edge, got, 1);
    assert_true(isinf(got[0]) && got[0] < 0 && isnan(got[1]));
}

static void test_round_half_even(void **state)
{
    (void)state;
    const float in[12] = {0.5f, 1.5f, 2.5f,  -0.5f,     -1.5f,    -2.5f,
                          2.4f, 2.6f, -2.6f, 8388609.f, INFINITY, -0.f};
    const float want[12] = {0, 2, 2, -0.f, -2, -2, 2, 3, -3, 8388609.f, INFINITY, -0.f};
    float got[13];
    int32_t d = 12;
    run1(&oc_op_ROUND, OC_F32, 1, &d, in, got, 1);
    assert_same_f32(got, want, 12);
    assert_true(signbit(got[11])); /* -0 stays -0 (-0.5 gives +0: floor + 1, as TFLite) */
    const float nan = NAN;
    d = 1;
    run1(&oc_op_ROUND, OC_F32, 1, &d, &nan, got, 1);
    assert_true(isnan(got[0]));
}

static void test_int_ops(void **state)
{
    (void)state;
    const int32_t in[5] = {INT32_MIN, -7, 0, 3, INT32_MAX};
    int32_t got[5];
    int32_t d = 5;
    run1(&oc_op_ABS, OC_I32, 1, &d, in, got, 1);
    assert_memory_equal(got, ((int32_t[]){INT32_MIN, 7, 0, 3, INT32_MAX}), 20);
    run1(&oc_op_NEG, OC_I32, 1, &d, in, got, 1);
    assert_memory_equal(got, ((int32_t[]){INT32_MIN, 7, 0, -3, -INT32_MAX}), 20);
    run1(&oc_op_SQUARE, OC_I32, 1, &d, in, got, 1);
    assert_memory_equal(got, ((int32_t[]){0, 49, 0, 9, 1}), 20);
    const int64_t in64[3] = {INT64_MIN, -5, 6};
    int64_t g64[3];
    d = 3;
    run1(&oc_op_ABS, OC_I64, 1, &d, in64, g64, 1);
    assert_memory_equal(g64, ((int64_t[]){INT64_MIN, 5, 6}), 24);
    run1(&oc_op_NEG, OC_I64, 1, &d, in64, g64, 1);
    assert_memory_equal(g64, ((int64_t[]){INT64_MIN, 5, -6}), 24);
}

static void test_zeros_like(void **state)
{
    (void)state;
    const oc_dtype types[6] = {OC_F32, OC_I32, OC_I64, OC_U8, OC_BOOL, OC_I16};
    int32_t d[3] = {2, 3, 5};
    for (int t = 0; t < 6; t++) {
        uint8_t in[30 * 8], got[30 * 8], zero[30 * 8] = {0};
        memset(in, 0x5a, sizeof in);
        run1(&oc_op_ZEROS_LIKE, types[t], 3, d, in, got, 1);
        assert_memory_equal(got, zero, 30 * oc_dtype_size(types[t]));
    }
    /* rank 0 */
    const float one = 1.f;
    float g;
    run1(&oc_op_ZEROS_LIKE, OC_F32, 0, NULL, &one, &g, 1);
    assert_true(g == 0.f);
}

static void test_large_threads(void **state)
{
    (void)state;
    int32_t n = 50001;
    float *in = malloc((size_t)n * 4), *got = malloc((size_t)n * 4);
    for (int32_t i = 0; i < n; i++)
        in[i] = (float)i * 0.001f - 20.f;
    run1(&oc_op_EXP, OC_F32, 1, &n, in, got, 2);
    for (int32_t i = 0; i < n; i++)
        assert_true(got[i] == expf(in[i]));
    run1(&oc_op_NEG, OC_F32, 1, &n, in, got, 2);
    for (int32_t i = 0; i < n; i++)
        assert_true(got[i] == -in[i]);
    free(in);
    free(got);
}

static oc_status prep(const oc_op_def *def, oc_dtype ti, oc_dtype to, char *msg)
{
    int32_t d = 3;
    ot_case c;
    ot_init(&c, def);
    ot_input(&c, ti, 1, &d, NULL, false);
    ot_output(&c, to);
    oc_status st = ot_prepare(&c);
    strcpy(msg, c.err.msg);
    ot_free(&c);
    return st;
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[OC_ERR_MSG_MAX];
    assert_int_equal(prep(&oc_op_EXP, OC_I32, OC_I32, msg), OC_ERROR);
    assert_non_null(strstr(msg, "EXP"));
    assert_non_null(strstr(msg, "INT32"));
    assert_int_equal(prep(&oc_op_ABS, OC_F32, OC_I32, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_ABS, OC_U8, OC_U8, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_SQRT, OC_BOOL, OC_BOOL, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_ROUND, OC_F16, OC_F16, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_ZEROS_LIKE, OC_F32, OC_I32, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_ZEROS_LIKE, OC_STRING, OC_STRING, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_NEG, OC_I64, OC_I64, msg), OC_OK);
    /* two inputs */
    int32_t d = 3;
    ot_case c;
    ot_init(&c, &oc_op_SIN);
    ot_input(&c, OC_F32, 1, &d, NULL, false);
    ot_input(&c, OC_F32, 1, &d, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

/* Quantized ABS (int8, int16) and RSQRT (int8) against the float simulation (1 LSB), with
 * exact values where TFLite's integer path decides. */
static void test_quantized(void **state)
{
    (void)state;
    uint32_t seed = 21;
    char msg[256];
    for (int rep = 0; rep < 9; rep++) {
        int kind = rep % 3; /* 0 ABS int8, 1 ABS int16, 2 RSQRT int8 */
        oc_dtype t = kind == 1 ? OC_I16 : OC_I8;
        int32_t n = 300;
        qt_spec in = {t,
                      1,
                      {n},
                      qt_rscale(&seed, kind == 1 ? 1e-4 : 0.01, kind == 1 ? 1e-3 : 0.1),
                      kind == 1 ? 0 : qt_rzp(&seed, t)};
        qt_spec out = {t,
                       1,
                       {n},
                       rep < 3 ? in.scale : qt_rscale(&seed, 0.001, 0.1),
                       kind == 1 ? 0 : qt_rzp(&seed, t)};
        if (kind == 1 && rep >= 3) out.scale = qt_rscale(&seed, 1e-4, 1e-3);
        if (rep < 3) out.zp = kind == 1 ? 0 : in.zp;
        if (kind == 2) in.zp = -128; /* RSQRT: non-negative inputs only */
        void *x = qt_rand(t, n, seed), *got = malloc((size_t)n * 2);
        const void *data[1] = {x};
        const oc_op_def *def = kind == 2 ? &oc_op_RSQRT : &oc_op_ABS;
        if (qt_run(def, NULL, 1, &in, data, &out, got, 1, msg) != OC_OK) fail_msg("%s", msg);
        for (int32_t i = 0; i < n; i++) {
            double v = qt_deq(&in, qt_get(t, x, i));
            double f = kind == 2 ? (v == 0 ? INFINITY : 1 / sqrt(v)) : fabs(v);
            double want = isinf(f) ? 127 : qt_quant(&out, f, 1, 0), g = qt_get(t, got, i);
            /* TFLite's RSQRT keeps 20 fractional bits: a relative error ~2^-20 plus rounding */
            double tol = kind == 2 ? 1 + fabs(want - (double)out.zp) * 1e-5 : 1;
            if (fabs(g - want) > tol)
                fail_msg("%s %s element %d (x %g): got %g want %g", def->name, oc_dtype_name(t), i,
                         qt_get(t, x, i), g, want);
        }
        free(x);
        free(got);
    }
    /* exact: ABS with equal scales is |x - zp| + zp; RSQRT(4 * s) with s = 1 -> 0.5 / 0.25 = 2 */
    int8_t a[3] = {-128, 5, -7}, g[3];
    qt_spec ai = {OC_I8, 1, {3}, 0.5f, -3}, ao = {OC_I8, 1, {3}, 0.5f, -3};
    const void *ad[1] = {a};
    assert_int_equal(qt_run(&oc_op_ABS, NULL, 1, &ai, ad, &ao, g, 1, msg), OC_OK);
    assert_int_equal(g[0], 122); /* 125 - 3 */
    assert_int_equal(g[1], 5);
    assert_int_equal(g[2], 1);
    int8_t r[3] = {4, 0, 1};
    qt_spec ri = {OC_I8, 1, {3}, 1.f, 0}, ro = {OC_I8, 1, {3}, 0.25f, 0};
    const void *rd[1] = {r};
    assert_int_equal(qt_run(&oc_op_RSQRT, NULL, 1, &ri, rd, &ro, g, 1, msg), OC_OK);
    assert_int_equal(g[0], 2);
    assert_int_equal(g[1], 127); /* 1/sqrt(0) saturates */
    assert_int_equal(g[2], 4);
    /* a negative input fails at eval; uint8 ABS is not supported */
    r[1] = -1;
    assert_int_equal(qt_run(&oc_op_RSQRT, NULL, 1, &ri, rd, &ro, g, 1, msg), OC_ERROR);
    assert_non_null(strstr(msg, "non-negative"));
    qt_spec u = {OC_U8, 1, {3}, 0.5f, 3};
    assert_int_equal(qt_prepare(&oc_op_ABS, NULL, 1, &u, &u, msg), OC_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_ops),     cmocka_unit_test(test_round_half_even),
        cmocka_unit_test(test_int_ops),       cmocka_unit_test(test_zeros_like),
        cmocka_unit_test(test_large_threads), cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_quantized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
