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

#else

oc_qdw_rows_fn oc_qdw_rows_avx512vnni(void)
{
    return NULL;
}

#endif
