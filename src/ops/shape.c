/* SHAPE (the input's dims as an int32/int64 vector) and RANK (its rank as an int32 scalar).
 * Both read only the input's shape (OC_OPF_SHAPE_ONLY): the executor can fold them at prepare
 * when that shape is static. */
#include "ops/layout_params.h"
#include "ops/layout_util.h"

static oc_status shape_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_shape_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->has_out_type = oc_fbt_has(&op->options, 0);
    p->out_type = oc_fbt_i8(&op->options, 0, OC_I32);
    op->params = p;
    return OC_OK;
}

static oc_status shape_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_shape_params *p = op->params;
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (out->dtype != OC_I32 && out->dtype != OC_I64)
        return oc_op_fail(ctx, op, "output must be INT32 or INT64, not %s",
                          oc_dtype_name(out->dtype));
    if (p && p->has_out_type && p->out_type != (int32_t)out->dtype)
        return oc_op_fail(ctx, op, "out_type %s does not match the output type %s",
                          oc_dtype_name((oc_dtype)p->out_type), oc_dtype_name(out->dtype));
    oc_shape s = {.rank = 1, .dims = {in->shape.rank}};
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status shape_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    for (int i = 0; i < in->shape.rank; i++) {
        if (out->dtype == OC_I64)
            ((int64_t *)out->data)[i] = in->shape.dims[i];
        else
            ((int32_t *)out->data)[i] = in->shape.dims[i];
    }
    return OC_OK;
}

const oc_op_def oc_op_SHAPE = {"SHAPE",       OC_OPF_SHAPE_ONLY, shape_parse,
                               shape_prepare, shape_eval,        NULL};

static oc_status rank_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *out = oc_out(ctx, op, 0);
    if (out->dtype != OC_I32 && out->dtype != OC_I64)
        return oc_op_fail(ctx, op, "output must be INT32 or INT64, not %s",
                          oc_dtype_name(out->dtype));
    oc_shape s = {.rank = 0};
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status rank_eval(oc_ctx *ctx, oc_op *op)
{
    int32_t r = oc_in(ctx, op, 0)->shape.rank;
    oc_tensor *out = oc_out(ctx, op, 0);
    if (out->dtype == OC_I64)
        *(int64_t *)out->data = r;
    else
        *(int32_t *)out->data = r;
    return OC_OK;
}

const oc_op_def oc_op_RANK = {"RANK", OC_OPF_SHAPE_ONLY, NULL, rank_prepare, rank_eval, NULL};
