/* RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH, ELU, LEAKY_RELU, HARD_SWISH, GELU, PRELU.
 * Each case runs with the portable kernels and with the detected ISA (vector fast paths).
 * LOGISTIC and TANH are held to 1e-6 relative error against double-precision formulas. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "ops/binary.h"

static const oc_cpu cpu_plain;

/* Runs def on a 1-D float input; got receives the output. */
static void run1(const oc_op_def *def, const void *params, const float *in, int32_t n, float *got,
                 int isa, int nthr)
{
    ot_case c;
    ot_init(&c, def);
    if (isa == 0) c.ctx.cpu = &cpu_plain;
    c.op.params = params;
    ot_input(&c, OC_F32, 1, &n, in, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], n);
    memcpy(got, ot_out(&c, 0)->data, (size_t)n * 4);
    ot_free(&c);
}

/* Inputs: a sweep of [-lim, lim) with step plus special values; returns the count. */
static int32_t sweep(float *v, float lim, float step)
{
    static const float special[] = {0.f,     -0.f, 1e-20f, -1e-20f, 1e-40f, -9.f, 16.619047f,
                                    16.62f,  -3.f, 3.f,    6.f,     -1.f,   1.f,  0.625f,
                                    -0.625f, 88.f, -88.f,  200.f,   -200.f};
    int32_t n = 0;
    for (float x = -lim; x < lim; x += step)
        v[n++] = x;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        v[n++] = special[i];
    v[n++] = INFINITY;
    v[n++] = -INFINITY;
    return n;
}

/* |got - want| <= rel * |want|, or an absolute 1e-38 for subnormal-sized wants; NaN == NaN. */
static void assert_rel(const float *got, const double *want, int32_t n, double rel)
{
    for (int32_t i = 0; i < n; i++) {
        if (isnan(want[i]) && isnan(got[i])) continue;
        double err = fabs((double)got[i] - want[i]);
        double lim = fabs(want[i]) > 1e-37 ? rel * fabs(want[i]) : 1e-38;
        if (!(err <= lim)) fail_msg("element %d: got %.9g, want %.9g", i, got[i], want[i]);
    }
}

static double logistic_d(double x)
{
    if (x > 16.619047164916992188) return 1.0;
    if (x < -9.0) return exp(x);
    return 1.0 / (1.0 + exp(-x));
}

static void test_logistic_tanh_accuracy(void **state)
{
    (void)state;
    float *in = malloc(50000 * 4), *got = malloc(50000 * 4);
    double *want = malloc(50000 * 8);
    int32_t n = sweep(in, 25.f, 0.00125f);
    for (int isa = 0; isa < 2; isa++) {
        run1(&oc_op_LOGISTIC, NULL, in, n, got, isa, 1);
        for (int32_t i = 0; i < n; i++)
            want[i] = logistic_d(in[i]);
        assert_rel(got, want, n, 1e-6);
        run1(&oc_op_TANH, NULL, in, n, got, isa, 2);
        for (int32_t i = 0; i < n; i++)
            want[i] = tanh((double)in[i]);
        assert_rel(got, want, n, 1e-6);
    }
    /* deep negatives: logistic = e^x down to the subnormal range */
    const float deep[4] = {-50.f, -87.f, -95.f, -110.f};
    float g[4];
    run1(&oc_op_LOGISTIC, NULL, deep, 4, g, 1, 1);
    for (int i = 0; i < 4; i++) {
        double w = exp((double)deep[i]);
        assert_true(fabs(g[i] - w) <= 1e-6 * w + 2e-45);
    }
    /* NaN propagates */
    const float nan = NAN;
    for (int isa = 0; isa < 2; isa++) {
        run1(&oc_op_LOGISTIC, NULL, &nan, 1, g, isa, 1);
        assert_true(isnan(g[0]));
        run1(&oc_op_TANH, NULL, &nan, 1, g, isa, 1);
        assert_true(isnan(g[0]));
    }
    free(in);
    free(got);
    free(want);
}

