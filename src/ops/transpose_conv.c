/* TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias, NHWC, weights [OC, KH, KW, IC].
 * float32: a GEMM input x W^T into a column buffer, then per output row the taps are summed
 * from it (kernels/conv.h). TRANSPOSE_CONV on uint8 / int8 / int16 runs TFLite's reference
 * kernel (kernels/qref.h). Semantics of TFLite's reference kernel: input pixel (y, x) feeds
 * output (y*stride - pad + ky, x*stride - pad + kx).
 *   TRANSPOSE_CONV inputs: output_shape (int32 [4]), weights, input, optional bias; padding
 *     from TFLite's ComputePaddingHeightWidth on the output size; optional fused activation.
 *   Convolution2DTransposeBias inputs: input, weights, bias; custom options = 3 little-endian
 *     int32 {padding (1 SAME, 2 VALID), stride_w, stride_h}; output size
 *     stride*(in-1) + k - pad_total, pad_total = SAME ? max(0, k - (in-1)%stride - 1) : 0. */
#include <string.h>

#include "kernels/conv.h"
#include "kernels/qref.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"
#include "ops/conv_util.h"

typedef struct tconv_state {
    oc_tconv_plan plan;
    float *packed, *scratch, *tmp;
    size_t packed_cap, scratch_cap, tmp_cap;
    bool packed_at_prepare;
    const void *w_data;
    float lo, hi;
    bool quant; /* TRANSPOSE_CONV uint8 / int8 / int16: TFLite's reference kernel */
    oc_qconv q;
} tconv_state;

static oc_status tconv_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_tconv_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->padding = oc_fbt_i8(o, 0, OC_PAD_SAME);
    p->stride_w = oc_fbt_i32(o, 1, 0);
    p->stride_h = oc_fbt_i32(o, 2, 0);
    p->activation = oc_fbt_i8(o, 3, OC_ACT_NONE);
    op->params = p;
    return OC_OK;
}

static oc_status tcb_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    if (!op->custom_options || op->custom_options_size < 12)
        return OC_ERRF(err,
                       "Convolution2DTransposeBias: custom options must hold 3 int32 "
                       "(padding, stride_w, stride_h), have %zu bytes",
                       op->custom_options ? op->custom_options_size : (size_t)0);
    oc_tconv_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    int32_t v[3];
    for (int i = 0; i < 3; i++) {
        const uint8_t *b = op->custom_options + 4 * i;
        v[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                         (uint32_t)b[3] << 24);
    }
    /* TfLitePadding: 1 = SAME, 2 = VALID; anything else is rejected in prepare. */
    p->padding = v[0] == 1 ? OC_PAD_SAME : v[0] == 2 ? OC_PAD_VALID : -1;
    p->stride_w = v[1];
    p->stride_h = v[2];
    p->activation = OC_ACT_NONE;
    op->params = p;
    return OC_OK;
}

static void tconv_release(oc_op *op)
{
    tconv_state *s = op->state;
    if (!s) return;
    oc_qconv_free(&s->q);
    oc_aligned_free(s->packed);
    oc_aligned_free(s->scratch);
    oc_aligned_free(s->tmp);
    free(s);
    op->state = NULL;
}

/* Quantized TRANSPOSE_CONV: multipliers as TFLite's PopulateConvolutionQuantizationParams
 * (per-channel weights along axis 0), reference arithmetic (XNNPACK is not emulated here). */
static oc_status qsetup(oc_ctx *ctx, oc_op *op, const oc_conv_geom *g, const oc_tensor *in,
                        const oc_tensor *w, const oc_tensor *b, int act)
{
    oc_tensor *out = oc_out(ctx, op, 0);
    oc_shape os = {4, {g->n, g->oh, g->ow, g->oc}};
    OC_TRY(oc_set_shape(ctx, op, out, &os));
    tconv_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->quant = true;
    s->plan.g = *g;
    return oc_qconv_init(ctx, op, OC_QRULE_CONV, 0, in, w, b, out, act, g->oc, 0, &s->q);
}

typedef struct qref_ctx {
    const tconv_state *s;
    const void *in, *w, *b;
    void *out;
    size_t rows, per;
} qref_ctx;

static void qref_task(void *arg, size_t t)
{
    const qref_ctx *c = arg;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    oc_qref_tconv(&c->s->plan.g, &c->s->q.req, c->in, c->w, c->b, c->out, r0, r1);
}

