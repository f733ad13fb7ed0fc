/* CONV_2D and DEPTHWISE_CONV_2D against naive double-precision references written from
 * TFLite's reference semantics, on every ISA path, 1 and 2 threads; options parsing; and
 * rejection of bad shapes, types and options. */
#include "kernel_test_util.h"
#include "ops/conv_params.h"

typedef struct conv_cfg {
    int32_t n, h, w, ic, oc, kh, kw, sh, sw, dh, dw, pad, act;
    bool bias, const_w;
    int32_t dm; /* depthwise only */
    unsigned seed;
} conv_cfg;

/* Output size and leading pad, TFLite's formulas written out independently. */
static void out_pad(int pad, int32_t in, int32_t k, int32_t s, int32_t d, int32_t *out,
                    int32_t *lead)
{
    int32_t eff = (k - 1) * d + 1;
    *out = pad == OC_PAD_SAME ? (in + s - 1) / s : (in - eff + s) / s;
    if (*out < 0) *out = 0;
    int32_t total = (*out - 1) * s + eff - in;
    *lead = pad == OC_PAD_SAME && total > 0 ? total / 2 : 0;
}

static size_t in_count(const conv_cfg *g)
{
    return (size_t)g->n * g->h * g->w * g->ic;
}

/* ---- CONV_2D ------------------------------------------------------------------------------ */

static oc_conv2d_params g_cp;

static void build_conv(ot_case *c, const void *vp)
{
    const conv_cfg *g = vp;
    g_cp = (oc_conv2d_params){g->pad, g->sw, g->sh, g->act, g->dw, g->dh};
    ot_init(c, &oc_op_CONV_2D);
    c->op.params = &g_cp;
    int32_t id[4] = {g->n, g->h, g->w, g->ic}, wd[4] = {g->oc, g->kh, g->kw, g->ic};
    int32_t bd[1] = {g->oc};
    float *x = kt_rand(in_count(g), g->seed),
          *w = kt_rand((size_t)g->oc * g->kh * g->kw * g->ic, g->seed + 1);
    float *b = kt_rand((size_t)g->oc, g->seed + 2);
    ot_input(c, OC_F32, 4, id, x, false);
    ot_input(c, OC_F32, 4, wd, w, g->const_w);
    if (g->bias) ot_input(c, OC_F32, 1, bd, b, g->const_w);
    ot_output(c, OC_F32);
    free(x);
    free(w);
    free(b);
}

static double *ref_conv(const conv_cfg *g, size_t *count)
{
    int32_t oh, ow, pt, pl;
    out_pad(g->pad, g->h, g->kh, g->sh, g->dh, &oh, &pt);
    out_pad(g->pad, g->w, g->kw, g->sw, g->dw, &ow, &pl);
    float *x = kt_rand(in_count(g), g->seed);
    float *w = kt_rand((size_t)g->oc * g->kh * g->kw * g->ic, g->seed + 1);
    float *b = kt_rand((size_t)g->oc, g->seed + 2);
    *count = (size_t)g->n * oh * ow * g->oc;
    double *y = malloc((*count ? *count : 1) * sizeof *y);
    for (int32_t n = 0; n < g->n; n++)
        for (int32_t oy = 0; oy < oh; oy++)
            for (int32_t ox = 0; ox < ow; ox++)
                for (int32_t o = 0; o < g->oc; o++) {
                    double s = g->bias ? b[o] : 0;
                    for (int32_t ky = 0; ky < g->kh; ky++)
                        for (int32_t kx = 0; kx < g->kw; kx++) {
                            int32_t iy = oy * g->sh - pt + ky * g->dh;
                            int32_t ix = ox * g->sw - pl + kx * g->dw;
                            if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                            for (int32_t i = 0; i < g->ic; i++)
                                s += (double)x[((n * g->h + iy) * g->w + ix) * g->ic + i] *
                                     w[((o * g->kh + ky) * g->kw + kx) * g->ic + i];
                        }
                    y[((n * oh + oy) * ow + ox) * g->oc + o] = kt_clamp(s, g->act);
                }
    free(x);
    free(w);
    free(b);
    return y;
}

static void check_conv(const conv_cfg *g)
{
    size_t n;
    double *want = ref_conv(g, &n);
    char what[160];
    snprintf(what, sizeof what, "conv n%d %dx%dx%d->%d k%dx%d s%d,%d d%d,%d pad%d act%d", g->n,
             g->h, g->w, g->ic, g->oc, g->kh, g->kw, g->sh, g->sw, g->dh, g->dw, g->pad, g->act);
    kt_run_all(build_conv, g, want, n, (size_t)g->kh * g->kw * g->ic, what);
    free(want);
}

