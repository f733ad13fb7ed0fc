/* AVX2+FMA depthwise rows (depth_multiplier 1): 8 channels per ymm, masked channel tail; the
 * body is dwconv_tpl.h (5x5 weights do not all fit in the 16 registers: some are reloaded). */
#include "kernels/dwconv.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

typedef __m256 V;
typedef __m256i M;
#define VL 8
static inline M m_tail(size_t left)
{
    int l = left >= 8 ? 8 : (int)left;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(l), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
#define v_load(p) _mm256_loadu_ps(p)
#define v_loadm(m, p) _mm256_maskload_ps((p), (m))
#define v_store(p, x) _mm256_storeu_ps((p), (x))
#define v_storem(p, m, x) _mm256_maskstore_ps((p), (m), (x))
#define v_fma(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define v_set1(x) _mm256_set1_ps(x)
#define v_min(a, b) _mm256_min_ps((a), (b))
#define v_max(a, b) _mm256_max_ps((a), (b))
#define v_add(a, b) _mm256_add_ps((a), (b))
#define v_mul(a, b) _mm256_mul_ps((a), (b))

#include "kernels/dwconv_tpl.h"

oc_dw_rows_fn oc_dw_rows_avx2(void)
{
    return dw_rows;
}

#else

oc_dw_rows_fn oc_dw_rows_avx2(void)
{
    return NULL;
}

#endif
