/* Quantized CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV: uint8, int8
 * (per-tensor and per-channel weights) and int16 x int8 (int64 / int32 bias) against a
 * reference written here from TFLite's kernels (integer dot products, TFLite's multipliers and
 * MultiplyByQuantizedMultiplier) or XNNPACK's fp32 requantization, exactly, and against a
 * float-simulated convolution (dequantize, float op, requantize) within 1 LSB; on every
 * integer path this CPU runs (C, AVX2, AVX-VNNI, AVX-512 VNNI), 1 and 2 threads; odd sizes
 * around the kernel tiles; fused activations; and the rejections. */
#include "qconv_test_util.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"

typedef enum kind { K_CONV, K_DW, K_FC, K_TCONV } kind;

typedef struct qcfg {
    kind k;
    oc_dtype at; /* activations: U8, I8, I16 */
    int32_t n, h, w, ic, oc, kh, kw, sh, sw, dh, dw, pad, act;
    int32_t dm;        /* depthwise multiplier */
    bool per_channel;  /* int8 weights per channel */
    bool bias, bias64; /* bias present; int64 (int16 only) */
    bool const_w;
    int mode;    /* forced requantization rule: -1 automatic, OC_QREQ_FIXED, OC_QREQ_FP32 */
    int32_t wzp; /* FC int8 per-tensor weights may be asymmetric */
    bool wide_w; /* uint8 weights over all of 0..255, zero point wzp (w - zw beyond int8) */
    unsigned seed;
} qcfg;

/* A fully built case: data, quantization, geometry and the expected output. */
typedef struct qdata {
    qcfg c;
    oc_dtype wt;
    int32_t oh, ow, pt, pl, outc;
    size_t nin, nw, nout, nbias;
    void *x, *w, *b;
    qc_q qx, qw, qb, qo;
    uint8_t *want; /* expected raw output */
    double *real;  /* float-simulated output, quantized (as double) */
    size_t osize;
    bool fp32;
    const oc_op_def *def;
} qdata;

static void out_pad(int pad, int32_t in, int32_t k, int32_t s, int32_t d, int32_t *out,
                    int32_t *lead)
{
    int32_t eff = (k - 1) * d + 1;
    *out = pad == OC_PAD_SAME ? (in + s - 1) / s : (in - eff + s) / s;
    if (*out < 0) *out = 0;
    int32_t total = (*out - 1) * s + eff - in;
    *lead = pad == OC_PAD_SAME && total > 0 ? total / 2 : 0;
}

/* Sum of (x - zx)(w - zw) over the op's taps for output element (b, oy, ox, c); and its float
 * counterpart with the real values. */
static int64_t dot(const qdata *d, int32_t b, int32_t oy, int32_t ox, int32_t c, double *real)
{
    const qcfg *g = &d->c;
    const int32_t zx = (int32_t)d->qx.zp[0], zw = (int32_t)d->qw.zp[0];
    const float sx = d->qx.scale[0];
    int64_t acc = 0;
    double r = 0;
    const float sw = d->qw.scale[d->qw.count > 1 ? c : 0];
#define TAP(xi, wi)                                                                                \
    do {                                                                                           \
        int32_t xv = qc_get(g->at, d->x, (xi)) - zx, wv = qc_get(d->wt, d->w, (wi)) - zw;          \
        acc += (int64_t)xv * wv;                                                                   \
        r += (double)sx * xv * (double)sw * wv;                                                    \
    } while (0)
    if (g->k == K_FC) {
        for (int32_t i = 0; i < g->ic; i++)
            TAP((size_t)b * g->ic + i, (size_t)c * g->ic + i);
    } else if (g->k == K_TCONV) {
        for (int32_t ky = 0; ky < g->kh; ky++)
            for (int32_t kx = 0; kx < g->kw; kx++) {
                int32_t ty = oy + d->pt - ky, tx = ox + d->pl - kx;
                if (ty < 0 || tx < 0 || ty % g->sh || tx % g->sw) continue;
                int32_t iy = ty / g->sh, ix = tx / g->sw;
                if (iy >= g->h || ix >= g->w) continue;
                for (int32_t i = 0; i < g->ic; i++)
                    TAP((((size_t)b * g->h + iy) * g->w + ix) * g->ic + i,
                        (((size_t)c * g->kh + ky) * g->kw + kx) * g->ic + i);
            }
    } else {
        for (int32_t ky = 0; ky < g->kh; ky++)
            for (int32_t kx = 0; kx < g->kw; kx++) {
                int32_t iy = oy * g->sh - d->pt + ky * g->dh, ix = ox * g->sw - d->pl + kx * g->dw;
                if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                size_t px = (((size_t)b * g->h + iy) * g->w + ix) * g->ic;
                if (g->k == K_DW)
                    TAP(px + (size_t)(c / g->dm), ((size_t)ky * g->kw + kx) * d->outc + c);
                else
                    for (int32_t i = 0; i < g->ic; i++)
                        TAP(px + i, (((size_t)c * g->kh + ky) * g->kw + kx) * g->ic + i);
            }
    }
#undef TAP
    *real = r;
    return acc;
}

