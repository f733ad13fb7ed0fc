/* CAST. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

static void cast(oc_dtype from, oc_dtype to, int32_t n, const void *in, void *got, int nthr)
{
    ot_case c;
    ot_init(&c, &oc_op_CAST);
    ot_input(&c, from, 1, &n, in, false);
    ot_output(&c, to);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], n);
    assert_int_equal(ot_out(&c, 0)->bytes, (size_t)n * oc_dtype_size(to));
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

static void test_float_to_int(void **state)
{
    (void)state;
    const float f[8] = {1.9f, -1.9f, 0.5f, -0.5f, NAN, 3e9f, -3e9f, 2147483520.f};
    int32_t g32[8];
    cast(OC_F32, OC_I32, 8, f, g32, 1);
    assert_memory_equal(g32, ((int32_t[]){1, -1, 0, 0, 0, INT32_MAX, INT32_MIN, 2147483520}), 32);
    const float u[5] = {-1.f, 300.f, 255.9f, 3.7f, 0.f};
    uint8_t gu[5];
    cast(OC_F32, OC_U8, 5, u, gu, 1);
    assert_memory_equal(gu, ((uint8_t[]){255, 44, 255, 3, 0}), 5);
    const float s[3] = {-129.f, 127.5f, -3.2f};
    int8_t gs[3];
    cast(OC_F32, OC_I8, 3, s, gs, 1);
    assert_memory_equal(gs, ((int8_t[]){127, 127, -3}), 3);
    const float l[4] = {1e19f, -1e19f, 123456789012.f, -0.99f};
    int64_t gl[4];
    cast(OC_F32, OC_I64, 4, l, gl, 1);
    assert_memory_equal(gl, ((int64_t[]){INT64_MAX, INT64_MIN, 123456790528LL, 0}), 32);
    const float h[2] = {40000.f, -40000.f};
    int16_t gh[2];
    cast(OC_F32, OC_I16, 2, h, gh, 1);
    assert_memory_equal(gh, ((int16_t[]){-25536, 25536}), 4);
}

static void test_bool(void **state)
{
    (void)state;
    const float f[5] = {0.f, -0.f, 0.1f, NAN, -INFINITY};
    uint8_t gb[5];
    cast(OC_F32, OC_BOOL, 5, f, gb, 1);
    assert_memory_equal(gb, ((uint8_t[]){0, 0, 1, 1, 1}), 5);
    const int32_t i[3] = {0, 5, -1};
    cast(OC_I32, OC_BOOL, 3, i, gb, 1);
    assert_memory_equal(gb, ((uint8_t[]){0, 1, 1}), 3);
    const uint8_t b[3] = {0, 1, 2};
    float gf[3];
    cast(OC_BOOL, OC_F32, 3, b, gf, 1);
    assert_true(gf[0] == 0.f && gf[1] == 1.f && gf[2] == 1.f);
    int64_t gl[3];
    cast(OC_BOOL, OC_I64, 3, b, gl, 1);
    assert_memory_equal(gl, ((int64_t[]){0, 1, 1}), 24);
    cast(OC_BOOL, OC_BOOL, 3, b, gb, 1);
    assert_memory_equal(gb, ((uint8_t[]){0, 1, 1}), 3);
}

static void test_int_to_int_and_float(void **state)
{
    (void)state;
    const int64_t l[3] = {0x100000001LL, -1, INT64_MIN};
    int32_t g32[3];
    cast(OC_I64, OC_I32, 3, l, g32, 1);
    assert_memory_equal(g32, ((int32_t[]){1, -1, 0}), 12);
    const int32_t i[3] = {256, -1, 16777217};
    uint8_t gu[3];
    cast(OC_I32, OC_U8, 3, i, gu, 1);
    assert_memory_equal(gu, ((uint8_t[]){0, 255, 1}), 3);
    float gf[3];
    cast(OC_I32, OC_F32, 3, i, gf, 1);
    assert_true(gf[0] == 256.f && gf[1] == -1.f && gf[2] == 16777216.f);
    const uint8_t u[2] = {200, 7};
    int8_t gs[2];
    cast(OC_U8, OC_I8, 2, u, gs, 1);
    assert_memory_equal(gs, ((int8_t[]){-56, 7}), 2);
    const int16_t h[2] = {-32768, 32767};
    int64_t gl[2];
    cast(OC_I16, OC_I64, 2, h, gl, 1);
    assert_memory_equal(gl, ((int64_t[]){-32768, 32767}), 16);
    const int8_t s[2] = {-1, 100};
    int32_t gi[2];
    cast(OC_I8, OC_I32, 2, s, gi, 1);
    assert_memory_equal(gi, ((int32_t[]){-1, 100}), 8);
    int64_t big[1] = {INT64_MAX};
    cast(OC_I64, OC_F32, 1, big, gf, 1);
    assert_true(gf[0] == 9223372036854775808.f);
}

static void test_float_float(void **state)
{
    (void)state;
    const float f[4] = {1.5f, -0.f, NAN, 65504.f};
    float g[4];
    cast(OC_F32, OC_F32, 4, f, g, 1);
    assert_true(g[0] == 1.5f && signbit(g[1]) && isnan(g[2]) && g[3] == 65504.f);
    uint16_t h[4];
    cast(OC_F32, OC_F16, 4, f, h, 1);
    assert_int_equal(h[0], 0x3E00);
    assert_int_equal(h[1], 0x8000);
    assert_int_equal(h[3], 0x7BFF);
    cast(OC_F16, OC_F32, 4, h, g, 1);
    assert_true(g[0] == 1.5f && g[3] == 65504.f && isnan(g[2]));
    const double d[2] = {0.1, 1e300};
    cast(OC_F64, OC_F32, 2, d, g, 1);
    assert_true(g[0] == 0.1f && isinf(g[1]));
}

static void test_large_threads(void **state)
{
    (void)state;
    int32_t n = 60001;
    int32_t *in = malloc((size_t)n * 4);
    float *got = malloc((size_t)n * 4);
    for (int32_t i = 0; i < n; i++)
        in[i] = i * 37 - 1000000;
    cast(OC_I32, OC_F32, n, in, got, 2);
    for (int32_t i = 0; i < n; i++)
        assert_true(got[i] == (float)in[i]);
    free(in);
    free(got);
}

static void test_rejections(void **state)
{
    (void)state;
    int32_t d = 3;
    const oc_dtype bad[3][2] = {{OC_STRING, OC_F32}, {OC_F32, OC_COMPLEX64}, {OC_F32, 17}};
    for (int i = 0; i < 3; i++) {
        ot_case c;
        ot_init(&c, &oc_op_CAST);
        ot_input(&c, bad[i][0], 1, &d, NULL, false);
        ot_output(&c, bad[i][1]);
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        assert_non_null(strstr(c.err.msg, "CAST"));
        ot_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_to_int),         cmocka_unit_test(test_bool),
        cmocka_unit_test(test_int_to_int_and_float), cmocka_unit_test(test_float_float),
        cmocka_unit_test(test_large_threads),        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
