/* AVX2 row sums of raw activation bytes (the row terms of uint8 GEMMs, qconv.c): psadbw
 * against zero sums 8 bytes per 64-bit lane; int8 bytes are biased by the xor 0x80 and the
 * bias removed at the end. Rows of 8 bytes (a 1x1 conv on 8 channels) go 4 per vector. */
#include "kernels/qconv.h"

#if defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

/* Sum of one row's bytes from 32-, 16- and 8-byte chunks (the 64-bit lanes of a ymm), the
 * remainder (< 8 bytes) added into lane 0. */
static inline __m256i row_acc(const uint8_t *p, size_t len, __m256i f, uint8_t flip)
{
    const __m256i z = _mm256_setzero_si256();
    __m256i acc = z;
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        acc = _mm256_add_epi64(
            acc,
            _mm256_sad_epu8(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(p + i)), f), z));
    if (i + 16 <= len) {
        __m128i v =
            _mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i)), _mm256_castsi256_si128(f));
        acc = _mm256_add_epi64(acc, _mm256_castsi128_si256(_mm_sad_epu8(v, _mm_setzero_si128())));
        i += 16;
    }
    if (i + 8 <= len) {
        __m128i v = _mm_xor_si128(_mm_loadl_epi64((const __m128i *)(p + i)),
                                  _mm_set_epi64x(0, (int64_t)(0x0101010101010101ull * flip)));
        acc = _mm256_add_epi64(acc, _mm256_castsi128_si256(_mm_sad_epu8(v, _mm_setzero_si128())));
        i += 8;
    }
    uint64_t t = 0;
    for (; i < len; i++)
        t += (uint8_t)(p[i] ^ flip);
    return _mm256_add_epi64(acc, _mm256_set_epi64x(0, 0, 0, (int64_t)t));
}

/* out[r] = (sum of row r + add) * mul, wrapping like int32 arithmetic. */
static void sums(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8, int32_t add,
                 int32_t mul, int32_t *out)
{
    const uint8_t flip = i8 ? 0x80 : 0;
    const __m256i z = _mm256_setzero_si256(), f = _mm256_set1_epi8((char)flip);
    const __m128i off = _mm_set1_epi32((int32_t)((uint32_t)add - (i8 ? 128u * (uint32_t)len : 0u)));
    const __m128i mv = _mm_set1_epi32(mul);
    const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    size_t r = 0;
    if (len == 8 && stride == 8) { /* 4 rows per vector */
        for (; r + 4 <= rows; r += 4) {
            __m256i s = _mm256_sad_epu8(
                _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(a + r * 8)), f), z);
            __m128i v = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(s, pick));
            _mm_storeu_si128((__m128i *)(out + r), _mm_mullo_epi32(_mm_add_epi32(v, off), mv));
        }
    }
    for (; r + 4 <= rows; r += 4) { /* 4 rows, one reduction */
        __m256i s0 = row_acc(a + r * stride, len, f, flip);
        __m256i s1 = row_acc(a + (r + 1) * stride, len, f, flip);
        __m256i s2 = row_acc(a + (r + 2) * stride, len, f, flip);
        __m256i s3 = row_acc(a + (r + 3) * stride, len, f, flip);
        __m256i t01 =
            _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1), _mm256_unpackhi_epi64(s0, s1));
        __m256i t23 =
            _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3), _mm256_unpackhi_epi64(s2, s3));
        __m256i u = _mm256_add_epi64(_mm256_permute2x128_si256(t01, t23, 0x20),
                                     _mm256_permute2x128_si256(t01, t23, 0x31));
        __m128i v = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(u, pick));
        _mm_storeu_si128((__m128i *)(out + r), _mm_mullo_epi32(_mm_add_epi32(v, off), mv));
    }
    for (; r < rows; r++) {
        __m256i s = row_acc(a + r * stride, len, f, flip);
        __m128i h = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
        uint64_t t =
            (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(h, h));
        out[r] = (int32_t)(((uint32_t)t + (uint32_t)_mm_cvtsi128_si32(off)) * (uint32_t)mul);
    }
}

oc_qrow_sums_fn oc_qrow_sums_avx2(void)
{
    return sums;
}

#else

oc_qrow_sums_fn oc_qrow_sums_avx2(void)
{
    return NULL;
}

#endif
