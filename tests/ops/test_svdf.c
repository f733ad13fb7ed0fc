/* SVDF: float32 against an independent history-based formula over several runs (the state
 * persists), the integer variant against outputs recorded from TFLite (tfjs-tflite) and a
 * float simulation, rejections and the options parser. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "ops/misc_params.h"

/* One SVDF case: x [B, I], wf [F, I], wt [F, M], bias [U] (optional), state [B, M * F]. */
typedef struct svdf_case {
    int B, I, F, M, rank;
    oc_dtype xt, wft, wtt, bt, st, ot;
    const void *wf, *wt, *bias;
    float s[6]; /* x, wf, wt, bias, state, out scales (0: unquantized) */
    int64_t zx, zout;
} svdf_case;

static void set_q(ot_case *c, int t, float *s, int64_t *z)
{
    if (*s > 0) c->tensors[t].q = (oc_qparams){1, 0, s, z};
}

/* Builds the op; the state starts at zero. Returns the state tensor index. */
static int build(ot_case *c, svdf_case *k, oc_svdf_params *p, const void *x)
{
    static int64_t zero = 0;
    int32_t dx[2] = {k->B, k->I}, dwf[2] = {k->F, k->I}, dwt[2] = {k->F, k->M};
    int32_t db[1] = {k->F / k->rank}, dst[2] = {k->B, k->M * k->F};
    ot_init(c, &oc_op_SVDF);
    c->op.params = p;
    int ix = ot_input(c, k->xt, 2, dx, x, false);
    int iwf = ot_input(c, k->wft, 2, dwf, k->wf, true);
    int iwt = ot_input(c, k->wtt, 2, dwt, k->wt, true);
    int ib = ot_input(c, k->bt, 1, k->bias ? db : NULL, k->bias, true); /* NULL: absent */
    size_t sbytes = (size_t)(k->B * k->M * k->F) * (k->st == OC_F32 ? 4 : 2);
    void *zeros = calloc(1, sbytes);
    int ist = ot_input(c, k->st, 2, dst, zeros, false);
    free(zeros);
    int io = ot_output(c, k->ot);
    set_q(c, ix, &k->s[0], &k->zx);
    set_q(c, iwf, &k->s[1], &zero);
    set_q(c, iwt, &k->s[2], &zero);
    if (ib >= 0) set_q(c, ib, &k->s[3], &zero);
    set_q(c, ist, &k->s[4], &zero);
    set_q(c, io, &k->s[5], &k->zout);
    return ist;
}

static void set_input(ot_case *c, const void *x, size_t bytes)
{
    memcpy(c->tensors[0].data, x, bytes);
}

/* Float: out[b][u] = act(bias[u] + sum_r sum_m wt[f][m] * a_{t - M + 1 + m}[b][f]) with
 * a_t = wf . x_t and f = u * rank + r, zero before the first run. */
static void test_float_history(void **state)
{
    (void)state;
    enum { B = 2, I = 3, F = 6, M = 4, R = 2, U = F / R, RUNS = 6 };
    float wf[F * I], wt[F * M], bias[U], x[RUNS][B * I];
    for (int i = 0; i < F * I; i++)
        wf[i] = (float)((i * 7) % 11 - 5) / 8;
    for (int i = 0; i < F * M; i++)
        wt[i] = (float)((i * 5) % 9 - 4) / 4;
    for (int i = 0; i < U; i++)
        bias[i] = (float)i / 2 - 0.5f;
    for (int t = 0; t < RUNS; t++)
        for (int i = 0; i < B * I; i++)
            x[t][i] = (float)((t * 13 + i * 3) % 7 - 3) / 2;
    svdf_case k = {B,      I,      F,  M,  R,    OC_F32, OC_F32, OC_F32, OC_F32,
                   OC_F32, OC_F32, wf, wt, bias, {0},    0,      0};
    oc_svdf_params p = {R, OC_ACT_NONE, false};
    ot_case c;
    build(&c, &k, &p, x[0]);
    double hist[RUNS][B][F];
    for (int t = 0; t < RUNS; t++) {
        set_input(&c, x[t], sizeof x[t]);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        float want[B * U];
        for (int b = 0; b < B; b++) {
            for (int f = 0; f < F; f++) {
                hist[t][b][f] = 0;
                for (int i = 0; i < I; i++)
                    hist[t][b][f] += (double)wf[f * I + i] * x[t][b * I + i];
            }
            for (int u = 0; u < U; u++) {
                double v = bias[u];
                for (int r = 0; r < R; r++) {
                    int f = u * R + r;
                    for (int m = 0; m < M; m++) {
                        int tt = t - (M - 1) + m;
                        if (tt >= 0) v += (double)wt[f * M + m] * hist[tt][b][f];
                    }
                }
                want[b * U + u] = (float)v;
            }
        }
        ot_assert_near_f32(ot_out(&c, 0)->data, want, B * U, 1e-5f);
    }
    ot_free(&c);
}

