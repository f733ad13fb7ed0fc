/* AVX-512 VNNI quantized depthwise rows: 16 channels per zmm, activations widened with
 * vpmovzxbd / vpmovsxbd, vpdpwssd against int16 weights; body in qdwconv_tpl.h. */
#include "kernels/qdwconv.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__) &&                    \
    defined(__AVX512VL__)
#include <immintrin.h>
#include <string.h>

#include "kernels/qreq_x86.h"

typedef __m512i V;
#define VL 16
typedef oc_rq512 RQ;

/* Requantization constants, with those of the packed epilogue. */
typedef struct RQK {
    oc_rqk512 k;
    oc_rqp512 p;
    bool fast, u8;
} RQK;

static inline __attribute__((always_inline)) V x_load(const bool I8, const uint8_t *p)
{
    __m128i b = _mm_loadu_si128((const __m128i *)p);
    return I8 ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
}

static inline __attribute__((always_inline)) V x_load_n(const bool I8, const uint8_t *p, size_t n)
{
    __m128i b = _mm_maskz_loadu_epi8((__mmask16)((1u << n) - 1), p);
    return I8 ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
}

#define v_load(p) _mm512_loadu_si512(p)
#define v_load_dup(p) _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(p)))
#define v_set1(x) _mm512_set1_epi32(x)
#define v_zero() _mm512_setzero_si512()
#define v_add(a, b) _mm512_add_epi32((a), (b))
#define v_mac(acc, x, w) _mm512_dpwssd_epi32((acc), (x), (w))

/* DUP: half the channels, in both halves (two pixels per vector). */
static inline __attribute__((always_inline)) __m512i ld(const bool DUP, const int32_t *p)
{
    return DUP ? v_load_dup(p) : v_load(p);
}

static inline __attribute__((always_inline)) RQ rq_make(const bool FP32, const int32_t *pk,
                                                        size_t cp, size_t cb, const bool DUP)
{
    RQ q;
    q.scale = _mm512_castsi512_ps(ld(DUP, pk + OC_QDW_SCALE * cp + cb));
    if (FP32) {
        q.mult = q.lsh = q.rsh = q.rmask = _mm512_setzero_si512();
        return q;
    }
    q.mult = ld(DUP, pk + OC_QDW_MULT * cp + cb);
    q.lsh = ld(DUP, pk + OC_QDW_LSH * cp + cb);
    q.rsh = ld(DUP, pk + OC_QDW_RSH * cp + cb);
    q.rmask = ld(DUP, pk + OC_QDW_RMASK * cp + cb);
    return q;
}

static inline __attribute__((always_inline)) RQK rqk_init(const oc_qgemm_ep *ep)
{
    RQK k = {oc_rqk512_init(ep), oc_rqp512_init(ep), ep->fast, ep->out_u8};
    return k;
}

static inline __attribute__((always_inline)) V rq_apply(const bool FP32, V x, const RQ *q,
                                                        const RQK *k)
{
    return oc_rq512_apply(FP32, x, q, &k->k);
}

#define k_fast(k) ((k)->fast)
#define rq_round(x, q) oc_rq512_round((x), (q)->scale)
#define st_bytes oc_rq512_store

static inline __attribute__((always_inline)) V rq_pack4(const V *y, const RQK *k)
{
    return k->u8 ? oc_rq512_pack4(true, y[0], y[1], y[2], y[3], &k->p)
                 : oc_rq512_pack4(false, y[0], y[1], y[2], y[3], &k->p);
}

static inline __attribute__((always_inline)) void st_pack4(uint8_t *dst, size_t dstep, V b)
{
    if (dstep == 16) {
        _mm512_storeu_si512(dst, b);
        return;
    }
    _mm_storeu_si128((__m128i *)dst, _mm512_castsi512_si128(b));
    _mm_storeu_si128((__m128i *)(dst + dstep), _mm512_extracti32x4_epi32(b, 1));
    _mm_storeu_si128((__m128i *)(dst + 2 * dstep), _mm512_extracti32x4_epi32(b, 2));
    _mm_storeu_si128((__m128i *)(dst + 3 * dstep), _mm512_extracti32x4_epi32(b, 3));
}

#include "kernels/qdwconv_tpl.h"

oc_qdw_rows_fn oc_qdw_rows_avx512vnni(void)
{
    return qdw_rows;
}

/* ---- 3x3, stride 1 or 2, int8-sized weights: vpdpbusd over a filter row's 3 taps ---------
 * Each input row a window row reads is first transposed once into T[ox][c]: a dword holding
 * the 3 activation bytes that output column ox's window takes from that row (the input zero
 * point outside the image; int8 flipped to unsigned by the xor), byte 3 zero. A filter row is
 * then one vpdpbusd against a dword of its 3 int8 weights (w - zw, checked at packing), so an
 * output vector costs 3 multiply-adds instead of 9 (vpdpbusd and vpdpwssd share one port).
 * uint8 weights with a large zero point (w - zw in [-256, 254]) are split over two int8 sets
 * (SPLIT): 6 multiply-adds.
 * The 3 most recent rows are kept (a ring on the stack): with stride 1 every input row is
 * transposed once per task. The accumulator is the same wrapping int32 sum as the other
 * kernels', so the results are identical. */