static int64_t bias_at(const qdata *d, int32_t c)
{
    if (!d->c.bias) return 0;
    return d->c.bias64 ? ((const int64_t *)d->b)[c] : ((const int32_t *)d->b)[c];
}

/* Builds the data and the expected output of cfg. */
static void make(const qcfg *cfg, qdata *d)
{
    memset(d, 0, sizeof *d);
    d->c = *cfg;
    qcfg *g = &d->c;
    uint32_t s = g->seed * 7919u + 17u;
    d->wt = g->at == OC_U8 ? OC_U8 : OC_I8;
    d->def = g->k == K_CONV ? &oc_op_CONV_2D
             : g->k == K_DW ? &oc_op_DEPTHWISE_CONV_2D
             : g->k == K_FC ? &oc_op_FULLY_CONNECTED
                            : &oc_op_TRANSPOSE_CONV;
    d->outc = g->k == K_DW ? g->ic * g->dm : g->oc;
    if (g->k == K_FC) {
        d->oh = d->ow = 1;
        g->h = g->w = g->kh = g->kw = 1;
    } else if (g->k == K_TCONV) {
        d->oh = g->h * g->sh;
        d->ow = g->w * g->sw;
        int32_t unused;
        out_pad(g->pad, d->oh, g->kh, g->sh, 1, &unused, &d->pt);
        out_pad(g->pad, d->ow, g->kw, g->sw, 1, &unused, &d->pl);
    } else {
        out_pad(g->pad, g->h, g->kh, g->sh, g->dh, &d->oh, &d->pt);
        out_pad(g->pad, g->w, g->kw, g->sw, g->dw, &d->ow, &d->pl);
    }
    d->nin = (size_t)g->n * g->h * g->w * g->ic;
    d->nw =
        g->k == K_DW ? (size_t)g->kh * g->kw * d->outc : (size_t)d->outc * g->kh * g->kw * g->ic;
    d->nout = (size_t)g->n * d->oh * d->ow * d->outc;
    d->nbias = (size_t)d->outc;
    /* activations */
    int32_t zx = g->at == OC_U8   ? 110 + (int32_t)(qc_rnd(&s) % 40)
                 : g->at == OC_I8 ? (int32_t)(qc_rnd(&s) % 40) - 20
                                  : 0;
    int32_t spread = g->at == OC_I16 ? 20000 : 120;
    qc_per_tensor(&d->qx, 0.01f + (float)(qc_rnd(&s) % 1000) / 20000.f, zx);
    d->x = qc_rand(g->at, d->nin, zx, spread, s++);
    /* weights */
    int32_t zw = g->at == OC_U8 ? 90 + (int32_t)(qc_rnd(&s) % 80) : g->wzp;
    if (g->wide_w) zw = g->wzp;
    d->w = qc_rand(d->wt, d->nw, zw, g->wide_w ? 255 : g->at == OC_U8 ? 127 : 127 - abs(zw), s++);
    int32_t nch = d->outc;
    d->qw.count = g->per_channel ? nch : 1;
    d->qw.axis = g->k == K_DW ? 3 : 0;
    for (int32_t c = 0; c < d->qw.count; c++) {
        d->qw.scale[c] = 0.002f + (float)(qc_rnd(&s) % 1000) / 50000.f;
        d->qw.zp[c] = zw;
    }
    /* bias: scale in * w (as converters write it), values around the accumulator range */
    d->qb.count = d->qw.count;
    for (int32_t c = 0; c < d->qb.count; c++) {
        d->qb.scale[c] = d->qx.scale[0] * d->qw.scale[c];
        d->qb.zp[c] = 0;
    }
    d->b = calloc(d->nbias, 8);
    int64_t brange = g->at == OC_I16 ? 1 << 24 : 40000;
    for (size_t c = 0; c < d->nbias; c++)
        qc_set(g->bias64 ? OC_I64 : OC_I32, d->b, c,
               (int64_t)(qc_rnd(&s) % (uint32_t)(2 * brange + 1)) - brange);
    /* the output scale: the real results span about +-100 (8-bit) / +-20000 LSB (16-bit) */
    double maxr = 1e-9;
    for (int32_t b = 0; b < g->n; b++)
        for (int32_t oy = 0; oy < d->oh; oy++)
            for (int32_t ox = 0; ox < d->ow; ox++)
                for (int32_t c = 0; c < nch; c++) {
                    double r;
                    dot(d, b, oy, ox, c, &r);
                    r += (double)bias_at(d, c) * d->qb.scale[d->qb.count > 1 ? c : 0];
                    if (fabs(r) > maxr) maxr = fabs(r);
                }
    int32_t zo = g->at == OC_U8   ? 120 + (int32_t)(qc_rnd(&s) % 20)
                 : g->at == OC_I8 ? (int32_t)(qc_rnd(&s) % 20) - 10
                                  : 0;
    qc_per_tensor(&d->qo, (float)(maxr / (g->at == OC_I16 ? 20000.0 : 100.0)), zo);

    /* which requantization the op must use */
    d->fp32 =
        g->at != OC_I16 && g->k != K_TCONV &&
        (g->mode == OC_QREQ_FP32 || (g->mode < 0 && g->const_w && (d->wt == OC_U8 || zw == 0)));
    const oc_dtype ot = g->at;
    const float sx = d->qx.scale[0], so = d->qo.scale[0];
    int32_t lo, hi;
    if (d->fp32)
        qc_act_xnn(g->act, ot, so, zo, &lo, &hi);
    else
        qc_act_tflite(g->act, ot, so, zo, &lo, &hi);
    const bool acc64 = g->at == OC_I16 && (!g->bias || g->bias64);
    d->osize = g->at == OC_I16 ? 2 : 1;
    d->want = malloc(d->nout * d->osize + 1);
    d->real = malloc((d->nout + 1) * sizeof(double));
    size_t o = 0;
    for (int32_t b = 0; b < g->n; b++)
        for (int32_t oy = 0; oy < d->oh; oy++)
            for (int32_t ox = 0; ox < d->ow; ox++)
                for (int32_t c = 0; c < nch; c++, o++) {
                    double r;
                    int64_t acc = dot(d, b, oy, ox, c, &r) + bias_at(d, c);
                    const float ws = d->qw.scale[d->qw.count > 1 ? c : 0];
                    int32_t y;
                    if (d->fp32) {
                        y = qc_fp32((int32_t)acc, sx * ws / so, zo, lo, hi);
                    } else {
                        /* TFLite's multiplier: the scales' product in float for uint8 and for
                         * per-tensor FC, in double otherwise */
                        bool fprod = g->at == OC_U8 || (g->k == K_FC && d->qw.count == 1);
                        double real_m = fprod ? (double)(sx * ws) / (double)so
                                              : (double)sx * (double)ws / (double)so;
                        int32_t m;
                        int sh;
                        oc_quantize_multiplier(real_m, &m, &sh);
                        y = acc64 ? qc_mbqm64(acc, m, sh)
                                  : qc_mbqm((int32_t)(uint32_t)(uint64_t)acc, m, sh);
                        y += zo;
                        y = y < lo ? lo : y > hi ? hi : y;
                    }
                    qc_set(ot, d->want, o, y);
                    /* float-simulated: real result, requantized and clamped */
                    double rr = r + (double)bias_at(d, c) * d->qb.scale[d->qb.count > 1 ? c : 0];
                    double q = round(rr / so) + zo;
                    d->real[o] = q < lo ? lo : q > hi ? hi : q;
                }
}

