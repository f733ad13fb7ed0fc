/* The gemmlowp-style fixed-point functions appended to core/fixedpoint (exp on negative
 * values, 1/(1+x), logistic, tanh, TFLite's reciprocal and inverse square root) against
 * double-precision math, plus exact values gemmlowp defines (exp(0) = 1, logistic(0) = 1/2). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fixedpoint.h"

static double q31(int32_t v)
{
    return v / 2147483648.0;
}

static void near(double got, double want, double tol, const char *what, double x)
{
    if (!(fabs(got - want) <= tol)) fail_msg("%s(%g): got %.9g want %.9g", what, x, got, want);
}

static void test_exp_negative(void **state)
{
    (void)state;
    const int bits[] = {0, 3, 5, 6, 12};
    for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++) {
        int k = bits[b];
        double unit = ldexp(1.0, 31 - k), lim = ldexp(1.0, k);
        for (int i = 0; i <= 1000; i++) {
            double x = -lim * i / 1000.0;
            if (x * unit < -2147483648.0) continue;
            int32_t raw = (int32_t)(x * unit);
            double got = q31(oc_fp_exp_on_negative_values(raw, k));
            near(got, exp(raw / unit), 3e-7, "exp", raw / unit); /* 4th-order Taylor */
        }
    }
    assert_int_equal(oc_fp_exp_on_negative_values(0, 5), INT32_MAX);
    /* below -32 with more than 5 integer bits: 0 */
    assert_int_equal(oc_fp_exp_on_negative_values(-(40 << 20), 11), 0);
}

static void test_one_over_one_plus_x(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        double x = i / 1000.0;
        int32_t raw = (int32_t)(x * 2147483648.0);
        near(q31(oc_fp_one_over_one_plus_x_for_x_in_0_1(raw)), 1 / (1 + q31(raw)), 1e-8, "1/(1+x)",
             x);
    }
}

static void test_logistic_tanh(void **state)
{
    (void)state;
    for (int k = 2; k <= 5; k++) {
        double unit = ldexp(1.0, 31 - k), lim = ldexp(1.0, k) * 0.999;
        for (int i = -500; i <= 500; i++) {
            double x = lim * i / 500.0;
            int32_t raw = (int32_t)(x * unit);
            double xr = raw / unit;
            near(q31(oc_fp_logistic(raw, k)), 1 / (1 + exp(-xr)), 3e-7, "logistic", xr);
            near(q31(oc_fp_tanh(raw, k)), tanh(xr), 1e-6, "tanh", xr);
        }
    }
    assert_int_equal(oc_fp_logistic(0, 4), 1 << 30);
    assert_int_equal(oc_fp_tanh(0, 4), 0);
}

static void test_reciprocal_inv_sqrt(void **state)
{
    (void)state;
    for (int32_t x = 1; x < 100000; x = x * 3 / 2 + 1) {
        int bits;
        int32_t r = oc_get_reciprocal(x, 31, &bits);
        /* x (an integer, 31 integer bits) = 2^bits * f with f in [1, 2): r = 1/f in Q0.31 */
        near(q31(r) * ldexp(1.0, -bits), 1.0 / x, 1e-8 / x, "1/x", x);
        int32_t m;
        int sh;
        oc_inv_sqrt_multiplier_exp(x, -1, &m, &sh);
        double v = q31(m) * ldexp(1.0, sh);
        if (x > 1) near(v, 1 / sqrt((double)x), 5e-6 / sqrt((double)x), "1/sqrt", x);
    }
    int32_t m;
    int sh;
    oc_inv_sqrt_multiplier_exp(0, -1, &m, &sh);
    assert_int_equal(m, INT32_MAX);
    assert_int_equal(sh, 0);
}

static void test_helpers(void **state)
{
    (void)state;
    assert_int_equal(oc_sat_mul_pot(1 << 28, 3), INT32_MAX);
    assert_int_equal(oc_sat_mul_pot(-(1 << 28), 3), INT32_MIN);
    assert_int_equal(oc_sat_mul_pot(5, 2), 20);
    assert_int_equal(oc_sat_mul_pot(-3, -1), -2);
    assert_int_equal(oc_rounding_half_sum(3, 4), 4);
    assert_int_equal(oc_rounding_half_sum(-3, -4), -4);
    assert_int_equal(oc_clrsb32(0), 31);
    assert_int_equal(oc_clrsb32(1), 30);
    assert_int_equal(oc_clrsb32(-1), 31);
    assert_int_equal(oc_clz32(0), 32);
    int l;
    assert_true(oc_checked_log2(0.25f, &l));
    assert_int_equal(l, -2);
    assert_false(oc_checked_log2(0.3f, &l));
}

/* The 16x8 requantization of an int64 accumulator: exact in range, and a huge accumulator (an
 * absurd int64 bias from a fuzzed model) wraps instead of overflowing (UBSan checks in CI). */
static void test_mul_by_qm64(void **state)
{
    (void)state;
    int32_t q;
    int sh;
    oc_quantize_multiplier(0.5, &q, &sh); /* q = 2^30, shift 0 */
    assert_int_equal(oc_mul_by_qm64(1000, q, sh), 500);
    assert_int_equal(oc_mul_by_qm64(-1001, q, sh), -500); /* round half up: -500.5 -> -500 */
    assert_int_equal(oc_mul_by_qm64(3, q, sh), 2);
    const int64_t big[] = {46722647110805288LL, -1513209474796513621LL, INT64_MAX, INT64_MIN};
    for (int i = 0; i < 4; i++) {
        int32_t reduced = (q + (1 << 15)) >> 16;
        uint64_t want = (uint64_t)big[i] * (uint64_t)(int64_t)reduced + ((uint64_t)1 << 14);
        assert_int_equal(oc_mul_by_qm64(big[i], q, sh), (int32_t)((int64_t)want >> 15));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_negative),  cmocka_unit_test(test_one_over_one_plus_x),
        cmocka_unit_test(test_logistic_tanh), cmocka_unit_test(test_reciprocal_inv_sqrt),
        cmocka_unit_test(test_helpers),       cmocka_unit_test(test_mul_by_qm64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
