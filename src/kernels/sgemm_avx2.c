/* AVX2+FMA SGEMM micro-kernels (ymm, 16 registers): 6x16 (12 accumulators) and 8x8; bodies
 * in sgemm_tpl.h. */
#include "kernels/sgemm.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define MAXR 8
#define MAXV 2
typedef __m256 V;
#define VL 8
#define v_load(p) _mm256_load_ps(p)
#define v_bcast(p) _mm256_broadcast_ss(p)
#define v_zero() _mm256_setzero_ps()
#define v_set1(x) _mm256_set1_ps(x)
#define v_fma(a, b, acc) _mm256_fmadd_ps((a), (b), (acc))
#define v_add(a, b) _mm256_add_ps((a), (b))
#define v_min(a, b) _mm256_min_ps((a), (b))
#define v_max(a, b) _mm256_max_ps((a), (b))

static inline __attribute__((always_inline)) void v_store_n(float *dst, V x, size_t left)
{
    if (left >= 8) {
        _mm256_storeu_ps(dst, x);
    } else if (left > 0) {
        const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        _mm256_maskstore_ps(dst, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), idx), x);
    }
}

#include "kernels/sgemm_tpl.h"

DEFINE(6, 2)
DEFINE(8, 1)
DEFINE_ROW(1)
DEFINE_ROW(2)

static const oc_sgemm_kernel kernels[] = {
    {"avx2_6x16", OC_ISA_AVX2, 6, 16, 100, gemm_6x2, gemv_2, gemm_ind_6x2, gemv_ind_2},
    {"avx2_8x8", OC_ISA_AVX2, 8, 8, 85, gemm_8x1, gemv_1, gemm_ind_8x1, gemv_ind_1},
};

const oc_sgemm_kernel *oc_sgemm_kernels_avx2(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}

#else

const oc_sgemm_kernel *oc_sgemm_kernels_avx2(size_t *n)
{
    *n = 0;
    return NULL;
}

#endif
