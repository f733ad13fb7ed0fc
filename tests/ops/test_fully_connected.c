/* FULLY_CONNECTED against a double-precision reference: batch 1 (GEMV) and batches, odd sizes,
 * optional bias, fused activations, keep_num_dims, non-constant weights, every ISA path with
 * 1 and 2 threads; options parsing; rejections. */
#include "kernel_test_util.h"
#include "ops/conv_params.h"

typedef struct fc_cfg {
    int32_t rank, dims[4]; /* input shape */
    int32_t n, k;          /* weights [n, k] */
    bool bias, const_w, keep;
    int32_t act;
    unsigned seed;
} fc_cfg;

static oc_fc_params g_p;

static size_t count_in(const fc_cfg *g)
{
    size_t c = 1;
    for (int i = 0; i < g->rank; i++)
        c *= (size_t)g->dims[i];
    return c;
}

static void build(ot_case *c, const void *vp)
{
    const fc_cfg *g = vp;
    g_p = (oc_fc_params){g->act, 0, g->keep};
    ot_init(c, &oc_op_FULLY_CONNECTED);
    c->op.params = &g_p;
    int32_t wd[2] = {g->n, g->k}, bd[1] = {g->n};
    float *x = kt_rand(count_in(g), g->seed), *w = kt_rand((size_t)g->n * g->k, g->seed + 1);
    float *b = kt_rand((size_t)g->n, g->seed + 2);
    ot_input(c, OC_F32, g->rank, g->dims, x, false);
    ot_input(c, OC_F32, 2, wd, w, g->const_w);
    if (g->bias)
        ot_input(c, OC_F32, 1, bd, b, g->const_w);
    else
        ot_input(c, OC_F32, 0, NULL, NULL, false); /* absent optional bias (-1) */
    ot_output(c, OC_F32);
    free(x);
    free(w);
    free(b);
}

static void check(const fc_cfg *g)
{
    size_t m = count_in(g) / (size_t)g->k;
    float *x = kt_rand(count_in(g), g->seed), *w = kt_rand((size_t)g->n * g->k, g->seed + 1);
    float *b = kt_rand((size_t)g->n, g->seed + 2);
    double *want = malloc((m * g->n + 1) * sizeof *want);
    for (size_t i = 0; i < m; i++)
        for (int32_t j = 0; j < g->n; j++) {
            double s = g->bias ? b[j] : 0;
            for (int32_t p = 0; p < g->k; p++)
                s += (double)x[i * g->k + p] * w[j * g->k + p];
            want[i * g->n + j] = kt_clamp(s, g->act);
        }
    char what[96];
    snprintf(what, sizeof what, "fc m%zu n%d k%d act%d", m, g->n, g->k, g->act);
    kt_run_all(build, g, want, m * g->n, (size_t)g->k, what);
    /* output shape */
    ot_case c;
    build(&c, g);
    assert_int_equal(ot_prepare(&c), OC_OK);
    oc_tensor *o = ot_out(&c, 0);
    if (g->keep) {
        assert_int_equal(o->shape.rank, g->rank);
        for (int i = 0; i < g->rank - 1; i++)
            assert_int_equal(o->shape.dims[i], g->dims[i]);
    } else {
        assert_int_equal(o->shape.rank, 2);
        assert_int_equal(o->shape.dims[0], m);
    }
    assert_int_equal(o->shape.dims[o->shape.rank - 1], g->n);
    ot_free(&c);
    free(want);
    free(x);
    free(w);
    free(b);
}

static void test_fc_cases(void **state)
{
    (void)state;
    fc_cfg cases[] = {
        {2, {1, 1}, 16, 1, true, true, false, OC_ACT_RELU, 1},         /* hello_world layer */
        {2, {1, 1024}, 1000, 1024, true, true, false, OC_ACT_NONE, 2}, /* GEMV, many tasks */
        {2, {1, 33}, 17, 33, false, true, false, OC_ACT_NONE, 3},
        {2, {5, 17}, 33, 17, true, true, false, OC_ACT_RELU6, 4},
        {2, {13, 64}, 65, 64, true, true, false, OC_ACT_RELU_N1_TO_1, 5},
        {3, {2, 7, 9}, 3, 9, true, true, true, OC_ACT_NONE, 6},   /* keep_num_dims */
        {3, {2, 7, 9}, 5, 63, true, true, false, OC_ACT_NONE, 7}, /* flattened: 2*7*9 = 2*63 */
        {4, {1, 1, 28, 28}, 10, 784, true, false, false, OC_ACT_NONE, 8}, /* runtime weights */
        {2, {40, 100}, 257, 100, true, false, false, OC_ACT_RELU, 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(&cases[i]);
}

static void test_fc_reject(void **state)
{
    (void)state;
    ot_case c;
    oc_fc_params p = {OC_ACT_NONE, 0, false};
    int32_t id[2] = {2, 6}, wd[2] = {4, 6}, w3[3] = {4, 6, 1}, wk[2] = {4, 5}, bd[1] = {5};
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &p;
    ot_input(&c, OC_I8, 2, id, NULL, false);
    ot_input(&c, OC_F32, 2, wd, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "FLOAT32");
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, id, NULL, false);
    ot_input(&c, OC_F32, 3, w3, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "rank");
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, id, NULL, false);
    ot_input(&c, OC_F32, 2, wk, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "multiple");
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, id, NULL, false);
    ot_input(&c, OC_F32, 2, wd, NULL, true);
    ot_input(&c, OC_F32, 1, bd, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "bias");
    oc_fc_params shuffled = {OC_ACT_NONE, 1, false};
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &shuffled;
    ot_input(&c, OC_F32, 2, id, NULL, false);
    ot_input(&c, OC_F32, 2, wd, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "format");
    oc_fc_params keep = {OC_ACT_NONE, 0, true};
    int32_t id3[3] = {2, 3, 4}, wd12[2] = {4, 12};
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &keep;
    ot_input(&c, OC_F32, 3, id3, NULL, false);
    ot_input(&c, OC_F32, 2, wd12, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "keep_num_dims");
    oc_fc_params tanh_act = {OC_ACT_TANH, 0, false};
    ot_init(&c, &oc_op_FULLY_CONNECTED);
    c.op.params = &tanh_act;
    ot_input(&c, OC_F32, 2, id, NULL, false);
    ot_input(&c, OC_F32, 2, wd, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "activation");
}

static void test_fc_parse(void **state)
{
    (void)state;
    fbt_buf buf;
    fbt_field f[3] = {fbt_u8(OC_ACT_RELU), fbt_u8(0), fbt_u8(1)};
    oc_op op;
    memset(&op, 0, sizeof op);
    fbt_build(&buf, f, 3, &op.options);
    oc_mem mem = {0};
    oc_err err;
    assert_int_equal(oc_op_FULLY_CONNECTED.parse(&op, &mem, &err), OC_OK);
    const oc_fc_params *p = op.params;
    assert_int_equal(p->activation, OC_ACT_RELU);
    assert_int_equal(p->weights_format, 0);
    assert_true(p->keep_num_dims);
    memset(&op, 0, sizeof op); /* absent options: defaults */
    assert_int_equal(oc_op_FULLY_CONNECTED.parse(&op, &mem, &err), OC_OK);
    p = op.params;
    assert_int_equal(p->activation, OC_ACT_NONE);
    assert_false(p->keep_num_dims);
    oc_mem_free_all(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fc_cases),
        cmocka_unit_test(test_fc_reject),
        cmocka_unit_test(test_fc_parse),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