static void test_conv_1x1(void **state)
{
    (void)state;
    /* direct GEMM path: odd channel counts around the tile edges (NR 8/16/32/64, MR 4..12) */
    static const int32_t ch[] = {1, 3, 5, 17, 33, 64};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 6; j++) {
            conv_cfg g = {1,
                          5,
                          7,
                          ch[i],
                          ch[j],
                          1,
                          1,
                          1,
                          1,
                          1,
                          1,
                          OC_PAD_VALID,
                          OC_ACT_NONE,
                          true,
                          true,
                          0,
                          (unsigned)(i * 7 + j)};
            check_conv(&g);
        }
    conv_cfg big = {2, 13, 11,          40,          70,   1,    1, 1, 1,
                    1, 1,  OC_PAD_SAME, OC_ACT_RELU, true, true, 0, 99};
    check_conv(&big);
}

static void test_conv_3x3(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 3, 17, 33};
    for (int pad = 0; pad < 2; pad++)
        for (int s = 1; s <= 2; s++)
            for (size_t i = 0; i < 4; i++) {
                conv_cfg g = {1,
                              9,
                              8,
                              ch[i],
                              ch[3 - i],
                              3,
                              3,
                              s,
                              s,
                              1,
                              1,
                              pad,
                              OC_ACT_RELU6,
                              true,
                              true,
                              0,
                              (unsigned)(100 + i + 4 * s + 8 * pad)};
                check_conv(&g);
            }
}