/* Float activation and no bias. */
static void test_float_relu_no_bias(void **state)
{
    (void)state;
    float wf[2] = {1, -1}, wt[2] = {1, 0.5f}, x[1] = {3};
    svdf_case k = {1,      1,      2,  1,  1,    OC_F32, OC_F32, OC_F32, OC_F32,
                   OC_F32, OC_F32, wf, wt, NULL, {0},    0,      0};
    oc_svdf_params p = {1, OC_ACT_RELU, false};
    ot_case c;
    build(&c, &k, &p, x);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[2] = {3, 0}; /* 3 * 1 and relu(-3 * 0.5) */
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 2, 0);
    ot_free(&c);
}

/* Outputs of four consecutive runs recorded from TFLite (tfjs-tflite) for one model. */
static void test_int8_tflite_values(void **state)
{
    (void)state;
    static const int8_t wf[12] = {10, -20, 30, -40, 50, -60, 70, -80, 90, -100, 110, -120};
    static const int16_t wt[12] = {1000, -2000, 3000, -4000,  5000,  -6000,
                                   7000, -8000, 9000, -10000, 11000, -12000};
    static const int32_t bias[2] = {1500, -2500};
    static const int8_t x[6] = {-128, -50, 0, 20, 90, 127};
    static const int8_t want[4][4] = {
        {-26, -76, -3, 60}, {-21, -25, -17, -13}, {-25, -71, -7, 52}, {-25, -71, -7, 52}};
    svdf_case k = {2,     3,     4,      3,      2,
                   OC_I8, OC_I8, OC_I16, OC_I32, OC_I16,
                   OC_I8, wf,    wt,     bias,   {0.05f, 0.01f, 0.0005f, 0.0001f, 0.002f, 0.5f},
                   -10,   -20};
    oc_svdf_params p = {2, OC_ACT_RELU, false};
    for (int threads = 1; threads <= 2; threads++) {
        ot_case c;
        build(&c, &k, &p, x);
        for (int run = 0; run < 4; run++) {
            assert_int_equal(ot_run(&c, threads), OC_OK);
            assert_memory_equal(ot_out(&c, 0)->data, want[run], 4);
        }
        ot_free(&c);
    }
}

/* Random integer SVDF against a float simulation (real feature activations kept in float):
 * the int16 state rounding and the two requantizations keep outputs within 2 LSB. */
static void test_int8_float_simulation(void **state)
{
    (void)state;
    enum { B = 3, I = 17, F = 8, M = 5, R = 2, U = F / R, RUNS = 7 };
    int8_t wf[F * I], x[RUNS][B * I];
    int16_t wt[F * M];
    int32_t bias[U];
    uint32_t s = 99;
#define NEXT(lo, hi)                                                                               \
    (s = s * 1664525u + 1013904223u, (lo) + (int)((s >> 8) % (uint32_t)((hi) - (lo) + 1)))
    for (int i = 0; i < F * I; i++)
        wf[i] = (int8_t)NEXT(-127, 127);
    for (int i = 0; i < F * M; i++)
        wt[i] = (int16_t)NEXT(-32767, 32767);
    for (int i = 0; i < U; i++)
        bias[i] = NEXT(-20000, 20000);
    for (int t = 0; t < RUNS; t++)
        for (int i = 0; i < B * I; i++)
            x[t][i] = (int8_t)NEXT(-128, 127);
#undef NEXT
    const float sx = 0.03f, swf = 0.01f, swt = 0.0004f, sst = 0.05f, sout = 0.2f;
    const int64_t zx = 7, zout = -3;
    svdf_case k = {B,     I,     F,      M,      R,
                   OC_I8, OC_I8, OC_I16, OC_I32, OC_I16,
                   OC_I8, wf,    wt,     bias,   {sx, swf, swt, sx * swf * swt, sst, sout},
                   zx,    zout};
    oc_svdf_params p = {R, OC_ACT_RELU, false};
    ot_case c;
    build(&c, &k, &p, x[0]);
    double hist[RUNS][B][F];
    for (int t = 0; t < RUNS; t++) {
        set_input(&c, x[t], sizeof x[t]);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        const int8_t *got = ot_out(&c, 0)->data;
        for (int b = 0; b < B; b++) {
            for (int f = 0; f < F; f++) {
                double a = 0;
                for (int i = 0; i < I; i++)
                    a += (double)wf[f * I + i] * (x[t][b * I + i] - zx);
                hist[t][b][f] = fmin(fmax(a * sx * swf, -32768 * sst), 32767 * sst);
            }
            for (int u = 0; u < U; u++) {
                double v = bias[u] * (double)sst * swt;
                for (int r = 0; r < R; r++)
                    for (int m = 0; m < M; m++) {
                        int tt = t - (M - 1) + m, f = u * R + r;
                        if (tt >= 0) v += (double)wt[f * M + m] * swt * hist[tt][b][f];
                    }
                double want = fmin(fmax(round(v / sout) + zout, -128), 127);
                if (fabs(got[b * U + u] - want) > 2)
                    fail_msg("run %d b %d u %d: got %d, float %g", t, b, u, got[b * U + u], want);
            }
        }
    }
    ot_free(&c);
}

