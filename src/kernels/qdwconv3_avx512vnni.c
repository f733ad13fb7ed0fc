/* 3x3 quantized depthwise rows on AVX-512 VNNI (dilation 1, depth multiplier 1; stride 1 or
 * 2, channels 8, 16, 32 or from 64; 4 channels at stride 1), for int8-sized weights
 * (qdwconv.h: the 3x3 VNNI block, maybe split over two sets).
 *
 * A filter column's 3 taps of a channel are one dword of weights, so 16 outputs take one
 * vpdpbusd per filter column (two with split weights) against a vector whose dwords hold the
 * 3 activation bytes of that window column (byte 3 meets a zero weight). Such vectors come 4
 * at a time from 64 bytes at the same place of the 3 input rows, interleaved with vpunpck (8
 * shuffles), in vpunpck lane order: the packed weights and constants follow it
 * (OC_QDW3_POS) and the saturating packs of the epilogue undo it, so 64 results are stored in
 * place. Each interleaved column is built once per output row and reused by the outputs
 * whose windows share it:
 * - from 64 channels, per 64-channel chunk of a pixel, sliding along the row (cols_tpl);
 * - below, the 64 bytes are 64 / C pixels and the columns C bytes to the left and right are
 *   dword alignments of neighbouring chunks (stride 1), or even and odd input pixels picked
 *   by 128-bit lane shuffles (stride 2) (small_tpl).
 * Bytes outside the image read as the input zero point (masked loads; rows outside the image
 * read the plan's row of zero points). The accumulator is the same wrapping int32 sum as the
 * other kernels', so the results are identical. */
#include "kernels/qdwconv.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__) &&                    \
    defined(__AVX512VL__)
#include <immintrin.h>

#include "kernels/qreq_x86.h"

#define AI static inline __attribute__((always_inline))

/* 4 vectors of dwords (x0[j], x1[j], x2[j], x2[j]) for the 64 bytes j, in vpunpck order. */
AI void interleave(__m512i x0, __m512i x1, __m512i x2, __m512i v[4])
{
    const __m512i lo = _mm512_unpacklo_epi8(x0, x1), hi = _mm512_unpackhi_epi8(x0, x1);
    const __m512i rlo = _mm512_unpacklo_epi8(x2, x2), rhi = _mm512_unpackhi_epi8(x2, x2);
    v[0] = _mm512_unpacklo_epi16(lo, rlo);
    v[1] = _mm512_unpackhi_epi16(lo, rlo);
    v[2] = _mm512_unpacklo_epi16(hi, rhi);
    v[3] = _mm512_unpackhi_epi16(hi, rhi);
}

/* Requantizes the 4 accumulators of a chunk and stores its first n bytes. PACK: the fast
 * fp32 rule (oc_qgemm_ep.fast: round first, clamp with the saturating packs), as
 * oc_rq512_pack4 without its lane permutation. */
AI void epilogue(const bool FP32, const bool PACK, const __m512i acc[4], const int32_t *d,
                 const oc_rqk512 *k, const oc_rqp512 *kp, bool u8, uint8_t *dst, size_t n)
{
    __m512i y[4], c;
    if (PACK) {
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)
            y[i] = oc_rq512_round(acc[i], _mm512_loadu_ps(d + OC_QDW3_SCALE + i * 16));
        const __m512i a = _mm512_adds_epi16(_mm512_packs_epi32(y[0], y[1]), kp->zp16);
        const __m512i b = _mm512_adds_epi16(_mm512_packs_epi32(y[2], y[3]), kp->zp16);
        c = u8 ? _mm512_min_epu8(_mm512_max_epu8(_mm512_packus_epi16(a, b), kp->lo8), kp->hi8)
               : _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(a, b), kp->lo8), kp->hi8);
    } else {
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) {
            const int32_t *h = d + OC_QDW3_SCALE + i * 16;
            oc_rq512 q = {_mm512_setzero_si512(), _mm512_setzero_si512(),
                          _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_loadu_ps(h)};
            if (!FP32) {
                q.mult = _mm512_loadu_si512(h + 64);
                q.lsh = _mm512_loadu_si512(h + 128);
                q.rsh = _mm512_loadu_si512(h + 192);
                q.rmask = _mm512_loadu_si512(h + 256);
            }
            y[i] = oc_rq512_apply(FP32, acc[i], &q, k); /* in the output type's range */
        }
        const __m512i a = _mm512_packs_epi32(y[0], y[1]), b = _mm512_packs_epi32(y[2], y[3]);
        c = u8 ? _mm512_packus_epi16(a, b) : _mm512_packs_epi16(a, b);
    }
    if (n == 64)
        _mm512_storeu_si512(dst, c);
    else
        _mm512_mask_storeu_epi8(dst, (__mmask64)(~0ull >> (64 - n)), c);
}

