/* AVX-512 pooling rows: 16 channels per zmm, masked tail. */
#include "kernels/pool.h"

#if defined(__AVX512F__)
#include <float.h>
#include <immintrin.h>

static void rows(oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out, size_t row0,
                 size_t row1, float lo, float hi)
{
    const size_t C = (size_t)g->c;
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    const float *end = in + (size_t)g->n * (size_t)g->ih * (size_t)g->iw * C;
    const float *task_end = out + row1 * (size_t)g->ow * C;
    for (size_t row = row0; row < row1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh), ky0, ky1;
        oc_pool_window(oy, g->sh, g->pt, g->kh, g->ih, &ky0, &ky1);
        const float *img = in + b * (size_t)g->ih * (size_t)g->iw * C;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_pool_window(ox, g->sw, g->pl, g->kw, g->iw, &kx0, &kx1);
            float *o = out + (row * (size_t)g->ow + (size_t)ox) * C;
            const __m512 count = _mm512_set1_ps((float)((ky1 - ky0) * (kx1 - kx0)));
            for (size_t c = 0; c < C; c += 16) {
                const __mmask16 mk = C - c >= 16 ? 0xFFFF : (__mmask16)((1u << (C - c)) - 1);
                __m512 acc = _mm512_set1_ps(kind == OC_POOL_MAX ? -FLT_MAX : 0.f);
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky;
                    const float *src = img + (size_t)iy * (size_t)g->iw * C + c;
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx;
                        /* whole-vector load of a partial block when it stays inside the input:
                         * masked loads that straddle cache lines are slow; the extra lanes are
                         * never stored */
                        const float *q = src + (size_t)ix * C;
                        __m512 x =
                            end - q >= 16 ? _mm512_loadu_ps(q) : _mm512_maskz_loadu_ps(mk, q);
                        /* max(x, acc) returns acc when x is NaN; scalar code does the same */
                        acc = kind == OC_POOL_MAX ? _mm512_max_ps(x, acc) : _mm512_add_ps(acc, x);
                    }
                }
                if (kind == OC_POOL_AVG) acc = _mm512_div_ps(acc, count);
                acc = _mm512_min_ps(vhi, _mm512_max_ps(vlo, acc));
                /* A partial block is stored whole when its extra lanes fall on the following
                 * pixels of this task, which are written afterwards (masked stores are slow
                 * too). */
                if (mk == 0xFFFF || task_end - (o + c) >= 16)
                    _mm512_storeu_ps(o + c, acc);
                else
                    _mm512_mask_storeu_ps(o + c, mk, acc);
            }
        }
    }
}

oc_pool_rows_fn oc_pool_rows_avx512(void)
{
    return rows;
}

#else

oc_pool_rows_fn oc_pool_rows_avx512(void)
{
    return NULL;
}

#endif
