/* LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

static void run2(const oc_op_def *def, int ra, const int32_t *da, const uint8_t *a, int rb,
                 const int32_t *db, const uint8_t *b, uint8_t *got, int nthr)
{
    ot_case c;
    ot_init(&c, def);
    ot_input(&c, OC_BOOL, ra, da, a, false);
    ot_input(&c, OC_BOOL, rb, db, b, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

static void test_and_or(void **state)
{
    (void)state;
    const uint8_t a[4] = {0, 1, 0, 7}, b[4] = {0, 0, 1, 1}; /* 7: any non-zero byte is true */
    int32_t d4 = 4;
    uint8_t got[4];
    run2(&oc_op_LOGICAL_AND, 1, &d4, a, 1, &d4, b, got, 1);
    assert_memory_equal(got, ((uint8_t[]){0, 0, 0, 1}), 4);
    run2(&oc_op_LOGICAL_OR, 1, &d4, a, 1, &d4, b, got, 1);
    assert_memory_equal(got, ((uint8_t[]){0, 1, 1, 1}), 4);
}

static void test_broadcast(void **state)
{
    (void)state;
    /* [3,1] x [1,5] -> [3,5] */
    const uint8_t col[3] = {1, 0, 1}, row[5] = {1, 0, 1, 1, 0};
    int32_t dc[2] = {3, 1}, dr[2] = {1, 5};
    uint8_t got[15];
    run2(&oc_op_LOGICAL_AND, 2, dc, col, 2, dr, row, got, 1);
    for (int i = 0; i < 15; i++)
        assert_int_equal(got[i], col[i / 5] && row[i % 5]);
    run2(&oc_op_LOGICAL_OR, 2, dc, col, 2, dr, row, got, 1);
    for (int i = 0; i < 15; i++)
        assert_int_equal(got[i], col[i / 5] || row[i % 5]);
    /* scalar, large, threaded */
    int32_t n = 40003;
    uint8_t *x = malloc((size_t)n), *g = malloc((size_t)n), t = 1;
    for (int32_t i = 0; i < n; i++)
        x[i] = (uint8_t)(i % 3 == 0);
    run2(&oc_op_LOGICAL_AND, 1, &n, x, 0, NULL, &t, g, 2);
    for (int32_t i = 0; i < n; i++)
        assert_int_equal(g[i], x[i]);
    free(x);
    free(g);
}

static void test_not(void **state)
{
    (void)state;
    const uint8_t a[5] = {0, 1, 0, 2, 1};
    int32_t d[2] = {1, 5};
    ot_case c;
    ot_init(&c, &oc_op_LOGICAL_NOT);
    ot_input(&c, OC_BOOL, 2, d, a, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    assert_memory_equal(ot_out(&c, 0)->data, ((uint8_t[]){1, 0, 1, 0, 0}), 5);
    ot_free(&c);
}

static void test_rejections(void **state)
{
    (void)state;
    int32_t d3 = 3, d4 = 4;
    ot_case c;
    ot_init(&c, &oc_op_LOGICAL_AND);
    ot_input(&c, OC_BOOL, 1, &d3, NULL, false);
    ot_input(&c, OC_I32, 1, &d3, NULL, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "LOGICAL_AND"));
    assert_non_null(strstr(c.err.msg, "INT32"));
    ot_free(&c);
    ot_init(&c, &oc_op_LOGICAL_OR);
    ot_input(&c, OC_BOOL, 1, &d3, NULL, false);
    ot_input(&c, OC_BOOL, 1, &d4, NULL, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_LOGICAL_NOT);
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_LOGICAL_NOT);
    ot_input(&c, OC_BOOL, 1, &d3, NULL, false);
    ot_output(&c, OC_U8);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_and_or),
        cmocka_unit_test(test_broadcast),
        cmocka_unit_test(test_not),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
