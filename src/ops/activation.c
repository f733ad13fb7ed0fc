/* Float activations: RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, ELU, LEAKY_RELU, HARD_SWISH,
 * GELU, and PRELU (alpha broadcast against the input). Formulas and NaN behaviour follow
 * TFLite's reference kernels; the clamp-style ones, LOGISTIC and TANH have vector fast
 * paths (src/kernels/elementwise_avx2.c). Quantized (uint8/int8/int16) activations are in
 * activation_q.c. */
#include <math.h>
#include <stdint.h>

#include "core/mem.h"
#include "kernels/elementwise.h"
#include "ops/binary.h"

typedef enum act_kind {
    A_RELU,
    A_RELU6,
    A_RELU_N1_TO_1,
    A_LEAKY_RELU,
    A_HARD_SWISH,
    A_LOGISTIC,
    A_TANH,
    A_ELU,
    A_GELU,
} act_kind;

/* TFLite's reference LOGISTIC, cut-offs included. */
static inline float logistic_ref(float x)
{
    if (x > 16.619047164916992188f) return 1.f;
    if (x < -9.f) return expf(x);
    return 1.f / (1.f + expf(-x));
}

static inline float hard_swish_ref(float x)
{
    float t = x + 3.f;
    t = 0.f < t ? t : 0.f; /* std::max(0, x + 3) */
    t = t < 6.f ? t : 6.f; /* std::min(6, ...) */
    return x * t / 6.f;
}

/* erfc form avoids cancellation for large negative x (TFLite's GeluTransform). */
static inline float gelu_ref(float x)
{
    return 0.5f * x * erfcf(x * -0.70710678118654752440f);
}

static inline float gelu_tanh_ref(float x)
{
    const float k = 0.79788456080286535588f; /* sqrt(2 / pi) */
    return 0.5f * x * (1.f + tanhf(k * (x + 0.044715f * x * x * x)));
}

#define ACT_LOOP(EXPR)                                                                             \
    for (int64_t i = 0; i < n; i++) {                                                              \
        const float x = in[i];                                                                     \
        out[i] = (EXPR);                                                                           \
    }

static void act_ref(act_kind k, const float *in, float *out, int64_t n, float param)
{
    switch (k) {
    case A_RELU: ACT_LOOP(x < 0.f ? 0.f : x); break;
    case A_RELU6: ACT_LOOP(x < 0.f ? 0.f : (6.f < x ? 6.f : x)); break;
    case A_RELU_N1_TO_1: ACT_LOOP(x < -1.f ? -1.f : (1.f < x ? 1.f : x)); break;
    case A_LEAKY_RELU: ACT_LOOP(x > 0.f ? x : x * param); break;
    case A_HARD_SWISH: ACT_LOOP(hard_swish_ref(x)); break;
    case A_LOGISTIC: ACT_LOOP(logistic_ref(x)); break;
    case A_TANH: ACT_LOOP(tanhf(x)); break;
    case A_ELU: ACT_LOOP(x < 0.f ? expm1f(x) : x); break;
    case A_GELU:
        if (param != 0.f) {
            ACT_LOOP(gelu_tanh_ref(x));
        } else {
            ACT_LOOP(gelu_ref(x));
        }
        break;
    }
}

/* The fast-path op of a kind, or -1. */
static int fast_op(act_kind k)
{
    switch (k) {
    case A_RELU: return OC_EWU_RELU;
    case A_RELU6: return OC_EWU_RELU6;
    case A_RELU_N1_TO_1: return OC_EWU_RELU_N1_TO_1;
    case A_LEAKY_RELU: return OC_EWU_LEAKY_RELU;
    case A_HARD_SWISH: return OC_EWU_HARD_SWISH;
    case A_LOGISTIC: return OC_EWU_LOGISTIC;
    case A_TANH: return OC_EWU_TANH;
    default: return -1;
    }
}

typedef struct act_job {
    act_kind kind;
    const float *in;
    float *out;
    float param;
    oc_ew_unary_f32_fn fast;
} act_job;

static void act_range(void *arg, int64_t begin, int64_t end)
{
    const act_job *j = arg;
    if (j->fast)
        j->fast((oc_ew_uop)fast_op(j->kind), j->in + begin, j->out + begin, end - begin, j->param);
    else
        act_ref(j->kind, j->in + begin, j->out + begin, end - begin, j->param);
}

/* The quantized kernel family of a kind (activation_q.c). */
static oc_qact_kind qkind(act_kind k)
{
    static const oc_qact_kind q[] = {OC_QACT_RELU,       OC_QACT_RELU6,      OC_QACT_RELU_N1_TO_1,
                                     OC_QACT_LEAKY_RELU, OC_QACT_HARD_SWISH, OC_QACT_LOGISTIC,
                                     OC_QACT_TANH,       OC_QACT_ELU,        OC_QACT_GELU};
    return q[k];
}

