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

#include "kernels/qconv.h"
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
 * i.e. one row of 64, two rows of 32 or four rows of 16 outputs per 64-byte pack (one store
 * when those rows are contiguous in C). */
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
        if (NV == 4 || (ldc == (size_t)NR && n == (size_t)NR)) {
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

/* ---- plain A, whole row blocks (oc_qgemm_kernel.rows) -------------------------------------- */

/* Row terms eb * sum A' of rows [0, m) of a plain A (k bytes each, lda apart) into rt[0..m),
 * any k: the AVX2 row-sum pass of qconv (sum of raw bytes + k * 128 for int8 = sum A'). */
static void row_terms_any(bool i8, const uint8_t *a, size_t lda, size_t k, size_t m, int32_t eb,
                          int32_t *rt)
{
    oc_qrow_sums_avx2()(a, m, k, lda, i8, (int32_t)(uint32_t)(k * (i8 ? 128u : 0u)), eb, rt);
}

/* The same for MR full rows of K bytes (8, 16, 32 or a multiple of 64) with lda == K: the rows
 * are one contiguous block. K <= 64: a 64-byte chunk holds 64/K rows, whose K/8 vpsadbw sums
 * are added into the row's first (a masked last chunk's zero bytes, xor'ed or not, only reach
 * sums past the last row); row r's term lands at rt[r*K/4]. K > 64: a row's chunks are added,
 * then its 8 sums; at rt[16 r]. vpmuldq by eb keeps the wrapped int32 product low. */
static inline __attribute__((always_inline)) void
row_terms_k(const int MR, const int K, const bool XOR, const uint8_t *a, __m512i ebv, int32_t *rt)
{
    const __m512i x = _mm512_set1_epi8((char)0x80), z = _mm512_setzero_si512();
    if (K > 64) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; r++) {
            __m512i s = z;
#pragma GCC unroll 8
            for (int i = 0; i < K; i += 64) {
                const __m512i v = _mm512_loadu_si512(a + r * K + i);
                s = _mm512_add_epi64(s, _mm512_sad_epu8(XOR ? _mm512_xor_si512(v, x) : v, z));
            }
            s = _mm512_add_epi64(s, _mm512_bsrli_epi128(s, 8));
            s = _mm512_add_epi64(s, _mm512_shuffle_i64x2(s, s, _MM_SHUFFLE(2, 3, 0, 1)));
            s = _mm512_add_epi64(s, _mm512_shuffle_i64x2(s, s, _MM_SHUFFLE(1, 0, 3, 2)));
            _mm512_store_si512(rt + 16 * r, _mm512_mul_epi32(s, ebv));
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR * K; i += 64) {
        const int left = MR * K - i;
        __m512i v = left >= 64 ? _mm512_loadu_si512(a + i)
                               : _mm512_maskz_loadu_epi8(((__mmask64)1 << left) - 1, a + i);
        __m512i s = _mm512_sad_epu8(XOR ? _mm512_xor_si512(v, x) : v, z);
        if (K >= 16) s = _mm512_add_epi64(s, _mm512_bsrli_epi128(s, 8));
        if (K >= 32) s = _mm512_add_epi64(s, _mm512_shuffle_i64x2(s, s, _MM_SHUFFLE(2, 3, 0, 1)));
        if (K >= 64) s = _mm512_add_epi64(s, _mm512_shuffle_i64x2(s, s, _MM_SHUFFLE(1, 0, 3, 2)));
        _mm512_store_si512(rt + i / 4, _mm512_mul_epi32(s, ebv));
    }
}

/* A full MR x NR tile of a contiguous plain A with K compile-time (as row_terms_k): every
 * activation at a fixed displacement from a, the depth loop unrolled (blocks of 64 beyond),
 * the row terms rt[r * RS] folded into the accumulators' start, the fast fp32 epilogue (rows
 * of C stored with one move when contiguous). */
static inline __attribute__((always_inline)) void
tile_k(const int MR, const int NV, const int K, const bool XOR, const uint8_t *a, const int32_t *rt,
       const void *pb, uint8_t *c, size_t ldc, size_t n, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV, RS = (K < 64 ? K : 64) / 4;
    const int32_t *hdr = pb;
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    __m512i acc[MAXR * MAXV];
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; i++)
        acc[i] = _mm512_add_epi32(_mm512_loadu_si512(hdr + OC_QH_COL * NR + 16 * (i % NV)),
                                  _mm512_set1_epi32(rt[i / NV * RS]));
    const int KB = K < 64 ? K : 64;
