/* PAD / PADV2 (constant padding: 0, the output zero point for quantized tensors, or PADV2's
 * value input) and MIRROR_PAD (REFLECT excludes the edge, SYMMETRIC repeats it). Work is split
 * into output rows: trailing unpadded dims are merged into the row, so padding H and W of an
 * NHWC tensor copies whole W*C runs. */
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

/* Paddings (validated) and the row decomposition of the output. */
typedef struct pad_plan {
    int rank; /* after merging trailing unpadded dims into the last padded one */
    int64_t in[OC_MAX_RANK], before[OC_MAX_RANK], after[OC_MAX_RANK];
    int64_t out_row, in_row, rows; /* rows = product of output dims [0, rank-1) */
    int64_t group; /* elements per index of the last dim (the merged trailing dims) */
} pad_plan;

static oc_status read_plan(oc_ctx *ctx, oc_op *op, pad_plan *pl, oc_shape *out_shape)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    int r = in->shape.rank;
    int64_t pads[2 * OC_MAX_RANK];
    OC_TRY(oc_lu_read_pads(ctx, op, oc_in(ctx, op, 1), "paddings", r, pads));
    out_shape->rank = r;
    for (int i = 0; i < r; i++) {
        int64_t d = in->shape.dims[i] + pads[2 * i] + pads[2 * i + 1];
        if (d > INT32_MAX) return oc_op_fail(ctx, op, "padded dimension %d too large", i);
        out_shape->dims[i] = (int32_t)d;
    }
    /* merge trailing dims without padding into the innermost padded one */
    int last = r - 1;
    while (last > 0 && pads[2 * last] == 0 && pads[2 * last + 1] == 0)
        last--;
    int64_t inner = oc_shape_span(&in->shape, last + 1, r);
    pl->rank = r == 0 ? 0 : last + 1;
    pl->group = inner;
    for (int i = 0; i < pl->rank; i++) {
        int64_t m = i == last ? inner : 1;
        pl->in[i] = in->shape.dims[i] * m;
        pl->before[i] = pads[2 * i] * m;
        pl->after[i] = pads[2 * i + 1] * m;
    }
    pl->rows = 1;
    for (int i = 0; i + 1 < pl->rank; i++)
        pl->rows *= pl->in[i] + pl->before[i] + pl->after[i];
    pl->in_row = pl->rank ? pl->in[pl->rank - 1] : 1;
    pl->out_row = pl->rank ? pl->in_row + pl->before[pl->rank - 1] + pl->after[pl->rank - 1] : 1;
    return OC_OK;
}

/* ---- PAD / PADV2 ------------------------------------------------------------------------- */

static oc_status pad_prepare(oc_ctx *ctx, oc_op *op)
{
    bool v2 = op->def == &oc_op_PADV2;
    OC_TRY(oc_check_io(ctx, op, 2, v2 ? 3 : 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *pt = oc_in(ctx, op, 1), *cv = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, pt, "paddings"));
    if (cv) {
        OC_TRY(oc_check_dtype(ctx, op, cv, in->dtype));
        if (oc_tensor_count(cv) != 1)
            return oc_op_fail(ctx, op, "constant_values must have one element");
    }
    if (!oc_has_data(ctx, pt)) return OC_DYNAMIC;
    pad_plan pl;
    oc_shape s;
    OC_TRY(read_plan(ctx, op, &pl, &s));
    return oc_set_shape(ctx, op, out, &s);
}

typedef struct pad_job {
    const pad_plan *pl;
    const char *in;
    char *out;
    size_t es;
    unsigned char value[8];
    int mode; /* -1 = constant, else OC_MIRROR_* */
    bool inner_only; /* constant padding of the innermost dim only: output row r = input row r */
    int64_t per_task;
} pad_job;

/* Channel padding of NHWC tensors (MediaPipe's residual blocks): short rows, so plain loops
 * instead of per-row index arithmetic and memcpy calls. */
static void pad_inner_rows_32(const pad_job *j, int64_t r0, int64_t r1)
{
    const pad_plan *pl = j->pl;
    const int last = pl->rank - 1;
    const int64_t b = pl->before[last], n = pl->in_row, a = pl->after[last];
    uint32_t v;
    memcpy(&v, j->value, 4);
    for (int64_t r = r0; r < r1; r++) {
        uint32_t *o = (uint32_t *)j->out + r * pl->out_row;
        const uint32_t *i = (const uint32_t *)j->in + r * n;
        for (int64_t k = 0; k < b; k++) o[k] = v;
        for (int64_t k = 0; k < n; k++) o[b + k] = i[k];
        for (int64_t k = 0; k < a; k++) o[b + n + k] = v;
    }
}

/* Input row of output row `row`, or -1 when the row lies in constant padding. For mirror
 * padding every output row has a source. */
static int64_t source_row(const pad_job *j, int64_t row)
{
    const pad_plan *pl = j->pl;
    int64_t src = 0, mul = 1;
    for (int i = pl->rank - 2; i >= 0; i--) {
        int64_t od = pl->in[i] + pl->before[i] + pl->after[i];
        int64_t c = row % od - pl->before[i];
        row /= od;
        if (c < 0 || c >= pl->in[i]) {
            if (j->mode < 0) return -1;
            int64_t n = pl->in[i], sym = j->mode == OC_MIRROR_SYMMETRIC;
            c = c < 0 ? -c - sym : 2 * n - 2 + sym - c;
        }
        src += c * mul;
        mul *= pl->in[i];
    }
    return src;
}

