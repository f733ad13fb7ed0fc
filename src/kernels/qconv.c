/* Quantized CONV_2D and FULLY_CONNECTED on the 8-bit GEMM: geometry -> plan (copy, tap
 * offsets, panel positions), packing, the input copy, row terms and the implicit-GEMM
 * A-provider. See qconv.h. */
#include "kernels/qconv.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/cpu.h"
#include "core/mem.h"

#define PAR_ROWS 16 /* tasks for the copy and row-term passes */

static bool mul3(size_t a, size_t b, size_t c, size_t *out)
{
    return oc_mul_size(a, b, out) && oc_mul_size(*out, c, out);
}

static size_t align64(size_t n)
{
    return (n + 63) / 64 * 64;
}

static oc_qrow_sums_fn row_sums_fast(void)
{
    static oc_qrow_sums_fn fast;
    static int init;
    if (!__atomic_load_n(&init, __ATOMIC_ACQUIRE)) { /* same result either way: a benign race */
        __atomic_store_n(&fast, oc_cpu_get()->avx2_fma ? oc_qrow_sums_avx2() : NULL,
                         __ATOMIC_RELAXED);
        __atomic_store_n(&init, 1, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&fast, __ATOMIC_RELAXED);
}

void oc_qrow_terms(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8, int32_t add,
                   int32_t mul, int32_t *out)
{
    oc_qrow_sums_fn f = row_sums_fast();
    if (f) {
        f(a, rows, len, stride, i8, add, mul, out);
        return;
    }
    const uint8_t flip = i8 ? 0x80 : 0;
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *p = a + r * stride;
        uint64_t s = 0;
        size_t i = 0;
#if defined(__SSE2__)
        /* psadbw against zero: sums of 8 bytes (int8 biased to unsigned by the xor) */
        const __m128i z = _mm_setzero_si128(), f16 = _mm_set1_epi8((char)flip);
        const __m128i f8 = _mm_set_epi64x(0, (int64_t)(0x0101010101010101ull * flip));
        __m128i acc = z;
        for (; i + 16 <= len; i += 16)
            acc = _mm_add_epi64(
                acc,
                _mm_sad_epu8(_mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i)), f16), z));
        for (; i + 8 <= len; i += 8)
            acc = _mm_add_epi64(
                acc, _mm_sad_epu8(_mm_xor_si128(_mm_loadl_epi64((const __m128i *)(p + i)), f8), z));
        s = (uint64_t)_mm_cvtsi128_si64(acc) +
            (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#endif
        for (; i < len; i++)
            s += (uint8_t)(p[i] ^ flip);
        uint32_t sum = (uint32_t)s - (i8 ? 128u * (uint32_t)len : 0u);
        out[r] = (int32_t)((sum + (uint32_t)add) * (uint32_t)mul);
    }
}

void oc_qrow_sums(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8, int32_t *out)
{
    oc_qrow_terms(a, rows, len, stride, i8, 0, 1, out);
}

/* Short copies and fills (a filter row of a few channels) as fixed-size moves the compiler
 * inlines: calls to memcpy/memset cost more than the copy itself here. Chunks may overlap. */
static inline void copy_small(uint8_t *restrict d, const uint8_t *restrict s, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            memcpy(d + i, s + i, 8);
        if (i < n) memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    }
}

static inline void fill_small(uint8_t *d, uint8_t v, size_t n)
{
    const uint64_t v8 = 0x0101010101010101ull * v;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        memcpy(d + i, &v8, 8);
    for (; i < n; i++)
        d[i] = v;
}

/* Sum of n raw bytes (int8 when flip is 0x80: biased, then unbiased). */
static inline int32_t sum_small(const uint8_t *p, size_t n, uint8_t flip)
{
    uint64_t s = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i z = _mm_setzero_si128(), f16 = _mm_set1_epi8((char)flip);
    __m128i acc = z;
    for (; i + 16 <= n; i += 16)
        acc = _mm_add_epi64(
            acc, _mm_sad_epu8(_mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i)), f16), z));
    if (i + 8 <= n) {
        acc = _mm_add_epi64(
            acc,
            _mm_sad_epu8(_mm_xor_si128(_mm_loadl_epi64((const __m128i *)(p + i)),
                                       _mm_set_epi64x(0, (int64_t)(0x0101010101010101ull * flip))),
                         z));
        i += 8;
    }
    s = (uint64_t)_mm_cvtsi128_si64(acc) +
        (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#endif
    for (; i < n; i++)
        s += (uint8_t)(p[i] ^ flip);
    return (int32_t)((int64_t)s - (flip ? 128 * (int64_t)n : 0));
}

