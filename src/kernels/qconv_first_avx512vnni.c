/* First-layer 8-bit convolution on AVX-512 VNNI (see qconv_first.h): 16 output pixels in the
 * lanes, one accumulator per output channel. Only called when the CPU has AVX-512 VNNI. */
#include "kernels/qconv_first.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels/qreq_x86.h"

#define AI static inline __attribute__((always_inline))

/* Requantized bytes of 4 channel vectors in the order of the packs: byte 16*l + 4*j + i is
 * channel j, pixel 4*l + i. The fast fp32 epilogue only (oc_qgemm_ep.fast, what the models
 * use; the plan refuses other rules): round, then saturate, add the zero point and clamp
 * (oc_rq512_pack4 without its permute). */
AI __m512i requant4(const bool U8, const __m512i *acc, const oc_qfirst_packed *pk, size_t c0,
                    const oc_rqp512 *kp)
{
    __m512i r[4];
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; j++)
        r[j] = oc_rq512_round(acc[j], _mm512_set1_ps(pk->scale[c0 + j]));
    __m512i a = _mm512_packs_epi32(r[0], r[1]), b = _mm512_packs_epi32(r[2], r[3]);
    a = _mm512_adds_epi16(a, kp->zp16);
    b = _mm512_adds_epi16(b, kp->zp16);
    if (U8) {
        __m512i c = _mm512_packus_epi16(a, b);
        return _mm512_min_epu8(_mm512_max_epu8(c, kp->lo8), kp->hi8);
    }
    __m512i c = _mm512_packs_epi16(a, b);
    return _mm512_min_epi8(_mm512_max_epi8(c, kp->lo8), kp->hi8);
}

AI void store_n(uint8_t *dst, __m512i v, size_t n)
{
    if (n >= 64)
        _mm512_storeu_si512(dst, v);
    else if (n)
        _mm512_mask_storeu_epi8(dst, ((__mmask64)1 << n) - 1, v);
}

/* The 128-byte window of input row `row` at byte `base` (rowbytes long) as an edge copy:
 * bytes outside the row read the zero point. */
static void edge_window(uint8_t *dst, const uint8_t *row, ptrdiff_t base, size_t rowbytes,
                        uint8_t zp)
{
    memset(dst, zp, OC_QFIRST_WIN);
    ptrdiff_t lo = base < 0 ? -base : 0, hi = (ptrdiff_t)rowbytes - base;
    if (hi > OC_QFIRST_WIN) hi = OC_QFIRST_WIN;
    if (hi > lo) memcpy(dst + lo, row + base + lo, (size_t)(hi - lo));
}

/* The filter rows of one output row: their input rows (NULL outside the image). */
typedef struct rowset {
    const uint8_t *row[3];
    size_t room; /* bytes from the last input row used to the end of the input */
} rowset;

/* Output row oy of image b; then (b, oy) advance to the next row (no division per row: it
 * showed in profiles). */
static void rowset_init(const oc_qfirst_plan *p, const uint8_t *in, size_t *bp, size_t *oyp,
                        rowset *rs)
{
    const oc_conv_geom *g = &p->g;
    const size_t b = *bp, oy = *oyp;
    if (++*oyp == (size_t)g->oh) *oyp = 0, ++*bp;
    rs->room = SIZE_MAX;
    for (size_t ky = 0; ky < (size_t)g->kh; ky++) {
        ptrdiff_t iy = (ptrdiff_t)(oy * (size_t)g->sh) - g->pt + (ptrdiff_t)ky;
        rs->row[ky] = NULL;
        if (iy < 0 || iy >= g->ih) continue;
        size_t off = (b * (size_t)g->ih + (size_t)iy) * p->rowbytes;
        rs->row[ky] = in + off;
        rs->room = p->inbytes - off;
    }
}

/* Windows of a block that is not plain (at an image edge, or near the end of the input): the
 * rows' bytes from `base` with the zero point outside the row, copied into `edge`. */
