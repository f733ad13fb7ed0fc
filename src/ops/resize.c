/* RESIZE_BILINEAR (float32, uint8, int8, int16) and RESIZE_NEAREST_NEIGHBOR (any fixed-size
 * element) on NHWC, to a [height, width] given by an int32 size tensor, with TFLite's rules:
 *   scale = in / out, or (in - 1) / (out - 1) with align_corners (and out > 1);
 *   bilinear: src = (dst + 0.5) * scale - 0.5 with half_pixel_centers, else dst * scale;
 *             lo = max(floor(src), 0), hi = min(ceil(src), in - 1), weights src - lo;
 *   nearest:  src = (dst + 0.5 if half_pixel_centers) * scale, then round() with
 *             align_corners else floor(), clamped to in - 1 (and to 0 with half pixels).
 * Quantized bilinear (values stay in the input's quantization, which the output must share):
 *   uint8, int8: what the reference runtimes compute: TFLite hands these to the XNNPACK
 *          delegate (tfjs-tflite and LiteRT agree; TFLite's own uint8 float kernel and int8
 *          integer kernel differ from them by 1 in some pixels), whose resize uses 11-bit
 *          weights: src = dst * scale, or with half_pixel_centers dst * scale + (scale/2 - 1/2)
 *          clamped to [0, in - 1]; lo = trunc(src), hi = min(lo + 1, in - 1),
 *          w = lrintf((src - lo) * 2048); t = (tl << 11) + (tr - tl) * wx, b likewise,
 *          out = ((t << 11) + (b - t) * wy + 2^21) >> 22 (XNNPACK ibilinear kernels);
 *   int16: TFLite's reference ResizeBilinearInteger (XNNPACK has no int16): scale and
 *          positions in 10-bit fixed point, scale_10 = (1024 * in + out / 2) / out
 *          (align_corners: in - 1, out - 1), src_10 = dst * scale_10 (+ scale_10 / 2 - 512
 *          with half pixels), lo = src_10 / 1024, hi = (src_10 + 1023) / 1024, 20-bit
 *          products rounded half away from zero.
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
    int32_t *src10;   /* int16: source position in 1/1024; uint8/int8: weight in 1/2048 */
    int64_t cap;
} resize_state;

