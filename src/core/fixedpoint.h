/* Fixed-point arithmetic of TFLite's quantized kernels (gemmlowp semantics, TFLite's default
 * double rounding: TFLITE_SINGLE_ROUNDING off). The quantizer and every quantized kernel use these
 * so that results are bit-identical to TFLite's reference kernels. All inline: they sit in the
 * innermost loops. */
#ifndef OC_CORE_FIXEDPOINT_H
#define OC_CORE_FIXEDPOINT_H

#include <stdbool.h>
#include <stdint.h>

/* A real multiplier as q * 2^(shift - 31), q in [2^30, 2^31) (or 0). TFLite's QuantizeMultiplier. */
void oc_quantize_multiplier(double m, int32_t *q, int *shift);

/* (a * b * 2) >> 32 rounded to nearest, saturating the single overflow case. */
static inline int32_t oc_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    int64_t r = (ab + nudge) / ((int64_t)1 << 31); /* C division truncates toward zero */
    return (int32_t)r;
}

/* x / 2^e rounded to nearest, ties away from zero. 0 <= e <= 31. */
static inline int32_t oc_rdbpot(int32_t x, int e)
{
    int32_t mask = (int32_t)(((int64_t)1 << e) - 1);
    int32_t rem = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (rem > threshold ? 1 : 0);
}

/* x * q * 2^(shift - 31): TFLite's MultiplyByQuantizedMultiplier (int32 accumulator). */
static inline int32_t oc_mul_by_qm(int32_t x, int32_t q, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    return oc_rdbpot(oc_srdhm((int32_t)((uint32_t)x << left), q), right);
}

/* The int64-accumulator variant used by 16x8 kernels (TFLite reference_integer_ops). */
static inline int32_t oc_mul_by_qm64(int64_t x, int32_t q, int shift)
{
    int32_t reduced = q < 0x7FFF0000 ? (q + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    x = x * (int64_t)reduced + ((int64_t)1 << (total - 1));
    return (int32_t)(x >> total);
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp / GreaterThanOne are oc_mul_by_qm with a
 * negative / positive shift. */

static inline int32_t oc_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

#endif
