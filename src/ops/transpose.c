/* TRANSPOSE: output dim i is input dim perm[i]. The copy runs through oc_view, which merges
 * dims that stay adjacent, so NHWC<->NCHW becomes a blocked 2-D transpose. */
#include "ops/layout_util.h"

/* Reads and checks perm (a permutation of [0, rank), negative entries count from the end). */
static oc_status read_perm(oc_ctx *ctx, oc_op *op, int *perm)
{
    const oc_tensor *in = oc_in(ctx, op, 0), *pt = oc_in(ctx, op, 1);
    int r = in->shape.rank;
    int64_t v[OC_MAX_RANK];
    int n;
    OC_TRY(oc_lu_read_ints(ctx, op, pt, "perm", r, OC_MAX_RANK, v, &n));
    bool seen[OC_MAX_RANK] = {false};
    for (int i = 0; i < r; i++) {
        OC_TRY(oc_lu_axis(ctx, op, v[i], r, &perm[i]));
        if (seen[perm[i]]) return oc_op_fail(ctx, op, "perm repeats dimension %d", perm[i]);
        seen[perm[i]] = true;
    }
    return OC_OK;
}

static oc_status transpose_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *pt = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, pt, "perm"));
    if (!oc_has_data(ctx, pt)) return OC_DYNAMIC;
    int perm[OC_MAX_RANK];
    OC_TRY(read_perm(ctx, op, perm));
    oc_shape s = {.rank = in->shape.rank};
    for (int i = 0; i < s.rank; i++)
        s.dims[i] = in->shape.dims[perm[i]];
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status transpose_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    int perm[OC_MAX_RANK];
    OC_TRY(read_perm(ctx, op, perm));
    int64_t st[OC_MAX_RANK];
    oc_lu_strides(&in->shape, st);
    oc_view v = {.rank = in->shape.rank};
    for (int i = 0; i < v.rank; i++) {
        v.dims[i] = in->shape.dims[perm[i]];
        v.stride[i] = st[perm[i]];
    }
    oc_view_copy(ctx->pool, out->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

const oc_op_def oc_op_TRANSPOSE = {"TRANSPOSE", 0, NULL, transpose_prepare, transpose_eval, NULL};