static void resize_release(oc_op *op)
{
    resize_state *s = op->state;
    if (s) {
        free(s->lo);
        free(s->hi);
        free(s->frac);
        free(s->src10);
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

/* TFLite ComputeInterpolationValuesInteger over one axis. */
static void table_bilinear_int(int32_t in, int32_t out, const oc_resize_params *p, int32_t *lo,
                               int32_t *hi, int32_t *src10)
{
    int32_t scale = (int32_t)(((int64_t)1024 * in + out / 2) / out);
    if (p->align_corners && out > 1)
        scale = (int32_t)(((int64_t)1024 * (in - 1) + (out - 1) / 2) / (out - 1));
    for (int32_t i = 0; i < out; i++) {
        int32_t v = i * scale;
        if (p->half_pixel_centers) v += scale / 2 - (1 << 9);
        int32_t l = v / 1024, h = (v + 1023) / 1024;
        lo[i] = l > 0 ? l : 0;
        hi[i] = h < in - 1 ? h : in - 1;
        src10[i] = v;
    }
}

/* XNNPACK xnn_indirection_init_resize_bilinear2d_hwc_q11 over one axis. */
static void table_bilinear_q11(int32_t in, int32_t out, const oc_resize_params *p, int32_t *lo,
                               int32_t *hi, int32_t *w11)
{
    int32_t adj = p->align_corners && out != 1;
    float scale = (float)(in - adj) / (float)(out - adj);
    float offset = 0.5f * scale - 0.5f;
    for (int32_t i = 0; i < out; i++) {
        float src = (float)i * scale;
        if (p->half_pixel_centers && !p->align_corners) {
            src = src + offset;
            src = src < 0.f ? 0.f : src > (float)(in - 1) ? (float)(in - 1) : src;
        }
        int32_t l = (int32_t)src;
        lo[i] = l;
        hi[i] = l + 1 < in - 1 ? l + 1 : in - 1;
        w11[i] = (int32_t)lrintf((src - (float)l) * 2048.f);
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
    bool bil_ok = in->dtype == OC_F32 || in->dtype == OC_U8 || in->dtype == OC_I8 ||
                  in->dtype == OC_I16;
    if (bilinear ? !bil_ok : oc_dtype_size(in->dtype) == 0)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, in->dtype));
    if (in->q.count > 0 && out->q.count > 0 &&
        (in->q.scale[0] != out->q.scale[0] || in->q.zero_point[0] != out->q.zero_point[0]))
        return oc_op_fail(ctx, op, "input and output quantization must match");
    if (in->q.count > 1 || out->q.count > 1)
        return oc_op_fail(ctx, op, "per-channel quantization is not supported");
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
        free(s->src10);
        s->lo = malloc((size_t)need * sizeof *s->lo);
        s->hi = malloc((size_t)need * sizeof *s->hi);
        s->frac = malloc((size_t)need * sizeof *s->frac);
        s->src10 = malloc((size_t)need * sizeof *s->src10);
        s->cap = s->lo && s->hi && s->frac && s->src10 ? need : 0;
        if (!s->cap) return OC_NOMEMF(ctx->err);
    }
    int32_t ih = in->shape.dims[1], iw = in->shape.dims[2];
    if (ih == 0 || iw == 0) return OC_OK; /* nothing to read: tables unused */
    if (bilinear && in->dtype == OC_I16) {
        table_bilinear_int(ih, hw[0], p, s->lo, s->hi, s->src10);
        table_bilinear_int(iw, hw[1], p, s->lo + hw[0], s->hi + hw[0], s->src10 + hw[0]);
    } else if (bilinear && (in->dtype == OC_U8 || in->dtype == OC_I8)) {
        table_bilinear_q11(ih, hw[0], p, s->lo, s->hi, s->src10);
        table_bilinear_q11(iw, hw[1], p, s->lo + hw[0], s->hi + hw[0], s->src10 + hw[0]);
    } else if (bilinear) {
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

/* uint8 / int8 row: XNNPACK's ibilinear (11-bit weights, horizontal then vertical). */
#define BILINEAR_Q11_ROW(NAME, T)                                                                  \
    static void NAME(void *arg, size_t task)                                                       \
    {                                                                                              \
        const resize_job *j = arg;                                                                 \
        int64_t b = (int64_t)task / j->oh, oy = (int64_t)task % j->oh, c = j->c;                   \
        const T *x = (const T *)j->x + b * j->ih * j->iw * c;                                      \
        T *y = (T *)j->y + (b * j->oh + oy) * j->ow * c;                                           \
        const T *r0 = x + (int64_t)j->s->lo[oy] * j->iw * c;                                       \
        const T *r1 = x + (int64_t)j->s->hi[oy] * j->iw * c;                                       \
        int32_t wy = j->s->src10[oy];                                                              \
        for (int32_t ox = 0; ox < j->ow; ox++, y += c) {                                           \
            int64_t x0 = (int64_t)j->s->lo[j->oh + ox] * c;                                        \
            int64_t x1 = (int64_t)j->s->hi[j->oh + ox] * c;                                        \
            int32_t wx = j->s->src10[j->oh + ox];                                                  \
            for (int64_t k = 0; k < c; k++) {                                                      \
                int32_t tl = r0[x0 + k], tr = r0[x1 + k], bl = r1[x0 + k], br = r1[x1 + k];        \
                int32_t t = tl * 2048 + (tr - tl) * wx, bt = bl * 2048 + (br - bl) * wx;           \
                int32_t acc = t * 2048 + (bt - t) * wy;                                            \
                y[k] = (T)((acc + (1 << 21)) >> 22);                                               \
            }                                                                                      \
        }                                                                                          \
    }

BILINEAR_Q11_ROW(bilinear_row_u8, uint8_t)
BILINEAR_Q11_ROW(bilinear_row_i8, int8_t)

/* int16 row: TFLite's ResizeBilinearInteger (10-bit weights, 20-bit products). */
#define BILINEAR_INT_ROW(NAME, T, LO, HI)                                                          \
    static void NAME(void *arg, size_t task)                                                       \
    {                                                                                              \
        const resize_job *j = arg;                                                                 \
        int64_t b = (int64_t)task / j->oh, oy = (int64_t)task % j->oh, c = j->c;                   \
        const T *x = (const T *)j->x + b * j->ih * j->iw * c;                                      \
        T *y = (T *)j->y + (b * j->oh + oy) * j->ow * c;                                           \
        int32_t y0 = j->s->lo[oy], y1 = j->s->hi[oy];                                              \
        int64_t fy = j->s->src10[oy] - 1024 * y0;                                                  \
        const T *r0 = x + (int64_t)y0 * j->iw * c, *r1 = x + (int64_t)y1 * j->iw * c;              \
        for (int32_t ox = 0; ox < j->ow; ox++, y += c) {                                           \
            int32_t x0i = j->s->lo[j->oh + ox];                                                    \
            int64_t x0 = (int64_t)x0i * c, x1 = (int64_t)j->s->hi[j->oh + ox] * c;                 \
            int64_t fx = j->s->src10[j->oh + ox] - 1024 * x0i;                                     \
            for (int64_t k = 0; k < c; k++) {                                                      \
                int64_t v = (int64_t)r0[x0 + k] * (1024 - fy) * (1024 - fx) +                      \
                            (int64_t)r1[x0 + k] * fy * (1024 - fx) +                               \
                            (int64_t)r0[x1 + k] * (1024 - fy) * fx +                               \
                            (int64_t)r1[x1 + k] * fy * fx;                                         \
                int64_t q = (v + (v > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);                    \
                y[k] = (T)(q < LO ? LO : q > HI ? HI : q);                                         \
            }                                                                                      \
        }                                                                                          \
    }

BILINEAR_INT_ROW(bilinear_row_i16, int16_t, INT16_MIN, INT16_MAX)

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
    void (*fn)(void *, size_t) = nearest_row;
    if (bilinear)
        fn = in->dtype == OC_U8   ? bilinear_row_u8
             : in->dtype == OC_I8  ? bilinear_row_i8
             : in->dtype == OC_I16 ? bilinear_row_i16
                                   : bilinear_row;
    oc_parallel_for(pool, rows, fn, &j);
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
