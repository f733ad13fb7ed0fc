/* 8-lane (ymm) vpdpbusd micro-kernels, shared by the AVX-VNNI file (VEX encoding) and the
 * AVX-512 VNNI file (EVEX encoding, for narrow outputs): the includer defines
 * QG_DPBUSD(acc, a_u8, b_s8) and QG_FN(name) (a name suffix). At most 16 vector registers are
 * live (VEX has no more): MR x NV accumulators + NV weight vectors + the broadcast A. */

#define QG_MAXR 12
#define QG_MAXV 2

static inline __attribute__((always_inline)) __m256i QG_FN(bcast)(const bool XOR, const uint8_t *p)
{
    if (!XOR) return _mm256_broadcastd_epi32(_mm_loadu_si32(p));
    int32_t a32;
    memcpy(&a32, p, 4);
    return _mm256_set1_epi32(a32 ^ (int32_t)0x80808080u);
}

#define QG_DISPATCH(fn, ...)                                                                       \
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

/* Full tile, fast fp32 epilogue (see qgemm_avx512vnni.c): 4 vectors per 32-byte pack. */
static inline __attribute__((always_inline)) void
QG_FN(fast_store_t)(const int MR, const int NV, const bool U8, __m256i acc[QG_MAXR][QG_MAXV],
                    const int32_t *rsl, const int32_t *hdr, uint8_t *c, size_t ldc,
                    const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const oc_rqp256 k = oc_rqp256_init(ep);
    __m256 sc[QG_MAXV];
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
QG_FN(fast_store)(const int MR, const int NV, bool u8, __m256i acc[QG_MAXR][QG_MAXV],
                  const int32_t *rsl, const int32_t *hdr, uint8_t *c, size_t ldc,
                  const oc_qgemm_ep *ep)
{
    if (u8)
        QG_FN(fast_store_t)(MR, NV, true, acc, rsl, hdr, c, ldc, ep);
    else
        QG_FN(fast_store_t)(MR, NV, false, acc, rsl, hdr, c, ldc, ep);
}

static inline __attribute__((always_inline)) void
QG_FN(tile)(const int MR, const int NV, const bool XOR, const bool FP32, size_t kg,
            const uint8_t *const *rows, const uint8_t *pa, size_t lda, const int32_t *off,
            const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n, const int32_t *rs,
            const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const int32_t *hdr = pb;
    const uint8_t *ar[QG_MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        ar[r] = rows ? rows[(size_t)r < m ? (size_t)r : m - 1]
                     : pa + ((size_t)r < m ? (size_t)r : m - 1) * lda;
    __m256i acc[QG_MAXR][QG_MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        __m256i col = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_COL * NR + 8 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = col;
    }
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    for (size_t g = 0; g < kg; g++, b += 32 * NV) {
        const ptrdiff_t o = off[g];
        __m256i bv[QG_MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            bv[v] = _mm256_load_si256((const __m256i *)(b + 32 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            const __m256i av = QG_FN(bcast)(XOR, ar[r] + o);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = QG_DPBUSD(acc[r][v], av, bv[v]);
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
    int32_t rsl[QG_MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        rsl[r] = rs && (size_t)r < m ? rs[r] : 0;
    if (FP32 && (MR * NV) % 4 == 0 && ep->fast && m == (size_t)MR && n == (size_t)NR) {
        QG_FN(fast_store)(MR, NV, ep->out_u8, acc, rsl, hdr, c, ldc, ep);
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
            __m256i x = _mm256_add_epi32(acc[r][v], _mm256_set1_epi32(rsl[r]));
            x = oc_rq256_apply(FP32, x, &q, &k);
            oc_rq_store8(c + (size_t)r * ldc + 8 * v, oc_rq256_bytes(x), left);
        }
    }
}

/* One row: 4 independent accumulators per vector (over consecutive depth groups). */
static inline __attribute__((always_inline)) void
QG_FN(row)(const int NV, const bool XOR, const bool FP32, size_t kg, const uint8_t *a,
           const int32_t *off, const void *pb, uint8_t *c, size_t n, const int32_t *rs,
           const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const int32_t *hdr = pb;
    __m256i acc[4][QG_MAXV];
#pragma GCC unroll 64
    for (int u = 0; u < 4; u++)
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[u][v] = _mm256_setzero_si256();
    const uint8_t *b = (const uint8_t *)pb + OC_QGEMM_HDR * NR * 4;
    size_t g = 0;
    for (; g + 4 <= kg; g += 4, b += 4 * 32 * NV) {
#pragma GCC unroll 64
        for (int u = 0; u < 4; u++) {
            const __m256i av = QG_FN(bcast)(XOR, a + off[g + (size_t)u]);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] = QG_DPBUSD(acc[u][v], av,
                                      _mm256_load_si256((const __m256i *)(b + 32 * (u * NV + v))));
        }
    }
    for (; g < kg; g++, b += 32 * NV) {
        const __m256i av = QG_FN(bcast)(XOR, a + off[g]);
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = QG_DPBUSD(acc[0][v], av, _mm256_load_si256((const __m256i *)(b + 32 * v)));
    }
    const oc_rqk256 k = oc_rqk256_init(ep);
    __m256i x[QG_MAXV], rsv = _mm256_set1_epi32(rs ? rs[0] : 0);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        x[v] = _mm256_add_epi32(_mm256_add_epi32(acc[0][v], acc[1][v]),
                                _mm256_add_epi32(acc[2][v], acc[3][v]));
        x[v] = _mm256_add_epi32(
            x[v], _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_COL * NR + 8 * v)));
    }
    if (ep->rs_in_lane) {
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            if (v == ep->rs_lane / 8)
                rsv = _mm256_permutevar8x32_epi32(x[v], _mm256_set1_epi32(ep->rs_lane % 8));
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(8 * v)) break;
        const oc_rq256 q = oc_rq256_load(FP32, hdr, (size_t)NR, (size_t)(8 * v));
        const __m256i y = oc_rq256_apply(FP32, _mm256_add_epi32(x[v], rsv), &q, &k);
        oc_rq_store8(c + 8 * v, oc_rq256_bytes(y), n - (size_t)(8 * v));
    }
}

#define QG_DEFINE(MR, NV)                                                                          \
    static void QG_FN(gemm_##MR##x##NV)(size_t kg, const uint8_t *const *rows, const uint8_t *pa,  \
                                        size_t lda, const int32_t *off, const void *pb,            \
                                        uint8_t *c, size_t ldc, size_t m, size_t n,                \
                                        const int32_t *rs, const oc_qgemm_ep *ep)                  \
    {                                                                                              \
        QG_DISPATCH(QG_TILE_##MR##_##NV, kg, rows, pa, lda, off, pb, c, ldc, m, n, rs, ep);        \
    }                                                                                              \
    static void QG_FN(gemv_##NV##_##MR)(size_t kg, const uint8_t *const *rows, const uint8_t *pa,  \
                                        size_t lda, const int32_t *off, const void *pb,            \
                                        uint8_t *c, size_t ldc, size_t m, size_t n,                \
                                        const int32_t *rs, const oc_qgemm_ep *ep)                  \
    {                                                                                              \
        (void)ldc;                                                                                 \
        (void)m;                                                                                   \
        (void)lda;                                                                                 \
        QG_DISPATCH(QG_ROW_##NV, kg, rows ? rows[0] : pa, off, pb, c, n, rs, ep);                  \
    }

#define QG_TILE_12_1(X, F, ...) QG_FN(tile)(12, 1, X, F, __VA_ARGS__)
#define QG_TILE_6_2(X, F, ...) QG_FN(tile)(6, 2, X, F, __VA_ARGS__)
#define QG_ROW_1(X, F, ...) QG_FN(row)(1, X, F, __VA_ARGS__)
#define QG_ROW_2(X, F, ...) QG_FN(row)(2, X, F, __VA_ARGS__)
QG_DEFINE(12, 1)
QG_DEFINE(6, 2)

#undef QG_DEFINE
#undef QG_DISPATCH
#undef QG_TILE_12_1
#undef QG_TILE_6_2
#undef QG_ROW_1
#undef QG_ROW_2
#undef QG_MAXR
#undef QG_MAXV