/* ---- convolution ------------------------------------------------------------------------- */

void oc_qconv_plan_free(oc_qconv_plan *p)
{
    free(p->off);
    free(p->pos);
    free(p->k_map);
    p->off = p->pos = p->k_map = NULL;
}

bool oc_qconv_plan_init(oc_qconv_plan *p, const oc_conv_geom *g, const oc_qconv_q *q, oc_qisa isa)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    p->xa = q->act_i8 ? 128 : 0;
    p->eb = (q->w_u8 ? 128 : 0) - q->zw;
    p->row_terms = p->eb != 0;
    p->pad_byte = (uint8_t)q->za;
    const size_t ic = (size_t)g->ic;
    p->icp = ic;
    size_t m, taps;
    if (!mul3((size_t)g->n, (size_t)g->oh, (size_t)g->ow, &m)) return false;
    if (!oc_mul_size((size_t)g->kh, (size_t)g->kw, &taps)) return false;
    if (!oc_mul_size(taps, ic, &p->k) || p->k > SIZE_MAX - 3) return false;
    p->kpad = (p->k + 3) / 4 * 4;
    if (p->kpad / 4 > (size_t)INT32_MAX / 4) return false;

    /* the input rows / columns the windows reach */
    int64_t need_h = (int64_t)(g->oh - 1) * g->sh + (int64_t)(g->kh - 1) * g->dh + 1;
    int64_t need_w = (int64_t)(g->ow - 1) * g->sw + (int64_t)(g->kw - 1) * g->dw + 1;
    if (m == 0) need_h = need_w = 1;
    if (need_h > INT32_MAX || need_w > INT32_MAX) return false;
    bool inside = g->pt == 0 && g->pl == 0 && need_h <= g->ih && need_w <= g->iw;
    p->runs = ic % 4 != 0 && g->dw == 1;
    p->im2col = ic % 4 != 0 && !p->runs;
    p->copy = !p->im2col && (!inside || p->runs);
    p->ag = *g;
    if (p->copy) {
        p->ag.ih = (int32_t)need_h;
        p->ag.iw = (int32_t)need_w;
        p->ag.pt = p->ag.pl = 0;
    }
    p->direct = !p->im2col && !p->copy && g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 &&
                g->oh == g->ih && g->ow == g->iw;
    if (!mul3((size_t)g->n, (size_t)p->ag.ih, (size_t)p->ag.iw, &p->pix)) return false;
    if (p->copy && !oc_mul_size(p->pix, ic, &p->copy_bytes)) return false;
    const size_t run = (size_t)g->kw * ic;
    if (p->runs) {
        p->runp = (run + 3) / 4 * 4;
        if (!oc_mul_size((size_t)g->kh, p->runp, &p->kpad) || p->copy_bytes > SIZE_MAX - 64)
            return false;
        p->copy_bytes += 16; /* the last run's extra bytes */
    }
    if (p->kpad / 4 > (size_t)INT32_MAX / 4) return false;

    /* depth-group offsets: plain for gathered rows, else taps from the window origin */
    const size_t kg = p->kpad / 4;
    if (p->im2col || p->direct) {
        p->off = oc_qgemm_plain_offsets(kg);
        if (!p->off) return false;
    } else {
        int64_t last =
            ((int64_t)(g->kh - 1) * g->dh * p->ag.iw + (int64_t)(g->kw - 1) * g->dw + 1) *
                (int64_t)ic +
            4;
        if (last >= INT32_MAX) return false;
        p->off = malloc((kg ? kg : 1) * sizeof *p->off);
        if (!p->off) return false;
        for (size_t gi = 0; gi < kg; gi++) {
            if (p->runs) { /* filter row ky, group j of its padded run */
                size_t ky = gi / (p->runp / 4), j = gi % (p->runp / 4);
                p->off[gi] =
                    (int32_t)((int64_t)ky * g->dh * p->ag.iw * (int64_t)ic + 4 * (int64_t)j);
                continue;
            }
            size_t d = 4 * gi, t = d / ic, c = d % ic;
            size_t ky = t / (size_t)g->kw, kx = t % (size_t)g->kw;
            p->off[gi] =
                (int32_t)(((int64_t)ky * g->dh * p->ag.iw + (int64_t)kx * g->dw) * (int64_t)ic +
                          (int64_t)c);
        }
    }
    if (p->runs) {
        if (p->k > (size_t)INT32_MAX) return false;
        p->k_map = malloc((p->k ? p->k : 1) * sizeof *p->k_map);
        if (!p->k_map) return false;
        for (size_t d = 0; d < p->k; d++)
            p->k_map[d] = (int32_t)(d / run * p->runp + d % run);
    }

    /* row terms of first layers (gathered or padded runs) in a spare output column */
    if (p->row_terms && (p->runs || p->im2col) && p->eb >= -128 && p->eb <= 127) {
        const oc_qgemm_kernel *kr = oc_qgemm_kernel_select(isa, (size_t)g->oc + 1);
        if ((size_t)kr->nr > (size_t)g->oc) {
            p->kr = kr;
            p->rs_lane = true;
        }
    }
    if (!p->kr) p->kr = oc_qgemm_kernel_select(isa, (size_t)g->oc);
    if (!oc_qgemm_packed_bytes(p->kr, (size_t)g->oc, p->kpad)) return false;
    oc_qgemm_plan_init(&p->gemm, p->kr, m, (size_t)g->oc, p->kpad, p->im2col, 0);
    /* where each row panel starts, so the providers need no division */
    size_t np = p->gemm.split.mpanels, mr = (size_t)p->kr->mr, ohw = (size_t)g->oh * g->ow;
    if (!p->direct && np) {
        if (np > SIZE_MAX / (3 * sizeof *p->pos)) return false;
        p->pos = malloc(3 * np * sizeof *p->pos);
        if (!p->pos) return false;
        for (size_t i = 0; i < np; i++) {
            size_t m0 = i * mr, rem = m0 % ohw;
            p->pos[3 * i] = (int32_t)(m0 / ohw);
            p->pos[3 * i + 1] = (int32_t)(rem / (size_t)g->ow);
            p->pos[3 * i + 2] = (int32_t)(rem % (size_t)g->ow);
        }
    }

    /* scratch: [copy | pixel sums | row terms | gemm task slots] */
    size_t sums = 0, rs = 0, gs = oc_qgemm_plan_scratch(&p->gemm);
    if (p->row_terms && !p->im2col && !p->rs_lane) {
        if (!p->direct && !oc_mul_size(p->pix, sizeof(int32_t), &sums)) return false;
        if (!oc_mul_size(m, sizeof(int32_t), &rs)) return false;
    }
    p->sums_at = align64(p->copy_bytes);
    p->rs_at = p->sums_at + align64(sums);
    p->gemm_at = p->rs_at + align64(rs);
    p->scratch_bytes = p->gemm_at + gs;
    if (p->scratch_bytes < p->copy_bytes || p->scratch_bytes < gs) return false; /* wrapped */
    return true;
}

