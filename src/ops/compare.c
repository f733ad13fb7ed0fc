/* EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: broadcast comparisons giving
 * BOOL. Inputs float32, int32, int64, bool (EQUAL/NOT_EQUAL), int16 when both inputs share
 * their quantization (raw values then order like real values), uint8/int8 without quantization
 * (raw order) and uint8/int8 with any per-tensor quantization: as TFLite (kernels/comparisons.cc,
 * ComparisonWithScaling) both sides are rescaled to ((x - zp) << 8) * scale in fixed point
 * (multiplier and shift from each input's own scale) and those integers are compared, even when the
 * qparams are equal. */
#include <stdint.h>

#include "core/fixedpoint.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

typedef enum cmp_kind { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_KINDS } cmp_kind;

typedef void (*cmp_kern)(const void *a, int sa, const void *b, int sb, uint8_t *o, int64_t n);

#define CMP_KERN(NAME, T, OP)                                                                      \
    static void NAME(const void *va, int sa, const void *vb, int sb, uint8_t *o, int64_t n)        \
    {                                                                                              \
        const T *a = va, *b = vb;                                                                  \
        for (int64_t i = 0; i < n; i++)                                                            \
            o[i] = a[i * sa] OP b[i * sb];                                                         \
    }

#define CMP_KERNS(T, SUF)                                                                          \
    CMP_KERN(eq_##SUF, T, ==)                                                                      \
    CMP_KERN(ne_##SUF, T, !=)                                                                      \
    CMP_KERN(lt_##SUF, T, <)                                                                       \
    CMP_KERN(le_##SUF, T, <=)                                                                      \
    CMP_KERN(gt_##SUF, T, >)                                                                       \
    CMP_KERN(ge_##SUF, T, >=)                                                                      \
    static const cmp_kern kerns_##SUF[C_KINDS] = {eq_##SUF, ne_##SUF, lt_##SUF,                    \
                                                  le_##SUF, gt_##SUF, ge_##SUF};

CMP_KERNS(float, f32)
CMP_KERNS(int32_t, i32)
CMP_KERNS(int64_t, i64)
CMP_KERNS(uint8_t, u8)
CMP_KERNS(int8_t, i8)
CMP_KERNS(int16_t, i16)

/* Bools compare as truth values (any non-zero byte is true). */
static void eq_b(const void *va, int sa, const void *vb, int sb, uint8_t *o, int64_t n)
{
    const uint8_t *a = va, *b = vb;
    for (int64_t i = 0; i < n; i++)
        o[i] = (a[i * sa] != 0) == (b[i * sb] != 0);
}
static void ne_b(const void *va, int sa, const void *vb, int sb, uint8_t *o, int64_t n)
{
    const uint8_t *a = va, *b = vb;
    for (int64_t i = 0; i < n; i++)
        o[i] = (a[i * sa] != 0) != (b[i * sb] != 0);
}

static cmp_kern pick_kernel(cmp_kind k, oc_dtype t)
{
    switch (t) {
    case OC_F32: return kerns_f32[k];
    case OC_I32: return kerns_i32[k];
    case OC_I64: return kerns_i64[k];
    case OC_U8: return kerns_u8[k];
    case OC_I8: return kerns_i8[k];
    case OC_I16: return kerns_i16[k];
    case OC_BOOL: return k == C_EQ ? eq_b : k == C_NE ? ne_b : NULL;
    default: return NULL;
    }
}

/* ---- uint8/int8 with rescaling ------------------------------------------------------- */

typedef struct qcmp_state {
    cmp_kind kind;
    oc_dtype t;
    int32_t z1, z2, m1, m2;
    int s1, s2;
} qcmp_state;

static inline int32_t qscale(int32_t x, int32_t z, int32_t m, int s)
{
    return oc_mul_by_qm((x - z) * (1 << 8), m, s);
}

static inline uint8_t qcmp1(int32_t x, int32_t y, const qcmp_state *s)
{
    int32_t a = qscale(x, s->z1, s->m1, s->s1), b = qscale(y, s->z2, s->m2, s->s2);
    switch (s->kind) {
    case C_EQ: return a == b;
    case C_NE: return a != b;
    case C_LT: return a < b;
    case C_LE: return a <= b;
    case C_GT: return a > b;
    default: return a >= b;
    }
}

static void qcmp_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    const qcmp_state *s = arg;
    uint8_t *o = out;
    int sa = step[0], sb = step[1];
    if (s->t == OC_U8) {
        const uint8_t *a = in[0], *b = in[1];
        for (int64_t i = 0; i < n; i++)
            o[i] = qcmp1(a[i * sa], b[i * sb], s);
    } else {
        const int8_t *a = in[0], *b = in[1];
        for (int64_t i = 0; i < n; i++)
            o[i] = qcmp1(a[i * sa], b[i * sb], s);
    }
}

static oc_status qcmp_prepare(oc_ctx *ctx, oc_op *op, cmp_kind k)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1);
    qcmp_state *s = oc_ew_state(op, sizeof *s);
    if (!s) return OC_NOMEMF(ctx->err);
    float sc1, sc2;
    OC_TRY(oc_q_params(ctx, op, a, &sc1, &s->z1));
    OC_TRY(oc_q_params(ctx, op, b, &sc2, &s->z2));
    s->kind = k;
    s->t = a->dtype;
    oc_quantize_multiplier(sc1, &s->m1, &s->s1);
    oc_quantize_multiplier(sc2, &s->m2, &s->s2);
    return OC_OK;
}

static oc_status cmp_prepare(oc_ctx *ctx, oc_op *op, cmp_kind k)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (a->dtype != b->dtype)
        return oc_op_fail(ctx, op, "input types differ: %s and %s", oc_dtype_name(a->dtype),
                          oc_dtype_name(b->dtype));
    if (!pick_kernel(k, a->dtype))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    if (a->dtype == OC_I16 && !oc_same_qparams(a, b))
        return oc_op_fail(ctx, op, "int16 inputs with different quantization are not supported");
    if ((a->dtype == OC_U8 || a->dtype == OC_I8) && (a->q.count || b->q.count))
        OC_TRY(qcmp_prepare(ctx, op, k));
    else
        oc_ew_release(op); /* unquantized: raw order */
    OC_TRY(oc_check_dtype(ctx, op, o, OC_BOOL));
    oc_shape s;
    OC_TRY(oc_broadcast_shape(ctx, op, &a->shape, &b->shape, &s));
    return oc_set_shape(ctx, op, o, &s);
}

static void cmp_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    cmp_kern kern = *(const cmp_kern *)arg;
    kern(in[0], step[0], in[1], step[1], out, n);
}

static oc_status cmp_eval(oc_ctx *ctx, oc_op *op, cmp_kind k)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    cmp_kern kern = pick_kernel(k, a->dtype);
    oc_bcast bc;
    const oc_shape *ins[2] = {&a->shape, &b->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    size_t esz = oc_dtype_size(a->dtype);
    oc_bcast_io io = {{a->data, b->data}, {esz, esz}, o->data, 1};
    if (op->state)
        oc_bcast_run(ctx->pool, &bc, &io, qcmp_row, op->state);
    else
        oc_bcast_run(ctx->pool, &bc, &io, cmp_row, &kern);
    return OC_OK;
}

#define CMP_OP(NAME, KIND)                                                                         \
    static oc_status prepare_##NAME(oc_ctx *ctx, oc_op *op)                                        \
    {                                                                                              \
        return cmp_prepare(ctx, op, KIND);                                                         \
    }                                                                                              \
    static oc_status eval_##NAME(oc_ctx *ctx, oc_op *op)                                           \
    {                                                                                              \
        return cmp_eval(ctx, op, KIND);                                                            \
    }                                                                                              \
    const oc_op_def oc_op_##NAME = {#NAME, 0, NULL, prepare_##NAME, eval_##NAME, oc_ew_release};

CMP_OP(EQUAL, C_EQ)
CMP_OP(NOT_EQUAL, C_NE)
CMP_OP(LESS, C_LT)
CMP_OP(LESS_EQUAL, C_LE)
CMP_OP(GREATER, C_GT)
CMP_OP(GREATER_EQUAL, C_GE)