static void unmake(qdata *d)
{
    free(d->x);
    free(d->w);
    free(d->b);
    free(d->want);
    free(d->real);
}

static oc_conv2d_params g_cp;
static oc_dwconv2d_params g_dp;
static oc_fc_params g_fp;
static oc_tconv_params g_tp;
static int32_t g_oshape[4];

/* Builds the op over d's tensors. */
static void build(ot_case *tc, qdata *d)
{
    const qcfg *g = &d->c;
    ot_init(tc, d->def);
    int32_t xd[4] = {g->n, g->h, g->w, g->ic};
    int ix, iw, ib = -1;
    if (g->k == K_TCONV) {
        g_tp = (oc_tconv_params){g->pad, g->sw, g->sh, g->act};
        tc->op.params = &g_tp;
        g_oshape[0] = g->n;
        g_oshape[1] = d->oh;
        g_oshape[2] = d->ow;
        g_oshape[3] = d->outc;
        int32_t sd[1] = {4};
        ot_input(tc, OC_I32, 1, sd, g_oshape, true);
        int32_t wd[4] = {g->oc, g->kh, g->kw, g->ic};
        iw = ot_input(tc, d->wt, 4, wd, d->w, g->const_w);
        ix = ot_input(tc, g->at, 4, xd, d->x, false);
    } else {
        if (g->k == K_CONV) {
            g_cp = (oc_conv2d_params){g->pad, g->sw, g->sh, g->act, g->dw, g->dh};
            tc->op.params = &g_cp;
        } else if (g->k == K_DW) {
            g_dp = (oc_dwconv2d_params){g->pad, g->sw, g->sh, g->dm, g->act, g->dw, g->dh};
            tc->op.params = &g_dp;
        } else {
            g_fp = (oc_fc_params){g->act, 0, false};
            tc->op.params = &g_fp;
        }
        int32_t fd[2] = {g->n, g->ic};
        ix = g->k == K_FC ? ot_input(tc, g->at, 2, fd, d->x, false)
                          : ot_input(tc, g->at, 4, xd, d->x, false);
        int32_t wd4[4] = {g->oc, g->kh, g->kw, g->ic}, wdw[4] = {1, g->kh, g->kw, d->outc};
        int32_t wfc[2] = {g->oc, g->ic};
        iw = g->k == K_FC   ? ot_input(tc, d->wt, 2, wfc, d->w, g->const_w)
             : g->k == K_DW ? ot_input(tc, d->wt, 4, wdw, d->w, g->const_w)
                            : ot_input(tc, d->wt, 4, wd4, d->w, g->const_w);
    }
    int32_t bd[1] = {(int32_t)d->nbias};
    if (g->bias) ib = ot_input(tc, g->bias64 ? OC_I64 : OC_I32, 1, bd, d->b, g->const_w);
    int io = ot_output(tc, g->at);
    qc_attach(&tc->tensors[ix], &d->qx);
    qc_attach(&tc->tensors[iw], &d->qw);
    if (ib >= 0) qc_attach(&tc->tensors[ib], &d->qb);
    qc_attach(&tc->tensors[io], &d->qo);
}

