/* Conv2D and transposed conv on the SGEMM layer: geometry -> GEMM plan, im2col A-provider,
 * col2im gather. */
#include "kernels/conv.h"

#include <string.h>

#include "core/mem.h"

static bool mul3(size_t a, size_t b, size_t c, size_t *out)
{
    return oc_mul_size(a, b, out) && oc_mul_size(*out, c, out);
}

bool oc_conv_plan_init(oc_conv_plan *p, const oc_conv_geom *g, oc_isa isa, size_t max_tasks)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    size_t m, k;
    if (!mul3((size_t)g->n, (size_t)g->oh, (size_t)g->ow, &m)) return false;
    if (!mul3((size_t)g->kh, (size_t)g->kw, (size_t)g->ic, &k)) return false;
    p->k = k;
    p->direct = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 &&
                g->pl == 0 && g->oh == g->ih && g->ow == g->iw;
    p->kr = oc_sgemm_kernel_select(isa, (size_t)g->oc);
    if (!oc_sgemm_packed_floats(p->kr, (size_t)g->oc, k)) return false;
    oc_sgemm_plan_init(&p->gemm, p->kr, m, (size_t)g->oc, k, !p->direct, max_tasks);
    size_t s;
    return oc_mul_size(p->gemm.ntasks, p->gemm.scratch_per_task, &s);
}

size_t oc_conv_packed_floats(const oc_conv_plan *p)
{
    return oc_sgemm_packed_floats(p->kr, (size_t)p->g.oc, p->k);
}

void oc_conv_pack(const oc_conv_plan *p, const float *w, const float *bias, float *dst)
{
    oc_sgemm_pack(p->kr, (size_t)p->g.oc, p->k, w, p->k, 1, bias, dst);
}

size_t oc_conv_scratch_floats(const oc_conv_plan *p)
{
    return oc_sgemm_plan_scratch(&p->gemm);
}

typedef struct im2col_arg {
    const oc_conv_geom *g;
    const float *in;
    size_t k;
} im2col_arg;

/* Copies n floats. Runs are short here (a filter row of a few channels), where a memcpy
 * call costs more than the copy: move fixed 16-byte chunks the compiler inlines. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static inline void
copy_floats(float *restrict dst, const float *restrict src, size_t n)
{
    if (n >= 32) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4) memcpy(dst + i, src + i, 4 * sizeof(float));
    for (; i < n; i++) dst[i] = src[i];
}

/* Rows [m0, m0+m) of the im2col matrix into scratch (row stride k). */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static const float *im2col(const void *vp, size_t m0, size_t m, float *scratch, size_t *lda)
{
    const im2col_arg *a = vp;
    const oc_conv_geom *g = a->g;
    const size_t ic = (size_t)g->ic, ohw = (size_t)g->oh * (size_t)g->ow;
    const size_t run = (size_t)g->kw * ic;
    *lda = a->k;
    /* one division for the first row, then step through (b, oy, ox) */
    size_t b = m0 / ohw, rem = m0 % ohw;
    int32_t oy = (int32_t)(rem / (size_t)g->ow), ox = (int32_t)(rem % (size_t)g->ow);
    for (size_t r = 0; r < m; r++) {
        const float *img = a->in + b * (size_t)g->ih * (size_t)g->iw * ic;
        float *dst = scratch + r * a->k;
        const int32_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        const bool x_inside = ix0 >= 0 && ix0 + (g->kw - 1) * g->dw < g->iw;
        for (int32_t ky = 0; ky < g->kh; ky++, dst += run) {
            int32_t iy = iy0 + ky * g->dh;
            if (iy < 0 || iy >= g->ih) {
                memset(dst, 0, run * sizeof(float));
                continue;
            }
            const float *src = img + ((size_t)iy * (size_t)g->iw) * ic;
            if (x_inside && g->dw == 1) { /* the whole filter row is one contiguous run */
                copy_floats(dst, src + (size_t)ix0 * ic, run);
                continue;
            }
            float *d = dst;
            for (int32_t kx = 0; kx < g->kw; kx++, d += ic) {
                int32_t ix = ix0 + kx * g->dw;
                if (ix < 0 || ix >= g->iw)
                    memset(d, 0, ic * sizeof(float));
                else
                    copy_floats(d, src + (size_t)ix * ic, ic);
            }
        }
        if (++ox == g->ow) {
            ox = 0;
            if (++oy == g->oh) {
                oy = 0;
                b++;
            }
        }
    }
    return scratch;
}

void oc_conv_run(const oc_conv_plan *p, const float *in, const float *packed, float *out,
                 float lo, float hi, float *scratch, oc_threadpool *pool)
{
    im2col_arg ia = {&p->g, in, p->k};
    oc_sgemm_args args = {
        .a = p->direct ? in : NULL,
        .lda = p->k,
        .get_a = im2col,
        .a_arg = &ia,
        .packed = packed,
        .c = out,
        .ldc = (size_t)p->g.oc,
        .lo = lo,
        .hi = hi,
        .scratch = scratch,
    };
    oc_sgemm_run(&p->gemm, &args, pool);
}

