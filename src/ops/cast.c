/* CAST among float32, float16, float64, int64, int32, int16, int8, uint8 and bool.
 * Rules (TFLite's static_cast where C++ defines it; where it does not, we pick):
 * - float -> integer truncates toward zero; NaN gives 0; values beyond int32 (int64 for an
 *   int64 target) saturate; narrower targets take the saturated int32 modulo their width,
 *   as x86 builds of TFLite do (-1.0f -> uint8 255);
 * - integer -> narrower integer wraps (two's complement);
 * - anything -> bool is x != 0 (NaN is true); bool -> anything is 0 or 1.
 * Elements go through a small block of double (float sources) or int64 (the others). */
#include <math.h>
#include <stdint.h>

#include "kernels/elementwise.h"
#include "ops/binary.h"

#define BLOCK 256

static bool is_float(oc_dtype t)
{
    return t == OC_F32 || t == OC_F16 || t == OC_F64;
}

static bool supported(oc_dtype t)
{
    switch (t) {
    case OC_F32:
    case OC_F16:
    case OC_F64:
    case OC_I64:
    case OC_I32:
    case OC_I16:
    case OC_I8:
    case OC_U8:
    case OC_BOOL: return true;
    default: return false;
    }
}

static void load_f(const void *src, oc_dtype t, int64_t n, double *v)
{
    switch (t) {
    case OC_F32:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const float *)src)[i];
        break;
    case OC_F64:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const double *)src)[i];
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            v[i] = oc_f16_to_f32(((const uint16_t *)src)[i]);
    }
}

static void load_i(const void *src, oc_dtype t, int64_t n, int64_t *v)
{
    switch (t) {
    case OC_I64:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const int64_t *)src)[i];
        break;
    case OC_I32:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const int32_t *)src)[i];
        break;
    case OC_I16:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const int16_t *)src)[i];
        break;
    case OC_I8:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const int8_t *)src)[i];
        break;
    case OC_U8:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const uint8_t *)src)[i];
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            v[i] = ((const uint8_t *)src)[i] != 0;
        break;
    }
}

/* Truncation toward zero with NaN -> 0 and saturation to [lo, hi]. */
static inline int64_t f_to_int(double d, double lo, double hi, int64_t ilo, int64_t ihi)
{
    if (d != d) return 0;
    if (d <= lo) return ilo;
    if (d >= hi) return ihi;
    return (int64_t)d;
}

static inline int32_t f_to_i32(double d)
{
    return (int32_t)f_to_int(d, -2147483648.0, 2147483647.0, INT32_MIN, INT32_MAX);
}

static void store_f(void *dst, oc_dtype t, int64_t n, const double *v)
{
    switch (t) {
    case OC_F32:
        for (int64_t i = 0; i < n; i++)
            ((float *)dst)[i] = (float)v[i];
        break;
    case OC_F64:
        for (int64_t i = 0; i < n; i++)
            ((double *)dst)[i] = v[i];
        break;
    case OC_F16:
        for (int64_t i = 0; i < n; i++)
            ((uint16_t *)dst)[i] = oc_f32_to_f16((float)v[i]);
        break;
    case OC_I64:
        for (int64_t i = 0; i < n; i++)
            ((int64_t *)dst)[i] =
                f_to_int(v[i], -9223372036854775808.0, 9223372036854775808.0, INT64_MIN, INT64_MAX);
        break;
    case OC_I32:
        for (int64_t i = 0; i < n; i++)
            ((int32_t *)dst)[i] = f_to_i32(v[i]);
        break;
    case OC_I16:
        for (int64_t i = 0; i < n; i++)
            ((int16_t *)dst)[i] = (int16_t)f_to_i32(v[i]);
        break;
    case OC_I8:
        for (int64_t i = 0; i < n; i++)
            ((int8_t *)dst)[i] = (int8_t)f_to_i32(v[i]);
        break;
    case OC_U8:
        for (int64_t i = 0; i < n; i++)
            ((uint8_t *)dst)[i] = (uint8_t)f_to_i32(v[i]);
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            ((uint8_t *)dst)[i] = v[i] != 0;
        break;
    }
}

static void store_i(void *dst, oc_dtype t, int64_t n, const int64_t *v)
{
    switch (t) {
    case OC_F32:
        for (int64_t i = 0; i < n; i++)
            ((float *)dst)[i] = (float)v[i];
        break;
    case OC_F64:
        for (int64_t i = 0; i < n; i++)
            ((double *)dst)[i] = (double)v[i];
        break;
    case OC_F16:
        for (int64_t i = 0; i < n; i++)
            ((uint16_t *)dst)[i] = oc_f32_to_f16((float)v[i]);
        break;
    case OC_I64:
        for (int64_t i = 0; i < n; i++)
            ((int64_t *)dst)[i] = v[i];
        break;
    case OC_I32:
        for (int64_t i = 0; i < n; i++)
            ((int32_t *)dst)[i] = (int32_t)v[i];
        break;
    case OC_I16:
        for (int64_t i = 0; i < n; i++)
            ((int16_t *)dst)[i] = (int16_t)v[i];
        break;
    case OC_I8:
        for (int64_t i = 0; i < n; i++)
            ((int8_t *)dst)[i] = (int8_t)v[i];
        break;
    case OC_U8:
        for (int64_t i = 0; i < n; i++)
            ((uint8_t *)dst)[i] = (uint8_t)v[i];
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            ((uint8_t *)dst)[i] = v[i] != 0;
        break;
    }
}

typedef struct cast_job {
    const uint8_t *in;
    uint8_t *out;
    oc_dtype from, to;
} cast_job;

static void cast_range(void *arg, int64_t begin, int64_t end)
{
    const cast_job *j = arg;
    int64_t si = (int64_t)oc_dtype_size(j->from), so = (int64_t)oc_dtype_size(j->to);
    for (int64_t b = begin; b < end; b += BLOCK) {
        int64_t n = end - b < BLOCK ? end - b : BLOCK;
        if (is_float(j->from)) {
            double v[BLOCK];
            load_f(j->in + b * si, j->from, n, v);
            store_f(j->out + b * so, j->to, n, v);
        } else {
            int64_t v[BLOCK];
            load_i(j->in + b * si, j->from, n, v);
            store_i(j->out + b * so, j->to, n, v);
        }
    }
}

static oc_status cast_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    oc_tensor *a = oc_in(ctx, op, 0), *o = oc_out(ctx, op, 0);
    if (!supported(a->dtype) || !supported(o->dtype))
        return oc_op_fail(ctx, op, "unsupported cast from %s to %s", oc_dtype_name(a->dtype),
                          oc_dtype_name(o->dtype));
    return oc_set_shape(ctx, op, o, &a->shape);
}

static oc_status cast_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *a = oc_in(ctx, op, 0);
    oc_tensor *o = oc_out(ctx, op, 0);
    cast_job j = {a->data, o->data, a->dtype, o->dtype};
    oc_ew_parallel(ctx->pool, oc_tensor_count(a), cast_range, &j);
    return OC_OK;
}

const oc_op_def oc_op_CAST = {"CAST", 0, NULL, cast_prepare, cast_eval, NULL};
