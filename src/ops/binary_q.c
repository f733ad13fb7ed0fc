/* Quantized ADD, SUB, MUL, DIV and SQUARED_DIFFERENCE, bit-exact with TFLite's kernels
 * (tensorflow/lite/kernels/{add,sub,mul,div,squared_difference}.cc and the reference_ops /
 * reference_integer_ops they call, double-rounding fixed point):
 * - ADD/SUB uint8/int8: both inputs rescaled to a common scale with 20 bits of headroom
 *   (left_shift 20, multipliers in/(2*max_in)), summed, then rescaled to the output;
 *   int16: the same with left_shift 15, or, when pot_scale_int16 is set (the schema default
 *   when the options table exists, false without one), the zero points are 0 and all three
 *   scales are powers of two, the LSTM path: one input shifted right onto the output scale
 *   and a saturating int16 add.
 * - MUL: (a - za) * (b - zb) rescaled by s_a * s_b / s_out (computed in float, as TFLite);
 *   int16 needs zero points 0; int16 x int16 -> int8/uint8 is the Q0.15 product >> 8.
 * - DIV (uint8, int8): TFLite's reciprocal-based integer division.
 * - SQUARED_DIFFERENCE (int8): difference on a common scale (left_shift 7), squared, rescaled.
 *
 * TFLite runs quantized ADD, SUB and MUL of uint8/int8 through its XNNPACK delegate (the
 * default CPU path; the reference outputs of ../shared/models come from it) whenever XNNPACK
 * accepts the scales, and XNNPACK's arithmetic differs from the reference kernels in the last
 * bit. Checked against tfjs-tflite on single-op models: ADD/SUB with every input/output scale
 * ratio in [2^-10, 2^8) and MUL with s_a * s_b / s_out in [2^-16, 2^8) (float) match XNNPACK's
 * qs8/qu8 vadd and vmul-fp32 microkernels exactly; outside those ranges the delegate declines
 * the op and the reference kernels above apply. XNNPACK's arithmetic (src/qs8-vadd,
 * src/qs8-vmul, xnn_init_qs8_add_minmax_scalar_params, xnn_qs8_quantize):
 * - ADD/SUB: multipliers lrintf(ratio * 2^shift) with shift = 20 - floor(log2(max ratio))
 *   (SUB negates b's), acc = bias + a * ma + b * mb with bias = 2^(shift-1) - ma*za - mb*zb,
 *   out = (acc >> shift) clamped, + z_out;
 * - MUL: out = lrintf(clamp((float)((a - za) * (b - zb)) * ratio)) + z_out;
 * - the fused activation's clamp is lrintf(bound / s_out + z_out) within the type. */
#include <math.h>
#include <stdint.h>

#include "core/fixedpoint.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

enum { M_GENERAL, M_ADD16_POT, M_MUL16_TO8, M_XNN_ADD, M_XNN_MUL };

typedef struct qbin_state {
    oc_qbin_kind kind;
    int mode;
    oc_dtype in_t, out_t;
    int32_t in1_off, in2_off, out_off; /* -zp1, -zp2, +zp_out (TFLite's offsets) */
    int32_t m1, m2, mo;
    int s1, s2, so;
    int left_shift;
    int32_t lo, hi; /* output clamp (fused activation within the type range) */
    float xscale;   /* M_XNN_MUL: product-to-output scale */
    int32_t xbias;  /* M_XNN_ADD */
} qbin_state;

static inline int32_t clamp(int32_t v, const qbin_state *s)
{
    return v < s->lo ? s->lo : v > s->hi ? s->hi : v;
}

/* Both inputs on a common scale with left_shift bits of headroom. */
static inline void rescale2(int32_t x, int32_t y, const qbin_state *s, int32_t *a, int32_t *b)
{
    *a = oc_mul_by_qm((x + s->in1_off) * (1 << s->left_shift), s->m1, s->s1);
    *b = oc_mul_by_qm((y + s->in2_off) * (1 << s->left_shift), s->m2, s->s2);
}

static inline int32_t q_add(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t a, b;
    rescale2(x, y, s, &a, &b);
    int32_t r = s->kind == OC_QBIN_SUB ? a - b : a + b;
    return clamp(oc_mul_by_qm(r, s->mo, s->so) + s->out_off, s);
}

static inline int32_t q_sqdiff(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t a, b;
    rescale2(x, y, s, &a, &b);
    int32_t d = a - b;
    return clamp(oc_mul_by_qm(d * d, s->mo, s->so) + s->out_off, s);
}

