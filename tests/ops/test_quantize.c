/* QUANTIZE: float32 -> uint8/int8/int16 (per-tensor and per-channel) and requantization
 * between integer types. Float-simulated reference within 1 LSB on random data; exact values
 * where the rounding decides (XNNPACK's ties-to-even for float -> 8 bit and its 8-bit
 * requantization, TFLite's ties-away for float -> int16 and its fixed-point Requantize);
 * 2 threads == 1 thread; rejections. */
#include "qtest_util.h"

static void run(const qt_spec *in, const void *x, const qt_spec *out, void *got, int nthr)
{
    const void *data[1] = {x};
    char msg[256];
    if (qt_run(&oc_op_QUANTIZE, NULL, 1, in, data, out, got, nthr, msg) != OC_OK)
        fail_msg("%s", msg);
}

static void test_float_sim(void **state)
{
    (void)state;
    uint32_t seed = 3;
    const oc_dtype outs[] = {OC_U8, OC_I8, OC_I16};
    for (int rep = 0; rep < 12; rep++) {
        oc_dtype t = outs[rep % 3];
        int32_t n = rep >= 9 ? 40001 : 33 + rep;
        qt_spec in = {OC_F32, 1, {n}, 0.f, 0};
        qt_spec out = {t,
                       1,
                       {n},
                       qt_rscale(&seed, t == OC_I16 ? 1e-4 : 0.01, t == OC_I16 ? 1e-3 : 0.1),
                       qt_rzp(&seed, t)};
        float *x = qt_rand(OC_F32, n, seed);
        void *got = malloc((size_t)n * 2);
        run(&in, x, &out, got, 2);
        for (int32_t i = 0; i < n; i++) {
            double want = qt_quant(&out, x[i], 1, 0);
            if (fabs(qt_get(t, got, i) - want) > 1)
                fail_msg("%s element %d: got %g want %g", oc_dtype_name(t), i, qt_get(t, got, i),
                         want);
        }
        free(x);
        free(got);
    }
}

static void test_requantize_sim(void **state)
{
    (void)state;
    uint32_t seed = 8;
    const oc_dtype pairs[][2] = {{OC_U8, OC_U8},  {OC_I8, OC_I8},  {OC_I8, OC_U8},
                                 {OC_U8, OC_I8},  {OC_I16, OC_I8}, {OC_I16, OC_I16},
                                 {OC_I8, OC_I16}, {OC_I16, OC_I32}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        for (int rep = 0; rep < 3; rep++) {
            oc_dtype ti = pairs[p][0], to = pairs[p][1];
            int32_t n = rep == 2 ? 40000 : 77;
            float si = qt_rscale(&seed, 1e-3, 0.1);
            qt_spec in = {ti, 1, {n}, si, qt_rzp(&seed, ti)};
            /* a ratio inside and (rep 1) outside XNNPACK's [2^-8, 2^7] */
            double ratio = rep == 1 ? 300 : qt_uniform(&seed, 0.3, 3);
            if (to == OC_I16 || ti == OC_I16) ratio = ti == OC_I16 && to != OC_I16 ? 200 : ratio;
            if (ti == OC_I8 && to == OC_I16) ratio = 1.0 / 200;
            qt_spec out = {to, 1, {n}, (float)(si * ratio), to == OC_I32 ? 0 : qt_rzp(&seed, to)};
            if (ti == OC_I16 && to == OC_I16) in.zp = 0, out.zp = 0;
            void *x = qt_rand(ti, n, seed), *got = malloc((size_t)n * 4);
            run(&in, x, &out, got, 2);
            for (int32_t i = 0; i < n; i++) {
                double want = qt_quant(&out, qt_deq(&in, qt_get(ti, x, i)), 1, 0);
                if (fabs(qt_get(to, got, i) - want) > 1)
                    fail_msg("%s->%s element %d: got %g want %g", oc_dtype_name(ti),
                             oc_dtype_name(to), i, qt_get(to, got, i), want);
            }
            free(x);
            free(got);
        }
    }
}

