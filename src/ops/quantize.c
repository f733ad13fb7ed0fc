/* QUANTIZE, bit-exact with TFLite as it runs by default: its kernels
 * (tensorflow/lite/kernels/quantize.cc) and, for the 8-bit cases its XNNPACK delegate takes,
 * XNNPACK's (checked against tfjs-tflite on single-op models):
 * - float32 -> int8/uint8 per-tensor (XNNPACK f32-qs8-vcvt): q = round_half_even(x * (1 / s))
 *   + zp, clamped; NaN gives zp;
 * - float32 -> int16 (TFLite's optimized AffineQuantize): q = round_half_away(x / (double)s)
 *   + zp, clamped;
 * - float32 -> per-channel (TFLite's PerChannelQuantize): q = roundf(x / s[c]) + zp[c] in float;
 * - int8 -> int8 and uint8 -> uint8 with s_in / s_out in [2^-8, 2^7] (XNNPACK qs8-vcvt):
 *   q = (bias + x * m) >> 8 with m = lrintf(256 * s_in / s_out) and
 *   bias = (zp_out << 8) - m * zp_in + 128, clamped;
 * - other requantizations (int8 <-> uint8, int16 -> int8/int16/int32, int32 -> int8/int16,
 *   int8 -> int16, and 8-bit ratios outside XNNPACK's range), TFLite's Requantize:
 *   q = (x - zp_in) * (s_in / s_out) in fixed point (multiplier and shift from the double
 *   ratio) + zp_out, clamped. int16 -> int16 needs zero points 0. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/fixedpoint.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

typedef struct quant_state {
    oc_dtype in_t, out_t;
    int32_t out_min, out_max;
    /* float input: one (scale, zp) per channel; channel of element i is (i / inner) % nch */
    const float *scale;
    const int64_t *zp;
    int64_t inner, nch;
    int mode;
    float inv_scale; /* Q_F_XNN */
    /* requantize */
    int32_t in_zp, out_zp, mult, bias;
    int shift;
} quant_state;

enum { Q_F_PER_CHANNEL, Q_F_XNN, Q_F_I16, Q_REQ, Q_REQ_XNN };

typedef struct quant_job {
    const quant_state *s;
    const void *in;
    void *out;
} quant_job;

static inline int32_t quantize1(float x, float scale, int32_t zp, const quant_state *s)
{
    float r = roundf(x / scale);
    int64_t v;
    if (r != r)
        v = INT64_MIN / 2;
    else
        v = r > 4e9f ? (int64_t)4e9 : r < -4e9f ? (int64_t)-4e9 : (int64_t)r;
    v += zp;
    return (int32_t)(v < s->out_min ? s->out_min : v > s->out_max ? s->out_max : v);
}

static inline void store(void *out, oc_dtype t, int64_t i, int32_t v)
{
    switch (t) {
    case OC_U8: ((uint8_t *)out)[i] = (uint8_t)v; break;
    case OC_I8: ((int8_t *)out)[i] = (int8_t)v; break;
    case OC_I16: ((int16_t *)out)[i] = (int16_t)v; break;
    default: ((int32_t *)out)[i] = v; break;
    }
}

static inline int32_t load(const void *in, oc_dtype t, int64_t i)
{
    switch (t) {
    case OC_U8: return ((const uint8_t *)in)[i];
    case OC_I8: return ((const int8_t *)in)[i];
    case OC_I16: return ((const int16_t *)in)[i];
    default: return ((const int32_t *)in)[i];
    }
}

static inline int32_t clamp_out(int64_t v, const quant_state *s)
{
    return (int32_t)(v < s->out_min ? s->out_min : v > s->out_max ? s->out_max : v);
}

/* XNNPACK: x * (1 / s) rounded half to even, saturated, plus the zero point. */
static inline int32_t quantize_xnn(float x, const quant_state *s)
{
    float f = x * s->inv_scale;
    if (f != f) return clamp_out(s->out_zp, s);
    f = fminf(fmaxf(f, -65536.f), 65536.f);
    return clamp_out((int64_t)lrintf(f) + s->out_zp, s);
}

/* TFLite's int16 AffineQuantize: the division in double, std::round. */
static inline int32_t quantize_i16(float x, const quant_state *s)
{
    double d = round((double)x / (double)s->scale[0]);
    if (d != d) return s->out_min;
    d = fmin(fmax(d, -4e9), 4e9);
    return clamp_out((int64_t)d + s->out_zp, s);
}

static void quant_range(void *arg, int64_t begin, int64_t end)
{
    const quant_job *j = arg;
    const quant_state *s = j->s;
    const float *x = j->in;
    switch (s->mode) {
    case Q_F_PER_CHANNEL:
        for (int64_t i = begin; i < end; i++) {
            int64_t c = s->nch > 1 ? (i / s->inner) % s->nch : 0;
            store(j->out, s->out_t, i, quantize1(x[i], s->scale[c], (int32_t)s->zp[c], s));
        }
        break;
    case Q_F_XNN:
        for (int64_t i = begin; i < end; i++)
            store(j->out, s->out_t, i, quantize_xnn(x[i], s));
        break;
    case Q_F_I16:
        for (int64_t i = begin; i < end; i++)
            store(j->out, s->out_t, i, quantize_i16(x[i], s));
        break;
    case Q_REQ_XNN:
        for (int64_t i = begin; i < end; i++)
            store(j->out, s->out_t, i,
                  clamp_out((s->bias + load(j->in, s->in_t, i) * s->mult) >> 8, s));
        break;
    default:
        for (int64_t i = begin; i < end; i++) {
            int32_t v = oc_mul_by_qm(load(j->in, s->in_t, i) - s->in_zp, s->mult, s->shift);
            store(j->out, s->out_t, i, clamp_out((int64_t)v + s->out_zp, s));
        }
        break;
    }
}

