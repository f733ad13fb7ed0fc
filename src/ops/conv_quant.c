/* Quantized parameters of the convolution-family ops (see conv_quant.h). */
#include "ops/conv_quant.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixedpoint.h"
#include "ops/binary.h"

static atomic_int g_force_mode = -1;

void oc_qconv_force_mode(int mode)
{
    atomic_store(&g_force_mode, mode);
}

void oc_qconv_free(oc_qconv *q)
{
    free(q->mult);
    free(q->shift);
    free(q->fscale);
    memset(q, 0, sizeof *q);
}

static const char *tname(const oc_tensor *t)
{
    return t->name ? t->name : "?";
}

/* Per-tensor scale and zero point of an activation; int16 needs zero point 0. */
static oc_status act_params(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, float *scale,
                            int32_t *zp)
{
    OC_TRY(oc_q_params(ctx, op, t, scale, zp));
    if (t->dtype == OC_I16 && *zp != 0)
        return oc_op_fail(ctx, op, "int16 tensor '%s' must have zero point 0, has %d", tname(t),
                          *zp);
    return OC_OK;
}

/* Filter scales: one, or nch along w_axis; all finite and >= 0. Zero points: one value, equal
 * on every channel, inside the filter type; int8 per-channel and int8 conv weights must be
 * symmetric. */
static oc_status filter_params(oc_ctx *ctx, const oc_op *op, oc_qconv_rule rule, const oc_tensor *w,
                               int32_t nch, int32_t w_axis, int32_t *zp)
{
    const oc_qparams *q = &w->q;
    if (q->count < 1 || !q->scale || !q->zero_point)
        return oc_op_fail(ctx, op, "%s filter '%s' is not quantized", oc_dtype_name(w->dtype),
                          tname(w));
    if (q->count > 1) {
        if (w->dtype != OC_I8)
            return oc_op_fail(ctx, op, "per-channel quantization needs int8 weights, '%s' is %s",
                              tname(w), oc_dtype_name(w->dtype));
        if (q->count != nch || q->axis != w_axis)
            return oc_op_fail(ctx, op,
                              "filter '%s' has %d scales on axis %d; expected 1, or %d on axis %d",
                              tname(w), q->count, q->axis, nch, w_axis);
    }
    for (int32_t i = 0; i < q->count; i++) {
        if (!(q->scale[i] >= 0.f) || !isfinite(q->scale[i]))
            return oc_op_fail(ctx, op, "filter '%s' has invalid scale %g", tname(w),
                              (double)q->scale[i]);
        if (q->zero_point[i] != q->zero_point[0])
            return oc_op_fail(ctx, op, "filter '%s' has different zero points per channel",
                              tname(w));
    }
    int64_t z = q->zero_point[0];
    int32_t lo, hi;
    oc_qtype_range(w->dtype, &lo, &hi);
    if (z < lo || z > hi)
        return oc_op_fail(ctx, op, "filter '%s' zero point %lld is outside the %s range", tname(w),
                          (long long)z, oc_dtype_name(w->dtype));
    bool symmetric_needed =
        w->dtype == OC_I16 || (w->dtype == OC_I8 && (q->count > 1 || rule == OC_QRULE_CONV));
    if (symmetric_needed && z != 0)
        return oc_op_fail(ctx, op, "%s filter '%s' must be symmetric (zero point %lld)",
                          oc_dtype_name(w->dtype), tname(w), (long long)z);
    *zp = (int32_t)z;
    return OC_OK;
}

/* XNNPACK's quantization of a float clamp bound (xnn_qu8_quantize / xnn_qs8_quantize). */
static int32_t xnn_quantize(float v, float scale, int32_t zp, oc_dtype t)
{
    int32_t lo, hi;
    oc_qtype_range(t, &lo, &hi);
    float q = v / scale + (float)zp;
    q = fminf(fmaxf(q, (float)lo), (float)hi);
    return (int32_t)lrintf(q);
}

/* The clamp XNNPACK derives from a fused activation (TFLite's delegate passes the float
 * range: NONE (-inf, inf), RELU [0, inf), RELU_N1_TO_1 [-1, 1], RELU6 [0, 6]). */
static void xnn_act_range(int act, float scale, int32_t zp, oc_dtype t, int32_t *lo, int32_t *hi)
{
    float l = -INFINITY, h = INFINITY;
    if (act == OC_ACT_RELU) l = 0.f;
    if (act == OC_ACT_RELU6) l = 0.f, h = 6.f;
    if (act == OC_ACT_RELU_N1_TO_1) l = -1.f, h = 1.f;
    *lo = xnn_quantize(l, scale, zp, t);
    *hi = xnn_quantize(h, scale, zp, t);
}

