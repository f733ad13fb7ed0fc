/* ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, FLOOR_DIV, FLOOR_MOD, SQUARED_DIFFERENCE:
 * numpy broadcasting, fused activation on ADD/SUB/MUL/DIV, TFLite reference semantics.
 *
 * Integer semantics where C would be undefined and TFLite crashes or errors:
 * - overflow wraps (two's complement), including MIN / -1 = MIN;
 * - division by zero (DIV, FLOOR_DIV, FLOOR_MOD) gives 0;
 * - POW with a negative integer exponent fails at eval, as in TFLite. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/mem.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

/* ---- helpers shared by the elementwise op files (declared in binary.h) ------------------- */

oc_fbt oc_ew_options(const oc_op *op, int32_t type)
{
    oc_fbt none = {0};
    if (!oc_fbt_is_present(&op->options) || op->options_type != type) return none;
    return op->options;
}

oc_status oc_act_range_int(oc_ctx *ctx, const oc_op *op, int act, int64_t tmin, int64_t tmax,
                           int64_t *lo, int64_t *hi)
{
    switch (act) {
    case OC_ACT_NONE:
        *lo = tmin;
        *hi = tmax;
        return OC_OK;
    case OC_ACT_RELU:
        *lo = 0;
        *hi = tmax;
        return OC_OK;
    case OC_ACT_RELU_N1_TO_1:
        *lo = -1;
        *hi = 1;
        return OC_OK;
    case OC_ACT_RELU6:
        *lo = 0;
        *hi = 6;
        return OC_OK;
    default: return oc_op_fail(ctx, op, "unsupported fused activation %d", act);
    }
}

bool oc_same_qparams(const oc_tensor *a, const oc_tensor *b)
{
    if (a->q.count != b->q.count) return false;
    if (a->q.count > 1 && a->q.axis != b->q.axis) return false;
    for (int32_t i = 0; i < a->q.count; i++)
        if (a->q.scale[i] != b->q.scale[i] || a->q.zero_point[i] != b->q.zero_point[i])
            return false;
    return true;
}

bool oc_is_qtype(oc_dtype t)
{
    return t == OC_U8 || t == OC_I8 || t == OC_I16;
}

void oc_qtype_range(oc_dtype t, int32_t *lo, int32_t *hi)
{
    *lo = t == OC_U8 ? 0 : t == OC_I8 ? INT8_MIN : INT16_MIN;
    *hi = t == OC_U8 ? UINT8_MAX : t == OC_I8 ? INT8_MAX : INT16_MAX;
}

oc_status oc_q_params(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, float *scale, int32_t *zp)
{
    const char *name = t->name ? t->name : "?";
    if (t->q.count != 1 || !t->q.scale || !t->q.zero_point)
        return oc_op_fail(ctx, op, "%s tensor '%s' needs per-tensor quantization (has %d scales)",
                          oc_dtype_name(t->dtype), name, t->q.count);
    float s = t->q.scale[0];
    int64_t z = t->q.zero_point[0];
    int32_t lo, hi;
    oc_qtype_range(t->dtype, &lo, &hi);
    if (!(s > 0.f) || !isfinite(s))
        return oc_op_fail(ctx, op, "tensor '%s' has invalid scale %g", name, (double)s);
    if (z < lo || z > hi)
        return oc_op_fail(ctx, op, "tensor '%s' zero point %lld is outside the %s range", name,
                          (long long)z, oc_dtype_name(t->dtype));
    *scale = s;
    *zp = (int32_t)z;
    return OC_OK;
}