/* From 64 channels, per 64-channel chunk: the 3 rows of one window column ix are interleaved
 * (dwords of a filter column) once and slide through the 3 column positions of the next
 * outputs (stride 1: each column is built once; stride 2: twice per output instead of 3). */
AI void column(const bool I8, const uint8_t *const *rows, int32_t ix, int32_t iw, size_t C,
               size_t cb, __mmask64 m, __m512i zv, __m512i v[4])
{
    if (ix < 0 || ix >= iw) {
        v[0] = v[1] = v[2] = v[3] = zv;
        return;
    }
    __m512i x[3];
#pragma GCC unroll 3
    for (int ky = 0; ky < 3; ky++) {
        const uint8_t *s = rows[ky] + (size_t)ix * C + cb;
        x[ky] = m == (__mmask64)~0ull ? _mm512_loadu_si512(s) : _mm512_maskz_loadu_epi8(m, s);
        if (I8) x[ky] = _mm512_xor_si512(x[ky], _mm512_set1_epi8((char)0x80));
    }
    interleave(x[0], x[1], x[2], v);
}

/* acc = term + the window's 3 filter columns v0, v1, v2; the split weights' products in a
 * second chain (a chain of 6 dependent vpdpbusd would bound the latency). */
AI void window(const bool SPLIT, const __m512i *v0, const __m512i *v1, const __m512i *v2,
               const int32_t *d, __m512i acc[4])
{
    const __m512i *v[3] = {v0, v1, v2};
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        __m512i a = _mm512_loadu_si512(d + OC_QDW3_TERM + k * 16), b = _mm512_setzero_si512();
#pragma GCC unroll 3
        for (int kx = 0; kx < 3; kx++) {
            a = _mm512_dpbusd_epi32(a, v[kx][k],
                                    _mm512_loadu_si512(d + OC_QDW3_W + kx * 64 + k * 16));
            if (SPLIT)
                b = _mm512_dpbusd_epi32(b, v[kx][k],
                                        _mm512_loadu_si512(d + OC_QDW3_WB + kx * 64 + k * 16));
        }
        acc[k] = SPLIT ? _mm512_add_epi32(a, b) : a;
    }
}

