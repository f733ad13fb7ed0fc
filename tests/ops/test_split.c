/* SPLIT and SPLIT_V: every axis against a naive oracle, -1 sizes, int64 parameters, dynamic
 * axis, and rejection of sizes that do not add up. */
#include "layout_test.h"
#include "ops/layout_params.h"

/* Output k of a split of in[rank dims] along axis with sizes[]: checks element by element. */
static void check_outputs(ot_case *c, const float *in, int rank, const int32_t *dims, int axis,
                          const int64_t *sizes, int nout)
{
    int64_t start = 0;
    for (int k = 0; k < nout; k++) {
        int32_t od[4];
        memcpy(od, dims, sizeof(int32_t) * (size_t)rank);
        od[axis] = (int32_t)sizes[k];
        const oc_tensor *t = ot_out(c, k);
        lt_assert_shape(t, rank, od);
        int64_t n = lt_count(rank, od), co[4];
        for (int64_t o = 0; o < n; o++) {
            lt_unravel(o, rank, od, co);
            co[axis] += start;
            float want = in[lt_ravel(rank, dims, co)];
            assert_true(((const float *)t->data)[o] == want);
        }
        start += sizes[k];
    }
}

static void test_split(void **state)
{
    (void)state;
    const int32_t dims[3] = {4, 6, 9};
    float *x = lt_seq_f32(4 * 6 * 9);
    for (int axis = -3; axis < 3; axis++) {
        int a = axis < 0 ? axis + 3 : axis;
        int nout = a == 2 ? 3 : 2;
        ot_case c;
        ot_init(&c, &oc_op_SPLIT);
        oc_split_params p = {.num_splits = nout};
        c.op.params = &p;
        ot_input(&c, OC_I32, 0, NULL, &axis, true);
        ot_input(&c, OC_F32, 3, dims, x, false);
        for (int k = 0; k < nout; k++)
            ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        int64_t sizes[3] = {dims[a] / nout, dims[a] / nout, dims[a] / nout};
        check_outputs(&c, x, 3, dims, a, sizes, nout);
        ot_free(&c);
    }
    /* dynamic axis, then not divisible */
    ot_case c;
    int32_t axis = 1;
    ot_init(&c, &oc_op_SPLIT);
    ot_input(&c, OC_I32, 0, NULL, &axis, false);
    ot_input(&c, OC_F32, 3, dims, x, false);
    for (int k = 0; k < 4; k++)
        ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    lt_assert_run_fails(&c);
    ot_free(&c);
    /* num_splits disagrees with the outputs */
    oc_split_params p3 = {.num_splits = 3};
    ot_init(&c, &oc_op_SPLIT);
    c.op.params = &p3;
    ot_input(&c, OC_I32, 0, NULL, &axis, true);
    ot_input(&c, OC_F32, 3, dims, x, false);
    for (int k = 0; k < 2; k++)
        ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    free(x);
}

static void run_split_v(ot_case *c, const float *x, const int32_t *dims, const int64_t *sizes,
                        int nout, int32_t axis)
{
    ot_init(c, &oc_op_SPLIT_V);
    ot_input(c, OC_F32, 3, dims, x, false);
    const int32_t sd[1] = {nout};
    ot_input(c, OC_I64, 1, sd, sizes, true);
    ot_input(c, OC_I32, 1, (const int32_t[]){1}, &axis, true);
    for (int k = 0; k < nout; k++)
        ot_output(c, OC_F32);
}

static void test_split_v(void **state)
{
    (void)state;
    const int32_t dims[3] = {3, 17, 2};
    float *x = lt_seq_f32(3 * 17 * 2);
    ot_case c;
    const int64_t sizes[4] = {5, -1, 0, 3};
    run_split_v(&c, x, dims, sizes, 4, -2);
    assert_int_equal(ot_run(&c, 2), OC_OK);
    const int64_t real[4] = {5, 9, 0, 3};
    check_outputs(&c, x, 3, dims, 1, real, 4);
    ot_free(&c);

    const int64_t exact[2] = {1, 2};
    run_split_v(&c, x, dims, exact, 2, 0);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    check_outputs(&c, x, 3, dims, 0, exact, 2);
    ot_free(&c);

    const int64_t bad_sum[2] = {10, 10}, two_minus[3] = {-1, -1, 1}, neg[2] = {-3, 20};
    const int64_t over[2] = {-1, 18};
    const int64_t *bad[4] = {bad_sum, two_minus, neg, over};
    const int nb[4] = {2, 3, 2, 2};
    for (int i = 0; i < 4; i++) {
        run_split_v(&c, x, dims, bad[i], nb[i], 1);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    run_split_v(&c, x, dims, exact, 2, 3); /* axis out of range */
    lt_assert_rejected(&c);
    ot_free(&c);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_v),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
