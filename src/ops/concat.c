/* CONCATENATION along one axis: for each outer index, each input contributes one contiguous
 * run, so the op is a sequence of memcpys. A float fused activation is applied in place; uint8
 * and int8 inputs whose quantization differs from the output's are requantized as TFLite's
 * ConcatenationWithScaling does (float scale and bias, round half away from zero). int16
 * inputs must share the output's quantization (TFLite copies them unscaled). */
#include <math.h>
#include <string.h>

#include "ops/layout_params.h"
#include "ops/layout_util.h"

static oc_status concat_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_concat_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->axis = oc_fbt_i32(&op->options, 0, 0);
    p->activation = oc_fbt_i8(&op->options, 1, 0);
    op->params = p;
    return OC_OK;
}

static const oc_concat_params concat_defaults = {0, 0};

static bool is_quant8(oc_dtype t)
{
    return t == OC_U8 || t == OC_I8;
}

/* True when input t must be requantized into the output's scale and zero point. */
static bool needs_rescale(const oc_tensor *t, const oc_tensor *out)
{
    if (!is_quant8(t->dtype) || t->q.count < 1 || out->q.count < 1) return false;
    return t->q.scale[0] != out->q.scale[0] || t->q.zero_point[0] != out->q.zero_point[0];
}

static oc_status concat_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_concat_params *p = op->params ? op->params : &concat_defaults;
    OC_TRY(oc_check_io(ctx, op, 1, op->ninputs > 0 ? op->ninputs : 1, 1));
    const oc_tensor *in0 = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in0, out));
    int r = in0->shape.rank, axis;
    if (r == 0) return oc_op_fail(ctx, op, "cannot concatenate scalars");
    OC_TRY(oc_lu_axis(ctx, op, p->axis, r, &axis));
    if (p->activation != OC_ACT_NONE) {
        if (out->dtype != OC_F32)
            return oc_op_fail(ctx, op, "fused activation on %s is not supported",
                              oc_dtype_name(out->dtype));
        float lo, hi;
        OC_TRY(oc_act_range_f32(ctx, op, p->activation, &lo, &hi));
    }
    oc_shape s = in0->shape;
    int64_t sum = 0;
    for (int i = 0; i < op->ninputs; i++) {
        const oc_tensor *t = oc_in(ctx, op, i);
        if (!t) return oc_op_fail(ctx, op, "input %d is missing", i);
        OC_TRY(oc_check_dtype(ctx, op, t, out->dtype));
        bool same = t->shape.rank == r;
        for (int d = 0; same && d < r; d++)
            same = d == axis || t->shape.dims[d] == s.dims[d];
        if (!same) {
            char a[96], b[96];
            return oc_op_fail(ctx, op, "input %d shape %s does not match %s on axis %d", i,
                              oc_shape_str(&t->shape, a, sizeof a),
                              oc_shape_str(&in0->shape, b, sizeof b), axis);
        }
        if (needs_rescale(t, out) && (t->q.count != 1 || out->q.count != 1))
            return oc_op_fail(ctx, op, "per-channel quantized inputs need equal parameters");
        if (t->dtype == OC_I16 && (t->q.count > 0 || out->q.count > 0) &&
            (t->q.count != out->q.count || t->q.scale[0] != out->q.scale[0] ||
             t->q.zero_point[0] != out->q.zero_point[0]))
            return oc_op_fail(ctx, op, "int16 input %d must have the output's scale and zero point",
                              i);
        sum += t->shape.dims[axis];
    }
    if (sum > INT32_MAX) return oc_op_fail(ctx, op, "output dimension too large");
    s.dims[axis] = (int32_t)sum;
    return oc_set_shape(ctx, op, out, &s);
}

typedef struct concat_job {
    oc_ctx *ctx;
    const oc_op *op;
    oc_tensor *out;
    int axis;
    int64_t outer, inner, out_row, per_task;
    float lo, hi;
    bool clamp;
} concat_job;

/* Rounds and clamps in float so that absurd scales or zero points (any float/int64 a model
 * holds) saturate instead of overflowing the int conversion; NaN gives lo. Exact for the
 * in-range values that matter (integers below 2^24). */
static inline float clampf(float v, float lo, float hi)
{
    return v >= lo ? (v <= hi ? v : hi) : lo;
}

static void rescale(const oc_tensor *t, const oc_tensor *out, const void *src, void *dst, int64_t n)
{
    const float scale = t->q.scale[0] * (1.f / out->q.scale[0]);
    const float bias = -(float)t->q.zero_point[0] * scale;
    const float ozp = (float)out->q.zero_point[0];
    if (t->dtype == OC_U8) {
        const uint8_t *s = src;
        uint8_t *d = dst;
        for (int64_t j = 0; j < n; j++)
            d[j] = (uint8_t)clampf(roundf((float)s[j] * scale + bias) + ozp, 0.f, 255.f);
    } else {
        const int8_t *s = src;
        int8_t *d = dst;
        for (int64_t j = 0; j < n; j++)
            d[j] = (int8_t)clampf(roundf((float)s[j] * scale + bias) + ozp, -128.f, 127.f);
    }
}

static void concat_task(void *arg, size_t task)
{
    const concat_job *j = arg;
    size_t es = oc_dtype_size(j->out->dtype);
    int64_t o0 = (int64_t)task * j->per_task;
    int64_t o1 = o0 + j->per_task < j->outer ? o0 + j->per_task : j->outer;
    for (int64_t o = o0; o < o1; o++) {
        char *dst = (char *)j->out->data + (size_t)(o * j->out_row) * es;
        for (int i = 0; i < j->op->ninputs; i++) {
            const oc_tensor *t = oc_in(j->ctx, j->op, i);
            int64_t run = t->shape.dims[j->axis] * j->inner;
            const char *src = (const char *)t->data + (size_t)(o * run) * es;
            if (needs_rescale(t, j->out))
                rescale(t, j->out, src, dst, run);
            else if (run)
                memcpy(dst, src, (size_t)run * es);
            dst += (size_t)run * es;
        }
        if (j->clamp) {
            float *f = (float *)j->out->data + o * j->out_row;
            for (int64_t k = 0; k < j->out_row; k++)
                f[k] = fminf(fmaxf(f[k], j->lo), j->hi);
        }
    }
}

static oc_status concat_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_concat_params *p = op->params ? op->params : &concat_defaults;
    oc_tensor *out = oc_out(ctx, op, 0);
    concat_job j = {.ctx = ctx, .op = op, .out = out};
    const oc_shape *s = &out->shape;
    OC_TRY(oc_lu_axis(ctx, op, p->axis, s->rank, &j.axis));
    j.outer = oc_shape_span(s, 0, j.axis);
    j.inner = oc_shape_span(s, j.axis + 1, s->rank);
    j.out_row = s->dims[j.axis] * j.inner;
    if (p->activation != OC_ACT_NONE) {
        OC_TRY(oc_act_range_f32(ctx, op, p->activation, &j.lo, &j.hi));
        j.clamp = true;
    }
    if (j.outer == 0 || j.out_row == 0) return OC_OK;
    int64_t tasks = oc_tensor_count(out) / (1 << 15) + 1;
    if (tasks > j.outer) tasks = j.outer;
    j.per_task = (j.outer + tasks - 1) / tasks;
    oc_parallel_for(ctx->pool, (size_t)((j.outer + j.per_task - 1) / j.per_task), concat_task, &j);
    return OC_OK;
}

const oc_op_def oc_op_CONCATENATION = {"CONCATENATION", 0,           concat_parse,
                                       concat_prepare,  concat_eval, NULL};
