/* AVX2 quantized depthwise rows: 8 channels per ymm, activations widened with vpmovzxbd /
 * vpmovsxbd, vpmaddwd against int16 weights; body in qdwconv_tpl.h. */
#include "kernels/qdwconv.h"

#if defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

#include "kernels/qreq_x86.h"

typedef __m256i V;
#define VL 8
typedef oc_rq256 RQ;

typedef struct RQK {
    oc_rqk256 k;
    oc_rqp256 p;
    bool fast, u8;
} RQK;

static inline __attribute__((always_inline)) V x_load(const bool I8, const uint8_t *p)
{
    __m128i b = _mm_loadl_epi64((const __m128i *)p);
    return I8 ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
}

static inline __attribute__((always_inline)) V x_load_n(const bool I8, const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n);
    __m128i b = _mm_cvtsi64_si128((int64_t)v);
    return I8 ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
}

#define v_load(p) _mm256_loadu_si256((const __m256i *)(p))
#define v_load_dup(p) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(p)))
#define v_set1(x) _mm256_set1_epi32(x)
#define v_zero() _mm256_setzero_si256()
#define v_add(a, b) _mm256_add_epi32((a), (b))
#define v_mac(acc, x, w) _mm256_add_epi32((acc), _mm256_madd_epi16((x), (w)))

static inline __attribute__((always_inline)) __m256i ld(const bool DUP, const int32_t *p)
{
    return DUP ? v_load_dup(p) : v_load(p);
}

static inline __attribute__((always_inline)) RQ rq_make(const bool FP32, const int32_t *pk,
                                                        size_t cp, size_t cb, const bool DUP)
{
    RQ q;
    q.scale = _mm256_castsi256_ps(ld(DUP, pk + OC_QDW_SCALE * cp + cb));
    if (FP32) {
        q.mult = q.lsh = q.rsh = q.rmask = _mm256_setzero_si256();
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
    RQK k = {oc_rqk256_init(ep), oc_rqp256_init(ep), ep->fast, ep->out_u8};
    return k;
}

static inline __attribute__((always_inline)) V rq_apply(const bool FP32, V x, const RQ *q,
                                                        const RQK *k)
{
    return oc_rq256_apply(FP32, x, q, &k->k);
}

static inline __attribute__((always_inline)) void st_bytes(uint8_t *dst, V x, size_t n)
{
    oc_rq_store8(dst, oc_rq256_bytes(x), n);
}

#define k_fast(k) ((k)->fast)
#define rq_round(x, q) oc_rq256_round((x), (q)->scale)

static inline __attribute__((always_inline)) V rq_pack4(const V *y, const RQK *k)
{
    return k->u8 ? oc_rq256_pack4(true, y[0], y[1], y[2], y[3], &k->p)
                 : oc_rq256_pack4(false, y[0], y[1], y[2], y[3], &k->p);
}

static inline __attribute__((always_inline)) void st_pack4(uint8_t *dst, size_t dstep, V b)
{
    if (dstep == 8) {
        _mm256_storeu_si256((__m256i *)dst, b);
        return;
    }
    const __m128i lo = _mm256_castsi256_si128(b), hi = _mm256_extracti128_si256(b, 1);
    _mm_storel_epi64((__m128i *)dst, lo);
    _mm_storel_epi64((__m128i *)(dst + dstep), _mm_unpackhi_epi64(lo, lo));
    _mm_storel_epi64((__m128i *)(dst + 2 * dstep), hi);
    _mm_storel_epi64((__m128i *)(dst + 3 * dstep), _mm_unpackhi_epi64(hi, hi));
}

#include "kernels/qdwconv_tpl.h"

oc_qdw_rows_fn oc_qdw_rows_avx2(void)
{
    return qdw_rows;
}

#else

oc_qdw_rows_fn oc_qdw_rows_avx2(void)
{
    return NULL;
}

#endif