#pragma GCC unroll 1
    for (int h = 0; h < K; h += KB, a += KB, b += 64 * NV * KB / 4) {
#pragma GCC unroll 16
        for (int g = 0; g < KB / 4; g++) {
            __m512i bv[MAXV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                bv[v] = _mm512_load_si512(b + 64 * (g * NV + v));
#pragma GCC unroll 64
            for (int r = 0; r < MR; r++) {
                const __m512i av = bcast(XOR, a + r * K + 4 * g);
#pragma GCC unroll 4
                for (int v = 0; v < NV; v++)
                    acc[r * NV + v] = _mm512_dpbusd_epi32(acc[r * NV + v], av, bv[v]);
            }
        }
    }
    const oc_rqp512 k = oc_rqp512_init(ep);
    const bool u8 = ep->out_u8;
#pragma GCC unroll 64
    for (int i = 0; i < MR * NV; i += 4) {
        __m512i y[4];
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)
            y[j] = oc_rq512_round(acc[i + j],
                                  _mm512_loadu_ps(hdr + OC_QH_SCALE * NR + 16 * ((i + j) % NV)));
        const __m512i p = u8 ? oc_rq512_pack4(true, y[0], y[1], y[2], y[3], &k)
                             : oc_rq512_pack4(false, y[0], y[1], y[2], y[3], &k);
        uint8_t *cr = c + (size_t)(i / NV) * ldc;
        if (NV == 4 || (ldc == (size_t)NR && n == (size_t)NR)) {
            _mm512_storeu_si512(cr, p);
        } else if (NV == 2) {
            _mm256_storeu_si256((__m256i *)cr, _mm512_castsi512_si256(p));
            _mm256_storeu_si256((__m256i *)(cr + ldc), _mm512_extracti64x4_epi64(p, 1));
        } else {
            const __mmask16 mk = (__mmask16)((1u << (n < 16 ? n : 16)) - 1);
            _mm_mask_storeu_epi8(cr, mk, _mm512_castsi512_si128(p));
            _mm_mask_storeu_epi8(cr + ldc, mk, _mm512_extracti32x4_epi32(p, 1));
            _mm_mask_storeu_epi8(cr + 2 * ldc, mk, _mm512_extracti32x4_epi32(p, 2));
            _mm_mask_storeu_epi8(cr + 3 * ldc, mk, _mm512_extracti32x4_epi32(p, 3));
        }
    }
}

/* Rows of a contiguous plain A with K compile-time, fast fp32 epilogue: full MR-row tiles
 * here, the last partial one (and partial column panels) through the tile kernel. */
static inline __attribute__((always_inline)) void
rows_k(const int MR, const int NV, const int K, const bool XOR, oc_qgemm_ukernel_fn gemm,
       const uint8_t *a, const int32_t *off, const void *pb, size_t pstride, size_t np, uint8_t *c,
       size_t ldc, size_t m, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 16 * NV, RS = (K < 64 ? K : 64) / 4;
    int32_t rt[MAXR * 16] __attribute__((aligned(64)));
    const __m512i ebv = _mm512_set1_epi32(ep->rs_eb);
    size_t i = 0;
    for (; i + MR <= m; i += MR, a += MR * K, c += MR * ldc) {
        if (ep->rs_eb) {
            row_terms_k(MR, K, XOR, a, ebv, rt);
        } else {
#pragma GCC unroll 64
            for (int r = 0; r < MR; r++)
                rt[r * RS] = rs ? rs[i + (size_t)r] : 0;
        }
        for (size_t j = 0; j < np; j++) {
            const size_t n0 = j * NR, nn = n - n0 < (size_t)NR ? n - n0 : (size_t)NR;
            const uint8_t *pj = (const uint8_t *)pb + j * pstride;
            if (nn == (size_t)NR || NV == 1) {
                tile_k(MR, NV, K, XOR, a, rt, pj, c + n0, ldc, nn, ep);
            } else {
                int32_t rsl[MAXR];
                for (int r = 0; r < MR; r++)
                    rsl[r] = rt[r * RS];
                gemm(K / 4, NULL, a, K, off, pj, c + n0, ldc, MR, nn, rsl, ep);
            }
        }
    }
    if (i == m) return;
    const size_t mm = m - i;
    int32_t rsl[MAXR];
    const int32_t *rl = rs ? rs + i : NULL;
    if (ep->rs_eb) {
        row_terms_any(XOR, a, K, K, mm, ep->rs_eb, rsl);
        rl = rsl;
    }
    for (size_t j = 0; j < np; j++) {
        const size_t n0 = j * NR, nn = n - n0 < (size_t)NR ? n - n0 : (size_t)NR;
        gemm(K / 4, NULL, a, K, off, (const uint8_t *)pb + j * pstride, c + n0, ldc, mm, nn, rl,
             ep);
    }
}

/* Any plain A: tile by tile through the tile kernel, row terms computed per tile if asked. */
static void rows_any(size_t mr, size_t nr, oc_qgemm_ukernel_fn gemm, size_t kg, const uint8_t *a,
                     size_t lda, const int32_t *off, const void *pb, size_t pstride, size_t np,
                     uint8_t *c, size_t ldc, size_t m, size_t n, const int32_t *rs,
                     const oc_qgemm_ep *ep)
{
    int32_t rsl[MAXR];
    for (size_t i = 0; i < m; i += mr) {
        const size_t mm = m - i < mr ? m - i : mr;
        const int32_t *r = rs ? rs + i : NULL;
        if (ep->rs_eb) {
            row_terms_any(ep->a_xor != 0, a + i * lda, lda, 4 * kg, mm, ep->rs_eb, rsl);
            r = rsl;
        }
        for (size_t j = 0; j < np; j++) {
            const size_t n0 = j * nr, nn = n - n0 < nr ? n - n0 : nr;
            gemm(kg, NULL, a + i * lda, lda, off, (const uint8_t *)pb + j * pstride,
                 c + i * ldc + n0, ldc, mm, nn, r, ep);
        }
    }
}

