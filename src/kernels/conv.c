/* Conv2D and transposed conv on the SGEMM layer: geometry -> GEMM plan (tap offsets, padded
 * copy), the im2col / implicit-GEMM A-provider, and the transposed conv's col2im. */
#include "kernels/conv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static bool mul3(size_t a, size_t b, size_t c, size_t *out)
{
    return oc_mul_size(a, b, out) && oc_mul_size(*out, c, out);
}

/* [a, b): outputs o with every tap o*s - pad + t*d (t < k) inside [0, in). */
static void inside_range(int32_t out, int32_t in, int32_t k, int32_t s, int32_t d, int32_t pad,
                         int32_t *a, int32_t *b)
{
    int64_t span = (int64_t)(k - 1) * d;
    int64_t lo = (pad + s - 1) / s,
            hi = in - 1 - span + pad >= 0 ? (in - 1 - span + pad) / s + 1 : 0;
    if (lo > out) lo = out;
    if (hi > out) hi = out;
    if (hi < lo) hi = lo;
    *a = (int32_t)lo;
    *b = (int32_t)hi;
}

bool oc_conv_plan_init(oc_conv_plan *p, const oc_conv_geom *g, oc_isa isa, size_t max_tasks)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    size_t m, k;
    if (!mul3((size_t)g->n, (size_t)g->oh, (size_t)g->ow, &m)) return false;
    if (!mul3((size_t)g->kh, (size_t)g->kw, (size_t)g->ic, &k)) return false;
    p->k = k;
    p->direct = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 &&
                g->oh == g->ih && g->ow == g->iw;
    p->kr = oc_sgemm_kernel_select(isa, (size_t)g->oc);
    if (!oc_sgemm_packed_floats(p->kr, (size_t)g->oc, k)) return false;
    oc_sgemm_plan_init(&p->gemm, p->kr, m, (size_t)g->oc, k, !p->direct, max_tasks);
    size_t s;
    if (!oc_mul_size(p->gemm.ntasks, p->gemm.scratch_per_task, &s)) return false;
    /* A zero-padded copy when some window leaves the image: rows/cols the windows reach. */
    p->ag = *g;
    int64_t need_h = (int64_t)(g->oh - 1) * g->sh + (int64_t)(g->kh - 1) * g->dh + 1;
    int64_t need_w = (int64_t)(g->ow - 1) * g->sw + (int64_t)(g->kw - 1) * g->dw + 1;
    int64_t ph = need_h - g->pt > g->ih ? need_h : g->ih + g->pt;
    int64_t pw = need_w - g->pl > g->iw ? need_w : g->iw + g->pl;
    if (!p->direct && g->oh > 0 && g->ow > 0 &&
        (g->pt > 0 || g->pl > 0 || ph > g->ih + g->pt || pw > g->iw + g->pl)) {
        if (ph > INT32_MAX || pw > INT32_MAX) return false;
        p->ag.ih = (int32_t)ph;
        p->ag.iw = (int32_t)pw;
        p->ag.pt = p->ag.pl = 0;
        if (!mul3((size_t)g->n, (size_t)ph, (size_t)pw, &p->pad_floats) ||
            !oc_mul_size(p->pad_floats, (size_t)g->ic, &p->pad_floats))
            return false;
        p->pad_copy = true;
    }
    const oc_conv_geom *a = &p->ag;
    inside_range(a->oh, a->ih, a->kh, a->sh, a->dh, a->pt, &p->oy_a, &p->oy_b);
    inside_range(a->ow, a->iw, a->kw, a->sw, a->dw, a->pl, &p->ox_a, &p->ox_b);
    /* Tap offsets for reading windows in place; skipped when they would not fit in int32. */
    int64_t last =
        ((int64_t)(a->kh - 1) * a->dh * a->iw + (int64_t)(a->kw - 1) * a->dw + 1) * a->ic;
    if (!p->direct && k > 0 && last < INT32_MAX) {
        p->off = malloc(k * sizeof *p->off);
        if (!p->off) return false;
        size_t i = 0;
        for (int32_t ky = 0; ky < a->kh; ky++)
            for (int32_t kx = 0; kx < a->kw; kx++)
                for (int32_t c = 0; c < a->ic; c++)
                    p->off[i++] =
                        (int32_t)(((int64_t)ky * a->dh * a->iw + (int64_t)kx * a->dw) * a->ic + c);
        /* where each row panel starts, so providers need no division per panel */
        size_t np = p->gemm.mpanels, mr = (size_t)p->kr->mr, ohw = (size_t)g->oh * g->ow;
        if (np && np <= SIZE_MAX / (3 * sizeof *p->pos)) {
            p->pos = malloc(3 * np * sizeof *p->pos);
            if (!p->pos) return false;
            for (size_t i = 0; i < np; i++) {
                size_t m0 = i * mr, rem = m0 % ohw;
                p->pos[3 * i] = (int32_t)(m0 / ohw);
                p->pos[3 * i + 1] = (int32_t)(rem / (size_t)g->ow);
                p->pos[3 * i + 2] = (int32_t)(rem % (size_t)g->ow);
            }
        }
    } else if (p->pad_copy) {
        p->pad_copy = false; /* im2col handles the padding itself */
        p->ag = *g;
        p->pad_floats = 0;
        inside_range(g->oh, g->ih, g->kh, g->sh, g->dh, g->pt, &p->oy_a, &p->oy_b);
        inside_range(g->ow, g->iw, g->kw, g->sw, g->dw, g->pl, &p->ox_a, &p->ox_b);
    }
    return true;
}