oc_status oc_act_range_q(oc_ctx *ctx, const oc_op *op, int act, oc_dtype t, float scale, int32_t zp,
                         int32_t *lo, int32_t *hi)
{
    int32_t tmin, tmax;
    oc_qtype_range(t, &tmin, &tmax);
    /* zero_point + round(f / scale) in float, as TFLite (saturated: tiny scales) */
#define QUANT(f) ((int64_t)zp + (int64_t)fmaxf(fminf(roundf((f) / scale), 1e12f), -1e12f))
    int64_t l = tmin, h = tmax;
    switch (act) {
    case OC_ACT_NONE: break;
    case OC_ACT_RELU: l = QUANT(0.f); break;
    case OC_ACT_RELU6:
        l = QUANT(0.f);
        h = QUANT(6.f);
        break;
    case OC_ACT_RELU_N1_TO_1:
        l = QUANT(-1.f);
        h = QUANT(1.f);
        break;
    default: return oc_op_fail(ctx, op, "unsupported fused activation %d", act);
    }
#undef QUANT
    *lo = (int32_t)(l > tmin ? l : tmin);
    *hi = (int32_t)(h < tmax ? h : tmax);
    return OC_OK;
}

void *oc_ew_state(oc_op *op, size_t n)
{
    free(op->state);
    op->state = calloc(1, n);
    return op->state;
}

void oc_ew_release(oc_op *op)
{
    free(op->state);
    op->state = NULL;
}

/* ---- kernels ----------------------------------------------------------------------------- */

typedef enum bin_kind {
    K_ADD,
    K_SUB,
    K_MUL,
    K_DIV,
    K_POW,
    K_MAX,
    K_MIN,
    K_FLOOR_DIV,
    K_FLOOR_MOD,
    K_SQDIFF,
} bin_kind;

typedef struct bin_clamp {
    float lo, hi;
    int64_t ilo, ihi;
} bin_clamp;

/* o[i] = a[i*sa] op b[i*sb] for i < n; sa, sb are 0 or 1. */
typedef void (*bin_kern)(const void *a, int sa, const void *b, int sb, void *o, int64_t n,
                         const bin_clamp *c);

/* std::min(std::max(v, lo), hi), NaN passing through as in TFLite. */
static inline float clampf(float v, const bin_clamp *c)
{
    v = v < c->lo ? c->lo : v;
    return c->hi < v ? c->hi : v;
}

static inline int64_t clampi(int64_t v, const bin_clamp *c)
{
    return v < c->ilo ? c->ilo : (v > c->ihi ? c->ihi : v);
}

static inline float floor_div_f32(float x, float y)
{
    return (float)floor((double)x / (double)y);
}

static inline float floor_mod_f32(float x, float y)
{
    float m = fmodf(x, y);
    return (m != 0 && ((y < 0) != (m < 0))) ? m + y : m;
}

#define KERN(NAME, T, EXPR)                                                                        \
    static void NAME(const void *va, int sa, const void *vb, int sb, void *vo, int64_t n,          \
                     const bin_clamp *c)                                                           \
    {                                                                                              \
        const T *a = va, *b = vb;                                                                  \
        T *o = vo;                                                                                 \
        (void)c;                                                                                   \
        for (int64_t i = 0; i < n; i++) {                                                          \
            const T x = a[i * sa], y = b[i * sb];                                                  \
            o[i] = (EXPR);                                                                         \
        }                                                                                          \
    }

KERN(add_f32, float, clampf(x + y, c))
KERN(sub_f32, float, clampf(x - y, c))
KERN(mul_f32, float, clampf(x *y, c))
KERN(div_f32, float, clampf(x / y, c))
KERN(pow_f32, float, powf(x, y))
KERN(max_f32, float, x > y ? x : y)
KERN(min_f32, float, x < y ? x : y)
KERN(fdiv_f32, float, floor_div_f32(x, y))
KERN(fmod_f32, float, floor_mod_f32(x, y))
KERN(sqd_f32, float, (x - y) * (x - y))

