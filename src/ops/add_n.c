/* ADD_N: elementwise sum of N same-shape tensors (float32, int32, int64), summed left to right
 * like TFLite's reference (out = in0 + in1, then += in2, ...). Integer sums wrap. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/elementwise.h"
#include "ops/binary.h"

typedef struct add_n_job {
    oc_ctx *ctx;
    const oc_op *op;
    oc_dtype dtype;
    oc_ew_binary_f32_fn fast;
} add_n_job;

#define SUM_LOOP(T, U)                                                                             \
    do {                                                                                           \
        T *o = (T *)oc_out(j->ctx, j->op, 0)->data + begin;                                        \
        memcpy(o, (const T *)oc_in(j->ctx, j->op, 0)->data + begin, (size_t)n * sizeof(T));        \
        for (int k = 1; k < j->op->ninputs; k++) {                                                 \
            const T *x = (const T *)oc_in(j->ctx, j->op, k)->data + begin;                         \
            for (int64_t i = 0; i < n; i++)                                                        \
                o[i] = (T)((U)o[i] + (U)x[i]);                                                     \
        }                                                                                          \
    } while (0)

static void add_n_range(void *arg, int64_t begin, int64_t end)
{
    const add_n_job *j = arg;
    int64_t n = end - begin;
    if (j->dtype == OC_F32 && j->fast) {
        float *o = (float *)oc_out(j->ctx, j->op, 0)->data + begin;
        memcpy(o, (const float *)oc_in(j->ctx, j->op, 0)->data + begin, (size_t)n * 4);
        for (int k = 1; k < j->op->ninputs; k++)
            j->fast(OC_EWF_ADD, o, 1, (const float *)oc_in(j->ctx, j->op, k)->data + begin, 1, o, n,
                    -INFINITY, INFINITY);
        return;
    }
    switch (j->dtype) {
    case OC_F32: {
        float *o = (float *)oc_out(j->ctx, j->op, 0)->data + begin;
        memcpy(o, (const float *)oc_in(j->ctx, j->op, 0)->data + begin, (size_t)n * 4);
        for (int k = 1; k < j->op->ninputs; k++) {
            const float *x = (const float *)oc_in(j->ctx, j->op, k)->data + begin;
            for (int64_t i = 0; i < n; i++)
                o[i] += x[i];
        }
        break;
    }
    case OC_I32: SUM_LOOP(int32_t, uint32_t); break;
    default: SUM_LOOP(int64_t, uint64_t); break;
    }
}

static oc_status add_n_prepare(oc_ctx *ctx, oc_op *op)
{
    if (op->ninputs < 1) return oc_op_fail(ctx, op, "expects at least 1 input");
    OC_TRY(oc_check_io(ctx, op, op->ninputs, op->ninputs, 1));
    const oc_tensor *a = oc_in(ctx, op, 0);
    if (a->dtype != OC_F32 && a->dtype != OC_I32 && a->dtype != OC_I64)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(a->dtype));
    for (int k = 1; k < op->ninputs; k++) {
        const oc_tensor *x = oc_in(ctx, op, k);
        OC_TRY(oc_check_dtype(ctx, op, x, a->dtype));
        if (!oc_shape_equal(&x->shape, &a->shape)) {
            char b1[96], b2[96];
            return oc_op_fail(ctx, op, "input %d has shape %s, input 0 has %s", k,
                              oc_shape_str(&x->shape, b1, sizeof b1),
                              oc_shape_str(&a->shape, b2, sizeof b2));
        }
    }
    oc_tensor *o = oc_out(ctx, op, 0);
    OC_TRY(oc_check_dtype(ctx, op, o, a->dtype));
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status add_n_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    add_n_job j = {ctx, op, a->dtype, oc_ew_binary_f32_pick(ctx->cpu)};
    oc_ew_parallel(ctx->pool, oc_tensor_count(a), add_n_range, &j);
    return OC_OK;
}

const oc_op_def oc_op_ADD_N = {"ADD_N", 0, NULL, add_n_prepare, add_n_eval, NULL};
