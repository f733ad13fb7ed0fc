/* Helpers shared by operator implementations: checks, shapes, activation ranges, padding. */
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"
#include "ops/op.h"

oc_status oc_op_fail(oc_ctx *ctx, const oc_op *op, const char *fmt, ...)
{
    char msg[OC_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *name = op->def ? op->def->name : oc_opcode_name(op->code);
    if (op->custom_name) name = op->custom_name;
    return oc_fail(ctx->err, OC_ERROR, "%s: %s", name, msg);
}

oc_status oc_check_io(oc_ctx *ctx, const oc_op *op, int min_in, int max_in, int nout)
{
    if (op->ninputs < min_in || op->ninputs > max_in)
        return oc_op_fail(ctx, op, "expects %d..%d inputs, has %d", min_in, max_in, op->ninputs);
    if (op->noutputs != nout)
        return oc_op_fail(ctx, op, "expects %d outputs, has %d", nout, op->noutputs);
    for (int i = 0; i < min_in; i++)
        if (op->inputs[i] < 0) return oc_op_fail(ctx, op, "input %d is required", i);
    return OC_OK;
}

oc_status oc_check_dtype(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, oc_dtype want)
{
    if (t->dtype != want)
        return oc_op_fail(ctx, op, "tensor '%s' has type %s, expected %s",
                          t->name ? t->name : "?", oc_dtype_name(t->dtype), oc_dtype_name(want));
    return OC_OK;
}

static oc_status shape_bytes(const oc_shape *s, oc_dtype dt, size_t *bytes)
{
    size_t n = oc_dtype_size(dt);
    if (s->rank < 0 || s->rank > OC_MAX_RANK) return OC_ERROR;
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i] < 0) return OC_ERROR;
        if (!oc_mul_size(n, (size_t)s->dims[i], &n)) return OC_ERROR;
    }
    if (n > oc_mem_max_tensor_bytes()) return OC_ERROR; /* more than this machine has */
    *bytes = n;
    return OC_OK;
}

oc_status oc_set_shape(oc_ctx *ctx, const oc_op *op, oc_tensor *t, const oc_shape *s)
{
    size_t bytes;
    if (shape_bytes(s, t->dtype, &bytes) != OC_OK) {
        char buf[96];
        return oc_op_fail(ctx, op, "invalid output shape %s", oc_shape_str(s, buf, sizeof buf));
    }
    if (t->is_const) {
        if (!oc_shape_equal(&t->shape, s))
            return oc_op_fail(ctx, op, "output '%s' is a constant of another shape",
                              t->name ? t->name : "?");
        return OC_OK;
    }
    t->shape = *s;
    t->bytes = bytes;
    return OC_OK;
}

oc_status oc_tensor_resize(oc_ctx *ctx, oc_tensor *t, const oc_shape *s)
{
    size_t bytes;
    if (shape_bytes(s, t->dtype, &bytes) != OC_OK)
        return OC_ERRF(ctx->err, "tensor '%s': invalid shape", t->name ? t->name : "?");
    if (t->storage != OC_STORE_DYNAMIC) {
        if (oc_shape_equal(&t->shape, s)) return OC_OK;
        return OC_ERRF(ctx->err, "tensor '%s' cannot change shape at run time",
                       t->name ? t->name : "?");
    }
    if (bytes > t->capacity || !t->data) {
        void *p = oc_aligned_alloc(bytes);
        if (!p) return OC_NOMEMF(ctx->err);
        oc_aligned_free(t->data);
        t->data = p;
        t->capacity = bytes;
    }
    t->shape = *s;
    t->bytes = bytes;
    return OC_OK;
}

oc_status oc_broadcast_shape(oc_ctx *ctx, const oc_op *op, const oc_shape *a, const oc_shape *b,
                             oc_shape *out)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    out->rank = r;
    for (int i = 0; i < r; i++) {
        int ia = a->rank - r + i, ib = b->rank - r + i;
        int32_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char sa[96], sb[96];
            return oc_op_fail(ctx, op, "shapes %s and %s do not broadcast",
                              oc_shape_str(a, sa, sizeof sa), oc_shape_str(b, sb, sizeof sb));
        }
        out->dims[i] = da == 1 ? db : da;
    }
    return OC_OK;
}

oc_status oc_act_range_f32(oc_ctx *ctx, const oc_op *op, int act, float *lo, float *hi)
{
    switch (act) {
    case OC_ACT_NONE: *lo = -FLT_MAX; *hi = FLT_MAX; return OC_OK;
    case OC_ACT_RELU: *lo = 0.f; *hi = FLT_MAX; return OC_OK;
    case OC_ACT_RELU_N1_TO_1: *lo = -1.f; *hi = 1.f; return OC_OK;
    case OC_ACT_RELU6: *lo = 0.f; *hi = 6.f; return OC_OK;
    default: return oc_op_fail(ctx, op, "unsupported fused activation %d", act);
    }
}

int32_t oc_conv_out_size(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation)
{
    int64_t eff = (int64_t)(filter - 1) * dilation + 1;
    if (stride <= 0) return -1;
    if (padding == OC_PAD_SAME) return (int32_t)(((int64_t)in + stride - 1) / stride);
    int64_t o = ((int64_t)in - eff + stride) / stride;
    return o < 0 ? 0 : (int32_t)o;
}

int32_t oc_conv_pad(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                    int32_t out)
{
    if (padding != OC_PAD_SAME) return 0;
    int64_t eff = (int64_t)(filter - 1) * dilation + 1;
    int64_t total = ((int64_t)out - 1) * stride + eff - in;
    return total > 0 ? (int32_t)(total / 2) : 0;
}
