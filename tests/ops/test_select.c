/* SELECT (v1: same shape, scalar or rank-1 condition) and SELECT_V2 (full broadcast). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

/* Runs def(cond, x, y); copies the output to got and its shape to shape. */
static oc_status run3(const oc_op_def *def, int rc, const int32_t *dc, const uint8_t *cond,
                      oc_dtype dt, int rx, const int32_t *dx, const void *x, int ry,
                      const int32_t *dy, const void *y, void *got, oc_shape *shape, int nthr)
{
    ot_case c;
    ot_init(&c, def);
    ot_input(&c, OC_BOOL, rc, dc, cond, false);
    ot_input(&c, dt, rx, dx, x, false);
    ot_input(&c, dt, ry, dy, y, false);
    ot_output(&c, dt);
    oc_status st = ot_run(&c, nthr);
    if (st == OC_OK) {
        memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
        if (shape) *shape = ot_out(&c, 0)->shape;
    }
    ot_free(&c);
    return st;
}

static void test_select_same_shape(void **state)
{
    (void)state;
    const uint8_t cond[5] = {1, 0, 1, 0, 3};
    const float x[5] = {1, 2, 3, 4, 5}, y[5] = {-1, -2, -3, -4, -5};
    int32_t d5 = 5;
    float got[5];
    assert_int_equal(run3(&oc_op_SELECT, 1, &d5, cond, OC_F32, 1, &d5, x, 1, &d5, y, got, NULL, 1),
                     OC_OK);
    const float want[5] = {1, -2, 3, -4, 5};
    assert_memory_equal(got, want, sizeof want);
}

static void test_select_rank1_and_scalar_condition(void **state)
{
    (void)state;
    /* cond [3] over x [3,4]: picks whole rows (int32) */
    const uint8_t cond[3] = {0, 1, 0};
    int32_t x[12], y[12], got[12];
    for (int i = 0; i < 12; i++)
        x[i] = i, y[i] = 100 + i;
    int32_t dc = 3, dx[2] = {3, 4};
    oc_shape s;
    assert_int_equal(run3(&oc_op_SELECT, 1, &dc, cond, OC_I32, 2, dx, x, 2, dx, y, got, &s, 1),
                     OC_OK);
    assert_int_equal(s.rank, 2);
    for (int i = 0; i < 12; i++)
        assert_int_equal(got[i], cond[i / 4] ? x[i] : y[i]);
    /* scalar cond picks a whole tensor (int64, 8-byte elements) */
    const int64_t x64[3] = {1, 2, 3}, y64[3] = {-1, -2, -3};
    int64_t g64[3];
    int32_t d3 = 3;
    const uint8_t f = 0;
    assert_int_equal(
        run3(&oc_op_SELECT, 0, NULL, &f, OC_I64, 1, &d3, x64, 1, &d3, y64, g64, NULL, 1), OC_OK);
    assert_memory_equal(g64, y64, sizeof y64);
}

static void test_select_element_sizes(void **state)
{
    (void)state;
    const uint8_t cond[3] = {1, 0, 1};
    int32_t d3 = 3;
    const int16_t x16[3] = {1, 2, 3}, y16[3] = {-1, -2, -3};
    int16_t g16[3];
    assert_int_equal(
        run3(&oc_op_SELECT_V2, 1, &d3, cond, OC_I16, 1, &d3, x16, 1, &d3, y16, g16, NULL, 1),
        OC_OK);
    assert_memory_equal(g16, ((int16_t[]){1, -2, 3}), 6);
    const uint8_t xb[3] = {1, 1, 1}, yb[3] = {0, 0, 0};
    uint8_t gb[3];
    assert_int_equal(
        run3(&oc_op_SELECT_V2, 1, &d3, cond, OC_BOOL, 1, &d3, xb, 1, &d3, yb, gb, NULL, 1), OC_OK);
    assert_memory_equal(gb, ((uint8_t[]){1, 0, 1}), 3);
}

static void test_select_v2_broadcast(void **state)
{
    (void)state;
    /* cond [2,1,3], x [1,4,1], y scalar -> [2,4,3] */
    const uint8_t cond[6] = {1, 0, 1, 0, 1, 1};
    const float x[4] = {10, 20, 30, 40}, y = -7;
    int32_t dc[3] = {2, 1, 3}, dx[3] = {1, 4, 1};
    float got[24];
    oc_shape s;
    assert_int_equal(run3(&oc_op_SELECT_V2, 3, dc, cond, OC_F32, 3, dx, x, 0, NULL, &y, got, &s, 1),
                     OC_OK);
    assert_int_equal(s.rank, 3);
    assert_int_equal(s.dims[0], 2);
    assert_int_equal(s.dims[1], 4);
    assert_int_equal(s.dims[2], 3);
    for (int i = 0; i < 24; i++) {
        int i0 = i / 12, i1 = (i / 3) % 4, i2 = i % 3;
        float want = cond[i0 * 3 + i2] ? x[i1] : y;
        assert_true(got[i] == want);
    }
}

