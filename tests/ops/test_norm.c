/* L2_NORMALIZATION and INSTANCE_NORM against hand values and double-precision oracles. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "ops/misc_params.h"

static float *random_data(int64_t n, float lo, float hi, unsigned seed)
{
    float *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    srand(seed);
    for (int64_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * (float)rand() / RAND_MAX;
    return x;
}

/* ---- L2_NORMALIZATION ---------------------------------------------------------------------- */

static oc_l2norm_params g_l2 = {OC_ACT_NONE};

static void l2_run(ot_case *c, int rank, const int32_t *dims, const float *x, int nthreads)
{
    ot_init(c, &oc_op_L2_NORMALIZATION);
    c->op.params = &g_l2;
    ot_input(c, OC_F32, rank, dims, x, false);
    ot_output(c, OC_F32);
    assert_int_equal(ot_run(c, nthreads), OC_OK);
}

static void test_l2_hand(void **state)
{
    (void)state;
    /* rows: 3-4-5 triangle, all zero (eps keeps it 0), tiny (eps dominates: x / 1e-6) */
    const float x[6] = {3, 4, 0, 0, 1e-7f, -2e-7f};
    int32_t dims[2] = {3, 2};
    ot_case c;
    l2_run(&c, 2, dims, x, 1);
    const float want[6] = {0.6f, 0.8f, 0, 0, 0.1f, -0.2f};
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 6, 4 * FLT_EPSILON);
    ot_free(&c);
}

static void test_l2_oracle(void **state)
{
    (void)state;
    int32_t depths[] = {1, 3, 17, 33, 640};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        int32_t dims[4] = {2, 3, 5, depths[d]};
        int64_t rows = 30, n = depths[d];
        float *x = random_data(rows * n, -3, 3, (unsigned)d);
        ot_case c;
        l2_run(&c, 4, dims, x, d % 2 ? 2 : 1);
        float *want = malloc((size_t)(rows * n) * sizeof *want);
        for (int64_t r = 0; r < rows; r++) {
            double s = 0;
            for (int64_t i = 0; i < n; i++)
                s += (double)x[r * n + i] * x[r * n + i];
            double norm = fmax(sqrt(s), 1e-6);
            for (int64_t i = 0; i < n; i++)
                want[r * n + i] = (float)(x[r * n + i] / norm);
        }
        ot_assert_near_f32(ot_out(&c, 0)->data, want, (size_t)(rows * n), 1e-6f);
        free(want);
        free(x);
        ot_free(&c);
    }
}

static void test_l2_rejects(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3};
    oc_l2norm_params relu = {OC_ACT_RELU};
    ot_case c;
    ot_init(&c, &oc_op_L2_NORMALIZATION);
    c.op.params = &relu;
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "L2_NORMALIZATION"));
    assert_non_null(strstr(c.err.msg, "activation"));
    ot_free(&c);
    ot_init(&c, &oc_op_L2_NORMALIZATION);
    c.op.params = &g_l2;
    ot_input(&c, OC_I32, 2, dims, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_L2_NORMALIZATION);
    c.op.params = &g_l2;
    float s = 1;
    ot_input(&c, OC_F32, 0, NULL, &s, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_l2_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[1] = {fbt_u8(OC_ACT_RELU6)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 1, &op.options);
    assert_int_equal(oc_op_L2_NORMALIZATION.parse(&op, &mem, &err), OC_OK);
    assert_int_equal(((const oc_l2norm_params *)op.params)->activation, OC_ACT_RELU6);
    oc_mem_free_all(&mem);
}

/* ---- INSTANCE_NORM ------------------------------------------------------------------------- */

static void inorm_run(ot_case *c, const oc_instance_norm_params *p, const int32_t *dims,
                      const float *x, const float *g, int ng, const float *b, int nb, int nthreads)
{
    ot_init(c, &oc_op_INSTANCE_NORM);
    c->op.params = p;
    ot_input(c, OC_F32, 4, dims, x, false);
    int32_t gd[1] = {ng}, bd[1] = {nb};
    ot_input(c, OC_F32, 1, gd, g, true);
    ot_input(c, OC_F32, 1, bd, b, true);
    ot_output(c, OC_F32);
    assert_int_equal(ot_run(c, nthreads), OC_OK);
}