static void test_conv_dilation_and_shapes(void **state)
{
    (void)state;
    conv_cfg cases[] = {
        /* dilation 2, SAME and VALID */
        {1, 10, 9, 3, 5, 3, 3, 1, 1, 2, 2, OC_PAD_SAME, OC_ACT_NONE, true, true, 0, 1},
        {1, 10, 9, 3, 5, 3, 3, 1, 1, 2, 2, OC_PAD_VALID, OC_ACT_NONE, true, true, 0, 2},
        /* asymmetric kernel, strides and dilations */
        {2, 11, 7, 4, 6, 2, 5, 2, 1, 1, 2, OC_PAD_SAME, OC_ACT_RELU_N1_TO_1, false, true, 0, 3},
        /* 1x1 with stride 2 (im2col of single pixels) */
        {1, 9, 9, 8, 12, 1, 1, 2, 2, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 0, 4},
        /* first-layer like: 3 input channels, 5x5 stride 2 */
        {1, 17, 16, 3, 24, 5, 5, 2, 2, 1, 1, OC_PAD_SAME, OC_ACT_RELU, true, true, 0, 5},
        /* kernel as large as the input (output 1x1, M = 1: GEMV path) */
        {1, 4, 4, 6, 33, 4, 4, 1, 1, 1, 1, OC_PAD_VALID, OC_ACT_NONE, true, true, 0, 6},
        /* non-constant weights and bias: packed at eval */
        {1, 6, 5, 7, 9, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, false, 0, 7},
        /* filter larger than the padded input in one dim: VALID output 0 rows */
        {1, 2, 6, 3, 4, 3, 1, 1, 1, 1, 1, OC_PAD_VALID, OC_ACT_NONE, true, true, 0, 8},
        /* speech_recognition_f32: even 10x8 kernel, SAME, stride 2 (odd total padding) */
        {1, 49, 40, 1, 8, 10, 8, 2, 2, 1, 1, OC_PAD_SAME, OC_ACT_RELU, true, true, 0, 10},
        /* many output channels: several column groups / tasks */
        {1, 6, 6, 32, 300, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 0, 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_conv(&cases[i]);
}

static void test_conv_hand_values(void **state)
{
    (void)state;
    /* 1x3x3x1 input 1..9, 2x2 filter of ones, VALID stride 1 -> sums of 2x2 windows + bias 1 */
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w[4] = {1, 1, 1, 1}, b[1] = {1};
    int32_t id[4] = {1, 3, 3, 1}, wd[4] = {1, 2, 2, 1}, bd[1] = {1};
    oc_conv2d_params p = {OC_PAD_VALID, 1, 1, OC_ACT_NONE, 1, 1};
    const oc_cpu *isas[3];
    int nisa = kt_isas(isas);
    for (int i = 0; i < nisa; i++) {
        ot_case c;
        ot_init(&c, &oc_op_CONV_2D);
        c.ctx.cpu = isas[i];
        c.op.params = &p;
        ot_input(&c, OC_F32, 4, id, x, false);
        ot_input(&c, OC_F32, 4, wd, w, true);
        ot_input(&c, OC_F32, 1, bd, b, true);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        const float want[4] = {13, 17, 25, 29};
        oc_tensor *o = ot_out(&c, 0);
        assert_int_equal(o->shape.rank, 4);
        assert_int_equal(o->shape.dims[1], 2);
        assert_int_equal(o->shape.dims[2], 2);
        ot_assert_near_f32(o->data, want, 4, 0);
        ot_free(&c);
    }
}

static void conv_case(ot_case *c, oc_conv2d_params *p, oc_dtype in_dt, int in_rank,
                      const int32_t *id, const int32_t *wd, int32_t nbias)
{
    ot_init(c, &oc_op_CONV_2D);
    c->op.params = p;
    ot_input(c, in_dt, in_rank, id, NULL, false);
    ot_input(c, OC_F32, 4, wd, NULL, true);
    if (nbias >= 0) {
        int32_t bd[1] = {nbias};
        ot_input(c, OC_F32, 1, bd, NULL, true);
    }
    ot_output(c, OC_F32);
}

static void test_conv_reject(void **state)
{
    (void)state;
    ot_case c;
    oc_conv2d_params p = {OC_PAD_SAME, 1, 1, OC_ACT_NONE, 1, 1};
    int32_t id[4] = {1, 4, 4, 3}, wd[4] = {2, 3, 3, 3}, wbad[4] = {2, 3, 3, 4};
    conv_case(&c, &p, OC_I32, 4, id, wd, 2);
    kt_expect_reject(&c, "FLOAT32");
    conv_case(&c, &p, OC_F32, 3, id, wd, 2);
    kt_expect_reject(&c, "rank");
    conv_case(&c, &p, OC_F32, 4, id, wbad, 2);
    kt_expect_reject(&c, "filter depth");
    int32_t wgroup[4] = {2, 3, 3, 1};
    conv_case(&c, &p, OC_F32, 4, id, wgroup, 2);
    kt_expect_reject(&c, "grouped");
    conv_case(&c, &p, OC_F32, 4, id, wd, 3);
    kt_expect_reject(&c, "bias");
    oc_conv2d_params bad_stride = {OC_PAD_SAME, 0, 1, OC_ACT_NONE, 1, 1};
    conv_case(&c, &bad_stride, OC_F32, 4, id, wd, 2);
    kt_expect_reject(&c, "positive");
    oc_conv2d_params bad_act = {OC_PAD_SAME, 1, 1, OC_ACT_TANH, 1, 1};
    conv_case(&c, &bad_act, OC_F32, 4, id, wd, 2);
    kt_expect_reject(&c, "activation");
    oc_conv2d_params bad_pad = {7, 1, 1, OC_ACT_NONE, 1, 1};
    conv_case(&c, &bad_pad, OC_F32, 4, id, wd, 2);
    kt_expect_reject(&c, "padding");
    /* wrong output dtype */
    ot_init(&c, &oc_op_CONV_2D);
    c.op.params = &p;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_output(&c, OC_I8);
    kt_expect_reject(&c, "output");
    /* too few inputs */
    ot_init(&c, &oc_op_CONV_2D);
    c.op.params = &p;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "inputs");
}

static void test_conv_parse(void **state)
{
    (void)state;
    fbt_buf buf;
    fbt_field f[6] = {fbt_u8(OC_PAD_VALID), kt_i32(2), kt_i32(3),
                      fbt_u8(OC_ACT_RELU6), kt_i32(4), fbt_absent()};
    oc_op op;
    memset(&op, 0, sizeof op);
    fbt_build(&buf, f, 6, &op.options);
    oc_mem mem = {0};
    oc_err err;
    assert_int_equal(oc_op_CONV_2D.parse(&op, &mem, &err), OC_OK);
    const oc_conv2d_params *p = op.params;
    assert_int_equal(p->padding, OC_PAD_VALID);
    assert_int_equal(p->stride_w, 2);
    assert_int_equal(p->stride_h, 3);
    assert_int_equal(p->activation, OC_ACT_RELU6);
    assert_int_equal(p->dilation_w, 4);
    assert_int_equal(p->dilation_h, 1); /* schema default */
    /* depthwise: depth_multiplier at id 3, activation at 4, dilations at 5, 6 */
    fbt_field d[7] = {fbt_u8(OC_PAD_SAME), kt_i32(1), kt_i32(2),   kt_i32(3),
                      fbt_u8(OC_ACT_RELU), kt_i32(2), fbt_absent()};
    memset(&op, 0, sizeof op);
    fbt_build(&buf, d, 7, &op.options);
    assert_int_equal(oc_op_DEPTHWISE_CONV_2D.parse(&op, &mem, &err), OC_OK);
    const oc_dwconv2d_params *q = op.params;
    assert_int_equal(q->stride_h, 2);
    assert_int_equal(q->depth_multiplier, 3);
    assert_int_equal(q->activation, OC_ACT_RELU);
    assert_int_equal(q->dilation_w, 2);
    assert_int_equal(q->dilation_h, 1);
    oc_mem_free_all(&mem);
}

/* ---- DEPTHWISE_CONV_2D -------------------------------------------------------------------- */

static oc_dwconv2d_params g_dp;

static void build_dw(ot_case *c, const void *vp)
{
    const conv_cfg *g = vp;
    g_dp = (oc_dwconv2d_params){g->pad, g->sw, g->sh, g->dm, g->act, g->dw, g->dh};
    ot_init(c, &oc_op_DEPTHWISE_CONV_2D);
    c->op.params = &g_dp;
    int32_t oc = g->ic * g->dm;
    int32_t id[4] = {g->n, g->h, g->w, g->ic}, wd[4] = {1, g->kh, g->kw, oc}, bd[1] = {oc};
    float *x = kt_rand(in_count(g), g->seed), *w = kt_rand((size_t)g->kh * g->kw * oc, g->seed + 1);
    float *b = kt_rand((size_t)oc, g->seed + 2);
    ot_input(c, OC_F32, 4, id, x, false);
    ot_input(c, OC_F32, 4, wd, w, g->const_w);
    if (g->bias) ot_input(c, OC_F32, 1, bd, b, g->const_w);
    ot_output(c, OC_F32);
    free(x);
    free(w);
    free(b);
}

static void check_dw(const conv_cfg *g)
{
    int32_t oh, ow, pt, pl, oc = g->ic * g->dm;
    out_pad(g->pad, g->h, g->kh, g->sh, g->dh, &oh, &pt);
    out_pad(g->pad, g->w, g->kw, g->sw, g->dw, &ow, &pl);
    float *x = kt_rand(in_count(g), g->seed), *w = kt_rand((size_t)g->kh * g->kw * oc, g->seed + 1);
    float *b = kt_rand((size_t)oc, g->seed + 2);
    size_t n = (size_t)g->n * oh * ow * oc;
    double *want = malloc((n ? n : 1) * sizeof *want);
    for (int32_t bb = 0; bb < g->n; bb++)
        for (int32_t oy = 0; oy < oh; oy++)
            for (int32_t ox = 0; ox < ow; ox++)
                for (int32_t ci = 0; ci < g->ic; ci++)
                    for (int32_t m = 0; m < g->dm; m++) {
                        int32_t o = ci * g->dm + m;
                        double s = g->bias ? b[o] : 0;
                        for (int32_t ky = 0; ky < g->kh; ky++)
                            for (int32_t kx = 0; kx < g->kw; kx++) {
                                int32_t iy = oy * g->sh - pt + ky * g->dh;
                                int32_t ix = ox * g->sw - pl + kx * g->dw;
                                if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                                s += (double)x[((bb * g->h + iy) * g->w + ix) * g->ic + ci] *
                                     w[(ky * g->kw + kx) * oc + o];
                            }
                        want[((bb * oh + oy) * ow + ox) * oc + o] = kt_clamp(s, g->act);
                    }
    char what[160];
    snprintf(what, sizeof what, "dw n%d %dx%dx%d dm%d k%dx%d s%d,%d d%d,%d pad%d act%d", g->n, g->h,
             g->w, g->ic, g->dm, g->kh, g->kw, g->sh, g->sw, g->dh, g->dw, g->pad, g->act);
    kt_run_all(build_dw, g, want, n, (size_t)g->kh * g->kw, what);
    free(want);
    free(x);
    free(w);
    free(b);
}

static void test_dw_3x3(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 3, 5, 8, 16, 17, 33};
    for (size_t i = 0; i < 7; i++)
        for (int s = 1; s <= 2; s++)
            for (int pad = 0; pad < 2; pad++) {
                conv_cfg g = {1,
                              9,
                              7,
                              ch[i],
                              0,
                              3,
                              3,
                              s,
                              s,
                              1,
                              1,
                              pad,
                              OC_ACT_RELU6,
                              true,
                              true,
                              1,
                              (unsigned)(10 * i + s + 3 * pad)};
                check_dw(&g);
            }
}

