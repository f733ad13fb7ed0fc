/* AVX2 8-bit GEMM micro-kernels for CPUs without VNNI: weights packed as int16 pairs
 * (OC_QGEMM_I16), activation pairs zero-extended to int16 and broadcast, vpmaddwd into int32
 * (exact; vpmaddubsw would saturate its int16 pair sums for full-range uint8 x int8). */
#include "kernels/qgemm.h"

#if defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

#include "kernels/qreq_x86.h"

#define MAXR 8
#define MAXV 2

/* The 4 activation bytes of a depth group as two int16 pairs (a0, a1) and (a2, a3). */
static inline __attribute__((always_inline)) void pairs(const uint8_t *p, uint32_t x, __m256i *a01,
                                                        __m256i *a23)
{
    uint32_t a;
    memcpy(&a, p, 4);
    a ^= x;
    *a01 = _mm256_set1_epi32((int32_t)((a & 0xffu) | ((a << 8) & 0xff0000u)));
    *a23 = _mm256_set1_epi32((int32_t)(((a >> 16) & 0xffu) | ((a >> 8) & 0xff0000u)));
}

/* Full tile, fast fp32 epilogue (see qgemm_avx512vnni.c): 4 vectors per 32-byte pack. */
static inline __attribute__((always_inline)) void
fast_store_t(const int MR, const int NV, const bool U8, __m256i acc[MAXR][MAXV], const int32_t *rsl,
             const int32_t *hdr, uint8_t *c, size_t ldc, const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const oc_rqp256 k = oc_rqp256_init(ep);
    __m256 sc[MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++)
        sc[v] = _mm256_loadu_ps((const float *)(hdr + OC_QH_SCALE * NR + 8 * v));
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; i += 4) {
        __m256i y[4];
#pragma GCC unroll 64
        for (int j = 0; j < 4; j++) {
            const int r = (i + j) / NV, v = (i + j) % NV;
            y[j] = oc_rq256_round(_mm256_add_epi32(acc[r][v], _mm256_set1_epi32(rsl[r])), sc[v]);
        }
        const __m256i b = oc_rq256_pack4(U8, y[0], y[1], y[2], y[3], &k);
        const int r0 = i / NV;
        if (NV == 2) {
            _mm_storeu_si128((__m128i *)(c + (size_t)r0 * ldc), _mm256_castsi256_si128(b));
            _mm_storeu_si128((__m128i *)(c + (size_t)(r0 + 1) * ldc),
                             _mm256_extracti128_si256(b, 1));
        } else {
            const __m128i lo = _mm256_castsi256_si128(b), hi = _mm256_extracti128_si256(b, 1);
            _mm_storel_epi64((__m128i *)(c + (size_t)r0 * ldc), lo);
            _mm_storel_epi64((__m128i *)(c + (size_t)(r0 + 1) * ldc), _mm_unpackhi_epi64(lo, lo));
            _mm_storel_epi64((__m128i *)(c + (size_t)(r0 + 2) * ldc), hi);
            _mm_storel_epi64((__m128i *)(c + (size_t)(r0 + 3) * ldc), _mm_unpackhi_epi64(hi, hi));
        }
    }
}

static inline __attribute__((always_inline)) void
fast_store(const int MR, const int NV, bool u8, __m256i acc[MAXR][MAXV], const int32_t *rsl,
           const int32_t *hdr, uint8_t *c, size_t ldc, const oc_qgemm_ep *ep)
{
    if (u8)
        fast_store_t(MR, NV, true, acc, rsl, hdr, c, ldc, ep);
    else
        fast_store_t(MR, NV, false, acc, rsl, hdr, c, ldc, ep);
}

