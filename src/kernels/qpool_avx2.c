/* AVX2 quantized pooling rows (uint8 / int8): 16 channels at a time widened to int16 (max) or
 * int32 (average sums), TFLite's rounded average (sum +- count/2) / count as an exact integer
 * division done in double lanes, clamped. Same results as oc_qref_pool. */
#include "kernels/qref.h"

#if defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

static inline __m256i widen(const bool I8, const uint8_t *p)
{
    __m128i b = _mm_loadu_si128((const __m128i *)p);
    return I8 ? _mm256_cvtepi8_epi16(b) : _mm256_cvtepu8_epi16(b);
}

/* TFLite's rounded average of 4 int32 sums, truncating toward zero (exact in double). */
static inline __m128i qavg4(__m128i s, __m256d count, __m256d half)
{
    __m256d d = _mm256_cvtepi32_pd(s);
    __m256d sign = _mm256_and_pd(d, _mm256_set1_pd(-0.0));
    d = _mm256_add_pd(d, _mm256_or_pd(half, sign)); /* + or - count / 2 */
    return _mm256_cvttpd_epi32(_mm256_div_pd(d, count));
}

static inline __attribute__((always_inline)) void rows_tpl(const bool I8, oc_pool_kind kind,
                                                           const oc_pool_geom *g, const uint8_t *in,
                                                           uint8_t *out, int32_t lo, int32_t hi,
                                                           size_t row0, size_t row1)
{
    const size_t C = (size_t)g->c;
    const __m256i lo16 = _mm256_set1_epi16((int16_t)lo), hi16 = _mm256_set1_epi16((int16_t)hi);
    for (size_t row = row0; row < row1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh), ky0, ky1;
        oc_pool_window(oy, g->sh, g->pt, g->kh, g->ih, &ky0, &ky1);
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_pool_window(ox, g->sw, g->pl, g->kw, g->iw, &kx0, &kx1);
            const int32_t count = (ky1 - ky0) * (kx1 - kx0);
            uint8_t *o = out + (row * (size_t)g->ow + (size_t)ox) * C;
            size_t c = 0;
            for (; c + 16 <= C && count > 0; c += 16) {
                __m256i m = _mm256_set1_epi16(I8 ? -128 : 0);
                __m256i s0 = _mm256_setzero_si256(), s1 = s0;
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    size_t iy = (size_t)(oy * g->sh - g->pt + ky);
                    const uint8_t *src = in + ((b * (size_t)g->ih + iy) * (size_t)g->iw) * C + c;
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        __m256i x = widen(I8, src + (size_t)(ox * g->sw - g->pl + kx) * C);
                        if (kind == OC_POOL_MAX) {
                            m = _mm256_max_epi16(m, x);
                        } else {
                            s0 = _mm256_add_epi32(s0,
                                                  _mm256_cvtepi16_epi32(_mm256_castsi256_si128(x)));
                            s1 = _mm256_add_epi32(
                                s1, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(x, 1)));
                        }
                    }
                }
                if (kind == OC_POOL_AVG) {
                    const __m256d cnt = _mm256_set1_pd(count), half = _mm256_set1_pd(count / 2);
                    __m128i a0 = qavg4(_mm256_castsi256_si128(s0), cnt, half);
                    __m128i a1 = qavg4(_mm256_extracti128_si256(s0, 1), cnt, half);
                    __m128i a2 = qavg4(_mm256_castsi256_si128(s1), cnt, half);
                    __m128i a3 = qavg4(_mm256_extracti128_si256(s1, 1), cnt, half);
                    m = _mm256_setr_m128i(_mm_packs_epi32(a0, a1), _mm_packs_epi32(a2, a3));
                }
                m = _mm256_min_epi16(_mm256_max_epi16(m, lo16), hi16);
                __m128i r =
                    I8 ? _mm_packs_epi16(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1))
                       : _mm_packus_epi16(_mm256_castsi256_si128(m),
                                          _mm256_extracti128_si256(m, 1));
                _mm_storeu_si128((__m128i *)(o + c), r);
            }
            for (; c < C; c++) { /* channel tail (and empty windows): scalar */
                int32_t acc = kind == OC_POOL_MAX ? INT32_MIN : 0;
                for (int32_t ky = ky0; ky < ky1; ky++)
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        size_t iy = (size_t)(oy * g->sh - g->pt + ky);
                        size_t ix = (size_t)(ox * g->sw - g->pl + kx);
                        const uint8_t *px =
                            in + ((b * (size_t)g->ih + iy) * (size_t)g->iw + ix) * C;
                        int32_t x = I8 ? (int8_t)px[c] : px[c];
                        acc = kind == OC_POOL_MAX ? (x > acc ? x : acc) : acc + x;
                    }
                if (count == 0)
                    acc = 0;
                else if (kind == OC_POOL_AVG)
                    acc = oc_qavg(acc, count);
                acc = acc < lo ? lo : acc > hi ? hi : acc;
                o[c] = (uint8_t)acc;
            }
        }
    }
}

static void rows(oc_pool_kind kind, const oc_pool_geom *g, oc_dtype t, const void *in, void *out,
                 int32_t lo, int32_t hi, size_t row0, size_t row1)
{
    if (t == OC_I8)
        rows_tpl(true, kind, g, in, out, lo, hi, row0, row1);
    else
        rows_tpl(false, kind, g, in, out, lo, hi, row0, row1);
}

oc_qpool_rows_fn oc_qpool_rows_avx2(void)
{
    return rows;
}

#else

oc_qpool_rows_fn oc_qpool_rows_avx2(void)
{
    return NULL;
}

#endif
