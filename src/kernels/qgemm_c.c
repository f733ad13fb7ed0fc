/* Portable 8-bit GEMM micro-kernels: the reference path of the integer GEMM layer and the
 * fallback on CPUs without AVX2. Same packed layout (4-byte depth groups) and epilogue as the
 * vector kernels (see qgemm.h). Sums wrap modulo 2^32 like the vector ones. */
#include "kernels/qgemm.h"

#include <string.h>

#define NR 8

static inline __attribute__((always_inline)) void
tile(const int MR, size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
     const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
     const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int32_t *hdr = pb;
    const uint8_t *ar[4];
    for (int r = 0; r < MR; r++)
        ar[r] = rows ? rows[(size_t)r < m ? (size_t)r : m - 1]
                     : pa + ((size_t)r < m ? (size_t)r : m - 1) * lda;
    uint32_t acc[4][NR];
    for (int r = 0; r < MR; r++)
        for (size_t j = 0; j < NR; j++)
            acc[r][j] = (uint32_t)hdr[OC_QH_COL * NR + j];
    const int8_t *b = (const int8_t *)((const uint8_t *)pb + OC_QGEMM_HDR * NR * 4);
    const uint8_t x = (uint8_t)ep->a_xor;
    for (size_t g = 0; g < kg; g++, b += NR * 4) {
        const ptrdiff_t o = off[g];
        for (int r = 0; r < MR; r++) {
            const uint8_t *a = ar[r] + o;
            const int32_t a0 = a[0] ^ x, a1 = a[1] ^ x, a2 = a[2] ^ x, a3 = a[3] ^ x;
            for (size_t j = 0; j < NR; j++) {
                const int8_t *bj = b + 4 * j;
                acc[r][j] += (uint32_t)(a0 * bj[0] + a1 * bj[1] + a2 * bj[2] + a3 * bj[3]);
            }
        }
    }
    for (size_t r = 0; r < m && r < (size_t)MR; r++) {
        const uint32_t add = ep->rs_in_lane ? acc[r][ep->rs_lane] : rs ? (uint32_t)rs[r] : 0;
        for (size_t j = 0; j < n; j++) {
            int32_t v = (int32_t)(acc[r][j] + add);
            float scale;
            memcpy(&scale, &hdr[OC_QH_SCALE * NR + j], sizeof scale);
            int shift = hdr[OC_QH_LSH * NR + j] - hdr[OC_QH_RSH * NR + j];
            c[r * ldc + j] =
                (uint8_t)oc_qgemm_requant(v, hdr[OC_QH_MULT * NR + j], shift, scale, ep);
        }
    }
}

static void gemm_4x8(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                     const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                     const int32_t *rs, const oc_qgemm_ep *ep)
{
    tile(4, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static void gemv_8(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                   const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                   const int32_t *rs, const oc_qgemm_ep *ep)
{
    tile(1, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static const oc_qgemm_kernel kernels[] = {
    {"c_4x8", OC_QISA_C, 4, NR, 100, OC_QGEMM_U8X4, gemm_4x8, gemv_8, NULL},
};

const oc_qgemm_kernel *oc_qgemm_kernels_c(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}
