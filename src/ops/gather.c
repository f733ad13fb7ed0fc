/* GATHER (slices along one axis, with batch_dims) and GATHER_ND (slices addressed by index
 * tuples). Indices come from tensors that may change every run, so eval checks every index
 * before copying anything; an index out of range is an error, never an out-of-bounds read. */
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

/* ---- GATHER ------------------------------------------------------------------------------ */

static const oc_gather_params gather_defaults = {0, 0};

static oc_status gather_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_gather_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->axis = oc_fbt_i32(&op->options, 0, 0);
    p->batch_dims = oc_fbt_i32(&op->options, 1, 0);
    op->params = p;
    return OC_OK;
}

/* Normalized axis and batch_dims, checked against both shapes. */
static oc_status gather_axes(oc_ctx *ctx, oc_op *op, int *axis, int *batch_dims)
{
    const oc_gather_params *p = op->params ? op->params : &gather_defaults;
    const oc_tensor *in = oc_in(ctx, op, 0), *idx = oc_in(ctx, op, 1);
    if (in->shape.rank == 0) return oc_op_fail(ctx, op, "cannot gather from a scalar");
    OC_TRY(oc_lu_axis(ctx, op, p->axis, in->shape.rank, axis));
    int bd = p->batch_dims < 0 ? p->batch_dims + idx->shape.rank : p->batch_dims;
    if (bd < 0 || bd > idx->shape.rank || bd > *axis)
        return oc_op_fail(ctx, op, "batch_dims %d is invalid for axis %d and indices rank %d",
                          p->batch_dims, *axis, idx->shape.rank);
    for (int i = 0; i < bd; i++)
        if (in->shape.dims[i] != idx->shape.dims[i])
            return oc_op_fail(ctx, op, "batch dimension %d differs: %d vs %d", i, in->shape.dims[i],
                              idx->shape.dims[i]);
    *batch_dims = bd;
    return OC_OK;
}

static oc_status gather_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *idx = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, idx, "indices"));
    int axis, bd;
    OC_TRY(gather_axes(ctx, op, &axis, &bd));
    int r = axis + (idx->shape.rank - bd) + (in->shape.rank - axis - 1);
    if (r > OC_MAX_RANK) return oc_op_fail(ctx, op, "output rank %d too large", r);
    oc_shape s = {.rank = 0};
    for (int i = 0; i < axis; i++)
        s.dims[s.rank++] = in->shape.dims[i];
    for (int i = bd; i < idx->shape.rank; i++)
        s.dims[s.rank++] = idx->shape.dims[i];
    for (int i = axis + 1; i < in->shape.rank; i++)
        s.dims[s.rank++] = in->shape.dims[i];
    return oc_set_shape(ctx, op, out, &s);
}

typedef struct gather_job {
    const oc_tensor *in, *idx;
    char *out;
    int64_t outer, coords, axis_size, inner, rows, per_task;
    size_t es;
} gather_job;

/* Output rows are ordered (batch, outer, coord); each is one contiguous run of `inner`. */
static void gather_task(void *arg, size_t task)
{
    const gather_job *j = arg;
    int64_t r0 = (int64_t)task * j->per_task;
    int64_t r1 = r0 + j->per_task < j->rows ? r0 + j->per_task : j->rows;
    size_t run = (size_t)j->inner * j->es;
    const char *src = j->in->data;
    for (int64_t r = r0; r < r1; r++) {
        int64_t c = r % j->coords, bo = r / j->coords; /* bo = batch * outer + outer index */
        int64_t b = bo / j->outer;
        int64_t k = oc_lu_int_at(j->idx, b * j->coords + c);
        memcpy(j->out + (size_t)r * run, src + (size_t)((bo * j->axis_size + k) * j->inner) * j->es,
               run);
    }
}