/* ---- transposed convolution ------------------------------------------------------------- */

#define TC_MAX_TASKS 32

bool oc_tconv_plan_init(oc_tconv_plan *p, const oc_conv_geom *g, oc_isa isa)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    size_t m, ncol;
    if (!mul3((size_t)g->n, (size_t)g->ih, (size_t)g->iw, &m)) return false;
    if (!mul3((size_t)g->kh, (size_t)g->kw, (size_t)g->oc, &ncol)) return false;
    if (!oc_mul_size(m, ncol, &p->col_floats)) return false;
    p->ncol = ncol;
    p->kr = oc_sgemm_kernel_select(isa, ncol);
    if (!oc_sgemm_packed_floats(p->kr, ncol, (size_t)g->ic)) return false;
    oc_sgemm_plan_init(&p->gemm, p->kr, m, ncol, (size_t)g->ic, false, 0);
    p->rows = (size_t)g->n * (size_t)g->oh;
    size_t t = p->rows < TC_MAX_TASKS ? p->rows : TC_MAX_TASKS;
    p->rows_per_task = t ? (p->rows + t - 1) / t : 0;
    p->ntasks = p->rows_per_task ? (p->rows + p->rows_per_task - 1) / p->rows_per_task : 0;
    return true;
}

size_t oc_tconv_packed_floats(const oc_tconv_plan *p)
{
    return oc_sgemm_packed_floats(p->kr, p->ncol, (size_t)p->g.ic);
}

void oc_tconv_pack(const oc_tconv_plan *p, const float *w, float *tmp, float *dst)
{
    /* GEMM column (tap, o) <- W[o][tap][:], so col rows are [tap][oc] for the gather. */
    const size_t taps = (size_t)p->g.kh * (size_t)p->g.kw, oc = (size_t)p->g.oc;
    const size_t ic = (size_t)p->g.ic;
    for (size_t t = 0; t < taps; t++)
        for (size_t o = 0; o < oc; o++)
            memcpy(tmp + (t * oc + o) * ic, w + (o * taps + t) * ic, ic * sizeof(float));
    oc_sgemm_pack(p->kr, p->ncol, ic, tmp, ic, 1, NULL, dst);
}

size_t oc_tconv_scratch_floats(const oc_tconv_plan *p)
{
    return p->col_floats;
}

typedef struct gather_ctx {
    const oc_tconv_plan *p;
    const float *col, *bias;
    float *out;
    float lo, hi;
} gather_ctx;

static void gather_task(void *arg, size_t t)
{
    const gather_ctx *c = arg;
    const oc_tconv_plan *p = c->p;
    const oc_conv_geom *g = &p->g;
    const size_t oc = (size_t)g->oc, ncol = p->ncol;
    size_t r0 = t * p->rows_per_task, r1 = r0 + p->rows_per_task;
    if (r1 > p->rows) r1 = p->rows;
    for (size_t row = r0; row < r1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh);
        const float *colb = c->col + b * (size_t)g->ih * (size_t)g->iw * ncol;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            float *o = c->out + (row * (size_t)g->ow + (size_t)ox) * oc;
            for (size_t j = 0; j < oc; j++) o[j] = c->bias ? c->bias[j] : 0.f;
            for (int32_t ky = 0; ky < g->kh; ky++) {
                int32_t ty = oy + g->pt - ky;
                if (ty < 0 || ty % g->sh) continue;
                int32_t iy = ty / g->sh;
                if (iy >= g->ih) continue;
                for (int32_t kx = 0; kx < g->kw; kx++) {
                    int32_t tx = ox + g->pl - kx;
                    if (tx < 0 || tx % g->sw) continue;
                    int32_t ix = tx / g->sw;
                    if (ix >= g->iw) continue;
                    const float *src = colb + ((size_t)iy * (size_t)g->iw + (size_t)ix) * ncol +
                                       (size_t)(ky * g->kw + kx) * oc;
                    for (size_t j = 0; j < oc; j++) o[j] += src[j];
                }
            }
            for (size_t j = 0; j < oc; j++) {
                float x = o[j] < c->lo ? c->lo : o[j];
                o[j] = x > c->hi ? c->hi : x;
            }
        }
    }
}

void oc_tconv_run(const oc_tconv_plan *p, const float *in, const float *packed,
                  const float *bias, float *out, float lo, float hi, float *scratch,
                  oc_threadpool *pool)
{
    oc_sgemm_args args = {
        .a = in,
        .lda = (size_t)p->g.ic,
        .packed = packed,
        .c = scratch,
        .ldc = p->ncol,
        .lo = -__builtin_inff(),
        .hi = __builtin_inff(),
    };
    oc_sgemm_run(&p->gemm, &args, pool);
    gather_ctx gc = {p, scratch, bias, out, lo, hi};
    oc_parallel_for(pool, p->ntasks, gather_task, &gc);
}
