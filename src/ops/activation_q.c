/* Quantized activations, bit-exact with TFLite's default kernels
 * (tensorflow/lite/kernels/activations.cc, kGenericOptimized):
 * - RELU, RELU6, RELU_N1_TO_1 (ReluX): rescale by s_in / s_out (float ratio, fixed-point
 *   multiplier), clamp to zp + roundf(bound / s_out);
 * - LEAKY_RELU: separate fixed-point multipliers for x >= 0 (s_in / s_out) and x < 0
 *   (s_in * alpha / s_out), all ratios computed in float;
 * - HARD_SWISH (8-bit): TFLite's int16 fixed-point algorithm (reference_ops::HardSwish);
 * - LOGISTIC, TANH, ELU, GELU (8-bit): a 256-entry table filled in float like TFLite's
 *   LUTPopulate (dequantize, f, round half away from zero, + zp, clamp); LOGISTIC needs
 *   s_out = 1/256 as in TFLite;
 * - PRELU (8-bit): x >= 0 ? x * s_in / s_out : x * alpha * s_in * s_a / s_out in fixed point.
 * int16 (zero points 0): RELU, RELU6, LEAKY_RELU as above; LOGISTIC and TANH (s_out = 2^-15)
 * from a 65536-entry table of the correctly rounded function. NOT bit-exact with TFLite, which
 * interpolates a fixed 256-entry sigmoid table (reference_integer_ops::Logistic/Tanh) and
 * differs from the correctly rounded result by 1-2 LSB (and, for power-of-two input scales,
 * runs gemmlowp's int16 fixed point, up to ~12 LSB off); matching it needs that table's exact
 * values. (TFLite's generic LUTPopulate<int16_t> scheme was tried: up to 10 LSB off.)
 *
 * 8-bit LEAKY_RELU runs in TFLite's XNNPACK delegate (checked against tfjs-tflite) whenever
 * XNNPACK accepts the scales (r = s_in / s_out in [2^-8, 2^7], r * alpha in (-2^7, 2^7] and
 * |r * alpha| >= 2^-8, all float): out = ((zp_out << 8) + 128 + (x - zp_in) * m) >> 8,
 * clamped, with m = lrintf(256 * r) or lrintf(256 * r * alpha) (XNNPACK qs8-vlrelu). The other
 * activations above match the delegate's results as they are (checked the same way). */
#include <math.h>
#include <stdint.h>

#include "core/fixedpoint.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

enum { A_LUT, A_RELUX, A_LEAKY, A_HSWISH, A_XNN_LEAKY, A_LUT16 };

typedef struct qact_state {
    int mode;
    oc_dtype t;
    int32_t zi, zo, lo, hi;
    int32_t m1, m2; /* RELUX: m1; LEAKY: m1 identity, m2 alpha (maybe negative) */
    int s1, s2;
    int16_t hs_out_mult, hs_relu_mult; /* HARD_SWISH */
    int hs_out_exp, hs_relu_exp;
    uint8_t lut[256]; /* indexed by the raw byte */
    int16_t *lut16;   /* A_LUT16: 65536 entries indexed by (uint16_t)x, after the struct */
} qact_state;

/* ---- HARD_SWISH ------------------------------------------------------------------------- */

static inline int32_t sat16(int32_t v)
{
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v;
}

/* gemmlowp int16 SaturatingRoundingDoublingHighMul. */
static inline int32_t srdhm16(int32_t a, int32_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
    int32_t ab = a * b;
    return (ab + (ab >= 0 ? (1 << 14) : (1 - (1 << 14)))) / (1 << 15);
}

/* Truncating variant (TFLite's SaturatingDoublingHighMul in hard_swish.h). */
static inline int32_t sdhm16(int32_t a, int32_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
    return (a * b) / (1 << 15);
}

static inline int32_t hard_swish(int32_t x, const qact_state *s)
{
    int32_t in = (int16_t)(x - s->zi);
    int32_t hires = (int16_t)(in * 128);
    int32_t pre_out = srdhm16(hires, s->hs_out_mult);
    int32_t r = hires;
    if (s->hs_relu_exp > 0) r = sat16(r * (1 << (s->hs_relu_exp - 1)));
    r = srdhm16(r, s->hs_relu_mult);
    if (s->hs_relu_exp > 0) r = sat16(r * 2);
    if (s->hs_relu_exp < 0) r = oc_rdbpot(r, -s->hs_relu_exp);
    r = (int16_t)((r + (1 << 15)) >> 1);
    int32_t out = oc_rdbpot(sdhm16(r, pre_out), -s->hs_out_exp);
    out = (int16_t)(out + s->zo);
    return out < s->lo ? s->lo : out > s->hi ? s->hi : out;
}