static void qdw4_build(const oc_qdw_plan *p, const uint8_t *img, int32_t iy, uint8_t *t,
                       const __m512i *kk)
{
    const oc_dw_geom *g = &p->g;
    const size_t C = (size_t)g->oc, cp = p->cpad;
    const uint8_t *row = iy >= 0 && iy < g->ih ? img + (size_t)iy * g->iw * C : NULL;
    const __m512i flip = _mm512_set1_epi8(p->act_i8 ? (char)0x80 : 0);
    const __m128i zav = _mm_set1_epi8((char)p->za);
    for (int32_t ox = 0; ox < g->ow; ox++) {
        const int32_t ix0 = ox * g->sw - g->pl;
        uint8_t *dst = t + (size_t)ox * cp * 4;
        if (row && ix0 >= 0 && ix0 + 2 < g->iw) { /* the common case: no branch per tap */
            const uint8_t *src = row + (size_t)ix0 * C;
            size_t cb = 0;
            for (; cb + 16 <= C; cb += 16) {
                __m512i a = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(src + cb)));
                __m512i b = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(src + C + cb)));
                __m512i c =
                    _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(src + 2 * C + cb)));
                __m512i x = _mm512_ternarylogic_epi32(a, _mm512_slli_epi32(b, 8),
                                                      _mm512_slli_epi32(c, 16), 0xFE);
                _mm512_store_si512((__m512i *)(dst + cb * 4), _mm512_xor_si512(x, flip));
            }
            if (cb < C) {
                const __mmask16 m = (__mmask16)((1u << (C - cb)) - 1);
                __m512i a = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, src + cb));
                __m512i b = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, src + C + cb));
                __m512i c = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, src + 2 * C + cb));
                __m512i x = _mm512_ternarylogic_epi32(a, _mm512_slli_epi32(b, 8),
                                                      _mm512_slli_epi32(c, 16), 0xFE);
                _mm512_store_si512((__m512i *)(dst + cb * 4), _mm512_xor_si512(x, flip));
            }
            continue;
        }
        for (size_t cb = 0; cb < cp; cb += 16) {
            const size_t nc = C - cb < 16 ? C - cb : 16;
            const __mmask16 m = nc >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nc) - 1);
            __m512i v[3];
            for (int kx = 0; kx < 3; kx++) {
                const int32_t ix = ix0 + kx;
                __m128i b = zav;
                if (row && ix >= 0 && ix < g->iw)
                    b = _mm_maskz_loadu_epi8(m, row + (size_t)ix * C + cb);
                v[kx] = _mm512_shuffle_epi8(_mm512_broadcast_i32x4(b), kk[kx]);
            }
            __m512i x = _mm512_ternarylogic_epi32(v[0], v[1], v[2], 0xFE);
            _mm512_store_si512((__m512i *)(dst + cb * 4), _mm512_xor_si512(x, flip));
        }
    }
}

