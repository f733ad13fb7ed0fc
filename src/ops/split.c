/* SPLIT (equal parts; the axis is input 0) and SPLIT_V (sizes from input 1 with at most one -1,
 * axis input 2). For each outer index every output receives one contiguous run. */
#include <stdlib.h>
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

static oc_status split_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_split_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->num_splits = oc_fbt_i32(&op->options, 0, 0);
    op->params = p;
    return OC_OK;
}

/* Reads the one-element axis tensor and normalizes it against the data rank. */
static oc_status read_axis(oc_ctx *ctx, oc_op *op, const oc_tensor *at, int rank, int *axis)
{
    int64_t v;
    int n;
    OC_TRY(oc_lu_check_int(ctx, op, at, "axis"));
    if (oc_tensor_count(at) != 1) return oc_op_fail(ctx, op, "axis must have one element");
    OC_TRY(oc_lu_read_ints(ctx, op, at, "axis", 1, 1, &v, &n));
    return oc_lu_axis(ctx, op, v, rank, axis);
}

/* The split plan: axis and one size per output (sizes: noutputs entries, caller-owned). */
static oc_status plan(oc_ctx *ctx, oc_op *op, bool is_v, int *axis, int64_t *sizes)
{
    static const oc_split_params defaults = {0};
    const oc_split_params *p = op->params ? op->params : &defaults;
    const oc_tensor *in = oc_in(ctx, op, is_v ? 0 : 1);
    const oc_tensor *at = oc_in(ctx, op, is_v ? 2 : 0);
    int nout = op->noutputs;
    if (p->num_splits != 0 && p->num_splits != nout)
        return oc_op_fail(ctx, op, "num_splits %d does not match %d outputs", p->num_splits, nout);
    OC_TRY(read_axis(ctx, op, at, in->shape.rank, axis));
    int64_t dim = in->shape.dims[*axis];
    if (!is_v) {
        if (dim % nout != 0)
            return oc_op_fail(ctx, op, "dimension %lld is not divisible into %d parts",
                              (long long)dim, nout);
        for (int k = 0; k < nout; k++)
            sizes[k] = dim / nout;
        return OC_OK;
    }
    const oc_tensor *st = oc_in(ctx, op, 1);
    OC_TRY(oc_lu_check_int(ctx, op, st, "size_splits"));
    if (st->shape.rank > 1 || oc_tensor_count(st) != nout)
        return oc_op_fail(ctx, op, "size_splits must be a vector of %d elements", nout);
    int64_t sum = 0;
    int minus = -1;
    for (int k = 0; k < nout; k++) {
        sizes[k] = oc_lu_int_at(st, k);
        if (sizes[k] == -1) {
            if (minus >= 0) return oc_op_fail(ctx, op, "more than one -1 in size_splits");
            minus = k;
        } else if (sizes[k] < 0 || sizes[k] > dim) {
            return oc_op_fail(ctx, op, "invalid split size %lld", (long long)sizes[k]);
        } else {
            sum += sizes[k];
        }
    }
    if (minus >= 0) {
        if (sum > dim)
            return oc_op_fail(ctx, op, "split sizes sum to %lld, more than dimension %lld",
                              (long long)sum, (long long)dim);
        sizes[minus] = dim - sum;
    } else if (sum != dim) {
        return oc_op_fail(ctx, op, "split sizes sum to %lld, expected %lld", (long long)sum,
                          (long long)dim);
    }
    return OC_OK;
}

static oc_status prepare_common(oc_ctx *ctx, oc_op *op, bool is_v)
{
    if (op->noutputs < 1) return oc_op_fail(ctx, op, "needs at least one output");
    OC_TRY(oc_check_io(ctx, op, 2 + is_v, 2 + is_v, op->noutputs));
    const oc_tensor *in = oc_in(ctx, op, is_v ? 0 : 1);
    for (int k = 0; k < op->noutputs; k++)
        OC_TRY(oc_lu_check_same(ctx, op, in, oc_out(ctx, op, k)));
    if (!oc_has_data(ctx, oc_in(ctx, op, is_v ? 2 : 0))) return OC_DYNAMIC;
    if (is_v && !oc_has_data(ctx, oc_in(ctx, op, 1))) return OC_DYNAMIC;
    int64_t *sizes = malloc(sizeof *sizes * (size_t)op->noutputs);
    if (!sizes) return OC_NOMEMF(ctx->err);
    int axis;
    oc_status st = plan(ctx, op, is_v, &axis, sizes);
    for (int k = 0; st == OC_OK && k < op->noutputs; k++) {
        oc_shape s = in->shape;
        s.dims[axis] = (int32_t)sizes[k];
        st = oc_set_shape(ctx, op, oc_out(ctx, op, k), &s);
    }
    free(sizes);
    return st;
}

static oc_status eval_common(oc_ctx *ctx, oc_op *op, bool is_v)
{
    const oc_tensor *in = oc_in(ctx, op, is_v ? 0 : 1);
    int64_t *sizes = malloc(sizeof *sizes * (size_t)op->noutputs);
    if (!sizes) return OC_NOMEMF(ctx->err);
    int axis;
    oc_status st = plan(ctx, op, is_v, &axis, sizes);
    if (st == OC_OK) {
        size_t es = oc_dtype_size(in->dtype);
        int64_t outer = oc_shape_span(&in->shape, 0, axis);
        int64_t inner = oc_shape_span(&in->shape, axis + 1, in->shape.rank);
        const char *src = in->data;
        for (int64_t o = 0; o < outer; o++) {
            for (int k = 0; k < op->noutputs; k++) {
                size_t run = (size_t)(sizes[k] * inner) * es;
                if (run) memcpy((char *)oc_out(ctx, op, k)->data + (size_t)o * run, src, run);
                src += run;
            }
        }
    }
    free(sizes);
    return st;
}

static oc_status split_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, false);
}
static oc_status split_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, false);
}
static oc_status split_v_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, true);
}
static oc_status split_v_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, true);
}

const oc_op_def oc_op_SPLIT = {"SPLIT", 0, split_parse, split_prepare, split_eval, NULL};
const oc_op_def oc_op_SPLIT_V = {"SPLIT_V", 0, split_parse, split_v_prepare, split_v_eval, NULL};
