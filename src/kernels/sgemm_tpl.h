/* SGEMM micro-kernel bodies shared by the vector ISA files. The includer defines the
 * vocabulary:
 *   V (float vector), VL (lanes), MAXR / MAXV (largest tile: rows, vectors),
 *   v_load(p) (aligned), v_bcast(p) (the float at p in every lane), v_zero(), v_set1(x),
 *   v_fma(a, b, acc), v_add(a, b), v_min(a, b), v_max(a, b),
 *   v_store_n(dst, x, left)  the first min(left, VL) lanes (none when left == 0)
 * and gets tile() (MR x NV vectors of accumulators, A broadcast from MR row pointers, B loaded
 * from the packed panel, bias preloaded, clamp in the epilogue) and row() (M = 1: four
 * accumulator sets over consecutive depths instead of rows), plus the DEFINE / DEFINE_ROW
 * wrappers with the oc_sgemm_kernel signatures. */

static inline __attribute__((always_inline)) void tile(const int MR, const int NV, const bool IND,
                                                       size_t k, const float *a, size_t lda,
                                                       const float *const *rows, const int32_t *off,
                                                       const float *pb, float *c, size_t ldc,
                                                       size_t m, size_t n, float lo, float hi)
{
    const int NR = VL * NV;
    const float *ar[MAXR];
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        size_t rr = (size_t)r < m ? (size_t)r : m - 1;
        ar[r] = IND ? rows[rr] : a + rr * lda;
    }
    V acc[MAXR][MAXV];
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        V bias = v_load(pb + VL * v);
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++)
            acc[r][v] = bias;
    }
    const float *b = pb + NR;
    for (size_t p = 0; p < k; p++) {
        V bv[MAXV];
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            bv[v] = v_load(b + VL * v);
        b += NR;
        const ptrdiff_t q = IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p;
#pragma GCC unroll 64
        for (int r = 0; r < MR; r++) {
            V av = v_bcast(ar[r] + q);
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[r][v] = v_fma(av, bv[v], acc[r][v]);
        }
    }
    const V vlo = v_set1(lo), vhi = v_set1(hi);
#pragma GCC unroll 64
    for (int r = 0; r < MR; r++) {
        if ((size_t)r >= m) break;
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++) {
            /* max(lo, x) then min(hi, .): the second operand is returned on NaN, so NaN
             * propagates like TFLite's std::min(std::max(x, lo), hi). */
            V x = v_min(vhi, v_max(vlo, acc[r][v]));
            size_t left = n > (size_t)(VL * v) ? n - (size_t)(VL * v) : 0;
            v_store_n(c + (size_t)r * ldc + VL * v, x, left);
        }
    }
}

static inline __attribute__((always_inline)) void row(const int NV, const bool IND, size_t k,
                                                      const float *a, const int32_t *off,
                                                      const float *pb, float *c, size_t n, float lo,
                                                      float hi)
{
    const int NR = VL * NV;
    V acc[4][MAXV];
#pragma GCC unroll 64
    for (int u = 0; u < 4; u++)
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[u][v] = v_zero();
    const float *b = pb + NR;
    size_t p = 0;
    for (; p + 4 <= k; p += 4, b += 4 * NR) {
#pragma GCC unroll 64
        for (int u = 0; u < 4; u++) {
            V av = v_bcast(a + (IND ? (ptrdiff_t)off[p + u] : (ptrdiff_t)(p + u)));
#pragma GCC unroll 64
            for (int v = 0; v < NV; v++)
                acc[u][v] = v_fma(av, v_load(b + u * NR + VL * v), acc[u][v]);
        }
    }
    for (; p < k; p++, b += NR) {
        V av = v_bcast(a + (IND ? (ptrdiff_t)off[p] : (ptrdiff_t)p));
#pragma GCC unroll 64
        for (int v = 0; v < NV; v++)
            acc[0][v] = v_fma(av, v_load(b + VL * v), acc[0][v]);
    }
    const V vlo = v_set1(lo), vhi = v_set1(hi);
#pragma GCC unroll 64
    for (int v = 0; v < NV; v++) {
        V s = v_add(v_add(acc[0][v], acc[1][v]), v_add(acc[2][v], acc[3][v]));
        s = v_add(s, v_load(pb + VL * v));
        s = v_min(vhi, v_max(vlo, s));
        size_t left = n > (size_t)(VL * v) ? n - (size_t)(VL * v) : 0;
        v_store_n(c + VL * v, s, left);
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
