/* TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias against a scatter-form reference
 * written from TFLite's / MediaPipe's reference kernels: strides 1..3, SAME/VALID, odd channel
 * counts, optional bias, activations, runtime weights, a runtime output_shape (dynamic), every
 * ISA path with 1 and 2 threads; custom options parsing; rejections. */
#include "kernel_test_util.h"
#include "ops/conv_params.h"

typedef struct tc_cfg {
    int32_t n, h, w, ic, oc, kh, kw, sh, sw, pad, act;
    int32_t oh, ow; /* TRANSPOSE_CONV: requested output size */
    bool bias, const_w, custom, const_shape;
    unsigned seed;
} tc_cfg;

static oc_tconv_params g_p;

/* Output size and leading pads the op must use. */
static void geometry(const tc_cfg *g, int32_t *oh, int32_t *ow, int32_t *pt, int32_t *pl)
{
    if (g->custom) {
        int32_t ph = 0, pw = 0;
        if (g->pad == OC_PAD_SAME) {
            ph = g->kh - (g->h - 1) % g->sh - 1;
            pw = g->kw - (g->w - 1) % g->sw - 1;
            ph = ph > 0 ? ph : 0;
            pw = pw > 0 ? pw : 0;
        }
        *oh = g->sh * (g->h - 1) + g->kh - ph;
        *ow = g->sw * (g->w - 1) + g->kw - pw;
        *pt = ph / 2;
        *pl = pw / 2;
        return;
    }
    *oh = g->oh;
    *ow = g->ow;
    /* TFLite: padding of a conv whose input has the output's size */
    int32_t ch =
        g->pad == OC_PAD_SAME ? (g->oh + g->sh - 1) / g->sh : (g->oh - g->kh + g->sh) / g->sh;
    int32_t cw =
        g->pad == OC_PAD_SAME ? (g->ow + g->sw - 1) / g->sw : (g->ow - g->kw + g->sw) / g->sw;
    int32_t th = (ch - 1) * g->sh + g->kh - g->oh, tw = (cw - 1) * g->sw + g->kw - g->ow;
    *pt = th > 0 ? th / 2 : 0;
    *pl = tw > 0 ? tw / 2 : 0;
}

static void build(ot_case *c, const void *vp)
{
    const tc_cfg *g = vp;
    g_p = (oc_tconv_params){g->pad, g->sw, g->sh, g->act};
    ot_init(c, g->custom ? &oc_op_Convolution2DTransposeBias : &oc_op_TRANSPOSE_CONV);
    c->op.params = &g_p;
    int32_t id[4] = {g->n, g->h, g->w, g->ic}, wd[4] = {g->oc, g->kh, g->kw, g->ic};
    int32_t bd[1] = {g->oc}, sd[1] = {4}, shape[4] = {g->n, g->oh, g->ow, g->oc};
    float *x = kt_rand((size_t)g->n * g->h * g->w * g->ic, g->seed);
    float *w = kt_rand((size_t)g->oc * g->kh * g->kw * g->ic, g->seed + 1);
    float *b = kt_rand((size_t)g->oc, g->seed + 2);
    if (g->custom) {
        ot_input(c, OC_F32, 4, id, x, false);
        ot_input(c, OC_F32, 4, wd, w, g->const_w);
        ot_input(c, OC_F32, 1, bd, b, true);
    } else {
        ot_input(c, OC_I32, 1, sd, shape, g->const_shape);
        ot_input(c, OC_F32, 4, wd, w, g->const_w);
        ot_input(c, OC_F32, 4, id, x, false);
        if (g->bias) ot_input(c, OC_F32, 1, bd, b, true);
    }
    ot_output(c, OC_F32);
    free(x);
    free(w);
    free(b);
}

