#include "core/fixedpoint.h"

#include <math.h>

void oc_quantize_multiplier(double m, int32_t *q, int *shift)
{
    if (m == 0.0) {
        *q = 0;
        *shift = 0;
        return;
    }
    int e;
    double frac = frexp(m, &e);
    int64_t qf = (int64_t)llround(frac * (double)(1ll << 31));
    if (qf == (1ll << 31)) {
        qf /= 2;
        e++;
    }
    if (e < -31) { /* too small to represent: flush to zero as TFLite */
        e = 0;
        qf = 0;
    }
    *q = (int32_t)qf;
    *shift = e;
}

/* ---- gemmlowp fixed-point math (appended for the elementwise ops) ------------------------ */

/* exp(a) for a in [-1/4, 0), Q0.31: Taylor expansion around -1/8. */
static int32_t exp_on_quarter_interval(int32_t a)
{
    const int32_t c = 1895147668;        /* exp(-1/8) */
    const int32_t one_third = 715827883; /* 1/3 */
    int32_t x = oc_wrap_add(a, 1 << 28); /* a + 1/8 */
    int32_t x2 = oc_srdhm(x, x), x3 = oc_srdhm(x2, x), x4 = oc_srdhm(x2, x2);
    int32_t x4_over_4 = oc_rdbpot(x4, 2);
    int32_t poly = oc_rdbpot(oc_wrap_add(oc_srdhm(oc_wrap_add(x4_over_4, x3), one_third), x2), 1);
    return oc_wrap_add(c, oc_srdhm(c, oc_wrap_add(x, poly)));
}

int32_t oc_fp_exp_on_negative_values(int32_t a, int int_bits)
{
    static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242}; /* exp(-2^e), e = -2..4 */
    const int frac = 31 - int_bits;
    const int32_t quarter = (int32_t)1 << (frac - 2);
    int32_t a_mod = oc_wrap_sub(a & (quarter - 1), quarter);
    int32_t result = exp_on_quarter_interval(oc_sat_mul_pot(a_mod, int_bits));
    int32_t remainder = oc_wrap_sub(a_mod, a);
    for (int e = -2; e <= 4; e++)
        if (int_bits > e && (remainder & ((int32_t)1 << (frac + e))))
            result = oc_srdhm(result, mult[e + 2]);
    if (int_bits > 5 && a < -((int32_t)1 << (36 - int_bits))) result = 0; /* below -32 */
    return a == 0 ? INT32_MAX : result;
}

/* Newton-Raphson reciprocal of (1 + a) / 2 in Q2.29, shared by the two functions below. */
static int32_t nr_reciprocal_half_denominator(int32_t a)
{
    const int32_t c48_17 = 1515870810, cneg32_17 = -1010580540; /* Q2.29 */
    int32_t half_den = oc_rounding_half_sum(a, INT32_MAX);
    int32_t x = oc_wrap_add(c48_17, oc_srdhm(half_den, cneg32_17));
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = oc_wrap_sub(1 << 29, oc_srdhm(half_den, x));
        x = oc_wrap_add(x, oc_sat_mul_pot(oc_srdhm(x, one_minus), 2));
    }
    return x;
}

int32_t oc_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    return oc_sat_mul_pot(nr_reciprocal_half_denominator(a), 1);
}

/* (1 - a) / (1 + a) for a in (0, 1), Q0.31. */
static int32_t one_minus_x_over_one_plus_x(int32_t a)
{
    return oc_sat_mul_pot(oc_wrap_sub(nr_reciprocal_half_denominator(a), 1 << 29), 2);
}

int32_t oc_fp_logistic(int32_t a, int int_bits)
{
    if (a == 0) return 1 << 30;
    int32_t abs_a = a > 0 ? a : oc_wrap_sub(0, a);
    int32_t pos = oc_fp_one_over_one_plus_x_for_x_in_0_1(
        oc_fp_exp_on_negative_values(oc_wrap_sub(0, abs_a), int_bits));
    return a > 0 ? pos : oc_wrap_sub(INT32_MAX, pos);
}

int32_t oc_fp_tanh(int32_t a, int int_bits)
{
    if (a == 0) return 0;
    int32_t neg_abs = a < 0 ? a : oc_wrap_sub(0, a);
    /* exp(-2|a|): the same raw value read with one more integer bit */
    int32_t t = one_minus_x_over_one_plus_x(oc_fp_exp_on_negative_values(neg_abs, int_bits + 1));
    return a < 0 ? oc_wrap_sub(0, t) : t;
}