size_t oc_qconv_packed_bytes(const oc_qconv_plan *p)
{
    return oc_qgemm_packed_bytes(p->kr, (size_t)p->g.oc, p->kpad);
}

void oc_qconv_pack(const oc_qconv_plan *p, const void *w, const oc_qconv_q *q, void *dst)
{
    oc_qgemm_b b = {.n = (size_t)p->g.oc,
                    .k = p->k,
                    .kpad = p->kpad,
                    .w = w,
                    .w_u8 = q->w_u8,
                    .sn = p->k,
                    .sk = 1,
                    .k_map = p->k_map,
                    .rs_col = p->rs_lane,
                    .bias = q->bias,
                    .ea = p->xa + q->za,
                    .eb = p->eb,
                    .mult = q->mult,
                    .shift = q->shift,
                    .scale = q->scale};
    oc_qgemm_pack(p->kr, &b, dst);
}

typedef struct pass_ctx {
    const oc_qconv_plan *p;
    const uint8_t *in;
    uint8_t *dst;
    const int32_t *sums;
    int32_t *rs;
    bool i8;
    size_t rows, per;
} pass_ctx;

/* Rows of the copy: the input row between runs of the zero point, or all zero point. */
static void copy_task(void *arg, size_t t)
{
    const pass_ctx *c = arg;
    const oc_qconv_plan *p = c->p;
    const oc_conv_geom *g = &p->g, *a = &p->ag;
    const size_t ic = (size_t)g->ic, prow = (size_t)a->iw * ic;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    for (size_t r = r0; r < r1; r++) {
        size_t b = r / (size_t)a->ih;
        int32_t iy = (int32_t)(r % (size_t)a->ih) - g->pt;
        uint8_t *d = c->dst + r * prow;
        int64_t x0 = g->pl, x1 = (int64_t)g->pl + g->iw;
        if (x1 > a->iw) x1 = a->iw;
        if (iy < 0 || iy >= g->ih || x1 <= x0) {
            memset(d, p->pad_byte, prow);
            continue;
        }
        const uint8_t *src = c->in + ((b * (size_t)g->ih + (size_t)iy) * (size_t)g->iw) * ic;
        memset(d, p->pad_byte, (size_t)x0 * ic);
        memcpy(d + (size_t)x0 * ic, src, (size_t)(x1 - x0) * ic);
        memset(d + (size_t)x1 * ic, p->pad_byte, (size_t)(a->iw - x1) * ic);
    }
}

