/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND for 3-D [N, H, C] and 4-D [N, H, W, C] tensors (a 3-D
 * tensor is handled as [N, H, 1, C] with block 1 and no padding on W). Batch b of the
 * blocked side holds spatial offset b / N_small = (sh * bw + sw) of batch b % N_small. */
#include <string.h>

#include "ops/layout_util.h"

/* Both ops in 4-D terms: the small-batch spatial tensor S [n, h, w, c] and the blocked tensor
 * B [n * bh * bw, bh_count..]: B(b, y, x) = S(b % n, y * bh + sh - top, x * bw + sw - left). */
typedef struct sb_plan {
    int64_t n, h, w, c; /* the spatial side (padded or cropped region excluded) */
    int64_t bh, bw;     /* block */
    int64_t top, left;  /* padding (S2B) or crop (B2S) before */
    int64_t oh, ow;     /* blocked side's spatial dims */
} sb_plan;

static oc_status read_block(oc_ctx *ctx, oc_op *op, const oc_tensor *in, int64_t block[2],
                            int64_t pads[4])
{
    int r = in->shape.rank, m, n;
    if (r != 3 && r != 4) return oc_op_fail(ctx, op, "input must be 3-D or 4-D, has rank %d", r);
    m = r - 2;
    int64_t b[2] = {1, 1}, p[4] = {0, 0, 0, 0};
    OC_TRY(oc_lu_read_ints(ctx, op, oc_in(ctx, op, 1), "block_shape", m, 2, b, &n));
    OC_TRY(oc_lu_read_pads(ctx, op, oc_in(ctx, op, 2), "paddings/crops", m, p));
    for (int i = 0; i < m; i++)
        if (b[i] < 1 || b[i] > INT32_MAX)
            return oc_op_fail(ctx, op, "block size %lld must be positive", (long long)b[i]);
    block[0] = b[0];
    block[1] = m == 2 ? b[1] : 1;
    for (int i = 0; i < 4; i++)
        pads[i] = i < 2 * m ? p[i] : 0;
    return OC_OK;
}

static void dims4(const oc_tensor *t, int64_t d[4])
{
    const oc_shape *s = &t->shape;
    d[0] = s->dims[0];
    d[1] = s->dims[1];
    d[2] = s->rank == 4 ? s->dims[2] : 1;
    d[3] = s->dims[s->rank - 1];
}

static oc_shape shape_from4(int rank, int64_t n, int64_t h, int64_t w, int64_t c)
{
    oc_shape s = {.rank = rank};
    s.dims[0] = (int32_t)n;
    s.dims[1] = (int32_t)h;
    if (rank == 4) s.dims[2] = (int32_t)w;
    s.dims[rank - 1] = (int32_t)c;
    return s;
}

static oc_status s2b_plan(oc_ctx *ctx, oc_op *op, sb_plan *pl, oc_shape *out)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int64_t block[2], pads[4], d[4];
    OC_TRY(read_block(ctx, op, in, block, pads));
    dims4(in, d);
    int64_t ph = d[1] + pads[0] + pads[1], pw = d[2] + pads[2] + pads[3];
    if (ph % block[0] || pw % block[1])
        return oc_op_fail(ctx, op, "padded size %lldx%lld is not divisible by block %lldx%lld",
                          (long long)ph, (long long)pw, (long long)block[0], (long long)block[1]);
    *pl = (sb_plan){.n = d[0],
                    .h = d[1],
                    .w = d[2],
                    .c = d[3],
                    .bh = block[0],
                    .bw = block[1],
                    .top = pads[0],
                    .left = pads[2],
                    .oh = ph / block[0],
                    .ow = pw / block[1]};
    int64_t nb = d[0] * block[0] * block[1];
    if (nb > INT32_MAX || pl->oh > INT32_MAX) return oc_op_fail(ctx, op, "output too large");
    *out = shape_from4(in->shape.rank, nb, pl->oh, pl->ow, pl->c);
    return OC_OK;
}

static oc_status b2s_plan(oc_ctx *ctx, oc_op *op, sb_plan *pl, oc_shape *out)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int64_t block[2], crops[4], d[4];
    OC_TRY(read_block(ctx, op, in, block, crops));
    dims4(in, d);
    int64_t bb = block[0] * block[1];
    if (d[0] % bb)
        return oc_op_fail(ctx, op, "batch %lld is not divisible by the block size %lld",
                          (long long)d[0], (long long)bb);
    int64_t h = d[1] * block[0] - crops[0] - crops[1], w = d[2] * block[1] - crops[2] - crops[3];
    if (h < 0 || w < 0 || h > INT32_MAX || w > INT32_MAX)
        return oc_op_fail(ctx, op, "crops exceed the output size");
    *pl = (sb_plan){.n = d[0] / bb,
                    .h = h,
                    .w = w,
                    .c = d[3],
                    .bh = block[0],
                    .bw = block[1],
                    .top = crops[0],
                    .left = crops[2],
                    .oh = d[1],
                    .ow = d[2]};
    *out = shape_from4(in->shape.rank, pl->n, h, w, pl->c);
    return OC_OK;
}