static void check(const tc_cfg *g)
{
    int32_t oh, ow, pt, pl;
    geometry(g, &oh, &ow, &pt, &pl);
    bool bias = g->custom || g->bias;
    float *x = kt_rand((size_t)g->n * g->h * g->w * g->ic, g->seed);
    float *w = kt_rand((size_t)g->oc * g->kh * g->kw * g->ic, g->seed + 1);
    float *b = kt_rand((size_t)g->oc, g->seed + 2);
    size_t n = (size_t)g->n * oh * ow * g->oc;
    double *want = calloc(n + 1, sizeof *want);
    for (int32_t bb = 0; bb < g->n; bb++)
        for (int32_t iy = 0; iy < g->h; iy++)
            for (int32_t ix = 0; ix < g->w; ix++)
                for (int32_t ci = 0; ci < g->ic; ci++)
                    for (int32_t ky = 0; ky < g->kh; ky++)
                        for (int32_t kx = 0; kx < g->kw; kx++)
                            for (int32_t o = 0; o < g->oc; o++) {
                                int32_t oy = iy * g->sh - pt + ky, ox = ix * g->sw - pl + kx;
                                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                                want[((bb * oh + oy) * ow + ox) * g->oc + o] +=
                                    (double)x[((bb * g->h + iy) * g->w + ix) * g->ic + ci] *
                                    w[((o * g->kh + ky) * g->kw + kx) * g->ic + ci];
                            }
    for (size_t i = 0; i < n; i++)
        want[i] = kt_clamp(want[i] + (bias ? b[i % g->oc] : 0), g->act);
    char what[128];
    snprintf(what, sizeof what, "%s %dx%dx%d->%dx%dx%d k%dx%d s%d,%d pad%d",
             g->custom ? "tconv_bias" : "tconv", g->h, g->w, g->ic, oh, ow, g->oc, g->kh, g->kw,
             g->sh, g->sw, g->pad);
    size_t taps = (size_t)((g->kh + g->sh - 1) / g->sh) * ((g->kw + g->sw - 1) / g->sw);
    kt_run_all(build, g, want, n, taps * g->ic, what);
    ot_case c;
    build(&c, g);
    oc_status st = ot_prepare(&c);
    assert_int_equal(st, g->custom || g->const_shape ? OC_OK : OC_DYNAMIC);
    if (st == OC_OK) {
        oc_tensor *o = ot_out(&c, 0);
        assert_int_equal(o->shape.dims[1], oh);
        assert_int_equal(o->shape.dims[2], ow);
        assert_int_equal(o->shape.dims[3], g->oc);
    }
    ot_free(&c);
    free(want);
    free(x);
    free(w);
    free(b);
}

