/* FILL and RANGE: values, dtypes, dynamic inputs, TFLite's size formulas, and rejections. */
#include <math.h>

#include "layout_test.h"

static void test_fill(void **state)
{
    (void)state;
    ot_case c;
    const int32_t dims[3] = {2, 17, 3}, vd[1] = {3};
    float v = -1.25f;
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I32, 1, vd, dims, false);
    ot_input(&c, OC_F32, 0, NULL, &v, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 3, dims);
    for (int i = 0; i < 102; i++)
        assert_true(((float *)ot_out(&c, 0)->data)[i] == v);
    ot_free(&c);
    /* int64 dims, int64 value, empty and scalar results */
    const int64_t d64[2] = {3, 0};
    int64_t iv = -(1ll << 40);
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I64, 1, (const int32_t[]){2}, d64, true);
    ot_input(&c, OC_I64, 0, NULL, &iv, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(oc_tensor_count(ot_out(&c, 0)), 0);
    ot_free(&c);
    const int64_t d4[1] = {4};
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I64, 1, (const int32_t[]){1}, d4, true);
    ot_input(&c, OC_I64, 0, NULL, &iv, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    for (int i = 0; i < 4; i++)
        assert_true(((int64_t *)ot_out(&c, 0)->data)[i] == iv);
    ot_free(&c);
    /* negative dim; value type differs from output; value not scalar */
    const int32_t neg[2] = {2, -1};
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I32, 1, (const int32_t[]){2}, neg, true);
    ot_input(&c, OC_F32, 0, NULL, &v, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I32, 1, vd, dims, true);
    ot_input(&c, OC_F32, 0, NULL, &v, false);
    ot_output(&c, OC_I32);
    lt_assert_rejected(&c);
    ot_free(&c);
    const float two[2] = {1, 2};
    ot_init(&c, &oc_op_FILL);
    ot_input(&c, OC_I32, 1, vd, dims, true);
    ot_input(&c, OC_F32, 1, (const int32_t[]){2}, two, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

static void run_range(ot_case *c, oc_dtype dt, const void *s, const void *l, const void *d,
                      bool is_const)
{
    ot_init(c, &oc_op_RANGE);
    ot_input(c, dt, 0, NULL, s, is_const);
    ot_input(c, dt, 0, NULL, l, is_const);
    ot_input(c, dt, 0, NULL, d, is_const);
    ot_output(c, dt);
}

static void test_range(void **state)
{
    (void)state;
    ot_case c;
    const int32_t cases[5][3] = {{0, 5, 1}, {3, 18, 3}, {10, -3, -4}, {1, 2, 5}, {4, 4, 1}};
    for (int k = 0; k < 5; k++) {
        const int32_t *t = cases[k];
        run_range(&c, OC_I32, &t[0], &t[1], &t[2], k != 2);
        if (k == 2) assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        int32_t want[32];
        int n = 0;
        for (int32_t v = t[0]; t[2] > 0 ? v < t[1] : v > t[1]; v += t[2])
            want[n++] = v;
        const int32_t wd[1] = {n};
        lt_assert_shape(ot_out(&c, 0), 1, wd);
        lt_assert_i32(ot_out(&c, 0), want, n);
        ot_free(&c);
    }
    /* float: size = ceil(|(limit - start) / delta|), values accumulate */
    float fs = 0.1f, fl = 1.0f, fd = 0.3f;
    run_range(&c, OC_F32, &fs, &fl, &fd, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    int32_t n = (int32_t)ceilf(fabsf((fl - fs) / fd));
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], n);
    float v = fs;
    for (int i = 0; i < n; i++, v += fd)
        assert_true(((float *)ot_out(&c, 0)->data)[i] == v);
    ot_free(&c);
    /* int64 near the type limits */
    int64_t s = INT64_MIN + 2, l = INT64_MAX, d = INT64_MAX;
    run_range(&c, OC_I64, &s, &l, &d, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 2); /* a third step would pass the limit */
    const int64_t w64[2] = {INT64_MIN + 2, 1};
    assert_memory_equal(ot_out(&c, 0)->data, w64, sizeof w64);
    ot_free(&c);
    /* rejections: zero delta, wrong direction, NaN, mixed types */
    const int32_t zero[3] = {0, 5, 0}, wrong[3] = {0, 5, -1};
    run_range(&c, OC_I32, &zero[0], &zero[1], &zero[2], true);
    lt_assert_rejected(&c);
    ot_free(&c);
    run_range(&c, OC_I32, &wrong[0], &wrong[1], &wrong[2], true);
    lt_assert_rejected(&c);
    ot_free(&c);
    float nan = NAN;
    run_range(&c, OC_F32, &fs, &nan, &fd, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_RANGE);
    ot_input(&c, OC_I32, 0, NULL, &zero[0], true);
    ot_input(&c, OC_F32, 0, NULL, &fl, true);
    ot_input(&c, OC_I32, 0, NULL, &zero[1], true);
    ot_output(&c, OC_I32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