static void test_clamp_activations(void **state)
{
    (void)state;
    float in[64], got[64], want[64];
    static const int32_t sizes[] = {1, 3, 17, 33, 64};
    for (int isa = 0; isa < 2; isa++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            int32_t n = sizes[s];
            for (int32_t i = 0; i < n; i++)
                in[i] = (float)(i * 7 % 23) * 0.75f - 8.f;
            run1(&oc_op_RELU, NULL, in, n, got, isa, 1);
            for (int32_t i = 0; i < n; i++)
                want[i] = in[i] < 0 ? 0 : in[i];
            ot_assert_near_f32(got, want, (size_t)n, 0.f);
            run1(&oc_op_RELU6, NULL, in, n, got, isa, 1);
            for (int32_t i = 0; i < n; i++)
                want[i] = in[i] < 0 ? 0 : in[i] > 6 ? 6 : in[i];
            ot_assert_near_f32(got, want, (size_t)n, 0.f);
            run1(&oc_op_RELU_N1_TO_1, NULL, in, n, got, isa, 1);
            for (int32_t i = 0; i < n; i++)
                want[i] = in[i] < -1 ? -1 : in[i] > 1 ? 1 : in[i];
            ot_assert_near_f32(got, want, (size_t)n, 0.f);
            run1(&oc_op_HARD_SWISH, NULL, in, n, got, isa, 1);
            for (int32_t i = 0; i < n; i++) {
                float r6 = in[i] + 3 < 0 ? 0 : in[i] + 3 > 6 ? 6 : in[i] + 3;
                want[i] = in[i] * r6 / 6;
            }
            ot_assert_near_f32(got, want, (size_t)n, 0.f);
            oc_leaky_relu_params lp = {0.2f};
            run1(&oc_op_LEAKY_RELU, &lp, in, n, got, isa, 1);
            for (int32_t i = 0; i < n; i++)
                want[i] = in[i] > 0 ? in[i] : in[i] * 0.2f;
            ot_assert_near_f32(got, want, (size_t)n, 0.f);
        }
    /* hand values */
    const float h[6] = {-4, -3, -1, 0, 1, 3.5f};
    for (int isa = 0; isa < 2; isa++) {
        run1(&oc_op_HARD_SWISH, NULL, h, 6, got, isa, 1);
        ot_assert_near_f32(got, ((float[]){0, 0, -1.f / 3, 0, 4.f / 6, 3.5f}), 6, 1e-7f);
        run1(&oc_op_RELU6, NULL, h, 6, got, isa, 1);
        ot_assert_near_f32(got, ((float[]){0, 0, 0, 0, 1, 3.5f}), 6, 0.f);
    }
    /* NaN passes through the clamps */
    const float nan = NAN;
    for (int isa = 0; isa < 2; isa++) {
        run1(&oc_op_RELU, NULL, &nan, 1, got, isa, 1);
        assert_true(isnan(got[0]));
        run1(&oc_op_RELU6, NULL, &nan, 1, got, isa, 1);
        assert_true(isnan(got[0]));
    }
}