static const char *what(const qcfg *g, char *buf, size_t n)
{
    static const char *const kn[] = {"conv", "dw", "fc", "tconv"};
    snprintf(buf, n,
             "%s %s n%d %dx%dx%d->%d k%dx%d s%d,%d d%d,%d pad%d act%d dm%d pc%d b%d%s mode%d",
             kn[g->k], oc_dtype_name(g->at), g->n, g->h, g->w, g->ic, g->oc, g->kh, g->kw, g->sh,
             g->sw, g->dh, g->dw, g->pad, g->act, g->dm, g->per_channel, g->bias,
             g->bias64 ? "(i64)" : "", g->mode);
    return buf;
}

/* Runs cfg on every integer path with 1 and 2 threads: exact against the reference, within
 * 1 LSB of the float-simulated result. */
static void check(const qcfg *cfg)
{
    qdata d;
    make(cfg, &d);
    char label[256];
    what(&d.c, label, sizeof label);
    const oc_cpu *isas[4];
    const char *names[4];
    int nisa = qc_isas(isas, names);
    oc_qconv_force_mode(cfg->mode);
    for (int i = 0; i < nisa; i++)
        for (int threads = 1; threads <= 2; threads++) {
            ot_case tc;
            build(&tc, &d);
            tc.ctx.cpu = isas[i];
            oc_kernels_force_parallel(threads > 1);
            oc_status st = ot_run(&tc, threads);
            oc_kernels_force_parallel(false);
            if (st != OC_OK) fail_msg("%s [%s]: %s", label, names[i], tc.err.msg);
            oc_tensor *o = ot_out(&tc, 0);
            assert_int_equal(o->bytes, d.nout * d.osize);
            for (size_t e = 0; e < d.nout; e++) {
                int32_t got = qc_get(d.c.at, o->data, e), want = qc_get(d.c.at, d.want, e);
                if (got != want)
                    fail_msg("%s [%s, %d thr]: element %zu got %d want %d", label, names[i],
                             threads, e, got, want);
                if (fabs(got - d.real[e]) > 1.0)
                    fail_msg("%s [%s]: element %zu: %d vs float-simulated %g", label, names[i], e,
                             got, d.real[e]);
            }
            ot_free(&tc);
        }
    oc_qconv_force_mode(-1);
    unmake(&d);
}

