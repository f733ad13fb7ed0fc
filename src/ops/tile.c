/* TILE (repeat the input `multiples[i]` times along each dim) and BROADCAST_TO (numpy
 * broadcast to a given shape). TILE builds each dim's block once and replicates it with
 * doubling memcpys; BROADCAST_TO is an oc_view with zero strides. */
#include <string.h>

#include "ops/layout_util.h"

/* ---- TILE -------------------------------------------------------------------------------- */

static oc_status tile_plan(oc_ctx *ctx, oc_op *op, int64_t *mult, oc_shape *s)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int r = in->shape.rank, n;
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "multiples", r, OC_MAX_RANK, mult, &n));
    s->rank = r;
    for (int i = 0; i < r; i++) {
        int64_t d = in->shape.dims[i] * (mult[i] > INT32_MAX ? INT32_MAX : mult[i]);
        if (mult[i] < 0 || mult[i] > INT32_MAX || d > INT32_MAX)
            return oc_op_fail(ctx, op, "invalid multiple %lld for dimension %d", (long long)mult[i],
                              i);
        s->dims[i] = (int32_t)d;
    }
    return OC_OK;
}

static oc_status tile_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *mt = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, mt, "multiples"));
    if (!oc_has_data(ctx, mt)) return OC_DYNAMIC;
    int64_t mult[OC_MAX_RANK];
    oc_shape s;
    OC_TRY(tile_plan(ctx, op, mult, &s));
    return oc_set_shape(ctx, op, out, &s);
}

/* Repeats the first `have` bytes of dst until `total` bytes are filled. */
static void replicate(char *dst, size_t have, size_t total)
{
    while (have < total) {
        size_t n = have < total - have ? have : total - have;
        memcpy(dst + have, dst, n);
        have += n;
    }
}

/* Tiles dims [d, rank) of in into out; returns the bytes written. */
static size_t tile_dim(const oc_shape *is, const int64_t *mult, int d, const char *in, char *out,
                       size_t es)
{
    size_t inner_in = (size_t)oc_shape_span(is, d + 1, is->rank) * es;
    size_t block = 0;
    if (d == is->rank - 1) {
        block = (size_t)is->dims[d] * es;
        memcpy(out, in, block);
    } else {
        for (int32_t i = 0; i < is->dims[d]; i++)
            block += tile_dim(is, mult, d + 1, in + i * inner_in, out + block, es);
    }
    replicate(out, block, block * (size_t)mult[d]);
    return block * (size_t)mult[d];
}

static oc_status tile_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    int64_t mult[OC_MAX_RANK];
    oc_shape s;
    OC_TRY(tile_plan(ctx, op, mult, &s));
    size_t es = oc_dtype_size(in->dtype);
    if (oc_shape_count(&s) == 0) return OC_OK;
    if (s.rank == 0) {
        memcpy(out->data, in->data, es);
        return OC_OK;
    }
    tile_dim(&in->shape, mult, 0, in->data, out->data, es);
    return OC_OK;
}

const oc_op_def oc_op_TILE = {"TILE", 0, NULL, tile_prepare, tile_eval, NULL};

/* ---- BROADCAST_TO ------------------------------------------------------------------------ */

static oc_status bcast_plan(oc_ctx *ctx, oc_op *op, oc_view *v)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int64_t dims[OC_MAX_RANK], st[OC_MAX_RANK];
    int n;
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "shape", -1, OC_MAX_RANK, dims, &n));
    int r = in->shape.rank;
    if (n < r) return oc_op_fail(ctx, op, "target rank %d is below the input rank %d", n, r);
    oc_lu_strides(&in->shape, st);
    v->rank = n;
    v->base = 0;
    for (int i = 0; i < n; i++) {
        int k = i - (n - r); /* matching input dim, or < 0 for new leading dims */
        int64_t id = k >= 0 ? in->shape.dims[k] : 1;
        if (dims[i] < 0 || dims[i] > INT32_MAX || (id != dims[i] && id != 1)) {
            char buf[96];
            return oc_op_fail(ctx, op, "cannot broadcast %s to dimension %d of size %lld",
                              oc_shape_str(&in->shape, buf, sizeof buf), i, (long long)dims[i]);
        }
        v->dims[i] = dims[i];
        v->stride[i] = (k >= 0 && id != 1) ? st[k] : 0;
    }
    return OC_OK;
}

static oc_status bcast_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *sh = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, sh, "shape"));
    if (!oc_has_data(ctx, sh)) return OC_DYNAMIC;
    oc_view v;
    OC_TRY(bcast_plan(ctx, op, &v));
    oc_shape s = {.rank = v.rank};
    for (int i = 0; i < v.rank; i++)
        s.dims[i] = (int32_t)v.dims[i];
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status bcast_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_view v;
    OC_TRY(bcast_plan(ctx, op, &v));
    oc_view_copy(ctx->pool, oc_out(ctx, op, 0)->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

const oc_op_def oc_op_BROADCAST_TO = {"BROADCAST_TO", 0, NULL, bcast_prepare, bcast_eval, NULL};