static void edge_block(const oc_qfirst_plan *p, const rowset *rs, ptrdiff_t base,
                       const uint8_t *zrow, uint8_t (*edge)[OC_QFIRST_WIN], const uint8_t **src)
{
    const __m512i zpv = _mm512_set1_epi8((char)zrow[0]);
    for (size_t ky = 0; ky < (size_t)p->g.kh; ky++) {
        const uint8_t *row = rs->row[ky];
        src[ky] = row ? edge[ky] : zrow;
        if (!row) continue;
        if (base < 0 || (size_t)base >= p->rowbytes) {
            edge_window(edge[ky], row, base, p->rowbytes, zrow[0]);
            continue;
        }
        /* the common right edge: masked loads */
        size_t n = p->rowbytes - (size_t)base;
        __mmask64 m0 = n >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << n) - 1;
        __mmask64 m1 = n >= 128 ? ~(__mmask64)0 : n <= 64 ? 0 : ((__mmask64)1 << (n - 64)) - 1;
        const uint8_t *s = row + base;
        _mm512_store_si512(edge[ky], _mm512_mask_loadu_epi8(zpv, m0, s));
        _mm512_store_si512(edge[ky] + 64, m1 ? _mm512_mask_loadu_epi8(zpv, m1, s + 64) : zpv);
    }
}

/* The windows of the block starting at output pixel ox0 of the row set rs. */
AI void block_src(const oc_qfirst_plan *p, const rowset *rs, size_t ox0, const uint8_t *zrow,
                  uint8_t (*edge)[OC_QFIRST_WIN], const uint8_t **src)
{
    const oc_conv_geom *g = &p->g;
    const size_t np = (size_t)g->ow - ox0 < OC_QFIRST_PIX ? (size_t)g->ow - ox0 : OC_QFIRST_PIX;
    const ptrdiff_t base = ((ptrdiff_t)(ox0 * (size_t)g->sw) - g->pl) * (ptrdiff_t)g->ic;
    const size_t need = ((np - 1) * (size_t)g->sw + (size_t)g->kw) * (size_t)g->ic;
    /* most blocks: every window inside its row, and 128 bytes readable from it */
    if (base >= 0 && (size_t)base + need <= p->rowbytes &&
        (size_t)base + OC_QFIRST_WIN <= rs->room) {
        for (size_t ky = 0; ky < (size_t)g->kh; ky++)
            src[ky] = rs->row[ky] ? rs->row[ky] + base : zrow;
        return;
    }
    edge_block(p, rs, base, zrow, edge, src);
}

/* Requantizes OC accumulators of 16 pixels and stores np pixels in NHWC order. The bytes of
 * quad vector t (byte 16l + 4j + i: channel 4t + j, pixel 4l + i) are transposed 4x4 in each
 * 128-bit lane (bt) so that dword 4l + i holds pixel 4l + i's 4 channels; then the dwords of
 * the quads are interleaved. */
AI void epilogue(const int OC, const bool U8, const __m512i *acc,
                 const oc_qfirst_packed *pk, const oc_rqp512 *kp, uint8_t *o,
                 size_t np)
{
    const __m512i bt = _mm512_set4_epi32(0x0F0B0703, 0x0E0A0602, 0x0D090501, 0x0C080400);
    const size_t n = np * (size_t)OC;
    __m512i q0 = requant4(U8, acc, pk, 0, kp);
    __m512i q1 = requant4(U8, acc + 4, pk, 4, kp);
    if (OC == 8) {
        /* pixels 4l, 4l+1 (lo) and 4l+2, 4l+3 (hi) in lane l, 8 bytes each */
        __m512i t0 = _mm512_shuffle_epi8(q0, bt), t1 = _mm512_shuffle_epi8(q1, bt);
        __m512i lo = _mm512_unpacklo_epi32(t0, t1), hi = _mm512_unpackhi_epi32(t0, t1);
        const __m512i q8lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
        const __m512i q8hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
        store_n(o, _mm512_permutex2var_epi64(lo, q8lo, hi), n);
        store_n(o + 64, _mm512_permutex2var_epi64(lo, q8hi, hi), n > 64 ? n - 64 : 0);
        return;
    }
    __m512i q2 = requant4(U8, acc + 8, pk, 8, kp);
    __m512i q3 = requant4(U8, acc + 12, pk, 12, kp);
    /* vector l gets lane l of q0..q3 (pixels 4l..4l+3): dword 4t + i is pixel 4l + i,
     * channels 4t..4t+3 after the byte transpose; then dword 4i + t */
    const __m512i d16 = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    __m512i t0 = _mm512_shuffle_i32x4(q0, q1, 0x44), t1 = _mm512_shuffle_i32x4(q0, q1, 0xEE);
    __m512i t2 = _mm512_shuffle_i32x4(q2, q3, 0x44), t3 = _mm512_shuffle_i32x4(q2, q3, 0xEE);
    __m512i l[4] = {_mm512_shuffle_i32x4(t0, t2, 0x88), _mm512_shuffle_i32x4(t0, t2, 0xDD),
                    _mm512_shuffle_i32x4(t1, t3, 0x88), _mm512_shuffle_i32x4(t1, t3, 0xDD)};
#pragma GCC unroll 4
    for (size_t i = 0; i < 4; i++)
        store_n(o + 64 * i, _mm512_permutexvar_epi32(d16, _mm512_shuffle_epi8(l[i], bt)),
                n > 64 * i ? n - 64 * i : 0);
}

