/* PACK and UNPACK on every axis against a naive oracle, int types, and rejection of
 * mismatched shapes and counts. */
#include "layout_test.h"
#include "ops/layout_params.h"

static void test_pack_axes(void **state)
{
    (void)state;
    const int32_t dims[2] = {3, 5};
    const int n = 4;
    int32_t *in[4];
    for (int i = 0; i < n; i++) {
        in[i] = lt_seq_i32(15);
        for (int j = 0; j < 15; j++)
            in[i][j] += 1000 * i;
    }
    for (int axis = -3; axis < 3; axis++) {
        int a = axis < 0 ? axis + 3 : axis;
        ot_case c;
        oc_pack_params p = {.count = n, .axis = axis};
        ot_init(&c, &oc_op_PACK);
        c.op.params = &p;
        for (int i = 0; i < n; i++)
            ot_input(&c, OC_I32, 2, dims, in[i], false);
        ot_output(&c, OC_I32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        int32_t od[3];
        for (int i = 0, k = 0; i < 3; i++)
            od[i] = i == a ? n : dims[k++];
        lt_assert_shape(ot_out(&c, 0), 3, od);
        const int32_t *got = ot_out(&c, 0)->data;
        int64_t co[3], ci[2];
        for (int64_t o = 0; o < 60; o++) {
            lt_unravel(o, 3, od, co);
            for (int i = 0, k = 0; i < 3; i++)
                if (i != a) ci[k++] = co[i];
            assert_int_equal(got[o], in[co[a]][lt_ravel(2, dims, ci)]);
        }
        ot_free(&c);
    }
    for (int i = 0; i < n; i++)
        free(in[i]);
}

static void test_unpack_axes(void **state)
{
    (void)state;
    const int32_t dims[3] = {2, 3, 4};
    float *x = lt_seq_f32(24);
    for (int axis = -3; axis < 3; axis++) {
        int a = axis < 0 ? axis + 3 : axis;
        ot_case c;
        oc_pack_params p = {.count = dims[a], .axis = axis};
        ot_init(&c, &oc_op_UNPACK);
        c.op.params = &p;
        ot_input(&c, OC_F32, 3, dims, x, false);
        for (int k = 0; k < dims[a]; k++)
            ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        int32_t od[2];
        for (int i = 0, k = 0; i < 3; i++)
            if (i != a) od[k++] = dims[i];
        for (int k = 0; k < dims[a]; k++) {
            const oc_tensor *t = ot_out(&c, k);
            lt_assert_shape(t, 2, od);
            int64_t co[2], ci[3];
            for (int64_t o = 0; o < od[0] * od[1]; o++) {
                lt_unravel(o, 2, od, co);
                for (int i = 0, j = 0; i < 3; i++)
                    ci[i] = i == a ? k : co[j++];
                assert_true(((const float *)t->data)[o] == x[lt_ravel(3, dims, ci)]);
            }
        }
        ot_free(&c);
    }
    free(x);
}

static void test_rejects(void **state)
{
    (void)state;
    ot_case c;
    float x[12] = {0};
    const int32_t d1[2] = {2, 3}, d2[2] = {3, 2};
    oc_pack_params p = {.count = 2, .axis = 0};
    ot_init(&c, &oc_op_PACK); /* shapes differ */
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    oc_pack_params p3 = {.count = 3, .axis = 0};
    ot_init(&c, &oc_op_PACK); /* values_count disagrees */
    c.op.params = &p3;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    oc_pack_params bad_axis = {.count = 1, .axis = 3};
    ot_init(&c, &oc_op_PACK);
    c.op.params = &bad_axis;
    ot_input(&c, OC_F32, 2, d1, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    oc_pack_params u = {.count = 3, .axis = 0};
    ot_init(&c, &oc_op_UNPACK); /* dim 0 is 2, not 3 */
    c.op.params = &u;
    ot_input(&c, OC_F32, 2, d1, x, false);
    for (int k = 0; k < 3; k++)
        ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_axes),
        cmocka_unit_test(test_unpack_axes),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
