/* AVX-512 depthwise rows (depth_multiplier 1): 16 channels per zmm, masked channel tail; the
 * body is dwconv_tpl.h. */
#include "kernels/dwconv.h"

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>

typedef __m512 V;
typedef __mmask16 M;
#define VL 16
static inline M m_tail(size_t left)
{
    return left >= 16 ? (M)0xFFFF : (M)((1u << left) - 1);
}
#define v_load(p) _mm512_loadu_ps(p)
#define v_loadm(m, p) _mm512_maskz_loadu_ps((m), (p))
#define v_store(p, x) _mm512_storeu_ps((p), (x))
#define v_storem(p, m, x) _mm512_mask_storeu_ps((p), (m), (x))
#define v_fma(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define v_set1(x) _mm512_set1_ps(x)
#define v_min(a, b) _mm512_min_ps((a), (b))
#define v_max(a, b) _mm512_max_ps((a), (b))
#define v_add(a, b) _mm512_add_ps((a), (b))
#define v_mul(a, b) _mm512_mul_ps((a), (b))
#define v_dup_half(p) _mm512_broadcast_f32x8(_mm256_loadu_ps(p))

#include "kernels/dwconv_tpl.h"

oc_dw_rows_fn oc_dw_rows_avx512(void)
{
    return dw_rows;
}

#else

oc_dw_rows_fn oc_dw_rows_avx512(void)
{
    return NULL;
}

#endif
