/* SELECT (TFLite v1: condition of x's shape, a scalar, or rank 1 over x's first dim) and
 * SELECT_V2 (condition, x and y broadcast together). out = cond ? x : y, any fixed-size
 * dtype: the kernel only moves elements. */
#include <stdint.h>

#include "kernels/elementwise.h"
#include "ops/binary.h"

#define SELECT_LOOP(T)                                                                             \
    do {                                                                                           \
        const T *x = in[1], *y = in[2];                                                            \
        T *o = out;                                                                                \
        for (int64_t i = 0; i < n; i++)                                                            \
            o[i] = c[i * sc] ? x[i * sx] : y[i * sy];                                              \
    } while (0)

static void select_row(void *arg, const void *const *in, void *out, int64_t n, const int *step)
{
    size_t esz = *(const size_t *)arg;
    const uint8_t *c = in[0];
    int sc = step[0], sx = step[1], sy = step[2];
    switch (esz) {
    case 1: SELECT_LOOP(uint8_t); break;
    case 2: SELECT_LOOP(uint16_t); break;
    case 4: SELECT_LOOP(uint32_t); break;
    default: SELECT_LOOP(uint64_t); break;
    }
}

static oc_status check_types(oc_ctx *ctx, const oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 3, 3, 1));
    const oc_tensor *c = oc_in(ctx, op, 0), *x = oc_in(ctx, op, 1), *y = oc_in(ctx, op, 2);
    OC_TRY(oc_check_dtype(ctx, op, c, OC_BOOL));
    if (oc_dtype_size(x->dtype) == 0 || x->dtype == OC_STRING)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(x->dtype));
    OC_TRY(oc_check_dtype(ctx, op, y, x->dtype));
    return oc_check_dtype(ctx, op, oc_out(ctx, op, 0), x->dtype);
}

/* The condition's shape as it broadcasts against x in SELECT v1 (rank 1 over dim 0). */
static oc_shape v1_cond_shape(const oc_shape *c, const oc_shape *x)
{
    oc_shape s = *c;
    if (c->rank == 1 && x->rank > 1) {
        s.rank = x->rank;
        for (int i = 1; i < x->rank; i++)
            s.dims[i] = 1;
    }
    return s;
}

static oc_status select_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(check_types(ctx, op));
    const oc_tensor *c = oc_in(ctx, op, 0), *x = oc_in(ctx, op, 1), *y = oc_in(ctx, op, 2);
    char b1[96], b2[96];
    if (!oc_shape_equal(&x->shape, &y->shape))
        return oc_op_fail(ctx, op, "x %s and y %s must have the same shape",
                          oc_shape_str(&x->shape, b1, sizeof b1),
                          oc_shape_str(&y->shape, b2, sizeof b2));
    bool ok = oc_shape_equal(&c->shape, &x->shape) || c->shape.rank == 0 ||
              (c->shape.rank == 1 && x->shape.rank >= 1 && c->shape.dims[0] == x->shape.dims[0]);
    if (!ok)
        return oc_op_fail(ctx, op,
                          "condition %s must match x %s, be a scalar, or be rank 1 "
                          "over its first dimension",
                          oc_shape_str(&c->shape, b1, sizeof b1),
                          oc_shape_str(&x->shape, b2, sizeof b2));
    return oc_set_shape(ctx, op, oc_out(ctx, op, 0), &x->shape);
}

static oc_status select_v2_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(check_types(ctx, op));
    const oc_tensor *c = oc_in(ctx, op, 0), *x = oc_in(ctx, op, 1), *y = oc_in(ctx, op, 2);
    oc_shape xy, s;
    OC_TRY(oc_broadcast_shape(ctx, op, &x->shape, &y->shape, &xy));
    OC_TRY(oc_broadcast_shape(ctx, op, &c->shape, &xy, &s));
    return oc_set_shape(ctx, op, oc_out(ctx, op, 0), &s);
}

static oc_status run(oc_ctx *ctx, oc_op *op, const oc_shape *cond_shape)
{
    const oc_tensor *c = oc_in(ctx, op, 0), *x = oc_in(ctx, op, 1), *y = oc_in(ctx, op, 2);
    oc_tensor *o = oc_out(ctx, op, 0);
    size_t esz = oc_dtype_size(x->dtype);
    oc_bcast bc;
    const oc_shape *ins[3] = {cond_shape, &x->shape, &y->shape};
    oc_bcast_init(&bc, &o->shape, ins, 3);
    oc_bcast_io io = {{c->data, x->data, y->data}, {1, esz, esz}, o->data, esz};
    oc_bcast_run(ctx->pool, &bc, &io, select_row, &esz);
    return OC_OK;
}

static oc_status select_eval(oc_ctx *ctx, oc_op *op)
{
    oc_shape cs = v1_cond_shape(&oc_in(ctx, op, 0)->shape, &oc_in(ctx, op, 1)->shape);
    return run(ctx, op, &cs);
}

static oc_status select_v2_eval(oc_ctx *ctx, oc_op *op)
{
    return run(ctx, op, &oc_in(ctx, op, 0)->shape);
}

const oc_op_def oc_op_SELECT = {"SELECT", 0, NULL, select_prepare, select_eval, NULL};
const oc_op_def oc_op_SELECT_V2 = {"SELECT_V2", 0, NULL, select_v2_prepare, select_v2_eval, NULL};