/* Shared tail of both prepares: geometry known, set up the plan and pack the weights. */
static oc_status setup(oc_ctx *ctx, oc_op *op, const oc_conv_geom *g, const oc_tensor *w,
                       const oc_tensor *b, int act)
{
    float lo, hi;
    OC_TRY(oc_act_range_f32(ctx, op, act, &lo, &hi));
    OC_TRY(oc_conv_check_bias(ctx, op, b, g->oc));
    oc_shape os = {4, {g->n, g->oh, g->ow, g->oc}};
    OC_TRY(oc_set_shape(ctx, op, oc_out(ctx, op, 0), &os));
    tconv_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    oc_tconv_plan old = s->plan;
    if (!oc_tconv_plan_init(&s->plan, g, oc_conv_isa(ctx)))
        return oc_op_fail(ctx, op, "transposed convolution too large");
    size_t np = oc_tconv_packed_floats(&s->plan), ntmp;
    if (!np || !oc_mul_size(s->plan.ncol, (size_t)g->ic ? (size_t)g->ic : 1, &ntmp))
        return oc_op_fail(ctx, op, "filter too large");
    s->lo = lo;
    s->hi = hi;
    OC_TRY(oc_conv_buf(ctx, &s->scratch, &s->scratch_cap, oc_tconv_scratch_floats(&s->plan)));
    OC_TRY(oc_conv_buf(ctx, &s->tmp, &s->tmp_cap, ntmp));
    bool same = s->packed_at_prepare && s->w_data == w->data && old.kr == s->plan.kr &&
                memcmp(&old.g, g, sizeof *g) == 0;
    s->packed_at_prepare = false;
    OC_TRY(oc_conv_buf(ctx, &s->packed, &s->packed_cap, np));
    if (w->is_const && w->data) {
        if (!same) oc_tconv_pack(&s->plan, w->data, s->tmp, s->packed);
        s->packed_at_prepare = true;
        s->w_data = w->data;
    }
    return OC_OK;
}

static oc_status check_common(oc_ctx *ctx, const oc_op *op, const oc_tconv_params *p,
                              const oc_tensor *in, const oc_tensor *w, bool allow_quant)
{
    if (allow_quant && oc_qconv_type(in->dtype)) {
        if (in->shape.rank != 4 || w->shape.rank != 4)
            return oc_op_fail(ctx, op, "input and weights must have rank 4");
    } else {
        OC_TRY(oc_conv_check_f32(ctx, op, in, "input", 4));
        OC_TRY(oc_conv_check_f32(ctx, op, w, "weights", 4));
        OC_TRY(oc_conv_check_f32(ctx, op, oc_out(ctx, op, 0), "output", -1));
    }
    if (p->padding != OC_PAD_SAME && p->padding != OC_PAD_VALID)
        return oc_op_fail(ctx, op, "unknown padding");
    if (p->stride_w <= 0 || p->stride_h <= 0)
        return oc_op_fail(ctx, op, "strides must be positive");
    if (w->shape.dims[0] <= 0 || w->shape.dims[1] <= 0 || w->shape.dims[2] <= 0)
        return oc_op_fail(ctx, op, "empty filter");
    if (w->shape.dims[3] != in->shape.dims[3])
        return oc_op_fail(ctx, op, "weights depth %d does not match %d input channels",
                          w->shape.dims[3], in->shape.dims[3]);
    return OC_OK;
}

static oc_status tconv_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_tconv_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 3, 4, 1));
    oc_tensor *shape = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *in = oc_in(ctx, op, 2);
    oc_tensor *b = oc_in(ctx, op, 3);
    OC_TRY(check_common(ctx, op, p, in, w, true));
    if (shape->dtype != OC_I32 || oc_tensor_count(shape) != 4)
        return oc_op_fail(ctx, op, "output_shape must be 4 int32 values");
    if (!oc_has_data(ctx, shape)) return OC_DYNAMIC;
    const int32_t *os = shape->data;
    const int32_t *id = in->shape.dims, *wd = w->shape.dims;
    if (os[0] != id[0] || os[3] != wd[0] || os[1] < 0 || os[2] < 0)
        return oc_op_fail(ctx, op,
                          "output_shape [%d,%d,%d,%d] does not fit input batch %d and "
                          "%d filters",
                          os[0], os[1], os[2], os[3], id[0], wd[0]);
    oc_conv_geom g = {.n = id[0],
                      .ih = id[1],
                      .iw = id[2],
                      .ic = id[3],
                      .oh = os[1],
                      .ow = os[2],
                      .oc = wd[0],
                      .kh = wd[1],
                      .kw = wd[2],
                      .sh = p->stride_h,
                      .sw = p->stride_w,
                      .dh = 1,
                      .dw = 1};
    /* TFLite: padding as for a conv whose input is this op's output. */
    g.pt = oc_conv_pad(p->padding, g.oh, g.kh, g.sh, 1,
                       oc_conv_out_size(p->padding, g.oh, g.kh, g.sh, 1));
    g.pl = oc_conv_pad(p->padding, g.ow, g.kw, g.sw, 1,
                       oc_conv_out_size(p->padding, g.ow, g.kw, g.sw, 1));
    if (oc_qconv_type(in->dtype)) return qsetup(ctx, op, &g, in, w, b, p->activation);
    return setup(ctx, op, &g, w, b, p->activation);
}

