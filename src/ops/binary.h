/* Parsed options of the elementwise operators, and helpers their files share
 * (binary.c, compare.c, logical.c, select.c, unary.c, activation.c, add_n.c, cast.c). */
#ifndef OC_OPS_BINARY_H
#define OC_OPS_BINARY_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

/* ADD (AddOptions), SUB (SubOptions), MUL (MulOptions), DIV (DivOptions). */
typedef struct oc_binary_params {
    int32_t act;          /* fused activation, OC_ACT_* */
    bool pot_scale_int16; /* ADD/SUB only; kept for the int16 quantized kernels */
} oc_binary_params;

/* LEAKY_RELU (LeakyReluOptions). */
typedef struct oc_leaky_relu_params {
    float alpha;
} oc_leaky_relu_params;

/* GELU (GeluOptions). */
typedef struct oc_gelu_params {
    bool approximate; /* tanh formula instead of erf */
} oc_gelu_params;

/* BuiltinOptions union type codes of the tables above (TFLite/circle schema). */
enum {
    OC_OPTS_ADD = 11,
    OC_OPTS_MUL = 21,
    OC_OPTS_SUB = 28,
    OC_OPTS_DIV = 29,
    OC_OPTS_LEAKY_RELU = 75,
    OC_OPTS_GELU = 116,
};

/* op->options when its union type is `type`, else an absent table (fields read as the
 * schema defaults), as TFLite does for a mismatched options type. */
oc_fbt oc_ew_options(const oc_op *op, int32_t type);

/* Integer clamp range of a fused activation for a type with range [tmin, tmax]
 * (TFLite CalculateActivationRange). Fails for TANH / SIGN_BIT. */
oc_status oc_act_range_int(oc_ctx *ctx, const oc_op *op, int act, int64_t tmin, int64_t tmax,
                           int64_t *lo, int64_t *hi);

/* True when a and b carry the same quantization (or none): raw values then compare and
 * order like real values. */
bool oc_same_qparams(const oc_tensor *a, const oc_tensor *b);

/* ---- quantized elementwise helpers (binary.c) -------------------------------------------- */

/* uint8, int8 or int16: the quantized activation types. */
bool oc_is_qtype(oc_dtype t);
/* [lo, hi] of a quantized type. */
void oc_qtype_range(oc_dtype t, int32_t *lo, int32_t *hi);
/* The per-tensor scale and zero point of t. Fails unless t carries exactly one finite scale
 * > 0 and a zero point inside t's type range (t->dtype must be a quantized type). */
oc_status oc_q_params(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, float *scale, int32_t *zp);
/* TFLite CalculateActivationRangeQuantized: a fused activation's clamp in the quantized domain
 * of out (scale, zp), within out's type range. Fails for TANH / SIGN_BIT. */
oc_status oc_act_range_q(oc_ctx *ctx, const oc_op *op, int act, oc_dtype t, float scale, int32_t zp,
                         int32_t *lo, int32_t *hi);
/* Replaces op->state by a zeroed block of n bytes (prepare may run more than once); NULL when
 * out of memory. Freed by oc_ew_release. */
void *oc_ew_state(oc_op *op, size_t n);
void oc_ew_release(oc_op *op);

/* ---- quantized ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE (binary_q.c) ----------------------- */

typedef enum oc_qbin_kind {
    OC_QBIN_ADD,
    OC_QBIN_SUB,
    OC_QBIN_MUL,
    OC_QBIN_DIV,
    OC_QBIN_SQDIFF,
} oc_qbin_kind;

/* Validates dtypes and quantization of inputs 0, 1 and output 0 (any of uint8/int8/int16)
 * and precomputes TFLite's multipliers into op->state. act: fused activation (OC_ACT_*). */
oc_status oc_qbin_prepare(oc_ctx *ctx, oc_op *op, oc_qbin_kind k, int act);
/* Runs the op prepared by oc_qbin_prepare (output shape already set). */
void oc_qbin_eval(oc_ctx *ctx, oc_op *op);

/* ---- quantized activations (activation_q.c) ---------------------------------------------- */

typedef enum oc_qact_kind {
    OC_QACT_RELU,
    OC_QACT_RELU6,
    OC_QACT_RELU_N1_TO_1,
    OC_QACT_LEAKY_RELU, /* param: alpha */
    OC_QACT_HARD_SWISH,
    OC_QACT_LOGISTIC,
    OC_QACT_TANH,
    OC_QACT_ELU,
    OC_QACT_GELU, /* param: 1 = tanh approximation */
} oc_qact_kind;

/* Validates input 0 / output 0 (uint8/int8/int16 as TFLite supports per kind) and precomputes
 * op->state; the caller sets the output shape. */
oc_status oc_qact_prepare(oc_ctx *ctx, oc_op *op, oc_qact_kind k, float param);
void oc_qact_eval(oc_ctx *ctx, oc_op *op);
/* PRELU on uint8/int8: input 0, alpha input 1 (broadcast), output 0. */
oc_status oc_qprelu_prepare(oc_ctx *ctx, oc_op *op);
void oc_qprelu_eval(oc_ctx *ctx, oc_op *op);

#endif