static void sums_task(void *arg, size_t t)
{
    const pass_ctx *c = arg;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    if (r1 > r0)
        oc_qrow_sums(c->in + r0 * c->p->icp, r1 - r0, c->p->icp, c->p->icp, c->i8,
                     (int32_t *)c->sums + r0);
}

/* Row terms eb * (sum over the window of the pixel sums + K * xa), per output row of pixels. */
static void rs_task(void *arg, size_t t)
{
    const pass_ctx *c = arg;
    const oc_qconv_plan *p = c->p;
    const oc_conv_geom *g = &p->g, *a = &p->ag;
    const int64_t kxa = (int64_t)p->k * p->xa;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    for (size_t row = r0; row < r1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh);
        int32_t *out = c->rs + row * (size_t)g->ow;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int64_t s = kxa;
            for (int32_t ky = 0; ky < g->kh; ky++) {
                const int32_t *srow =
                    c->sums +
                    (b * (size_t)a->ih + (size_t)(oy * g->sh + ky * g->dh)) * (size_t)a->iw;
                for (int32_t kx = 0; kx < g->kw; kx++)
                    s += srow[ox * g->sw + kx * g->dw];
            }
            out[ox] = (int32_t)(uint32_t)(uint64_t)(s * p->eb);
        }
    }
}

/* Direct (1x1): the row term of each pixel from its own sum. */
static void rs_direct_task(void *arg, size_t t)
{
    const pass_ctx *c = arg;
    const oc_qconv_plan *p = c->p;
    size_t r0 = t * c->per, r1 = r0 + c->per < c->rows ? r0 + c->per : c->rows;
    if (r1 > r0)
        oc_qrow_terms(c->in + r0 * p->icp, r1 - r0, p->icp, p->icp, c->i8,
                      (int32_t)(uint32_t)((uint64_t)p->k * (uint64_t)p->xa), p->eb, c->rs + r0);
}

typedef struct prov_arg {
    const oc_qconv_plan *p;
    const uint8_t *src;
} prov_arg;