static void test_inorm_hand(void **state)
{
    (void)state;
    /* one batch, 2x2 spatial, 2 channels: channel 0 = {1,2,3,4} (mean 2.5, var 1.25),
     * channel 1 constant 7 (var 0: output = beta) */
    const float x[8] = {1, 7, 2, 7, 3, 7, 4, 7};
    const float g[2] = {2, 5}, b[2] = {0.5f, -1};
    int32_t dims[4] = {1, 2, 2, 2};
    oc_instance_norm_params p = {1e-5f, OC_ACT_NONE};
    ot_case c;
    inorm_run(&c, &p, dims, x, g, 2, b, 2, 1);
    double sd = sqrt(1.25 + 1e-5);
    float want[8];
    for (int i = 0; i < 4; i++) {
        want[2 * i] = (float)(2 * ((i + 1) - 2.5) / sd + 0.5);
        want[2 * i + 1] = -1.f;
    }
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 8, 4 * FLT_EPSILON);
    ot_free(&c);
    /* RELU clamps the negative half; scalar gamma/beta broadcast */
    oc_instance_norm_params pr = {1e-5f, OC_ACT_RELU};
    const float g1 = 1, b1 = 0;
    inorm_run(&c, &pr, dims, x, &g1, 1, &b1, 1, 1);
    const float *y = ot_out(&c, 0)->data;
    assert_true(y[0] == 0.f && y[2] == 0.f && y[4] > 0.f && y[6] > 0.f);
    assert_true(y[1] == 0.f);
    ot_free(&c);
}

static void test_inorm_oracle(void **state)
{
    (void)state;
    int32_t shapes[][4] = {{1, 1, 1, 1}, {2, 3, 5, 17}, {1, 7, 9, 65}, {3, 16, 16, 130}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int32_t *d = shapes[s];
        int64_t hw = (int64_t)d[1] * d[2], ch = d[3], n = d[0] * hw * ch;
        float *x = random_data(n, -4, 6, (unsigned)s + 10);
        float *g = random_data(ch, 0.5f, 2, (unsigned)s + 20);
        float *b = random_data(ch, -1, 1, (unsigned)s + 30);
        oc_instance_norm_params p = {1e-3f, OC_ACT_RELU6};
        ot_case c;
        inorm_run(&c, &p, d, x, g, (int)ch, b, (int)ch, s % 2 ? 2 : 1);
        float *want = malloc((size_t)n * sizeof *want);
        for (int64_t bi = 0; bi < d[0]; bi++)
            for (int64_t k = 0; k < ch; k++) {
                double m = 0, v = 0;
                for (int64_t p2 = 0; p2 < hw; p2++)
                    m += x[(bi * hw + p2) * ch + k];
                m /= (double)hw;
                for (int64_t p2 = 0; p2 < hw; p2++) {
                    double dv = x[(bi * hw + p2) * ch + k] - m;
                    v += dv * dv;
                }
                v /= (double)hw;
                for (int64_t p2 = 0; p2 < hw; p2++) {
                    int64_t i = (bi * hw + p2) * ch + k;
                    double o = (x[i] - m) / sqrt(v + (double)1e-3f) * g[k] + b[k];
                    want[i] = (float)fmin(6.0, fmax(0.0, o));
                }
            }
        ot_assert_near_f32(ot_out(&c, 0)->data, want, (size_t)n, 1e-5f);
        free(want);
        free(x);
        free(g);
        free(b);
        ot_free(&c);
    }
}

