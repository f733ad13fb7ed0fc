/* Vectorized requantization of int32 accumulators (the qgemm / qdwconv epilogues), for the
 * including file's ISA: 8 lanes with AVX2, 16 with AVX-512. Bit-identical to
 * oc_qgemm_requant():
 *   fixed: x << lsh; SaturatingRoundingDoublingHighMul(x, mult) = (x * mult + 2^30) >> 31
 *          (arithmetic; exact for mult >= 0, which never hits the saturating case);
 *          RoundingDivideByPOT by rsh; + zero point; clamp;
 *   fp32:  (float)x * scale clamped to [lo - zp, hi - zp], cvtps2dq (nearest even), + zp.
 * Only bits 31..62 of the 64-bit products are kept, so logical 64-bit shifts suffice. */
#ifndef OC_KERNELS_QREQ_X86_H
#define OC_KERNELS_QREQ_X86_H

#include <immintrin.h>
#include <stdint.h>

#include "kernels/qgemm.h"

#define OC_QRQ_AI static inline __attribute__((always_inline))

#if defined(__AVX2__)
/* Per-column requantization constants of one 8-lane group. */
typedef struct oc_rq256 {
    __m256i mult, lsh, rsh, rmask;
    __m256 scale;
} oc_rq256;

OC_QRQ_AI oc_rq256 oc_rq256_load(const bool FP32, const int32_t *hdr, size_t nr, size_t col)
{
    oc_rq256 q;
    q.scale = _mm256_loadu_ps((const float *)(hdr + OC_QH_SCALE * nr + col));
    if (FP32) {
        q.mult = q.lsh = q.rsh = q.rmask = _mm256_setzero_si256();
        return q;
    }
    q.mult = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_MULT * nr + col));
    q.lsh = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_LSH * nr + col));
    q.rsh = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_RSH * nr + col));
    q.rmask = _mm256_loadu_si256((const __m256i *)(hdr + OC_QH_RMASK * nr + col));
    return q;
}

/* Epilogue constants of one GEMM as vectors (built once per tile: the compiler must reload
 * anything behind a pointer after each byte store to the output). */
typedef struct oc_rqk256 {
    __m256 flo, fhi;
    __m256i zp, lo, hi;
} oc_rqk256;

OC_QRQ_AI oc_rqk256 oc_rqk256_init(const oc_qgemm_ep *ep)
{
    oc_rqk256 k = {_mm256_set1_ps(ep->flo), _mm256_set1_ps(ep->fhi), _mm256_set1_epi32(ep->out_zp),
                   _mm256_set1_epi32(ep->lo), _mm256_set1_epi32(ep->hi)};
    return k;
}

/* Requantized values (zero point added, clamped) as int32 lanes. FP32: only q->scale is
 * read. */
OC_QRQ_AI __m256i oc_rq256_apply(const bool FP32, __m256i x, const oc_rq256 *q, const oc_rqk256 *k)
{
    if (FP32) {
        __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(x), q->scale);
        f = _mm256_min_ps(_mm256_max_ps(f, k->flo), k->fhi);
        return _mm256_add_epi32(_mm256_cvtps_epi32(f), k->zp);
    }
    const __m256i half = _mm256_set1_epi64x((int64_t)1 << 30);
    x = _mm256_sllv_epi32(x, q->lsh);
    __m256i even = _mm256_mul_epi32(x, q->mult);
    __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(q->mult, 32));
    even = _mm256_srli_epi64(_mm256_add_epi64(even, half), 31);
    odd = _mm256_slli_epi64(_mm256_add_epi64(odd, half), 1);
    x = _mm256_blend_epi32(even, odd, 0xAA);
    __m256i rem = _mm256_and_si256(x, q->rmask);
    __m256i thr = _mm256_add_epi32(_mm256_srli_epi32(q->rmask, 1), _mm256_srli_epi32(x, 31));
    x = _mm256_srav_epi32(x, q->rsh);
    x = _mm256_sub_epi32(x, _mm256_cmpgt_epi32(rem, thr));
    x = _mm256_add_epi32(x, k->zp);
    return _mm256_min_epi32(_mm256_max_epi32(x, k->lo), k->hi);
}