/* Window origins of output pixels [m0, m0+m); every window lies inside the source. */
static void window_rows(const void *vp, size_t m0, size_t m, uint8_t *scratch, oc_qgemm_a *out)
{
    (void)m0;
    (void)scratch;
    const prov_arg *a = vp;
    const oc_qconv_plan *p = a->p;
    const oc_conv_geom *g = &p->ag;
    size_t b = (size_t)p->pos[3 * out->panel];
    int32_t oy = p->pos[3 * out->panel + 1], ox = p->pos[3 * out->panel + 2];
    const ptrdiff_t step = (ptrdiff_t)g->sw * (ptrdiff_t)p->icp;
    const uint8_t *q = NULL;
    for (size_t r = 0; r < m; r++) {
        if (!q)
            q = a->src + ((b * (size_t)g->ih + (size_t)(oy * g->sh)) * (size_t)g->iw +
                          (size_t)(ox * g->sw)) *
                             p->icp;
        out->rows[r] = q;
        q += step;
        if (++ox == g->ow) {
            ox = 0;
            q = NULL;
            if (++oy == g->oh) {
                oy = 0;
                b++;
            }
        }
    }
    out->off = p->off;
}

/* Windows of output pixels [m0, m0+m) gathered into scratch rows of kpad bytes (the zero
 * point where a window leaves the image, zeros past the real depth), and their row terms. */
/* Task scratch of the im2col path: [MR row terms | MR rows of kpad bytes | slack]. */
#define IM2COL_ROWS_AT 64

static void im2col_rows(const void *vp, size_t m0, size_t m, uint8_t *scratch, oc_qgemm_a *out)
{
    (void)m0;
    const prov_arg *a = vp;
    const oc_qconv_plan *p = a->p;
    const oc_conv_geom *g = &p->g;
    const size_t ic = (size_t)g->ic, k = p->k, kpad = p->kpad, run = (size_t)g->kw * ic;
    const size_t img_bytes = (size_t)g->ih * (size_t)g->iw * ic;
    const uint8_t *in_end = a->src + (size_t)g->n * img_bytes;
    const uint8_t flip = p->xa ? 0x80 : 0;
    size_t b = (size_t)p->pos[3 * out->panel];
    int32_t oy = p->pos[3 * out->panel + 1], ox = p->pos[3 * out->panel + 2];
    int32_t *rs = (int32_t *)(void *)scratch;
    uint8_t *rows = scratch + IM2COL_ROWS_AT;
#if defined(__SSE2__)
    /* a window inside the image with filter rows of <= 16 bytes: each row one 16-byte move
     * (the excess lands on the next row, written after, or in the slack / the depth padding,
     * which meets zero weights); its sum from the source bytes, masked to the run */
    uint8_t maskb[16];
    for (size_t i = 0; i < 16; i++)
        maskb[i] = i < run ? 0xFF : 0;
    const __m128i mask = _mm_loadu_si128((const __m128i *)maskb), f16 = _mm_set1_epi8((char)flip);
    const __m128i z = _mm_setzero_si128();
    const bool fast_runs = g->dw == 1 && run <= 16;
#endif
    for (size_t r = 0; r < m; r++) {
        uint8_t *dst = rows + r * kpad, *d = dst;
        const uint8_t *img = a->src + b * img_bytes;
        const int32_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        const bool x_inside = ix0 >= 0 && ix0 + (g->kw - 1) * g->dw < g->iw;
        const bool y_inside = iy0 >= 0 && iy0 + (g->kh - 1) * g->dh < g->ih;
        out->rows[r] = dst;
#if defined(__SSE2__)
        const uint8_t *last = img + ((size_t)(iy0 + (g->kh - 1) * g->dh) * (size_t)g->iw +
                                     (size_t)(ix0 < 0 ? 0 : ix0)) *
                                        ic;
        if (fast_runs && x_inside && y_inside && in_end - last >= 16) {
            __m128i acc = z;
            for (int32_t ky = 0; ky < g->kh; ky++, d += run) {
                const uint8_t *src =
                    img + ((size_t)(iy0 + ky * g->dh) * (size_t)g->iw + (size_t)ix0) * ic;
                const __m128i v = _mm_loadu_si128((const __m128i *)src);
                _mm_storeu_si128((__m128i *)d, v);
                acc =
                    _mm_add_epi64(acc, _mm_sad_epu8(_mm_and_si128(_mm_xor_si128(v, f16), mask), z));
            }
            if (p->row_terms && !p->rs_lane) {
                int64_t sum = (int64_t)_mm_cvtsi128_si64(acc) +
                              (int64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)) -
                              (flip ? 128 * (int64_t)k : 0);
                rs[r] = (int32_t)(uint32_t)(uint64_t)((sum + (int64_t)k * p->xa) * p->eb);
            }
            goto next;
        }
#endif
        for (int32_t ky = 0; ky < g->kh; ky++, d += run) {
            int32_t iy = iy0 + ky * g->dh;
            if (iy < 0 || iy >= g->ih) {
                fill_small(d, p->pad_byte, run);
                continue;
            }
            const uint8_t *src = img + (size_t)iy * (size_t)g->iw * ic;
            if (x_inside && g->dw == 1) {
                copy_small(d, src + (size_t)ix0 * ic, run);
                continue;
            }
            for (int32_t kx = 0; kx < g->kw; kx++) {
                int32_t ix = ix0 + kx * g->dw;
                if (ix < 0 || ix >= g->iw)
                    fill_small(d + (size_t)kx * ic, p->pad_byte, ic);
                else
                    copy_small(d + (size_t)kx * ic, src + (size_t)ix * ic, ic);
            }
        }
        for (size_t i = k; i < kpad; i++) /* meets zero weights; kept defined */
            dst[i] = 0;
        if (p->row_terms && !p->rs_lane)
            rs[r] = (int32_t)(uint32_t)(uint64_t)(((int64_t)sum_small(dst, k, flip) +
                                                   (int64_t)k * p->xa) *
                                                  p->eb);
#if defined(__SSE2__)
    next:
#endif
        if (++ox == g->ow) {
            ox = 0;
            if (++oy == g->oh) {
                oy = 0;
                b++;
            }
        }
    }
    out->off = p->off;
    if (p->row_terms && !p->rs_lane) out->rs = rs;
}

