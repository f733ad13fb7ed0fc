/* DEPTHWISE_CONV_2D, NHWC: direct kernels vectorized over channels, float32
 * (kernels/dwconv.h) and uint8 / int8 (kernels/qdwconv.h); int16 x int8 runs TFLite's
 * reference kernel (kernels/qref.h). Output channel c reads input channel c / depth_multiplier;
 * the multiplier comes from the shapes (filter [1, KH, KW, IC*dm]). */
#include <string.h>

#include "kernels/dwconv.h"
#include "kernels/qdwconv.h"
#include "kernels/qref.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"
#include "ops/conv_util.h"

typedef struct dw_state {
    oc_dw_plan plan;
    float *packed;
    size_t packed_cap;
    bool packed_at_prepare;
    const void *w_data, *b_data;
    float lo, hi;
    bool quant, q8;
    oc_qconv q;
    oc_qdw_plan qplan;
    int32_t *qpacked;
    size_t qpacked_cap;
} dw_state;

static oc_status dw_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_dwconv2d_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->padding = oc_fbt_i8(o, 0, OC_PAD_SAME);
    p->stride_w = oc_fbt_i32(o, 1, 0);
    p->stride_h = oc_fbt_i32(o, 2, 0);
    p->depth_multiplier = oc_fbt_i32(o, 3, 0);
    p->activation = oc_fbt_i8(o, 4, OC_ACT_NONE);
    p->dilation_w = oc_fbt_i32(o, 5, 1);
    p->dilation_h = oc_fbt_i32(o, 6, 1);
    op->params = p;
    return OC_OK;
}

static void dw_release(oc_op *op)
{
    dw_state *s = op->state;
    if (!s) return;
    oc_qconv_free(&s->q);
    oc_qdw_plan_free(&s->qplan);
    oc_aligned_free(s->qpacked);
    oc_aligned_free(s->packed);
    free(s);
    op->state = NULL;
}

/* uint8 / int8: the vectorized kernel (kernels/qdwconv.h); int16: the reference kernel. */
static oc_status qdw_prepare(oc_ctx *ctx, oc_op *op, dw_state *s, const oc_dw_geom *g,
                             const oc_tensor *in, const oc_tensor *w, const oc_tensor *b,
                             const oc_tensor *out, int act)
{
    OC_TRY(
        oc_qconv_init(ctx, op, OC_QRULE_CONV, OC_QCONV_XNN, in, w, b, out, act, g->oc, 3, &s->q));
    s->plan.g = *g;
    s->q8 = in->dtype != OC_I16;
    if (!s->q8) return OC_OK;
    oc_qconv_q qq;
    oc_qconv_q_init(&qq, &s->q);
    oc_qdw_plan_free(&s->qplan);
    if (!oc_qdw_plan_init(&s->qplan, g, oc_qisa_best(ctx->cpu), qq.act_i8, qq.za, &qq.ep))
        return OC_NOMEMF(ctx->err);
    size_t words = oc_qdw_packed_words(&s->qplan), bytes;
    if (!words || !oc_mul_size(words, sizeof(int32_t), &bytes))
        return oc_op_fail(ctx, op, "filter too large");
    uint8_t *buf = (uint8_t *)s->qpacked;
    size_t cap = s->qpacked_cap;
    OC_TRY(oc_conv_bytes(ctx, &buf, &cap, bytes));
    s->qpacked = (int32_t *)(void *)buf;
    s->qpacked_cap = cap;
    s->packed_at_prepare = w->is_const && (!b || b->is_const) && w->data && (!b || b->data);
    if (s->packed_at_prepare)
        oc_qdw_pack(&s->qplan, w->data, qq.w_u8, qq.zw, b ? b->data : NULL, qq.mult, qq.shift,
                    qq.scale, s->qpacked);
    return OC_OK;
}

