/* RESIZE_BILINEAR (float32) and RESIZE_NEAREST_NEIGHBOR (any fixed-size element) on NHWC, to
 * a [height, width] given by an int32 size tensor, with TFLite's coordinate rules:
 *   scale = in / out, or (in - 1) / (out - 1) with align_corners (and out > 1);
 *   bilinear: src = (dst + 0.5) * scale - 0.5 with half_pixel_centers, else dst * scale;
 *             lo = max(floor(src), 0), hi = min(ceil(src), in - 1), weights src - lo;
 *   nearest:  src = (dst + 0.5 if half_pixel_centers) * scale, then round() with
 *             align_corners else floor(), clamped to in - 1 (and to 0 with half pixels).
 * Per-axis source indices and weights are tabulated once per prepare. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

typedef struct {
    int32_t *lo, *hi; /* [oh + ow]: rows first, then columns */
    float *frac;      /* src - lo (bilinear) */
    int64_t cap;
} resize_state;

static void resize_release(oc_op *op)
{
    resize_state *s = op->state;
    if (s) {
        free(s->lo);
        free(s->hi);
        free(s->frac);
    }
    free(s);
    op->state = NULL;
}

static oc_status bilinear_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_resize_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->align_corners = oc_fbt_bool(&op->options, 2, false);
    p->half_pixel_centers = oc_fbt_bool(&op->options, 3, false);
    op->params = p;
    return OC_OK;
}

static oc_status nearest_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_resize_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->align_corners = oc_fbt_bool(&op->options, 0, false);
    p->half_pixel_centers = oc_fbt_bool(&op->options, 1, false);
    op->params = p;
    return OC_OK;
}

static float axis_scale(int32_t in, int32_t out, bool align)
{
    if (align && out > 1) return (float)(in - 1) / (float)(out - 1);
    return (float)in / (float)out;
}

static void table_bilinear(int32_t in, int32_t out, const oc_resize_params *p, int32_t *lo,
                           int32_t *hi, float *frac)
{
    float scale = axis_scale(in, out, p->align_corners);
    for (int32_t i = 0; i < out; i++) {
        float src = p->half_pixel_centers ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
        int32_t l = (int32_t)floorf(src), h = (int32_t)ceilf(src);
        lo[i] = l > 0 ? l : 0;
        hi[i] = h < in - 1 ? h : in - 1;
        frac[i] = src - (float)lo[i];
    }
}

static void table_nearest(int32_t in, int32_t out, const oc_resize_params *p, int32_t *idx)
{
    float scale = axis_scale(in, out, p->align_corners);
    float off = p->half_pixel_centers ? 0.5f : 0.f;
    for (int32_t i = 0; i < out; i++) {
        float src = ((float)i + off) * scale;
        int32_t v = p->align_corners ? (int32_t)roundf(src) : (int32_t)floorf(src);
        if (v > in - 1) v = in - 1;
        if (p->half_pixel_centers && v < 0) v = 0;
        idx[i] = v;
    }
}

static oc_status resize_prepare(oc_ctx *ctx, oc_op *op, bool bilinear)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    static const oc_resize_params defaults = {false, false};
    const oc_resize_params *p = op->params ? op->params : &defaults;
    oc_tensor *in = oc_in(ctx, op, 0), *size = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    if (bilinear ? in->dtype != OC_F32 : oc_dtype_size(in->dtype) == 0)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, in->dtype));
    if (in->q.count > 0 && out->q.count > 0 &&
        (in->q.scale[0] != out->q.scale[0] || in->q.zero_point[0] != out->q.zero_point[0]))
        return oc_op_fail(ctx, op, "input and output quantization must match");
    if (in->shape.rank != 4) return oc_op_fail(ctx, op, "input must be 4-D NHWC");
    if (bilinear && p->align_corners && p->half_pixel_centers)
        return oc_op_fail(ctx, op, "align_corners and half_pixel_centers are exclusive");
    OC_TRY(oc_check_dtype(ctx, op, size, OC_I32));
    if (size->shape.rank != 1 || size->shape.dims[0] != 2)
        return oc_op_fail(ctx, op, "size must be an int32 vector of 2 elements");
    if (!oc_has_data(ctx, size)) return OC_DYNAMIC;
    const int32_t *hw = size->data;
    if (hw[0] <= 0 || hw[1] <= 0)
        return oc_op_fail(ctx, op, "output size %dx%d must be positive", hw[0], hw[1]);
    if ((in->shape.dims[1] == 0 || in->shape.dims[2] == 0) && in->shape.dims[0] > 0 &&
        in->shape.dims[3] > 0)
        return oc_op_fail(ctx, op, "cannot resize an empty image");
    oc_shape os = in->shape;
    os.dims[1] = hw[0];
    os.dims[2] = hw[1];
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    resize_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    int64_t need = (int64_t)hw[0] + hw[1];
    if (need > s->cap) {
        free(s->lo);
        free(s->hi);
        free(s->frac);
        s->lo = malloc((size_t)need * sizeof *s->lo);
        s->hi = malloc((size_t)need * sizeof *s->hi);
        s->frac = malloc((size_t)need * sizeof *s->frac);
        s->cap = s->lo && s->hi && s->frac ? need : 0;
        if (!s->cap) return OC_NOMEMF(ctx->err);
    }
    int32_t ih = in->shape.dims[1], iw = in->shape.dims[2];
    if (ih == 0 || iw == 0) return OC_OK; /* nothing to read: tables unused */
    if (bilinear) {
        table_bilinear(ih, hw[0], p, s->lo, s->hi, s->frac);
        table_bilinear(iw, hw[1], p, s->lo + hw[0], s->hi + hw[0], s->frac + hw[0]);
    } else {
        table_nearest(ih, hw[0], p, s->lo);
        table_nearest(iw, hw[1], p, s->lo + hw[0]);
    }
    return OC_OK;
}

