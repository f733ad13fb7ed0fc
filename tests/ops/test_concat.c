/* CONCATENATION: every axis (negative too) against a naive oracle, odd sizes, fused activation,
 * int types, uint8/int8 requantization, and rejection of mismatched inputs. */
#include <math.h>

#include "layout_test.h"
#include "ops/layout_params.h"

/* Expected output by coordinates: find which input the axis coordinate falls in. */
static void oracle(int n, int rank, int32_t (*dims)[4], int axis, float **in, float *out)
{
    int32_t od[4];
    memcpy(od, dims[0], sizeof od);
    od[axis] = 0;
    for (int i = 0; i < n; i++)
        od[axis] += dims[i][axis];
    int64_t total = lt_count(rank, od), co[4];
    for (int64_t o = 0; o < total; o++) {
        lt_unravel(o, rank, od, co);
        int64_t a = co[axis];
        int k = 0;
        while (a >= dims[k][axis])
            a -= dims[k++][axis];
        co[axis] = a;
        out[o] = in[k][lt_ravel(rank, dims[k], co)];
    }
}

static void check_axis(int axis_param, int nthreads)
{
    const int rank = 4, n = 3;
    int32_t dims[3][4] = {{2, 3, 5, 17}, {2, 3, 5, 17}, {2, 3, 5, 17}};
    int axis = axis_param < 0 ? axis_param + rank : axis_param;
    dims[1][axis] = 1;
    dims[2][axis] = 4;
    float *in[3];
    ot_case c;
    ot_init(&c, &oc_op_CONCATENATION);
    oc_concat_params p = {.axis = axis_param, .activation = OC_ACT_NONE};
    c.op.params = &p;
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        int64_t cnt = lt_count(rank, dims[i]);
        in[i] = lt_seq_f32(cnt);
        for (int64_t j = 0; j < cnt; j++)
            in[i][j] += (float)(1000 * i);
        ot_input(&c, OC_F32, rank, dims[i], in[i], false);
        total += cnt;
    }
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    float *want = malloc((size_t)total * sizeof *want);
    oracle(n, rank, dims, axis, in, want);
    lt_assert_f32(ot_out(&c, 0), want, total);
    assert_int_equal(ot_out(&c, 0)->shape.dims[axis], dims[0][axis] + 1 + 4);
    ot_free(&c);
    free(want);
    for (int i = 0; i < n; i++)
        free(in[i]);
}

static void test_axes(void **state)
{
    (void)state;
    for (int a = -4; a < 4; a++)
        check_axis(a, 1);
    check_axis(2, 2);
}

