/* The operator interface. Each operator is one oc_op_def (listed in ops.def) with:
 *   parse   - read the builtin/custom options of one op into typed params (at load);
 *   prepare - check dtypes and ranks, set every output's shape, precompute (packed weights,
 *             fixed-point multipliers) into op->state. Called at prepare time, and again at
 *             run time for ops whose output shape depends on run-time data (then
 *             ctx->at_run is true and all input data is readable). When an output shape
 *             needs input *data* that is not available yet, return OC_DYNAMIC.
 *   eval    - compute. Runs without checks: prepare has validated everything.
 *   release - free op->state.
 * Errors: return oc_op_fail(ctx, op, "...") so the message names the operator. */
#ifndef OC_OPS_OP_H
#define OC_OPS_OP_H

#include "core/cpu.h"
#include "core/graph.h"
#include "core/status.h"
#include "core/threadpool.h"

struct oc_ctx;

/* Op flags. */
#define OC_OPF_SHAPE_ONLY 0x1u /* reads only input shapes, not data (SHAPE, RANK): foldable */
#define OC_OPF_NO_FOLD 0x2u    /* never evaluate at prepare (stateful, control flow, custom) */

typedef struct oc_op_def {
    const char *name;
    uint32_t flags;
    oc_status (*parse)(oc_op *op, oc_mem *mem, oc_err *err);
    oc_status (*prepare)(struct oc_ctx *ctx, oc_op *op);
    oc_status (*eval)(struct oc_ctx *ctx, oc_op *op);
    void (*release)(oc_op *op);
} oc_op_def;

/* A user kernel registered with nnfw_register_custom_op_info. The API layer supplies
 * `invoke`, which converts the tensors to nnfw_custom_kernel_params and calls the user's
 * function, so nothing below the API includes the public headers. */
typedef struct oc_custom_kernel {
    const char *name;
    void (*invoke)(void *user, oc_tensor *const *inputs, int32_t ninputs,
                   oc_tensor *const *outputs, int32_t noutputs, const oc_op *op);
    void *user;
} oc_custom_kernel;

typedef struct oc_ctx {
    oc_err *err;
    oc_graph *graph;
    oc_subgraph *sg;
    oc_tensor *tensors; /* sg->tensors */
    oc_threadpool *pool; /* NULL = single thread */
    const oc_cpu *cpu;
    bool at_run; /* true while executing: every input's data is readable */
    /* Control flow: run subgraph `index` on `inputs`; its outputs are copied into `outputs`,
     * which are resized with oc_tensor_resize. Provided by the executor. */
    oc_status (*call)(struct oc_ctx *ctx, int32_t index, oc_tensor *const *inputs,
                      int32_t ninputs, oc_tensor *const *outputs, int32_t noutputs);
    /* Custom kernels registered through the API (looked up by name at prepare). */
    const oc_custom_kernel *custom;
    int32_t ncustom;
    void *exec; /* executor-private */
} oc_ctx;

/* Input i of op, or NULL when the optional input is absent (-1) or i >= ninputs. */
static inline oc_tensor *oc_in(oc_ctx *ctx, const oc_op *op, int i)
{
    if (i >= op->ninputs || op->inputs[i] < 0) return NULL;
    return &ctx->tensors[op->inputs[i]];
}
static inline oc_tensor *oc_out(oc_ctx *ctx, const oc_op *op, int i)
{
    return &ctx->tensors[op->outputs[i]];
}

/* True when t's data can be read now: constant, or we are running. */
static inline bool oc_has_data(const oc_ctx *ctx, const oc_tensor *t)
{
    return t->is_const || ctx->at_run;
}

/* Error helper: "<OPNAME>: message". */
oc_status oc_op_fail(oc_ctx *ctx, const oc_op *op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Common prepare checks. Each returns OC_OK or fails with a message naming the op. */
oc_status oc_check_io(oc_ctx *ctx, const oc_op *op, int min_in, int max_in, int nout);
oc_status oc_check_dtype(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, oc_dtype want);
/* Sets t->shape and t->bytes (overflow-checked). Use for every output in prepare. */
oc_status oc_set_shape(oc_ctx *ctx, const oc_op *op, oc_tensor *t, const oc_shape *s);
/* At run time: give a dynamic tensor a new shape and enough memory (for IF/WHILE eval).
 * Fails for tensors that are not OC_STORE_DYNAMIC and whose shape differs. */
oc_status oc_tensor_resize(oc_ctx *ctx, oc_tensor *t, const oc_shape *s);

/* Broadcast shape of a and b (numpy rules). */
oc_status oc_broadcast_shape(oc_ctx *ctx, const oc_op *op, const oc_shape *a, const oc_shape *b,
                             oc_shape *out);

/* Fused activation codes (ActivationFunctionType) and their float clamp range. */
enum { OC_ACT_NONE = 0, OC_ACT_RELU = 1, OC_ACT_RELU_N1_TO_1 = 2, OC_ACT_RELU6 = 3,
       OC_ACT_TANH = 4, OC_ACT_SIGN_BIT = 5 };
oc_status oc_act_range_f32(oc_ctx *ctx, const oc_op *op, int act, float *lo, float *hi);

/* Padding (Padding enum in the schema). */
enum { OC_PAD_SAME = 0, OC_PAD_VALID = 1 };
/* Output size and leading pad for one spatial dim (TFLite ComputePaddingHeightWidth). */
int32_t oc_conv_out_size(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation);
int32_t oc_conv_pad(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                    int32_t out);

/* Registry: the builtin op for a code, or a built-in custom op by name. NULL = unsupported. */
const oc_op_def *oc_op_find(oc_opcode code);
const oc_op_def *oc_op_find_custom(const char *name);
/* Schema name of any builtin code ("CONV_2D"), or "UNKNOWN". */
const char *oc_opcode_name(oc_opcode code);

/* Declares the def of every op listed in ops.def. */
#define OC_OP(NAME, CODE) extern const oc_op_def oc_op_##NAME;
#define OC_CUSTOM_OP(NAME, STR) extern const oc_op_def oc_op_##NAME;
#include "ops/ops.def"
#undef OC_OP
#undef OC_CUSTOM_OP

#endif
