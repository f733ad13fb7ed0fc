/* INSTANCE_NORM (circle): NHWC input normalized over H,W per (batch, channel), then scaled by
 * gamma[c] and shifted by beta[c]; as onert's kernel, statistics and the affine map are in
 * double: a = gamma / sqrt(var + eps), out = x * a + (beta - mean * a). */
#include <math.h>

#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

#define IN_BLOCK 64 /* channels per task */

static oc_status inorm_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_instance_norm_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->epsilon = oc_fbt_f32(&op->options, 0, 0.f);
    if (p->epsilon == 0.f) p->epsilon = 1e-5f; /* onert's loader default */
    p->activation = oc_fbt_i8(&op->options, 1, OC_ACT_NONE);
    op->params = p;
    return OC_OK;
}

static oc_status inorm_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    const oc_instance_norm_params *p = op->params;
    oc_tensor *in = oc_in(ctx, op, 0), *gamma = oc_in(ctx, op, 1), *beta = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (in->dtype != OC_F32)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, gamma, OC_F32));
    OC_TRY(oc_check_dtype(ctx, op, beta, OC_F32));
    OC_TRY(oc_check_dtype(ctx, op, out, OC_F32));
    if (in->shape.rank != 4) return oc_op_fail(ctx, op, "input must be 4-D NHWC");
    int64_t c = in->shape.dims[3];
    int64_t ng = oc_tensor_count(gamma), nb = oc_tensor_count(beta);
    if ((ng != c && ng != 1) || (nb != c && nb != 1))
        return oc_op_fail(ctx, op, "gamma and beta need %lld or 1 elements (have %lld, %lld)",
                          (long long)c, (long long)ng, (long long)nb);
    float lo, hi;
    OC_TRY(oc_act_range_f32(ctx, op, p ? p->activation : OC_ACT_NONE, &lo, &hi));
    return oc_set_shape(ctx, op, out, &in->shape);
}

typedef struct {
    const float *x, *gamma, *beta;
    float *y;
    int64_t hw, c, nblocks;
    bool gamma_scalar, beta_scalar;
    double eps;
    float lo, hi;
} inorm_job;

static void inorm_task(void *arg, size_t task)
{
    const inorm_job *j = arg;
    int64_t b = (int64_t)task / j->nblocks, c0 = (int64_t)task % j->nblocks * IN_BLOCK;
    int64_t nc = j->c - c0 < IN_BLOCK ? j->c - c0 : IN_BLOCK;
    double sum[IN_BLOCK] = {0}, sq[IN_BLOCK] = {0}, a[IN_BLOCK], sh[IN_BLOCK];
    const float *x = j->x + b * j->hw * j->c + c0;
    float *y = j->y + b * j->hw * j->c + c0;
    for (int64_t p = 0; p < j->hw; p++) {
        const float *xp = x + p * j->c;
        for (int64_t k = 0; k < nc; k++) {
            double v = xp[k];
            sum[k] += v;
            sq[k] += v * v;
        }
    }
    for (int64_t k = 0; k < nc; k++) {
        double mean = sum[k] / (double)j->hw;
        double var = sq[k] / (double)j->hw - mean * mean;
        if (var < 0) var = 0; /* cancellation can leave a tiny negative */
        double g = j->gamma[j->gamma_scalar ? 0 : c0 + k];
        double be = j->beta[j->beta_scalar ? 0 : c0 + k];
        a[k] = g / sqrt(var + j->eps);
        sh[k] = be - mean * a[k];
    }
    for (int64_t p = 0; p < j->hw; p++) {
        const float *xp = x + p * j->c;
        float *yp = y + p * j->c;
        for (int64_t k = 0; k < nc; k++) {
            float v = (float)(xp[k] * a[k] + sh[k]);
            yp[k] = v < j->lo ? j->lo : v > j->hi ? j->hi : v;
        }
    }
}

static oc_status inorm_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_instance_norm_params *p = op->params;
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    oc_tensor *gamma = oc_in(ctx, op, 1), *beta = oc_in(ctx, op, 2);
    const oc_shape *s = &in->shape;
    inorm_job j = {.x = in->data,
                   .gamma = gamma->data,
                   .beta = beta->data,
                   .y = out->data,
                   .hw = (int64_t)s->dims[1] * s->dims[2],
                   .c = s->dims[3],
                   .gamma_scalar = oc_tensor_count(gamma) == 1,
                   .beta_scalar = oc_tensor_count(beta) == 1,
                   .eps = p ? p->epsilon : 1e-5f};
    OC_TRY(oc_act_range_f32(ctx, op, p ? p->activation : OC_ACT_NONE, &j.lo, &j.hi));
    if (oc_tensor_count(in) == 0) return OC_OK;
    j.nblocks = (j.c + IN_BLOCK - 1) / IN_BLOCK;
    size_t ntasks = (size_t)(s->dims[0] * j.nblocks);
    oc_parallel_for(oc_tensor_count(in) >= 16384 ? ctx->pool : NULL, ntasks, inorm_task, &j);
    return OC_OK;
}

const oc_op_def oc_op_INSTANCE_NORM = {"INSTANCE_NORM", 0,          inorm_parse,
                                       inorm_prepare,   inorm_eval, NULL};