/* The low byte of each lane (values are already inside the output type) into 8 bytes. */
OC_QRQ_AI __m128i oc_rq256_bytes(__m256i x)
{
    const __m256i pick =
        _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12,
                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    x = _mm256_shuffle_epi8(x, pick);
    return _mm_unpacklo_epi32(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
}

/* Fast fp32 epilogue (ep->fast): round(acc * scale) as int32, then 4 vectors at a time
 * narrowed with saturation (int16 + zero point, int8/uint8), clamped, lanes put back in order:
 * 32 output bytes, vector i's 8 values at bytes [8i, 8i+8). */
OC_QRQ_AI __m256i oc_rq256_round(__m256i x, __m256 scale)
{
    return _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(x), scale));
}

typedef struct oc_rqp256 {
    __m256i zp16, lo8, hi8, perm;
} oc_rqp256;

OC_QRQ_AI oc_rqp256 oc_rqp256_init(const oc_qgemm_ep *ep)
{
    oc_rqp256 k = {_mm256_set1_epi16((int16_t)ep->out_zp), _mm256_set1_epi8((char)ep->lo),
                   _mm256_set1_epi8((char)ep->hi), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)};
    return k;
}

OC_QRQ_AI __m256i oc_rq256_pack4(const bool U8, __m256i v0, __m256i v1, __m256i v2, __m256i v3,
                                 const oc_rqp256 *k)
{
    __m256i a = _mm256_adds_epi16(_mm256_packs_epi32(v0, v1), k->zp16);
    __m256i b = _mm256_adds_epi16(_mm256_packs_epi32(v2, v3), k->zp16);
    __m256i c;
    if (U8) {
        c = _mm256_packus_epi16(a, b);
        c = _mm256_min_epu8(_mm256_max_epu8(c, k->lo8), k->hi8);
    } else {
        c = _mm256_packs_epi16(a, b);
        c = _mm256_min_epi8(_mm256_max_epi8(c, k->lo8), k->hi8);
    }
    return _mm256_permutevar8x32_epi32(c, k->perm);
}

