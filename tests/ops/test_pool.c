/* AVERAGE_POOL_2D and MAX_POOL_2D against references written from TFLite's reference kernels
 * (windows clipped to the image, the average over valid taps), hand values, odd channel counts,
 * SAME/VALID, strides, global pooling, activations, every ISA path with 1 and 2 threads;
 * options parsing; rejections. */
#include <float.h>

#include "kernel_test_util.h"
#include "ops/conv_params.h"

typedef struct pool_cfg {
    bool max;
    int32_t n, h, w, c, fh, fw, sh, sw, pad, act;
    unsigned seed;
} pool_cfg;

static oc_pool2d_params g_p;

static void build(ot_case *c, const void *vp)
{
    const pool_cfg *g = vp;
    g_p = (oc_pool2d_params){g->pad, g->sw, g->sh, g->fw, g->fh, g->act};
    ot_init(c, g->max ? &oc_op_MAX_POOL_2D : &oc_op_AVERAGE_POOL_2D);
    c->op.params = &g_p;
    int32_t id[4] = {g->n, g->h, g->w, g->c};
    float *x = kt_rand((size_t)g->n * g->h * g->w * g->c, g->seed);
    for (size_t i = 0; i < (size_t)g->n * g->h * g->w * g->c; i++)
        x[i] *= 8.f; /* hit RELU6 */
    ot_input(c, OC_F32, 4, id, x, false);
    ot_output(c, OC_F32);
    free(x);
}

static void out_pad(int pad, int32_t in, int32_t k, int32_t s, int32_t *out, int32_t *lead)
{
    *out = pad == OC_PAD_SAME ? (in + s - 1) / s : (in - k + s) / s;
    if (*out < 0) *out = 0;
    int32_t total = (*out - 1) * s + k - in;
    *lead = pad == OC_PAD_SAME && total > 0 ? total / 2 : 0;
}

static void check(const pool_cfg *g)
{
    int32_t oh, ow, pt, pl;
    out_pad(g->pad, g->h, g->fh, g->sh, &oh, &pt);
    out_pad(g->pad, g->w, g->fw, g->sw, &ow, &pl);
    size_t cnt = (size_t)g->n * g->h * g->w * g->c;
    float *x = kt_rand(cnt, g->seed);
    for (size_t i = 0; i < cnt; i++)
        x[i] *= 8.f;
    size_t n = (size_t)g->n * oh * ow * g->c;
    double *want = malloc((n + 1) * sizeof *want);
    for (int32_t b = 0; b < g->n; b++)
        for (int32_t oy = 0; oy < oh; oy++)
            for (int32_t ox = 0; ox < ow; ox++)
                for (int32_t ch = 0; ch < g->c; ch++) {
                    double acc = g->max ? -FLT_MAX : 0;
                    int taps = 0;
                    for (int32_t ky = 0; ky < g->fh; ky++)
                        for (int32_t kx = 0; kx < g->fw; kx++) {
                            int32_t iy = oy * g->sh - pt + ky, ix = ox * g->sw - pl + kx;
                            if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                            double v = x[((b * g->h + iy) * g->w + ix) * g->c + ch];
                            acc = g->max ? (v > acc ? v : acc) : acc + v;
                            taps++;
                        }
                    if (!g->max) acc /= taps;
                    want[((b * oh + oy) * ow + ox) * g->c + ch] = kt_clamp(acc, g->act);
                }
    char what[128];
    snprintf(what, sizeof what, "%s %dx%dx%d f%dx%d s%d,%d pad%d act%d", g->max ? "max" : "avg",
             g->h, g->w, g->c, g->fh, g->fw, g->sh, g->sw, g->pad, g->act);
    kt_run_all(build, g, want, n, (size_t)(g->fh * g->fw), what);
    free(want);
    free(x);
}

static void test_pool_cases(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 3, 8, 17, 33};
    unsigned seed = 1;
    for (int mx = 0; mx < 2; mx++)
        for (size_t i = 0; i < 5; i++)
            for (int pad = 0; pad < 2; pad++)
                for (int s = 1; s <= 2; s++) {
                    pool_cfg g = {mx, 1, 7, 6, ch[i], 3, 3, s, s, pad, OC_ACT_NONE, seed++};
                    check(&g);
                }
    pool_cfg more[] = {
        {true, 2, 8, 8, 24, 2, 2, 2, 2, OC_PAD_VALID, OC_ACT_NONE, 100},      /* BlazeFace */
        {false, 1, 16, 16, 96, 16, 16, 1, 1, OC_PAD_VALID, OC_ACT_NONE, 101}, /* global avg */
        {false, 1, 7, 7, 1001, 7, 7, 2, 2, OC_PAD_VALID, OC_ACT_RELU6, 102},
        {true, 1, 9, 5, 5, 4, 2, 3, 1, OC_PAD_SAME, OC_ACT_RELU_N1_TO_1, 103},
        {false, 1, 3, 3, 4, 5, 5, 1, 1, OC_PAD_SAME, OC_ACT_RELU, 104},   /* window > image */
        {true, 1, 40, 40, 64, 3, 3, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 105}, /* several tasks */
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        check(&more[i]);
}