/* int16 power-of-two scales: s1 or s2 is 0, the other a right shift (TFLite Add/Sub16). */
static inline int32_t q_add16_pot(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t a = oc_rdbpot(x, -s->s1), b = oc_rdbpot(y, -s->s2);
    int32_t r = s->kind == OC_QBIN_SUB ? a - b : a + b;
    r = r < INT16_MIN ? INT16_MIN : r > INT16_MAX ? INT16_MAX : r; /* SaturatingAdd/Sub */
    return clamp(r, s);
}

static inline int32_t q_mul(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t p = (x + s->in1_off) * (y + s->in2_off);
    return clamp(oc_mul_by_qm(p, s->mo, s->so) + s->out_off, s);
}

/* gemmlowp's int16 SaturatingRoundingDoublingHighMul. */
static inline int32_t srdhm16(int32_t a, int32_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
    int32_t ab = a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (ab + nudge) / (1 << 15);
}

/* int16 x int16 -> 8 bit: Q0.15 product, >> 8 rounded, clamped, plus the output offset. */
static inline int32_t q_mul16_to8(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t r = oc_rdbpot(srdhm16(x, y), 8);
    int32_t lo = s->lo - s->out_off, hi = s->hi - s->out_off;
    r = r < lo ? lo : r > hi ? hi : r;
    return s->out_off + r;
}

static inline int32_t q_div(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t a = x + s->in1_off, b = y + s->in2_off;
    if (b < 0) {
        a = -a;
        b = -b;
    }
    int recip_shift;
    int32_t recip;
    if (b == 0) { /* as TFLite computes it on x86 and wasm, where x << 32 leaves x */
        recip = oc_fp_one_over_one_plus_x_for_x_in_0_1(INT32_MIN);
        recip_shift = -1;
    } else {
        recip = oc_get_reciprocal(b, 31, &recip_shift);
    }
    int headroom = oc_clrsb32(a);
    int32_t unscaled = oc_mul_by_qm(a, recip, headroom);
    int total = s->so - recip_shift - headroom;
    return clamp(s->out_off + oc_mul_by_qm(unscaled, s->mo, total), s);
}

static inline int32_t q_xnn_add(int32_t x, int32_t y, const qbin_state *s)
{
    int32_t acc = s->xbias + x * s->m1 + y * s->m2;
    return clamp((acc >> s->so) + s->out_off, s);
}

static inline int32_t q_xnn_mul(int32_t x, int32_t y, const qbin_state *s)
{
    float f = (float)((x + s->in1_off) * (y + s->in2_off)) * s->xscale;
    float lo = (float)(s->lo - s->out_off), hi = (float)(s->hi - s->out_off);
    f = f < lo ? lo : f > hi ? hi : f;
    return (int32_t)lrintf(f) + s->out_off;
}

/* One typed loop per (element function, input type, output type): the mode is decided once
 * per row, not per element. */
#define QROW(TI, TO, FN)                                                                           \
    do {                                                                                           \
        const TI *a = in[0], *b = in[1];                                                           \
        TO *o = out;                                                                               \
        for (int64_t i = 0; i < n; i++)                                                            \
            o[i] = (TO)FN(a[i * sa], b[i * sb], s);                                                \
    } while (0)

#define QROW_8(FN)                                                                                 \
    do {                                                                                           \
        if (s->in_t == OC_U8)                                                                      \
            QROW(uint8_t, uint8_t, FN);                                                            \
        else                                                                                       \
            QROW(int8_t, int8_t, FN);                                                              \
    } while (0)

static void qbin_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    const qbin_state *s = arg;
    int sa = step[0], sb = step[1];
    switch (s->mode) {
    case M_XNN_ADD: QROW_8(q_xnn_add); return;
    case M_XNN_MUL: QROW_8(q_xnn_mul); return;
    case M_ADD16_POT: QROW(int16_t, int16_t, q_add16_pot); return;
    case M_MUL16_TO8:
        if (s->out_t == OC_I8)
            QROW(int16_t, int8_t, q_mul16_to8);
        else
            QROW(int16_t, uint8_t, q_mul16_to8);
        return;
    default: break;
    }
    switch (s->kind) {
    case OC_QBIN_ADD:
    case OC_QBIN_SUB:
        if (s->in_t == OC_I16)
            QROW(int16_t, int16_t, q_add);
        else
            QROW_8(q_add);
        break;
    case OC_QBIN_MUL:
        if (s->in_t == OC_I16)
            QROW(int16_t, int16_t, q_mul);
        else
            QROW_8(q_mul);
        break;
    case OC_QBIN_DIV: QROW_8(q_div); break;
    default: QROW_8(q_sqdiff); break;
    }
}

