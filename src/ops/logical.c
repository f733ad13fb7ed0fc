/* LOGICAL_AND, LOGICAL_OR (broadcast) and LOGICAL_NOT on BOOL tensors. Any non-zero input
 * byte reads as true; outputs are 0 or 1. */
#include <stdint.h>

#include "kernels/elementwise.h"
#include "ops/binary.h"

static void logic_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    bool is_and = *(const bool *)arg;
    const uint8_t *a = in[0], *b = in[1];
    uint8_t *o = out;
    int sa = step[0], sb = step[1];
    if (is_and)
        for (int64_t i = 0; i < n; i++)
            o[i] = a[i * sa] != 0 && b[i * sb] != 0;
    else
        for (int64_t i = 0; i < n; i++)
            o[i] = a[i * sa] != 0 || b[i * sb] != 0;
}

static oc_status logic_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    OC_TRY(oc_check_dtype(ctx, op, a, OC_BOOL));
    OC_TRY(oc_check_dtype(ctx, op, b, OC_BOOL));
    OC_TRY(oc_check_dtype(ctx, op, o, OC_BOOL));
    oc_shape s;
    OC_TRY(oc_broadcast_shape(ctx, op, &a->shape, &b->shape, &s));
    return oc_set_shape(ctx, op, o, &s);
}

static oc_status logic_eval(oc_ctx *ctx, oc_op *op, bool is_and)
{
    oc_tensor *a = oc_in(ctx, op, 0), *b = oc_in(ctx, op, 1), *o = oc_out(ctx, op, 0);
    oc_bcast bc;
    const oc_shape *ins[2] = {&a->shape, &b->shape};
    oc_bcast_init(&bc, &o->shape, ins, 2);
    oc_bcast_io io = {{a->data, b->data}, {1, 1}, o->data, 1};
    oc_bcast_run(ctx->pool, &bc, &io, logic_row, &is_and);
    return OC_OK;
}

static oc_status and_eval(oc_ctx *ctx, oc_op *op)
{
    return logic_eval(ctx, op, true);
}

static oc_status or_eval(oc_ctx *ctx, oc_op *op)
{
    return logic_eval(ctx, op, false);
}

static oc_status not_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    OC_TRY(oc_check_dtype(ctx, op, a, OC_BOOL));
    OC_TRY(oc_check_dtype(ctx, op, o, OC_BOOL));
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status not_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    const uint8_t *x = a->data;
    uint8_t *y = oc_out(ctx, op, 0)->data;
    int64_t n = oc_tensor_count(a);
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] == 0;
    return OC_OK;
}

const oc_op_def oc_op_LOGICAL_AND = {"LOGICAL_AND", 0, NULL, logic_prepare, and_eval, NULL};
const oc_op_def oc_op_LOGICAL_OR = {"LOGICAL_OR", 0, NULL, logic_prepare, or_eval, NULL};
const oc_op_def oc_op_LOGICAL_NOT = {"LOGICAL_NOT", 0, NULL, not_prepare, not_eval, NULL};