oc_status oc_qconv_init(oc_ctx *ctx, const oc_op *op, oc_qconv_rule rule, unsigned flags,
                        const oc_tensor *in, const oc_tensor *w, const oc_tensor *bias,
                        const oc_tensor *out, int act, int32_t nch, int32_t w_axis, oc_qconv *q)
{
    oc_qconv_free(q);
    const oc_dtype it = in->dtype;
    if (!oc_qconv_type(it))
        return oc_op_fail(ctx, op, "input has type %s; supported: FLOAT32, UINT8, INT8, INT16",
                          oc_dtype_name(it));
    if (out->dtype != it)
        return oc_op_fail(ctx, op, "output type %s differs from input type %s",
                          oc_dtype_name(out->dtype), oc_dtype_name(it));
    oc_dtype want_w = rule == OC_QRULE_BMM ? it : it == OC_U8 ? OC_U8 : OC_I8;
    if (w->dtype != want_w)
        return oc_op_fail(ctx, op, "%s activations need %s weights, '%s' is %s", oc_dtype_name(it),
                          oc_dtype_name(want_w), tname(w), oc_dtype_name(w->dtype));
    if (nch <= 0) return oc_op_fail(ctx, op, "no output channels");
    float s_in, s_out, s_w;
    int32_t z_in, z_out, z_w;
    OC_TRY(act_params(ctx, op, in, &s_in, &z_in));
    OC_TRY(act_params(ctx, op, out, &s_out, &z_out));
    if (rule == OC_QRULE_BMM) {
        OC_TRY(act_params(ctx, op, w, &s_w, &z_w));
    } else {
        OC_TRY(filter_params(ctx, op, rule, w, nch, w_axis, &z_w));
        s_w = w->q.scale[0];
    }
    if (bias) {
        bool ok = bias->dtype == OC_I32 || (bias->dtype == OC_I64 && it == OC_I16);
        if (!ok)
            return oc_op_fail(ctx, op, "bias has type %s; %s activations need INT32%s",
                              oc_dtype_name(bias->dtype), oc_dtype_name(it),
                              it == OC_I16 ? " or INT64" : "");
        if (oc_tensor_count(bias) != nch)
            return oc_op_fail(ctx, op, "bias has %lld elements, expected %d",
                              (long long)oc_tensor_count(bias), nch);
    }
    int32_t lo, hi;
    OC_TRY(oc_act_range_q(ctx, op, act, out->dtype, s_out, z_out, &lo, &hi));

    q->mult = malloc((size_t)nch * sizeof *q->mult);
    q->shift = malloc((size_t)nch * sizeof *q->shift);
    q->fscale = malloc((size_t)nch * sizeof *q->fscale);
    if (!q->mult || !q->shift || !q->fscale) {
        oc_qconv_free(q);
        return OC_NOMEMF(ctx->err);
    }
    q->nch = nch;
    q->in_scale = s_in;
    q->w_scale0 = s_w;
    q->out_scale = s_out;
    const bool per_channel = rule != OC_QRULE_BMM && w->q.count > 1;
    /* where TFLite multiplies the two scales in float before going to double */
    const bool float_product =
        it == OC_U8 || rule == OC_QRULE_BMM || (rule == OC_QRULE_FC && !per_channel);
    const bool acc64 = it == OC_I16 && (!bias || bias->dtype == OC_I64);
    /* the fp32 rule where XNNPACK would run the op (see the header) */
    bool xnn = (flags & OC_QCONV_XNN) && it != OC_I16 && w->is_const && (!bias || bias->is_const) &&
               (w->dtype == OC_U8 || z_w == 0);
    for (int32_t c = 0; c < nch; c++) {
        float ws = per_channel ? w->q.scale[c] : s_w;
        q->fscale[c] = s_in * ws / s_out;
        if (!(q->fscale[c] >= 0x1p-32f && q->fscale[c] < 256.f)) xnn = false;
    }
    int force = atomic_load(&g_force_mode);
    if (force >= 0 && it != OC_I16 && (flags & OC_QCONV_XNN)) xnn = force == OC_QREQ_FP32;
    if (xnn) xnn_act_range(act, s_out, z_out, out->dtype, &lo, &hi);
    for (int32_t c = 0; c < nch; c++) {
        float ws = per_channel ? w->q.scale[c] : s_w;
        double real = float_product ? (double)(s_in * ws) / (double)s_out
                                    : (double)s_in * (double)ws / (double)s_out;
        int32_t m;
        int sh;
        oc_quantize_multiplier(real, &m, &sh);
        /* the rounding shifts must stay inside the accumulator (TFLite DCHECKs these) */
        if (sh > (acc64 ? 14 : 30)) {
            oc_qconv_free(q);
            return oc_op_fail(ctx, op, "output multiplier %g is too large", real);
        }
        q->mult[c] = m;
        q->shift[c] = sh;
    }
    q->req = (oc_qreq){.in_t = it,
                       .w_t = w->dtype,
                       .out_t = out->dtype,
                       .bias_t = bias ? bias->dtype : OC_F32,
                       .in_zp = z_in,
                       .w_zp = z_w,
                       .out_zp = z_out,
                       .lo = lo,
                       .hi = hi,
                       .acc64 = acc64,
                       .mode = xnn ? OC_QREQ_FP32 : OC_QREQ_FIXED,
                       .mult = q->mult,
                       .shift = q->shift,
                       .fscale = q->fscale};
    return OC_OK;
}

void oc_qconv_q_init(oc_qconv_q *qq, const oc_qconv *q)
{
    const oc_qreq *r = &q->req;
    *qq = (oc_qconv_q){.act_i8 = r->in_t == OC_I8,
                       .w_u8 = r->w_t == OC_U8,
                       .za = r->in_zp,
                       .zw = r->w_zp,
                       .ep = {.out_zp = r->out_zp,
                              .lo = r->lo,
                              .hi = r->hi,
                              .flo = (float)(r->lo - r->out_zp),
                              .fhi = (float)(r->hi - r->out_zp),
                              .a_xor = r->in_t == OC_I8 ? 0x80808080u : 0,
                              .mode = r->mode,
                              .out_u8 = r->out_t == OC_U8},
                       .mult = r->mult,
                       .shift = r->shift,
                       .scale = r->fscale};
    qq->ep.fast = oc_qgemm_fast_ok(r->mode, r->fscale, (size_t)q->nch);
}