static inline __attribute__((always_inline)) void qdw4_tpl(const bool FP32, const bool SPLIT,
                                                           const oc_qdw_plan *p, const uint8_t *in,
                                                           const int32_t *pk, uint8_t *out,
                                                           size_t row0, size_t row1)
{
    const oc_dw_geom *g = &p->g;
    const size_t C = (size_t)g->oc, cp = p->cpad, ow = (size_t)g->ow;
    _Alignas(64) uint8_t ring[3][OC_QDW4_ROW_BYTES];
    int64_t tag[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
    /* vpshufb controls: dword i of 128-bit lane L takes byte 4L+i into byte kx */
    _Alignas(64) uint8_t ctl[3][64];
    __m512i kk[3];
    for (int kx = 0; kx < 3; kx++) {
        for (int j = 0; j < 64; j++)
            ctl[kx][j] = (j % 4 == kx) ? (uint8_t)(4 * (j / 16) + (j % 16) / 4) : 0x80;
        kk[kx] = _mm512_load_si512(ctl[kx]);
    }
    const int32_t *w4 = pk + (OC_QDW_W + 9) * cp, *term4 = w4 + 3 * cp, *w4b = term4 + 2 * cp;
    const RQK k = rqk_init(&p->ep);
    for (size_t row = row0; row < row1; row++) {
        const int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        const int32_t iy0 = oy * g->sh - g->pt;
        const uint8_t *img = in + (size_t)b * g->ih * g->iw * C;
        const uint8_t *tr[3];
        int64_t key[3];
        unsigned used = 0;
        for (int ky = 0; ky < 3; ky++) { /* rows outside the image share one key */
            const int32_t iy = iy0 + ky;
            key[ky] = iy >= 0 && iy < g->ih ? (int64_t)b * g->ih + iy : -1;
            for (int s = 0; s < 3; s++)
                if (tag[s] == key[ky]) used |= 1u << s;
        }
        for (int ky = 0; ky < 3; ky++) {
            int s = 0;
            while (s < 3 && tag[s] != key[ky])
                s++;
            if (s == 3) { /* at most 3 keys, so a slot no filter row of this row needs */
                s = 0;
                while (used & (1u << s))
                    s++;
                qdw4_build(p, img, iy0 + ky, ring[s], kk);
                tag[s] = key[ky];
                used |= 1u << s;
            }
            tr[ky] = ring[s];
        }
        uint8_t *orow = out + row * ow * C;
        for (size_t cb = 0; cb < cp; cb += 16) {
            const size_t nc = C - cb < 16 ? C - cb : 16;
            const __m512i w0 = _mm512_loadu_si512(w4 + cb), w1 = _mm512_loadu_si512(w4 + cp + cb),
                          w2 = _mm512_loadu_si512(w4 + 2 * cp + cb);
            __m512i v0 = w0, v1 = w1, v2 = w2; /* the second weight set, when SPLIT */
            if (SPLIT) {
                v0 = _mm512_loadu_si512(w4b + cb);
                v1 = _mm512_loadu_si512(w4b + cp + cb);
                v2 = _mm512_loadu_si512(w4b + 2 * cp + cb);
            }
            const __m512i term = _mm512_loadu_si512(term4 + cb);
            const RQ q = rq_make(FP32, pk, cp, cb, false);
            const uint8_t *t0 = tr[0] + cb * 4, *t1 = tr[1] + cb * 4, *t2 = tr[2] + cb * 4;
            const size_t ts = cp * 4;
            size_t ox = 0;
            for (; ox + 4 <= ow; ox += 4) {
                __m512i acc[4];
#pragma GCC unroll 4
                for (int i = 0; i < 4; i++) {
                    const size_t o = (ox + (size_t)i) * ts;
                    acc[i] = _mm512_dpbusd_epi32(term, _mm512_load_si512(t0 + o), w0);
                    acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(t1 + o), w1);
                    acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(t2 + o), w2);
                    if (SPLIT) {
                        acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(t0 + o), v0);
                        acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(t1 + o), v1);
                        acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(t2 + o), v2);
                    }
                }
                uint8_t *dst = orow + ox * C + cb;
                if (FP32 && k_fast(&k) && nc == 16) {
                    V y[4];
#pragma GCC unroll 4
                    for (int i = 0; i < 4; i++)
                        y[i] = rq_round(acc[i], &q);
                    st_pack4(dst, C, rq_pack4(y, &k));
                } else {
#pragma GCC unroll 4
                    for (int i = 0; i < 4; i++)
                        st_bytes(dst + (size_t)i * C, rq_apply(FP32, acc[i], &q, &k), nc);
                }
            }
            for (; ox < ow; ox++) {
                const size_t o = ox * ts;
                __m512i acc = _mm512_dpbusd_epi32(term, _mm512_load_si512(t0 + o), w0);
                acc = _mm512_dpbusd_epi32(acc, _mm512_load_si512(t1 + o), w1);
                acc = _mm512_dpbusd_epi32(acc, _mm512_load_si512(t2 + o), w2);
                if (SPLIT) {
                    acc = _mm512_dpbusd_epi32(acc, _mm512_load_si512(t0 + o), v0);
                    acc = _mm512_dpbusd_epi32(acc, _mm512_load_si512(t1 + o), v1);
                    acc = _mm512_dpbusd_epi32(acc, _mm512_load_si512(t2 + o), v2);
                }
                st_bytes(orow + ox * C + cb, rq_apply(FP32, acc, &q, &k), nc);
            }
        }
    }
}

static void qdw4_rows(const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk, uint8_t *out,
                      size_t r0, size_t r1)
{
    const size_t cp = p->cpad;
    const bool split = pk[(OC_QDW_W + 9 + 4) * cp + 1] != 0;
    if (p->ep.mode == OC_QREQ_FP32) {
        if (split)
            qdw4_tpl(true, true, p, in, pk, out, r0, r1);
        else
            qdw4_tpl(true, false, p, in, pk, out, r0, r1);
    } else {
        if (split)
            qdw4_tpl(false, true, p, in, pk, out, r0, r1);
        else
            qdw4_tpl(false, false, p, in, pk, out, r0, r1);
    }
}

oc_qdw_rows_fn oc_qdw_rows_avx512vnni4(void)
{
    return qdw4_rows;
}

#else

oc_qdw_rows_fn oc_qdw_rows_avx512vnni(void)
{
    return NULL;
}

oc_qdw_rows_fn oc_qdw_rows_avx512vnni4(void)
{
    return NULL;
}

#endif