int32_t oc_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit)
{
    int headroom_plus_one = oc_clz32((uint32_t)x);
    *num_bits_over_unit = x_integer_digits - headroom_plus_one;
    int32_t shifted_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
    return oc_fp_one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

void oc_inv_sqrt_multiplier_exp(int32_t input, int reverse_shift, int32_t *mult, int *shift)
{
    if (input <= 1) { /* 0 reads as 1, like TFLite */
        *mult = INT32_MAX;
        *shift = 0;
        return;
    }
    int s = 11;
    while (input >= (1 << 29)) {
        input /= 4;
        s++;
    }
    int pairs = (oc_clz32((uint32_t)input) - 1) / 2 - 1;
    s -= pairs;
    input <<= 2 * pairs;
    /* Newton-Raphson for 1/sqrt in Q3.28, starting from 1, five iterations */
    const int32_t half_input = oc_rdbpot(input >> 1, 1);
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t x = 1 << 28;
    for (int i = 0; i < 5; i++) {
        int32_t x3 = oc_sat_mul_pot(oc_srdhm(oc_srdhm(x, x), x), 6);
        x = oc_sat_mul_pot(oc_wrap_sub(oc_srdhm(half_three, x), oc_srdhm(half_input, x3)), 3);
    }
    x = oc_srdhm(x, 1518500250); /* * sqrt(2) / 2 */
    if (s < 0) {
        x = (int32_t)((uint32_t)x << -s);
        s = 0;
    }
    *mult = x;
    *shift = s * reverse_shift;
}

bool oc_checked_log2(float x, int *log2)
{
    const float l = logf(x) * (1.0f / logf(2.0f));
    const float r = roundf(l);
    *log2 = (int)r;
    return fabsf(l - r) < 1e-3f;
}

/* ---- gemmlowp fixed-point math on int16 raw values (appended for the integer LSTM) ------- */

static inline int16_t w16(int32_t x) /* int16 arithmetic wraps, as C++ int16 conversions do */
{
    return (int16_t)(uint16_t)(uint32_t)x;
}

static int16_t srdhm16(int16_t a, int16_t b)
{
    if (a == b && a == INT16_MIN) return INT16_MAX;
    int32_t ab = (int32_t)a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((ab + nudge) / (1 << 15));
}

static int16_t rdbpot16(int16_t x, int e)
{
    int16_t mask = w16((1 << e) - 1);
    int16_t rem = (int16_t)(x & mask);
    int16_t threshold = w16((mask >> 1) + (x < 0 ? 1 : 0));
    return w16((x >> e) + (rem > threshold ? 1 : 0));
}

static int16_t sat_mul_pot16(int16_t x, int e)
{
    if (e < 0) return rdbpot16(x, -e);
    if (e == 0) return x;
    int32_t threshold = (1 << (15 - e)) - 1;
    if (x > threshold) return INT16_MAX;
    if (x < -threshold) return INT16_MIN;
    return w16(x * (1 << e));
}

static int16_t sat_add16(int16_t a, int16_t b)
{
    int32_t s = (int32_t)a + b;
    return (int16_t)(s > INT16_MAX ? INT16_MAX : s < INT16_MIN ? INT16_MIN : s);
}

/* gemmlowp's int32 constants, rounded to 16 bits. */
static int16_t c16(int32_t v)
{
    return (int16_t)oc_rdbpot(v, 16);
}

static int16_t exp_on_quarter_interval16(int16_t a)
{
    const int16_t c = c16(1895147668), one_third = c16(715827883);
    int16_t x = w16(a + (1 << 12)); /* a + 1/8 */
    int16_t x2 = srdhm16(x, x), x3 = srdhm16(x2, x), x4 = srdhm16(x2, x2);
    int16_t x4_over_4 = sat_mul_pot16(x4, -2);
    int16_t poly = sat_mul_pot16(w16(srdhm16(w16(x4_over_4 + x3), one_third) + x2), -1);
    return sat_add16(c, srdhm16(c, w16(x + poly)));
}

static int16_t exp_on_negative16(int16_t a, int int_bits)
{
    static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242};
    const int frac = 15 - int_bits;
    const int16_t quarter = (int16_t)(1 << (frac - 2));
    int16_t a_mod = w16((a & w16(quarter - 1)) - quarter);
    int16_t result = exp_on_quarter_interval16(sat_mul_pot16(a_mod, int_bits));
    int16_t remainder = w16(a_mod - a);
    for (int e = -2; e <= 4; e++)
        if (int_bits > e && ((uint16_t)remainder & (1u << (frac + e))))
            result = srdhm16(result, c16(mult[e + 2]));
    if (int_bits > 5 && a < c16(-(1 << (36 - int_bits)))) result = 0; /* below -32 */
    return a == 0 ? INT16_MAX : result;
}

/* Newton-Raphson reciprocal of (1 + a) / 2 in Q2.13. */
static int16_t nr_reciprocal_half_denominator16(int16_t a)
{
    const int16_t c48_17 = c16(1515870810), cneg32_17 = c16(-1010580540);
    int32_t s = (int32_t)a + INT16_MAX;
    int16_t half_den = (int16_t)((s + (s >= 0 ? 1 : -1)) / 2);
    int16_t x = w16(c48_17 + srdhm16(half_den, cneg32_17));
    for (int i = 0; i < 3; i++) {
        int16_t one_minus = w16((1 << 13) - srdhm16(half_den, x));
        x = w16(x + sat_mul_pot16(srdhm16(x, one_minus), 2));
    }
    return x;
}

int16_t oc_fp16_logistic(int16_t a, int int_bits)
{
    if (a == 0) return c16(1 << 30);
    int16_t abs_a = a > 0 ? a : w16(-a);
    int16_t e = exp_on_negative16(w16(-abs_a), int_bits);
    int16_t pos = sat_mul_pot16(nr_reciprocal_half_denominator16(e), 1);
    return a > 0 ? pos : w16(INT16_MAX - pos);
}

int16_t oc_fp16_tanh(int16_t a, int int_bits)
{
    if (a == 0) return 0;
    int16_t neg_abs = a < 0 ? a : w16(-a);
    int16_t e = exp_on_negative16(neg_abs, int_bits + 1);
    int16_t t = sat_mul_pot16(w16(nr_reciprocal_half_denominator16(e) - (1 << 13)), 2);
    return a < 0 ? w16(-t) : t;
}