typedef struct {
    const resize_state *s;
    const uint8_t *x;
    uint8_t *y;
    int32_t ih, iw, oh, ow;
    int64_t c;
    size_t esz;
} resize_job;

typedef float v4f __attribute__((vector_size(16)));

/* One output row (task = batch * oh + y). */
static void bilinear_row(void *arg, size_t task)
{
    const resize_job *j = arg;
    int64_t b = (int64_t)task / j->oh, oy = (int64_t)task % j->oh, c = j->c;
    const float *x = (const float *)j->x + b * j->ih * j->iw * c;
    float *y = (float *)j->y + (b * j->oh + oy) * j->ow * c;
    int32_t y0 = j->s->lo[oy], y1 = j->s->hi[oy];
    float dy = j->s->frac[oy], ry = 1 - dy;
    const int32_t *x0s = j->s->lo + j->oh, *x1s = j->s->hi + j->oh;
    const float *dxs = j->s->frac + j->oh;
    const float *r0 = x + (int64_t)y0 * j->iw * c, *r1 = x + (int64_t)y1 * j->iw * c;
    for (int32_t ox = 0; ox < j->ow; ox++, y += c) {
        const float *p00 = r0 + (int64_t)x0s[ox] * c, *p01 = r0 + (int64_t)x1s[ox] * c;
        const float *p10 = r1 + (int64_t)x0s[ox] * c, *p11 = r1 + (int64_t)x1s[ox] * c;
        float dx = dxs[ox], rx = 1 - dx;
        /* the reference's product and sum order, 4 channels at a time (same rounding) */
        int64_t k = 0;
        for (; k + 4 <= c; k += 4) {
            v4f a, b, e, f;
            memcpy(&a, p00 + k, 16);
            memcpy(&b, p10 + k, 16);
            memcpy(&e, p01 + k, 16);
            memcpy(&f, p11 + k, 16);
            v4f v = a * ry * rx + b * dy * rx + e * ry * dx + f * dy * dx;
            memcpy(y + k, &v, 16);
        }
        for (; k < c; k++)
            y[k] = p00[k] * ry * rx + p10[k] * dy * rx + p01[k] * ry * dx + p11[k] * dy * dx;
    }
}

static void nearest_row(void *arg, size_t task)
{
    const resize_job *j = arg;
    int64_t b = (int64_t)task / j->oh, oy = (int64_t)task % j->oh;
    size_t px = (size_t)j->c * j->esz;
    const uint8_t *row = j->x + ((b * j->ih + j->s->lo[oy]) * j->iw) * px;
    uint8_t *y = j->y + (b * j->oh + oy) * j->ow * px;
    const int32_t *xs = j->s->lo + j->oh;
    for (int32_t ox = 0; ox < j->ow; ox++, y += px)
        memcpy(y, row + (size_t)xs[ox] * px, px);
}

static oc_status resize_eval(oc_ctx *ctx, oc_op *op, bool bilinear)
{
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    resize_job j = {.s = op->state,
                    .x = in->data,
                    .y = out->data,
                    .ih = in->shape.dims[1],
                    .iw = in->shape.dims[2],
                    .oh = out->shape.dims[1],
                    .ow = out->shape.dims[2],
                    .c = in->shape.dims[3],
                    .esz = oc_dtype_size(in->dtype)};
    size_t rows = (size_t)out->shape.dims[0] * (size_t)j.oh;
    oc_threadpool *pool = oc_tensor_count(out) >= 16384 ? ctx->pool : NULL;
    oc_parallel_for(pool, rows, bilinear ? bilinear_row : nearest_row, &j);
    return OC_OK;
}

static oc_status bilinear_prepare(oc_ctx *ctx, oc_op *op)
{
    return resize_prepare(ctx, op, true);
}
static oc_status bilinear_eval(oc_ctx *ctx, oc_op *op)
{
    return resize_eval(ctx, op, true);
}
static oc_status nearest_prepare(oc_ctx *ctx, oc_op *op)
{
    return resize_prepare(ctx, op, false);
}
static oc_status nearest_eval(oc_ctx *ctx, oc_op *op)
{
    return resize_eval(ctx, op, false);
}

const oc_op_def oc_op_RESIZE_BILINEAR = {
    "RESIZE_BILINEAR", 0, bilinear_parse, bilinear_prepare, bilinear_eval, resize_release};
const oc_op_def oc_op_RESIZE_NEAREST_NEIGHBOR = {
    "RESIZE_NEAREST_NEIGHBOR", 0, nearest_parse, nearest_prepare, nearest_eval, resize_release};
