/* DEQUANTIZE to float32: float16 weights (MediaPipe *_f16 models) and uint8/int8/int16 values
 * with per-tensor or per-channel scale and zero point: real = scale * (q - zero_point). */
#include <string.h>

#include "ops/layout_util.h"

static oc_status dequantize_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_check_dtype(ctx, op, out, OC_F32));
    switch (in->dtype) {
    case OC_F16: break;
    case OC_U8:
    case OC_I8:
    case OC_I16: {
        const oc_qparams *q = &in->q;
        if (q->count < 1 || !q->scale || !q->zero_point)
            return oc_op_fail(ctx, op, "input '%s' has no quantization parameters",
                              in->name ? in->name : "?");
        if (q->count > 1 &&
            (q->axis < 0 || q->axis >= in->shape.rank || in->shape.dims[q->axis] != q->count))
            return oc_op_fail(ctx, op, "%d per-channel parameters do not match axis %d", q->count,
                              q->axis);
        break;
    }
    default: return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    }
    return oc_set_shape(ctx, op, out, &in->shape);
}

typedef struct dq_job {
    const oc_tensor *in;
    float *out;
    int64_t n, per_task, inner, channels; /* channel of element i: (i / inner) % channels */
} dq_job;

static void dq_task(void *arg, size_t task)
{
    const dq_job *j = arg;
    const oc_tensor *in = j->in;
    int64_t i0 = (int64_t)task * j->per_task;
    int64_t i1 = i0 + j->per_task < j->n ? i0 + j->per_task : j->n;
    if (in->dtype == OC_F16) {
        for (int64_t i = i0; i < i1; i++) {
            uint16_t h;
            memcpy(&h, (const char *)in->data + 2 * i, 2);
            j->out[i] = oc_f16_to_f32(h);
        }
        return;
    }
    const float *scale = in->q.scale;
    const int64_t *zp = in->q.zero_point;
    for (int64_t i = i0; i < i1; i++) {
        int64_t c = j->channels > 1 ? (i / j->inner) % j->channels : 0;
        int32_t v;
        switch (in->dtype) {
        case OC_U8: v = ((const uint8_t *)in->data)[i]; break;
        case OC_I8: v = ((const int8_t *)in->data)[i]; break;
        default: {
            int16_t s;
            memcpy(&s, (const char *)in->data + 2 * i, 2);
            v = s;
            break;
        }
        }
        j->out[i] = scale[c] * (float)(v - (int32_t)zp[c]);
    }
}

static oc_status dequantize_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    dq_job j = {.in = in,
                .out = oc_out(ctx, op, 0)->data,
                .n = oc_tensor_count(in),
                .inner = 1,
                .channels = 1};
    if (in->dtype != OC_F16 && in->q.count > 1) {
        j.channels = in->q.count;
        j.inner = oc_shape_span(&in->shape, in->q.axis + 1, in->shape.rank);
    }
    if (j.n == 0) return OC_OK;
    int64_t tasks = j.n / (1 << 16) + 1;
    j.per_task = (j.n + tasks - 1) / tasks;
    oc_parallel_for(ctx->pool, (size_t)((j.n + j.per_task - 1) / j.per_task), dq_task, &j);
    return OC_OK;
}

const oc_op_def oc_op_DEQUANTIZE = {"DEQUANTIZE",    0,   NULL, dequantize_prepare,
                                    dequantize_eval, NULL};
