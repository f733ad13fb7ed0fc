/* AVX-512 SGEMM micro-kernels: MR rows x NV zmm vectors of accumulators, A broadcast from
 * MR row pointers, B loaded from the packed panel; bias preloaded, clamp in the epilogue.
 * Compiled with -mavx512f... (file suffix); only called when the CPU has AVX-512. */
#include "kernels/sgemm.h"

#if defined(__AVX512F__) && defined(__FMA__)
#include <immintrin.h>

#define MAXR 16
#define MAXV 4

static inline __attribute__((always_inline)) void tile(const int MR, const int NV, const bool IND,
                                                       size_t k, const float *a, size_t lda,
                                                       const float *const *rows, const int32_t *off,
                                                       const float *pb, float *c, size_t ldc,
                                                       size_t m, size_t n, float lo, float hi)
{
    const int NR = 16 * NV;
    const float *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        size_t rr = (size_t)r < m ? (size_t)r : m - 1;
        ar[r] = IND ? rows[rr] : a + rr * lda;
    }
    __m512 acc[MAXR][MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m512 bias = _mm512_load_ps(pb + 16 * v);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = bias;
    }
    const float *b = pb + NR;
    for (size_t p = 0; p < k; p++) {
        __m512 bv[MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            bv[v] = _mm512_load_ps(b + 16 * v);
        b += NR;
        const ptrdiff_t q = IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p;
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            __m512 av = _mm512_set1_ps(ar[r][q]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    __mmask16 mask[MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        size_t left = n > (size_t)(16 * v) ? n - (size_t)(16 * v) : 0;
        mask[v] = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    }
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        if ((size_t)r >= m) break;
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++) {
            /* max(lo, x) then min(hi, .): the second operand is returned on NaN, so NaN
             * propagates like TFLite's std::min(std::max(x, lo), hi). */
            __m512 x = _mm512_min_ps(vhi, _mm512_max_ps(vlo, acc[r][v]));
            _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16 * v, mask[v], x);
        }
    }
}

static inline __attribute__((always_inline)) void row(const int NV, const bool IND, size_t k,
                                                      const float *a, const int32_t *off,
                                                      const float *pb, float *c, size_t n, float lo,
                                                      float hi)
{
    const int NR = 16 * NV;
    __m512 acc[4][MAXV];
#pragma GCC unroll 64
    for (int u = 0; u < 4; u++)
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[u][v] = _mm512_setzero_ps();
    const float *b = pb + NR;
    size_t p = 0;
    for (; p + 4 <= k; p += 4, b += 4 * NR) {
#pragma GCC unroll 64
        for (int u = 0; u < 4; u++) {
            __m512 av = _mm512_set1_ps(a[IND ? (ptrdiff_t)off[p + u] : (ptrdiff_t)(p + u)]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] = _mm512_fmadd_ps(av, _mm512_load_ps(b + u * NR + 16 * v), acc[u][v]);
        }
    }
    for (; p < k; p++, b += NR) {
        __m512 av = _mm512_set1_ps(a[IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p]);
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = _mm512_fmadd_ps(av, _mm512_load_ps(b + 16 * v), acc[0][v]);
    }
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m512 s =
            _mm512_add_ps(_mm512_add_ps(acc[0][v], acc[1][v]), _mm512_add_ps(acc[2][v], acc[3][v]));
        s = _mm512_add_ps(s, _mm512_load_ps(pb + 16 * v));
        s = _mm512_min_ps(vhi, _mm512_max_ps(vlo, s));
        size_t left = n > (size_t)(16 * v) ? n - (size_t)(16 * v) : 0;
        __mmask16 mk = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        _mm512_mask_storeu_ps(c + 16 * v, mk, s);
    }
}

#define DEFINE(MR, NV)                                                                             \
    static void gemm_##MR##x##NV(size_t k, const float *a, size_t lda, const float *pb, float *c,  \
                                 size_t ldc, size_t m, size_t n, float lo, float hi)               \
    {                                                                                              \
        tile(MR, NV, false, k, a, lda, NULL, NULL, pb, c, ldc, m, n, lo, hi);                      \
    }                                                                                              \
    static void gemm_ind_##MR##x##NV(size_t k, const float *const *rows, const int32_t *off,       \
                                     const float *pb, float *c, size_t ldc, size_t m, size_t n,    \
                                     float lo, float hi)                                           \
    {                                                                                              \
        tile(MR, NV, true, k, NULL, 0, rows, off, pb, c, ldc, m, n, lo, hi);                       \
    }
DEFINE(12, 2)
DEFINE(12, 1)
DEFINE(6, 4)

#define DEFINE_ROW(NV)                                                                             \
    static void gemv_##NV(size_t k, const float *a, const float *pb, float *c, size_t n, float lo, \
                          float hi)                                                                \
    {                                                                                              \
        row(NV, false, k, a, NULL, pb, c, n, lo, hi);                                              \
    }                                                                                              \
    static void gemv_ind_##NV(size_t k, const float *a, const int32_t *off, const float *pb,       \
                              float *c, size_t n, float lo, float hi)                              \
    {                                                                                              \
        row(NV, true, k, a, off, pb, c, n, lo, hi);                                                \
    }
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