static void test_elu_gelu(void **state)
{
    (void)state;
    float in[400], got[400], want[400];
    int32_t n = 0;
    for (float x = -8.f; x < 8.f; x += 0.0625f)
        in[n++] = x;
    run1(&oc_op_ELU, NULL, in, n, got, 1, 1);
    for (int32_t i = 0; i < n; i++)
        want[i] = in[i] < 0 ? (float)expm1((double)in[i]) : in[i];
    ot_assert_near_f32(got, want, (size_t)n, 1e-6f);
    oc_gelu_params exact = {false}, approx = {true};
    run1(&oc_op_GELU, &exact, in, n, got, 1, 1);
    for (int32_t i = 0; i < n; i++) {
        double x = in[i];
        want[i] = (float)(0.5 * x * (1.0 + erf(x / sqrt(2.0))));
    }
    ot_assert_near_f32(got, want, (size_t)n, 1e-6f);
    run1(&oc_op_GELU, &approx, in, n, got, 1, 1);
    for (int32_t i = 0; i < n; i++) {
        double x = in[i];
        want[i] = (float)(0.5 * x * (1.0 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))));
    }
    ot_assert_near_f32(got, want, (size_t)n, 1e-6f);
    /* hand values: gelu(1) = 0.841344746, approximate 0.841191990 */
    const float one = 1.f;
    run1(&oc_op_GELU, &exact, &one, 1, got, 1, 1);
    ot_assert_near_f32(got, ((float[]){0.841344746f}), 1, 1e-6f);
    run1(&oc_op_GELU, &approx, &one, 1, got, 1, 1);
    ot_assert_near_f32(got, ((float[]){0.841191990f}), 1, 1e-6f);
    run1(&oc_op_GELU, NULL, &one, 1, got, 1, 1); /* no params: exact */
    ot_assert_near_f32(got, ((float[]){0.841344746f}), 1, 1e-6f);
}

static void test_large_threads(void **state)
{
    (void)state;
    int32_t n = 70001;
    float *in = malloc((size_t)n * 4), *g1 = malloc((size_t)n * 4), *g2 = malloc((size_t)n * 4);
    for (int32_t i = 0; i < n; i++)
        in[i] = (float)(i % 1000) * 0.02f - 10.f;
    const oc_op_def *defs[4] = {&oc_op_LOGISTIC, &oc_op_TANH, &oc_op_HARD_SWISH, &oc_op_RELU};
    for (int d = 0; d < 4; d++)
        for (int isa = 0; isa < 2; isa++) {
            run1(defs[d], NULL, in, n, g1, isa, 1);
            run1(defs[d], NULL, in, n, g2, isa, 2);
            assert_memory_equal(g1, g2, (size_t)n * 4); /* thread count never matters */
        }
    free(in);
    free(g1);
    free(g2);
}

/* A flatbuffer whose root table has one scalar field 0 of `size` bytes holding `val`. */
static void make_table(uint8_t buf[24], const void *val, size_t size)
{
    memset(buf, 0, 24);
    uint32_t root = 12;
    int32_t soff = 12 - 4;
    uint16_t vt[3] = {6, 8, 4};
    memcpy(buf, &root, 4);
    memcpy(buf + 4, vt, 6);
    memcpy(buf + 12, &soff, 4);
    memcpy(buf + 16, val, size);
}

static void test_parse(void **state)
{
    (void)state;
    uint8_t buf[24];
    oc_mem mem = {0};
    oc_err err;
    oc_op op;
    memset(&op, 0, sizeof op);
    float alpha = 0.3f;
    make_table(buf, &alpha, 4);
    assert_int_equal(oc_fb_root(buf, sizeof buf, &op.options, &err), OC_OK);
    op.options_type = OC_OPTS_LEAKY_RELU;
    assert_int_equal(oc_op_LEAKY_RELU.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_leaky_relu_params *)op.params)->alpha == 0.3f);
    uint8_t yes = 1;
    make_table(buf, &yes, 1);
    assert_int_equal(oc_fb_root(buf, sizeof buf, &op.options, &err), OC_OK);
    op.options_type = OC_OPTS_GELU;
    assert_int_equal(oc_op_GELU.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_gelu_params *)op.params)->approximate);
    memset(&op.options, 0, sizeof op.options);
    assert_int_equal(oc_op_GELU.parse(&op, &mem, &err), OC_OK);
    assert_false(((const oc_gelu_params *)op.params)->approximate);
    assert_int_equal(oc_op_LEAKY_RELU.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_leaky_relu_params *)op.params)->alpha == 0.f);
    oc_mem_free_all(&mem);
}