static inline __attribute__((always_inline)) void
tile(const int MR, const int NV, const bool FP32, size_t kg, const uint8_t *const *rows,
     const uint8_t *pa, size_t lda, const int32_t *off, const void *pb, uint8_t *c, size_t ldc,
     size_t m, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const int32_t *hdr = pb;
    const uint8_t *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        ar[r] = rows ? rows[(size_t)r < m ? (size_t)r : m - 1]
                     : pa + ((size_t)r < m ? (size_t)r : m - 1) * lda;
    __m256i acc[MAXR][MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m256i col = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_COL * NR + 8 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = col;
    }
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    const uint32_t x = ep->a_xor;
    for (size_t g = 0; g < kg; g++, b += 64 * NV) {
        const ptrdiff_t o = off[g];
        __m256i b01[MAXV], b23[MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++) {
            b01[v] = _mm256_load_si256((const __m256i *)(b + 32 * v));
            b23[v] = _mm256_load_si256((const __m256i *)(b + 32 * NV + 32 * v));
        }
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            __m256i a01, a23;
            pairs(ar[r] + o, x, &a01, &a23);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++) {
                acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(a01, b01[v]));
                acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(a23, b23[v]));
            }
        }
    }
    const oc_rqk256 k = oc_rqk256_init(ep);
    if (ep->rs_in_lane) { /* row terms from their column: add them to the whole row */
        const int lv = ep->rs_lane / 8;
        const __m256i idx = _mm256_set1_epi32(ep->rs_lane % 8);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            __m256i t = _mm256_setzero_si256();
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                if (v == lv) t = _mm256_permutevar8x32_epi32(acc[r][v], idx);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm256_add_epi32(acc[r][v], t);
        }
    }
    int32_t rsl[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        rsl[r] = rs && (size_t)r < m ? rs[r] : 0;
    if (FP32 && (MR * NV) % 4 == 0 && ep->fast && m == (size_t)MR && n == (size_t)NR) {
        fast_store(MR, NV, ep->out_u8, acc, rsl, hdr, c, ldc, ep);
        return;
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(8 * v)) break;
        const size_t left = n - (size_t)(8 * v);
        const oc_rq256 q = oc_rq256_load(FP32, hdr, (size_t)NR, (size_t)(8 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            if ((size_t)r >= m) break;
            __m256i y = _mm256_add_epi32(acc[r][v], _mm256_set1_epi32(rsl[r]));
            y = oc_rq256_apply(FP32, y, &q, &k);
            oc_rq_store8(c + (size_t)r * ldc + 8 * v, oc_rq256_bytes(y), left);
        }
    }
}

static void gemm_4x2(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                     const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                     const int32_t *rs, const oc_qgemm_ep *ep)
{
    if (ep->mode == OC_QREQ_FP32)
        tile(4, 2, true, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
    else
        tile(4, 2, false, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static void gemm_8x1(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                     const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                     const int32_t *rs, const oc_qgemm_ep *ep)
{
    if (ep->mode == OC_QREQ_FP32)
        tile(8, 1, true, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
    else
        tile(8, 1, false, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static void gemv_2(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                   const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                   const int32_t *rs, const oc_qgemm_ep *ep)
{
    if (ep->mode == OC_QREQ_FP32)
        tile(1, 2, true, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
    else
        tile(1, 2, false, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static void gemv_1(size_t kg, const uint8_t *const *rows, const uint8_t *pa, size_t lda,
                   const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
                   const int32_t *rs, const oc_qgemm_ep *ep)
{
    if (ep->mode == OC_QREQ_FP32)
        tile(1, 1, true, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
    else
        tile(1, 1, false, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);
}

static const oc_qgemm_kernel kernels[] = {
    {"avx2_4x16", OC_QISA_AVX2, 4, 16, 100, OC_QGEMM_I16, gemm_4x2, gemv_2, NULL},
    {"avx2_8x8", OC_QISA_AVX2, 8, 8, 90, OC_QGEMM_I16, gemm_8x1, gemv_1, NULL},
};

const oc_qgemm_kernel *oc_qgemm_kernels_avx2(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}

#else

const oc_qgemm_kernel *oc_qgemm_kernels_avx2(size_t *n)
{
    *n = 0;
    return NULL;
}

#endif
