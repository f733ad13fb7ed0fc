/* AVERAGE_POOL_2D and MAX_POOL_2D, NHWC (kernels/pool.h, kernels/qref.h): windows clipped to
 * the image, the average over the valid taps only, fused activation clamp (TFLite reference).
 * uint8 / int8 / int16 pool the raw values (input and output share their quantization), the
 * average rounded as TFLite: (sum +- count/2) / count. */
#include <math.h>

#include "kernels/pool.h"
#include "kernels/qref.h"
#include "ops/binary.h"
#include "ops/conv_params.h"
#include "ops/conv_util.h"

typedef struct pool_state {
    oc_pool_geom g;
    float lo, hi;
    oc_isa isa;
    bool quant;
    oc_dtype t;
    int32_t qlo, qhi;
} pool_state;

static oc_status pool_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_pool2d_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->padding = oc_fbt_i8(o, 0, OC_PAD_SAME);
    p->stride_w = oc_fbt_i32(o, 1, 0);
    p->stride_h = oc_fbt_i32(o, 2, 0);
    p->filter_w = oc_fbt_i32(o, 3, 0);
    p->filter_h = oc_fbt_i32(o, 4, 0);
    p->activation = oc_fbt_i8(o, 5, OC_ACT_NONE);
    op->params = p;
    return OC_OK;
}

static void pool_release(oc_op *op)
{
    free(op->state);
    op->state = NULL;
}

static oc_status pool_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_pool2d_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    const bool quant = in->dtype == OC_U8 || in->dtype == OC_I8 || in->dtype == OC_I16;
    int32_t qlo = 0, qhi = 0;
    if (quant) {
        if (in->shape.rank != 4) return oc_op_fail(ctx, op, "input must have rank 4");
        if (out->dtype != in->dtype)
            return oc_op_fail(ctx, op, "output type %s differs from input type %s",
                              oc_dtype_name(out->dtype), oc_dtype_name(in->dtype));
        float si, so;
        int32_t zi, zo;
        OC_TRY(oc_q_params(ctx, op, in, &si, &zi));
        OC_TRY(oc_q_params(ctx, op, out, &so, &zo));
        /* TFLite pools raw values: input and output share their quantization */
        if (zi != zo || fabsf(si - so) > 1e-6f)
            return oc_op_fail(ctx, op, "input and output quantization differ (%g/%d vs %g/%d)",
                              (double)si, zi, (double)so, zo);
        if (in->dtype == OC_I16 && zi != 0)
            return oc_op_fail(ctx, op, "int16 pooling needs zero point 0");
        OC_TRY(oc_act_range_q(ctx, op, p->activation, out->dtype, so, zo, &qlo, &qhi));
    } else {
        OC_TRY(oc_conv_check_f32(ctx, op, in, "input", 4));
        OC_TRY(oc_conv_check_f32(ctx, op, out, "output", -1));
    }
    if (p->padding != OC_PAD_SAME && p->padding != OC_PAD_VALID)
        return oc_op_fail(ctx, op, "unknown padding %d", p->padding);
    if (p->stride_w <= 0 || p->stride_h <= 0 || p->filter_w <= 0 || p->filter_h <= 0)
        return oc_op_fail(ctx, op, "strides and filter size must be positive");
    float lo = 0, hi = 0;
    if (!quant) OC_TRY(oc_act_range_f32(ctx, op, p->activation, &lo, &hi));
    const int32_t *id = in->shape.dims;
    oc_pool_geom g = {.n = id[0],
                      .ih = id[1],
                      .iw = id[2],
                      .c = id[3],
                      .kh = p->filter_h,
                      .kw = p->filter_w,
                      .sh = p->stride_h,
                      .sw = p->stride_w};
    g.oh = oc_conv_out_size(p->padding, g.ih, g.kh, g.sh, 1);
    g.ow = oc_conv_out_size(p->padding, g.iw, g.kw, g.sw, 1);
    if (g.oh < 0 || g.ow < 0) return oc_op_fail(ctx, op, "invalid output size");
    g.pt = oc_conv_pad(p->padding, g.ih, g.kh, g.sh, 1, g.oh);
    g.pl = oc_conv_pad(p->padding, g.iw, g.kw, g.sw, 1, g.ow);
    oc_shape os = {4, {g.n, g.oh, g.ow, g.c}};
    OC_TRY(oc_set_shape(ctx, op, out, &os));
    pool_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->g = g;
    s->lo = lo;
    s->hi = hi;
    s->isa = oc_conv_isa(ctx);
    s->quant = quant;
    s->t = in->dtype;
    s->qlo = qlo;
    s->qhi = qhi;
    return OC_OK;
}

typedef struct qpool_ctx {
    const pool_state *s;
    oc_pool_kind kind;
    const void *in;
    void *out;
    size_t rows, per;
} qpool_ctx;

static void qpool_task(void *arg, size_t t)
{
    const qpool_ctx *c = arg;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    oc_qpool_rows_fn fn = NULL;
    if (c->s->isa >= OC_ISA_AVX2 && c->s->t != OC_I16) fn = oc_qpool_rows_avx2();
    if (!fn) fn = oc_qref_pool;
    fn(c->kind, &c->s->g, c->s->t, c->in, c->out, c->s->qlo, c->s->qhi, r0, r1);
}

static oc_status eval_kind(oc_ctx *ctx, oc_op *op, oc_pool_kind kind)
{
    const pool_state *s = op->state;
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant) { /* integer pooling (exact on every path) */
        qpool_ctx c = {s, kind, in->data, out->data, (size_t)s->g.n * (size_t)s->g.oh, 0};
        c.per = (c.rows + 15) / 16;
        double taps = (double)oc_tensor_count(out) * s->g.kh * s->g.kw;
        oc_parallel_for(oc_kernels_parallel_ok(taps, OC_PAR_MIN_DIRECT_MACS) ? ctx->pool : NULL,
                        (c.rows + c.per - 1) / c.per, qpool_task, &c);
        return OC_OK;
    }
    oc_pool_run(s->isa, kind, &s->g, in->data, out->data, s->lo, s->hi, ctx->pool);
    return OC_OK;
}

static oc_status avg_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_kind(ctx, op, OC_POOL_AVG);
}

static oc_status max_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_kind(ctx, op, OC_POOL_MAX);
}

const oc_op_def oc_op_AVERAGE_POOL_2D = {"AVERAGE_POOL_2D", 0,        pool_parse,
                                         pool_prepare,      avg_eval, pool_release};
const oc_op_def oc_op_MAX_POOL_2D = {"MAX_POOL_2D", 0,        pool_parse,
                                     pool_prepare,  max_eval, pool_release};