static oc_threadpool *pool_for(double work, oc_threadpool *pool)
{
    return oc_kernels_parallel_ok(work, OC_PAR_MIN_DIRECT_MACS) ? pool : NULL;
}

static void par(oc_threadpool *pool, pass_ctx *c, size_t rows, double work, oc_task_fn fn)
{
    c->rows = rows;
    c->per = (rows + PAR_ROWS - 1) / PAR_ROWS;
    if (c->per == 0) return;
    oc_parallel_for(pool_for(work, pool), (rows + c->per - 1) / c->per, fn, c);
}

void oc_qconv_run(const oc_qconv_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                  void *out, uint8_t *scratch, oc_threadpool *pool)
{
    if (p->gemm.m == 0 || p->gemm.n == 0) return;
    const uint8_t *src = in;
    pass_ctx c = {.p = p, .in = in, .i8 = q->act_i8};
    if (p->copy) {
        c.dst = scratch;
        par(pool, &c, (size_t)p->g.n * (size_t)p->ag.ih, (double)p->copy_bytes, copy_task);
        if (p->runs) memset(scratch + p->copy_bytes - 16, 0, 16); /* read past the last run */
        src = scratch;
    }
    int32_t *rs = NULL;
    /* plain A on a kernel with a rows function: it sums the rows itself, no separate pass */
    const bool rs_kernel = p->direct && p->row_terms && p->kr->rows && p->gemm.m > 1;
    if (p->row_terms && !p->im2col && !p->rs_lane && !rs_kernel) {
        rs = (int32_t *)(void *)(scratch + p->rs_at);
        c.in = src;
        c.rs = rs;
        if (p->direct) {
            par(pool, &c, p->gemm.m, (double)p->gemm.m * (double)p->icp, rs_direct_task);
        } else {
            c.sums = (int32_t *)(void *)(scratch + p->sums_at);
            par(pool, &c, p->pix, (double)p->pix * (double)p->icp, sums_task);
            par(pool, &c, (size_t)p->g.n * (size_t)p->g.oh,
                (double)p->gemm.m * (double)p->g.kh * (double)p->g.kw, rs_task);
        }
    }
    prov_arg pa = {p, src};
    oc_qgemm_ep ep = q->ep;
    ep.rs_in_lane = p->rs_lane;
    ep.rs_lane = p->g.oc;
    ep.rs_eb = rs_kernel ? p->eb : 0;
    oc_qgemm_args args = {.a = p->direct ? src : NULL,
                          .lda = p->icp,
                          .off = p->off,
                          .get_a = p->im2col ? im2col_rows : window_rows,
                          .a_arg = &pa,
                          .packed = packed,
                          .c = out,
                          .ldc = (size_t)p->g.oc,
                          .rs = rs,
                          .ep = &ep,
                          .scratch = scratch + p->gemm_at};
    oc_qgemm_run(&p->gemm, &args, pool);
}

