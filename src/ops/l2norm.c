/* L2_NORMALIZATION over the last axis: float32 (TFLite reference: x / max(||x||, 1e-6)),
 * uint8 and int8 (TFLite's integer kernels: the row's sum of squared differences from the zero
 * point gives a fixed-point 1/sqrt multiplier (GetInvSqrtQuantizedMultiplierExp); the output
 * has scale 1/128 and zero point 128 (uint8) or 0 (int8)):
 *   uint8: y = clamp(128 + mbqm(128 * d, inv), 0, 255);  int8: y = clamp(mbqm(d, inv << 7)). */
#include "core/fixedpoint.h"
#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

#include <math.h>

static oc_status l2norm_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_l2norm_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->activation = oc_fbt_i8(&op->options, 0, OC_ACT_NONE);
    op->params = p;
    return OC_OK;
}

static oc_status l2norm_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    const oc_l2norm_params *p = op->params;
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    if (in->dtype != OC_F32 && in->dtype != OC_U8 && in->dtype != OC_I8)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, in->dtype));
    if (in->dtype != OC_F32) {
        if (in->q.count != 1 || out->q.count != 1)
            return oc_op_fail(ctx, op, "quantized input and output need per-tensor parameters");
        int64_t want_zp = in->dtype == OC_U8 ? 128 : 0;
        if (out->q.scale[0] != 1.f / 128 || out->q.zero_point[0] != want_zp)
            return oc_op_fail(ctx, op, "output must have scale 1/128 and zero point %lld",
                              (long long)want_zp);
    }
    if (p && p->activation != OC_ACT_NONE)
        return oc_op_fail(ctx, op, "fused activation %d is not supported", (int)p->activation);
    if (in->shape.rank < 1) return oc_op_fail(ctx, op, "input must have rank >= 1");
    return oc_set_shape(ctx, op, out, &in->shape);
}

typedef struct {
    const void *x;
    void *y;
    int64_t rows, n, rows_per_task;
    oc_dtype dt;
    int32_t zp;
} l2_job;

/* One quantized row. */
static void l2_row_q(const l2_job *j, int64_t r)
{
    int64_t n = j->n;
    uint32_t sq = 0; /* int32 that wraps, like TFLite's */
    for (int64_t i = 0; i < n; i++) {
        int32_t d = (j->dt == OC_U8 ? ((const uint8_t *)j->x)[r * n + i]
                                    : ((const int8_t *)j->x)[r * n + i]) - j->zp;
        sq += (uint32_t)(d * d);
    }
    int32_t mult;
    int shift;
    oc_inv_sqrt_multiplier_exp((int32_t)sq, -1, &mult, &shift);
    for (int64_t i = 0; i < n; i++) {
        if (j->dt == OC_U8) {
            int32_t d = ((const uint8_t *)j->x)[r * n + i] - j->zp;
            int32_t v = 128 + oc_mul_by_qm(128 * d, mult, shift);
            ((uint8_t *)j->y)[r * n + i] = (uint8_t)oc_clamp_i32(v, 0, 255);
        } else {
            int32_t d = ((const int8_t *)j->x)[r * n + i] - j->zp;
            int32_t v = oc_mul_by_qm(d, mult, shift + 7);
            ((int8_t *)j->y)[r * n + i] = (int8_t)oc_clamp_i32(v, INT8_MIN, INT8_MAX);
        }
    }
}

static void l2_task(void *arg, size_t task)
{
    const l2_job *j = arg;
    int64_t r0 = (int64_t)task * j->rows_per_task;
    int64_t r1 = r0 + j->rows_per_task < j->rows ? r0 + j->rows_per_task : j->rows;
    for (int64_t r = r0; r < r1; r++) {
        if (j->dt != OC_F32) {
            l2_row_q(j, r);
            continue;
        }
        const float *x = (const float *)j->x + r * j->n;
        float *y = (float *)j->y + r * j->n;
        float sq = 0.f;
        for (int64_t i = 0; i < j->n; i++)
            sq += x[i] * x[i];
        float norm = sqrtf(sq);
        if (norm < 1e-6f) norm = 1e-6f;
        for (int64_t i = 0; i < j->n; i++)
            y[i] = x[i] / norm;
    }
}

static oc_status l2norm_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    int64_t n = in->shape.dims[in->shape.rank - 1], total = oc_tensor_count(in);
    if (total == 0 || n == 0) return OC_OK;
    l2_job j = {in->data, out->data, total / n, n, 1, in->dtype,
                in->q.count ? (int32_t)in->q.zero_point[0] : 0};
    int64_t per = 8192 / n;
    j.rows_per_task = per < 1 ? 1 : per;
    size_t ntasks = (size_t)((j.rows + j.rows_per_task - 1) / j.rows_per_task);
    oc_parallel_for(total >= 16384 ? ctx->pool : NULL, ntasks, l2_task, &j);
    return OC_OK;
}

const oc_op_def oc_op_L2_NORMALIZATION = {"L2_NORMALIZATION", 0,           l2norm_parse,
                                          l2norm_prepare,     l2norm_eval, NULL};
