/* ABS, NEG, SQUARE (float32, int32, int64), EXP, LOG, SIN, COS, SQRT, RSQRT, FLOOR, ROUND
 * (float32), ZEROS_LIKE (any fixed-size type). Integer ABS/NEG/SQUARE wrap on overflow
 * (ABS(INT_MIN) = INT_MIN) instead of being undefined. ROUND is half to even (TFLite).
 * Quantized, as TFLite (kernels/elementwise.cc): ABS int8 and int16 (zero points 0):
 * |x - zp_in| rescaled by s_in / s_out (float ratio) when the scales differ, + zp_out;
 * RSQRT int8: 1/sqrt(x - zp_in) by TFLite's fixed-point Newton iteration, rescaled by
 * 1 / (sqrt(s_in) * s_out); x - zp_in == 0 gives 127 and a negative one fails at eval. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/fixedpoint.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

typedef enum un_kind {
    U_ABS,
    U_NEG,
    U_SQUARE,
    U_EXP,
    U_LOG,
    U_SIN,
    U_COS,
    U_SQRT,
    U_RSQRT,
    U_FLOOR,
    U_ROUND,
} un_kind;

typedef void (*un_kern)(const void *in, void *out, int64_t n);

/* Half to even without depending on the FPU rounding mode. */
static inline float round_half_even(float x)
{
    float f = floorf(x), d = x - f;
    if (d < 0.5f) return f;
    if (d > 0.5f) return f + 1.f;
    return fmodf(f, 2.f) == 0.f ? f : f + 1.f;
}

#define UN_KERN(NAME, T, EXPR)                                                                     \
    static void NAME(const void *vin, void *vout, int64_t n)                                       \
    {                                                                                              \
        const T *in = vin;                                                                         \
        T *out = vout;                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                          \
            const T x = in[i];                                                                     \
            out[i] = (EXPR);                                                                       \
        }                                                                                          \
    }

UN_KERN(abs_f32, float, fabsf(x))
UN_KERN(neg_f32, float, -x)
UN_KERN(square_f32, float, (x * x))
UN_KERN(exp_f32, float, expf(x))
UN_KERN(log_f32, float, logf(x))
UN_KERN(sin_f32, float, sinf(x))
UN_KERN(cos_f32, float, cosf(x))
UN_KERN(sqrt_f32, float, sqrtf(x))
UN_KERN(rsqrt_f32, float, 1.f / sqrtf(x))
UN_KERN(floor_f32, float, floorf(x))
UN_KERN(round_f32, float, round_half_even(x))