/* ---- fully connected ----------------------------------------------------------------------- */

void oc_qfc_plan_free(oc_qfc_plan *p)
{
    free(p->off);
    p->off = NULL;
}

bool oc_qfc_plan_init(oc_qfc_plan *p, size_t m, size_t n, size_t k, const oc_qconv_q *q,
                      oc_qisa isa)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->n = n;
    p->k = k;
    if (k > SIZE_MAX - 3) return false;
    p->kpad = (k + 3) / 4 * 4;
    p->xa = q->act_i8 ? 128 : 0;
    p->eb = (q->w_u8 ? 128 : 0) - q->zw;
    p->row_terms = p->eb != 0;
    p->kr = oc_qgemm_kernel_select(isa, n);
    if (!oc_qgemm_packed_bytes(p->kr, n, p->kpad)) return false;
    oc_qgemm_plan_init(&p->gemm, p->kr, m, n, p->kpad, p->kpad != k, 0);
    if (p->kpad / 4 > (size_t)INT32_MAX / 4) return false;
    p->off = oc_qgemm_plain_offsets(p->kpad / 4);
    if (!p->off) return false;
    size_t rs = 0;
    if (p->row_terms && !oc_mul_size(m, sizeof(int32_t), &rs)) return false;
    p->rs_at = align64(oc_qgemm_plan_scratch(&p->gemm));
    p->scratch_bytes = p->rs_at + rs;
    return true;
}

size_t oc_qfc_packed_bytes(const oc_qfc_plan *p)
{
    return oc_qgemm_packed_bytes(p->kr, p->n, p->kpad);
}

void oc_qfc_pack(const oc_qfc_plan *p, const void *w, const oc_qconv_q *q, void *dst)
{
    oc_qgemm_b b = {.n = p->n,
                    .k = p->k,
                    .kpad = p->kpad,
                    .w = w,
                    .w_u8 = q->w_u8,
                    .sn = p->k,
                    .sk = 1,
                    .bias = q->bias,
                    .ea = p->xa + q->za,
                    .eb = p->eb,
                    .mult = q->mult,
                    .shift = q->shift,
                    .scale = q->scale};
    oc_qgemm_pack(p->kr, &b, dst);
}

typedef struct fc_rows {
    const uint8_t *in;
    size_t k, kpad;
    const int32_t *off;
} fc_rows;

/* Rows copied with their depth zero-padded to a multiple of 4. */
static void padded_rows(const void *vp, size_t m0, size_t m, uint8_t *scratch, oc_qgemm_a *out)
{
    const fc_rows *f = vp;
    for (size_t r = 0; r < m; r++) {
        uint8_t *d = scratch + r * f->kpad;
        memcpy(d, f->in + (m0 + r) * f->k, f->k);
        memset(d + f->k, 0, f->kpad - f->k);
        out->rows[r] = d;
    }
    out->off = f->off;
}

void oc_qfc_run(const oc_qfc_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                void *out, uint8_t *scratch, oc_threadpool *pool)
{
    if (p->m == 0 || p->n == 0) return;
    int32_t *rs = NULL;
    if (p->row_terms) {
        rs = (int32_t *)(void *)(scratch + p->rs_at);
        oc_qrow_terms(in, p->m, p->k, p->k, q->act_i8,
                      (int32_t)(uint32_t)((uint64_t)p->k * (uint64_t)p->xa), p->eb, rs);
    }
    fc_rows fr = {in, p->k, p->kpad, p->off};
    oc_qgemm_args args = {.a = p->kpad == p->k ? in : NULL,
                          .lda = p->k,
                          .off = p->off,
                          .get_a = padded_rows,
                          .a_arg = &fr,
                          .packed = packed,
                          .c = out,
                          .ldc = p->n,
                          .rs = rs,
                          .ep = &q->ep,
                          .scratch = scratch};
    oc_qgemm_run(&p->gemm, &args, pool);
}
