/* RESHAPE, SQUEEZE, EXPAND_DIMS: shapes from tensors and options, -1 inference, dynamic shape
 * inputs, byte-exact data, rejection of impossible shapes. */
#include "layout_test.h"
#include "ops/layout_params.h"

static void run_reshape(ot_case *c, const int32_t *in_dims, int in_rank, const int32_t *shape,
                        int n, bool shape_const)
{
    ot_init(c, &oc_op_RESHAPE);
    int64_t count = lt_count(in_rank, in_dims);
    float *x = lt_seq_f32(count);
    ot_input(c, OC_F32, in_rank, in_dims, x, false);
    int32_t sd[1] = {n};
    ot_input(c, OC_I32, 1, sd, shape, shape_const);
    ot_output(c, OC_F32);
    free(x);
}

static void test_reshape_infer(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[3] = {2, 3, 4}, shape[2] = {2, -1}, want[2] = {2, 12};
    run_reshape(&c, in, 3, shape, 2, true);
    assert_int_equal(ot_prepare(&c), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 2, want);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    float *x = lt_seq_f32(24);
    lt_assert_f32(ot_out(&c, 0), x, 24);
    free(x);
    ot_free(&c);
}

static void test_reshape_dynamic_shape(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[2] = {17, 3}, shape[3] = {-1, 1, 17}, want[3] = {3, 1, 17};
    run_reshape(&c, in, 2, shape, 3, false);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 3, want);
    ot_free(&c);
}

static void test_reshape_int64_shape_and_types(void **state)
{
    (void)state;
    ot_case c;
    ot_init(&c, &oc_op_RESHAPE);
    const int8_t x[6] = {1, -2, 3, -4, 5, -6};
    const int32_t in[1] = {6}, sd[1] = {2};
    const int64_t shape[2] = {3, 2};
    ot_input(&c, OC_I8, 1, in, x, false);
    ot_input(&c, OC_I64, 1, sd, shape, true);
    ot_output(&c, OC_I8);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t want[2] = {3, 2};
    lt_assert_shape(ot_out(&c, 0), 2, want);
    assert_memory_equal(ot_out(&c, 0)->data, x, 6);
    ot_free(&c);
}

static void test_reshape_from_params(void **state)
{
    (void)state;
    ot_case c;
    oc_reshape_params p = {.ndims = 2, .dims = {1, -1}};
    ot_init(&c, &oc_op_RESHAPE);
    c.op.params = &p;
    const int32_t in[2] = {4, 5}, want[2] = {1, 20};
    float *x = lt_seq_f32(20);
    ot_input(&c, OC_F32, 2, in, x, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 2, want);
    lt_assert_f32(ot_out(&c, 0), x, 20);
    ot_free(&c);
    /* legacy [0] means scalar */
    oc_reshape_params legacy = {.ndims = 1, .dims = {0}};
    ot_init(&c, &oc_op_RESHAPE);
    c.op.params = &legacy;
    const int32_t one[1] = {1};
    ot_input(&c, OC_F32, 1, one, x, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 0);
    ot_free(&c);
    /* a scalar shape tensor falls back to the options, as TFLite does */
    ot_init(&c, &oc_op_RESHAPE);
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, in, x, false);
    const int32_t dummy = 7;
    ot_input(&c, OC_I32, 0, NULL, &dummy, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 2, want);
    ot_free(&c);
    free(x);
}

static void test_reshape_empty(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[2] = {0, 3}, shape[2] = {-1, 3}, want[2] = {0, 3};
    run_reshape(&c, in, 2, shape, 2, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 2, want);
    ot_free(&c);
}