static void test_activation_and_ints(void **state)
{
    (void)state;
    ot_case c;
    oc_concat_params p = {.axis = 1, .activation = OC_ACT_RELU6};
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p;
    const float a[2] = {-1, 7}, b[4] = {3, 0.5f, 6.5f, -0.f};
    const int32_t da[2] = {2, 1}, db[2] = {2, 2};
    ot_input(&c, OC_F32, 2, da, a, false);
    ot_input(&c, OC_F32, 2, db, b, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[6] = {0, 3, 0.5f, 6, 6, 0};
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 6, 0);
    ot_free(&c);

    oc_concat_params q = {.axis = 0};
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &q;
    const int64_t x[3] = {1, 2, 3}, y[1] = {-9};
    const int32_t dx[1] = {3}, dy[1] = {1};
    ot_input(&c, OC_I64, 1, dx, x, false);
    ot_input(&c, OC_I64, 1, dy, y, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t wi[4] = {1, 2, 3, -9};
    assert_memory_equal(ot_out(&c, 0)->data, wi, sizeof wi);
    ot_free(&c);
}

static void test_requantize(void **state)
{
    (void)state;
    float s_in[2] = {0.5f, 0.25f}, s_out[1] = {0.1f};
    int64_t z_in[2] = {128, 3}, z_out[1] = {10};
    ot_case c;
    oc_concat_params p = {.axis = 0};
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p;
    const uint8_t a[4] = {0, 128, 131, 255}, b[3] = {0, 3, 200};
    const int32_t da[1] = {4}, db[1] = {3};
    int ia = ot_input(&c, OC_U8, 1, da, a, false);
    int ib = ot_input(&c, OC_U8, 1, db, b, false);
    int io = ot_output(&c, OC_U8);
    c.tensors[ia].q = (oc_qparams){1, 0, &s_in[0], &z_in[0]};
    c.tensors[ib].q = (oc_qparams){1, 0, &s_in[1], &z_in[1]};
    c.tensors[io].q = (oc_qparams){1, 0, s_out, z_out};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    /* TFLite: round(q * s_in/s_out - zp_in * s_in/s_out) + zp_out, clamped */
    const uint8_t *ins[2] = {a, b};
    const int ns[2] = {4, 3};
    const uint8_t *got = ot_out(&c, 0)->data;
    int k = 0;
    for (int i = 0; i < 2; i++) {
        float scale = s_in[i] * (1.f / s_out[0]), bias = -(float)z_in[i] * scale;
        for (int j = 0; j < ns[i]; j++, k++) {
            long v = lroundf((float)ins[i][j] * scale + bias) + 10;
            uint8_t w = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            assert_int_equal(got[k], w);
        }
    }
    assert_int_equal(got[0], 0);   /* -64 / 0.1 clamps to 0 */
    assert_int_equal(got[1], 10);  /* the zero point maps to the zero point */
    assert_int_equal(got[3], 255); /* clamps high */
    ot_free(&c);
}

/* Absurd requantization (found by fuzzing): a scale ratio beyond int range or NaN saturates
 * instead of overflowing the float -> int conversion (UBSan checks this in CI). */
static void test_requantize_absurd(void **state)
{
    (void)state;
    float s_in[2] = {1e20f, NAN}, s_out[1] = {1e-10f};
    int64_t z_in[2] = {0, 0}, z_out[1] = {(int64_t)1 << 40};
    ot_case c;
    oc_concat_params p = {.axis = 0};
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p;
    const uint8_t a[2] = {0, 7}, b[2] = {0, 7};
    const int32_t d[1] = {2};
    int ia = ot_input(&c, OC_U8, 1, d, a, false);
    int ib = ot_input(&c, OC_U8, 1, d, b, false);
    int io = ot_output(&c, OC_U8);
    c.tensors[ia].q = (oc_qparams){1, 0, &s_in[0], &z_in[0]};
    c.tensors[ib].q = (oc_qparams){1, 0, &s_in[1], &z_in[1]};
    c.tensors[io].q = (oc_qparams){1, 0, s_out, z_out};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const uint8_t *got = ot_out(&c, 0)->data;
    assert_int_equal(got[0], 255); /* 0 + 2^40 clamps high */
    assert_int_equal(got[1], 255); /* 7e30 clamps high */
    assert_int_equal(got[2], 0);   /* NaN gives the low bound */
    assert_int_equal(got[3], 0);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    ot_case c;
    float x[12] = {0};
    const int32_t d1[2] = {2, 3}, d2[2] = {3, 3}, d3[3] = {2, 3, 1};
    oc_concat_params p1 = {.axis = 1};
    /* dims differ off the axis */
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p1;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* rank differs */
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p1;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_input(&c, OC_F32, 3, d3, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* dtype differs */
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p1;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_input(&c, OC_I32, 2, d1, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* axis out of range, activation on ints, unknown activation */
    oc_concat_params bad_axis = {.axis = 2}, act_int = {.axis = 0, .activation = OC_ACT_RELU};
    oc_concat_params tanh_act = {.axis = 0, .activation = OC_ACT_TANH};
    const oc_concat_params *ps[3] = {&bad_axis, &act_int, &tanh_act};
    const oc_dtype ts[3] = {OC_F32, OC_I32, OC_F32};
    for (int i = 0; i < 3; i++) {
        ot_init(&c, &oc_op_CONCATENATION);
        c.op.params = ps[i];
        ot_input(&c, ts[i], 2, d1, x, false);
        ot_output(&c, ts[i]);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
}

/* int16: equal quantization copies; a differing input is rejected (TFLite would copy it
 * unscaled). */
static void test_int16_quantization(void **state)
{
    (void)state;
    static float s[2] = {0.001f, 0.002f};
    static int64_t z[1] = {0};
    const int16_t a[2] = {-30000, 7}, b[1] = {32767};
    const int32_t da[1] = {2}, db[1] = {1};
    oc_concat_params p = {.axis = 0};
    ot_case c;
    ot_init(&c, &oc_op_CONCATENATION);
    c.op.params = &p;
    int ia = ot_input(&c, OC_I16, 1, da, a, false);
    int ib = ot_input(&c, OC_I16, 1, db, b, false);
    int io = ot_output(&c, OC_I16);
    c.tensors[ia].q = (oc_qparams){1, 0, &s[0], z};
    c.tensors[ib].q = (oc_qparams){1, 0, &s[0], z};
    c.tensors[io].q = (oc_qparams){1, 0, &s[0], z};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int16_t want[3] = {-30000, 7, 32767};
    assert_memory_equal(ot_out(&c, 0)->data, want, sizeof want);
    c.tensors[ib].q.scale = &s[1];
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "int16"));
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axes),
        cmocka_unit_test(test_activation_and_ints),
        cmocka_unit_test(test_requantize),
        cmocka_unit_test(test_requantize_absurd),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_int16_quantization),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
