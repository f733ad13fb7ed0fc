/* AVX-512 im2col: filter-row runs are copied with 16-float moves instead of memcpy calls,
 * which dominate for few input channels (a first layer has runs of 9 floats). The tail of a
 * run is loaded whole (with a mask near the end of the input) and stored whole: extra lanes
 * land where the next run or row is written right after, or in the scratch slack (sgemm
 * scratch slots have 16 spare floats). Masked stores are avoided: on this core they are
 * several times slower when they straddle cache lines, which short odd runs always do. */
#include "kernels/conv.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#include <string.h>

static inline void copy16(float *dst, const float *src, size_t n, const float *end)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < n) {
        /* a masked load is only needed near the end of the input; elsewhere a plain load is
         * much cheaper (masked loads that straddle lines or pages are slow here) */
        if (end - (src + i) >= 16) {
            _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
        } else {
            __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
            _mm512_storeu_ps(dst + i, _mm512_maskz_loadu_ps(m, src + i));
        }
    }
}

static inline void zero16(float *dst, size_t n)
{
    size_t i = 0;
    const __m512 z = _mm512_setzero_ps();
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, z);
    if (i < n) _mm512_storeu_ps(dst + i, z);
}

#define IM2COL_NAME im2col_avx512
#define IM2COL_COPY copy16
#define IM2COL_ZERO zero16
#include "kernels/conv_im2col.h"

oc_sgemm_a_fn oc_conv_im2col_avx512(void)
{
    return im2col_avx512;
}

#else

oc_sgemm_a_fn oc_conv_im2col_avx512(void)
{
    return NULL;
}

#endif
