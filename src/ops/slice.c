/* SLICE (begin + size, size -1 = to the end) and STRIDED_SLICE (begin/end/strides with the five
 * masks and the `offset` flag, TFLite semantics incl. ellipsis and new axes). Both become an
 * oc_view over the input: contiguous inner runs are memcpys, negative strides walk backwards. */
#include "ops/layout_params.h"
#include "ops/layout_util.h"

/* ---- SLICE ------------------------------------------------------------------------------- */

static oc_status slice_plan(oc_ctx *ctx, oc_op *op, oc_view *v)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int r = in->shape.rank, n;
    int64_t begin[OC_MAX_RANK], size[OC_MAX_RANK], st[OC_MAX_RANK];
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "begin", r, OC_MAX_RANK, begin, &n));
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 2), "size", r, OC_MAX_RANK, size, &n));
    oc_lu_strides(&in->shape, st);
    v->rank = r;
    v->base = 0;
    for (int i = 0; i < r; i++) {
        int64_t dim = in->shape.dims[i];
        if (begin[i] < 0 || begin[i] > dim)
            return oc_op_fail(ctx, op, "begin %lld is out of range for dimension %d of size %lld",
                              (long long)begin[i], i, (long long)dim);
        if (size[i] == -1) size[i] = dim - begin[i];
        if (size[i] < 0 || size[i] > dim - begin[i])
            return oc_op_fail(ctx, op, "size %lld at begin %lld exceeds dimension %d of size %lld",
                              (long long)size[i], (long long)begin[i], i, (long long)dim);
        v->dims[i] = size[i];
        v->stride[i] = st[i];
        v->base += begin[i] * st[i];
    }
    return OC_OK;
}