static oc_status tcb_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_tconv_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    OC_TRY(check_common(ctx, op, p, in, w, false));
    const int32_t *id = in->shape.dims, *wd = w->shape.dims;
    if (id[1] <= 0 || id[2] <= 0) return oc_op_fail(ctx, op, "empty input");
    int64_t pad_h = 0, pad_w = 0;
    if (p->padding == OC_PAD_SAME) {
        pad_h = wd[1] - (id[1] - 1) % p->stride_h - 1;
        pad_w = wd[2] - (id[2] - 1) % p->stride_w - 1;
        pad_h = pad_h > 0 ? pad_h : 0;
        pad_w = pad_w > 0 ? pad_w : 0;
    }
    int64_t oh = (int64_t)p->stride_h * (id[1] - 1) + wd[1] - pad_h;
    int64_t ow = (int64_t)p->stride_w * (id[2] - 1) + wd[2] - pad_w;
    if (oh <= 0 || ow <= 0 || oh > INT32_MAX || ow > INT32_MAX)
        return oc_op_fail(ctx, op, "invalid output size");
    oc_conv_geom g = {.n = id[0],
                      .ih = id[1],
                      .iw = id[2],
                      .ic = id[3],
                      .oh = (int32_t)oh,
                      .ow = (int32_t)ow,
                      .oc = wd[0],
                      .kh = wd[1],
                      .kw = wd[2],
                      .sh = p->stride_h,
                      .sw = p->stride_w,
                      .dh = 1,
                      .dw = 1,
                      .pt = (int32_t)(pad_h / 2),
                      .pl = (int32_t)(pad_w / 2)};
    return setup(ctx, op, &g, w, b, OC_ACT_NONE);
}

static oc_status run(oc_ctx *ctx, oc_op *op, const oc_tensor *w, const oc_tensor *in,
                     const oc_tensor *b)
{
    tconv_state *s = op->state;
    oc_tensor *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant) {
        const oc_conv_geom *g = &s->plan.g;
        qref_ctx c = {
            s, in->data, w->data, b ? b->data : NULL, out->data, (size_t)g->n * (size_t)g->oh, 0};
        c.per = (c.rows + 15) / 16;
        double macs = (double)oc_tensor_count(out) * g->kh * g->kw * g->ic;
        oc_parallel_for(oc_kernels_parallel_ok(macs, OC_PAR_MIN_DIRECT_MACS) ? ctx->pool : NULL,
                        (c.rows + c.per - 1) / c.per, qref_task, &c);
        return OC_OK;
    }
    if (!s->packed_at_prepare) oc_tconv_pack(&s->plan, w->data, s->tmp, s->packed);
    oc_tconv_run(&s->plan, in->data, s->packed, b ? b->data : NULL, out->data, s->lo, s->hi,
                 s->scratch, ctx->pool);
    return OC_OK;
}

static oc_status tconv_eval(oc_ctx *ctx, oc_op *op)
{
    return run(ctx, op, oc_in(ctx, op, 1), oc_in(ctx, op, 2), oc_in(ctx, op, 3));
}

static oc_status tcb_eval(oc_ctx *ctx, oc_op *op)
{
    return run(ctx, op, oc_in(ctx, op, 1), oc_in(ctx, op, 0), oc_in(ctx, op, 2));
}

const oc_op_def oc_op_TRANSPOSE_CONV = {"TRANSPOSE_CONV", 0,          tconv_parse,
                                        tconv_prepare,    tconv_eval, tconv_release};
const oc_op_def oc_op_Convolution2DTransposeBias = {
    "Convolution2DTransposeBias", 0, tcb_parse, tcb_prepare, tcb_eval, tconv_release};