#define INT_UN_KERNS(T, U, SUF)                                                                    \
    UN_KERN(abs_##SUF, T, x < 0 ? (T)(0 - (U)x) : x)                                               \
    UN_KERN(neg_##SUF, T, (T)(0 - (U)x))                                                           \
    UN_KERN(square_##SUF, T, (T)((U)x * (U)x))

INT_UN_KERNS(int32_t, uint32_t, i32)
INT_UN_KERNS(int64_t, uint64_t, i64)

static un_kern pick_kernel(un_kind k, oc_dtype t)
{
    if (t == OC_F32) {
        static const un_kern f[] = {abs_f32, neg_f32,  square_f32, exp_f32,   log_f32,  sin_f32,
                                    cos_f32, sqrt_f32, rsqrt_f32,  floor_f32, round_f32};
        return f[k];
    }
    if (t == OC_I32 && k <= U_SQUARE)
        return k == U_ABS ? abs_i32 : k == U_NEG ? neg_i32 : square_i32;
    if (t == OC_I64 && k <= U_SQUARE)
        return k == U_ABS ? abs_i64 : k == U_NEG ? neg_i64 : square_i64;
    return NULL;
}

/* ---- quantized ABS / RSQRT ------------------------------------------------------------- */

typedef struct qun_state {
    un_kind kind;
    oc_dtype t;
    int32_t zi, zo, m;
    int s;
    bool rescale;
} qun_state;

static inline int32_t qabs(int32_t x, const qun_state *s, int32_t lo, int32_t hi)
{
    int32_t v = x - s->zi;
    v = v < 0 ? -v : v;
    v = s->rescale ? oc_mul_by_qm(v, s->m, s->s) + s->zo : v + s->zo;
    return v < lo ? lo : v > hi ? hi : v;
}

static inline int32_t qrsqrt(int32_t x, const qun_state *s)
{
    int32_t v = x - s->zi;
    if (v == 0) return INT8_MAX;
    int32_t m;
    int sh;
    oc_inv_sqrt_multiplier_exp(v, -1, &m, &sh);
    int32_t d = oc_mul_by_qm(1, m, sh + 20);
    int32_t out = oc_mul_by_qm(d, s->m, s->s - 20) + s->zo;
    return out < INT8_MIN ? INT8_MIN : out > INT8_MAX ? INT8_MAX : out;
}

static oc_status qun_prepare(oc_ctx *ctx, oc_op *op, un_kind k)
{
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    if (!((k == U_ABS && a->dtype != OC_U8) || (k == U_RSQRT && a->dtype == OC_I8)))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    qun_state *s = oc_ew_state(op, sizeof *s);
    if (!s) return OC_NOMEMF(ctx->err);
    float si, so;
    OC_TRY(oc_q_params(ctx, op, a, &si, &s->zi));
    OC_TRY(oc_q_params(ctx, op, o, &so, &s->zo));
    if (a->dtype == OC_I16 && (s->zi || s->zo))
        return oc_op_fail(ctx, op, "int16 input needs zero points 0");
    s->kind = k;
    s->t = a->dtype;
    if (k == U_ABS) {
        s->rescale = si != so;
        oc_quantize_multiplier(si / so, &s->m, &s->s);
    } else {
        float d = sqrtf(si) * so;
        oc_quantize_multiplier(1. / d, &s->m, &s->s);
    }
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status qun_eval(oc_ctx *ctx, oc_op *op)
{
    const qun_state *s = op->state;
    const oc_tensor *a = oc_in(ctx, op, 0);
    int64_t n = oc_tensor_count(a);
    void *out = oc_out(ctx, op, 0)->data;
    if (s->t == OC_I16) {
        const int16_t *x = a->data;
        for (int64_t i = 0; i < n; i++)
            ((int16_t *)out)[i] = (int16_t)qabs(x[i], s, INT16_MIN, INT16_MAX);
        return OC_OK;
    }
    const int8_t *x = a->data;
    if (s->kind == U_RSQRT)
        for (int64_t i = 0; i < n; i++)
            if (x[i] < s->zi)
                return oc_op_fail(ctx, op, "RSQRT is only defined for non-negative values");
    for (int64_t i = 0; i < n; i++)
        ((int8_t *)out)[i] =
            (int8_t)(s->kind == U_RSQRT ? qrsqrt(x[i], s) : qabs(x[i], s, INT8_MIN, INT8_MAX));
    return OC_OK;
}

static oc_status un_prepare(oc_ctx *ctx, oc_op *op, un_kind k)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(a->dtype) && a->q.count > 0) return qun_prepare(ctx, op, k);
    if (!pick_kernel(k, a->dtype))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    return oc_set_shape(ctx, op, o, &a->shape);
}

typedef struct un_job {
    un_kern kern;
    const uint8_t *in;
    uint8_t *out;
    int64_t esz;
} un_job;

static void un_range(void *arg, int64_t begin, int64_t end)
{
    const un_job *j = arg;
    j->kern(j->in + begin * j->esz, j->out + begin * j->esz, end - begin);
}

static oc_status un_eval(oc_ctx *ctx, oc_op *op, un_kind k)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    if (oc_is_qtype(a->dtype) && a->q.count > 0) return qun_eval(ctx, op);
    un_job j = {pick_kernel(k, a->dtype), a->data, oc_out(ctx, op, 0)->data,
                (int64_t)oc_dtype_size(a->dtype)};
    oc_ew_parallel(ctx->pool, oc_tensor_count(a), un_range, &j);
    return OC_OK;
}

#define UN_OP(NAME, KIND)                                                                          \
    static oc_status prepare_##NAME(oc_ctx *ctx, oc_op *op)                                        \
    {                                                                                              \
        return un_prepare(ctx, op, KIND);                                                          \
    }                                                                                              \
    static oc_status eval_##NAME(oc_ctx *ctx, oc_op *op)                                           \
    {                                                                                              \
        return un_eval(ctx, op, KIND);                                                             \
    }                                                                                              \
    const oc_op_def oc_op_##NAME = {#NAME, 0, NULL, prepare_##NAME, eval_##NAME, oc_ew_release};

UN_OP(ABS, U_ABS)
UN_OP(NEG, U_NEG)
UN_OP(SQUARE, U_SQUARE)
UN_OP(EXP, U_EXP)
UN_OP(LOG, U_LOG)
UN_OP(SIN, U_SIN)
UN_OP(COS, U_COS)
UN_OP(SQRT, U_SQRT)
UN_OP(RSQRT, U_RSQRT)
UN_OP(FLOOR, U_FLOOR)
UN_OP(ROUND, U_ROUND)

/* ZEROS_LIKE: same shape and type, all zero bytes (0, 0.0f, false). */
static oc_status zeros_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    if (oc_dtype_size(a->dtype) == 0 || a->dtype == OC_STRING)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status zeros_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *o = oc_out(ctx, op, 0);
    if (o->bytes) memset(o->data, 0, o->bytes);
    return OC_OK;
}

const oc_op_def oc_op_ZEROS_LIKE = {"ZEROS_LIKE", 0, NULL, zeros_prepare, zeros_eval, NULL};
