/* AVX-512 SGEMM micro-kernels (zmm, 32 registers): 12x32, 12x16 and 6x64 tiles; bodies in
 * sgemm_tpl.h. Compiled with -mavx512f... (file suffix); only called when the CPU has AVX-512. */
#include "kernels/sgemm.h"

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>

#define MAXR 16
#define MAXV 4
typedef __m512 V;
#define VL 16
#define v_load(p) _mm512_load_ps(p)
#define v_bcast(p) _mm512_set1_ps(*(p))
#define v_zero() _mm512_setzero_ps()
#define v_set1(x) _mm512_set1_ps(x)
#define v_fma(a, b, acc) _mm512_fmadd_ps((a), (b), (acc))
#define v_add(a, b) _mm512_add_ps((a), (b))
#define v_min(a, b) _mm512_min_ps((a), (b))
#define v_max(a, b) _mm512_max_ps((a), (b))

static inline __attribute__((always_inline)) void v_store_n(float *dst, V x, size_t left)
{
    __mmask16 mk = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    _mm512_mask_storeu_ps(dst, mk, x);
}

#include "kernels/sgemm_tpl.h"

DEFINE(12, 2)
DEFINE(12, 1)
DEFINE(6, 4)
DEFINE_ROW(1)
DEFINE_ROW(2)
DEFINE_ROW(4)

static const oc_sgemm_kernel kernels[] = {
    {"avx512_12x32", OC_ISA_AVX512, 12, 32, 100, gemm_12x2, gemv_2, gemm_ind_12x2, gemv_ind_2},
    {"avx512_12x16", OC_ISA_AVX512, 12, 16, 85, gemm_12x1, gemv_1, gemm_ind_12x1, gemv_ind_1},
    {"avx512_6x64", OC_ISA_AVX512, 6, 64, 100, gemm_6x4, gemv_4, gemm_ind_6x4, gemv_ind_4},
};

const oc_sgemm_kernel *oc_sgemm_kernels_avx512(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}

#else

const oc_sgemm_kernel *oc_sgemm_kernels_avx512(size_t *n)
{
    *n = 0;
    return NULL;
}

#endif
