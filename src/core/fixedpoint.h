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

/* The int64-accumulator variant used by 16x8 kernels (TFLite reference_integer_ops). The product
 * wraps instead of overflowing: a model's int64 bias can be anything, and in-range results are
 * unchanged. shift <= 14. */
static inline int32_t oc_mul_by_qm64(int64_t x, int32_t q, int shift)
{
    int32_t reduced = q < 0x7FFF0000 ? (q + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    x = (int64_t)((uint64_t)x * (uint64_t)(int64_t)reduced + ((uint64_t)1 << (total - 1)));
    return (int32_t)(x >> total);
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp / GreaterThanOne are oc_mul_by_qm with a
 * negative / positive shift. */

static inline int32_t oc_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- gemmlowp fixed-point math on int32 raw values (appended for the elementwise ops) ------
 * A value with k integer bits is raw / 2^(31 - k). Additions wrap like gemmlowp's int32 ones. */

static inline int32_t oc_wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t oc_wrap_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* x * 2^e, saturating for e > 0 and rounding (oc_rdbpot) for e < 0:
 * gemmlowp SaturatingRoundingMultiplyByPOT. -31 <= e <= 30. */
static inline int32_t oc_sat_mul_pot(int32_t x, int e)
{
    if (e < 0) return oc_rdbpot(x, -e);
    if (e == 0) return x;
    int32_t threshold = (int32_t)((1u << (31 - e)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
}

/* gemmlowp RoundingHalfSum: (a + b) / 2 rounded away from zero. */
static inline int32_t oc_rounding_half_sum(int32_t a, int32_t b)
{
    int64_t s = (int64_t)a + (int64_t)b;
    return (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
}

/* Leading zeros of x (32 for 0) and TFLite CountLeadingSignBits (31 for 0). */
static inline int oc_clz32(uint32_t x)
{
    return x ? __builtin_clz(x) : 32;
}
static inline int oc_clrsb32(int32_t x)
{
    return x ? __builtin_clrsb(x) : 31;
}

/* exp(a) for a <= 0 with int_bits integer bits (0..30), result Q0.31 (gemmlowp
 * exp_on_negative_values). */
int32_t oc_fp_exp_on_negative_values(int32_t a, int int_bits);
/* 1 / (1 + a) for a in [0, 1), both Q0.31 (gemmlowp one_over_one_plus_x_for_x_in_0_1). */
int32_t oc_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a);
/* logistic(a) and tanh(a), a with int_bits integer bits (0..29), result Q0.31 (gemmlowp). */
int32_t oc_fp_logistic(int32_t a, int int_bits);
int32_t oc_fp_tanh(int32_t a, int int_bits);
/* TFLite GetReciprocal: 1 / x for x > 0 with x_integer_digits integer bits, as Q0.31 and the
 * number of bits of x above 1.0. */
int32_t oc_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit);
/* TFLite GetInvSqrtQuantizedMultiplierExp: 1 / sqrt(input) as multiplier and shift
 * (reverse_shift -1 gives a left-shift exponent as oc_mul_by_qm expects). */
void oc_inv_sqrt_multiplier_exp(int32_t input, int reverse_shift, int32_t *mult, int *shift);
/* TFLite CheckedLog2: true when x is a power of two (within 1e-3 in log2); *log2 = rounded. */
bool oc_checked_log2(float x, int *log2);

/* ---- gemmlowp fixed-point math on int16 raw values (appended for the integer LSTM) -------
 * gemmlowp's FixedPoint<int16_t, k>: value = raw / 2^(15 - k); additions wrap, except where
 * gemmlowp saturates int16 sums. */
/* logistic(a) and tanh(a), a with int_bits integer bits (0..6), result Q0.15. */
int16_t oc_fp16_logistic(int16_t a, int int_bits);
int16_t oc_fp16_tanh(int16_t a, int int_bits);

#endif
