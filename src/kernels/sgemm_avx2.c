/* AVX2+FMA SGEMM micro-kernels (ymm): same structure as sgemm_avx512.c with 8-float vectors
 * and 16 registers: 6x16 (12 accumulators) and 8x8. */
#include "kernels/sgemm.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#define MAXR 8
#define MAXV 2

static inline __m256i tail_mask(size_t left)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int l = left >= 8 ? 8 : (int)left;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(l), idx);
}

static inline __attribute__((always_inline)) void store(float *dst, __m256 x, size_t left)
{
    if (left >= 8)
        _mm256_storeu_ps(dst, x);
    else if (left > 0)
        _mm256_maskstore_ps(dst, tail_mask(left), x);
}

static inline __attribute__((always_inline)) void tile(const int MR, const int NV, const bool IND,
                                                       size_t k, const float *a, size_t lda,
                                                       const float *const *rows, const int32_t *off,
                                                       const float *pb, float *c, size_t ldc,
                                                       size_t m, size_t n, float lo, float hi)
{
    const int NR = 8 * NV;
    const float *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        size_t rr = (size_t)r < m ? (size_t)r : m - 1;
        ar[r] = IND ? rows[rr] : a + rr * lda;
    }
    __m256 acc[MAXR][MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m256 bias = _mm256_load_ps(pb + 8 * v);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = bias;
    }
    const float *b = pb + NR;
    for (size_t p = 0; p < k; p++) {
        __m256 bv[MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            bv[v] = _mm256_load_ps(b + 8 * v);
        b += NR;
        const ptrdiff_t q = IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p;
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            __m256 av = _mm256_broadcast_ss(ar[r] + q);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        if ((size_t)r >= m) break;
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++) {
            __m256 x = _mm256_min_ps(vhi, _mm256_max_ps(vlo, acc[r][v]));
            size_t left = n > (size_t)(8 * v) ? n - (size_t)(8 * v) : 0;
            store(c + (size_t)r * ldc + 8 * v, x, left);
        }
    }
}

static inline __attribute__((always_inline)) void row(const int NV, const bool IND, size_t k,
                                                      const float *a, const int32_t *off,
                                                      const float *pb, float *c, size_t n, float lo,
                                                      float hi)
{
    const int NR = 8 * NV;
    __m256 acc[4][MAXV];
#pragma GCC unroll 64
    for (int u = 0; u < 4; u++)
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[u][v] = _mm256_setzero_ps();
    const float *b = pb + NR;
    size_t p = 0;
    for (; p + 4 <= k; p += 4, b += 4 * NR) {
#pragma GCC unroll 64
        for (int u = 0; u < 4; u++) {
            __m256 av = _mm256_broadcast_ss(a + (IND ? (ptrdiff_t)off[p + u] : (ptrdiff_t)(p + u)));
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] = _mm256_fmadd_ps(av, _mm256_load_ps(b + u * NR + 8 * v), acc[u][v]);
        }
    }
    for (; p < k; p++, b += NR) {
        __m256 av = _mm256_broadcast_ss(a + (IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p));
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = _mm256_fmadd_ps(av, _mm256_load_ps(b + 8 * v), acc[0][v]);
    }
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m256 s =
            _mm256_add_ps(_mm256_add_ps(acc[0][v], acc[1][v]), _mm256_add_ps(acc[2][v], acc[3][v]));
        s = _mm256_add_ps(s, _mm256_load_ps(pb + 8 * v));
        s = _mm256_min_ps(vhi, _mm256_max_ps(vlo, s));
        size_t left = n > (size_t)(8 * v) ? n - (size_t)(8 * v) : 0;
        store(c + 8 * v, s, left);
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
DEFINE(6, 2)
DEFINE(8, 1)

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