/* ---- CONV_2D -------------------------------------------------------------------------------- */

static qcfg conv(oc_dtype at, int32_t h, int32_t w, int32_t ic, int32_t oc, int32_t k, int32_t s,
                 int pad, unsigned seed)
{
    qcfg c = {.k = K_CONV,
              .at = at,
              .n = 1,
              .h = h,
              .w = w,
              .ic = ic,
              .oc = oc,
              .kh = k,
              .kw = k,
              .sh = s,
              .sw = s,
              .dh = 1,
              .dw = 1,
              .pad = pad,
              .act = OC_ACT_NONE,
              .dm = 1,
              .per_channel = at != OC_U8,
              .bias = true,
              .const_w = true,
              .mode = -1,
              .seed = seed};
    return c;
}

static void test_conv_1x1(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 3, 4, 8, 17, 33, 64};
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    unsigned seed = 1;
    for (size_t t = 0; t < 3; t++)
        for (size_t i = 0; i < 7; i++) {
            qcfg c = conv(ts[t], 5, 7, ch[i], ch[6 - i], 1, 1, OC_PAD_VALID, seed++);
            c.bias64 = ts[t] == OC_I16;
            check(&c);
        }
}

static void test_conv_3x3(void **state)
{
    (void)state;
    static const int32_t ch[][2] = {{3, 8}, {1, 17}, {8, 16}, {12, 33}, {33, 5}, {16, 64}};
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    unsigned seed = 100;
    for (size_t t = 0; t < 3; t++)
        for (int pad = 0; pad < 2; pad++)
            for (int s = 1; s <= 2; s++)
                for (size_t i = 0; i < 6; i++) {
                    qcfg c = conv(ts[t], 9, 8, ch[i][0], ch[i][1], 3, s, pad, seed++);
                    c.bias64 = ts[t] == OC_I16 && i % 2 == 0; /* int32 bias too */
                    c.act = (int)(i % 4) == 1 ? OC_ACT_RELU : (int)(i % 4) == 2 ? OC_ACT_RELU6 : 0;
                    check(&c);
                }
}