/* The windows of filter row ky of a block (int8: biased to unsigned). */
AI void window(const bool I8, const uint8_t *const *src, size_t ky, __m512i *lo, __m512i *hi)
{
    const __m512i x = _mm512_set1_epi8((char)0x80);
    *lo = _mm512_loadu_si512(src[ky]);
    *hi = _mm512_loadu_si512(src[ky] + 64);
    if (I8) *lo = _mm512_xor_si512(*lo, x), *hi = _mm512_xor_si512(*hi, x);
}

/* NB (1 or 2) blocks of 16 pixels of one output row: windows src0 (and src1), outputs o0
 * (and o1) of np0 (np1) pixels. With 8 channels and 2 blocks each weight broadcast serves
 * both, and 16 vpdpbusd chains hide its latency; 16 channels take one block. */
AI void blocks(const int OC, const int NB, const bool U8, const bool RS,
               const oc_qfirst_packed *pk, const uint8_t *const *src0, const uint8_t *const *src1,
               uint8_t *o0, size_t np0, uint8_t *o1, size_t np1,
               const oc_rqp512 *kp)
{
    /* lane p: words 3p, 3p+1 (bytes 0-3 of the window), 3p+2, 3p+3 (bytes 4-7), 3p+4 twice
     * (byte 8, and a byte of the next pixel) */
    const __m512i w01 =
        _mm512_setr_epi32(0x00010000, 0x00040003, 0x00070006, 0x000A0009, 0x000D000C, 0x0010000F,
                          0x00130012, 0x00160015, 0x00190018, 0x001C001B, 0x001F001E, 0x00220021,
                          0x00250024, 0x00280027, 0x002B002A, 0x002E002D);
    const __m512i w23 = _mm512_add_epi16(w01, _mm512_set1_epi16(2));
    const __m512i w44 = _mm512_add_epi16(
        _mm512_mask_blend_epi16(0xAAAAAAAA, w01, _mm512_sub_epi16(w01, _mm512_set1_epi16(1))),
        _mm512_set1_epi16(4));
    const bool I8 = !U8; /* the output type is the input type */
    __m512i rs0 = _mm512_setzero_si512(), rs1 = _mm512_setzero_si512(); /* row sums */
    /* accumulators as named variables (an array indexed in a loop ends up in memory):
     * a0..a7 block 0 and a8..a15 block 1, or a0..a15 the 16 channels */
    /* clang-format off */
#define ACC(c) __m512i a##c = _mm512_set1_epi32(pk->col[c % OC])
    ACC(0); ACC(1); ACC(2); ACC(3); ACC(4); ACC(5); ACC(6); ACC(7);
    ACC(8); ACC(9); ACC(10); ACC(11); ACC(12); ACC(13); ACC(14); ACC(15);
#undef ACC
#define DOT(c, v, wv) a##c = _mm512_dpbusd_epi32(a##c, v, wv);
#define DOTW(c, v) DOT(c, v, _mm512_set1_epi32((int)w[c]))
/* group gi into the accumulators: v0 (block 0) and v1 (block 1) */
#define DOT_GROUP(gi, v0, v1)                                                                      \
    do {                                                                                           \
        const uint32_t *w = pk->w[gi];                                                             \
        if (OC == 8) {                                                                             \
            __m512i w0 = _mm512_set1_epi32((int)w[0]), w1 = _mm512_set1_epi32((int)w[1]);          \
            __m512i w2 = _mm512_set1_epi32((int)w[2]), w3 = _mm512_set1_epi32((int)w[3]);          \
            DOT(0, v0, w0) DOT(1, v0, w1) DOT(2, v0, w2) DOT(3, v0, w3)                            \
            if (NB == 2) { DOT(8, v1, w0) DOT(9, v1, w1) DOT(10, v1, w2) DOT(11, v1, w3) }         \
            __m512i w4 = _mm512_set1_epi32((int)w[4]), w5 = _mm512_set1_epi32((int)w[5]);          \
            __m512i w6 = _mm512_set1_epi32((int)w[6]), w7 = _mm512_set1_epi32((int)w[7]);          \
            DOT(4, v0, w4) DOT(5, v0, w5) DOT(6, v0, w6) DOT(7, v0, w7)                            \
            if (NB == 2) { DOT(12, v1, w4) DOT(13, v1, w5) DOT(14, v1, w6) DOT(15, v1, w7) }       \
        } else {                                                                                   \
            DOTW(0, v0) DOTW(1, v0) DOTW(2, v0) DOTW(3, v0) DOTW(4, v0) DOTW(5, v0)                \
            DOTW(6, v0) DOTW(7, v0) DOTW(8, v0) DOTW(9, v0) DOTW(10, v0) DOTW(11, v0)              \
            DOTW(12, v0) DOTW(13, v0) DOTW(14, v0) DOTW(15, v0)                                    \
        }                                                                                          \
        if (RS) { /* weights 1 at the real depths (group 6 has 3) */                               \
            __m512i ones = _mm512_set1_epi32(gi < 6 ? 0x01010101 : 0x00010101);                    \
            rs0 = _mm512_dpbusd_epi32(rs0, v0, ones);                                              \
            if (NB == 2) rs1 = _mm512_dpbusd_epi32(rs1, v1, ones);                                 \
        }                                                                                          \
    } while (0)
    /* clang-format on */

    /* group 6 gathers byte 8 of each filter row: [row 0, row 2 (shifted up a byte), row 1,
     * junk] */
    __m512i g6a = _mm512_setzero_si512(), g6b = _mm512_setzero_si512();
#pragma GCC unroll 3
    for (size_t ky = 0; ky < 3; ky++) {
        __m512i l0, h0, l1 = _mm512_setzero_si512(), h1 = _mm512_setzero_si512();
        window(I8, src0, ky, &l0, &h0);
        if (NB == 2) window(I8, src1, ky, &l1, &h1);
        __m512i v0 = _mm512_permutex2var_epi16(l0, w01, h0);
        __m512i v1 = NB == 2 ? _mm512_permutex2var_epi16(l1, w01, h1) : v0;
        DOT_GROUP(2 * ky, v0, v1);
        v0 = _mm512_permutex2var_epi16(l0, w23, h0);
        v1 = NB == 2 ? _mm512_permutex2var_epi16(l1, w23, h1) : v0;
        DOT_GROUP(2 * ky + 1, v0, v1);
        v0 = _mm512_permutex2var_epi16(l0, w44, h0);
        v1 = NB == 2 ? _mm512_permutex2var_epi16(l1, w44, h1) : v0;
        if (ky == 0) {
            g6a = v0, g6b = v1;
        } else if (ky == 1) { /* its bytes 8, 9 into bytes 2, 3 */
            g6a = _mm512_mask_blend_epi16(0xAAAAAAAA, g6a, v0);
            g6b = _mm512_mask_blend_epi16(0xAAAAAAAA, g6b, v1);
        } else { /* its byte 8 into byte 1 */
            const __mmask64 m = 0x2222222222222222ull;
            g6a = _mm512_mask_blend_epi8(m, g6a, _mm512_slli_epi16(v0, 8));
            g6b = _mm512_mask_blend_epi8(m, g6b, _mm512_slli_epi16(v1, 8));
        }
    }
    DOT_GROUP(6, g6a, g6b);
#undef DOT_GROUP
#undef DOTW
#undef DOT
    __m512i acc[16] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15};
    if (RS) { /* + eb * sum A' */
        const __m512i ebv = _mm512_set1_epi32(pk->eb);
        rs0 = _mm512_mullo_epi32(rs0, ebv);
        rs1 = _mm512_mullo_epi32(rs1, ebv);
#pragma GCC unroll 16
        for (int c = 0; c < 16; c++)
            acc[c] = _mm512_add_epi32(acc[c], OC == 8 && c >= 8 ? rs1 : rs0);
    }
    epilogue(OC, U8, acc, pk, kp, o0, np0);
    if (NB == 2) epilogue(OC, U8, acc + 8, pk, kp, o1, np1);
}