static oc_status gather_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0), *idx = oc_in(ctx, op, 1);
    int axis, bd;
    OC_TRY(gather_axes(ctx, op, &axis, &bd));
    gather_job j = {
        .in = in, .idx = idx, .out = oc_out(ctx, op, 0)->data, .es = oc_dtype_size(in->dtype)};
    int64_t batches = oc_shape_span(&in->shape, 0, bd);
    j.outer = oc_shape_span(&in->shape, bd, axis);
    j.coords = oc_shape_span(&idx->shape, bd, idx->shape.rank);
    j.axis_size = in->shape.dims[axis];
    j.inner = oc_shape_span(&in->shape, axis + 1, in->shape.rank);
    int64_t nidx = oc_tensor_count(idx);
    for (int64_t i = 0; i < nidx; i++) {
        int64_t k = oc_lu_int_at(idx, i);
        if (k < 0 || k >= j.axis_size)
            return oc_op_fail(ctx, op, "index %lld at position %lld is out of range [0, %lld)",
                              (long long)k, (long long)i, (long long)j.axis_size);
    }
    j.rows = batches * j.outer * j.coords;
    if (j.rows == 0 || j.inner == 0) return OC_OK;
    int64_t tasks = j.rows * j.inner / (1 << 15) + 1;
    if (tasks > j.rows) tasks = j.rows;
    j.per_task = (j.rows + tasks - 1) / tasks;
    oc_parallel_for(ctx->pool, (size_t)((j.rows + j.per_task - 1) / j.per_task), gather_task, &j);
    return OC_OK;
}

const oc_op_def oc_op_GATHER = {"GATHER", 0, gather_parse, gather_prepare, gather_eval, NULL};

/* ---- GATHER_ND --------------------------------------------------------------------------- */

static oc_status gather_nd_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *idx = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, idx, "indices"));
    if (in->shape.rank < 1) return oc_op_fail(ctx, op, "params must be at least a vector");
    if (idx->shape.rank < 1) return oc_op_fail(ctx, op, "indices must be at least a vector");
    int depth = idx->shape.dims[idx->shape.rank - 1];
    if (depth > in->shape.rank)
        return oc_op_fail(ctx, op, "index depth %d exceeds params rank %d", depth, in->shape.rank);
    int r = idx->shape.rank - 1 + in->shape.rank - depth;
    if (r > OC_MAX_RANK) return oc_op_fail(ctx, op, "output rank %d too large", r);
    oc_shape s = {.rank = 0};
    for (int i = 0; i < idx->shape.rank - 1; i++)
        s.dims[s.rank++] = idx->shape.dims[i];
    for (int i = depth; i < in->shape.rank; i++)
        s.dims[s.rank++] = in->shape.dims[i];
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status gather_nd_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0), *idx = oc_in(ctx, op, 1);
    char *out = oc_out(ctx, op, 0)->data;
    int depth = idx->shape.dims[idx->shape.rank - 1];
    int64_t n = oc_shape_span(&idx->shape, 0, idx->shape.rank - 1);
    int64_t slice = oc_shape_span(&in->shape, depth, in->shape.rank);
    int64_t st[OC_MAX_RANK];
    oc_lu_strides(&in->shape, st);
    size_t es = oc_dtype_size(in->dtype), run = (size_t)slice * es;
    /* check every index tuple before the first write */
    for (int64_t i = 0; i < n; i++) {
        for (int d = 0; d < depth; d++) {
            int64_t k = oc_lu_int_at(idx, i * depth + d);
            if (k < 0 || k >= in->shape.dims[d])
                return oc_op_fail(ctx, op, "index %lld of tuple %lld is out of range [0, %d)",
                                  (long long)k, (long long)i, in->shape.dims[d]);
        }
    }
    if (!run) return OC_OK;
    for (int64_t i = 0; i < n; i++) {
        int64_t off = 0;
        for (int d = 0; d < depth; d++)
            off += oc_lu_int_at(idx, i * depth + d) * st[d];
        memcpy(out + (size_t)i * run, (const char *)in->data + (size_t)off * es, run);
    }
    return OC_OK;
}

const oc_op_def oc_op_GATHER_ND = {"GATHER_ND", 0, NULL, gather_nd_prepare, gather_nd_eval, NULL};
