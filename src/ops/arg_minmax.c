/* ARG_MAX / ARG_MIN along one axis (TFLite reference: ties keep the first index; a NaN never
 * wins a comparison). Inputs float32/int32/int64/uint8/int8, index output int32 or int64. */
#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

static oc_status arg_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_arg_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->has_output_type = oc_fbt_has(&op->options, 0);
    p->output_type = (oc_dtype)oc_fbt_i8(&op->options, 0, OC_I64);
    op->params = p;
    return OC_OK;
}

/* The axis value of a constant or run-time axis tensor (int32/int64, one element). */
static int64_t axis_value(const oc_tensor *t)
{
    return t->dtype == OC_I32 ? ((const int32_t *)t->data)[0] : ((const int64_t *)t->data)[0];
}

static oc_status arg_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_arg_params *p = op->params;
    oc_tensor *in = oc_in(ctx, op, 0), *ax = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    switch (in->dtype) {
    case OC_F32:
    case OC_I32:
    case OC_I64:
    case OC_U8:
    case OC_I8: break;
    default: return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    }
    if (out->dtype != OC_I32 && out->dtype != OC_I64)
        return oc_op_fail(ctx, op, "output must be int32 or int64, is %s",
                          oc_dtype_name(out->dtype));
    if (p && p->has_output_type && p->output_type != out->dtype)
        return oc_op_fail(ctx, op, "output_type %s does not match the output tensor (%s)",
                          oc_dtype_name(p->output_type), oc_dtype_name(out->dtype));
    if (ax->dtype != OC_I32 && ax->dtype != OC_I64)
        return oc_op_fail(ctx, op, "axis must be int32 or int64, is %s", oc_dtype_name(ax->dtype));
    if (oc_tensor_count(ax) != 1) return oc_op_fail(ctx, op, "axis must have one element");
    int rank = in->shape.rank;
    if (rank < 1) return oc_op_fail(ctx, op, "input must have rank >= 1");
    if (!oc_has_data(ctx, ax)) return OC_DYNAMIC;
    int64_t a = axis_value(ax);
    if (a < -rank || a >= rank)
        return oc_op_fail(ctx, op, "axis %lld out of range for rank %d", (long long)a, rank);
    if (a < 0) a += rank;
    if (in->shape.dims[a] == 0) return oc_op_fail(ctx, op, "cannot reduce an empty axis");
    oc_shape os = {.rank = rank - 1};
    for (int d = 0, k = 0; d < rank; d++)
        if (d != a) os.dims[k++] = in->shape.dims[d];
    return oc_set_shape(ctx, op, out, &os);
}

#define DEFINE_ARG(NAME, T, CMP)                                                                   \
    static void NAME(const T *x, void *out, bool out64, int64_t outer, int64_t n, int64_t inner)   \
    {                                                                                              \
        for (int64_t o = 0; o < outer; o++) {                                                      \
            for (int64_t i = 0; i < inner; i++) {                                                  \
                const T *p = x + o * n * inner + i;                                                \
                T best = p[0];                                                                     \
                int64_t bi = 0;                                                                    \
                for (int64_t k = 1; k < n; k++) {                                                  \
                    T v = p[k * inner];                                                            \
                    if (v CMP best) best = v, bi = k;                                              \
                }                                                                                  \
                if (out64)                                                                         \
                    ((int64_t *)out)[o * inner + i] = bi;                                          \
                else                                                                               \
                    ((int32_t *)out)[o * inner + i] = (int32_t)bi;                                 \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_ARG(argmax_f32, float, >)
DEFINE_ARG(argmin_f32, float, <)
DEFINE_ARG(argmax_i32, int32_t, >)
DEFINE_ARG(argmin_i32, int32_t, <)
DEFINE_ARG(argmax_i64, int64_t, >)
DEFINE_ARG(argmin_i64, int64_t, <)
DEFINE_ARG(argmax_u8, uint8_t, >)
DEFINE_ARG(argmin_u8, uint8_t, <)
DEFINE_ARG(argmax_i8, int8_t, >)
DEFINE_ARG(argmin_i8, int8_t, <)

static oc_status arg_eval(oc_ctx *ctx, oc_op *op, bool is_max)
{
    oc_tensor *in = oc_in(ctx, op, 0), *ax = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    int rank = in->shape.rank;
    int64_t a = axis_value(ax);
    if (a < 0) a += rank;
    int64_t outer = oc_shape_span(&in->shape, 0, (int)a), n = in->shape.dims[a];
    int64_t inner = oc_shape_span(&in->shape, (int)a + 1, rank);
    bool o64 = out->dtype == OC_I64;
    const void *x = in->data;
    switch (in->dtype) {
    case OC_F32: (is_max ? argmax_f32 : argmin_f32)(x, out->data, o64, outer, n, inner); break;
    case OC_I32: (is_max ? argmax_i32 : argmin_i32)(x, out->data, o64, outer, n, inner); break;
    case OC_I64: (is_max ? argmax_i64 : argmin_i64)(x, out->data, o64, outer, n, inner); break;
    case OC_U8: (is_max ? argmax_u8 : argmin_u8)(x, out->data, o64, outer, n, inner); break;
    case OC_I8: (is_max ? argmax_i8 : argmin_i8)(x, out->data, o64, outer, n, inner); break;
    default: return oc_op_fail(ctx, op, "unsupported input type");
    }
    return OC_OK;
}

static oc_status argmax_eval(oc_ctx *ctx, oc_op *op)
{
    return arg_eval(ctx, op, true);
}

static oc_status argmin_eval(oc_ctx *ctx, oc_op *op)
{
    return arg_eval(ctx, op, false);
}

const oc_op_def oc_op_ARG_MAX = {"ARG_MAX", 0, arg_parse, arg_prepare, argmax_eval, NULL};
const oc_op_def oc_op_ARG_MIN = {"ARG_MIN", 0, arg_parse, arg_prepare, argmin_eval, NULL};
