/* Quantized RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH, ELU, GELU, PRELU.
 * Float-simulated reference (dequantize, float activation, requantize) within 1 LSB for every
 * supported dtype on random scales and zero points (int16 LOGISTIC/TANH too: tanh's -1 is
 * -32767), 2 threads == 1 thread; exact values where
 * the rounding decides (XNNPACK's LEAKY_RELU, TFLite's fixed point); rejections. */
#include "qtest_util.h"
#include "ops/binary.h"

typedef enum { R, R6, R1, LR, HS, LG, TH, EL, GE } akind;

static const oc_op_def *adef(akind k)
{
    const oc_op_def *d[] = {&oc_op_RELU,       &oc_op_RELU6,      &oc_op_RELU_N1_TO_1,
                            &oc_op_LEAKY_RELU, &oc_op_HARD_SWISH, &oc_op_LOGISTIC,
                            &oc_op_TANH,       &oc_op_ELU,        &oc_op_GELU};
    return d[k];
}

static double fact(akind k, double x, double alpha)
{
    switch (k) {
    case R: return x < 0 ? 0 : x;
    case R6: return x < 0 ? 0 : x > 6 ? 6 : x;
    case R1: return x < -1 ? -1 : x > 1 ? 1 : x;
    case LR: return x > 0 ? x : alpha * x;
    case HS: return x * fmin(6, fmax(0, x + 3)) / 6;
    case LG: return 1 / (1 + exp(-x));
    case TH: return tanh(x);
    case EL: return x < 0 ? expm1(x) : x;
    default: return 0.5 * x * erfc(-x / sqrt(2.0));
    }
}

static void sim(akind k, oc_dtype t, float si, int64_t zi, float so, int64_t zo, float alpha,
                int32_t n, uint32_t seed, int nthreads)
{
    qt_spec in = {t, 1, {n}, si, zi}, out = {t, 1, {n}, so, zo};
    void *x = qt_rand(t, n, seed), *got = malloc((size_t)n * 2);
    oc_leaky_relu_params lp = {alpha};
    oc_gelu_params gp = {false};
    const void *params = k == LR ? (const void *)&lp : k == GE ? (const void *)&gp : NULL;
    const void *data[1] = {x};
    char msg[256];
    if (qt_run(adef(k), params, 1, &in, data, &out, got, nthreads, msg) != OC_OK)
        fail_msg("%s %s: %s", adef(k)->name, oc_dtype_name(t), msg);
    for (int32_t i = 0; i < n; i++) {
        double want = qt_quant(&out, fact(k, qt_deq(&in, qt_get(t, x, i)), alpha), 1, 0);
        double g = qt_get(t, got, i);
        if (fabs(g - want) > 1)
            fail_msg("%s %s element %d (x %g): got %g, want %g", adef(k)->name, oc_dtype_name(t), i,
                     qt_get(t, x, i), g, want);
    }
    free(x);
    free(got);
}

static void test_float_sim_8bit(void **state)
{
    (void)state;
    uint32_t seed = 7;
    for (int ti = 0; ti < 2; ti++) {
        oc_dtype t = ti ? OC_U8 : OC_I8;
        int64_t zmin = ti ? 0 : -128;
        for (int rep = 0; rep < 6; rep++) {
            float si = qt_rscale(&seed, 0.005, 0.1);
            int64_t zi = qt_rzp(&seed, t);
            int32_t n = rep == 5 ? 40000 : 257 + rep * 16;
            int thr = rep >= 4 ? 2 : 1;
            float so = qt_rscale(&seed, 0.005, 0.1);
            int64_t zo = qt_rzp(&seed, t);
            sim(R, t, si, zi, so, zo, 0, n, seed + 1, thr);
            sim(R6, t, si, zi, 6.f / 250, zmin + 3, 0, n, seed + 2, thr);
            sim(R1, t, si, zi, 2.f / 250, zmin + 125, 0, n, seed + 3, thr);
            sim(LR, t, si, zi, so, zo, rep % 2 ? 0.2f : -0.7f, n, seed + 4, thr);
            sim(LR, t, si, zi, so, zo, 0.001f, n, seed + 5, thr); /* outside XNNPACK's range */
            sim(HS, t, si, zi, si * 0.8f, zo, 0, n, seed + 6, thr);
            sim(LG, t, si, zi, 1.f / 256, zmin, 0, n, seed + 7, thr);
            sim(TH, t, si, zi, 1.f / 128, zmin + 128, 0, n, seed + 8, thr);
            sim(TH, t, si, zi, so, zo, 0, n, seed + 9, thr);
            sim(GE, t, si, zi, so, zo, 0, n, seed + 10, thr);
            if (t == OC_I8) sim(EL, t, si, zi, so, zo, 0, n, seed + 11, thr);
        }
    }
}

