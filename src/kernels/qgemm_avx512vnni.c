/* AVX-512 VNNI 8-bit GEMM micro-kernels: MR rows x NV zmm vectors of int32 accumulators,
 * vpdpbusd of the broadcast 4 activation bytes (u8) with 16 columns x 4 weight bytes (s8);
 * the requantizing epilogue of qreq_x86.h. Narrow outputs (<= 8 columns) use the 8-lane
 * kernels of qgemm_vnni256_tpl.h with the EVEX vpdpbusd. Only called when the CPU has
 * AVX-512 BW/VL and VNNI. */
#include "kernels/qgemm.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__) &&                    \
    defined(__AVX512VL__)
#include <immintrin.h>
#include <string.h>

#include "kernels/qreq_x86.h"

#define MAXR 16
#define MAXV 4

static inline __attribute__((always_inline)) void
tile(const int MR, const int NV, const bool XOR, size_t kg, const uint8_t *const *rows,
     const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
     const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV;
    const int32_t *hdr = pb;
    const uint8_t *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        ar[r] = rows[(size_t)r < m ? (size_t)r : m - 1];
    __m512i acc[MAXR][MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m512i col = _mm512_loadu_si512(hdr + OC_QH_COL * NR + 16 * v);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = col;
    }
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    for (size_t g = 0; g < kg; g++, b += 64 * NV) {
        const ptrdiff_t o = off[g];
        __m512i bv[MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            bv[v] = _mm512_load_si512(b + 64 * v);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            int32_t a32;
            memcpy(&a32, ar[r] + o, 4);
            if (XOR) a32 ^= (int32_t)0x80808080u;
            const __m512i av = _mm512_set1_epi32(a32);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
        }
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(16 * v)) break;
        const size_t left = n - (size_t)(16 * v);
        const oc_rq512 q = oc_rq512_load(hdr, (size_t)NR, (size_t)(16 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            if ((size_t)r >= m) break;
            __m512i x = acc[r][v];
            if (rs) x = _mm512_add_epi32(x, _mm512_set1_epi32(rs[r]));
            oc_rq512_store(c + (size_t)r * ldc + 16 * v, oc_rq512_apply(x, &q, ep), left);
        }
    }
}

static inline __attribute__((always_inline)) void row(const int NV, const bool XOR, size_t kg,
                                                      const uint8_t *a, const int32_t *off,
                                                      const void *pb, uint8_t *c, size_t n,
                                                      const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV;
    const int32_t *hdr = pb;
    __m512i acc[4][MAXV];
#pragma GCC unroll 64
    for (int u = 0; u < 4; u++)
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[u][v] = _mm512_setzero_si512();
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    size_t g = 0;
    for (; g + 4 <= kg; g += 4, b += 4 * 64 * NV) {
#pragma GCC unroll 64
        for (int u = 0; u < 4; u++) {
            int32_t a32;
            memcpy(&a32, a + off[g + (size_t)u], 4);
            if (XOR) a32 ^= (int32_t)0x80808080u;
            const __m512i av = _mm512_set1_epi32(a32);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] =
                    _mm512_dpbusd_epi32(acc[u][v], av, _mm512_load_si512(b + 64 * (u * NV + v)));
        }
    }
    for (; g < kg; g++, b += 64 * NV) {
        int32_t a32;
        memcpy(&a32, a + off[g], 4);
        if (XOR) a32 ^= (int32_t)0x80808080u;
        const __m512i av = _mm512_set1_epi32(a32);
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = _mm512_dpbusd_epi32(acc[0][v], av, _mm512_load_si512(b + 64 * v));
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(16 * v)) break;
        __m512i x = _mm512_add_epi32(_mm512_add_epi32(acc[0][v], acc[1][v]),
                                     _mm512_add_epi32(acc[2][v], acc[3][v]));
        x = _mm512_add_epi32(x, _mm512_loadu_si512(hdr + OC_QH_COL * NR + 16 * v));
        if (rs) x = _mm512_add_epi32(x, _mm512_set1_epi32(rs[0]));
        const oc_rq512 q = oc_rq512_load(hdr, (size_t)NR, (size_t)(16 * v));
        oc_rq512_store(c + 16 * v, oc_rq512_apply(x, &q, ep), n - (size_t)(16 * v));
    }
}

#define DEFINE(MR, NV)                                                                             \
    static void gemm_##MR##x##NV(size_t kg, const uint8_t *const *rows, const int32_t *off,        \
                                 const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,       \
                                 const int32_t *rs, const oc_qgemm_ep *ep)                         \
    {                                                                                              \
        if (ep->a_xor)                                                                             \
            tile(MR, NV, true, kg, rows, off, pb, c, ldc, m, n, rs, ep);                           \
        else                                                                                       \
            tile(MR, NV, false, kg, rows, off, pb, c, ldc, m, n, rs, ep);                          \
    }                                                                                              \
    static void gemv_##NV##_##MR(size_t kg, const uint8_t *const *rows, const int32_t *off,        \
                                 const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,       \
                                 const int32_t *rs, const oc_qgemm_ep *ep)                         \
    {                                                                                              \
        (void)ldc;                                                                                 \
        (void)m;                                                                                   \
        if (ep->a_xor)                                                                             \
            row(NV, true, kg, rows[0], off, pb, c, n, rs, ep);                                     \
        else                                                                                       \
            row(NV, false, kg, rows[0], off, pb, c, n, rs, ep);                                    \
    }
DEFINE(16, 1)
DEFINE(12, 2)
DEFINE(6, 4)

/* The 8-lane kernels with the EVEX vpdpbusd. */
#define QG_DPBUSD(acc, a, b) _mm256_dpbusd_epi32((acc), (a), (b))
#define QG_FN(name) name##_y
#include "kernels/qgemm_vnni256_tpl.h"

static const oc_qgemm_kernel kernels[] = {
    {"avx512vnni_12x32", OC_QISA_AVX512VNNI, 12, 32, 100, OC_QGEMM_U8X4, gemm_12x2, gemv_2_12},
    {"avx512vnni_6x64", OC_QISA_AVX512VNNI, 6, 64, 100, OC_QGEMM_U8X4, gemm_6x4, gemv_4_6},
    {"avx512vnni_16x16", OC_QISA_AVX512VNNI, 16, 16, 90, OC_QGEMM_U8X4, gemm_16x1, gemv_1_16},
    {"avx512vnni_y12x8", OC_QISA_AVX512VNNI, 12, 8, 60, OC_QGEMM_U8X4, gemm_12x1_y, gemv_1_12_y},
    {"avx512vnni_y6x16", OC_QISA_AVX512VNNI, 6, 16, 40, OC_QGEMM_U8X4, gemm_6x2_y, gemv_2_6_y},
};

const oc_qgemm_kernel *oc_qgemm_kernels_avx512vnni(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}

#else

const oc_qgemm_kernel *oc_qgemm_kernels_avx512vnni(size_t *n)
{
    *n = 0;
    return NULL;
}

#endif
