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

/* The 4 activation bytes at p in every lane; int8 ones biased to unsigned (xor 0x80). */
static inline __attribute__((always_inline)) __m512i bcast(const bool XOR, const uint8_t *p)
{
    if (!XOR) return _mm512_broadcastd_epi32(_mm_loadu_si32(p)); /* a load-port broadcast */
    int32_t a32;
    memcpy(&a32, p, 4);
    return _mm512_set1_epi32(a32 ^ (int32_t)0x80808080u);
}

/* Instantiates fn for the 4 combinations of int8 activations x requantization rule. */
#define DISPATCH(fn, ...)                                                                          \
    do {                                                                                           \
        if (ep->a_xor) {                                                                           \
            if (ep->mode == OC_QREQ_FP32)                                                          \
                fn(true, true, __VA_ARGS__);                                                       \
            else                                                                                   \
                fn(true, false, __VA_ARGS__);                                                      \
        } else {                                                                                   \
            if (ep->mode == OC_QREQ_FP32)                                                          \
                fn(false, true, __VA_ARGS__);                                                      \
            else                                                                                   \
                fn(false, false, __VA_ARGS__);                                                     \
        }                                                                                          \
    } while (0)

/* Full tile, fast fp32 epilogue: vectors taken 4 at a time in row-major (row, vector) order,
 * i.e. one row of 64, two rows of 32 or four rows of 16 outputs per 64-byte pack. */
static inline __attribute__((always_inline)) void
fast_store_t(const int MR, const int NV, const bool U8, __m512i acc[MAXR][MAXV], const int32_t *rsl,
             const int32_t *hdr, uint8_t *c, size_t ldc, size_t n, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV;
    const oc_rqp512 k = oc_rqp512_init(ep);
    __m512 sc[MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++)
        sc[v] = _mm512_loadu_ps(hdr + OC_QH_SCALE * NR + 16 * v);
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; i += 4) {
        __m512i y[4];
#pragma GCC unroll 64
        for (int j = 0; j < 4; j++) {
            const int r = (i + j) / NV, v = (i + j) % NV;
            y[j] = oc_rq512_round(_mm512_add_epi32(acc[r][v], _mm512_set1_epi32(rsl[r])), sc[v]);
        }
        const __m512i b = oc_rq512_pack4(U8, y[0], y[1], y[2], y[3], &k);
        const int r0 = i / NV;
        if (NV == 4) {
            _mm512_storeu_si512(c + (size_t)r0 * ldc, b);
        } else if (NV == 2) {
            _mm256_storeu_si256((__m256i *)(c + (size_t)r0 * ldc), _mm512_castsi512_si256(b));
            _mm256_storeu_si256((__m256i *)(c + (size_t)(r0 + 1) * ldc),
                                _mm512_extracti64x4_epi64(b, 1));
        } else if (n >= 16) {
            _mm_storeu_si128((__m128i *)(c + (size_t)r0 * ldc), _mm512_castsi512_si128(b));
            _mm_storeu_si128((__m128i *)(c + (size_t)(r0 + 1) * ldc),
                             _mm512_extracti32x4_epi32(b, 1));
            _mm_storeu_si128((__m128i *)(c + (size_t)(r0 + 2) * ldc),
                             _mm512_extracti32x4_epi32(b, 2));
            _mm_storeu_si128((__m128i *)(c + (size_t)(r0 + 3) * ldc),
                             _mm512_extracti32x4_epi32(b, 3));
        } else { /* narrow output (a first layer's few channels): masked stores */
            const __mmask16 mk = (__mmask16)((1u << n) - 1);
            _mm_mask_storeu_epi8(c + (size_t)r0 * ldc, mk, _mm512_castsi512_si128(b));
            _mm_mask_storeu_epi8(c + (size_t)(r0 + 1) * ldc, mk, _mm512_extracti32x4_epi32(b, 1));
            _mm_mask_storeu_epi8(c + (size_t)(r0 + 2) * ldc, mk, _mm512_extracti32x4_epi32(b, 2));
            _mm_mask_storeu_epi8(c + (size_t)(r0 + 3) * ldc, mk, _mm512_extracti32x4_epi32(b, 3));
        }
    }
}

static inline __attribute__((always_inline)) void
fast_store(const int MR, const int NV, bool u8, __m512i acc[MAXR][MAXV], const int32_t *rsl,
           const int32_t *hdr, uint8_t *c, size_t ldc, size_t n, const oc_qgemm_ep *ep)
{
    if (u8)
        fast_store_t(MR, NV, true, acc, rsl, hdr, c, ldc, n, ep);
    else
        fast_store_t(MR, NV, false, acc, rsl, hdr, c, ldc, n, ep);
}