static void test_float_sim_int16(void **state)
{
    (void)state;
    uint32_t seed = 11;
    for (int rep = 0; rep < 4; rep++) {
        float si = qt_rscale(&seed, 1e-4, 1e-3), so = qt_rscale(&seed, 1e-4, 1e-3);
        int32_t n = rep == 3 ? 40000 : 333;
        sim(R, OC_I16, si, 0, so, 0, 0, n, seed + 1, 2);
        sim(R6, OC_I16, si, 0, 6.f / 30000, 0, 0, n, seed + 2, 1);
        sim(LR, OC_I16, si, 0, so, 0, 0.3f, n, seed + 3, 2);
        sim(LG, OC_I16, si, 0, 1.f / 32768, 0, 0, n, seed + 4, 2);
        sim(TH, OC_I16, si, 0, 1.f / 32768, 0, 0, n, seed + 5, 1);
    }
}

static void run1(akind k, const void *params, oc_dtype t, float si, int64_t zi, float so,
                 int64_t zo, const void *x, int32_t n, void *got)
{
    qt_spec in = {t, 1, {n}, si, zi}, out = {t, 1, {n}, so, zo};
    const void *data[1] = {x};
    char msg[256];
    if (qt_run(adef(k), params, 1, &in, data, &out, got, 1, msg) != OC_OK) fail_msg("%s", msg);
}

static void test_exact_hand(void **state)
{
    (void)state;
    /* LEAKY_RELU int8 in XNNPACK's range: ((x * m) + 128) >> 8, m = 256 or 128: -0.5 -> 0,
     * -1.5 -> -1 (ties up) */
    oc_leaky_relu_params half = {0.5f};
    int8_t x8[4] = {-1, -3, 3, 0}, g8[4];
    run1(LR, &half, OC_I8, 0.5f, 0, 0.5f, 0, x8, 4, g8);
    const int8_t lr_want[4] = {0, -1, 3, 0};
    assert_memory_equal(g8, lr_want, 4);
    /* int16 LEAKY_RELU (TFLite fixed point): -3 * 0.5 -> -1, -5 * 0.5 -> -2 (SRDHM rounds
     * ties up) */
    int16_t x16[3] = {-3, -5, 7}, g16[3];
    run1(LR, &half, OC_I16, 1.f / 1024, 0, 1.f / 1024, 0, x16, 3, g16);
    assert_int_equal(g16[0], -1);
    assert_int_equal(g16[1], -2);
    assert_int_equal(g16[2], 7);
    /* LOGISTIC(0) = 0.5 -> 128 steps above -128; HARD_SWISH(0) = 0 -> the output zero point */
    int8_t z[2] = {17, 17};
    run1(LG, NULL, OC_I8, 0.1f, 17, 1.f / 256, -128, z, 2, g8);
    assert_int_equal(g8[0], 0);
    run1(HS, NULL, OC_I8, 0.1f, 17, 0.05f, -100, z, 2, g8);
    assert_int_equal(g8[0], -100);
    /* RELU6 uint8: the upper clamp is zp + round(6 / 0.05) = 130 */
    uint8_t xu[2] = {255, 0}, gu[2];
    run1(R6, NULL, OC_U8, 0.1f, 0, 0.05f, 10, xu, 2, gu);
    assert_int_equal(gu[0], 130);
    assert_int_equal(gu[1], 10);
}