static void test_select_v2_large_threads(void **state)
{
    (void)state;
    /* cond [n,1] x [n,33] vs y [33] */
    int32_t n = 1500, dc[2] = {n, 1}, dx[2] = {n, 33}, dy = 33;
    uint8_t *cond = malloc((size_t)n);
    float *x = malloc((size_t)n * 33 * 4), y[33], *got = malloc((size_t)n * 33 * 4);
    for (int i = 0; i < n; i++)
        cond[i] = (uint8_t)(i % 3 != 1);
    for (int i = 0; i < n * 33; i++)
        x[i] = (float)i;
    for (int i = 0; i < 33; i++)
        y[i] = -(float)i;
    assert_int_equal(run3(&oc_op_SELECT_V2, 2, dc, cond, OC_F32, 2, dx, x, 1, &dy, y, got, NULL, 2),
                     OC_OK);
    for (int i = 0; i < n * 33; i++)
        assert_true(got[i] == (cond[i / 33] ? x[i] : y[i % 33]));
    free(cond);
    free(x);
    free(got);
}

static oc_status prep(const oc_op_def *def, oc_dtype tc, int rc, const int32_t *dc, oc_dtype tx,
                      int rx, const int32_t *dx, oc_dtype ty, int ry, const int32_t *dy,
                      oc_dtype to)
{
    ot_case c;
    ot_init(&c, def);
    ot_input(&c, tc, rc, dc, NULL, false);
    ot_input(&c, tx, rx, dx, NULL, false);
    ot_input(&c, ty, ry, dy, NULL, false);
    ot_output(&c, to);
    oc_status st = ot_prepare(&c);
    ot_free(&c);
    return st;
}

static void test_rejections(void **state)
{
    (void)state;
    int32_t d3 = 3, d4 = 4, d34[2] = {3, 4}, d43[2] = {4, 3};
    const oc_op_def *v1 = &oc_op_SELECT, *v2 = &oc_op_SELECT_V2;
    /* condition not bool */
    assert_int_equal(prep(v1, OC_F32, 1, &d3, OC_F32, 1, &d3, OC_F32, 1, &d3, OC_F32), OC_ERROR);
    /* x / y / output types differ */
    assert_int_equal(prep(v2, OC_BOOL, 1, &d3, OC_F32, 1, &d3, OC_I32, 1, &d3, OC_F32), OC_ERROR);
    assert_int_equal(prep(v2, OC_BOOL, 1, &d3, OC_F32, 1, &d3, OC_F32, 1, &d3, OC_I32), OC_ERROR);
    /* v1: x and y must match; a rank-1 condition must match the first dim */
    assert_int_equal(prep(v1, OC_BOOL, 1, &d3, OC_F32, 1, &d3, OC_F32, 1, &d4, OC_F32), OC_ERROR);
    assert_int_equal(prep(v1, OC_BOOL, 1, &d4, OC_F32, 2, d34, OC_F32, 2, d34, OC_F32), OC_ERROR);
    assert_int_equal(prep(v1, OC_BOOL, 2, d43, OC_F32, 2, d34, OC_F32, 2, d34, OC_F32), OC_ERROR);
    assert_int_equal(prep(v1, OC_BOOL, 1, &d3, OC_F32, 2, d34, OC_F32, 2, d34, OC_F32), OC_OK);
    /* v2: must broadcast */
    assert_int_equal(prep(v2, OC_BOOL, 1, &d3, OC_F32, 2, d34, OC_F32, 1, &d4, OC_F32), OC_ERROR);
    assert_int_equal(prep(v2, OC_BOOL, 2, d43, OC_F32, 1, &d3, OC_F32, 1, &d3, OC_F32), OC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_same_shape),
        cmocka_unit_test(test_select_rank1_and_scalar_condition),
        cmocka_unit_test(test_select_element_sizes),
        cmocka_unit_test(test_select_v2_broadcast),
        cmocka_unit_test(test_select_v2_large_threads),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