static oc_status slice_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, oc_in(ctx, op, 1), "begin"));
    OC_TRY(oc_lu_check_int(ctx, op, oc_in(ctx, op, 2), "size"));
    if (!oc_has_data(ctx, oc_in(ctx, op, 1)) || !oc_has_data(ctx, oc_in(ctx, op, 2)))
        return OC_DYNAMIC;
    oc_view v;
    OC_TRY(slice_plan(ctx, op, &v));
    oc_shape s = {.rank = v.rank};
    for (int i = 0; i < v.rank; i++)
        s.dims[i] = (int32_t)v.dims[i];
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status slice_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_view v;
    OC_TRY(slice_plan(ctx, op, &v));
    oc_view_copy(ctx->pool, oc_out(ctx, op, 0)->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

const oc_op_def oc_op_SLICE = {"SLICE", 0, NULL, slice_prepare, slice_eval, NULL};

/* ---- STRIDED_SLICE ----------------------------------------------------------------------- */

#define SS_MAX_SPECS 32 /* one mask bit per spec */

static oc_status ss_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_strided_slice_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->begin_mask = oc_fbt_i32(&op->options, 0, 0);
    p->end_mask = oc_fbt_i32(&op->options, 1, 0);
    p->ellipsis_mask = oc_fbt_i32(&op->options, 2, 0);
    p->new_axis_mask = oc_fbt_i32(&op->options, 3, 0);
    p->shrink_axis_mask = oc_fbt_i32(&op->options, 4, 0);
    p->offset = oc_fbt_bool(&op->options, 5, false);
    op->params = p;
    return OC_OK;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static bool bit(uint32_t mask, int i)
{
    return i >= 0 && i < 32 && ((mask >> i) & 1u);
}

/* One effective axis after ellipsis / new-axis expansion. */
typedef struct ss_axis {
    int64_t dim, in_stride, begin, end, stride;
    bool bmask, emask, shrink;
} ss_axis;

/* Start and element count of one axis (TFLite StridedSliceStartForAxis/EndForAxis). */
static oc_status ss_range(oc_ctx *ctx, oc_op *op, const ss_axis *a, bool offset, int idx,
                          int64_t *start, int64_t *count)
{
    int64_t dim = a->dim, s = a->stride;
    if (s == 0) return oc_op_fail(ctx, op, "stride of axis %d is zero", idx);
    int64_t b = a->begin;
    if (b < 0) b += dim;
    b = s > 0 ? clamp64(b, 0, dim) : clamp64(b, -1, dim - 1);
    if (a->bmask) b = s > 0 ? 0 : dim - 1;
    if (a->shrink) {
        if (b < 0 || b >= dim)
            return oc_op_fail(ctx, op, "index %lld is out of range for axis %d of size %lld",
                              (long long)a->begin, idx, (long long)dim);
        *start = b;
        *count = 1;
        return OC_OK;
    }
    int64_t e = a->end;
    if (offset) e += b;
    if (e < 0) e += dim;
    e = s > 0 ? clamp64(e, 0, dim) : clamp64(e, -1, dim - 1);
    if (a->emask) e = s > 0 ? dim : -1;
    int64_t d = e - b, n = 0;
    if (s > 0 && d > 0) n = (d + s - 1) / s;
    if (s < 0 && d < 0) n = (-d + -s - 1) / -s;
    *start = b;
    *count = n;
    return OC_OK;
}

static oc_status ss_plan(oc_ctx *ctx, oc_op *op, oc_view *v, oc_shape *out_shape)
{
    static const oc_strided_slice_params defaults = {0};
    const oc_strided_slice_params *p = op->params ? op->params : &defaults;
    const oc_tensor *in = oc_in(ctx, op, 0);
    int64_t begin[SS_MAX_SPECS], end[SS_MAX_SPECS], strides[SS_MAX_SPECS];
    int n, ne, ns;
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "begin", -1, SS_MAX_SPECS, begin, &n));
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 2), "end", n, SS_MAX_SPECS, end, &ne));
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 3), "strides", n, SS_MAX_SPECS, strides, &ns));
    const uint32_t bm = (uint32_t)p->begin_mask, em = (uint32_t)p->end_mask;
    const uint32_t elm = (uint32_t)p->ellipsis_mask, nam = (uint32_t)p->new_axis_mask;
    const uint32_t sam = (uint32_t)p->shrink_axis_mask;
    if (__builtin_popcount(elm) > 1) return oc_op_fail(ctx, op, "more than one ellipsis");

    const int in_rank = in->shape.rank;
    int num_add = 0;
    for (int i = 0; i < n; i++)
        num_add += !bit(elm, i) && bit(nam, i);
    const int eff = in_rank + num_add;
    if (eff > OC_MAX_RANK) return oc_op_fail(ctx, op, "effective rank %d too large", eff);

    /* where the ellipsis lands in the effective dims, and which effective dims are new */
    uint32_t eff_ell = 0, eff_new = 0;
    int ell_start = eff, expanded = 0;
    for (int i = 0; i < eff;) {
        if (bit(elm, i)) {
            ell_start = i;
            int stop = i + 1 + num_add + in_rank - n;
            if (stop > eff) stop = eff;
            if (stop < i + 1) stop = i + 1;
            expanded = stop - ell_start - 1;
            for (; i < stop; i++)
                eff_ell |= 1u << i;
            continue;
        }
        if (bit(nam, i - expanded)) eff_new |= 1u << i;
        i++;
    }

    int64_t in_st[OC_MAX_RANK];
    oc_lu_strides(&in->shape, in_st);
    int added_ell = 0, added_axes = 0;
    v->rank = eff;
    v->base = 0;
    out_shape->rank = 0;
    for (int i = 0; i < eff; i++) {
        ss_axis a = {.stride = 1};
        bool is_new = false;
        if (bit(eff_ell, i)) {
            added_ell = i - ell_start;
            a.bmask = a.emask = true;
        } else if (bit(eff_new, i)) {
            a.begin = 0;
            a.end = 1;
            is_new = true;
            added_axes++;
        } else if (i >= n + expanded) {
            a.bmask = a.emask = true;
        } else {
            int o = i - added_ell;
            a.begin = begin[o];
            a.end = end[o];
            a.stride = strides[o];
            a.bmask = bit(bm, o);
            a.emask = bit(em, o);
            a.shrink = bit(sam, o);
        }
        if (is_new) {
            a.dim = 1;
            a.in_stride = 0;
        } else {
            int ax = i - added_axes;
            if (ax < 0 || ax >= in_rank)
                return oc_op_fail(ctx, op, "slice specification does not fit rank %d", in_rank);
            a.dim = in->shape.dims[ax];
            a.in_stride = in_st[ax];
        }
        int64_t start = 0, count = 0;
        OC_TRY(ss_range(ctx, op, &a, p->offset && !is_new, i, &start, &count));
        v->dims[i] = count;
        v->stride[i] = a.in_stride * a.stride;
        if (count > 0) v->base += start * a.in_stride;
        if (!a.shrink) out_shape->dims[out_shape->rank++] = (int32_t)count;
    }
    return OC_OK;
}

static oc_status ss_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 4, 4, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    for (int i = 1; i < 4; i++) {
        const oc_tensor *t = oc_in(ctx, op, i);
        OC_TRY(oc_lu_check_int(ctx, op, t, i == 1 ? "begin" : i == 2 ? "end" : "strides"));
        if (!oc_has_data(ctx, t)) return OC_DYNAMIC;
    }
    oc_view v;
    oc_shape s;
    OC_TRY(ss_plan(ctx, op, &v, &s));
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status ss_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_view v;
    oc_shape s;
    OC_TRY(ss_plan(ctx, op, &v, &s));
    oc_view_copy(ctx->pool, oc_out(ctx, op, 0)->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

const oc_op_def oc_op_STRIDED_SLICE = {"STRIDED_SLICE", 0, ss_parse, ss_prepare, ss_eval, NULL};