/* Integer helpers: arithmetic in the unsigned type U so overflow wraps instead of being UB. */
#define INT_HELPERS(T, U, SUF)                                                                     \
    static inline T div_##SUF(T x, T y)                                                            \
    {                                                                                              \
        if (y == 0) return 0;                                                                      \
        if (y == -1) return (T)(0 - (U)x);                                                         \
        return x / y;                                                                              \
    }                                                                                              \
    static inline T floor_div_##SUF(T x, T y)                                                      \
    {                                                                                              \
        if (y == 0) return 0;                                                                      \
        if (y == -1) return (T)(0 - (U)x);                                                         \
        T q = x / y;                                                                               \
        return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;                                   \
    }                                                                                              \
    static inline T floor_mod_##SUF(T x, T y)                                                      \
    {                                                                                              \
        if (y == 0 || y == -1) return 0;                                                           \
        T m = x % y;                                                                               \
        return (m != 0 && ((y < 0) != (m < 0))) ? m + y : m;                                       \
    }                                                                                              \
    static inline T pow_##SUF(T x, T y)                                                            \
    {                                                                                              \
        U r = 1, b = (U)x;                                                                         \
        for (; y > 0; y >>= 1) {                                                                   \
            if (y & 1) r *= b;                                                                     \
            b *= b;                                                                                \
        }                                                                                          \
        return (T)r;                                                                               \
    }                                                                                              \
    static inline T sqd_##SUF(T x, T y)                                                            \
    {                                                                                              \
        U d = (U)x - (U)y;                                                                         \
        return (T)(d * d);                                                                         \
    }

INT_HELPERS(int32_t, uint32_t, i32)
INT_HELPERS(int64_t, uint64_t, i64)