static void test_pool_hand(void **state)
{
    (void)state;
    /* 1x4x4x1 = 1..16, 2x2 stride 2 VALID */
    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)(i + 1);
    int32_t id[4] = {1, 4, 4, 1};
    oc_pool2d_params p = {OC_PAD_VALID, 2, 2, 2, 2, OC_ACT_NONE};
    const float want_max[4] = {6, 8, 14, 16}, want_avg[4] = {3.5f, 5.5f, 11.5f, 13.5f};
    const oc_cpu *isas[3];
    int nisa = kt_isas(isas);
    for (int i = 0; i < nisa; i++)
        for (int mx = 0; mx < 2; mx++) {
            ot_case c;
            ot_init(&c, mx ? &oc_op_MAX_POOL_2D : &oc_op_AVERAGE_POOL_2D);
            c.ctx.cpu = isas[i];
            c.op.params = &p;
            ot_input(&c, OC_F32, 4, id, x, false);
            ot_output(&c, OC_F32);
            assert_int_equal(ot_run(&c, 1), OC_OK);
            ot_assert_near_f32(ot_out(&c, 0)->data, mx ? want_max : want_avg, 4, 0);
            ot_free(&c);
        }
    /* SAME 3x3 stride 1 average at a corner divides by the 4 valid taps, not 9 */
    oc_pool2d_params q = {OC_PAD_SAME, 1, 1, 3, 3, OC_ACT_NONE};
    ot_case c;
    ot_init(&c, &oc_op_AVERAGE_POOL_2D);
    c.op.params = &q;
    ot_input(&c, OC_F32, 4, id, x, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float *o = ot_out(&c, 0)->data;
    assert_true(o[0] == (1.f + 2 + 5 + 6) / 4);
    ot_free(&c);
}

static void test_pool_reject_parse(void **state)
{
    (void)state;
    ot_case c;
    int32_t id[4] = {1, 4, 4, 2}, id3[3] = {4, 4, 2};
    oc_pool2d_params p = {OC_PAD_VALID, 2, 2, 2, 2, OC_ACT_NONE};
    ot_init(&c, &oc_op_MAX_POOL_2D);
    c.op.params = &p;
    ot_input(&c, OC_I32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "FLOAT32");
    ot_init(&c, &oc_op_AVERAGE_POOL_2D);
    c.op.params = &p;
    ot_input(&c, OC_F32, 3, id3, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "rank");
    oc_pool2d_params zero = {OC_PAD_VALID, 2, 2, 0, 2, OC_ACT_NONE};
    ot_init(&c, &oc_op_AVERAGE_POOL_2D);
    c.op.params = &zero;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "positive");
    oc_pool2d_params act = {OC_PAD_VALID, 2, 2, 2, 2, OC_ACT_SIGN_BIT};
    ot_init(&c, &oc_op_MAX_POOL_2D);
    c.op.params = &act;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "activation");

    fbt_buf buf;
    fbt_field f[6] = {fbt_u8(OC_PAD_VALID), kt_i32(2), kt_i32(3), kt_i32(4), kt_i32(5),
                      fbt_u8(OC_ACT_RELU)};
    oc_op op;
    memset(&op, 0, sizeof op);
    fbt_build(&buf, f, 6, &op.options);
    oc_mem mem = {0};
    oc_err err;
    assert_int_equal(oc_op_MAX_POOL_2D.parse(&op, &mem, &err), OC_OK);
    const oc_pool2d_params *q = op.params;
    assert_int_equal(q->padding, OC_PAD_VALID);
    assert_int_equal(q->stride_w, 2);
    assert_int_equal(q->stride_h, 3);
    assert_int_equal(q->filter_w, 4);
    assert_int_equal(q->filter_h, 5);
    assert_int_equal(q->activation, OC_ACT_RELU);
    oc_mem_free_all(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_hand),
        cmocka_unit_test(test_pool_cases),
        cmocka_unit_test(test_pool_reject_parse),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
