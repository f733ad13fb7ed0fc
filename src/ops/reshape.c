/* RESHAPE, SQUEEZE, EXPAND_DIMS: a new shape over the same bytes (eval is one memcpy). */
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

static oc_status copy_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (out->data != in->data && out->bytes) memcpy(out->data, in->data, out->bytes);
    return OC_OK;
}

/* Reads an int vector field of an options table into dims[] (at most OC_MAX_RANK). */
static oc_status parse_dims(const oc_op *op, int id, const char *what, int32_t *dims, int32_t *n,
                            oc_err *err)
{
    oc_fbv v;
    OC_TRY(oc_fbt_vector(&op->options, id, 4, &v, err));
    if (v.len > OC_MAX_RANK)
        return OC_ERRF(err, "%s: %s has %u entries, at most %d supported", oc_opcode_name(op->code),
                       what, v.len, OC_MAX_RANK);
    for (uint32_t i = 0; i < v.len; i++)
        dims[i] = oc_fbv_i32(&v, i);
    *n = (int32_t)v.len;
    return OC_OK;
}

/* ---- RESHAPE ----------------------------------------------------------------------------- */

static oc_status reshape_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_reshape_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    OC_TRY(parse_dims(op, 0, "new_shape", p->dims, &p->ndims, err));
    op->params = p;
    return OC_OK;
}

static oc_status reshape_prepare(oc_ctx *ctx, oc_op *op)
{
    static const oc_reshape_params defaults = {0};
    const oc_reshape_params *p = op->params ? op->params : &defaults;
    OC_TRY(oc_check_io(ctx, op, 1, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *st = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));

    int64_t req[OC_MAX_RANK];
    int n = 0;
    if (st && st->shape.rank == 1) {
        /* a shape vector input wins over the options (TFLite) */
        if (!oc_has_data(ctx, st)) return OC_DYNAMIC;
        OC_TRY(oc_lu_read_ints(ctx, op, st, "shape", -1, OC_MAX_RANK, req, &n));
    } else {
        n = p->ndims;
        for (int i = 0; i < n; i++)
            req[i] = p->dims[i];
        if (n == 1 && req[0] == 0) n = 0; /* legacy converters wrote [0] for a scalar */
    }

    int64_t in_count = oc_tensor_count(in), known = 1;
    int stretch = -1;
    for (int i = 0; i < n; i++) {
        if (req[i] == -1) {
            if (stretch >= 0) return oc_op_fail(ctx, op, "more than one -1 in the new shape");
            stretch = i;
        } else if (req[i] < 0 || req[i] > INT32_MAX) {
            return oc_op_fail(ctx, op, "invalid dimension %lld in the new shape",
                              (long long)req[i]);
        } else if (__builtin_mul_overflow(known, req[i], &known)) {
            return oc_op_fail(ctx, op, "new shape is too large");
        }
    }
    if (stretch >= 0) {
        if (known == 0 || in_count % known != 0)
            return oc_op_fail(ctx, op, "cannot infer the -1 dimension: %lld elements into %lld",
                              (long long)in_count, (long long)known);
        req[stretch] = in_count / known;
        if (req[stretch] > INT32_MAX) return oc_op_fail(ctx, op, "inferred dimension too large");
        known = in_count;
    }
    if (known != in_count)
        return oc_op_fail(ctx, op, "cannot reshape %lld elements into %lld", (long long)in_count,
                          (long long)known);
    oc_shape s = {.rank = n};
    for (int i = 0; i < n; i++)
        s.dims[i] = (int32_t)req[i];
    return oc_set_shape(ctx, op, out, &s);
}

const oc_op_def oc_op_RESHAPE = {"RESHAPE", 0, reshape_parse, reshape_prepare, copy_eval, NULL};

/* ---- SQUEEZE ----------------------------------------------------------------------------- */

static oc_status squeeze_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_squeeze_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    OC_TRY(parse_dims(op, 0, "squeeze_dims", p->axes, &p->naxes, err));
    op->params = p;
    return OC_OK;
}

static oc_status squeeze_prepare(oc_ctx *ctx, oc_op *op)
{
    static const oc_squeeze_params defaults = {0};
    const oc_squeeze_params *p = op->params ? op->params : &defaults;
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    const oc_shape *is = &in->shape;
    bool drop[OC_MAX_RANK] = {false};
    if (p->naxes == 0) {
        for (int i = 0; i < is->rank; i++)
            drop[i] = is->dims[i] == 1;
    } else {
        for (int k = 0; k < p->naxes; k++) {
            int a;
            OC_TRY(oc_lu_axis(ctx, op, p->axes[k], is->rank, &a));
            if (is->dims[a] != 1)
                return oc_op_fail(ctx, op, "cannot squeeze dimension %d of size %d", a,
                                  is->dims[a]);
            drop[a] = true;
        }
    }
    oc_shape s = {0};
    for (int i = 0; i < is->rank; i++)
        if (!drop[i]) s.dims[s.rank++] = is->dims[i];
    return oc_set_shape(ctx, op, out, &s);
}

const oc_op_def oc_op_SQUEEZE = {"SQUEEZE", 0, squeeze_parse, squeeze_prepare, copy_eval, NULL};

/* ---- EXPAND_DIMS ------------------------------------------------------------------------- */

static oc_status expand_dims_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *at = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, at, "axis"));
    if (oc_tensor_count(at) != 1) return oc_op_fail(ctx, op, "axis must have one element");
    if (!oc_has_data(ctx, at)) return OC_DYNAMIC;
    int r = in->shape.rank;
    if (r + 1 > OC_MAX_RANK) return oc_op_fail(ctx, op, "output rank %d too large", r + 1);
    int a;
    OC_TRY(oc_lu_axis(ctx, op, oc_lu_int_at(at, 0), r + 1, &a));
    oc_shape s = {.rank = r + 1};
    for (int i = 0, k = 0; i < r + 1; i++)
        s.dims[i] = i == a ? 1 : in->shape.dims[k++];
    return oc_set_shape(ctx, op, out, &s);
}

const oc_op_def oc_op_EXPAND_DIMS = {"EXPAND_DIMS", 0, NULL, expand_dims_prepare, copy_eval, NULL};