static void test_inorm_rejects(void **state)
{
    (void)state;
    oc_instance_norm_params p = {1e-5f, OC_ACT_NONE}, ptanh = {1e-5f, OC_ACT_TANH};
    int32_t d4[4] = {1, 2, 2, 3}, d3[3] = {2, 2, 3}, c3[1] = {3}, c2[1] = {2};
    struct {
        const oc_instance_norm_params *p;
        int rank;
        const int32_t *dims;
        const int32_t *gd;
        oc_dtype dt;
    } bad[] = {
        {&p, 3, d3, c3, OC_F32},     /* not 4-D */
        {&p, 4, d4, c2, OC_F32},     /* gamma size */
        {&ptanh, 4, d4, c3, OC_F32}, /* activation */
        {&p, 4, d4, c3, OC_I32},     /* type */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ot_case c;
        ot_init(&c, &oc_op_INSTANCE_NORM);
        c.op.params = bad[i].p;
        ot_input(&c, bad[i].dt, bad[i].rank, bad[i].dims, NULL, false);
        ot_input(&c, OC_F32, 1, bad[i].gd, NULL, true);
        ot_input(&c, OC_F32, 1, c3, NULL, true);
        ot_output(&c, bad[i].dt);
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        assert_non_null(strstr(c.err.msg, "INSTANCE_NORM"));
        ot_free(&c);
    }
}

static void test_inorm_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    memset(&op, 0, sizeof op);
    fbt_field f[2] = {fbt_f32(0.01f), fbt_u8(OC_ACT_RELU)};
    fbt_build(&b, f, 2, &op.options);
    assert_int_equal(oc_op_INSTANCE_NORM.parse(&op, &mem, &err), OC_OK);
    const oc_instance_norm_params *p = op.params;
    assert_true(p->epsilon == 0.01f);
    assert_int_equal(p->activation, OC_ACT_RELU);
    /* epsilon 0 (or absent) means 1e-5, as onert's loader */
    memset(&op, 0, sizeof op);
    fbt_field z[2] = {fbt_f32(0.f), fbt_absent()};
    fbt_build(&b, z, 2, &op.options);
    assert_int_equal(oc_op_INSTANCE_NORM.parse(&op, &mem, &err), OC_OK);
    p = op.params;
    assert_true(p->epsilon == 1e-5f);
    assert_int_equal(p->activation, OC_ACT_NONE);
    oc_mem_free_all(&mem);
}

/* ---- quantized L2_NORMALIZATION ---------------------------------------------------------- */

static float g_s_in = 0.05f, g_s_out = 1.f / 128;
static int64_t g_zp_in, g_zp_out;

static oc_status l2q_run(ot_case *c, oc_dtype dt, int64_t zin, int rows, int n, const void *x,
                         int nthreads)
{
    int32_t dims[2] = {rows, n};
    g_zp_in = zin;
    g_zp_out = dt == OC_U8 ? 128 : 0;
    ot_init(c, &oc_op_L2_NORMALIZATION);
    c->op.params = &g_l2;
    int i = ot_input(c, dt, 2, dims, x, false);
    int o = ot_output(c, dt);
    c->tensors[i].q = (oc_qparams){1, 0, &g_s_in, &g_zp_in};
    c->tensors[o].q = (oc_qparams){1, 0, &g_s_out, &g_zp_out};
    return ot_run(c, nthreads);
}

/* Recorded from TFLite: a mixed row, then a row at the zero point but one (uint8: its norm is
 * one step, so it reaches 1.0, clamped to 255), or entirely at the zero point (int8: 0). */