static void test_exact_hand(void **state)
{
    (void)state;
    /* float -> int8, scale 0.5: x * 2 rounded half to even (XNNPACK); NaN -> zero point */
    const float x[9] = {0.25f, -0.25f, 0.75f, 1.25f, -1.25f, 2.5f, 100.f, -100.f, NAN};
    qt_spec in = {OC_F32, 1, {9}, 0.f, 0}, o8 = {OC_I8, 1, {9}, 0.5f, 0};
    int8_t g8[9];
    run(&in, x, &o8, g8, 1);
    const int8_t w8[9] = {0, 0, 2, 2, -2, 5, 127, -128, 0};
    assert_memory_equal(g8, w8, 9);
    /* float -> int16: x / 0.5 in double, half away from zero */
    qt_spec o16 = {OC_I16, 1, {9}, 0.5f, 0};
    int16_t g16[9];
    run(&in, x, &o16, g16, 1);
    const int16_t w16[8] = {1, -1, 2, 3, -3, 5, 200, -200};
    assert_memory_equal(g16, w16, sizeof w16);
    /* int8 -> int8 ratio 0.5 (XNNPACK): (128 + x * 128) >> 8: ties go up */
    const int8_t r[4] = {1, -1, 3, -3};
    qt_spec ri = {OC_I8, 1, {4}, 0.25f, 0}, ro = {OC_I8, 1, {4}, 0.5f, 0};
    run(&ri, r, &ro, g8, 1);
    const int8_t wr[4] = {1, 0, 2, -1};
    assert_memory_equal(g8, wr, 4);
    /* int8 -> uint8 (TFLite's Requantize), ratio 0.25 = 2^30 * 2^-32: the rounding right
     * shift takes ties away from zero: +-0.5 -> +-1, +-1.5 -> +-2, then + 128 */
    const int8_t r2[4] = {2, -2, 6, -6};
    qt_spec ri2 = {OC_I8, 1, {4}, 0.125f, 0}, ru = {OC_U8, 1, {4}, 0.5f, 128};
    uint8_t gu[4];
    run(&ri2, r2, &ru, gu, 1);
    const uint8_t wu[4] = {129, 127, 130, 126};
    assert_memory_equal(gu, wu, 4);
    /* int16 (zp -32768) -> int32: (x + 32768) * 0.5 */
    const int16_t h[3] = {-32768, -32767, 32767};
    qt_spec hi = {OC_I16, 1, {3}, 0.5f, -32768}, ho = {OC_I32, 1, {3}, 1.f, 0};
    int32_t g32[3];
    run(&hi, h, &ho, g32, 1);
    assert_int_equal(g32[0], 0);
    assert_int_equal(g32[1], 1); /* 0.5 -> 1 */
    assert_int_equal(g32[2], 32768);
}

static void test_per_channel(void **state)
{
    (void)state;
    int32_t dims[3] = {2, 3, 5};
    float scale[3] = {0.5f, 0.25f, 0.125f};
    int64_t zp[3] = {1, -2, 3};
    float x[30];
    for (int i = 0; i < 30; i++)
        x[i] = (float)(i - 15) * 0.3125f;
    ot_case c;
    ot_init(&c, &oc_op_QUANTIZE);
    ot_input(&c, OC_F32, 3, dims, x, false);
    int o = ot_output(&c, OC_I8);
    c.tensors[o].q = (oc_qparams){3, 1, scale, zp};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int8_t *g = ot_out(&c, 0)->data;
    for (int i = 0; i < 30; i++) {
        int ch = (i / 5) % 3;
        double q = round((double)x[i] / scale[ch]) + (double)zp[ch];
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        assert_int_equal(g[i], (int)q);
    }
    /* a channel count that does not match the axis */
    c.tensors[o].q.axis = 2;
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[256];
    qt_spec f = {OC_F32, 1, {3}, 0.f, 0}, i32 = {OC_I32, 1, {3}, 0.1f, 0};
    assert_int_equal(qt_prepare(&oc_op_QUANTIZE, NULL, 1, &f, &i32, msg), OC_ERROR);
    qt_spec u8 = {OC_U8, 1, {3}, 0.1f, 3}, i16 = {OC_I16, 1, {3}, 0.001f, 0};
    assert_int_equal(qt_prepare(&oc_op_QUANTIZE, NULL, 1, &u8, &i16, msg), OC_ERROR);
    assert_non_null(strstr(msg, "requantization"));
    qt_spec noq = {OC_I8, 1, {3}, 0.f, 0};
    assert_int_equal(qt_prepare(&oc_op_QUANTIZE, NULL, 1, &f, &noq, msg), OC_ERROR);
    qt_spec z16 = {OC_I16, 1, {3}, 0.001f, 4};
    assert_int_equal(qt_prepare(&oc_op_QUANTIZE, NULL, 1, &z16, &i16, msg), OC_ERROR);
    qt_spec b = {OC_BOOL, 1, {3}, 0.f, 0};
    assert_int_equal(qt_prepare(&oc_op_QUANTIZE, NULL, 1, &b, &u8, msg), OC_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_sim),  cmocka_unit_test(test_requantize_sim),
        cmocka_unit_test(test_exact_hand), cmocka_unit_test(test_per_channel),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
