/* SOFTMAX and LOG_SOFTMAX over the last axis, float32, numerically stable (the row maximum
 * is subtracted first) as TFLite's reference kernels. Rows are split over the thread pool.
 * Quantized SOFTMAX (uint8 / int8 / int16) is in softmax_quant.c. */
#include <stdlib.h>

#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"
#include "ops/softmax_kernel.h"
#include "ops/softmax_quant.h"

#define SMX_VW 4
#define SMX_FN softmax_row4
#include "ops/softmax_vec.h"

void oc_softmax_row_vec(const float *x, float *y, int64_t n, float beta, bool logsm)
{
    softmax_row4(x, y, n, beta, logsm);
}

static oc_status softmax_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_softmax_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->beta = oc_fbt_f32(&op->options, 0, 0.f); /* schema default, as TFLite's parser */
    op->params = p;
    return OC_OK;
}

static oc_status prepare_common(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    if (in->dtype != OC_F32)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, OC_F32));
    if (in->shape.rank < 1) return oc_op_fail(ctx, op, "input must have rank >= 1");
    return oc_set_shape(ctx, op, out, &in->shape);
}

static void softmax_release(oc_op *op)
{
    free(op->state);
    op->state = NULL;
}

static oc_status softmax_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    if (in->dtype == OC_F32) {
        softmax_release(op);
        return prepare_common(ctx, op);
    }
    const oc_softmax_params *p = op->params;
    if (in->shape.rank < 1) return oc_op_fail(ctx, op, "input must have rank >= 1");
    oc_softmax_q *s = op->state;
    if (!s) {
        s = malloc(sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    OC_TRY(oc_softmax_q_prepare(ctx, op, in, out, p ? p->beta : 0.f, s));
    return oc_set_shape(ctx, op, out, &in->shape);
}

typedef struct {
    oc_softmax_row_fn fn;
    const float *x;
    float *y;
    int64_t rows, n, rows_per_task;
    float beta;
    bool logsm;
} smx_job;

static void smx_task(void *arg, size_t task)
{
    const smx_job *j = arg;
    int64_t r0 = (int64_t)task * j->rows_per_task;
    int64_t r1 = r0 + j->rows_per_task < j->rows ? r0 + j->rows_per_task : j->rows;
    for (int64_t r = r0; r < r1; r++)
        j->fn(j->x + r * j->n, j->y + r * j->n, j->n, j->beta, j->logsm);
}

static oc_status eval_common(oc_ctx *ctx, oc_op *op, float beta, bool logsm)
{
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    int64_t n = in->shape.dims[in->shape.rank - 1];
    int64_t total = oc_tensor_count(in);
    if (total == 0 || n == 0) return OC_OK;
    smx_job j = {.fn = ctx->cpu && ctx->cpu->avx2_fma ? oc_softmax_row_avx2 : oc_softmax_row_vec,
                 .x = in->data,
                 .y = out->data,
                 .rows = total / n,
                 .n = n,
                 .beta = beta,
                 .logsm = logsm};
    int64_t per = 8192 / n; /* ~8K elements per task */
    j.rows_per_task = per < 1 ? 1 : per;
    size_t ntasks = (size_t)((j.rows + j.rows_per_task - 1) / j.rows_per_task);
    oc_parallel_for(total >= 16384 ? ctx->pool : NULL, ntasks, smx_task, &j);
    return OC_OK;
}

static oc_status softmax_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_softmax_params *p = op->params;
    if (op->state) {
        oc_softmax_q_eval(op->state, oc_in(ctx, op, 0), oc_out(ctx, op, 0), ctx->pool);
        return OC_OK;
    }
    return eval_common(ctx, op, p ? p->beta : 0.f, false);
}

static oc_status log_softmax_eval(oc_ctx *ctx, oc_op *op)
{
    return eval_common(ctx, op, 1.f, true);
}

const oc_op_def oc_op_SOFTMAX = {"SOFTMAX",    0, softmax_parse, softmax_prepare,
                                 softmax_eval, softmax_release};
const oc_op_def oc_op_LOG_SOFTMAX = {"LOG_SOFTMAX",    0,   NULL, prepare_common,
                                     log_softmax_eval, NULL};