/* TFLite DownScaleInt32ToInt16Multiplier. */
static int16_t down_scale_16(int32_t m)
{
    if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
    return (int16_t)((m + (1 << 15)) >> 16);
}

static oc_status prep_hard_swish(oc_ctx *ctx, oc_op *op, qact_state *s, float si, float so)
{
    const float hires_scale = (1.0f / 128.0f) * si;
    const float reluish_scale = 3.0f / 32768.0f;
    int32_t m;
    oc_quantize_multiplier(hires_scale / so, &m, &s->hs_out_exp);
    s->hs_out_mult = down_scale_16(m);
    if (s->hs_out_exp > 0)
        return oc_op_fail(ctx, op, "output scale %g is too small for the input scale %g",
                          (double)so, (double)si);
    oc_quantize_multiplier(hires_scale / reluish_scale, &m, &s->hs_relu_exp);
    s->hs_relu_mult = down_scale_16(m);
    s->mode = A_HSWISH;
    return OC_OK;
}

/* ---- tables ------------------------------------------------------------------------------ */

static float f_logistic(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

static float f_elu(float x)
{
    return x < 0.0f ? expm1f(x) : x;
}

static float f_gelu(float x)
{
    return 0.5f * x * erfcf(x * -0.70710678118654752440f);
}

static float f_gelu_tanh(float x)
{
    return 0.5f * x * (1.0f + tanhf(0.79788456080286535588f * (x + 0.044715f * x * x * x)));
}

/* TFLite LUTPopulateInt8: dequantize in float, transform, round half away from zero. */
static void fill_lut(qact_state *s, float si, float so, float (*f)(float))
{
    const float inv = 1.0f / so;
    int32_t lo, hi;
    oc_qtype_range(s->t, &lo, &hi);
    for (int32_t v = lo; v <= hi; v++) {
        float y = f(si * (float)(v - s->zi));
        float r = roundf(y * inv);
        float q = r + (float)s->zo;
        int32_t qi = q != q ? lo : q < (float)lo ? lo : q > (float)hi ? hi : (int32_t)q;
        s->lut[(uint8_t)v] = (uint8_t)qi;
    }
}

/* int16: one entry per input value, round(f(x * s_in) / s_out) computed in double. */
static void fill_lut16(qact_state *s, float si, float so, double (*f)(double))
{
    s->lut16 = (int16_t *)(s + 1);
    for (int32_t v = INT16_MIN; v <= INT16_MAX; v++) {
        double y = round(f((double)si * v) / (double)so);
        /* symmetric range, as TFLite's int16 kernels (tanh never gives -32768) */
        s->lut16[(uint16_t)v] = (int16_t)(y < -INT16_MAX  ? -INT16_MAX
                                          : y > INT16_MAX ? INT16_MAX
                                                          : y);
    }
    s->mode = A_LUT16;
}

static double d_logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* ---- prepare / eval ---------------------------------------------------------------------- */

static bool kind_supports(oc_qact_kind k, oc_dtype t)
{
    if (t == OC_I16)
        return k == OC_QACT_RELU || k == OC_QACT_RELU6 || k == OC_QACT_LEAKY_RELU ||
               k == OC_QACT_LOGISTIC || k == OC_QACT_TANH;
    if (t == OC_U8) return k != OC_QACT_ELU;
    return true;
}

static const char *kind_name(oc_qact_kind k)
{
    static const char *n[] = {"RELU",     "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "HARD_SWISH",
                              "LOGISTIC", "TANH",  "ELU",          "GELU"};
    return n[k];
}

oc_status oc_qact_prepare(oc_ctx *ctx, oc_op *op, oc_qact_kind k, float param)
{
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    if (!kind_supports(k, a->dtype))
        return oc_op_fail(ctx, op, "quantized %s is not supported for %s", kind_name(k),
                          oc_dtype_name(a->dtype));
    float si, so;
    int32_t zi, zo;
    OC_TRY(oc_q_params(ctx, op, a, &si, &zi));
    OC_TRY(oc_q_params(ctx, op, o, &so, &zo));
    if (a->dtype == OC_I16 && (zi || zo))
        return oc_op_fail(ctx, op, "int16 %s needs zero points 0", kind_name(k));
    bool lut16 = a->dtype == OC_I16 && (k == OC_QACT_LOGISTIC || k == OC_QACT_TANH);
    qact_state *s = oc_ew_state(op, sizeof *s + (lut16 ? 65536 * sizeof(int16_t) : 0));
    if (!s) return OC_NOMEMF(ctx->err);
    s->t = a->dtype;
    s->zi = zi;
    s->zo = zo;
    oc_qtype_range(a->dtype, &s->lo, &s->hi);
    switch (k) {
    case OC_QACT_RELU:
    case OC_QACT_RELU6:
    case OC_QACT_RELU_N1_TO_1: {
        s->mode = A_RELUX;
        float r = si / so;
        oc_quantize_multiplier(r, &s->m1, &s->s1);
        float amin = k == OC_QACT_RELU_N1_TO_1 ? -1.f : 0.f;
        float amax = k == OC_QACT_RELU ? INFINITY : k == OC_QACT_RELU6 ? 6.f : 1.f;
        int64_t l = (int64_t)zo + (int64_t)fmaxf(fminf(roundf(amin / so), 1e12f), -1e12f);
        if (l > s->lo) s->lo = (int32_t)l;
        if (!isinf(amax)) {
            int64_t h = (int64_t)zo + (int64_t)fmaxf(fminf(roundf(amax / so), 1e12f), -1e12f);
            if (h < s->hi) s->hi = (int32_t)h;
        }
        break;
    }
    case OC_QACT_LEAKY_RELU: {
        float ri = si / so, rn = ri * param;
        if (a->dtype != OC_I16 && ri >= 0x1p-8f && ri <= 0x1p7f && rn >= -0x1.FFFCp6f &&
            rn <= 0x1p7f && fabsf(rn) >= 0x1p-8f) {
            s->mode = A_XNN_LEAKY;
            s->m1 = (int32_t)lrintf(256.f * ri);
            s->m2 = (int32_t)lrintf(256.f * rn);
            break;
        }
        s->mode = A_LEAKY;
        float ra = si * param;
        ra = ra / so;
        oc_quantize_multiplier(ri, &s->m1, &s->s1);
        oc_quantize_multiplier(ra, &s->m2, &s->s2);
        break;
    }
    case OC_QACT_HARD_SWISH: OC_TRY(prep_hard_swish(ctx, op, s, si, so)); break;
    case OC_QACT_LOGISTIC:
        if (a->dtype == OC_I16) {
            if (so != 1.0f / 32768.0f)
                return oc_op_fail(ctx, op, "int16 LOGISTIC output scale must be 1/32768, got %g",
                                  (double)so);
            fill_lut16(s, si, so, d_logistic);
            break;
        }
        if (so != 1.0f / 256.0f)
            return oc_op_fail(ctx, op, "LOGISTIC output scale must be 1/256, got %g", (double)so);
        fill_lut(s, si, so, f_logistic);
        break;
    case OC_QACT_TANH:
        if (a->dtype == OC_I16) {
            if (so != 1.0f / 32768.0f)
                return oc_op_fail(ctx, op, "int16 TANH output scale must be 1/32768, got %g",
                                  (double)so);
            fill_lut16(s, si, so, tanh);
            break;
        }
        fill_lut(s, si, so, tanhf);
        break;
    case OC_QACT_ELU: fill_lut(s, si, so, f_elu); break;
    default: fill_lut(s, si, so, param != 0.f ? f_gelu_tanh : f_gelu); break;
    }
    return OC_OK;
}

static inline int32_t qact1(int32_t x, const qact_state *s)
{
    int32_t v;
    if (s->mode == A_XNN_LEAKY) {
        int32_t d = x - s->zi;
        v = (s->zo * 256 + 0x80 + d * (d >= 0 ? s->m1 : s->m2)) >> 8;
    } else if (s->mode == A_RELUX) {
        v = s->zo + oc_mul_by_qm(x - s->zi, s->m1, s->s1);
    } else { /* A_LEAKY */
        int32_t d = x - s->zi;
        if (d >= 0) {
            v = s->zo + oc_mul_by_qm(d, s->m1, s->s1);
        } else {
            int32_t m = s->m2 < 0 ? -s->m2 : s->m2;
            int32_t a = oc_mul_by_qm(d, m, s->s2);
            v = s->zo + (s->m2 < 0 ? -a : a);
        }
    }
    return v < s->lo ? s->lo : v > s->hi ? s->hi : v;
}

typedef struct qact_job {
    const qact_state *s;
    const void *in;
    void *out;
} qact_job;

#define QACT_LOOP(T, EXPR)                                                                         \
    do {                                                                                           \
        const T *x = (const T *)j->in + begin;                                                     \
        T *y = (T *)j->out + begin;                                                                \
        for (int64_t i = 0; i < n; i++)                                                            \
            y[i] = (T)(EXPR);                                                                      \
    } while (0)

static void qact_range(void *arg, int64_t begin, int64_t end)
{
    const qact_job *j = arg;
    const qact_state *s = j->s;
    int64_t n = end - begin;
    if (s->mode == A_LUT) {
        const uint8_t *x = (const uint8_t *)j->in + begin;
        uint8_t *y = (uint8_t *)j->out + begin;
        for (int64_t i = 0; i < n; i++)
            y[i] = s->lut[x[i]];
        return;
    }
    if (s->mode == A_LUT16) {
        QACT_LOOP(int16_t, s->lut16[(uint16_t)x[i]]);
        return;
    }
    if (s->mode == A_HSWISH) {
        if (s->t == OC_U8)
            QACT_LOOP(uint8_t, hard_swish(x[i], s));
        else
            QACT_LOOP(int8_t, hard_swish(x[i], s));
        return;
    }
    switch (s->t) {
    case OC_U8: QACT_LOOP(uint8_t, qact1(x[i], s)); break;
    case OC_I8: QACT_LOOP(int8_t, qact1(x[i], s)); break;
    default: QACT_LOOP(int16_t, qact1(x[i], s)); break;
    }
}

void oc_qact_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    qact_job j = {op->state, a->data, oc_out(ctx, op, 0)->data};
    oc_ew_parallel(ctx->pool, oc_tensor_count(a), qact_range, &j);
}

