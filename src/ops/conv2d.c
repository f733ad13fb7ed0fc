/* CONV_2D, NHWC. float32: im2col + packed SGEMM (kernels/conv.h). uint8 / int8: the 8-bit
 * implicit GEMM (kernels/qconv.h); int16 x int8: TFLite's reference kernel (kernels/qref.h);
 * quantization rules in ops/conv_quant.h and docs/quantization.md. Constant weights and bias
 * are packed once in prepare; others are packed at every eval. */
#include <string.h>

#include "kernels/conv.h"
#include "kernels/qconv.h"
#include "kernels/qconv_first.h"
#include "kernels/qref.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"
#include "ops/conv_util.h"

typedef struct conv_state {
    oc_conv_plan plan;
    float *packed, *scratch;
    size_t packed_cap, scratch_cap;
    bool packed_at_prepare;
    const void *w_data, *b_data; /* what `packed` was built from */
    float lo, hi;
    /* quantized */
    bool quant, q8;
    oc_qconv q;
    oc_qconv_q qq;
    oc_qconv_plan qplan;
    bool first; /* a first layer's dedicated kernel (qconv_first.h) instead of qplan */
    oc_qfirst_plan fplan;
    uint8_t *qpacked, *qscratch;
    size_t qpacked_cap, qscratch_cap;
} conv_state;

static oc_status conv_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_conv2d_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->padding = oc_fbt_i8(o, 0, OC_PAD_SAME);
    p->stride_w = oc_fbt_i32(o, 1, 0);
    p->stride_h = oc_fbt_i32(o, 2, 0);
    p->activation = oc_fbt_i8(o, 3, OC_ACT_NONE);
    p->dilation_w = oc_fbt_i32(o, 4, 1);
    p->dilation_h = oc_fbt_i32(o, 5, 1);
    op->params = p;
    return OC_OK;
}

static void conv_release(oc_op *op)
{
    conv_state *s = op->state;
    if (!s) return;
    oc_conv_plan_free(&s->plan);
    oc_qconv_plan_free(&s->qplan);
    oc_qconv_free(&s->q);
    oc_aligned_free(s->qpacked);
    oc_aligned_free(s->qscratch);
    oc_aligned_free(s->packed);
    oc_aligned_free(s->scratch);
    free(s);
    op->state = NULL;
}

/* ---- quantized ----------------------------------------------------------------------------- */

static void qpack(conv_state *s, const void *w)
{
    if (s->first)
        oc_qfirst_pack(&s->fplan, w, &s->qq, s->qpacked);
    else
        oc_qconv_pack(&s->qplan, w, &s->qq, s->qpacked);
}

/* uint8 / int8: the first-layer kernel (kernels/qconv_first.h) where it applies, else the 8-bit
 * implicit GEMM (kernels/qconv.h); int16: the reference kernel. */
static oc_status qconv_prepare(oc_ctx *ctx, oc_op *op, conv_state *s, const oc_conv_geom *g,
                               const oc_tensor *in, const oc_tensor *w, const oc_tensor *b,
                               const oc_tensor *out, int act)
{
    OC_TRY(
        oc_qconv_init(ctx, op, OC_QRULE_CONV, OC_QCONV_XNN, in, w, b, out, act, g->oc, 0, &s->q));
    s->plan.g = *g;
    s->q8 = in->dtype != OC_I16;
    if (!s->q8) return OC_OK;
    oc_qconv_q *qq = &s->qq;
    oc_qconv_q_init(qq, &s->q);
    oc_qconv_plan_free(&s->qplan);
    s->first = oc_qfirst_plan_init(&s->fplan, g, qq, oc_qisa_best(ctx->cpu));
    size_t np;
    if (s->first) {
        np = oc_qfirst_packed_bytes(&s->fplan);
    } else {
        if (!oc_qconv_plan_init(&s->qplan, g, qq, oc_qisa_best(ctx->cpu)))
            return oc_op_fail(ctx, op, "convolution too large");
        np = oc_qconv_packed_bytes(&s->qplan);
        if (!np) return oc_op_fail(ctx, op, "filter too large");
        OC_TRY(oc_conv_bytes(ctx, &s->qscratch, &s->qscratch_cap, s->qplan.scratch_bytes));
    }
    OC_TRY(oc_conv_bytes(ctx, &s->qpacked, &s->qpacked_cap, np));
    s->packed_at_prepare = w->is_const && (!b || b->is_const) && w->data && (!b || b->data);
    if (s->packed_at_prepare) {
        qq->bias = b ? b->data : NULL;
        qpack(s, w->data);
    }
    return OC_OK;
}

typedef struct qref_ctx {
    const conv_state *s;
    const void *in, *w, *b;
    void *out;
    size_t rows, per;
} qref_ctx;

static void qref_task(void *arg, size_t t)
{
    const qref_ctx *c = arg;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    oc_qref_conv(&c->s->plan.g, &c->s->q.req, c->in, c->w, c->b, c->out, r0, r1);
}

