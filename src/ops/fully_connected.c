/* FULLY_CONNECTED: output[M, N] = input[M, K] x weights[N, K]^T + bias, on the packed SGEMM
 * (float32; GEMV when M = 1) or the 8-bit GEMM (uint8 / int8, kernels/qconv.h); int16 x int8
 * runs TFLite's reference kernel. M = input elements / K; keep_num_dims keeps the input's
 * leading dims. Constant weights are packed once in prepare. */
#include <string.h>

#include "kernels/qconv.h"
#include "kernels/qref.h"
#include "kernels/sgemm.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"
#include "ops/conv_util.h"

typedef struct fc_state {
    const oc_sgemm_kernel *kr;
    oc_sgemm_plan plan;
    float *packed;
    size_t packed_cap;
    bool packed_at_prepare;
    const void *w_data, *b_data;
    size_t n, k;
    float lo, hi;
    bool quant, q8;
    oc_qconv q;
    oc_qconv_q qq;
    oc_qfc_plan qplan;
    uint8_t *qpacked, *qscratch;
    size_t qpacked_cap, qscratch_cap;
    size_t m;
} fc_state;

static oc_status fc_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_fc_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->activation = oc_fbt_i8(o, 0, OC_ACT_NONE);
    p->weights_format = oc_fbt_i8(o, 1, 0);
    p->keep_num_dims = oc_fbt_bool(o, 2, false);
    op->params = p;
    return OC_OK;
}

static void fc_release(oc_op *op)
{
    fc_state *s = op->state;
    if (!s) return;
    oc_qconv_free(&s->q);
    oc_qfc_plan_free(&s->qplan);
    oc_aligned_free(s->qpacked);
    oc_aligned_free(s->qscratch);
    oc_aligned_free(s->packed);
    free(s);
    op->state = NULL;
}

/* uint8 / int8: the 8-bit GEMM (kernels/qconv.h); int16: the reference kernel. */
static oc_status qfc_prepare(oc_ctx *ctx, oc_op *op, fc_state *s, size_t m, const oc_tensor *in,
                             const oc_tensor *w, const oc_tensor *b, const oc_tensor *out, int act)
{
    s->m = m;
    s->n = (size_t)w->shape.dims[0];
    s->k = (size_t)w->shape.dims[1];
    OC_TRY(oc_qconv_init(ctx, op, OC_QRULE_FC, OC_QCONV_XNN, in, w, b, out, act, w->shape.dims[0],
                         0, &s->q));
    s->q8 = in->dtype != OC_I16;
    if (!s->q8) return OC_OK;
    oc_qconv_q_init(&s->qq, &s->q);
    oc_qfc_plan_free(&s->qplan);
    if (!oc_qfc_plan_init(&s->qplan, m, s->n, s->k, &s->qq, oc_qisa_best(ctx->cpu)))
        return oc_op_fail(ctx, op, "fully connected too large");
    size_t np = oc_qfc_packed_bytes(&s->qplan);
    if (!np) return oc_op_fail(ctx, op, "weights too large");
    OC_TRY(oc_conv_bytes(ctx, &s->qscratch, &s->qscratch_cap, s->qplan.scratch_bytes));
    OC_TRY(oc_conv_bytes(ctx, &s->qpacked, &s->qpacked_cap, np));
    s->packed_at_prepare = w->is_const && (!b || b->is_const) && w->data && (!b || b->data);
    if (s->packed_at_prepare) {
        s->qq.bias = b ? b->data : NULL;
        oc_qfc_pack(&s->qplan, w->data, &s->qq, s->qpacked);
    }
    return OC_OK;
}

