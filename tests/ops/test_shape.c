/* SHAPE and RANK: int32/int64 outputs, scalars, out_type checks, and the shape-only flag. */
#include "layout_test.h"
#include "ops/layout_params.h"

static void test_shape(void **state)
{
    (void)state;
    const int32_t dims[4] = {1, 224, 17, 3};
    float *x = lt_seq_f32(lt_count(4, dims));
    ot_case c;
    ot_init(&c, &oc_op_SHAPE);
    ot_input(&c, OC_F32, 4, dims, x, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_OK);
    const int32_t d1[1] = {4};
    lt_assert_shape(ot_out(&c, 0), 1, d1);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_i32(ot_out(&c, 0), dims, 4);
    ot_free(&c);

    oc_shape_params p64 = {.has_out_type = true, .out_type = OC_I64};
    ot_init(&c, &oc_op_SHAPE);
    c.op.params = &p64;
    ot_input(&c, OC_F32, 4, dims, x, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t w64[4] = {1, 224, 17, 3};
    assert_memory_equal(ot_out(&c, 0)->data, w64, sizeof w64);
    ot_free(&c);

    /* scalar input: empty shape vector */
    ot_init(&c, &oc_op_SHAPE);
    ot_input(&c, OC_F32, 0, NULL, x, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t d0[1] = {0};
    lt_assert_shape(ot_out(&c, 0), 1, d0);
    ot_free(&c);

    /* out_type disagrees with the output tensor; float output */
    ot_init(&c, &oc_op_SHAPE);
    c.op.params = &p64;
    ot_input(&c, OC_F32, 4, dims, x, false);
    ot_output(&c, OC_I32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_SHAPE);
    ot_input(&c, OC_F32, 4, dims, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    free(x);
    assert_true(oc_op_SHAPE.flags & OC_OPF_SHAPE_ONLY);
}

static void test_rank(void **state)
{
    (void)state;
    const int32_t dims[3] = {2, 0, 5};
    float x[1] = {0};
    ot_case c;
    ot_init(&c, &oc_op_RANK);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 0);
    assert_int_equal(*(int32_t *)ot_out(&c, 0)->data, 3);
    ot_free(&c);
    ot_init(&c, &oc_op_RANK);
    ot_input(&c, OC_F32, 0, NULL, x, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(*(int32_t *)ot_out(&c, 0)->data, 0);
    ot_free(&c);
    ot_init(&c, &oc_op_RANK);
    ot_input(&c, OC_F32, 0, NULL, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    assert_true(oc_op_RANK.flags & OC_OPF_SHAPE_ONLY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