AI void cols_tpl(const bool S1, const bool SPLIT, const bool I8, const bool FP32, const bool PACK,
                 const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk, uint8_t *out,
                 size_t row0, size_t row1)
{
    const oc_dw_geom *g = &p->g;
    const size_t C = (size_t)g->oc;
    const int32_t iw = g->iw, ow = g->ow, pl = g->pl, S = S1 ? 1 : 2;
    const int32_t *blk = pk + (OC_QDW_W + 9) * p->cpad + OC_QDW3_HDR;
    const oc_rqk512 k = oc_rqk512_init(&p->ep);
    const oc_rqp512 kp = oc_rqp512_init(&p->ep);
    const __m512i zv = _mm512_set1_epi8((char)(p->za ^ (I8 ? 0x80 : 0)));
    for (size_t row = row0; row < row1; row++) {
        const int32_t bi = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        const int32_t iy0 = oy * g->sh - g->pt;
        const uint8_t *img = in + (size_t)bi * g->ih * (size_t)iw * C;
        const uint8_t *rows[3];
        for (int ky = 0; ky < 3; ky++) {
            const int32_t iy = iy0 + ky;
            rows[ky] = iy >= 0 && iy < g->ih ? img + (size_t)iy * iw * C : p->zrow;
        }
        uint8_t *orow = out + row * (size_t)ow * C;
        for (size_t cb = 0; cb < C; cb += 64) {
            const int32_t *d = blk + cb / 64 * OC_QDW3_CHUNK;
            const size_t n = C - cb < 64 ? C - cb : 64;
            const __mmask64 m = (__mmask64)(~0ull >> (64 - n));
            __m512i a[4], b[4], c[4];
            column(I8, rows, -pl, iw, C, cb, m, zv, a);
            if (S1) column(I8, rows, 1 - pl, iw, C, cb, m, zv, b);
            for (int32_t x = 0; x < ow; x++) {
                const int32_t ix0 = x * S - pl;
                if (!S1) column(I8, rows, ix0 + 1, iw, C, cb, m, zv, b);
                column(I8, rows, ix0 + 2, iw, C, cb, m, zv, c);
                __m512i acc[4];
                window(SPLIT, a, b, c, d, acc);
                epilogue(FP32, PACK, acc, d, &k, &kp, p->ep.out_u8, orow + (size_t)x * C + cb, n);
#pragma GCC unroll 4
                for (int i = 0; i < 4; i++) {
                    a[i] = S1 ? b[i] : c[i];
                    if (S1) b[i] = c[i];
                }
            }
        }
    }
}

/* Below 64 channels (C = 4T, T = 1, 2, 4 or 8; stride 1), chunks are 64 bytes of an output
 * row, 64 / C pixels: the interleaved rows of the input bytes under each chunk's middle
 * filter column are built once, and the other two columns (C bytes before and after) are
 * taken from them and the neighbouring chunks' by dword alignment: byte j - C of vector k
 * lies in vector (k - T) mod 4, floor((k - T) / 4) 128-bit lanes back (vpunpck order). */
AI __m512i lanes_back(int ls, __m512i cur, __m512i prev)
{
    return ls == 0 ? cur : ls == 1 ? _mm512_alignr_epi32(cur, prev, 12)
                                   : _mm512_alignr_epi32(cur, prev, 8);
}

AI __m512i lanes_fwd(int ls, __m512i cur, __m512i next)
{
    return ls == 0 ? cur : ls == 1 ? _mm512_alignr_epi32(next, cur, 4)
                                   : _mm512_alignr_epi32(next, cur, 8);
}

/* Interleaved rows of the bytes [o, o + 64) of the 3 rows; the zero point outside [0, len). */
AI void span(const bool I8, const uint8_t *const *rows, ptrdiff_t o, ptrdiff_t len, __m512i za,
             __m512i v[4])
{
    __m512i x[3];
    if (o >= 0 && o + 64 <= len) {
#pragma GCC unroll 3
        for (int ky = 0; ky < 3; ky++)
            x[ky] = _mm512_loadu_si512(rows[ky] + o);
    } else {
        const ptrdiff_t lo = o < 0 ? -o : 0, hi = len - o < 64 ? len - o : 64;
        __mmask64 m = 0;
        if (hi > lo) m = (__mmask64)((~0ull >> (64 - (hi - lo))) << lo);
        for (int ky = 0; ky < 3; ky++)
            x[ky] = _mm512_mask_loadu_epi8(za, m, rows[ky] + o); /* masked bytes never read */
    }
    if (I8) {
#pragma GCC unroll 3
        for (int ky = 0; ky < 3; ky++)
            x[ky] = _mm512_xor_si512(x[ky], _mm512_set1_epi8((char)0x80));
    }
    interleave(x[0], x[1], x[2], v);
}

/* Stride 2 below 64 channels (C = 8, 16 or 32): the interleaved input bytes under the 2 * 64
 * bytes of a chunk's windows split into the even input pixels (filter column 0) and the odd
 * ones (column 1); column 2 is column 0 one output pixel on. In vpunpck order an input pixel
 * is 128-bit lane L (C = 16), lanes 2p, 2p + 1 (C = 32), or with C = 8 vectors 0, 1 (pixel
 * 2L) and 2, 3 (pixel 2L + 1) of lane L: one vshufi64x2 per vector. */
