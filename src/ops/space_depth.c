/* SPACE_TO_DEPTH and DEPTH_TO_SPACE on NHWC tensors (TensorFlow's DCR order: the channel index
 * is (bh * block + bw) * C + c). Both are 6-D transposes run through oc_view. */
#include "ops/layout_params.h"
#include "ops/layout_util.h"

static const oc_block_params block_defaults = {0};

static oc_status block_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_block_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->block_size = oc_fbt_i32(&op->options, 0, 0);
    op->params = p;
    return OC_OK;
}

/* Checks the input and computes the output shape and the gather view. */
static oc_status plan(oc_ctx *ctx, oc_op *op, bool to_depth, oc_shape *s, oc_view *v)
{
    const oc_block_params *p = op->params ? op->params : &block_defaults;
    const oc_tensor *in = oc_in(ctx, op, 0);
    if (in->shape.rank != 4)
        return oc_op_fail(ctx, op, "input must be 4-D, has rank %d", in->shape.rank);
    int64_t b = p->block_size;
    if (b < 1) return oc_op_fail(ctx, op, "block_size %lld must be positive", (long long)b);
    int64_t n = in->shape.dims[0], h = in->shape.dims[1], w = in->shape.dims[2];
    int64_t c = in->shape.dims[3];
    *s = in->shape;
    *v = (oc_view){.rank = 6};
    if (to_depth) {
        if (h % b || w % b)
            return oc_op_fail(ctx, op, "height %lld and width %lld must be multiples of %lld",
                              (long long)h, (long long)w, (long long)b);
        if (c * b * b > INT32_MAX) return oc_op_fail(ctx, op, "output depth too large");
        s->dims[1] = (int32_t)(h / b);
        s->dims[2] = (int32_t)(w / b);
        s->dims[3] = (int32_t)(c * b * b);
        /* out [n, h/b, w/b, bh, bw, c] <- in [n, h/b * b + bh, w/b * b + bw, c] */
        const int64_t d[6] = {n, h / b, w / b, b, b, c};
        const int64_t st[6] = {h * w * c, b * w * c, b * c, w * c, c, 1};
        for (int i = 0; i < 6; i++)
            v->dims[i] = d[i], v->stride[i] = st[i];
    } else {
        if (c % (b * b))
            return oc_op_fail(ctx, op, "depth %lld must be a multiple of %lld", (long long)c,
                              (long long)(b * b));
        if (h * b > INT32_MAX || w * b > INT32_MAX) return oc_op_fail(ctx, op, "output too large");
        int64_t oc = c / (b * b);
        s->dims[1] = (int32_t)(h * b);
        s->dims[2] = (int32_t)(w * b);
        s->dims[3] = (int32_t)oc;
        /* out [n, h, bh, w, bw, oc] <- in [n, h, w, (bh * b + bw) * oc + c] */
        const int64_t d[6] = {n, h, b, w, b, oc};
        const int64_t st[6] = {h * w * c, w * c, b * oc, c, oc, 1};
        for (int i = 0; i < 6; i++)
            v->dims[i] = d[i], v->stride[i] = st[i];
    }
    return OC_OK;
}

static oc_status prepare_common(oc_ctx *ctx, oc_op *op, bool to_depth)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, oc_in(ctx, op, 0), out));
    oc_shape s;
    oc_view v;
    OC_TRY(plan(ctx, op, to_depth, &s, &v));
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status eval_common(oc_ctx *ctx, oc_op *op, bool to_depth)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_shape s;
    oc_view v;
    OC_TRY(plan(ctx, op, to_depth, &s, &v));
    oc_view_copy(ctx->pool, oc_out(ctx, op, 0)->data, in->data, oc_dtype_size(in->dtype), &v);
    return OC_OK;
}

static oc_status s2d_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, true);
}
static oc_status s2d_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, true);
}
static oc_status d2s_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, false);
}
static oc_status d2s_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, false);
}

const oc_op_def oc_op_SPACE_TO_DEPTH = {"SPACE_TO_DEPTH", 0,        block_parse,
                                        s2d_prepare,      s2d_eval, NULL};
const oc_op_def oc_op_DEPTH_TO_SPACE = {"DEPTH_TO_SPACE", 0,        block_parse,
                                        d2s_prepare,      d2s_eval, NULL};