/* One mirror-padded output row; the unit is a group of merged trailing elements. */
static void mirror_row(const pad_job *j, char *o, const char *i)
{
    const pad_plan *pl = j->pl;
    const int last = pl->rank - 1;
    const int64_t g = pl->group, n = pl->in[last] / g;
    const int64_t b = pl->before[last] / g, a = pl->after[last] / g;
    const int64_t sym = j->mode == OC_MIRROR_SYMMETRIC;
    const size_t gs = (size_t)g * j->es;
    for (int64_t k = 0; k < b; k++) /* output k maps to input b - k - sym */
        memcpy(o + (size_t)k * gs, i + (size_t)(b - k - sym) * gs, gs);
    memcpy(o + (size_t)b * gs, i, (size_t)n * gs);
    for (int64_t k = 0; k < a; k++) /* output b + n + k maps to input n - 2 + sym - k */
        memcpy(o + (size_t)(b + n + k) * gs, i + (size_t)(n - 2 + sym - k) * gs, gs);
}

static void pad_task(void *arg, size_t task)
{
    const pad_job *j = arg;
    const pad_plan *pl = j->pl;
    const size_t es = j->es;
    const int last = pl->rank - 1;
    int64_t r0 = (int64_t)task * j->per_task;
    int64_t r1 = r0 + j->per_task < pl->rows ? r0 + j->per_task : pl->rows;
    if (j->inner_only && es == 4) {
        pad_inner_rows_32(j, r0, r1);
        return;
    }
    for (int64_t r = r0; r < r1; r++) {
        char *o = j->out + (size_t)(r * pl->out_row) * es;
        int64_t src = source_row(j, r);
        if (src < 0) {
            oc_lu_fill(o, j->value, es, (size_t)pl->out_row);
            continue;
        }
        const char *i = j->in + (size_t)(src * pl->in_row) * es;
        if (j->mode >= 0) {
            mirror_row(j, o, i);
            continue;
        }
        size_t b = (size_t)pl->before[last], n = (size_t)pl->in_row, a = (size_t)pl->after[last];
        oc_lu_fill(o, j->value, es, b);
        memcpy(o + b * es, i, n * es);
        oc_lu_fill(o + (b + n) * es, j->value, es, a);
    }
}

static oc_status run_pad(oc_ctx *ctx, oc_op *op, int mode, const void *value)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    pad_plan pl;
    oc_shape s;
    OC_TRY(read_plan(ctx, op, &pl, &s));
    pad_job j = {
        .pl = &pl, .in = in->data, .out = out->data, .es = oc_dtype_size(in->dtype), .mode = mode};
    memcpy(j.value, value, 8);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (pl.rank == 0) {
        memcpy(out->data, in->data, j.es);
        return OC_OK;
    }
    j.inner_only = mode < 0;
    for (int i = 0; i + 1 < pl.rank; i++)
        if (pl.before[i] || pl.after[i]) j.inner_only = false;
    int64_t tasks = oc_tensor_count(out) / (1 << 15) + 1;
    if (tasks > pl.rows) tasks = pl.rows;
    j.per_task = (pl.rows + tasks - 1) / tasks;
    oc_parallel_for(ctx->pool, (size_t)((pl.rows + j.per_task - 1) / j.per_task), pad_task, &j);
    return OC_OK;
}

static oc_status pad_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *cv = oc_in(ctx, op, 2);
    unsigned char value[8];
    oc_lu_zero_value(oc_out(ctx, op, 0), value);
    if (cv) memcpy(value, cv->data, oc_dtype_size(cv->dtype));
    return run_pad(ctx, op, -1, value);
}

const oc_op_def oc_op_PAD = {"PAD", 0, NULL, pad_prepare, pad_eval, NULL};
const oc_op_def oc_op_PADV2 = {"PADV2", 0, NULL, pad_prepare, pad_eval, NULL};

/* ---- MIRROR_PAD -------------------------------------------------------------------------- */

static const oc_mirror_pad_params mirror_defaults = {OC_MIRROR_REFLECT};

static oc_status mirror_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_mirror_pad_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->mode = oc_fbt_i8(&op->options, 0, OC_MIRROR_REFLECT);
    op->params = p;
    return OC_OK;
}

static oc_status mirror_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_mirror_pad_params *p = op->params ? op->params : &mirror_defaults;
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_tensor *in = oc_in(ctx, op, 0), *pt = oc_in(ctx, op, 1);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    OC_TRY(oc_lu_check_int(ctx, op, pt, "paddings"));
    if (p->mode != OC_MIRROR_REFLECT && p->mode != OC_MIRROR_SYMMETRIC)
        return oc_op_fail(ctx, op, "unknown mode %d", p->mode);
    if (!oc_has_data(ctx, pt)) return OC_DYNAMIC;
    int r = in->shape.rank;
    int64_t pads[2 * OC_MAX_RANK];
    OC_TRY(oc_lu_read_pads(ctx, op, pt, "paddings", r, pads));
    int64_t extra = p->mode == OC_MIRROR_SYMMETRIC; /* SYMMETRIC may pad by the full size */
    for (int i = 0; i < 2 * r; i++) {
        int64_t dim = in->shape.dims[i / 2];
        if (pads[i] > dim - 1 + extra)
            return oc_op_fail(ctx, op, "padding %lld is too large for dimension %d of size %lld",
                              (long long)pads[i], i / 2, (long long)dim);
    }
    pad_plan pl;
    oc_shape s;
    OC_TRY(read_plan(ctx, op, &pl, &s));
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status mirror_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_mirror_pad_params *p = op->params ? op->params : &mirror_defaults;
    unsigned char unused[8] = {0};
    return run_pad(ctx, op, p->mode, unused);
}

const oc_op_def oc_op_MIRROR_PAD = {"MIRROR_PAD",   0,           mirror_parse,
                                    mirror_prepare, mirror_eval, NULL};
