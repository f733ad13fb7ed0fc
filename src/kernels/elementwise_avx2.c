/* AVX2 fast paths for float elementwise ops. Binary ops and the clamp-style activations are
 * exactly rounded like the reference loops; LOGISTIC and TANH use a vector exp that stays
 * within a few ulp of expf (about 2e-7 relative). The tail of a row goes through the same
 * vector code (masked, or via an 8-lane buffer) so an element's result never depends on
 * where a row or a parallel chunk happens to start. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#include "kernels/elementwise.h"

static const int32_t mask_tbl[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

/* Lanes [0, rem) on, rem in 1..7. */
static inline __m256i tail_mask(int64_t rem)
{
    return _mm256_loadu_si256((const __m256i *)(mask_tbl + 8 - rem));
}

/* min(max(v, lo), hi) with TFLite's NaN behaviour (NaN passes through). */
static inline __m256 clamp8(__m256 v, __m256 lo, __m256 hi)
{
    return _mm256_min_ps(hi, _mm256_max_ps(lo, v));
}

/* One function per op; each runs the three stride cases as separate loops. */
#define DEF_BINARY(NAME, EXPR)                                                                     \
    static void NAME(const float *a, int sa, const float *b, int sb, float *o, int64_t n,          \
                     __m256 lo, __m256 hi)                                                         \
    {                                                                                              \
        int64_t i = 0;                                                                             \
        __m256 x, y;                                                                               \
        if (sa && sb) {                                                                            \
            for (; i + 8 <= n; i += 8) {                                                           \
                x = _mm256_loadu_ps(a + i);                                                        \
                y = _mm256_loadu_ps(b + i);                                                        \
                _mm256_storeu_ps(o + i, clamp8((EXPR), lo, hi));                                   \
            }                                                                                      \
        } else if (sb) {                                                                           \
            x = _mm256_set1_ps(a[0]);                                                              \
            for (; i + 8 <= n; i += 8) {                                                           \
                y = _mm256_loadu_ps(b + i);                                                        \
                _mm256_storeu_ps(o + i, clamp8((EXPR), lo, hi));                                   \
            }                                                                                      \
        } else if (sa) {                                                                           \
            y = _mm256_set1_ps(b[0]);                                                              \
            for (; i + 8 <= n; i += 8) {                                                           \
                x = _mm256_loadu_ps(a + i);                                                        \
                _mm256_storeu_ps(o + i, clamp8((EXPR), lo, hi));                                   \
            }                                                                                      \
        }                                                                                          \
        if (i < n) {                                                                               \
            __m256i m = tail_mask(n - i);                                                          \
            x = sa ? _mm256_maskload_ps(a + i, m) : _mm256_set1_ps(a[0]);                          \
            y = sb ? _mm256_maskload_ps(b + i, m) : _mm256_set1_ps(b[0]);                          \
            _mm256_maskstore_ps(o + i, m, clamp8((EXPR), lo, hi));                                 \
        }                                                                                          \
    }

DEF_BINARY(bin_add, _mm256_add_ps(x, y))
DEF_BINARY(bin_sub, _mm256_sub_ps(x, y))
DEF_BINARY(bin_mul, _mm256_mul_ps(x, y))
DEF_BINARY(bin_div, _mm256_div_ps(x, y))
DEF_BINARY(bin_max, _mm256_max_ps(x, y))
DEF_BINARY(bin_min, _mm256_min_ps(x, y))
DEF_BINARY(bin_sqdiff, _mm256_mul_ps(_mm256_sub_ps(x, y), _mm256_sub_ps(x, y)))