/* Output rows [r0, r1) as 16-pixel blocks. 8 channels: two blocks at a time, taken along a
 * row; rows go in pairs so that an odd last block of each pairs with the other's. */
AI void rows_tpl(const int OC, const bool U8, const bool RS, const oc_qfirst_plan *p,
                 const uint8_t *in, const oc_qfirst_packed *pk, const oc_qconv_q *q, uint8_t *out,
                 size_t r0, size_t r1)
{
    const size_t ow = (size_t)p->g.ow, oc = (size_t)OC, P = OC_QFIRST_PIX;
    const size_t nblk = (ow + P - 1) / P, last = (nblk - 1) * P, nlast = ow - last;
    const oc_rqp512 kp = oc_rqp512_init(&q->ep);
    _Alignas(64) uint8_t edge[2][3][OC_QFIRST_WIN];
    _Alignas(64) uint8_t zrow[OC_QFIRST_WIN];
    memset(zrow, (uint8_t)q->za, sizeof zrow);
    const uint8_t *src0[3], *src1[3];
    size_t b = r0 / (size_t)p->g.oh, oy = r0 % (size_t)p->g.oh; /* of row r0 */
    if (OC == 16) {
        for (size_t r = r0; r < r1; r++) {
            rowset rs;
            rowset_init(p, in, &b, &oy, &rs);
            for (size_t x = 0; x < ow; x += P) {
                block_src(p, &rs, x, zrow, edge[0], src0);
                blocks(OC, 1, U8, RS, pk, src0, src0, out + (r * ow + x) * oc,
                       ow - x < P ? ow - x : P, NULL, 0, &kp);
            }
        }
        return;
    }
    for (size_t r = r0; r < r1; r += 2) {
        const size_t nr = r + 1 < r1 ? 2 : 1;
        rowset rs[2];
        for (size_t i = 0; i < nr; i++) {
            rowset_init(p, in, &b, &oy, &rs[i]);
            uint8_t *orow = out + (r + i) * ow * oc;
            for (size_t x = 0; x + P < nblk / 2 * 2 * P; x += 2 * P) {
                block_src(p, &rs[i], x, zrow, edge[0], src0);
                block_src(p, &rs[i], x + P, zrow, edge[1], src1);
                blocks(OC, 2, U8, RS, pk, src0, src1, orow + x * oc, P, orow + (x + P) * oc,
                       x + 2 * P <= ow ? P : ow - x - P, &kp);
            }
        }
        if (nblk % 2 == 0) continue;
        uint8_t *o0 = out + (r * ow + last) * oc;
        block_src(p, &rs[0], last, zrow, edge[0], src0);
        if (nr == 2) {
            block_src(p, &rs[1], last, zrow, edge[1], src1);
            blocks(OC, 2, U8, RS, pk, src0, src1, o0, nlast, o0 + ow * oc, nlast, &kp);
        } else {
            blocks(OC, 1, U8, RS, pk, src0, src0, o0, nlast, NULL, 0, &kp);
        }
    }
}

