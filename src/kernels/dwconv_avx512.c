/* AVX-512 depthwise rows (depth_multiplier 1): 16 channels per zmm, masked channel tail,
 * 3x3 and 5x5 weights held in registers across a row; border pixels skip the taps that fall
 * into the padding. */
#include "kernels/dwconv.h"

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>

static inline __attribute__((always_inline)) void
rows_tpl(const int KH, const int KW, const oc_dw_plan *p, const float *in, const float *pk,
         float *out, size_t row0, size_t row1, float lo, float hi)
{
    const oc_dw_geom *g = &p->g;
    const int32_t kh = KH ? KH : g->kh, kw = KW ? KW : g->kw;
    const int32_t iw = g->iw, sw = g->sw, dw = g->dw, pl = g->pl;
    const size_t C = (size_t)g->oc, cpad = p->cpad;
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    /* Interior columns: every tap inside the image. */
    int32_t ox_a = (pl + sw - 1) / sw, span = (kw - 1) * dw;
    int32_t ox_b = iw - 1 - span + pl >= 0 ? (iw - 1 - span + pl) / sw + 1 : 0;
    if (ox_a > g->ow) ox_a = g->ow;
    if (ox_b > g->ow) ox_b = g->ow;
    if (ox_b < ox_a) ox_b = ox_a;

    for (size_t row = row0; row < row1; row++) {
        int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        int32_t ky0, ky1;
        oc_dw_tap_range(oy, g->sh, g->pt, g->dh, kh, g->ih, &ky0, &ky1);
        const float *img = in + (size_t)b * g->ih * iw * C;
        const int32_t iy0 = oy * g->sh - g->pt;
        float *orow = out + row * (size_t)g->ow * C;
        for (size_t cb = 0; cb < C; cb += 16) {
            const __mmask16 mk = C - cb >= 16 ? 0xFFFF : (__mmask16)((1u << (C - cb)) - 1);
            const __m512 bias = _mm512_load_ps(pk + cb);
            __m512 wv[KH && KW ? KH * KW : 1];
            if (KH && KW) {
                OC_UNROLL for (int t = 0; t < KH * KW; t++)
                    wv[t] = _mm512_load_ps(pk + (size_t)(t + 1) * cpad + cb);
            }
            const float *base = img + cb;
            for (int32_t ox = 0; ox < g->ow; ox++) {
                const bool border = ox < ox_a || ox >= ox_b;
                const int32_t ix0 = ox * sw - pl;
                __m512 acc = bias;
                OC_UNROLL for (int32_t ky = 0; ky < kh; ky++) {
                    if (ky < ky0 || ky >= ky1) continue;
                    const float *src = base + (size_t)(iy0 + ky * g->dh) * iw * C;
                    OC_UNROLL for (int32_t kx = 0; kx < kw; kx++) {
                        const int32_t ix = ix0 + kx * dw;
                        if (border && (ix < 0 || ix >= iw)) continue;
                        __m512 x = _mm512_maskz_loadu_ps(mk, src + (ptrdiff_t)ix * (ptrdiff_t)C);
                        __m512 w = KH && KW
                                       ? wv[KH && KW ? ky * KW + kx : 0]
                                       : _mm512_load_ps(pk + (size_t)(ky * kw + kx + 1) * cpad + cb);
                        acc = _mm512_fmadd_ps(x, w, acc);
                    }
                }
                acc = _mm512_min_ps(vhi, _mm512_max_ps(vlo, acc));
                _mm512_mask_storeu_ps(orow + (size_t)ox * C + cb, mk, acc);
            }
        }
    }
}

static void rows_3x3(const oc_dw_plan *p, const float *in, const float *pk, float *out,
                     size_t r0, size_t r1, float lo, float hi)
{
    rows_tpl(3, 3, p, in, pk, out, r0, r1, lo, hi);
}
static void rows_5x5(const oc_dw_plan *p, const float *in, const float *pk, float *out,
                     size_t r0, size_t r1, float lo, float hi)
{
    rows_tpl(5, 5, p, in, pk, out, r0, r1, lo, hi);
}
static void rows_any(const oc_dw_plan *p, const float *in, const float *pk, float *out,
                     size_t r0, size_t r1, float lo, float hi)
{
    rows_tpl(0, 0, p, in, pk, out, r0, r1, lo, hi);
}

static void rows(const oc_dw_plan *p, const float *in, const float *pk, float *out, size_t r0,
                 size_t r1, float lo, float hi)
{
    if (p->g.kh == 3 && p->g.kw == 3)
        rows_3x3(p, in, pk, out, r0, r1, lo, hi);
    else if (p->g.kh == 5 && p->g.kw == 5)
        rows_5x5(p, in, pk, out, r0, r1, lo, hi);
    else
        rows_any(p, in, pk, out, r0, r1, lo, hi);
}

oc_dw_rows_fn oc_dw_rows_avx512(void)
{
    return rows;
}

#else

oc_dw_rows_fn oc_dw_rows_avx512(void)
{
    return NULL;
}

#endif