static oc_status prepare_case(svdf_case *k, oc_svdf_params *p)
{
    static const int8_t x[64] = {0};
    ot_case c;
    build(&c, k, p, x);
    oc_status st = ot_prepare(&c);
    ot_free(&c);
    return st;
}

static void test_rejects(void **state)
{
    (void)state;
    static const float wf[64] = {0}, wt[64] = {0}, b[8] = {0};
    static const int8_t wf8[64] = {0};
    static const int16_t wt16[64] = {0};
    static const int32_t b32[8] = {0};
    oc_svdf_params p = {2, OC_ACT_NONE, false};
    svdf_case ok = {1,      3,      4,  2,  2, OC_F32, OC_F32, OC_F32, OC_F32,
                    OC_F32, OC_F32, wf, wt, b, {0},    0,      0};
    assert_int_equal(prepare_case(&ok, &p), OC_OK);
    svdf_case k = ok;
    p.rank = 0;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* rank 0 */
    p.rank = 3;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* 4 filters, rank 3 */
    p.rank = 2;
    p.activation = 9;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* unknown activation */
    p.activation = OC_ACT_NONE;
    k.wft = OC_I8;
    k.wf = wf8;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* hybrid */
    svdf_case q = {1,     3,     4,      2,      2,
                   OC_I8, OC_I8, OC_I16, OC_I32, OC_I16,
                   OC_I8, wf8,   wt16,   b32,    {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f},
                   0,     0};
    p.activation = OC_ACT_RELU;
    assert_int_equal(prepare_case(&q, &p), OC_OK);
    p.activation = OC_ACT_NONE;
    assert_int_equal(prepare_case(&q, &p), OC_ERROR); /* integer SVDF is RELU only */
    p.activation = OC_ACT_RELU;
    k = q;
    k.s[4] = 0;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* unquantized state */
    k = q;
    k.wtt = OC_I8;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* int8 time weights */
    k = q;
    k.xt = OC_U8;
    assert_int_equal(prepare_case(&k, &p), OC_ERROR); /* uint8 input */
    /* state of the wrong size */
    ot_case c;
    int32_t dx[2] = {1, 3}, dwf[2] = {4, 3}, dwt[2] = {4, 2}, dst[2] = {1, 7};
    ot_init(&c, &oc_op_SVDF);
    oc_svdf_params pf = {2, OC_ACT_NONE, false};
    c.op.params = &pf;
    ot_input(&c, OC_F32, 2, dx, wf, false);
    ot_input(&c, OC_F32, 2, dwf, wf, true);
    ot_input(&c, OC_F32, 2, dwt, wt, true);
    ot_input(&c, OC_F32, 1, NULL, NULL, true);
    ot_input(&c, OC_F32, 2, dst, wf, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "SVDF"));
    ot_free(&c);
}

static void test_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[3] = {{1, {3, 0, 0, 0}}, fbt_u8(OC_ACT_RELU), fbt_u8(1)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 3, &op.options);
    assert_int_equal(oc_op_SVDF.parse(&op, &mem, &err), OC_OK);
    const oc_svdf_params *p = op.params;
    assert_int_equal(p->rank, 3);
    assert_int_equal(p->activation, OC_ACT_RELU);
    assert_true(p->asymmetric_quantize_inputs);
    oc_mem_free_all(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_history),
        cmocka_unit_test(test_float_relu_no_bias),
        cmocka_unit_test(test_int8_tflite_values),
        cmocka_unit_test(test_int8_float_simulation),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