static void test_conv_shapes(void **state)
{
    (void)state;
    unsigned seed = 300;
    /* batch, rectangular filters, dilation, large strides, tile edges in M and N */
    qcfg a = conv(OC_U8, 11, 13, 8, 40, 3, 1, OC_PAD_SAME, seed++);
    a.n = 2;
    check(&a);
    qcfg b = conv(OC_I8, 12, 10, 16, 70, 1, 1, OC_PAD_VALID, seed++);
    b.kh = 3;
    b.kw = 2;
    b.dh = 2;
    check(&b);
    qcfg c = conv(OC_I8, 17, 17, 4, 100, 5, 3, OC_PAD_SAME, seed++);
    c.dw = 2;
    c.act = OC_ACT_RELU_N1_TO_1;
    check(&c);
    qcfg d = conv(OC_U8, 1, 1, 256, 1001, 1, 1, OC_PAD_VALID, seed++); /* GEMV */
    check(&d);
    qcfg e = conv(OC_I8, 7, 9, 24, 9, 3, 2, OC_PAD_VALID, seed++);
    e.per_channel = false; /* per-tensor int8 */
    e.bias = false;
    check(&e);
    qcfg f = conv(OC_I16, 6, 5, 8, 20, 3, 1, OC_PAD_SAME, seed++);
    f.bias = false; /* int16 without bias: 64-bit accumulation */
    check(&f);
    /* 3 channels with a dilated filter: windows gathered per panel (im2col) */
    for (int t = 0; t < 2; t++) {
        qcfg g = conv(t ? OC_I8 : OC_U8, 10, 9, 3, t ? 40 : 8, 3, 1, OC_PAD_SAME, seed++);
        g.dw = 2;
        check(&g);
    }
    /* 3 channels, many filters: row terms in the GEMM only when a column is spare */
    qcfg h = conv(OC_U8, 9, 9, 3, 32, 3, 2, OC_PAD_SAME, seed++);
    check(&h);
}

static void test_conv_rules(void **state)
{
    (void)state;
    /* both requantization rules on the 8-bit kernels; non-constant weights fall back to
     * TFLite's reference arithmetic */
    unsigned seed = 400;
    for (int mode = 0; mode < 2; mode++)
        for (int t = 0; t < 2; t++)
            for (int act = 0; act < 4; act++) {
                qcfg c = conv(t ? OC_I8 : OC_U8, 8, 9, 20, 37, 3, 1 + act % 2, act % 2, seed++);
                c.mode = mode;
                c.act = act == 3 ? OC_ACT_RELU6 : act;
                check(&c);
            }
    qcfg v = conv(OC_U8, 6, 6, 8, 12, 3, 1, OC_PAD_SAME, seed++);
    v.const_w = false;
    check(&v);
}

/* ---- DEPTHWISE_CONV_2D ------------------------------------------------------------------- */

static qcfg dw(oc_dtype at, int32_t h, int32_t w, int32_t c, int32_t k, int32_t s, int pad,
               unsigned seed)
{
    qcfg q = conv(at, h, w, c, c, k, s, pad, seed);
    q.k = K_DW;
    return q;
}

static void test_dw(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 3, 8, 16, 17, 32, 40, 64};
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    unsigned seed = 500;
    for (size_t t = 0; t < 3; t++)
        for (int s = 1; s <= 2; s++)
            for (size_t i = 0; i < 8; i++) {
                qcfg c = dw(ts[t], 9, 11, ch[i], 3, s, (int)(i % 2), seed++);
                c.bias64 = ts[t] == OC_I16;
                c.act = (int)(i % 3) == 1 ? OC_ACT_RELU6 : 0;
                c.mode = ts[t] == OC_I16 ? -1 : (int)(i % 3) - 1;
                check(&c);
            }
}

