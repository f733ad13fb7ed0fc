/* FILL: a tensor of shape `dims` (input 0) whose every element is `value` (input 1). */
#include <string.h>

#include "ops/layout_util.h"

static oc_status fill_shape(oc_ctx *ctx, oc_op *op, oc_shape *s)
{
    int64_t d[OC_MAX_RANK];
    int n;
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 0), "dims", -1, OC_MAX_RANK, d, &n));
    s->rank = n;
    for (int i = 0; i < n; i++) {
        if (d[i] < 0 || d[i] > INT32_MAX)
            return oc_op_fail(ctx, op, "invalid dimension %lld", (long long)d[i]);
        s->dims[i] = (int32_t)d[i];
    }
    return OC_OK;
}

static oc_status fill_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *dims = oc_in(ctx, op, 0), *val = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, val, out));
    OC_TRY(oc_lu_check_int(ctx, op, dims, "dims"));
    if (dims->shape.rank != 1) return oc_op_fail(ctx, op, "dims must be a vector");
    if (oc_tensor_count(val) != 1) return oc_op_fail(ctx, op, "value must be a scalar");
    if (!oc_has_data(ctx, dims)) return OC_DYNAMIC;
    oc_shape s;
    OC_TRY(fill_shape(ctx, op, &s));
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status fill_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *val = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    unsigned char v[8] = {0};
    size_t es = oc_dtype_size(out->dtype);
    memcpy(v, val->data, es);
    oc_lu_fill(out->data, v, es, (size_t)oc_tensor_count(out));
    return OC_OK;
}

const oc_op_def oc_op_FILL = {"FILL", 0, NULL, fill_prepare, fill_eval, NULL};