static oc_status qconv_eval(oc_ctx *ctx, oc_op *op, conv_state *s)
{
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (s->q8) {
        if (!s->packed_at_prepare) {
            s->qq.bias = b ? b->data : NULL;
            qpack(s, w->data);
        }
        if (s->first)
            oc_qfirst_run(&s->fplan, in->data, s->qpacked, &s->qq, out->data, ctx->pool);
        else
            oc_qconv_run(&s->qplan, in->data, s->qpacked, &s->qq, out->data, s->qscratch,
                         ctx->pool);
        return OC_OK;
    }
    const oc_conv_geom *g = &s->plan.g;
    qref_ctx c = {s, in->data, w->data, b ? b->data : NULL, out->data, (size_t)g->n * (size_t)g->oh,
                  0};
    c.per = (c.rows + 15) / 16;
    double macs = (double)oc_tensor_count(out) * g->kh * g->kw * g->ic;
    oc_parallel_for(oc_kernels_parallel_ok(macs, OC_PAR_MIN_DIRECT_MACS) ? ctx->pool : NULL,
                    (c.rows + c.per - 1) / c.per, qref_task, &c);
    return OC_OK;
}

static oc_status conv_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_conv2d_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 2, 3, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    const bool quant = oc_qconv_type(in->dtype);
    OC_TRY(oc_conv_check_common(ctx, op, in, w, out, quant, p->padding, p->stride_w, p->stride_h,
                                p->dilation_w, p->dilation_h));
    const int32_t *id = in->shape.dims, *wd = w->shape.dims;
    if (wd[3] != id[3]) {
        if (wd[3] > 0 && id[3] % wd[3] == 0)
            return oc_op_fail(ctx, op,
                              "grouped convolution (%d input channels, filter depth %d) "
                              "is not supported",
                              id[3], wd[3]);
        return oc_op_fail(ctx, op, "filter depth %d does not match %d input channels", wd[3],
                          id[3]);
    }
    if (wd[0] <= 0 || wd[1] <= 0 || wd[2] <= 0) return oc_op_fail(ctx, op, "empty filter");
    float lo = 0, hi = 0;
    if (!quant) {
        OC_TRY(oc_conv_check_bias(ctx, op, b, wd[0]));
        OC_TRY(oc_act_range_f32(ctx, op, p->activation, &lo, &hi));
    }

    oc_conv_geom g = {.n = id[0],
                      .ih = id[1],
                      .iw = id[2],
                      .ic = id[3],
                      .oc = wd[0],
                      .kh = wd[1],
                      .kw = wd[2],
                      .sh = p->stride_h,
                      .sw = p->stride_w,
                      .dh = p->dilation_h,
                      .dw = p->dilation_w};
    g.oh = oc_conv_out_size(p->padding, g.ih, g.kh, g.sh, g.dh);
    g.ow = oc_conv_out_size(p->padding, g.iw, g.kw, g.sw, g.dw);
    if (g.oh < 0 || g.ow < 0) return oc_op_fail(ctx, op, "invalid output size");
    g.pt = oc_conv_pad(p->padding, g.ih, g.kh, g.sh, g.dh, g.oh);
    g.pl = oc_conv_pad(p->padding, g.iw, g.kw, g.sw, g.dw, g.ow);
    oc_shape os = {4, {g.n, g.oh, g.ow, g.oc}};
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    conv_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->quant = quant;
    if (quant) return qconv_prepare(ctx, op, s, &g, in, w, b, out, p->activation);
    oc_conv_plan old = s->plan;
    old.off = NULL; /* freed below; only geometry and kernel are compared */
    oc_conv_plan_free(&s->plan);
    if (!oc_conv_plan_init(&s->plan, &g, oc_conv_isa(ctx), 0))
        return oc_op_fail(ctx, op, "convolution too large");
    size_t np = oc_conv_packed_floats(&s->plan);
    if (!np) return oc_op_fail(ctx, op, "filter too large");
    s->lo = lo;
    s->hi = hi;
    OC_TRY(oc_conv_buf(ctx, &s->scratch, &s->scratch_cap, oc_conv_scratch_floats(&s->plan)));
    bool same = s->packed_at_prepare && s->w_data == w->data && s->b_data == (b ? b->data : NULL) &&
                old.kr == s->plan.kr && memcmp(&old.g, &g, sizeof g) == 0;
    s->packed_at_prepare = false;
    OC_TRY(oc_conv_buf(ctx, &s->packed, &s->packed_cap, np));
    if (w->is_const && (!b || b->is_const) && w->data && (!b || b->data)) {
        if (!same) oc_conv_pack(&s->plan, w->data, b ? b->data : NULL, s->packed);
        s->packed_at_prepare = true;
        s->w_data = w->data;
        s->b_data = b ? b->data : NULL;
    }
    return OC_OK;
}

static oc_status conv_eval(oc_ctx *ctx, oc_op *op)
{
    conv_state *s = op->state;
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant) return qconv_eval(ctx, op, s);
    if (!s->packed_at_prepare) oc_conv_pack(&s->plan, w->data, b ? b->data : NULL, s->packed);
    oc_conv_run(&s->plan, in->data, s->packed, out->data, s->lo, s->hi, s->scratch, ctx->pool);
    return OC_OK;
}

const oc_op_def oc_op_CONV_2D = {"CONV_2D", 0, conv_parse, conv_prepare, conv_eval, conv_release};