void oc_ew_binary_f32_avx2(oc_ew_fop op, const float *a, int sa, const float *b, int sb, float *out,
                           int64_t n, float lo, float hi)
{
    __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    switch (op) {
    case OC_EWF_ADD: bin_add(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_SUB: bin_sub(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_MUL: bin_mul(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_DIV: bin_div(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_MAX: bin_max(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_MIN: bin_min(a, sa, b, sb, out, n, vlo, vhi); break;
    case OC_EWF_SQDIFF: bin_sqdiff(a, sa, b, sb, out, n, vlo, vhi); break;
    }
}

/* e^x for x in [-104, 88] (clamped; NaN propagates): x = n*ln2 + r with |r| <= ln2/2,
 * e^r by its Taylor series to degree 7 (truncation < 1e-8 relative), then 2^n applied in
 * two halves so results down to the subnormal range stay correct. */
static inline __m256 exp8(__m256 x)
{
    x = _mm256_max_ps(_mm256_set1_ps(-104.f), x);
    x = _mm256_min_ps(_mm256_set1_ps(88.f), x);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    /* ln2 split so that n * ln2_hi is exact */
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.f / 5040.f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f / 720.f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f / 120.f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f / 24.f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f / 6.f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.f));
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i n1 = _mm256_srai_epi32(ni, 1);
    __m256i n2 = _mm256_sub_epi32(ni, n1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/* TFLite's reference: x > 16.619... -> 1; x < -9 -> e^x; else 1 / (1 + e^-x). */
static inline __m256 logistic8(__m256 x)
{
    __m256 low = _mm256_cmp_ps(x, _mm256_set1_ps(-9.f), _CMP_LT_OQ);
    __m256 high = _mm256_cmp_ps(x, _mm256_set1_ps(16.619047164916992188f), _CMP_GT_OQ);
    __m256 neg = _mm256_sub_ps(_mm256_setzero_ps(), x);
    __m256 e = exp8(_mm256_blendv_ps(neg, x, low));
    __m256 one = _mm256_set1_ps(1.f);
    __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, e));
    r = _mm256_blendv_ps(r, e, low);
    return _mm256_blendv_ps(r, one, high);
}

/* |x| < 0.625: odd Taylor series to x^17 (alternating; next term < 6e-8 relative);
 * otherwise 1 - 2 / (e^{2|x|} + 1) with the sign of x (no cancellation there). */
static inline __m256 tanh8(__m256 x)
{
    __m256 sign = _mm256_set1_ps(-0.f);
    __m256 ax = _mm256_andnot_ps(sign, x);
    __m256 small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ);
    __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps((float)(6404582.0 / 10854718875.0));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(-929569.0 / 638512875.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(21844.0 / 6081075.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(-1382.0 / 155925.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(62.0 / 2835.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(-17.0 / 315.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(2.0 / 15.0)));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps((float)(-1.0 / 3.0)));
    __m256 ts = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    __m256 one = _mm256_set1_ps(1.f);
    __m256 e = exp8(_mm256_add_ps(ax, ax));
    __m256 tl = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.f), _mm256_add_ps(e, one)));
    tl = _mm256_or_ps(tl, _mm256_and_ps(sign, x));
    return _mm256_blendv_ps(tl, ts, small);
}

static inline __m256 unary8(oc_ew_uop op, __m256 x, float param)
{
    __m256 zero = _mm256_setzero_ps();
    switch (op) {
    case OC_EWU_RELU: return _mm256_max_ps(zero, x); /* x < 0 ? 0 : x */
    case OC_EWU_RELU6: return clamp8(x, zero, _mm256_set1_ps(6.f));
    case OC_EWU_RELU_N1_TO_1: return clamp8(x, _mm256_set1_ps(-1.f), _mm256_set1_ps(1.f));
    case OC_EWU_LEAKY_RELU: {
        __m256 pos = _mm256_cmp_ps(x, zero, _CMP_GT_OQ);
        return _mm256_blendv_ps(_mm256_mul_ps(x, _mm256_set1_ps(param)), x, pos);
    }
    case OC_EWU_HARD_SWISH: {
        /* x * min(6, max(0, x + 3)) / 6, in the reference's order */
        __m256 t = _mm256_max_ps(_mm256_add_ps(x, _mm256_set1_ps(3.f)), zero);
        t = _mm256_min_ps(t, _mm256_set1_ps(6.f));
        return _mm256_div_ps(_mm256_mul_ps(x, t), _mm256_set1_ps(6.f));
    }
    case OC_EWU_LOGISTIC: return logistic8(x);
    case OC_EWU_TANH: return tanh8(x);
    }
    return x;
}

/* The op switch sits outside the loops: each case gets its own loop. */
#define UNARY_LOOP(OP)                                                                             \
    do {                                                                                           \
        for (; i + 8 <= n; i += 8)                                                                 \
            _mm256_storeu_ps(out + i, unary8((OP), _mm256_loadu_ps(in + i), param));               \
    } while (0)

void oc_ew_unary_f32_avx2(oc_ew_uop op, const float *in, float *out, int64_t n, float param)
{
    int64_t i = 0;
    switch (op) {
    case OC_EWU_RELU: UNARY_LOOP(OC_EWU_RELU); break;
    case OC_EWU_RELU6: UNARY_LOOP(OC_EWU_RELU6); break;
    case OC_EWU_RELU_N1_TO_1: UNARY_LOOP(OC_EWU_RELU_N1_TO_1); break;
    case OC_EWU_LEAKY_RELU: UNARY_LOOP(OC_EWU_LEAKY_RELU); break;
    case OC_EWU_HARD_SWISH: UNARY_LOOP(OC_EWU_HARD_SWISH); break;
    case OC_EWU_LOGISTIC: UNARY_LOOP(OC_EWU_LOGISTIC); break;
    case OC_EWU_TANH: UNARY_LOOP(OC_EWU_TANH); break;
    }
    if (i < n) {
        float buf[8] = {0};
        memcpy(buf, in + i, (size_t)(n - i) * sizeof(float));
        _mm256_storeu_ps(buf, unary8(op, _mm256_loadu_ps(buf), param));
        memcpy(out + i, buf, (size_t)(n - i) * sizeof(float));
    }
}
#endif
