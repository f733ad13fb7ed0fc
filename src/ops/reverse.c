/* REVERSE_V2: reverses the input along each axis listed in input 1 (an oc_view with negative
 * strides: the untouched inner dims still copy as contiguous runs). */
#include "ops/layout_util.h"

static oc_status reverse_plan(oc_ctx *ctx, oc_op *op, oc_view *v)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int r = in->shape.rank, n;
    int64_t axes[OC_MAX_RANK], st[OC_MAX_RANK];
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "axis", -1, OC_MAX_RANK, axes, &n));
    bool flip[OC_MAX_RANK] = {false};
    for (int i = 0; i < n; i++) {
        int a;
        OC_TRY(oc_lu_axis(ctx, op, axes[i], r, &a));
        if (flip[a]) return oc_op_fail(ctx, op, "axis %d listed twice", a);
        flip[a] = true;
    }
    oc_lu_strides(&in->shape, st);
    v->rank = r;
    v->base = 0;
    for (int i = 0; i < r; i++) {
        v->dims[i] = in->shape.dims[i];
        v->stride[i] = flip[i] ? -st[i] : st[i];
        if (flip[i] && v->dims[i] > 0) v->base += (v->dims[i] - 1) * st[i];
    }
    return OC_OK;
}

static oc_status reverse_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *at = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, at, "axis"));
    if (!oc_has_data(ctx, at)) return OC_DYNAMIC;
    oc_view v;
    OC_TRY(reverse_plan(ctx, op, &v));
    return oc_set_shape(ctx, op, out, &in->shape);
}

static oc_status reverse_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_view v;
    OC_TRY(reverse_plan(ctx, op, &v));
    oc_view_copy(ctx->pool, oc_out(ctx, op, 0)->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

const oc_op_def oc_op_REVERSE_V2 = {"REVERSE_V2", 0, NULL, reverse_prepare, reverse_eval, NULL};