static void test_tconv(void **state)
{
    (void)state;
    tc_cfg cases[] = {
        /* n h w ic oc kh kw sh sw pad act oh ow bias const_w custom const_shape seed */
        {1, 4, 4, 3, 5, 3, 3, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 8, 8, true, true, false, true, 1},
        {1, 4, 5, 3, 5, 3, 3, 2, 2, OC_PAD_VALID, OC_ACT_RELU, 9, 11, true, true, false, true, 2},
        {2, 3, 3, 17, 1, 2, 2, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 6, 6, false, true, false, true, 3},
        {1, 5, 4, 8, 33, 4, 4, 2, 2, OC_PAD_SAME, OC_ACT_RELU6, 10, 8, true, true, false, true, 4},
        {1, 6, 6, 4, 6, 3, 3, 1, 1, OC_PAD_SAME, OC_ACT_NONE, 6, 6, true, false, false, true, 5},
        {1, 3, 4, 2, 3, 5, 3, 3, 2, OC_PAD_VALID, OC_ACT_NONE, 11, 9, true, true, false, true, 6},
        /* output_shape only known at run time */
        {1, 4, 4, 3, 2, 3, 3, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 7, 7, true, true, false, false, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(&cases[i]);
}

static void test_tconv_bias(void **state)
{
    (void)state;
    tc_cfg cases[] = {
        /* selfie_segmentation: 128x128x16 -> 256x256x1 with a 2x2 stride-2 kernel (smaller) */
        {1, 16, 16, 16, 1, 2, 2, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 0, 0, true, true, true, true, 1},
        {1, 5, 4, 3, 7, 3, 3, 2, 2, OC_PAD_SAME, OC_ACT_NONE, 0, 0, true, true, true, true, 2},
        {1, 5, 4, 3, 7, 3, 3, 2, 2, OC_PAD_VALID, OC_ACT_NONE, 0, 0, true, true, true, true, 3},
        {2, 3, 6, 17, 4, 4, 2, 3, 1, OC_PAD_SAME, OC_ACT_NONE, 0, 0, true, false, true, true, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(&cases[i]);
}

static void test_tconv_bias_options(void **state)
{
    (void)state;
    static const uint8_t opts[12] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    oc_op op;
    memset(&op, 0, sizeof op);
    op.custom_options = opts;
    op.custom_options_size = sizeof opts;
    oc_mem mem = {0};
    oc_err err;
    assert_int_equal(oc_op_Convolution2DTransposeBias.parse(&op, &mem, &err), OC_OK);
    const oc_tconv_params *p = op.params;
    assert_int_equal(p->padding, OC_PAD_SAME);
    assert_int_equal(p->stride_w, 2);
    assert_int_equal(p->stride_h, 3);
    memset(&op, 0, sizeof op);
    op.custom_options = opts;
    op.custom_options_size = 11; /* too short */
    assert_int_equal(oc_op_Convolution2DTransposeBias.parse(&op, &mem, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "custom options"));
    /* TRANSPOSE_CONV builtin options: padding, stride_w, stride_h, activation */
    fbt_buf buf;
    fbt_field f[4] = {fbt_u8(OC_PAD_VALID), kt_i32(2), kt_i32(4), fbt_u8(OC_ACT_RELU)};
    memset(&op, 0, sizeof op);
    fbt_build(&buf, f, 4, &op.options);
    assert_int_equal(oc_op_TRANSPOSE_CONV.parse(&op, &mem, &err), OC_OK);
    p = op.params;
    assert_int_equal(p->padding, OC_PAD_VALID);
    assert_int_equal(p->stride_w, 2);
    assert_int_equal(p->stride_h, 4);
    assert_int_equal(p->activation, OC_ACT_RELU);
    oc_mem_free_all(&mem);
}

static void test_tconv_reject(void **state)
{
    (void)state;
    ot_case c;
    oc_tconv_params p = {OC_PAD_SAME, 2, 2, OC_ACT_NONE};
    int32_t sd[1] = {4}, shape[4] = {1, 8, 8, 5}, bad_shape[4] = {1, 8, 8, 6};
    int32_t wd[4] = {5, 3, 3, 3}, id[4] = {1, 4, 4, 3}, id2[4] = {1, 4, 4, 2}, bd[1] = {4};
    ot_init(&c, &oc_op_TRANSPOSE_CONV);
    c.op.params = &p;
    ot_input(&c, OC_I32, 1, sd, bad_shape, true);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "output_shape");
    ot_init(&c, &oc_op_TRANSPOSE_CONV);
    c.op.params = &p;
    ot_input(&c, OC_I32, 1, sd, shape, true);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 4, id2, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "depth");
    ot_init(&c, &oc_op_TRANSPOSE_CONV);
    c.op.params = &p;
    ot_input(&c, OC_I32, 1, sd, shape, true);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_input(&c, OC_F32, 1, bd, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "bias");
    ot_init(&c, &oc_op_TRANSPOSE_CONV);
    c.op.params = &p;
    ot_input(&c, OC_I32, 1, sd, shape, true);
    ot_input(&c, OC_U8, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "FLOAT32");
    oc_tconv_params bad_pad = {-1, 2, 2, OC_ACT_NONE};
    int32_t bd5[1] = {5};
    ot_init(&c, &oc_op_Convolution2DTransposeBias);
    c.op.params = &bad_pad;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 1, bd5, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "padding");
    oc_tconv_params zero_stride = {OC_PAD_SAME, 0, 2, OC_ACT_NONE};
    ot_init(&c, &oc_op_Convolution2DTransposeBias);
    c.op.params = &zero_stride;
    ot_input(&c, OC_F32, 4, id, NULL, false);
    ot_input(&c, OC_F32, 4, wd, NULL, true);
    ot_input(&c, OC_F32, 1, bd5, NULL, true);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "positive");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tconv),
        cmocka_unit_test(test_tconv_bias),
        cmocka_unit_test(test_tconv_bias_options),
        cmocka_unit_test(test_tconv_reject),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
