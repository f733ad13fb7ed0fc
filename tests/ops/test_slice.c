/* SLICE against a naive oracle; STRIDED_SLICE against numpy-style expectations worked out by
 * hand (negative indices and strides, clamping, all five masks, offset), plus rejections. */
#include "layout_test.h"
#include "ops/layout_params.h"

static void test_slice(void **state)
{
    (void)state;
    const int32_t dims[3] = {3, 5, 17};
    float *x = lt_seq_f32(3 * 5 * 17);
    const int32_t begin[3] = {1, 0, 3}, size[3] = {2, -1, 11}, want[3] = {2, 5, 11};
    const int32_t vd[1] = {3};
    for (int th = 1; th <= 2; th++) {
        ot_case c;
        ot_init(&c, &oc_op_SLICE);
        ot_input(&c, OC_F32, 3, dims, x, false);
        ot_input(&c, OC_I32, 1, vd, begin, true);
        ot_input(&c, OC_I32, 1, vd, size, true);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, th), OC_OK);
        lt_assert_shape(ot_out(&c, 0), 3, want);
        const float *got = ot_out(&c, 0)->data;
        int64_t co[3];
        for (int64_t o = 0; o < 2 * 5 * 11; o++) {
            lt_unravel(o, 3, want, co);
            for (int k = 0; k < 3; k++)
                co[k] += begin[k];
            assert_true(got[o] == x[lt_ravel(3, dims, co)]);
        }
        ot_free(&c);
    }
    /* int64 parameters, dynamic */
    const int64_t b64[3] = {0, 4, 16}, s64[3] = {3, 1, 1};
    ot_case c;
    ot_init(&c, &oc_op_SLICE);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_input(&c, OC_I64, 1, vd, b64, false);
    ot_input(&c, OC_I64, 1, vd, s64, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float w3[3] = {x[4 * 17 + 16], x[85 + 4 * 17 + 16], x[170 + 4 * 17 + 16]};
    lt_assert_f32(ot_out(&c, 0), w3, 3);
    ot_free(&c);
    /* rejections */
    const int32_t bad_b[3][3] = {{-1, 0, 0}, {0, 0, 10}, {0, 6, 0}};
    const int32_t bad_s[3][3] = {{1, 1, 1}, {1, 1, 8}, {1, -1, 1}};
    for (int i = 0; i < 3; i++) {
        ot_init(&c, &oc_op_SLICE);
        ot_input(&c, OC_F32, 3, dims, x, false);
        ot_input(&c, OC_I32, 1, vd, bad_b[i], true);
        ot_input(&c, OC_I32, 1, vd, bad_s[i], true);
        ot_output(&c, OC_F32);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    const int32_t s_neg[3] = {1, -2, 1};
    ot_init(&c, &oc_op_SLICE);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_input(&c, OC_I32, 1, vd, begin, true);
    ot_input(&c, OC_I32, 1, vd, s_neg, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    free(x);
}

typedef struct ss_case {
    const char *name;
    int rank;
    int32_t dims[4];
    int n;
    int32_t begin[4], end[4], strides[4];
    oc_strided_slice_params p;
    int out_rank;
    int32_t out_dims[4];
    int nwant;
    float want[12];
} ss_case;

/* Input values are 1, 2, 3, ... */
/* clang-format off */
static const ss_case cases[] = {
    {"1d", 1, {4}, 1, {1}, {3}, {1}, {0}, 1, {2}, 2, {2, 3}},
    {"1d neg begin", 1, {4}, 1, {-3}, {3}, {1}, {0}, 1, {2}, 2, {2, 3}},
    {"1d begin clamps", 1, {4}, 1, {-5}, {3}, {1}, {0}, 1, {3}, 3, {1, 2, 3}},
    {"1d end clamps", 1, {4}, 1, {-3}, {5}, {1}, {0}, 1, {3}, 3, {2, 3, 4}},
    {"1d begin mask", 1, {4}, 1, {1}, {3}, {1}, {.begin_mask = 1}, 1, {3}, 3, {1, 2, 3}},
    {"1d end mask", 1, {4}, 1, {1}, {3}, {1}, {.end_mask = 1}, 1, {3}, 3, {2, 3, 4}},
    {"1d neg stride", 1, {4}, 1, {-2}, {-3}, {-1}, {0}, 1, {1}, 1, {3}},
    {"1d neg stride clamp", 1, {4}, 1, {5}, {2}, {-1}, {0}, 1, {1}, 1, {4}},
    {"1d neg stride neg end", 1, {4}, 1, {2}, {-4}, {-1}, {0}, 1, {2}, 2, {3, 2}},
    {"1d neg stride end clamp", 1, {4}, 1, {-3}, {-5}, {-1}, {0}, 1, {2}, 2, {2, 1}},
    {"1d reverse all", 1, {3}, 1, {-1}, {-4}, {-1}, {0}, 1, {3}, 3, {3, 2, 1}},
    {"1d stride 2 even", 1, {2}, 1, {0}, {2}, {2}, {0}, 1, {1}, 1, {1}},
    {"1d stride 2 odd", 1, {3}, 1, {0}, {3}, {2}, {0}, 1, {2}, 2, {1, 3}},
    {"1d empty", 1, {4}, 1, {3}, {1}, {1}, {0}, 1, {0}, 0, {0}},
    {"2d", 2, {2, 3}, 2, {1, 0}, {2, 2}, {1, 1}, {0}, 2, {1, 2}, 2, {4, 5}},
    {"2d stride 2", 2, {2, 3}, 2, {0, 0}, {2, 3}, {2, 2}, {0}, 2, {1, 2}, 2, {1, 3}},
    {"2d neg stride", 2, {2, 3}, 2, {1, -1}, {2, -4}, {2, -1}, {0}, 2, {1, 3}, 3, {6, 5, 4}},
    {"2d begin mask", 2, {2, 3}, 2, {1, 0}, {2, 2}, {1, 1}, {.begin_mask = 1}, 2, {2, 2}, 4,
     {1, 2, 4, 5}},
    {"2d neg stride end mask", 2, {2, 3}, 2, {1, -2}, {2, -3}, {1, -1}, {.end_mask = 2}, 2,
     {1, 2}, 2, {5, 4}},
    {"2d fewer specs", 2, {2, 3}, 1, {1}, {2}, {1}, {0}, 2, {1, 3}, 3, {4, 5, 6}},
    {"3d reverse", 3, {2, 3, 2}, 3, {-1, -1, -1}, {-3, -4, -3}, {-1, -1, -1}, {0}, 3,
     {2, 3, 2}, 12, {12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
    {"3d stride 2", 3, {2, 3, 2}, 3, {0, 0, 0}, {2, 3, 2}, {2, 2, 2}, {0}, 3, {1, 2, 1}, 2,
     {1, 5}},
    {"shrink", 1, {4}, 1, {1}, {2}, {1}, {.shrink_axis_mask = 1}, 0, {0}, 1, {2}},
    {"shrink neg", 1, {4}, 1, {-1}, {0}, {1}, {.shrink_axis_mask = 1}, 0, {0}, 1, {4}},
    {"shrink both", 2, {4, 1}, 2, {-2, -1}, {-1, 0}, {1, 1}, {.shrink_axis_mask = 3}, 0, {0},
     1, {3}},
    {"shrink inner with masks", 2, {4, 1}, 2, {0, -1}, {0, 0}, {1, 1},
     {.begin_mask = 1, .end_mask = 1, .shrink_axis_mask = 2}, 1, {4}, 4, {1, 2, 3, 4}},
    {"shrink first", 3, {2, 3, 2}, 3, {0, 0, 0}, {1, 3, 2}, {1, 1, 1},
     {.shrink_axis_mask = 1}, 2, {3, 2}, 6, {1, 2, 3, 4, 5, 6}},
    {"ellipsis", 3, {2, 3, 2}, 2, {0, 1}, {0, 2}, {1, 1}, {.ellipsis_mask = 1}, 3, {2, 3, 1}, 6,
     {2, 4, 6, 8, 10, 12}},
    {"ellipsis last", 3, {2, 3, 2}, 2, {1, 0}, {2, 0}, {1, 1}, {.ellipsis_mask = 2}, 3,
     {1, 3, 2}, 6, {7, 8, 9, 10, 11, 12}},
    {"new axis + shrink", 2, {2, 3}, 2, {0, 0}, {0, 1}, {1, 1},
     {.new_axis_mask = 1, .shrink_axis_mask = 2}, 2, {1, 3}, 3, {1, 2, 3}},
    {"new axis inner", 2, {2, 3}, 3, {1, 0, 0}, {2, 0, 3}, {1, 1, 2}, {.new_axis_mask = 2}, 3,
     {1, 1, 2}, 2, {4, 6}},
    {"offset", 2, {2, 3}, 2, {1, 0}, {1, 2}, {1, 1}, {.offset = true}, 2, {1, 2}, 2, {4, 5}},
    {"offset neg stride", 1, {4}, 1, {3}, {-2}, {-1}, {.offset = true}, 1, {2}, 2, {4, 3}},
};
/* clang-format on */

static void run_ss(ot_case *c, const ss_case *t, bool params_const)
{
    ot_init(c, &oc_op_STRIDED_SLICE);
    c->op.params = &t->p;
    float x[24];
    for (int i = 0; i < 24; i++)
        x[i] = (float)(i + 1);
    ot_input(c, OC_F32, t->rank, t->dims, x, false);
    const int32_t vd[1] = {t->n};
    ot_input(c, OC_I32, 1, vd, t->begin, params_const);
    ot_input(c, OC_I32, 1, vd, t->end, params_const);
    ot_input(c, OC_I32, 1, vd, t->strides, true);
    ot_output(c, OC_F32);
}

static void test_strided_slice_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ss_case *t = &cases[i];
        ot_case c;
        run_ss(&c, t, true);
        oc_status st = ot_prepare(&c);
        if (st != OC_OK) fail_msg("%s: prepare failed: %s", t->name, c.err.msg);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        const oc_tensor *o = ot_out(&c, 0);
        if (o->shape.rank != t->out_rank) fail_msg("%s: rank %d", t->name, o->shape.rank);
        for (int k = 0; k < t->out_rank; k++)
            if (o->shape.dims[k] != t->out_dims[k])
                fail_msg("%s: dim %d is %d", t->name, k, o->shape.dims[k]);
        assert_int_equal(oc_tensor_count(o), t->nwant);
        for (int k = 0; k < t->nwant; k++)
            if (((const float *)o->data)[k] != t->want[k])
                fail_msg("%s: element %d is %g, want %g", t->name, k, ((const float *)o->data)[k],
                         t->want[k]);
        ot_free(&c);
    }
}

static void test_strided_slice_shape_vector(void **state)
{
    (void)state;
    /* what dilated_conv / while models do: slice and pick from an int32 shape vector */
    const int32_t shape[4] = {1, 5, 5, 3}, vd[1] = {4}, one[1] = {1};
    const int32_t b[1] = {1}, e[1] = {3}, s[1] = {1}, b0[1] = {-1}, e0[1] = {0};
    ot_case c;
    oc_strided_slice_params p = {0};
    ot_init(&c, &oc_op_STRIDED_SLICE);
    c.op.params = &p;
    ot_input(&c, OC_I32, 1, vd, shape, false);
    ot_input(&c, OC_I32, 1, one, b, true);
    ot_input(&c, OC_I32, 1, one, e, true);
    ot_input(&c, OC_I32, 1, one, s, true);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t w[2] = {5, 5};
    lt_assert_i32(ot_out(&c, 0), w, 2);
    ot_free(&c);
    oc_strided_slice_params sh = {.shrink_axis_mask = 1};
    ot_init(&c, &oc_op_STRIDED_SLICE);
    c.op.params = &sh;
    ot_input(&c, OC_I32, 1, vd, shape, false);
    ot_input(&c, OC_I32, 1, one, b0, true);
    ot_input(&c, OC_I32, 1, one, e0, true);
    ot_input(&c, OC_I32, 1, one, s, true);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 0);
    assert_int_equal(*(int32_t *)ot_out(&c, 0)->data, 3);
    ot_free(&c);
}

static void test_strided_slice_dynamic_and_rejects(void **state)
{
    (void)state;
    ot_case c;
    run_ss(&c, &cases[0], false);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    ot_free(&c);

    ss_case zero = cases[14];
    zero.strides[1] = 0;
    run_ss(&c, &zero, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    ss_case shrink_oob = cases[22];
    shrink_oob.begin[0] = 4;
    run_ss(&c, &shrink_oob, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    ss_case two_ell = cases[27];
    two_ell.p.ellipsis_mask = 3;
    run_ss(&c, &two_ell, true);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* begin and end of different lengths */
    ot_init(&c, &oc_op_STRIDED_SLICE);
    float x[6] = {0};
    const int32_t d[2] = {2, 3}, two[1] = {2}, one[1] = {1}, v[2] = {0, 0};
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 1, two, v, true);
    ot_input(&c, OC_I32, 1, one, v, true);
    ot_input(&c, OC_I32, 1, two, v, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_strided_slice_cases),
        cmocka_unit_test(test_strided_slice_shape_vector),
        cmocka_unit_test(test_strided_slice_dynamic_and_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