/* One function per (tile, K, int8 activations): inlined together, gcc stops keeping the
 * accumulators in registers. */
#define DEFINE_ROWS_K(MR, NV, K)                                                                   \
    static void rows_##MR##x##NV##_##K(                                                            \
        bool i8, const uint8_t *a, const int32_t *off, const void *pb, size_t pstride, size_t np,  \
        uint8_t *c, size_t ldc, size_t m, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)      \
    {                                                                                              \
        if (i8)                                                                                    \
            rows_k(MR, NV, K, true, gemm_##MR##x##NV, a, off, pb, pstride, np, c, ldc, m, n, rs,   \
                   ep);                                                                            \
        else                                                                                       \
            rows_k(MR, NV, K, false, gemm_##MR##x##NV, a, off, pb, pstride, np, c, ldc, m, n, rs,  \
                   ep);                                                                            \
    }
#define ROWS_CASE(MR, NV, K)                                                                       \
    case K:                                                                                        \
        rows_##MR##x##NV##_##K(ep->a_xor != 0, a, off, pb, pstride, np, c, ldc, m, n, rs, ep);     \
        return;

/* The usual depths of pointwise convolutions get their own code. */
#define DEFINE_ROWS(MR, NV)                                                                        \
    DEFINE_ROWS_K(MR, NV, 8)                                                                       \
    DEFINE_ROWS_K(MR, NV, 16)                                                                      \
    DEFINE_ROWS_K(MR, NV, 32)                                                                      \
    DEFINE_ROWS_K(MR, NV, 64)                                                                      \
    DEFINE_ROWS_K(MR, NV, 128)                                                                     \
    DEFINE_ROWS_K(MR, NV, 256)                                                                     \
    static void rows_##MR##x##NV(size_t kg, const uint8_t *a, size_t lda, const int32_t *off,      \
                                 const void *pb, size_t pstride, size_t np, uint8_t *c,            \
                                 size_t ldc, size_t m, size_t n, const int32_t *rs,                \
                                 const oc_qgemm_ep *ep)                                            \
    {                                                                                              \
        if (ep->mode == OC_QREQ_FP32 && ep->fast && lda == 4 * kg) {                               \
            switch (lda) {                                                                         \
                ROWS_CASE(MR, NV, 8)                                                               \
                ROWS_CASE(MR, NV, 16)                                                              \
                ROWS_CASE(MR, NV, 32)                                                              \
                ROWS_CASE(MR, NV, 64)                                                              \
                ROWS_CASE(MR, NV, 128)                                                             \
                ROWS_CASE(MR, NV, 256)                                                             \
            default: break;                                                                        \
            }                                                                                      \
        }                                                                                          \
        rows_any(MR, 16 * NV, gemm_##MR##x##NV, kg, a, lda, off, pb, pstride, np, c, ldc, m, n,    \
                 rs, ep);                                                                          \
    }
DEFINE_ROWS(16, 1)
DEFINE_ROWS(12, 2)
DEFINE_ROWS(6, 4)

/* The 8-lane kernels with the EVEX vpdpbusd. */
#define QG_DPBUSD(acc, a, b) _mm256_dpbusd_epi32((acc), (a), (b))
#define QG_FN(name) name##_y
#include "kernels/qgemm_vnni256_tpl.h"

/* First wins a tie: 6x64 needs 6 broadcasts per 24 vpdpbusd, 12x32 12 (measured faster from
 * 64 columns on, 1x1 and 3x3). */
static const oc_qgemm_kernel kernels[] = {
    {"avx512vnni_6x64", OC_QISA_AVX512VNNI, 6, 64, 100, OC_QGEMM_U8X4, gemm_6x4, gemv_4_6,
     rows_6x4},
    {"avx512vnni_12x32", OC_QISA_AVX512VNNI, 12, 32, 100, OC_QGEMM_U8X4, gemm_12x2, gemv_2_12,
     rows_12x2},
    {"avx512vnni_16x16", OC_QISA_AVX512VNNI, 16, 16, 90, OC_QGEMM_U8X4, gemm_16x1, gemv_1_16,
     rows_16x1},
    {"avx512vnni_y12x8", OC_QISA_AVX512VNNI, 12, 8, 60, OC_QGEMM_U8X4, gemm_12x1_y, gemv_1_12_y,
     NULL},
    {"avx512vnni_y6x16", OC_QISA_AVX512VNNI, 6, 16, 40, OC_QGEMM_U8X4, gemm_6x2_y, gemv_2_6_y,
     NULL},
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