static oc_status prepare_common(oc_ctx *ctx, oc_op *op, bool to_batch)
{
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    for (int i = 1; i < 3; i++) {
        OC_TRY(oc_lu_check_int(ctx, op, oc_in(ctx, op, i), i == 1 ? "block_shape" : "paddings"));
        if (!oc_has_data(ctx, oc_in(ctx, op, i))) return OC_DYNAMIC;
    }
    sb_plan pl;
    oc_shape s;
    OC_TRY(to_batch ? s2b_plan(ctx, op, &pl, &s) : b2s_plan(ctx, op, &pl, &s));
    return oc_set_shape(ctx, op, out, &s);
}

typedef struct sb_job {
    const sb_plan *pl;
    const char *in;
    char *out;
    size_t es;
    bool to_batch;
    unsigned char value[8];
} sb_job;

/* Task = one row (b, y) of the blocked tensor; S2B writes it, B2S reads it. */
static void s2b_row(void *arg, size_t task)
{
    const sb_job *j = arg;
    const sb_plan *pl = j->pl;
    int64_t b = (int64_t)task / pl->oh, y = (int64_t)task % pl->oh;
    int64_t n = b % pl->n, sp = b / pl->n, sh = sp / pl->bw, sw = sp % pl->bw;
    int64_t ih = y * pl->bh + sh - pl->top;
    size_t run = (size_t)pl->c * j->es;
    char *o = j->out + (size_t)task * (size_t)pl->ow * run;
    if (ih < 0 || ih >= pl->h) {
        oc_lu_fill(o, j->value, j->es, (size_t)(pl->ow * pl->c));
        return;
    }
    const char *row = j->in + (size_t)((n * pl->h + ih) * pl->w) * run;
    for (int64_t x = 0; x < pl->ow; x++, o += run) {
        int64_t iw = x * pl->bw + sw - pl->left;
        if (iw < 0 || iw >= pl->w)
            oc_lu_fill(o, j->value, j->es, (size_t)pl->c);
        else
            memcpy(o, row + (size_t)iw * run, run);
    }
}

static void b2s_row(void *arg, size_t task)
{
    const sb_job *j = arg;
    const sb_plan *pl = j->pl;
    int64_t b = (int64_t)task / pl->oh, y = (int64_t)task % pl->oh;
    int64_t n = b % pl->n, sp = b / pl->n, sh = sp / pl->bw, sw = sp % pl->bw;
    int64_t oh = y * pl->bh + sh - pl->top;
    if (oh < 0 || oh >= pl->h) return; /* cropped away */
    size_t run = (size_t)pl->c * j->es;
    const char *i = j->in + (size_t)task * (size_t)pl->ow * run;
    char *row = j->out + (size_t)((n * pl->h + oh) * pl->w) * run;
    for (int64_t x = 0; x < pl->ow; x++, i += run) {
        int64_t ow = x * pl->bw + sw - pl->left;
        if (ow >= 0 && ow < pl->w) memcpy(row + (size_t)ow * run, i, run);
    }
}

static oc_status eval_common(oc_ctx *ctx, oc_op *op, bool to_batch)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    sb_plan pl;
    oc_shape s;
    OC_TRY(to_batch ? s2b_plan(ctx, op, &pl, &s) : b2s_plan(ctx, op, &pl, &s));
    if (oc_tensor_count(out) == 0) return OC_OK;
    sb_job j = {.pl = &pl, .in = in->data, .out = out->data, .es = oc_dtype_size(in->dtype)};
    oc_lu_zero_value(out, j.value);
    /* every output element is written exactly once: S2B fills padding, B2S skips crops */
    size_t rows = (size_t)(pl.n * pl.bh * pl.bw * pl.oh);
    oc_threadpool *pool = oc_tensor_count(out) >= (1 << 15) ? ctx->pool : NULL;
    oc_parallel_for(pool, rows, to_batch ? s2b_row : b2s_row, &j);
    return OC_OK;
}

static oc_status s2b_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, true);
}
static oc_status s2b_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, true);
}
static oc_status b2s_prepare(oc_ctx *ctx, oc_op *op)
{
    return prepare_common(ctx, op, false);
}
static oc_status b2s_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, false);
}

const oc_op_def oc_op_SPACE_TO_BATCH_ND = {"SPACE_TO_BATCH_ND", 0,        NULL,
                                           s2b_prepare,         s2b_eval, NULL};
const oc_op_def oc_op_BATCH_TO_SPACE_ND = {"BATCH_TO_SPACE_ND", 0,        NULL,
                                           b2s_prepare,         b2s_eval, NULL};
