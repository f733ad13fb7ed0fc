/* RANGE: start, start + delta, ... up to (excluding) limit; int32, int64 or float32 scalars.
 * Values accumulate (value += delta) as TFLite's kernel does. */
#include <math.h>
#include <string.h>

#include "ops/layout_util.h"

static float f32_at(const oc_tensor *t)
{
    float v;
    memcpy(&v, t->data, 4);
    return v;
}

static oc_status range_size(oc_ctx *ctx, oc_op *op, int64_t *size)
{
    const oc_tensor *st = oc_in(ctx, op, 0), *lt = oc_in(ctx, op, 1), *dt = oc_in(ctx, op, 2);
    if (st->dtype == OC_F32) {
        float s = f32_at(st), l = f32_at(lt), d = f32_at(dt);
        if (!(d != 0.f) || !((s >= l && d < 0) || (s <= l && d > 0)))
            return oc_op_fail(ctx, op, "delta %g cannot go from %g to %g", d, s, l);
        float n = ceilf(fabsf((l - s) / d));
        if (!(n <= (float)INT32_MAX)) return oc_op_fail(ctx, op, "range too long");
        *size = (int64_t)n;
        return OC_OK;
    }
    int64_t s = oc_lu_int_at(st, 0), l = oc_lu_int_at(lt, 0), d = oc_lu_int_at(dt, 0);
    if (d == 0 || !((s >= l && d < 0) || (s <= l && d > 0)))
        return oc_op_fail(ctx, op, "delta %lld cannot go from %lld to %lld", (long long)d,
                          (long long)s, (long long)l);
    /* |l - s| and |d| as unsigned so that extreme int64 values cannot overflow */
    uint64_t span = l >= s ? (uint64_t)l - (uint64_t)s : (uint64_t)s - (uint64_t)l;
    uint64_t step = d > 0 ? (uint64_t)d : (uint64_t)0 - (uint64_t)d;
    uint64_t n = span / step + (span % step != 0);
    if (n > INT32_MAX) return oc_op_fail(ctx, op, "range too long");
    *size = (int64_t)n;
    return OC_OK;
}

static oc_status range_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    oc_tensor *out = oc_out(ctx, op, 0);
    oc_dtype dt = oc_in(ctx, op, 0)->dtype;
    if (dt != OC_I32 && dt != OC_I64 && dt != OC_F32)
        return oc_op_fail(ctx, op, "unsupported type %s", oc_dtype_name(dt));
    for (int i = 0; i < 3; i++) {
        const oc_tensor *t = oc_in(ctx, op, i);
        OC_TRY(oc_check_dtype(ctx, op, t, dt));
        if (oc_tensor_count(t) != 1) return oc_op_fail(ctx, op, "input %d must be a scalar", i);
    }
    OC_TRY(oc_check_dtype(ctx, op, out, dt));
    for (int i = 0; i < 3; i++)
        if (!oc_has_data(ctx, oc_in(ctx, op, i))) return OC_DYNAMIC;
    int64_t n = 0;
    OC_TRY(range_size(ctx, op, &n));
    oc_shape s = {.rank = 1, .dims = {(int32_t)n}};
    return oc_set_shape(ctx, op, out, &s);
}

static oc_status range_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *st = oc_in(ctx, op, 0), *dt = oc_in(ctx, op, 2);
    oc_tensor *out = oc_out(ctx, op, 0);
    int64_t n = oc_tensor_count(out);
    switch (out->dtype) {
    case OC_F32: {
        float v = f32_at(st), d = f32_at(dt);
        for (int64_t i = 0; i < n; i++, v += d)
            ((float *)out->data)[i] = v;
        break;
    }
    case OC_I32: {
        /* wrap-around cannot happen: every value lies between start and limit */
        int32_t v = (int32_t)oc_lu_int_at(st, 0), d = (int32_t)oc_lu_int_at(dt, 0);
        for (int64_t i = 0; i < n; i++) {
            ((int32_t *)out->data)[i] = v;
            if (i + 1 < n) v += d;
        }
        break;
    }
    default: {
        int64_t v = oc_lu_int_at(st, 0), d = oc_lu_int_at(dt, 0);
        for (int64_t i = 0; i < n; i++) {
            ((int64_t *)out->data)[i] = v;
            if (i + 1 < n) v += d;
        }
        break;
    }
    }
    return OC_OK;
}

const oc_op_def oc_op_RANGE = {"RANGE", 0, NULL, range_prepare, range_eval, NULL};
