/* SPACE_TO_DEPTH and DEPTH_TO_SPACE: TF documentation examples, a naive oracle on odd sizes,
 * round trips, and rejections. */
#include "layout_test.h"
#include "ops/layout_params.h"

static void run(ot_case *c, const oc_op_def *def, const oc_block_params *p, oc_dtype dt,
                const int32_t *dims, const void *x)
{
    ot_init(c, def);
    c->op.params = p;
    ot_input(c, dt, 4, dims, x, false);
    ot_output(c, dt);
}

static void test_tf_examples(void **state)
{
    (void)state;
    oc_block_params p = {2};
    ot_case c;
    /* [1,2,2,1] -> [1,1,1,4] */
    const float x1[4] = {1, 2, 3, 4};
    const int32_t d1[4] = {1, 2, 2, 1}, w1[4] = {1, 1, 1, 4};
    run(&c, &oc_op_SPACE_TO_DEPTH, &p, OC_F32, d1, x1);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, w1);
    lt_assert_f32(ot_out(&c, 0), x1, 4);
    ot_free(&c);
    /* [1,4,4,1] -> [1,2,2,4] */
    float x3[16];
    for (int i = 0; i < 16; i++)
        x3[i] = (float)(i + 1);
    const int32_t d3[4] = {1, 4, 4, 1}, w3d[4] = {1, 2, 2, 4};
    const float w3[16] = {1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16};
    run(&c, &oc_op_SPACE_TO_DEPTH, &p, OC_F32, d3, x3);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, w3d);
    lt_assert_f32(ot_out(&c, 0), w3, 16);
    ot_free(&c);
    run(&c, &oc_op_DEPTH_TO_SPACE, &p, OC_F32, w3d, w3);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, d3);
    lt_assert_f32(ot_out(&c, 0), x3, 16);
    ot_free(&c);
    /* DEPTH_TO_SPACE [1,1,1,12] -> [1,2,2,3] */
    float x4[12];
    for (int i = 0; i < 12; i++)
        x4[i] = (float)(i + 1);
    const int32_t d4[4] = {1, 1, 1, 12}, w4d[4] = {1, 2, 2, 3};
    run(&c, &oc_op_DEPTH_TO_SPACE, &p, OC_F32, d4, x4);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, w4d);
    lt_assert_f32(ot_out(&c, 0), x4, 12);
    ot_free(&c);
}

static void test_oracle(void **state)
{
    (void)state;
    for (int b = 1; b <= 3; b++) {
        oc_block_params p = {b};
        const int32_t d[4] = {2, 3 * b, 5 * b, 7};
        int64_t n = lt_count(4, d);
        int32_t *x = lt_seq_i32(n);
        ot_case c;
        run(&c, &oc_op_SPACE_TO_DEPTH, &p, OC_I32, d, x);
        assert_int_equal(ot_run(&c, 2), OC_OK);
        const int32_t od[4] = {2, 3, 5, 7 * b * b};
        lt_assert_shape(ot_out(&c, 0), 4, od);
        const int32_t *got = ot_out(&c, 0)->data;
        int64_t co[4], ci[4];
        for (int64_t o = 0; o < n; o++) {
            lt_unravel(o, 4, od, co);
            int64_t blk = co[3] / 7, ch = co[3] % 7;
            ci[0] = co[0];
            ci[1] = co[1] * b + blk / b;
            ci[2] = co[2] * b + blk % b;
            ci[3] = ch;
            assert_int_equal(got[o], x[lt_ravel(4, d, ci)]);
        }
        /* DEPTH_TO_SPACE undoes it */
        ot_case c2;
        run(&c2, &oc_op_DEPTH_TO_SPACE, &p, OC_I32, od, got);
        assert_int_equal(ot_run(&c2, 1), OC_OK);
        lt_assert_shape(ot_out(&c2, 0), 4, d);
        lt_assert_i32(ot_out(&c2, 0), x, n);
        ot_free(&c2);
        ot_free(&c);
        free(x);
    }
}

static void test_rejects(void **state)
{
    (void)state;
    float x[64] = {0};
    oc_block_params p2 = {2}, p0 = {0};
    const int32_t odd[4] = {1, 3, 4, 1}, d[4] = {1, 2, 2, 3};
    ot_case c;
    run(&c, &oc_op_SPACE_TO_DEPTH, &p2, OC_F32, odd, x);
    lt_assert_rejected(&c);
    ot_free(&c);
    run(&c, &oc_op_DEPTH_TO_SPACE, &p2, OC_F32, d, x); /* 3 not divisible by 4 */
    lt_assert_rejected(&c);
    ot_free(&c);
    run(&c, &oc_op_DEPTH_TO_SPACE, &p0, OC_F32, d, x);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_SPACE_TO_DEPTH);
    c.op.params = &p2;
    ot_input(&c, OC_F32, 3, d, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tf_examples),
        cmocka_unit_test(test_oracle),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