void oc_conv_plan_force_im2col(oc_conv_plan *p)
{
    oc_conv_plan_free(p);
    p->pad_copy = false;
    p->pad_floats = 0;
    p->ag = p->g;
    inside_range(p->g.oh, p->g.ih, p->g.kh, p->g.sh, p->g.dh, p->g.pt, &p->oy_a, &p->oy_b);
    inside_range(p->g.ow, p->g.iw, p->g.kw, p->g.sw, p->g.dw, p->g.pl, &p->ox_a, &p->ox_b);
}

void oc_conv_plan_free(oc_conv_plan *p)
{
    free(p->off);
    free(p->pos);
    p->off = NULL;
    p->pos = NULL;
}

size_t oc_conv_packed_floats(const oc_conv_plan *p)
{
    return oc_sgemm_packed_floats(p->kr, (size_t)p->g.oc, p->k);
}

void oc_conv_pack(const oc_conv_plan *p, const float *w, const float *bias, float *dst)
{
    oc_sgemm_pack(p->kr, (size_t)p->g.oc, p->k, w, p->k, 1, bias, dst);
}

/* Scratch: [GEMM task slots | padded input copy], the copy 64-byte aligned. */
static size_t gemm_scratch_rounded(const oc_conv_plan *p)
{
    return (oc_sgemm_plan_scratch(&p->gemm) + 15) / 16 * 16;
}

size_t oc_conv_scratch_floats(const oc_conv_plan *p)
{
    return gemm_scratch_rounded(p) + p->pad_floats;
}

typedef struct pad_ctx {
    const oc_conv_plan *p;
    const float *in;
    float *dst;
    size_t rows, per_task;
} pad_ctx;

/* Rows of the padded copy: zeros, then the image row at column pl. */
static void pad_task(void *arg, size_t t)
{
    const pad_ctx *c = arg;
    const oc_conv_geom *g = &c->p->g, *a = &c->p->ag;
    const size_t ic = (size_t)g->ic, prow = (size_t)a->iw * ic;
    size_t r0 = t * c->per_task, r1 = r0 + c->per_task < c->rows ? r0 + c->per_task : c->rows;
    for (size_t r = r0; r < r1; r++) {
        size_t b = r / (size_t)a->ih;
        int32_t y = (int32_t)(r % (size_t)a->ih) - g->pt;
        float *d = c->dst + r * prow;
        if (y < 0 || y >= g->ih) {
            memset(d, 0, prow * sizeof(float));
            continue;
        }
        size_t left = (size_t)g->pl * ic, body = (size_t)g->iw * ic;
        memset(d, 0, left * sizeof(float));
        memcpy(d + left, c->in + ((b * (size_t)g->ih + (size_t)y) * (size_t)g->iw) * ic,
               body * sizeof(float));
        memset(d + left + body, 0, (prow - left - body) * sizeof(float));
    }
}