static oc_status dw_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_dwconv2d_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 2, 3, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    const bool quant = oc_qconv_type(in->dtype);
    OC_TRY(oc_conv_check_common(ctx, op, in, w, out, quant, p->padding, p->stride_w, p->stride_h,
                                p->dilation_w, p->dilation_h));
    const int32_t *id = in->shape.dims, *wd = w->shape.dims;
    if (wd[0] != 1) return oc_op_fail(ctx, op, "filter must be [1, KH, KW, C], dim 0 is %d", wd[0]);
    if (wd[1] <= 0 || wd[2] <= 0 || wd[3] <= 0) return oc_op_fail(ctx, op, "empty filter");
    if (id[3] <= 0 || wd[3] % id[3] != 0)
        return oc_op_fail(ctx, op, "filter channels %d are not a multiple of input channels %d",
                          wd[3], id[3]);
    float lo = 0, hi = 0;
    if (!quant) {
        OC_TRY(oc_conv_check_bias(ctx, op, b, wd[3]));
        OC_TRY(oc_act_range_f32(ctx, op, p->activation, &lo, &hi));
    }

    oc_dw_geom g = {.n = id[0],
                    .ih = id[1],
                    .iw = id[2],
                    .ic = id[3],
                    .oc = wd[3],
                    .kh = wd[1],
                    .kw = wd[2],
                    .sh = p->stride_h,
                    .sw = p->stride_w,
                    .dh = p->dilation_h,
                    .dw = p->dilation_w,
                    .dm = wd[3] / id[3]};
    g.oh = oc_conv_out_size(p->padding, g.ih, g.kh, g.sh, g.dh);
    g.ow = oc_conv_out_size(p->padding, g.iw, g.kw, g.sw, g.dw);
    if (g.oh < 0 || g.ow < 0) return oc_op_fail(ctx, op, "invalid output size");
    g.pt = oc_conv_pad(p->padding, g.ih, g.kh, g.sh, g.dh, g.oh);
    g.pl = oc_conv_pad(p->padding, g.iw, g.kw, g.sw, g.dw, g.ow);
    oc_shape os = {4, {g.n, g.oh, g.ow, g.oc}};
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    dw_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->quant = quant;
    if (quant) return qdw_prepare(ctx, op, s, &g, in, w, b, out, p->activation);
    oc_dw_plan old = s->plan;
    oc_dw_plan_init(&s->plan, &g, oc_conv_isa(ctx));
    size_t np = oc_dw_packed_floats(&s->plan);
    if (!np) return oc_op_fail(ctx, op, "filter too large");
    s->lo = lo;
    s->hi = hi;
    bool same = s->packed_at_prepare && s->w_data == w->data && s->b_data == (b ? b->data : NULL) &&
                memcmp(&old.g, &g, sizeof g) == 0;
    s->packed_at_prepare = false;
    OC_TRY(oc_conv_buf(ctx, &s->packed, &s->packed_cap, np));
    if (w->is_const && (!b || b->is_const) && w->data && (!b || b->data)) {
        if (!same) oc_dw_pack(&s->plan, w->data, b ? b->data : NULL, s->packed);
        s->packed_at_prepare = true;
        s->w_data = w->data;
        s->b_data = b ? b->data : NULL;
    }
    return OC_OK;
}

typedef struct qref_ctx {
    const dw_state *s;
    const void *in, *w, *b;
    void *out;
    size_t rows, per;
} qref_ctx;

static void qref_task(void *arg, size_t t)
{
    const qref_ctx *c = arg;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    oc_qref_dwconv(&c->s->plan.g, &c->s->q.req, c->in, c->w, c->b, c->out, r0, r1);
}

static oc_status qdw_eval(oc_ctx *ctx, oc_op *op, dw_state *s)
{
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (s->q8) {
        if (!s->packed_at_prepare) {
            const oc_qreq *r = &s->q.req;
            oc_qdw_pack(&s->qplan, w->data, r->w_t == OC_U8, r->w_zp, b ? b->data : NULL, r->mult,
                        r->shift, r->fscale, s->qpacked);
        }
        oc_qdw_run(&s->qplan, in->data, s->qpacked, out->data, ctx->pool);
        return OC_OK;
    }
    const oc_dw_geom *g = &s->plan.g;
    qref_ctx c = {s, in->data, w->data, b ? b->data : NULL, out->data, (size_t)g->n * (size_t)g->oh,
                  0};
    c.per = (c.rows + 15) / 16;
    oc_parallel_for(ctx->pool, (c.rows + c.per - 1) / c.per, qref_task, &c);
    return OC_OK;
}

static oc_status dw_eval(oc_ctx *ctx, oc_op *op)
{
    dw_state *s = op->state;
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant) return qdw_eval(ctx, op, s);
    if (!s->packed_at_prepare) oc_dw_pack(&s->plan, w->data, b ? b->data : NULL, s->packed);
    oc_dw_run(&s->plan, in->data, s->packed, out->data, s->lo, s->hi, ctx->pool);
    return OC_OK;
}

const oc_op_def oc_op_DEPTHWISE_CONV_2D = {"DEPTHWISE_CONV_2D", 0,       dw_parse,
                                           dw_prepare,          dw_eval, dw_release};