static const char *kind_name(oc_qbin_kind k)
{
    static const char *n[] = {"ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE"};
    return n[k];
}

/* ADD/SUB general path: TFLite's PrepareGeneralSubOp / add.cc Prepare. */
static void prep_add(qbin_state *s, float sc1, float sc2, float sco)
{
    s->left_shift = s->out_t == OC_I16 ? 15 : 20;
    const double twice_max = 2 * (double)(sc1 > sc2 ? sc1 : sc2);
    oc_quantize_multiplier(sc1 / twice_max, &s->m1, &s->s1);
    oc_quantize_multiplier(sc2 / twice_max, &s->m2, &s->s2);
    oc_quantize_multiplier(twice_max / ((double)(1 << s->left_shift) * sco), &s->mo, &s->so);
}

/* XNNPACK's quantization of a float activation bound (xnn_qs8_quantize). */
static int32_t xnn_quantize(float v, float scale, int32_t zp, oc_dtype t)
{
    int32_t lo, hi;
    oc_qtype_range(t, &lo, &hi);
    float q = v / scale + (float)zp;
    q = fminf(fmaxf(q, (float)lo), (float)hi);
    return (int32_t)lrintf(q);
}

/* The output clamp XNNPACK derives from a fused activation. */
static void xnn_act_range(qbin_state *s, int act, float sco)
{
    float lo = -INFINITY, hi = INFINITY;
    if (act == OC_ACT_RELU) lo = 0.f;
    if (act == OC_ACT_RELU6) lo = 0.f, hi = 6.f;
    if (act == OC_ACT_RELU_N1_TO_1) lo = -1.f, hi = 1.f;
    s->lo = xnn_quantize(lo, sco, s->out_off, s->out_t);
    s->hi = xnn_quantize(hi, sco, s->out_off, s->out_t);
}

static inline bool in_range(float r, float lo, float hi)
{
    return r >= lo && r < hi;
}

/* XNNPACK's ADD/SUB parameters when it accepts the scale ratios; false otherwise. */
static bool prep_xnn_add(qbin_state *s, float sc1, float sc2, float sco, int act)
{
    float r1 = sc1 / sco, r2 = sc2 / sco;
    if (!in_range(r1, 0x1p-10f, 0x1p8f) || !in_range(r2, 0x1p-10f, 0x1p8f)) return false;
    int e;
    frexpf(r1 > r2 ? r1 : r2, &e);
    int shift = 20 - (e - 1);
    int32_t m1 = (int32_t)lrintf(ldexpf(r1, shift)), m2 = (int32_t)lrintf(ldexpf(r2, shift));
    if (s->kind == OC_QBIN_SUB) m2 = -m2;
    s->mode = M_XNN_ADD;
    s->m1 = m1;
    s->m2 = m2;
    s->so = shift;
    s->xbias = (int32_t)(((int64_t)1 << (shift - 1)) + (int64_t)m1 * s->in1_off +
                         (int64_t)m2 * s->in2_off);
    xnn_act_range(s, act, sco);
    return true;
}

static bool prep_xnn_mul(qbin_state *s, float sc1, float sc2, float sco, int act)
{
    float r = sc1 * sc2;
    r = r / sco;
    if (!in_range(r, 0x1p-16f, 0x1p8f)) return false;
    s->mode = M_XNN_MUL;
    s->xscale = r;
    xnn_act_range(s, act, sco);
    return true;
}

/* True when TFLite's XNNPACK delegate would run this op (8-bit, rank <= 6). */
static bool xnn_takes(oc_ctx *ctx, const oc_op *op, oc_qbin_kind k, oc_dtype t)
{
    if (t != OC_U8 && t != OC_I8) return false;
    if (k != OC_QBIN_ADD && k != OC_QBIN_SUB && k != OC_QBIN_MUL) return false;
    return oc_in(ctx, op, 0)->shape.rank <= 6 && oc_in(ctx, op, 1)->shape.rank <= 6 &&
           oc_out(ctx, op, 0)->shape.rank <= 6;
}