#define INT_KERNS(T, U, SUF)                                                                       \
    KERN(add_##SUF, T, (T)clampi((T)((U)x + (U)y), c))                                             \
    KERN(sub_##SUF, T, (T)clampi((T)((U)x - (U)y), c))                                             \
    KERN(mul_##SUF, T, (T)clampi((T)((U)x * (U)y), c))                                             \
    KERN(div_k_##SUF, T, (T)clampi(div_##SUF(x, y), c))                                            \
    KERN(pow_k_##SUF, T, pow_##SUF(x, y))                                                          \
    KERN(fdiv_##SUF, T, floor_div_##SUF(x, y))                                                     \
    KERN(fmod_##SUF, T, floor_mod_##SUF(x, y))                                                     \
    KERN(sqd_k_##SUF, T, sqd_##SUF(x, y))

INT_KERNS(int32_t, uint32_t, i32)
INT_KERNS(int64_t, uint64_t, i64)

#define MINMAX_KERNS(T, SUF)                                                                       \
    KERN(max_##SUF, T, x > y ? x : y)                                                              \
    KERN(min_##SUF, T, x < y ? x : y)

MINMAX_KERNS(int32_t, i32)
MINMAX_KERNS(int64_t, i64)
MINMAX_KERNS(uint8_t, u8)
MINMAX_KERNS(int8_t, i8)
MINMAX_KERNS(int16_t, i16)

/* The reference kernel of (kind, dtype), or NULL when the pair is unsupported. */
static bin_kern pick_kernel(bin_kind k, oc_dtype t)
{
    switch (t) {
    case OC_F32: {
        static const bin_kern f[] = {add_f32, sub_f32, mul_f32,  div_f32,  pow_f32,
                                     max_f32, min_f32, fdiv_f32, fmod_f32, sqd_f32};
        return f[k];
    }
    case OC_I32: {
        static const bin_kern f[] = {add_i32, sub_i32, mul_i32,  div_k_i32, pow_k_i32,
                                     max_i32, min_i32, fdiv_i32, fmod_i32,  sqd_k_i32};
        return f[k];
    }
    case OC_I64: {
        static const bin_kern f[] = {add_i64, sub_i64, mul_i64,  div_k_i64, pow_k_i64,
                                     max_i64, min_i64, fdiv_i64, fmod_i64,  sqd_k_i64};
        return f[k];
    }
    case OC_U8: return k == K_MAX ? max_u8 : k == K_MIN ? min_u8 : NULL;
    case OC_I8: return k == K_MAX ? max_i8 : k == K_MIN ? min_i8 : NULL;
    case OC_I16: return k == K_MAX ? max_i16 : k == K_MIN ? min_i16 : NULL;
    default: return NULL;
    }
}

static bool has_act(bin_kind k)
{
    return k == K_ADD || k == K_SUB || k == K_MUL || k == K_DIV;
}

/* The vector fast path's op for float, or -1. */
static int fast_op(bin_kind k)
{
    switch (k) {
    case K_ADD: return OC_EWF_ADD;
    case K_SUB: return OC_EWF_SUB;
    case K_MUL: return OC_EWF_MUL;
    case K_DIV: return OC_EWF_DIV;
    case K_MAX: return OC_EWF_MAX;
    case K_MIN: return OC_EWF_MIN;
    case K_SQDIFF: return OC_EWF_SQDIFF;
    default: return -1;
    }
}

static int op_act(const oc_op *op)
{
    const oc_binary_params *p = op->params;
    return p ? p->act : OC_ACT_NONE;
}

static oc_status clamp_range(oc_ctx *ctx, const oc_op *op, bin_kind k, oc_dtype t, bin_clamp *c)
{
    int act = has_act(k) ? op_act(op) : OC_ACT_NONE;
    c->lo = -INFINITY;
    c->hi = INFINITY;
    c->ilo = INT64_MIN;
    c->ihi = INT64_MAX;
    if (!has_act(k)) return OC_OK;
    if (t == OC_F32) return oc_act_range_f32(ctx, op, act, &c->lo, &c->hi);
    if (t == OC_I32) return oc_act_range_int(ctx, op, act, INT32_MIN, INT32_MAX, &c->ilo, &c->ihi);
    return oc_act_range_int(ctx, op, act, INT64_MIN, INT64_MAX, &c->ilo, &c->ihi);
}

/* The quantized kernel family of a kind, or -1 (MAXIMUM/MINIMUM compare raw values). */
static int qbin_kind(bin_kind k)
{
    switch (k) {
    case K_ADD: return OC_QBIN_ADD;
    case K_SUB: return OC_QBIN_SUB;
    case K_MUL: return OC_QBIN_MUL;
    case K_DIV: return OC_QBIN_DIV;
    case K_SQDIFF: return OC_QBIN_SQDIFF;
    default: return -1;
    }
}

static oc_status bin_prepare(oc_ctx *ctx, oc_op *op, bin_kind k)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(a->dtype) && qbin_kind(k) >= 0) {
        OC_TRY(oc_qbin_prepare(ctx, op, (oc_qbin_kind)qbin_kind(k), op_act(op)));
        oc_shape s;
        OC_TRY(oc_broadcast_shape(ctx, op, &a->shape, &b->shape, &s));
        return oc_set_shape(ctx, op, o, &s);
    }
    if (a->dtype != b->dtype)
        return oc_op_fail(ctx, op, "input types differ: %s and %s", oc_dtype_name(a->dtype),
                          oc_dtype_name(b->dtype));
    if (!pick_kernel(k, a->dtype))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    if ((a->dtype == OC_U8 || a->dtype == OC_I8 || a->dtype == OC_I16) &&
        (!oc_same_qparams(a, b) || !oc_same_qparams(a, o)))
        return oc_op_fail(ctx, op,
                          "%s inputs and output with different quantization "
                          "are not supported",
                          oc_dtype_name(a->dtype));
    bin_clamp c;
    OC_TRY(clamp_range(ctx, op, k, a->dtype, &c));
    oc_shape s;
    OC_TRY(oc_broadcast_shape(ctx, op, &a->shape, &b->shape, &s));
    return oc_set_shape(ctx, op, o, &s);
}

typedef struct bin_job {
    bin_kern kern;
    oc_ew_binary_f32_fn fast;
    oc_ew_fop fop;
    bin_clamp c;
} bin_job;

static void bin_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    const bin_job *j = arg;
    if (j->fast)
        j->fast(j->fop, in[0], step[0], in[1], step[1], out, n, j->c.lo, j->c.hi);
    else
        j->kern(in[0], step[0], in[1], step[1], out, n, &j->c);
}

static oc_status check_int_exponents(oc_ctx *ctx, const oc_op *op, const oc_tensor *b)
{
    int64_t n = oc_tensor_count(b);
    for (int64_t i = 0; i < n; i++) {
        int64_t e =
            b->dtype == OC_I32 ? ((const int32_t *)b->data)[i] : ((const int64_t *)b->data)[i];
        if (e < 0)
            return oc_op_fail(ctx, op, "integer power with negative exponent %lld", (long long)e);
    }
    return OC_OK;
}

static oc_status bin_eval(oc_ctx *ctx, oc_op *op, bin_kind k)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(a->dtype) && qbin_kind(k) >= 0) {
        oc_qbin_eval(ctx, op);
        return OC_OK;
    }
    bin_job j = {.kern = pick_kernel(k, a->dtype), .fop = OC_EWF_ADD};
    OC_TRY(clamp_range(ctx, op, k, a->dtype, &j.c));
    if (k == K_POW && a->dtype != OC_F32) OC_TRY(check_int_exponents(ctx, op, b));
    if (a->dtype == OC_F32 && fast_op(k) >= 0) {
        j.fast = oc_ew_binary_f32_pick(ctx->cpu);
        j.fop = (oc_ew_fop)fast_op(k);
    }
    oc_bcast bc;
    const oc_shape *ins[2] = {&a->shape, &b->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    size_t esz = oc_dtype_size(a->dtype);
    oc_bcast_io io = {{a->data, b->data}, {esz, esz}, o->data, esz};
    oc_bcast_run(ctx->pool, &bc, &io, bin_row, &j);
    return OC_OK;
}

static oc_status parse_act(oc_op *op, oc_mem *mem, oc_err *err, int32_t type)
{
    oc_binary_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    oc_fbt t = oc_ew_options(op, type);
    p->act = oc_fbt_i8(&t, 0, OC_ACT_NONE);
    /* TFLite leaves the flag false when the options table is absent, true (the schema
     * default) when the table omits it */
    p->pot_scale_int16 = oc_fbt_is_present(&t) && oc_fbt_bool(&t, 1, true);
    op->params = p;
    return OC_OK;
}

static oc_status parse_add(oc_op *op, oc_mem *mem, oc_err *err)
{
    return parse_act(op, mem, err, OC_OPTS_ADD);
}
static oc_status parse_sub(oc_op *op, oc_mem *mem, oc_err *err)
{
    return parse_act(op, mem, err, OC_OPTS_SUB);
}
static oc_status parse_mul(oc_op *op, oc_mem *mem, oc_err *err)
{
    return parse_act(op, mem, err, OC_OPTS_MUL);
}
static oc_status parse_div(oc_op *op, oc_mem *mem, oc_err *err)
{
    return parse_act(op, mem, err, OC_OPTS_DIV);
}

#define BIN_OP(NAME, KIND, PARSE)                                                                  \
    static oc_status prepare_##NAME(oc_ctx *ctx, oc_op *op)                                        \
    {                                                                                              \
        return bin_prepare(ctx, op, KIND);                                                         \
    }                                                                                              \
    static oc_status eval_##NAME(oc_ctx *ctx, oc_op *op)                                           \
    {                                                                                              \
        return bin_eval(ctx, op, KIND);                                                            \
    }                                                                                              \
    const oc_op_def oc_op_##NAME = {#NAME, 0, PARSE, prepare_##NAME, eval_##NAME, oc_ew_release};

BIN_OP(ADD, K_ADD, parse_add)
BIN_OP(SUB, K_SUB, parse_sub)
BIN_OP(MUL, K_MUL, parse_mul)
BIN_OP(DIV, K_DIV, parse_div)
BIN_OP(POW, K_POW, NULL)
BIN_OP(MAXIMUM, K_MAX, NULL)
BIN_OP(MINIMUM, K_MIN, NULL)
BIN_OP(FLOOR_DIV, K_FLOOR_DIV, NULL)
BIN_OP(FLOOR_MOD, K_FLOOR_MOD, NULL)
BIN_OP(SQUARED_DIFFERENCE, K_SQDIFF, NULL)