static void test_dw_shapes(void **state)
{
    (void)state;
    unsigned seed = 600;
    qcfg a = dw(OC_I8, 10, 12, 3, 3, 1, OC_PAD_SAME, seed++);
    a.dm = 4; /* depth multiplier */
    check(&a);
    qcfg b = dw(OC_U8, 8, 8, 16, 5, 1, OC_PAD_SAME, seed++);
    b.n = 2;
    check(&b);
    qcfg c = dw(OC_I8, 13, 9, 24, 3, 2, OC_PAD_SAME, seed++);
    c.dh = 2;
    c.dw = 2;
    check(&c);
    qcfg d = dw(OC_U8, 14, 14, 128, 3, 1, OC_PAD_SAME, seed++);
    check(&d);
    qcfg e = dw(OC_I8, 6, 7, 8, 3, 1, OC_PAD_VALID, seed++);
    e.per_channel = false;
    e.bias = false;
    check(&e);
    qcfg f = dw(OC_I8, 5, 21, 8, 3, 1, OC_PAD_SAME, seed++); /* two pixels per zmm, odd runs */
    check(&f);
    qcfg g = dw(OC_U8, 9, 9, 16, 2, 3, OC_PAD_VALID, seed++);
    g.kw = 4;
    check(&g);
}

/* uint8 weights with large zero points (mobilenet_v1 uint8 has 96..241): w - zw spans up to
 * [-241, 255], beyond int8 (the 3x3 VNNI kernel splits it over two int8 weight sets, from 128
 * channels); 255 (zero point 0) cannot be split and takes the int16 kernel. */
static void test_dw_wide_u8(void **state)
{
    (void)state;
    static const int32_t zps[] = {241, 200, 96, 1, 0};
    static const int32_t ch[] = {128, 131, 256, 64};
    unsigned seed = 700;
    for (size_t z = 0; z < 5; z++)
        for (size_t i = 0; i < 4; i++)
            for (int s = 1; s <= 2; s++) {
                qcfg c = dw(OC_U8, 7 + (int)i, 9 - (int)i, ch[i], 3, s, (int)(z % 2), seed++);
                c.wide_w = true;
                c.wzp = zps[z];
                c.act = (int)(z + i) % 3 == 1 ? OC_ACT_RELU6 : 0;
                c.mode = (int)(i % 3) - 1;
                check(&c);
            }
}

/* ---- FULLY_CONNECTED --------------------------------------------------------------------- */

static qcfg fc(oc_dtype at, int32_t m, int32_t k, int32_t n, unsigned seed)
{
    qcfg q = conv(at, 1, 1, k, n, 1, 1, OC_PAD_VALID, seed);
    q.k = K_FC;
    q.n = m;
    q.per_channel = false;
    return q;
}

static void test_fc(void **state)
{
    (void)state;
    static const int32_t ks[] = {1, 3, 4, 16, 33, 64, 100};
    static const int32_t ns[] = {1, 2, 7, 16, 17, 64, 130};
    static const int32_t ms[] = {1, 2, 5, 13};
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    unsigned seed = 700;
    for (size_t t = 0; t < 3; t++)
        for (size_t i = 0; i < 7; i++) {
            qcfg c = fc(ts[t], ms[i % 4], ks[i], ns[6 - i], seed++);
            c.bias64 = ts[t] == OC_I16 && i % 2;
            c.act = (int)(i % 3) == 2 ? OC_ACT_RELU : 0;
            check(&c);
        }
    qcfg pc = fc(OC_I8, 3, 20, 9, seed++);
    pc.per_channel = true; /* per-channel FC: double multipliers */
    check(&pc);
    for (int mode = 0; mode < 2; mode++) {
        qcfg z = fc(OC_I8, 4, 24, 10, seed++);
        z.wzp = 7; /* asymmetric int8 weights: TFLite honours the zero point */
        z.mode = mode;
        check(&z);
    }
}

/* ---- TRANSPOSE_CONV ---------------------------------------------------------------------- */

static void test_tconv(void **state)
{
    (void)state;
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    unsigned seed = 800;
    for (size_t t = 0; t < 3; t++)
        for (int pad = 0; pad < 2; pad++)
            for (int s = 1; s <= 2; s++) {
                qcfg c = conv(ts[t], 4, 5, 3 + s, 5 + pad, 3, s, pad, seed++);
                c.k = K_TCONV;
                c.bias = pad == 0;
                c.bias64 = ts[t] == OC_I16 && s == 1;
                check(&c);
            }
}