static bool requant_pair_ok(oc_dtype in, oc_dtype out)
{
    switch (in) {
    case OC_U8: return out == OC_U8 || out == OC_I8;
    case OC_I8: return out == OC_U8 || out == OC_I8 || out == OC_I16;
    case OC_I16: return out == OC_I8 || out == OC_I16 || out == OC_I32;
    case OC_I32: return out == OC_I8 || out == OC_I16;
    default: return false;
    }
}

/* Scale and zero point of a requantize operand (int32 tensors are not a qtype). */
static oc_status requant_params(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, float *scale,
                                int32_t *zp)
{
    if (t->dtype != OC_I32) return oc_q_params(ctx, op, t, scale, zp);
    if (t->q.count != 1 || !(t->q.scale[0] > 0.f) || !isfinite(t->q.scale[0]) ||
        t->q.zero_point[0] < INT32_MIN || t->q.zero_point[0] > INT32_MAX)
        return oc_op_fail(ctx, op, "int32 tensor '%s' needs valid per-tensor quantization",
                          t->name ? t->name : "?");
    *scale = t->q.scale[0];
    *zp = (int32_t)t->q.zero_point[0];
    return OC_OK;
}

static oc_status quantize_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    quant_state *s = oc_ew_state(op, sizeof *s);
    if (!s) return OC_NOMEMF(ctx->err);
    s->in_t = in->dtype;
    s->out_t = out->dtype;
    if (out->dtype == OC_I32) {
        s->out_min = INT32_MIN;
        s->out_max = INT32_MAX;
    } else if (oc_is_qtype(out->dtype)) {
        oc_qtype_range(out->dtype, &s->out_min, &s->out_max);
    }
    if (in->dtype == OC_F32) {
        if (!oc_is_qtype(out->dtype))
            return oc_op_fail(ctx, op, "float32 input needs a uint8, int8 or int16 output, got %s",
                              oc_dtype_name(out->dtype));
        const oc_qparams *q = &out->q;
        if (q->count > 1) {
            if (q->axis < 0 || q->axis >= in->shape.rank || in->shape.dims[q->axis] != q->count)
                return oc_op_fail(ctx, op, "%d per-channel parameters do not match axis %d",
                                  q->count, q->axis);
            s->nch = q->count;
            s->inner = oc_shape_span(&in->shape, q->axis + 1, in->shape.rank);
        } else {
            float sc;
            int32_t zp;
            OC_TRY(oc_q_params(ctx, op, out, &sc, &zp));
            s->nch = 1;
            s->inner = 1;
        }
        for (int32_t c = 0; c < q->count; c++) {
            int32_t lo, hi;
            oc_qtype_range(out->dtype, &lo, &hi);
            if (!(q->scale[c] > 0.f) || !isfinite(q->scale[c]) || q->zero_point[c] < lo ||
                q->zero_point[c] > hi)
                return oc_op_fail(ctx, op, "channel %d has invalid scale or zero point", c);
        }
        s->scale = q->scale;
        s->zp = q->zero_point;
        s->mode = Q_F_PER_CHANNEL;
        if (q->count == 1) {
            s->out_zp = (int32_t)q->zero_point[0];
            s->inv_scale = 1.f / q->scale[0];
            if (out->dtype == OC_I16)
                s->mode = Q_F_I16;
            else if (isnormal(s->inv_scale))
                s->mode = Q_F_XNN;
        }
    } else {
        if (!requant_pair_ok(in->dtype, out->dtype))
            return oc_op_fail(ctx, op, "unsupported requantization from %s to %s",
                              oc_dtype_name(in->dtype), oc_dtype_name(out->dtype));
        float si, so;
        OC_TRY(requant_params(ctx, op, in, &si, &s->in_zp));
        OC_TRY(requant_params(ctx, op, out, &so, &s->out_zp));
        if (in->dtype == OC_I16 && out->dtype == OC_I16 && (s->in_zp || s->out_zp))
            return oc_op_fail(ctx, op, "int16 to int16 needs zero points 0");
        s->mode = Q_REQ;
        float r = si / so;
        if (in->dtype == out->dtype && in->dtype != OC_I16 && r >= 0x1p-8f && r <= 0x1p7f) {
            s->mode = Q_REQ_XNN;
            s->mult = (int32_t)lrintf(256.f * r);
            s->bias = s->out_zp * 256 - s->mult * s->in_zp + 0x80;
        } else {
            oc_quantize_multiplier((double)si / (double)so, &s->mult, &s->shift);
        }
    }
    return oc_set_shape(ctx, op, out, &in->shape);
}

static oc_status quantize_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    quant_job j = {op->state, in->data, oc_out(ctx, op, 0)->data};
    oc_ew_parallel(ctx->pool, oc_tensor_count(in), quant_range, &j);
    return OC_OK;
}

const oc_op_def oc_op_QUANTIZE = {"QUANTIZE",   0, NULL, quantize_prepare, quantize_eval,
                                  oc_ew_release};