static inline __attribute__((always_inline)) void
tile(const int MR, const int NV, const bool XOR, const bool FP32, size_t kg,
     const uint8_t *const *rows, const uint8_t *pa, size_t lda, const int32_t *off, const void *pb,
     uint8_t *c, size_t ldc, size_t m, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV;
    const int32_t *hdr = pb;
    const uint8_t *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        ar[r] = rows ? rows[(size_t)r < m ? (size_t)r : m - 1]
                     : pa + ((size_t)r < m ? (size_t)r : m - 1) * lda;
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
            const __m512i av = bcast(XOR, ar[r] + o);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
        }
    }
    if (ep->rs_in_lane) { /* row terms from their column: add them to the whole row */
        const int lv = ep->rs_lane / 16;
        const __m512i idx = _mm512_set1_epi32(ep->rs_lane % 16);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            __m512i t = _mm512_setzero_si512();
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                if (v == lv) t = _mm512_permutexvar_epi32(idx, acc[r][v]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_add_epi32(acc[r][v], t);
        }
    }
    int32_t rsl[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        rsl[r] = rs && (size_t)r < m ? rs[r] : 0;
    if (FP32 && (MR * NV) % 4 == 0 && ep->fast && m == (size_t)MR && (n == (size_t)NR || NV == 1)) {
        fast_store(MR, NV, ep->out_u8, acc, rsl, hdr, c, ldc, n, ep);
        return;
    }
    const oc_rqk512 k = oc_rqk512_init(ep);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(16 * v)) break;
        const size_t left = n - (size_t)(16 * v);
        const oc_rq512 q = oc_rq512_load(FP32, hdr, (size_t)NR, (size_t)(16 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            if ((size_t)r >= m) break;
            __m512i x = _mm512_add_epi32(acc[r][v], _mm512_set1_epi32(rsl[r]));
            oc_rq512_store(c + (size_t)r * ldc + 16 * v, oc_rq512_apply(FP32, x, &q, &k), left);
        }
    }
}

static inline __attribute__((always_inline)) void
row(const int NV, const bool XOR, const bool FP32, size_t kg, const uint8_t *a, const int32_t *off,
    const void *pb, uint8_t *c, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)
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
            const __m512i av = bcast(XOR, a + off[g + (size_t)u]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] =
                    _mm512_dpbusd_epi32(acc[u][v], av, _mm512_load_si512(b + 64 * (u * NV + v)));
        }
    }
    for (; g < kg; g++, b += 64 * NV) {
        const __m512i av = bcast(XOR, a + off[g]);
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = _mm512_dpbusd_epi32(acc[0][v], av, _mm512_load_si512(b + 64 * v));
    }
    const oc_rqk512 k = oc_rqk512_init(ep);
    __m512i x[MAXV], rsv = _mm512_set1_epi32(rs ? rs[0] : 0);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        x[v] = _mm512_add_epi32(_mm512_add_epi32(acc[0][v], acc[1][v]),
                                _mm512_add_epi32(acc[2][v], acc[3][v]));
        x[v] = _mm512_add_epi32(x[v], _mm512_loadu_si512(hdr + OC_QH_COL * NR + 16 * v));
    }
    if (ep->rs_in_lane) {
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            if (v == ep->rs_lane / 16)
                rsv = _mm512_permutexvar_epi32(_mm512_set1_epi32(ep->rs_lane % 16), x[v]);
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(16 * v)) break;
        const oc_rq512 q = oc_rq512_load(FP32, hdr, (size_t)NR, (size_t)(16 * v));
        oc_rq512_store(c + 16 * v, oc_rq512_apply(FP32, _mm512_add_epi32(x[v], rsv), &q, &k),
                       n - (size_t)(16 * v));
    }
}

#define DEFINE(MR, NV)                                                                             \
    static void gemm_##MR##x##NV(size_t kg, const uint8_t *const *rows, const uint8_t *pa,         \
                                 size_t lda, const int32_t *off, const void *pb, uint8_t *c,       \
                                 size_t ldc, size_t m, size_t n, const int32_t *rs,                \
                                 const oc_qgemm_ep *ep)                                            \
    {                                                                                              \
        DISPATCH(TILE_##MR##_##NV, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);              \
    }                                                                                              \
    static void gemv_##NV##_##MR(size_t kg, const uint8_t *const *rows, const uint8_t *pa,         \
                                 size_t lda, const int32_t *off, const void *pb, uint8_t *c,       \
                                 size_t ldc, size_t m, size_t n, const int32_t *rs,                \
                                 const oc_qgemm_ep *ep)                                            \
    {                                                                                              \
        (void)ldc;                                                                                 \
        (void)m;                                                                                   \
        (void)lda;                                                                                 \
        DISPATCH(ROW_##NV, kg, rows ? rows[0] : pa, off, pb, c, n, rs, ep);                        \
    }
#define TILE_16_1(X, F, ...) tile(16, 1, X, F, __VA_ARGS__)
#define TILE_12_2(X, F, ...) tile(12, 2, X, F, __VA_ARGS__)
#define TILE_6_4(X, F, ...) tile(6, 4, X, F, __VA_ARGS__)
#define ROW_1(X, F, ...) row(1, X, F, __VA_ARGS__)
#define ROW_2(X, F, ...) row(2, X, F, __VA_ARGS__)
#define ROW_4(X, F, ...) row(4, X, F, __VA_ARGS__)
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