/* ---- PRELU ------------------------------------------------------------------------------- */

typedef struct qprelu_state {
    oc_dtype t;
    int32_t zi, za, zo, lo, hi, m1, m2;
    int s1, s2;
} qprelu_state;

oc_status oc_qprelu_prepare(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *x = oc_in(ctx, op, 0), *al = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (x->dtype == OC_I16)
        return oc_op_fail(ctx, op, "quantized PRELU is not supported for int16");
    OC_TRY(oc_check_dtype(ctx, op, al, x->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, x->dtype));
    float si, sa, so;
    qprelu_state *s = oc_ew_state(op, sizeof *s);
    if (!s) return OC_NOMEMF(ctx->err);
    OC_TRY(oc_q_params(ctx, op, x, &si, &s->zi));
    OC_TRY(oc_q_params(ctx, op, al, &sa, &s->za));
    OC_TRY(oc_q_params(ctx, op, o, &so, &s->zo));
    s->t = x->dtype;
    oc_qtype_range(x->dtype, &s->lo, &s->hi);
    float r1 = si / so, r2 = si * sa;
    r2 = r2 / so;
    oc_quantize_multiplier(r1, &s->m1, &s->s1);
    oc_quantize_multiplier(r2, &s->m2, &s->s2);
    return OC_OK;
}

