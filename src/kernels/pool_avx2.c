/* AVX2 pooling rows: 8 channels per ymm, masked tail. */
#include "kernels/pool.h"

#if defined(__AVX2__)
#include <float.h>
#include <immintrin.h>

static void rows(oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out, size_t row0,
                 size_t row1, float lo, float hi)
{
    const size_t C = (size_t)g->c;
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const float *end = in + (size_t)g->n * (size_t)g->ih * (size_t)g->iw * C;
    for (size_t row = row0; row < row1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh), ky0, ky1;
        oc_pool_window(oy, g->sh, g->pt, g->kh, g->ih, &ky0, &ky1);
        const float *img = in + b * (size_t)g->ih * (size_t)g->iw * C;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_pool_window(ox, g->sw, g->pl, g->kw, g->iw, &kx0, &kx1);
            float *o = out + (row * (size_t)g->ow + (size_t)ox) * C;
            const __m256 count = _mm256_set1_ps((float)((ky1 - ky0) * (kx1 - kx0)));
            for (size_t c = 0; c < C; c += 8) {
                const int left = C - c >= 8 ? 8 : (int)(C - c);
                const __m256i mk = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), lane);
                __m256 acc = _mm256_set1_ps(kind == OC_POOL_MAX ? -FLT_MAX : 0.f);
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky;
                    const float *src = img + (size_t)iy * (size_t)g->iw * C + c;
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx;
                        const float *s = src + (size_t)ix * C;
                        /* partial block: a whole-vector load when it stays inside the input */
                        __m256 x = end - s >= 8 ? _mm256_loadu_ps(s) : _mm256_maskload_ps(s, mk);
                        acc = kind == OC_POOL_MAX ? _mm256_max_ps(x, acc) : _mm256_add_ps(acc, x);
                    }
                }
                if (kind == OC_POOL_AVG) acc = _mm256_div_ps(acc, count);
                acc = _mm256_min_ps(vhi, _mm256_max_ps(vlo, acc));
                if (left == 8)
                    _mm256_storeu_ps(o + c, acc);
                else
                    _mm256_maskstore_ps(o + c, mk, acc);
            }
        }
    }
}

oc_pool_rows_fn oc_pool_rows_avx2(void)
{
    return rows;
}

#else

oc_pool_rows_fn oc_pool_rows_avx2(void)
{
    return NULL;
}

#endif