static oc_status fc_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_fc_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 2, 3, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    const bool quant = oc_qconv_type(in->dtype);
    if (quant) {
        if (w->shape.rank != 2) return oc_op_fail(ctx, op, "weights must have rank 2");
    } else {
        OC_TRY(oc_conv_check_f32(ctx, op, in, "input", -1));
        OC_TRY(oc_conv_check_f32(ctx, op, w, "weights", 2));
        OC_TRY(oc_conv_check_f32(ctx, op, out, "output", -1));
    }
    if (p->weights_format != 0)
        return oc_op_fail(ctx, op, "weights format %d is not supported", p->weights_format);
    int32_t n = w->shape.dims[0], k = w->shape.dims[1];
    if (k <= 0) return oc_op_fail(ctx, op, "weights have no input dimension");
    if (!quant) OC_TRY(oc_conv_check_bias(ctx, op, b, n));
    int64_t count = oc_tensor_count(in);
    if (in->shape.rank < 1 || count % k != 0)
        return oc_op_fail(ctx, op, "input of %lld elements is not a multiple of %d",
                          (long long)count, k);
    int64_t m = count / k;
    float lo = 0, hi = 0;
    if (!quant) OC_TRY(oc_act_range_f32(ctx, op, p->activation, &lo, &hi));
    oc_shape os;
    if (p->keep_num_dims) {
        if (in->shape.dims[in->shape.rank - 1] != k)
            return oc_op_fail(ctx, op, "keep_num_dims needs input depth %d, has %d", k,
                              in->shape.dims[in->shape.rank - 1]);
        os = in->shape;
        os.dims[os.rank - 1] = n;
    } else {
        if (m > INT32_MAX) return oc_op_fail(ctx, op, "input too large");
        os.rank = 2;
        os.dims[0] = (int32_t)m;
        os.dims[1] = n;
    }
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    fc_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->quant = quant;
    if (quant) return qfc_prepare(ctx, op, s, (size_t)m, in, w, b, out, p->activation);
    const oc_sgemm_kernel *old_kr = s->kr;
    size_t old_n = s->n, old_k = s->k;
    s->kr = oc_sgemm_kernel_select(oc_conv_isa(ctx), (size_t)n);
    s->n = (size_t)n;
    s->k = (size_t)k;
    s->lo = lo;
    s->hi = hi;
    oc_sgemm_plan_init(&s->plan, s->kr, (size_t)m, (size_t)n, (size_t)k, false, 0);
    size_t np = oc_sgemm_packed_floats(s->kr, (size_t)n, (size_t)k);
    if (!np && n > 0) return oc_op_fail(ctx, op, "weights too large");
    bool same = s->packed_at_prepare && s->w_data == w->data && s->b_data == (b ? b->data : NULL) &&
                old_kr == s->kr && old_n == s->n && old_k == s->k;
    s->packed_at_prepare = false;
    OC_TRY(oc_conv_buf(ctx, &s->packed, &s->packed_cap, np));
    if (w->is_const && (!b || b->is_const) && w->data && (!b || b->data)) {
        if (!same)
            oc_sgemm_pack(s->kr, s->n, s->k, w->data, s->k, 1, b ? b->data : NULL, s->packed);
        s->packed_at_prepare = true;
        s->w_data = w->data;
        s->b_data = b ? b->data : NULL;
    }
    return OC_OK;
}

static oc_status fc_eval(oc_ctx *ctx, oc_op *op)
{
    fc_state *s = op->state;
    oc_tensor *in = oc_in(ctx, op, 0), *w = oc_in(ctx, op, 1), *b = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant && s->q8) {
        if (!s->packed_at_prepare) {
            s->qq.bias = b ? b->data : NULL;
            oc_qfc_pack(&s->qplan, w->data, &s->qq, s->qpacked);
        }
        oc_qfc_run(&s->qplan, in->data, s->qpacked, &s->qq, out->data, s->qscratch, ctx->pool);
        return OC_OK;
    }
    if (s->quant) { /* int16: a 1x1 convolution of M pixels */
        oc_conv_geom g = {.n = (int32_t)s->m,
                          .ih = 1,
                          .iw = 1,
                          .ic = (int32_t)s->k,
                          .oh = 1,
                          .ow = 1,
                          .oc = (int32_t)s->n,
                          .kh = 1,
                          .kw = 1,
                          .sh = 1,
                          .sw = 1,
                          .dh = 1,
                          .dw = 1};
        oc_qref_conv(&g, &s->q.req, in->data, w->data, b ? b->data : NULL, out->data, 0, s->m);
        return OC_OK;
    }
    if (!s->packed_at_prepare)
        oc_sgemm_pack(s->kr, s->n, s->k, w->data, s->k, 1, b ? b->data : NULL, s->packed);
    oc_sgemm_args args = {.a = in->data,
                          .lda = s->k,
                          .packed = s->packed,
                          .c = out->data,
                          .ldc = s->n,
                          .lo = s->lo,
                          .hi = s->hi};
    oc_sgemm_run(&s->plan, &args, ctx->pool);
    return OC_OK;
}

const oc_op_def oc_op_FULLY_CONNECTED = {"FULLY_CONNECTED", 0,       fc_parse,
                                         fc_prepare,        fc_eval, fc_release};