static void test_reshape_rejects(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[2] = {4, 6};
    const int32_t two_minus[3] = {-1, 2, -1}, bad_count[2] = {5, 5}, neg[2] = {-2, -12};
    const int32_t not_div[2] = {-1, 5};
    const int32_t *cases[4] = {two_minus, bad_count, neg, not_div};
    const int ns[4] = {3, 2, 2, 2};
    for (int i = 0; i < 4; i++) {
        run_reshape(&c, in, 2, cases[i], ns[i], true);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    /* output dtype must match */
    ot_init(&c, &oc_op_RESHAPE);
    float x[24] = {0};
    const int32_t sd[1] = {1}, shape[1] = {24};
    ot_input(&c, OC_F32, 2, in, x, false);
    ot_input(&c, OC_I32, 1, sd, shape, true);
    ot_output(&c, OC_I32);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* float shape vector */
    ot_init(&c, &oc_op_RESHAPE);
    const float fshape[1] = {24};
    ot_input(&c, OC_F32, 2, in, x, false);
    ot_input(&c, OC_F32, 1, sd, fshape, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

static void run_squeeze(ot_case *c, const oc_squeeze_params *p, int rank, const int32_t *dims)
{
    ot_init(c, &oc_op_SQUEEZE);
    c->op.params = p;
    float *x = lt_seq_f32(lt_count(rank, dims));
    ot_input(c, OC_F32, rank, dims, x, false);
    ot_output(c, OC_F32);
    free(x);
}

static void test_squeeze(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[5] = {1, 3, 1, 1, 2};
    run_squeeze(&c, NULL, 5, in);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t all[2] = {3, 2};
    lt_assert_shape(ot_out(&c, 0), 2, all);
    float *x = lt_seq_f32(6);
    lt_assert_f32(ot_out(&c, 0), x, 6);
    free(x);
    ot_free(&c);

    oc_squeeze_params p = {.naxes = 2, .axes = {0, -2}};
    run_squeeze(&c, &p, 5, in);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t some[3] = {3, 1, 2};
    lt_assert_shape(ot_out(&c, 0), 3, some);
    ot_free(&c);

    oc_squeeze_params bad = {.naxes = 1, .axes = {1}};
    run_squeeze(&c, &bad, 5, in);
    lt_assert_rejected(&c);
    ot_free(&c);
    oc_squeeze_params range = {.naxes = 1, .axes = {5}};
    run_squeeze(&c, &range, 5, in);
    lt_assert_rejected(&c);
    ot_free(&c);
}

static void run_expand(ot_case *c, int rank, const int32_t *dims, int32_t axis, bool axis_const)
{
    ot_init(c, &oc_op_EXPAND_DIMS);
    int32_t *x = lt_seq_i32(lt_count(rank, dims));
    ot_input(c, OC_I32, rank, dims, x, false);
    ot_input(c, OC_I32, 0, NULL, &axis, axis_const);
    ot_output(c, OC_I32);
    free(x);
}

static void test_expand_dims(void **state)
{
    (void)state;
    ot_case c;
    const int32_t in[2] = {3, 5};
    const int32_t axes[4] = {0, 2, -1, -3};
    const int32_t want[4][3] = {{1, 3, 5}, {3, 5, 1}, {3, 5, 1}, {1, 3, 5}};
    for (int i = 0; i < 4; i++) {
        run_expand(&c, 2, in, axes[i], true);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        lt_assert_shape(ot_out(&c, 0), 3, want[i]);
        int32_t *x = lt_seq_i32(15);
        lt_assert_i32(ot_out(&c, 0), x, 15);
        free(x);
        ot_free(&c);
    }
    run_expand(&c, 2, in, 1, false);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    ot_free(&c);
    run_expand(&c, 2, in, 3, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    run_expand(&c, 2, in, -4, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* a scalar becomes [1] */
    run_expand(&c, 0, NULL, 0, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t one[1] = {1};
    lt_assert_shape(ot_out(&c, 0), 1, one);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_infer),
        cmocka_unit_test(test_reshape_dynamic_shape),
        cmocka_unit_test(test_reshape_int64_shape_and_types),
        cmocka_unit_test(test_reshape_from_params),
        cmocka_unit_test(test_reshape_empty),
        cmocka_unit_test(test_reshape_rejects),
        cmocka_unit_test(test_squeeze),
        cmocka_unit_test(test_expand_dims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