oc_status oc_qbin_prepare(oc_ctx *ctx, oc_op *op, oc_qbin_kind k, int act)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (a->dtype != b->dtype)
        return oc_op_fail(ctx, op, "input types differ: %s and %s", oc_dtype_name(a->dtype),
                          oc_dtype_name(b->dtype));
    oc_dtype t = a->dtype;
    bool mul16_to8 = k == OC_QBIN_MUL && t == OC_I16 && (o->dtype == OC_I8 || o->dtype == OC_U8);
    if (!mul16_to8) OC_TRY(oc_check_dtype(ctx, op, o, t));
    bool ok = k == OC_QBIN_DIV ? t != OC_I16 : k == OC_QBIN_SQDIFF ? t == OC_I8 : true;
    if (!ok)
        return oc_op_fail(ctx, op, "quantized %s is not supported for %s", kind_name(k),
                          oc_dtype_name(t));
    float sc1, sc2, sco;
    int32_t z1, z2, zo;
    OC_TRY(oc_q_params(ctx, op, a, &sc1, &z1));
    OC_TRY(oc_q_params(ctx, op, b, &sc2, &z2));
    OC_TRY(oc_q_params(ctx, op, o, &sco, &zo));
    if (t == OC_I16 && k != OC_QBIN_ADD && k != OC_QBIN_SUB && !mul16_to8 && (z1 || z2 || zo))
        return oc_op_fail(ctx, op, "int16 %s needs zero points 0 (got %d, %d, %d)", kind_name(k),
                          z1, z2, zo);
    qbin_state *s = oc_ew_state(op, sizeof *s);
    if (!s) return OC_NOMEMF(ctx->err);
    s->kind = k;
    s->in_t = t;
    s->out_t = o->dtype;
    s->in1_off = -z1;
    s->in2_off = -z2;
    s->out_off = zo;
    OC_TRY(oc_act_range_q(ctx, op, act, o->dtype, sco, zo, &s->lo, &s->hi));
    if (xnn_takes(ctx, op, k, t)) {
        if (k == OC_QBIN_MUL ? prep_xnn_mul(s, sc1, sc2, sco, act)
                             : prep_xnn_add(s, sc1, sc2, sco, act))
            return OC_OK;
    }
    switch (k) {
    case OC_QBIN_ADD:
    case OC_QBIN_SUB: {
        const oc_binary_params *p = op->params;
        bool pot = p && p->pot_scale_int16; /* no options: false, as TFLite */
        int l1, l2, lo;
        if (t == OC_I16 && pot && !z1 && !z2 && !zo && oc_checked_log2(sc1, &l1) &&
            oc_checked_log2(sc2, &l2) && oc_checked_log2(sco, &lo)) {
            s->mode = M_ADD16_POT;
            s->s1 = l1 - lo;
            s->s2 = l2 - lo;
            if (!(s->s1 == 0 || s->s2 == 0) || s->s1 > 0 || s->s2 > 0)
                return oc_op_fail(ctx, op,
                                  "int16 power-of-two scales: one input must have the output's "
                                  "scale and the other a smaller one");
        } else {
            prep_add(s, sc1, sc2, sco);
        }
        break;
    }
    case OC_QBIN_MUL:
        if (mul16_to8) {
            s->mode = M_MUL16_TO8;
        } else {
            float r = sc1 * sc2; /* float arithmetic, as TFLite */
            r = r / sco;
            oc_quantize_multiplier(r, &s->mo, &s->so);
        }
        break;
    case OC_QBIN_DIV: {
        float r = sc2 * sco;
        r = sc1 / r;
        oc_quantize_multiplier(r, &s->mo, &s->so);
        break;
    }
    default: {
        s->left_shift = 7;
        const double twice_max = 2.0 * (double)(sc1 > sc2 ? sc1 : sc2);
        oc_quantize_multiplier(sc1 / twice_max, &s->m1, &s->s1);
        oc_quantize_multiplier(sc2 / twice_max, &s->m2, &s->s2);
        oc_quantize_multiplier(twice_max * twice_max /
                                   ((double)(1 << (2 * s->left_shift)) * (double)sco),
                               &s->mo, &s->so);
        break;
    }
    }
    return OC_OK;
}

void oc_qbin_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    qbin_state *s = op->state;
    oc_bcast bc;
    const oc_shape *ins[2] = {&a->shape, &b->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    size_t esz = oc_dtype_size(a->dtype);
    oc_bcast_io io = {{a->data, b->data}, {esz, esz}, o->data, oc_dtype_size(o->dtype)};
    oc_bcast_run(ctx->pool, &bc, &io, qbin_row, s);
}
