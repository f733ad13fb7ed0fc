/* 8-lane (ymm) vpdpbusd micro-kernels, shared by the AVX-VNNI file (VEX encoding) and the
 * AVX-512 VNNI file (EVEX encoding, for narrow outputs): the includer defines
 * QG_DPBUSD(acc, a_u8, b_s8) and QG_FN(name) (a name suffix). At most 16 vector registers are
 * live (VEX has no more): MR x NV accumulators + NV weight vectors + the broadcast A. */

#define QG_MAXR 12
#define QG_MAXV 2

static inline __attribute__((always_inline)) void
QG_FN(tile)(const int MR, const int NV, const bool XOR, size_t kg, const uint8_t *const *rows,
            const int32_t *off, const void *pb, uint8_t *c, size_t ldc, size_t m, size_t n,
            const int32_t *rs, const oc_qgemm_ep *ep)
{
    const int NR = 8 * NV;
    const int32_t *hdr = pb;
    const uint8_t *ar[QG_MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++)
        ar[r] = rows[(size_t)r < m ? (size_t)r : m - 1];
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
            int32_t a32;
            memcpy(&a32, ar[r] + o, 4);
            if (XOR) a32 ^= (int32_t)0x80808080u;
            const __m256i av = _mm256_set1_epi32(a32);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = QG_DPBUSD(acc[r][v], av, bv[v]);
        }
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(8 * v)) break;
        const size_t left = n - (size_t)(8 * v);
        const oc_rq256 q = oc_rq256_load(hdr, (size_t)NR, (size_t)(8 * v));
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            if ((size_t)r >= m) break;
            __m256i x = acc[r][v];
            if (rs) x = _mm256_add_epi32(x, _mm256_set1_epi32(rs[r]));
            x = oc_rq256_apply(x, &q, ep);
            oc_rq_store8(c + (size_t)r * ldc + 8 * v, oc_rq256_bytes(x), left);
        }
    }
}

/* One row: 4 independent accumulators per vector (over consecutive depth groups). */
static inline __attribute__((always_inline)) void
QG_FN(row)(const int NV, const bool XOR, size_t kg, const uint8_t *a, const int32_t *off,
           const void *pb, uint8_t *c, size_t n, const int32_t *rs, const oc_qgemm_ep *ep)
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
            int32_t a32;
            memcpy(&a32, a + off[g + (size_t)u], 4);
            if (XOR) a32 ^= (int32_t)0x80808080u;
            const __m256i av = _mm256_set1_epi32(a32);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] = QG_DPBUSD(
                    acc[u][v], av, _mm256_load_si256((const __m256i *)(b + 32 * (u * NV + v))));
        }
    }
    for (; g < kg; g++, b += 32 * NV) {
        int32_t a32;
        memcpy(&a32, a + off[g], 4);
        if (XOR) a32 ^= (int32_t)0x80808080u;
        const __m256i av = _mm256_set1_epi32(a32);
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] =
                QG_DPBUSD(acc[0][v], av, _mm256_load_si256((const __m256i *)(b + 32 * v)));
    }
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        if (n <= (size_t)(8 * v)) break;
        __m256i x = _mm256_add_epi32(_mm256_add_epi32(acc[0][v], acc[1][v]),
                                     _mm256_add_epi32(acc[2][v], acc[3][v]));
        x = _mm256_add_epi32(x,
                             _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_COL * NR + 8 * v)));
        if (rs) x = _mm256_add_epi32(x, _mm256_set1_epi32(rs[0]));
        const oc_rq256 q = oc_rq256_load(hdr, (size_t)NR, (size_t)(8 * v));
        x = oc_rq256_apply(x, &q, ep);
        oc_rq_store8(c + 8 * v, oc_rq256_bytes(x), n - (size_t)(8 * v));
    }
}

#define QG_DEFINE(MR, NV)                                                                          \
    static void QG_FN(gemm_##MR##x##NV)(size_t kg, const uint8_t *const *rows,                     \
                                        const int32_t *off, const void *pb, uint8_t *c,            \
                                        size_t ldc, size_t m, size_t n, const int32_t *rs,         \
                                        const oc_qgemm_ep *ep)                                     \
    {                                                                                              \
        if (ep->a_xor)                                                                             \
            QG_FN(tile)(MR, NV, true, kg, rows, off, pb, c, ldc, m, n, rs, ep);                    \
        else                                                                                       \
            QG_FN(tile)(MR, NV, false, kg, rows, off, pb, c, ldc, m, n, rs, ep);                   \
    }                                                                                              \
    static void QG_FN(gemv_##NV##_##MR)(size_t kg, const uint8_t *const *rows,                     \
                                        const int32_t *off, const void *pb, uint8_t *c,            \
                                        size_t ldc, size_t m, size_t n, const int32_t *rs,         \
                                        const oc_qgemm_ep *ep)                                     \
    {                                                                                              \
        (void)ldc;                                                                                 \
        (void)m;                                                                                   \
        if (ep->a_xor)                                                                             \
            QG_FN(row)(NV, true, kg, rows[0], off, pb, c, n, rs, ep);                              \
        else                                                                                       \
            QG_FN(row)(NV, false, kg, rows[0], off, pb, c, n, rs, ep);                             \
    }

QG_DEFINE(12, 1)
QG_DEFINE(6, 2)

#undef QG_DEFINE
#undef QG_MAXR
#undef QG_MAXV