#define INST(OC, U8, RS)                                                                           \
    static void rows_##OC##_##U8##_##RS(const oc_qfirst_plan *p, const uint8_t *in,                \
                                        const oc_qfirst_packed *pk, const oc_qconv_q *q,           \
                                        uint8_t *out, size_t r0, size_t r1)                        \
    {                                                                                              \
        rows_tpl(OC, U8, RS, p, in, pk, q, out, r0, r1);                                           \
    }
#define INST_OC(OC) INST(OC, 0, 0) INST(OC, 0, 1) INST(OC, 1, 0) INST(OC, 1, 1)
INST_OC(8)
INST_OC(16)
#define ROW_OC(OC)                                                                                 \
    {                                                                                              \
        {rows_##OC##_0_0, rows_##OC##_0_1}, { rows_##OC##_1_0, rows_##OC##_1_1 }                   \
    }
static const oc_qfirst_rows_fn g_fns[2][2][2] = {ROW_OC(8), ROW_OC(16)};

/* The row-term variant is chosen per call by the packed eb (pack time). */
static void rows_dispatch(const oc_qfirst_plan *p, const uint8_t *in, const oc_qfirst_packed *pk,
                          const oc_qconv_q *q, uint8_t *out, size_t r0, size_t r1)
{
    g_fns[p->g.oc == 16][q->ep.out_u8][pk->eb != 0](p, in, pk, q, out, r0, r1);
}

oc_qfirst_rows_fn oc_qfirst_rows_avx512vnni(const oc_qfirst_plan *p, const oc_qconv_q *q)
{
    (void)p;
    (void)q;
    return rows_dispatch;
}
#else
oc_qfirst_rows_fn oc_qfirst_rows_avx512vnni(const oc_qfirst_plan *p, const oc_qconv_q *q)
{
    (void)p;
    (void)q;
    return NULL;
}
#endif
