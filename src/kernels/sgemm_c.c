/* Portable SGEMM micro-kernels: the reference path of the GEMM layer and the fallback on CPUs
 * without AVX2. Same tile contract as the vector kernels (see sgemm.h). */
#include "kernels/sgemm.h"

#define MR 4
#define NR 8

static inline float clampf(float x, float lo, float hi)
{
    x = x < lo ? lo : x; /* NaN stays NaN: comparisons with NaN are false */
    return x > hi ? hi : x;
}

/* off == NULL: plain rows; else element (r, p) is ar[r][off[p]]. */
static inline void tile(const float *const *ar, const int32_t *off, size_t k, const float *pb,
                        float *c, size_t ldc, size_t m, size_t n, float lo, float hi)
{
    float acc[MR][NR];
    for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < NR; j++)
            acc[r][j] = pb[j];
    const float *b = pb + NR;
    for (size_t p = 0; p < k; p++, b += NR) {
        size_t q = off ? (size_t)(ptrdiff_t)off[p] : p;
        for (size_t r = 0; r < MR; r++) {
            float av = ar[r][(ptrdiff_t)q];
            for (size_t j = 0; j < NR; j++)
                acc[r][j] += av * b[j];
        }
    }
    for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < n; j++)
            c[r * ldc + j] = clampf(acc[r][j], lo, hi);
}

static void gemm_4x8(size_t k, const float *a, size_t lda, const float *pb, float *c, size_t ldc,
                     size_t m, size_t n, float lo, float hi)
{
    const float *ar[MR];
    for (size_t r = 0; r < MR; r++)
        ar[r] = a + (r < m ? r : m - 1) * lda;
    tile(ar, NULL, k, pb, c, ldc, m, n, lo, hi);
}

static void gemm_ind_4x8(size_t k, const float *const *rows, const int32_t *off, const float *pb,
                         float *c, size_t ldc, size_t m, size_t n, float lo, float hi)
{
    const float *ar[MR];
    for (size_t r = 0; r < MR; r++)
        ar[r] = rows[r < m ? r : m - 1];
    tile(ar, off, k, pb, c, ldc, m, n, lo, hi);
}

static inline void row(const float *a, const int32_t *off, size_t k, const float *pb, float *c,
                       size_t n, float lo, float hi)
{
    float acc[NR];
    for (size_t j = 0; j < NR; j++)
        acc[j] = pb[j];
    const float *b = pb + NR;
    for (size_t p = 0; p < k; p++, b += NR) {
        float av = a[off ? (ptrdiff_t)off[p] : (ptrdiff_t)p];
        for (size_t j = 0; j < NR; j++)
            acc[j] += av * b[j];
    }
    for (size_t j = 0; j < n; j++)
        c[j] = clampf(acc[j], lo, hi);
}

static void gemv_8(size_t k, const float *a, const float *pb, float *c, size_t n, float lo,
                   float hi)
{
    row(a, NULL, k, pb, c, n, lo, hi);
}

static void gemv_ind_8(size_t k, const float *a, const int32_t *off, const float *pb, float *c,
                       size_t n, float lo, float hi)
{
    row(a, off, k, pb, c, n, lo, hi);
}

static const oc_sgemm_kernel kernels[] = {
    {"c_4x8", OC_ISA_C, MR, NR, 100, gemm_4x8, gemv_8, gemm_ind_4x8, gemv_ind_8},
};

const oc_sgemm_kernel *oc_sgemm_kernels_c(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}