static void run_prelu(int rx, const int32_t *dx, const float *x, int ra, const int32_t *da,
                      const float *al, float *got, oc_shape *s, int nthr)
{
    ot_case c;
    ot_init(&c, &oc_op_PRELU);
    ot_input(&c, OC_F32, rx, dx, x, false);
    ot_input(&c, OC_F32, ra, da, al, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    *s = ot_out(&c, 0)->shape;
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

static void test_prelu(void **state)
{
    (void)state;
    /* x [1,2,2,3], alpha [3] and [1,1,3] (per channel), and same shape */
    float x[12], got[12], al[12];
    for (int i = 0; i < 12; i++)
        x[i] = (float)i - 6.f, al[i] = 0.1f * (float)(i + 1);
    int32_t dx[4] = {1, 2, 2, 3}, d3 = 3, d113[3] = {1, 1, 3};
    oc_shape s;
    run_prelu(4, dx, x, 1, &d3, al, got, &s, 1);
    assert_int_equal(s.rank, 4);
    for (int i = 0; i < 12; i++)
        assert_true(got[i] == (x[i] >= 0 ? x[i] : x[i] * al[i % 3]));
    run_prelu(4, dx, x, 3, d113, al, got, &s, 1);
    for (int i = 0; i < 12; i++)
        assert_true(got[i] == (x[i] >= 0 ? x[i] : x[i] * al[i % 3]));
    run_prelu(4, dx, x, 4, dx, al, got, &s, 1);
    for (int i = 0; i < 12; i++)
        assert_true(got[i] == (x[i] >= 0 ? x[i] : x[i] * al[i]));
}

static void test_prelu_large(void **state)
{
    (void)state;
    int32_t dl[3] = {40, 40, 33}, d33 = 33;
    int n = 40 * 40 * 33;
    float *xl = malloc((size_t)n * 4), *gl = malloc((size_t)n * 4), al[33];
    for (int i = 0; i < 33; i++)
        al[i] = 0.01f * (float)i;
    for (int i = 0; i < n; i++)
        xl[i] = (float)(i % 19) - 9.f;
    oc_shape s;
    run_prelu(3, dl, xl, 1, &d33, al, gl, &s, 2);
    for (int i = 0; i < n; i++)
        assert_true(gl[i] == (xl[i] >= 0 ? xl[i] : xl[i] * al[i % 33]));
    free(xl);
    free(gl);
}

static void test_rejections(void **state)
{
    (void)state;
    int32_t d3 = 3, d4 = 4;
    const oc_op_def *defs[] = {&oc_op_RELU,       &oc_op_RELU6,      &oc_op_RELU_N1_TO_1,
                               &oc_op_LOGISTIC,   &oc_op_TANH,       &oc_op_ELU,
                               &oc_op_LEAKY_RELU, &oc_op_HARD_SWISH, &oc_op_GELU};
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        ot_case c;
        ot_init(&c, defs[i]);
        ot_input(&c, OC_I32, 1, &d3, NULL, false);
        ot_output(&c, OC_I32);
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        assert_non_null(strstr(c.err.msg, "INT32"));
        ot_free(&c);
        ot_init(&c, defs[i]);
        ot_input(&c, OC_F32, 1, &d3, NULL, false);
        ot_output(&c, OC_I32);
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        ot_free(&c);
    }
    ot_case c;
    ot_init(&c, &oc_op_PRELU);
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_input(&c, OC_F32, 1, &d4, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "PRELU"));
    ot_free(&c);
    ot_init(&c, &oc_op_PRELU);
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_input(&c, OC_I32, 1, &d3, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logistic_tanh_accuracy),
        cmocka_unit_test(test_clamp_activations),
        cmocka_unit_test(test_elu_gelu),
        cmocka_unit_test(test_large_threads),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_prelu),
        cmocka_unit_test(test_prelu_large),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