static void test_l2_quant_tflite_values(void **state)
{
    (void)state;
    const uint8_t u[14] = {0, 50, 128, 200, 255, 128, 30, 128, 128, 128, 128, 128, 128, 129};
    const int8_t s8[14] = {-128, -50, 0, 50, 127, 3, -3, -3, -3, -3, -3, -3, -3, -3};
    const uint8_t wu[14] = {57, 85, 128, 168, 198, 128, 74, 128, 128, 128, 128, 128, 128, 255};
    const int8_t ws[14] = {-83, -31, 2, 35, 86, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    ot_case c;
    assert_int_equal(l2q_run(&c, OC_U8, 128, 2, 7, u, 1), OC_OK);
    assert_memory_equal(ot_out(&c, 0)->data, wu, 14);
    ot_free(&c);
    assert_int_equal(l2q_run(&c, OC_I8, -3, 2, 7, s8, 1), OC_OK);
    assert_memory_equal(ot_out(&c, 0)->data, ws, 14);
    ot_free(&c);
}

/* Random rows of odd lengths against x / ||x|| in 1/128 steps: within 1 LSB; threads. */
static void test_l2_quant_oracle(void **state)
{
    (void)state;
    const int lens[] = {1, 3, 17, 300};
    for (int t = 0; t < 2; t++)
        for (int l = 0; l < 4; l++) {
            oc_dtype dt = t ? OC_I8 : OC_U8;
            int64_t zin = t ? 5 : 100;
            int rows = 61, n = lens[l];
            uint8_t *x = malloc((size_t)(rows * n));
            uint32_t st = (uint32_t)(t * 10 + l + 1);
            for (int i = 0; i < rows * n; i++) {
                st = st * 1664525u + 1013904223u;
                x[i] = (uint8_t)(st >> 24);
            }
            ot_case c1, c2;
            assert_int_equal(l2q_run(&c1, dt, zin, rows, n, x, 1), OC_OK);
            assert_int_equal(l2q_run(&c2, dt, zin, rows, n, x, 2), OC_OK);
            assert_memory_equal(ot_out(&c1, 0)->data, ot_out(&c2, 0)->data, (size_t)(rows * n));
            for (int r = 0; r < rows; r++) {
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    double d = (t ? (int8_t)x[r * n + i] : x[r * n + i]) - (double)zin;
                    sq += d * d;
                }
                for (int i = 0; i < n; i++) {
                    double d = (t ? (int8_t)x[r * n + i] : x[r * n + i]) - (double)zin;
                    double want = sq > 0 ? d / sqrt(sq) * 128 + (double)g_zp_out : g_zp_out;
                    want = fmin(fmax(want, t ? -128 : 0), t ? 127 : 255);
                    const void *y = ot_out(&c1, 0)->data;
                    double got =
                        t ? ((const int8_t *)y)[r * n + i] : ((const uint8_t *)y)[r * n + i];
                    if (fabs(got - want) > 1)
                        fail_msg("type %d len %d row %d elem %d: got %g want %g", t, n, r, i, got,
                                 want);
                }
            }
            ot_free(&c1);
            ot_free(&c2);
            free(x);
        }
}

static void test_l2_quant_rejects(void **state)
{
    (void)state;
    const uint8_t x[4] = {0};
    ot_case c;
    assert_int_equal(l2q_run(&c, OC_U8, 0, 1, 4, x, 1), OC_OK);
    static float wrong = 1.f / 256;
    c.tensors[c.outputs[0]].q.scale = &wrong; /* the output scale is fixed at 1/128 */
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    c.tensors[c.outputs[0]].q.scale = &g_s_out;
    static int64_t zp0 = 0;
    c.tensors[c.outputs[0]].q.zero_point = &zp0; /* uint8 zero point is 128 */
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    assert_int_equal(l2q_run(&c, OC_I8, 0, 1, 4, x, 1), OC_OK);
    c.tensors[c.inputs[0]].q.count = 0; /* unquantized int8 input */
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l2_hand),
        cmocka_unit_test(test_l2_oracle),
        cmocka_unit_test(test_l2_rejects),
        cmocka_unit_test(test_l2_parse),
        cmocka_unit_test(test_inorm_hand),
        cmocka_unit_test(test_inorm_oracle),
        cmocka_unit_test(test_inorm_rejects),
        cmocka_unit_test(test_inorm_parse),
        cmocka_unit_test(test_l2_quant_tflite_values),
        cmocka_unit_test(test_l2_quant_oracle),
        cmocka_unit_test(test_l2_quant_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