static void test_prelu(void **state)
{
    (void)state;
    uint32_t seed = 5;
    for (int rep = 0; rep < 6; rep++) {
        oc_dtype t = rep % 2 ? OC_U8 : OC_I8;
        qt_spec x = {t, 3, {3, 5, 17}, qt_rscale(&seed, 0.01, 0.1), qt_rzp(&seed, t)};
        qt_spec a = {t, 1, {17}, qt_rscale(&seed, 0.001, 0.01), qt_rzp(&seed, t)};
        qt_spec o = {t, 3, {3, 5, 17}, qt_rscale(&seed, 0.01, 0.1), qt_rzp(&seed, t)};
        void *dx = qt_rand(t, qt_count(&x), seed), *da = qt_rand(t, 17, seed + 1);
        const void *data[2] = {dx, da};
        qt_spec in[2] = {x, a};
        uint8_t got[255];
        assert_int_equal(qt_run(&oc_op_PRELU, NULL, 2, in, data, &o, got, 2, NULL), OC_OK);
        for (int64_t i = 0; i < qt_count(&o); i++) {
            double v = qt_deq(&x, qt_get(t, dx, i));
            double al = qt_deq(&a, qt_get(t, da, qt_bidx(i, &o, &a)));
            double want = qt_quant(&o, v >= 0 ? v : v * al, 1, 0);
            if (fabs(qt_get(t, got, i) - want) > 1)
                fail_msg("PRELU element %lld: got %g want %g", (long long)i, qt_get(t, got, i),
                         want);
        }
        free(dx);
        free(da);
    }
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[256];
    qt_spec i8 = {OC_I8, 1, {3}, 0.1f, 0}, i16 = {OC_I16, 1, {3}, 0.001f, 0};
    qt_spec lg_bad = {OC_I8, 1, {3}, 0.01f, -128};
    assert_int_equal(qt_prepare(&oc_op_LOGISTIC, NULL, 1, &i8, &lg_bad, msg), OC_ERROR);
    assert_non_null(strstr(msg, "1/256"));
    assert_int_equal(qt_prepare(&oc_op_LOGISTIC, NULL, 1, &i16, &i16, msg), OC_ERROR);
    assert_non_null(strstr(msg, "1/32768"));
    assert_int_equal(qt_prepare(&oc_op_TANH, NULL, 1, &i16, &i16, msg), OC_ERROR);
    assert_int_equal(qt_prepare(&oc_op_HARD_SWISH, NULL, 1, &i16, &i16, msg), OC_ERROR);
    qt_spec u8 = {OC_U8, 1, {3}, 0.1f, 0};
    assert_int_equal(qt_prepare(&oc_op_ELU, NULL, 1, &u8, &u8, msg), OC_ERROR);
    qt_spec z16 = {OC_I16, 1, {3}, 0.001f, 5};
    assert_int_equal(qt_prepare(&oc_op_RELU, NULL, 1, &z16, &i16, msg), OC_ERROR);
    assert_non_null(strstr(msg, "zero point"));
    /* HARD_SWISH whose output scale is below s_in / 128 */
    qt_spec tiny = {OC_I8, 1, {3}, 0.0001f, 0};
    assert_int_equal(qt_prepare(&oc_op_HARD_SWISH, NULL, 1, &i8, &tiny, msg), OC_ERROR);
    /* output type must match */
    assert_int_equal(qt_prepare(&oc_op_RELU, NULL, 1, &i8, &u8, msg), OC_ERROR);
    /* PRELU: int16, and alpha of another type */
    qt_spec p16[2] = {i16, i16}, pmix[2] = {i8, u8};
    assert_int_equal(qt_prepare(&oc_op_PRELU, NULL, 2, p16, &i16, msg), OC_ERROR);
    assert_int_equal(qt_prepare(&oc_op_PRELU, NULL, 2, pmix, &i8, msg), OC_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_sim_8bit), cmocka_unit_test(test_float_sim_int16),
        cmocka_unit_test(test_exact_hand),     cmocka_unit_test(test_prelu),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