/* Stores n <= 8 bytes of the low half of b. */
OC_QRQ_AI void oc_rq_store8(uint8_t *dst, __m128i b, size_t n)
{
    if (n >= 8) {
        _mm_storel_epi64((__m128i *)dst, b);
        return;
    }
    uint64_t v = (uint64_t)_mm_cvtsi128_si64(b);
    for (size_t i = 0; i < n; i++, v >>= 8)
        dst[i] = (uint8_t)v;
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
typedef struct oc_rq512 {
    __m512i mult, lsh, rsh, rmask;
    __m512 scale;
} oc_rq512;

typedef struct oc_rqk512 {
    __m512 flo, fhi;
    __m512i zp, lo, hi;
} oc_rqk512;

OC_QRQ_AI oc_rqk512 oc_rqk512_init(const oc_qgemm_ep *ep)
{
    oc_rqk512 k = {_mm512_set1_ps(ep->flo), _mm512_set1_ps(ep->fhi), _mm512_set1_epi32(ep->out_zp),
                   _mm512_set1_epi32(ep->lo), _mm512_set1_epi32(ep->hi)};
    return k;
}

OC_QRQ_AI oc_rq512 oc_rq512_load(const bool FP32, const int32_t *hdr, size_t nr, size_t col)
{
    oc_rq512 q;
    q.scale = _mm512_loadu_ps(hdr + OC_QH_SCALE * nr + col);
    if (FP32) {
        q.mult = q.lsh = q.rsh = q.rmask = _mm512_setzero_si512();
        return q;
    }
    q.mult = _mm512_loadu_si512(hdr + OC_QH_MULT * nr + col);
    q.lsh = _mm512_loadu_si512(hdr + OC_QH_LSH * nr + col);
    q.rsh = _mm512_loadu_si512(hdr + OC_QH_RSH * nr + col);
    q.rmask = _mm512_loadu_si512(hdr + OC_QH_RMASK * nr + col);
    return q;
}

OC_QRQ_AI __m512i oc_rq512_apply(const bool FP32, __m512i x, const oc_rq512 *q, const oc_rqk512 *k)
{
    if (FP32) {
        __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(x), q->scale);
        f = _mm512_min_ps(_mm512_max_ps(f, k->flo), k->fhi);
        return _mm512_add_epi32(_mm512_cvtps_epi32(f), k->zp);
    }
    const __m512i half = _mm512_set1_epi64((int64_t)1 << 30);
    x = _mm512_sllv_epi32(x, q->lsh);
    __m512i even = _mm512_mul_epi32(x, q->mult);
    __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(q->mult, 32));
    even = _mm512_srli_epi64(_mm512_add_epi64(even, half), 31);
    odd = _mm512_slli_epi64(_mm512_add_epi64(odd, half), 1);
    x = _mm512_mask_blend_epi32(0xAAAA, even, odd);
    __m512i rem = _mm512_and_si512(x, q->rmask);
    __m512i thr = _mm512_add_epi32(_mm512_srli_epi32(q->rmask, 1), _mm512_srli_epi32(x, 31));
    x = _mm512_srav_epi32(x, q->rsh);
    x = _mm512_mask_add_epi32(x, _mm512_cmpgt_epi32_mask(rem, thr), x, _mm512_set1_epi32(1));
    x = _mm512_add_epi32(x, k->zp);
    return _mm512_min_epi32(_mm512_max_epi32(x, k->lo), k->hi);
}

OC_QRQ_AI __m512i oc_rq512_round(__m512i x, __m512 scale)
{
    return _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(x), scale));
}

typedef struct oc_rqp512 {
    __m512i zp16, lo8, hi8, perm;
} oc_rqp512;

OC_QRQ_AI oc_rqp512 oc_rqp512_init(const oc_qgemm_ep *ep)
{
    oc_rqp512 k = {_mm512_set1_epi16((int16_t)ep->out_zp), _mm512_set1_epi8((char)ep->lo),
                   _mm512_set1_epi8((char)ep->hi),
                   _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)};
    return k;
}

/* 64 output bytes, vector i's 16 values at bytes [16i, 16i+16). */
OC_QRQ_AI __m512i oc_rq512_pack4(const bool U8, __m512i v0, __m512i v1, __m512i v2, __m512i v3,
                                 const oc_rqp512 *k)
{
    __m512i a = _mm512_adds_epi16(_mm512_packs_epi32(v0, v1), k->zp16);
    __m512i b = _mm512_adds_epi16(_mm512_packs_epi32(v2, v3), k->zp16);
    __m512i c;
    if (U8) {
        c = _mm512_packus_epi16(a, b);
        c = _mm512_min_epu8(_mm512_max_epu8(c, k->lo8), k->hi8);
    } else {
        c = _mm512_packs_epi16(a, b);
        c = _mm512_min_epi8(_mm512_max_epi8(c, k->lo8), k->hi8);
    }
    return _mm512_permutexvar_epi32(k->perm, c);
}

/* Stores the low bytes of 16 lanes, n <= 16 of them. */
OC_QRQ_AI void oc_rq512_store(uint8_t *dst, __m512i x, size_t n)
{
    __m128i b = _mm512_cvtepi32_epi8(x);
    if (n >= 16)
        _mm_storeu_si128((__m128i *)dst, b);
    else
        _mm_mask_storeu_epi8(dst, (__mmask16)((1u << n) - 1), b);
}
#endif

#endif