static oc_status act_prepare(oc_ctx *ctx, oc_op *op, act_kind k, float param)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(a->dtype)) {
        OC_TRY(oc_qact_prepare(ctx, op, qkind(k), param));
        return oc_set_shape(ctx, op, o, &a->shape);
    }
    if (a->dtype != OC_F32)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    OC_TRY(oc_check_dtype(ctx, op, o, OC_F32));
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status act_eval(oc_ctx *ctx, oc_op *op, act_kind k, float param)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    if (oc_is_qtype(a->dtype)) {
        oc_qact_eval(ctx, op);
        return OC_OK;
    }
    act_job j = {k, a->data, oc_out(ctx, op, 0)->data, param, NULL};
    if (fast_op(k) >= 0) j.fast = oc_ew_unary_f32_pick(ctx->cpu);
    oc_ew_parallel(ctx->pool, oc_tensor_count(a), act_range, &j);
    return OC_OK;
}

static float leaky_alpha(const oc_op *op)
{
    const oc_leaky_relu_params *p = op->params;
    return p ? p->alpha : 0.f;
}

static float gelu_approx(const oc_op *op)
{
    const oc_gelu_params *p = op->params;
    return p && p->approximate ? 1.f : 0.f;
}

#define ACT_OP(NAME, KIND, PARSE, PARAM)                                                           \
    static oc_status prepare_##NAME(oc_ctx *ctx, oc_op *op)                                        \
    {                                                                                              \
        return act_prepare(ctx, op, KIND, PARAM);                                                  \
    }                                                                                              \
    static oc_status eval_##NAME(oc_ctx *ctx, oc_op *op)                                           \
    {                                                                                              \
        return act_eval(ctx, op, KIND, PARAM);                                                     \
    }                                                                                              \
    const oc_op_def oc_op_##NAME = {#NAME, 0, PARSE, prepare_##NAME, eval_##NAME, oc_ew_release};

static oc_status parse_leaky_relu(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_leaky_relu_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    oc_fbt t = oc_ew_options(op, OC_OPTS_LEAKY_RELU);
    p->alpha = oc_fbt_f32(&t, 0, 0.f);
    op->params = p;
    return OC_OK;
}

static oc_status parse_gelu(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_gelu_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    oc_fbt t = oc_ew_options(op, OC_OPTS_GELU);
    p->approximate = oc_fbt_bool(&t, 0, false);
    op->params = p;
    return OC_OK;
}

ACT_OP(RELU, A_RELU, NULL, 0.f)
ACT_OP(RELU6, A_RELU6, NULL, 0.f)
ACT_OP(RELU_N1_TO_1, A_RELU_N1_TO_1, NULL, 0.f)
ACT_OP(LEAKY_RELU, A_LEAKY_RELU, parse_leaky_relu, leaky_alpha(op))
ACT_OP(HARD_SWISH, A_HARD_SWISH, NULL, 0.f)
ACT_OP(LOGISTIC, A_LOGISTIC, NULL, 0.f)
ACT_OP(TANH, A_TANH, NULL, 0.f)
ACT_OP(ELU, A_ELU, NULL, 0.f)
ACT_OP(GELU, A_GELU, parse_gelu, gelu_approx(op))

/* ---- PRELU: out = x >= 0 ? x : x * alpha, alpha broadcast against x ---------------------- */

static void prelu_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    (void)arg;
    const float *x = in[0], *al = in[1];
    float *o = out;
    int sx = step[0], sa = step[1];
    for (int64_t i = 0; i < n; i++) {
        float v = x[i * sx];
        o[i] = v >= 0.f ? v : v * al[i * sa];
    }
}

static oc_status prelu_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    oc_tensor *x = oc_in(ctx, op, 0), *al = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(x->dtype)) {
        OC_TRY(oc_qprelu_prepare(ctx, op));
    } else if (x->dtype != OC_F32) {
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(x->dtype));
    } else {
        OC_TRY(oc_check_dtype(ctx, op, al, OC_F32));
        OC_TRY(oc_check_dtype(ctx, op, o, OC_F32));
    }
    oc_shape s;
    OC_TRY(oc_broadcast_shape(ctx, op, &x->shape, &al->shape, &s));
    return oc_set_shape(ctx, op, o, &s);
}

static oc_status prelu_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *x = oc_in(ctx, op, 0), *al = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    if (oc_is_qtype(x->dtype)) {
        oc_qprelu_eval(ctx, op);
        return OC_OK;
    }
    oc_bcast bc;
    const oc_shape *ins[2] = {&x->shape, &al->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    oc_bcast_io io = {{x->data, al->data}, {4, 4}, o->data, 4};
    oc_bcast_run(ctx->pool, &bc, &io, prelu_row, NULL);
    return OC_OK;
}

const oc_op_def oc_op_PRELU = {"PRELU", 0, NULL, prelu_prepare, prelu_eval, oc_ew_release};
