/* CUSTOM operators that are not built in: kernels registered by the application with
 * nnfw_register_custom_op_info. Output shapes are the ones the model declares (as onert). */
#include <string.h>

#include "ops/op.h"

static const oc_custom_kernel *find_kernel(const oc_ctx *ctx, const char *name)
{
    for (int32_t i = 0; name && i < ctx->ncustom; i++)
        if (strcmp(ctx->custom[i].name, name) == 0) return &ctx->custom[i];
    return NULL;
}

static oc_status prepare_custom(oc_ctx *ctx, oc_op *op)
{
    if (!find_kernel(ctx, op->custom_name))
        return oc_op_fail(ctx, op,
                          "custom operator is neither built in nor registered "
                          "(nnfw_register_custom_op_info)");
    for (int32_t i = 0; i < op->noutputs; i++) {
        oc_tensor *t = oc_out(ctx, op, i);
        OC_TRY(oc_set_shape(ctx, op, t, &t->shape));
    }
    return OC_OK;
}

static oc_status eval_custom(oc_ctx *ctx, oc_op *op)
{
    const oc_custom_kernel *k = find_kernel(ctx, op->custom_name);
    oc_tensor *ins[64], *outs[64];
    if (op->ninputs > 64 || op->noutputs > 64) return oc_op_fail(ctx, op, "too many tensors");
    for (int32_t i = 0; i < op->ninputs; i++) ins[i] = oc_in(ctx, op, i);
    for (int32_t i = 0; i < op->noutputs; i++) outs[i] = oc_out(ctx, op, i);
    k->invoke(k->user, ins, op->ninputs, outs, op->noutputs, op);
    return OC_OK;
}

const oc_op_def oc_op_CUSTOM = {
    .name = "CUSTOM", .flags = OC_OPF_NO_FOLD, .prepare = prepare_custom, .eval = eval_custom,
};
