/* DEQUANTIZE: float16 bit patterns against an independent ldexp formula (normals, subnormals,
 * signed zeros, infinities), uint8/int8/int16 per-tensor and per-channel, and rejections. */
#include <math.h>

#include "layout_test.h"

/* IEEE binary16 value of h, computed the long way. */
static float half_ref(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 31, man = h & 1023;
    double v;
    if (exp == 0)
        v = ldexp(man, -24);
    else if (exp == 31)
        v = man ? NAN : INFINITY;
    else
        v = ldexp(1024 + man, exp - 25);
    return (float)(sign ? -v : v);
}

static void test_f16(void **state)
{
    (void)state;
    const uint16_t h[10] = {0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff,
                            0x0001, 0x03ff, 0x7c00, 0xfc00, 0x3555};
    ot_case c;
    ot_init(&c, &oc_op_DEQUANTIZE);
    ot_input(&c, OC_F16, 1, (const int32_t[]){10}, h, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    float want[10];
    for (int i = 0; i < 10; i++)
        want[i] = half_ref(h[i]);
    lt_assert_f32(ot_out(&c, 0), want, 10); /* bitwise: -0 stays -0 */
    assert_true(want[4] == 65504.f && want[9] == 0.333251953125f);
    ot_free(&c);
    /* every bit pattern (NaNs compared as NaN), two threads */
    const int32_t d[2] = {256, 256};
    uint16_t *all = malloc(65536 * 2);
    for (int i = 0; i < 65536; i++)
        all[i] = (uint16_t)i;
    ot_init(&c, &oc_op_DEQUANTIZE);
    ot_input(&c, OC_F16, 2, d, all, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 2), OC_OK);
    const float *got = ot_out(&c, 0)->data;
    for (int i = 0; i < 65536; i++) {
        float w = half_ref((uint16_t)i);
        if (isnan(w))
            assert_true(isnan(got[i]));
        else if (memcmp(&w, &got[i], 4) != 0)
            fail_msg("0x%04x: got %g want %g", i, got[i], w);
    }
    ot_free(&c);
    free(all);
}

static void test_affine(void **state)
{
    (void)state;
    ot_case c;
    /* uint8 per-tensor */
    float s1 = 0.5f;
    int64_t z1 = 128;
    const uint8_t u[3] = {0, 128, 255};
    ot_init(&c, &oc_op_DEQUANTIZE);
    int iu = ot_input(&c, OC_U8, 1, (const int32_t[]){3}, u, true);
    ot_output(&c, OC_F32);
    c.tensors[iu].q = (oc_qparams){1, 0, &s1, &z1};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float wu[3] = {-64.f, 0.f, 63.5f};
    lt_assert_f32(ot_out(&c, 0), wu, 3);
    ot_free(&c);
    /* int8 per-channel on axis 0 and int16 per-channel on the last axis */
    float s2[2] = {0.1f, 2.f};
    int64_t z2[2] = {0, -1};
    const int8_t q8[6] = {-128, 0, 127, -1, 5, 100};
    ot_init(&c, &oc_op_DEQUANTIZE);
    int i8 = ot_input(&c, OC_I8, 2, (const int32_t[]){2, 3}, q8, true);
    ot_output(&c, OC_F32);
    c.tensors[i8].q = (oc_qparams){2, 0, s2, z2};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    float w8[6];
    for (int i = 0; i < 6; i++)
        w8[i] = s2[i / 3] * (float)(q8[i] - z2[i / 3]);
    lt_assert_f32(ot_out(&c, 0), w8, 6);
    ot_free(&c);
    float s3[3] = {0.001f, 0.5f, 3.f};
    int64_t z3[3] = {0, 0, 0};
    const int16_t q16[6] = {-32768, 32767, 1, 2, -3, 4};
    ot_init(&c, &oc_op_DEQUANTIZE);
    int i16 = ot_input(&c, OC_I16, 2, (const int32_t[]){2, 3}, q16, true);
    ot_output(&c, OC_F32);
    c.tensors[i16].q = (oc_qparams){3, 1, s3, z3};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    float w16[6];
    for (int i = 0; i < 6; i++)
        w16[i] = s3[i % 3] * (float)q16[i];
    lt_assert_f32(ot_out(&c, 0), w16, 6);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    ot_case c;
    const int8_t q[6] = {0};
    float s[2] = {1, 1};
    int64_t z[2] = {0, 0};
    ot_init(&c, &oc_op_DEQUANTIZE); /* no quantization parameters */
    ot_input(&c, OC_I8, 2, (const int32_t[]){2, 3}, q, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_DEQUANTIZE); /* 2 channel scales on a dim of 3 */
    int i = ot_input(&c, OC_I8, 2, (const int32_t[]){2, 3}, q, true);
    ot_output(&c, OC_F32);
    c.tensors[i].q = (oc_qparams){2, 1, s, z};
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_DEQUANTIZE); /* output not float32 */
    ot_input(&c, OC_F16, 1, (const int32_t[]){3}, q, true);
    ot_output(&c, OC_F16);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_DEQUANTIZE); /* float32 input */
    ot_input(&c, OC_F32, 1, (const int32_t[]){1}, q, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f16),
        cmocka_unit_test(test_affine),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