AI void deinterleave(const int T, const int ODD, const __m512i *a, const __m512i *b, __m512i *v)
{
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        if (T == 8)
            v[k] = ODD ? _mm512_shuffle_i64x2(a[k], b[k], 0xEE)
                       : _mm512_shuffle_i64x2(a[k], b[k], 0x44);
        else if (T == 4)
            v[k] = ODD ? _mm512_shuffle_i64x2(a[k], b[k], 0xDD)
                       : _mm512_shuffle_i64x2(a[k], b[k], 0x88);
        else {
            const int src = k % 2 + 2 * ODD;
            v[k] = k < 2 ? _mm512_shuffle_i64x2(a[src], b[src], 0x88)
                         : _mm512_shuffle_i64x2(a[src], b[src], 0xDD);
        }
    }
}

AI void small_tpl(const int T, const bool S2, const bool SPLIT, const bool I8, const bool FP32,
                  const bool PACK, const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk,
                  uint8_t *out, size_t row0, size_t row1)
{
    const oc_dw_geom *g = &p->g;
    const ptrdiff_t C = 4 * T, iw = g->iw, len = iw * C, olen = (ptrdiff_t)g->ow * C;
    const ptrdiff_t base = (1 - (ptrdiff_t)g->pl) * C; /* chunk 0's middle column */
    const int32_t *d = pk + (OC_QDW_W + 9) * p->cpad + OC_QDW3_HDR;
    const oc_rqk512 k = oc_rqk512_init(&p->ep);
    const oc_rqp512 kp = oc_rqp512_init(&p->ep);
    const __m512i za = _mm512_set1_epi8((char)p->za);
    for (size_t row = row0; row < row1; row++) {
        const int32_t bi = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        const int32_t iy0 = oy * g->sh - g->pt;
        const uint8_t *img = in + (size_t)bi * g->ih * (size_t)len;
        const uint8_t *rows[3];
        for (int ky = 0; ky < 3; ky++) {
            const int32_t iy = iy0 + ky;
            rows[ky] = iy >= 0 && iy < g->ih ? img + (size_t)iy * (size_t)len : p->zrow;
        }
        uint8_t *orow = out + row * (size_t)olen;
        if (S2) {
            const ptrdiff_t ib = -(ptrdiff_t)g->pl * C; /* column 0 of chunk 0 */
            __m512i a[4], b[4], e[4], od[4], en[4], on[4];
            span(I8, rows, ib, len, za, a);
            span(I8, rows, ib + 64, len, za, b);
            deinterleave(T, 0, a, b, e);
            deinterleave(T, 1, a, b, od);
            for (ptrdiff_t o = 0; o < olen; o += 64) {
                span(I8, rows, ib + 2 * o + 128, len, za, a);
                span(I8, rows, ib + 2 * o + 192, len, za, b);
                deinterleave(T, 0, a, b, en);
                deinterleave(T, 1, a, b, on);
                __m512i acc[4], r[4];
#pragma GCC unroll 4
                for (int i = 0; i < 4; i++) {
                    const int qf = i + T;
                    r[i] = lanes_fwd(qf / 4, e[qf % 4], en[qf % 4]);
                }
                window(SPLIT, e, od, r, d, acc);
                epilogue(FP32, PACK, acc, d, &k, &kp, p->ep.out_u8, orow + o,
                         olen - o < 64 ? (size_t)(olen - o) : 64);
#pragma GCC unroll 4
                for (int i = 0; i < 4; i++) {
                    e[i] = en[i];
                    od[i] = on[i];
                }
            }
            continue;
        }
        __m512i vp[4], vc[4], vn[4];
        span(I8, rows, base - 64, len, za, vp);
        span(I8, rows, base, len, za, vc);
        for (ptrdiff_t o = 0; o < olen; o += 64) {
            span(I8, rows, base + o + 64, len, za, vn);
            __m512i acc[4];
            __m512i l[4], r[4];
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                const int qb = i - T, qf = i + T;
                const int kb = ((qb % 4) + 4) % 4, kf = qf % 4;
                l[i] = lanes_back((kb - qb) / 4, vc[kb], vp[kb]);
                r[i] = lanes_fwd(qf / 4, vc[kf], vn[kf]);
            }
            window(SPLIT, l, vc, r, d, acc);
            epilogue(FP32, PACK, acc, d, &k, &kp, p->ep.out_u8, orow + o,
                     olen - o < 64 ? (size_t)(olen - o) : 64);
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                vp[i] = vc[i];
                vc[i] = vn[i];
            }
        }
    }
}