/* Copies n floats. Runs are short here (a filter row of a few channels), where a memcpy
 * call costs more than the copy: move fixed 16-byte chunks the compiler inlines. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static inline void
copy_floats(float *restrict dst, const float *restrict src, size_t n, const float *end)
{
    (void)end;
    if (n >= 32) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        memcpy(dst + i, src + i, 4 * sizeof(float));
    for (; i < n; i++)
        dst[i] = src[i];
}

static inline void zero_floats(float *dst, size_t n)
{
    memset(dst, 0, n * sizeof(float));
}

#define IM2COL_NAME im2col_c
#define IM2COL_COPY copy_floats
#define IM2COL_ZERO zero_floats
#include "kernels/conv_im2col.h"

static oc_sgemm_a_fn im2col_for(oc_isa isa)
{
    oc_sgemm_a_fn f = NULL;
    if (isa == OC_ISA_AVX512) f = oc_conv_im2col_avx512();
    return f ? f : im2col_c;
}

void oc_conv_run(const oc_conv_plan *p, const float *in, const float *packed, float *out, float lo,
                 float hi, float *scratch, oc_threadpool *pool)
{
    if (p->pad_copy) {
        float *padded = scratch + gemm_scratch_rounded(p);
        pad_ctx pc = {p, in, padded, (size_t)p->g.n * (size_t)p->ag.ih, 0};
        pc.per_task = pc.rows / 8 + 1;
        oc_parallel_for(
            oc_kernels_parallel_ok((double)p->pad_floats, OC_PAR_MIN_DIRECT_MACS) ? pool : NULL,
            (pc.rows + pc.per_task - 1) / pc.per_task, pad_task, &pc);
        in = padded;
    }
    oc_im2col_arg ia = {p, in};
    oc_sgemm_args args = {
        .a = p->direct ? in : NULL,
        .lda = p->k,
        .get_a = im2col_for(p->kr->isa),
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

/* One output row at a time: start from the bias, then for each filter row ky that reaches
 * it (oy + pt = iy*sh + ky: one residue class mod sh, enumerated without divisions) and each
 * filter column kx, add col[iy][ix][ky][kx][:] into output column ix*sw - pl + kx. Every
 * output element sums its taps in (ky, kx) order whatever the task split. */
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
        float *orow = c->out + row * (size_t)g->ow * oc;
        for (int32_t ox = 0; ox < g->ow; ox++)
            for (size_t j = 0; j < oc; j++)
                orow[(size_t)ox * oc + j] = c->bias ? c->bias[j] : 0;
        const int32_t ty = oy + g->pt;
        for (int32_t ky = ty % g->sh, iy = ty / g->sh; ky < g->kh && iy >= 0; ky += g->sh, iy--) {
            if (iy >= g->ih) continue;
            const float *crow = colb + (size_t)iy * (size_t)g->iw * ncol;
            for (int32_t kx = 0; kx < g->kw; kx++) {
                /* input columns ix with 0 <= ix*sw - pl + kx < ow */
                int32_t ix_lo = g->pl - kx > 0 ? (g->pl - kx + g->sw - 1) / g->sw : 0;
                int64_t hi = ((int64_t)g->ow - 1 + g->pl - kx);
                int32_t ix_hi = hi < 0 ? 0 : (int32_t)(hi / g->sw) + 1;
                if (ix_hi > g->iw) ix_hi = g->iw;
                const float *src = crow + (size_t)(ky * g->kw + kx) * oc;
                for (int32_t ix = ix_lo; ix < ix_hi; ix++) {
                    float *o = orow + (size_t)(ix * g->sw - g->pl + kx) * oc;
                    const float *v = src + (size_t)ix * ncol;
                    for (size_t j = 0; j < oc; j++)
                        o[j] += v[j];
                }
            }
        }
        for (size_t e = 0; e < (size_t)g->ow * oc; e++) {
            float x = orow[e] < c->lo ? c->lo : orow[e];
            orow[e] = x > c->hi ? c->hi : x;
        }
    }
}

void oc_tconv_run(const oc_tconv_plan *p, const float *in, const float *packed, const float *bias,
                  float *out, float lo, float hi, float *scratch, oc_threadpool *pool)
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
    double taps = (double)p->rows * p->g.ow * p->g.oc * p->g.kh * p->g.kw;
    oc_parallel_for(oc_kernels_parallel_ok(taps, OC_PAR_MIN_DIRECT_MACS) ? pool : NULL, p->ntasks,
                    gather_task, &gc);
}
