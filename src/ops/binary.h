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

#endif