static inline int32_t prelu1(int32_t x, int32_t a, const qprelu_state *s)
{
    int32_t d = x - s->zi, v;
    if (d >= 0)
        v = oc_mul_by_qm(d, s->m1, s->s1);
    else
        v = oc_mul_by_qm(d * (a - s->za), s->m2, s->s2);
    v += s->zo;
    return v < s->lo ? s->lo : v > s->hi ? s->hi : v;
}

static void qprelu_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    const qprelu_state *s = arg;
    int sx = step[0], sa = step[1];
    if (s->t == OC_U8) {
        const uint8_t *x = in[0], *a = in[1];
        uint8_t *y = out;
        for (int64_t i = 0; i < n; i++)
            y[i] = (uint8_t)prelu1(x[i * sx], a[i * sa], s);
    } else {
        const int8_t *x = in[0], *a = in[1];
        int8_t *y = out;
        for (int64_t i = 0; i < n; i++)
            y[i] = (int8_t)prelu1(x[i * sx], a[i * sa], s);
    }
}

void oc_qprelu_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *x = oc_in(ctx, op, 0), *al = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    oc_bcast bc;
    const oc_shape *ins[2] = {&x->shape, &al->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    oc_bcast_io io = {{x->data, al->data}, {1, 1}, o->data, 1};
    oc_bcast_run(ctx->pool, &bc, &io, qprelu_row, op->state);
}