/* ---- rejections -------------------------------------------------------------------------- */

static void expect_reject(qdata *d, const char *needle)
{
    ot_case tc;
    build(&tc, d);
    oc_status st = ot_prepare(&tc);
    if (st != OC_ERROR) fail_msg("expected rejection (%s), got %d", needle, st);
    if (!strstr(tc.err.msg, needle)) fail_msg("'%s' does not mention '%s'", tc.err.msg, needle);
    ot_free(&tc);
}

static void test_reject(void **state)
{
    (void)state;
    qdata d;
    qcfg c = conv(OC_I8, 5, 5, 4, 6, 3, 1, OC_PAD_SAME, 900);
    make(&c, &d);
    for (int i = 0; i < d.qw.count; i++)
        d.qw.zp[i] = 3; /* asymmetric per-channel int8 */
    expect_reject(&d, "symmetric");
    for (int i = 0; i < d.qw.count; i++)
        d.qw.zp[i] = 0;
    d.qw.count = 4; /* wrong number of channel scales */
    expect_reject(&d, "scales");
    d.qw.count = 6;
    d.qx.count = 0; /* unquantized activation */
    expect_reject(&d, "quantization");
    d.qx.count = 1;
    d.wt = OC_U8; /* int8 activations with uint8 weights */
    expect_reject(&d, "weights");
    d.wt = OC_I8;
    d.c.bias64 = true; /* int64 bias is for int16 only */
    expect_reject(&d, "bias");
    d.c.bias64 = false;
    d.c.act = OC_ACT_TANH;
    expect_reject(&d, "activation");
    unmake(&d);

    qcfg s = conv(OC_I16, 5, 5, 4, 6, 1, 1, OC_PAD_VALID, 901);
    make(&s, &d);
    d.qx.zp[0] = 5; /* int16 needs zero point 0 */
    expect_reject(&d, "zero point 0");
    unmake(&d);

    qcfg u = conv(OC_U8, 5, 5, 4, 6, 1, 1, OC_PAD_VALID, 902);
    u.per_channel = true; /* per-channel uint8 weights */
    make(&u, &d);
    expect_reject(&d, "per-channel");
    unmake(&d);
}

/* An int64 bias at the type's limits: TFLite's int64 sums would overflow (undefined); ours wrap,
 * so the run succeeds with the same bytes on 1 and 2 threads, and the sanitizer build sees no
 * signed overflow. */
static void test_bias64_extreme(void **state)
{
    (void)state;
    qdata d;
    qcfg c = conv(OC_I16, 4, 4, 3, 5, 3, 1, OC_PAD_SAME, 903);
    c.bias64 = true;
    make(&c, &d);
    for (int32_t i = 0; i < c.oc; i++)
        ((int64_t *)d.b)[i] = i % 2 ? INT64_MAX : INT64_MIN;
    int16_t first[4 * 4 * 5];
    assert_int_equal(d.nout, 4 * 4 * 5);
    for (int threads = 1; threads <= 2; threads++) {
        ot_case tc;
        build(&tc, &d);
        oc_kernels_force_parallel(threads > 1);
        assert_int_equal(ot_run(&tc, threads), OC_OK);
        oc_kernels_force_parallel(false);
        const oc_tensor *o = ot_out(&tc, 0);
        if (threads == 1)
            memcpy(first, o->data, sizeof first);
        else
            assert_memory_equal(first, o->data, sizeof first);
        ot_free(&tc);
    }
    unmake(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_1x1),    cmocka_unit_test(test_conv_3x3),
        cmocka_unit_test(test_conv_shapes), cmocka_unit_test(test_conv_rules),
        cmocka_unit_test(test_dw),          cmocka_unit_test(test_dw_shapes),
        cmocka_unit_test(test_dw_wide_u8),  cmocka_unit_test(test_fc),
        cmocka_unit_test(test_tconv),       cmocka_unit_test(test_reject),
        cmocka_unit_test(test_bias64_extreme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
