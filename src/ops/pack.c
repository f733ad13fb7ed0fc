/* PACK (stack N equal-shaped tensors along a new axis) and UNPACK (its inverse). Both move one
 * contiguous run per (outer index, tensor). */
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

static const oc_pack_params pack_defaults = {0, 0};

static oc_status pack_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_pack_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->count = oc_fbt_i32(&op->options, 0, 0);
    p->axis = oc_fbt_i32(&op->options, 1, 0);
    op->params = p;
    return OC_OK;
}

/* ---- PACK -------------------------------------------------------------------------------- */

static oc_status pack_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_pack_params *p = op->params ? op->params : &pack_defaults;
    if (op->ninputs < 1) return oc_op_fail(ctx, op, "needs at least one input");
    OC_TRY(oc_check_io(ctx, op, op->ninputs, op->ninputs, 1));
    if (p->count != 0 && p->count != op->ninputs)
        return oc_op_fail(ctx, op, "values_count %d does not match %d inputs", p->count,
                          op->ninputs);
    const oc_tensor *in0 = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in0, out));
    int r = in0->shape.rank, axis;
    if (r + 1 > OC_MAX_RANK) return oc_op_fail(ctx, op, "output rank %d too large", r + 1);
    OC_TRY(oc_lu_axis(ctx, op, p->axis, r + 1, &axis));
    for (int i = 1; i < op->ninputs; i++) {
        const oc_tensor *t = oc_in(ctx, op, i);
        OC_TRY(oc_check_dtype(ctx, op, t, in0->dtype));
        if (!oc_shape_equal(&t->shape, &in0->shape)) {
            char a[96], b[96];
            return oc_op_fail(ctx, op, "input %d shape %s differs from %s", i,
                              oc_shape_str(&t->shape, a, sizeof a),
                              oc_shape_str(&in0->shape, b, sizeof b));
        }
    }
    oc_shape s = {.rank = r + 1};
    for (int i = 0, k = 0; i < r + 1; i++)
        s.dims[i] = i == axis ? op->ninputs : in0->shape.dims[k++];
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status pack_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_pack_params *p = op->params ? op->params : &pack_defaults;
    const oc_tensor *in0 = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    int axis;
    OC_TRY(oc_lu_axis(ctx, op, p->axis, in0->shape.rank + 1, &axis));
    size_t es = oc_dtype_size(in0->dtype);
    int64_t outer = oc_shape_span(&in0->shape, 0, axis);
    size_t run = (size_t)oc_shape_span(&in0->shape, axis, in0->shape.rank) * es;
    if (!run) return OC_OK;
    char *dst = out->data;
    for (int64_t o = 0; o < outer; o++)
        for (int i = 0; i < op->ninputs; i++, dst += run)
            memcpy(dst, (const char *)oc_in(ctx, op, i)->data + (size_t)o * run, run);
    return OC_OK;
}

const oc_op_def oc_op_PACK = {"PACK", 0, pack_parse, pack_prepare, pack_eval, NULL};

/* ---- UNPACK ------------------------------------------------------------------------------ */

static oc_status unpack_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_pack_params *p = op->params ? op->params : &pack_defaults;
    if (op->noutputs < 1) return oc_op_fail(ctx, op, "needs at least one output");
    OC_TRY(oc_check_io(ctx, op, 1, 1, op->noutputs));
    const oc_tensor *in = oc_in(ctx, op, 0);
    int r = in->shape.rank, axis;
    if (r == 0) return oc_op_fail(ctx, op, "cannot unpack a scalar");
    OC_TRY(oc_lu_axis(ctx, op, p->axis, r, &axis));
    int32_t dim = in->shape.dims[axis];
    if (dim != op->noutputs || (p->count != 0 && p->count != dim))
        return oc_op_fail(ctx, op, "dimension %d of size %d cannot give num=%d / %d outputs", axis,
                          dim, p->count, op->noutputs);
    oc_shape s = {.rank = r - 1};
    for (int i = 0, k = 0; i < r; i++)
        if (i != axis) s.dims[k++] = in->shape.dims[i];
    for (int k = 0; k < op->noutputs; k++) {
        oc_tensor *out = oc_out(ctx, op, k);
        OC_TRY(oc_lu_check_same(ctx, op, in, out));
        OC_TRY(oc_set_shape(ctx, op, out, &s));
    }
    return OC_OK;
}

static oc_status unpack_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_pack_params *p = op->params ? op->params : &pack_defaults;
    const oc_tensor *in = oc_in(ctx, op, 0);
    int axis;
    OC_TRY(oc_lu_axis(ctx, op, p->axis, in->shape.rank, &axis));
    size_t es = oc_dtype_size(in->dtype);
    int64_t outer = oc_shape_span(&in->shape, 0, axis);
    size_t run = (size_t)oc_shape_span(&in->shape, axis + 1, in->shape.rank) * es;
    if (!run) return OC_OK;
    const char *src = in->data;
    for (int64_t o = 0; o < outer; o++)
        for (int k = 0; k < op->noutputs; k++, src += run)
            memcpy((char *)oc_out(ctx, op, k)->data + (size_t)o * run, src, run);
    return OC_OK;
}

const oc_op_def oc_op_UNPACK = {"UNPACK", 0, pack_parse, unpack_prepare, unpack_eval, NULL};