static void test_dw_other(void **state)
{
    (void)state;
    conv_cfg cases[] = {
        /* 5x5 (BlazeFace), SAME, strides 1 and 2 */
        {1, 12, 11, 24, 0, 5, 5, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 1, 1},
        {1, 12, 11, 33, 0, 5, 5, 2, 2, 1, 1, OC_PAD_SAME, OC_ACT_RELU, true, true, 1, 2},
        /* dilation 2 */
        {1, 10, 10, 17, 0, 3, 3, 1, 1, 2, 2, OC_PAD_SAME, OC_ACT_NONE, true, true, 1, 3},
        /* generic kernel size, asymmetric strides, batch 2, no bias */
        {2, 8, 9, 7, 0, 2, 4, 1, 2, 1, 1, OC_PAD_SAME, OC_ACT_RELU_N1_TO_1, false, true, 1, 4},
        /* depth multiplier 2 and 3 (C path) */
        {1, 6, 6, 3, 0, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 2, 5},
        {1, 7, 5, 5, 0, 3, 3, 2, 2, 1, 1, OC_PAD_VALID, OC_ACT_NONE, true, true, 3, 6},
        /* image smaller than the filter, SAME: every pixel is a border pixel */
        {1, 2, 3, 17, 0, 5, 5, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 1, 7},
        /* non-constant weights */
        {1, 5, 5, 9, 0, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, false, 1, 8},
        /* 1x1 depthwise (a per-channel scale) */
        {1, 4, 4, 20, 0, 1, 1, 1, 1, 1, 1, OC_PAD_VALID, OC_ACT_NONE, true, true, 1, 9},
        /* wide channels, many rows: several tasks */
        {1, 40, 40, 64, 0, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_RELU6, true, true, 1, 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_dw(&cases[i]);
}

static void dw_case(ot_case *c, oc_dwconv2d_params *p, oc_dtype dt, const int32_t *id,
                    const int32_t *wd, int32_t nbias)
{
    ot_init(c, &oc_op_DEPTHWISE_CONV_2D);
    c->op.params = p;
    ot_input(c, dt, 4, id, NULL, false);
    ot_input(c, OC_F32, 4, wd, NULL, true);
    if (nbias >= 0) {
        int32_t bd[1] = {nbias};
        ot_input(c, OC_F32, 1, bd, NULL, true);
    }
    ot_output(c, OC_F32);
}

static void test_dw_reject(void **state)
{
    (void)state;
    ot_case c;
    oc_dwconv2d_params p = {OC_PAD_SAME, 1, 1, 1, OC_ACT_NONE, 1, 1};
    int32_t id[4] = {1, 4, 4, 3}, wd[4] = {1, 3, 3, 3};
    dw_case(&c, &p, OC_U8, id, wd, 3);
    kt_expect_reject(&c, "FLOAT32");
    int32_t w0[4] = {2, 3, 3, 3};
    dw_case(&c, &p, OC_F32, id, w0, 3);
    kt_expect_reject(&c, "dim 0");
    int32_t wm[4] = {1, 3, 3, 4};
    dw_case(&c, &p, OC_F32, id, wm, 4);
    kt_expect_reject(&c, "multiple");
    dw_case(&c, &p, OC_F32, id, wd, 4);
    kt_expect_reject(&c, "bias");
    oc_dwconv2d_params bad = {OC_PAD_SAME, 1, 1, 1, OC_ACT_NONE, 0, 1};
    dw_case(&c, &bad, OC_F32, id, wd, 3);
    kt_expect_reject(&c, "positive");
}

/* Preparing twice (as the executor does for dynamic shapes) keeps a working state. */
static void test_reprepare(void **state)
{
    (void)state;
    conv_cfg g = {1, 6, 6, 5, 7, 3, 3, 1, 1, 1, 1, OC_PAD_SAME, OC_ACT_NONE, true, true, 0, 42};
    size_t n;
    double *want = ref_conv(&g, &n);
    ot_case c;
    build_conv(&c, &g);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_run(&c, 2), OC_OK);
    kt_check(ot_out(&c, 0)->data, want, n, 45, "conv reprepare");
    ot_free(&c);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_hand_values), cmocka_unit_test(test_conv_1x1),
        cmocka_unit_test(test_conv_3x3),         cmocka_unit_test(test_conv_dilation_and_shapes),
        cmocka_unit_test(test_conv_reject),      cmocka_unit_test(test_conv_parse),
        cmocka_unit_test(test_dw_3x3),           cmocka_unit_test(test_dw_other),
        cmocka_unit_test(test_dw_reject),        cmocka_unit_test(test_reprepare),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