#define SMALL_S(SPLIT, I8, T, S2)                                                                  \
    if (fast)                                                                                      \
        small_tpl(T, S2, SPLIT, I8, true, true, p, in, pk, out, r0, r1);                           \
    else if (fp32)                                                                                 \
        small_tpl(T, S2, SPLIT, I8, true, false, p, in, pk, out, r0, r1);                          \
    else                                                                                           \
        small_tpl(T, S2, SPLIT, I8, false, false, p, in, pk, out, r0, r1);
#define SMALL(SPLIT, I8, T, cond)                                                                  \
    if (cond) {                                                                                    \
        if (T > 1 && p->g.sw == 2) {                                                               \
            SMALL_S(SPLIT, I8, T, T > 1)                                                           \
        } else {                                                                                   \
            SMALL_S(SPLIT, I8, T, false)                                                           \
        }                                                                                          \
    }
#define VARIANT(SPLIT, I8)                                                                         \
    static void rows_##SPLIT##_##I8(const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk,    \
                                    uint8_t *out, size_t r0, size_t r1)                            \
    {                                                                                              \
        const bool fp32 = p->ep.mode == OC_QREQ_FP32, fast = fp32 && p->ep.fast;                \
        if (p->g.oc < 64) {                                                                        \
            SMALL(SPLIT, I8, 1, p->g.oc == 4)                                                      \
            SMALL(SPLIT, I8, 2, p->g.oc == 8)                                                      \
            SMALL(SPLIT, I8, 4, p->g.oc == 16)                                                     \
            SMALL(SPLIT, I8, 8, p->g.oc == 32)                                                     \
        } else if (p->g.sw == 1) {                                                                 \
            if (fast)                                                                              \
                cols_tpl(true, SPLIT, I8, true, true, p, in, pk, out, r0, r1);                     \
            else if (fp32)                                                                         \
                cols_tpl(true, SPLIT, I8, true, false, p, in, pk, out, r0, r1);                    \
            else                                                                                   \
                cols_tpl(true, SPLIT, I8, false, false, p, in, pk, out, r0, r1);                   \
        } else {                                                                                   \
            if (fast)                                                                              \
                cols_tpl(false, SPLIT, I8, true, true, p, in, pk, out, r0, r1);                    \
            else if (fp32)                                                                         \
                cols_tpl(false, SPLIT, I8, true, false, p, in, pk, out, r0, r1);                   \
            else                                                                                   \
                cols_tpl(false, SPLIT, I8, false, false, p, in, pk, out, r0, r1);                  \
        }                                                                                          \
    }
VARIANT(0, 0)
VARIANT(0, 1)
VARIANT(1, 0)
VARIANT(1, 1)

static void qdw3_rows(const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk, uint8_t *out,
                      size_t r0, size_t r1)
{
    static const oc_qdw_rows_fn fns[4] = {rows_0_0, rows_0_1, rows_1_0, rows_1_1};
    const bool split = pk[(OC_QDW_W + 9) * p->cpad + 1] != 0;
    fns[2 * split + p->act_i8](p, in, pk, out, r0, r1);
}

oc_qdw_rows_fn oc_qdw_rows_avx512vnni3(void)
{
    return qdw3_rows;
}

#else

oc_qdw_rows_fn oc_qdw_rows_avx512vnni3(void)
{
    return NULL;
}

#endif
