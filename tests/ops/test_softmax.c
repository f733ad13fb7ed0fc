/* SOFTMAX and LOG_SOFTMAX against hand values and a double-precision oracle, through the op
 * and through each ISA row kernel directly; quantized SOFTMAX (uint8 / int8 / int16 inputs)
 * against outputs recorded from TFLite (tfjs-tflite) and a float-simulated reference. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "core/cpu.h"
#include "ops/misc_params.h"
#include "ops/softmax_kernel.h"

static void oracle(const float *x, double *y, int64_t n, double beta, bool logsm)
{
    double mx = -DBL_MAX;
    for (int64_t i = 0; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += exp(((double)x[i] - mx) * (logsm ? 1.0 : beta));
    for (int64_t i = 0; i < n; i++)
        y[i] = logsm ? ((double)x[i] - mx) - log(s) : exp(((double)x[i] - mx) * beta) / s;
}

/* Softmax outputs are checked relative to their own size (catches a poor exp on tiny
 * probabilities), allowing for the float rounding of the argument (x - max) * beta that every
 * float implementation has; log-softmax with the project tolerance. */
static void check_rows(const float *got, const float *x, int64_t rows, int64_t n, float beta,
                       bool logsm)
{
    double *w = malloc((size_t)n * sizeof *w);
    for (int64_t r = 0; r < rows; r++) {
        oracle(x + r * n, w, n, beta, logsm);
        float mx = -FLT_MAX;
        for (int64_t i = 0; i < n; i++)
            mx = x[r * n + i] > mx ? x[r * n + i] : mx;
        for (int64_t i = 0; i < n; i++) {
            double g = got[r * n + i], e = w[i];
            double arg = fabs(((double)x[r * n + i] - mx) * beta);
            double tol = logsm ? 4 * FLT_EPSILON * fmax(1.0, fabs(e))
                               : (1e-6 + 2 * FLT_EPSILON * arg) * e + 1e-37;
            if (!(fabs(g - e) <= tol))
                fail_msg("row %lld elem %lld: got %.9g want %.9g", (long long)r, (long long)i, g,
                         e);
        }
    }
    free(w);
}

static float *random_data(int64_t n, float lo, float hi, unsigned seed)
{
    float *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    srand(seed);
    for (int64_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * (float)rand() / RAND_MAX;
    return x;
}

static oc_softmax_params g_beta1 = {1.f};

static void run_op(ot_case *c, const oc_op_def *def, const void *params, int rank,
                   const int32_t *dims, const float *x, int nthreads)
{
    ot_init(c, def);
    c->op.params = params;
    ot_input(c, OC_F32, rank, dims, x, false);
    ot_output(c, OC_F32);
    assert_int_equal(ot_run(c, nthreads), OC_OK);
}

static void test_hand_values(void **state)
{
    (void)state;
    const float x[3] = {1, 2, 3};
    int32_t dims[1] = {3};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 1, dims, x, 1);
    const float want[3] = {0.0900305732f, 0.2447284711f, 0.6652409558f};
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 3, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 1, dims, x, 1);
    const float wl[3] = {-2.4076059644f, -1.4076059644f, -0.4076059644f};
    ot_assert_near_f32(ot_out(&c, 0)->data, wl, 3, 4 * FLT_EPSILON);
    ot_free(&c);
    /* beta scales the logits: softmax([0, ln 3], beta 1) = [1/4, 3/4]; beta 0: uniform */
    const float y[2] = {0.f, logf(3.f)};
    int32_t d2[2] = {1, 2};
    oc_softmax_params b0 = {0.f}, b2 = {2.f};
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 2, d2, y, 1);
    const float w1[2] = {0.25f, 0.75f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w1, 2, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_SOFTMAX, &b2, 2, d2, y, 1);
    const float w2[2] = {0.1f, 0.9f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w2, 2, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_SOFTMAX, &b0, 2, d2, y, 1);
    const float w0[2] = {0.5f, 0.5f};
    ot_assert_near_f32(ot_out(&c, 0)->data, w0, 2, 0);
    ot_free(&c);
}

static void test_odd_sizes_and_ranks(void **state)
{
    (void)state;
    int64_t depths[] = {1, 2, 3, 7, 8, 9, 17, 33, 1001};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        int32_t dims[3] = {3, 5, (int32_t)depths[d]};
        int64_t n = 15 * depths[d];
        float *x = random_data(n, -20.f, 20.f, (unsigned)d);
        oc_softmax_params b = {0.7f};
        ot_case c;
        run_op(&c, &oc_op_SOFTMAX, &b, 3, dims, x, 1);
        check_rows(ot_out(&c, 0)->data, x, 15, depths[d], 0.7f, false);
        ot_free(&c);
        run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 3, dims, x, 1);
        check_rows(ot_out(&c, 0)->data, x, 15, depths[d], 1.f, true);
        ot_free(&c);
        free(x);
    }
    /* rank 4 (NHWC class maps) */
    int32_t d4[4] = {1, 9, 11, 21};
    float *x = random_data(9 * 11 * 21, -5, 5, 77);
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 4, d4, x, 1);
    check_rows(ot_out(&c, 0)->data, x, 99, 21, 1.f, false);
    ot_free(&c);
    free(x);
}

/* Large logits do not overflow; -inf logits give 0 probability. */
static void test_numerically_stable(void **state)
{
    (void)state;
    const float x[5] = {1000.f, 999.f, -1000.f, -INFINITY, 1000.f};
    int32_t dims[1] = {5};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 1, dims, x, 1);
    const float *y = ot_out(&c, 0)->data;
    double e1 = exp(-1.0), s = 2 + e1;
    const float want[5] = {(float)(1 / s), (float)(e1 / s), 0.f, 0.f, (float)(1 / s)};
    ot_assert_near_f32(y, want, 5, 4 * FLT_EPSILON);
    ot_free(&c);
    run_op(&c, &oc_op_LOG_SOFTMAX, NULL, 1, dims, x, 1);
    y = ot_out(&c, 0)->data;
    assert_true(fabsf(y[0] - (float)-log(s)) < 1e-6f);
    assert_true(isinf(y[3]) && y[3] < 0);
    ot_free(&c);
}

/* Every available row kernel against the oracle, including exp's range ends. */
static void test_row_kernels(void **state)
{
    (void)state;
    oc_softmax_row_fn fns[2] = {oc_softmax_row_vec, oc_softmax_row_avx2};
    int nfn = oc_cpu_get()->avx2_fma ? 2 : 1;
    for (int f = 0; f < nfn; f++) {
        for (int64_t n = 1; n <= 40; n++) {
            float *x = random_data(n, -90.f, 5.f, (unsigned)(n * 3 + f));
            float *y = malloc((size_t)n * sizeof *y);
            fns[f](x, y, n, 1.f, false);
            check_rows(y, x, 1, n, 1.f, false);
            fns[f](x, y, n, 1.f, true);
            check_rows(y, x, 1, n, 1.f, true);
            free(x);
            free(y);
        }
        /* exp over its whole finite range via softmax([t, 0]) = [e^t/(1+e^t), ...] with
         * negative beta pushing (x - max) * beta up to +88 */
        for (float t = -88.f; t <= 88.f; t += 0.37f) {
            float x[2] = {0.f, -1.f}, y[2];
            fns[f](x, y, 2, -t, false); /* (x-max)*beta = {0, t} */
            double et = exp((double)t), s = 1 + et;
            assert_true(fabs(y[0] - 1 / s) <= 1e-6 / s + 1e-37);
            assert_true(fabs(y[1] - et / s) <= 1e-6 * (et / s) + 1e-37);
        }
    }
}

/* The result does not depend on the thread count; large inputs take the parallel path. */
static void test_threads_bitwise_equal(void **state)
{
    (void)state;
    int32_t dims[2] = {97, 1001};
    float *x = random_data(97 * 1001, -10, 10, 5);
    ot_case c1, c2;
    run_op(&c1, &oc_op_SOFTMAX, &g_beta1, 2, dims, x, 1);
    run_op(&c2, &oc_op_SOFTMAX, &g_beta1, 2, dims, x, 2);
    assert_memory_equal(ot_out(&c1, 0)->data, ot_out(&c2, 0)->data, 97 * 1001 * sizeof(float));
    check_rows(ot_out(&c2, 0)->data, x, 97, 1001, 1.f, false);
    ot_free(&c1);
    ot_free(&c2);
    free(x);
}

static void test_empty(void **state)
{
    (void)state;
    int32_t dims[2] = {0, 5};
    ot_case c;
    run_op(&c, &oc_op_SOFTMAX, &g_beta1, 2, dims, NULL, 1);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 0);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3};
    ot_case c;
    ot_init(&c, &oc_op_SOFTMAX);
    c.op.params = &g_beta1;
    ot_input(&c, OC_I32, 2, dims, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "SOFTMAX"));
    ot_free(&c);
    ot_init(&c, &oc_op_LOG_SOFTMAX);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_SOFTMAX);
    float s = 1;
    ot_input(&c, OC_F32, 0, NULL, &s, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_SOFTMAX);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[1] = {fbt_f32(0.25f)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 1, &op.options);
    assert_int_equal(oc_op_SOFTMAX.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_softmax_params *)op.params)->beta == 0.25f);
    oc_mem_free_all(&mem);
}


/* ---- quantized ------------------------------------------------------------------------------ */

typedef struct qsm_case {
    oc_dtype in, out;
    float s_in, s_out;
    int64_t z_in, z_out;
    float beta;
} qsm_case;

static int64_t qget(const void *p, oc_dtype t, int64_t i)
{
    switch (t) {
    case OC_U8: return ((const uint8_t *)p)[i];
    case OC_I8: return ((const int8_t *)p)[i];
    default: return ((const int16_t *)p)[i];
    }
}

/* Runs a quantized SOFTMAX on [rows, n]; the output stays in c (ot_free it). */
static oc_status run_q(ot_case *c, const qsm_case *q, int64_t rows, int64_t n, const void *x,
                       int nthreads)
{
    static oc_softmax_params p;
    p.beta = q->beta;
    int32_t dims[2] = {(int32_t)rows, (int32_t)n};
    ot_init(c, &oc_op_SOFTMAX);
    c->op.params = &p;
    int i = ot_input(c, q->in, 2, dims, x, false);
    int o = ot_output(c, q->out);
    c->tensors[i].q = (oc_qparams){1, 0, (float *)&q->s_in, (int64_t *)&q->z_in};
    c->tensors[o].q = (oc_qparams){1, 0, (float *)&q->s_out, (int64_t *)&q->z_out};
    return ot_run(c, nthreads);
}

/* Dequantize, double softmax, requantize: every output within `tol` LSB. */
static void check_q_sim(const qsm_case *q, int64_t rows, int64_t n, const void *x, const void *y,
                        int tol)
{
    double *e = malloc((size_t)n * sizeof *e);
    int64_t lo = q->out == OC_U8 ? 0 : q->out == OC_I8 ? -128 : -32768;
    int64_t hi = q->out == OC_U8 ? 255 : q->out == OC_I8 ? 127 : 32767;
    for (int64_t r = 0; r < rows; r++) {
        double mx = -DBL_MAX, sum = 0;
        for (int64_t j = 0; j < n; j++)
            mx = fmax(mx, q->s_in * (double)(qget(x, q->in, r * n + j) - q->z_in));
        for (int64_t j = 0; j < n; j++) {
            e[j] = exp(q->beta * (q->s_in * (double)(qget(x, q->in, r * n + j) - q->z_in) - mx));
            sum += e[j];
        }
        for (int64_t j = 0; j < n; j++) {
            double want = fmin(fmax(round(e[j] / sum / q->s_out) + (double)q->z_out, lo), hi);
            int64_t got = qget(y, q->out, r * n + j);
            if (fabs((double)got - want) > tol)
                fail_msg("row %lld elem %lld: got %lld, float reference %g", (long long)r,
                         (long long)j, (long long)got, want);
        }
    }
    free(e);
}

/* Outputs recorded from TFLite (tfjs-tflite, which runs its own quantized softmax kernels,
 * not XNNPACK's) on one 7-element row. */
static void test_quant_tflite_values(void **state)
{
    (void)state;
    static const uint8_t u[7] = {0, 50, 100, 150, 200, 250, 255};
    static const int8_t s[7] = {-128, -100, -50, 0, 50, 100, 127};
    static const int16_t h[7] = {-30000, -10000, -1000, 0, 1000, 10000, 12000};
    static const struct {
        qsm_case q;
        const void *x;
        int16_t want[7];
    } cases[] = {
        {{OC_U8, OC_U8, 0.02f, 1.f / 256, 0, 0, 1.f}, u, {1, 2, 5, 13, 35, 95, 105}},
        {{OC_I8, OC_I8, 0.02f, 1.f / 256, 0, -128, 1.f}, s, {-127, -127, -124, -117, -99, -50, 5}},
        {{OC_I8, OC_I8, 0.01f, 1.f / 256, 0, -128, 2.f}, s, {-127, -127, -124, -117, -99, -50, 5}},
        {{OC_I8, OC_I16, 0.02f, 1.f / 65536, 0, -32768, 1.f},
         s,
         {-32560, -32404, -31779, -30079, -25457, -12895, 1334}},
        {{OC_U8, OC_I16, 0.02f, 1.f / 65536, 0, -32768, 1.f},
         u,
         {-32603, -32321, -31552, -29463, -23783, -8344, -5775}},
        {{OC_I16, OC_I16, 0.0003f, 1.f / 32768, 0, 0, 1.f},
         h,
         {1, 28, 406, 548, 739, 11002, 20045}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ot_case c;
        assert_int_equal(run_q(&c, &cases[k].q, 1, 7, cases[k].x, 1), OC_OK);
        for (int j = 0; j < 7; j++)
            if (qget(ot_out(&c, 0)->data, cases[k].q.out, j) != cases[k].want[j])
                fail_msg("case %zu elem %d: got %lld want %d", k, j,
                         (long long)qget(ot_out(&c, 0)->data, cases[k].q.out, j),
                         cases[k].want[j]);
        ot_free(&c);
    }
}

static void *qrand(oc_dtype t, int64_t n, int lo, int hi, unsigned seed)
{
    size_t es = t == OC_I16 ? 2 : 1;
    void *p = malloc((size_t)(n ? n : 1) * es);
    uint32_t st = seed * 2654435761u + 7u;
    for (int64_t i = 0; i < n; i++) {
        st = st * 1664525u + 1013904223u;
        int v = lo + (int)((st >> 8) % (uint32_t)(hi - lo + 1));
        if (t == OC_U8) ((uint8_t *)p)[i] = (uint8_t)v;
        else if (t == OC_I8) ((int8_t *)p)[i] = (int8_t)v;
        else ((int16_t *)p)[i] = (int16_t)v;
    }
    return p;
}

/* Random rows of odd lengths, every type pair, against the float-simulated reference (1 LSB
 * for the float-table kernels; TFLite's int16 kernel, two interpolated 513-entry tables, is
 * only good to about 1e-3: 40 LSB of 1/32768), and 2 threads equal to 1. */
static void test_quant_float_reference(void **state)
{
    (void)state;
    static const qsm_case qs[] = {
        {OC_U8, OC_U8, 0.1f, 1.f / 256, 128, 0, 1.f},
        {OC_U8, OC_U8, 0.0371f, 1.f / 256, 100, 0, 0.7f},
        {OC_U8, OC_I16, 0.05f, 1.f / 65536, 128, -32768, 1.f},
        {OC_I8, OC_I8, 0.1736f, 1.f / 256, 3, -128, 1.f},
        {OC_I8, OC_I8, 0.02f, 1.f / 256, -5, -128, 2.5f},
        {OC_I8, OC_I16, 0.0699627325f, 1.52590219e-05f, 2, -32768, 1.f},
        {OC_I16, OC_I16, 0.0011f, 1.f / 32768, 0, 0, 1.f},
        {OC_I16, OC_I16, 0.000031f, 1.f / 32768, 0, 0, 0.5f},
    };
    const int64_t lens[] = {1, 3, 17, 33, 1001};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            int64_t n = lens[l], rows = n > 100 ? 23 : 5;
            int lo = qs[k].in == OC_U8 ? 0 : qs[k].in == OC_I8 ? -128 : -32768;
            int hi = qs[k].in == OC_U8 ? 255 : qs[k].in == OC_I8 ? 127 : 32767;
            if (qs[k].in == OC_I16 && k == 7) lo = -3000, hi = 3000; /* smooth rows */
            void *x = qrand(qs[k].in, rows * n, lo, hi, (unsigned)(k * 31 + l));
            ot_case c1, c2;
            assert_int_equal(run_q(&c1, &qs[k], rows, n, x, 1), OC_OK);
            assert_int_equal(run_q(&c2, &qs[k], rows, n, x, 2), OC_OK);
            check_q_sim(&qs[k], rows, n, x, ot_out(&c1, 0)->data, qs[k].in == OC_I16 ? 40 : 1);
            assert_memory_equal(ot_out(&c1, 0)->data, ot_out(&c2, 0)->data,
                                ot_out(&c1, 0)->bytes);
            ot_free(&c1);
            ot_free(&c2);
            free(x);
        }
    }
}

/* Rank-4 input: softmax runs over the last axis only. */
static void test_quant_rank4(void **state)
{
    (void)state;
    const qsm_case q = {OC_I8, OC_I8, 0.05f, 1.f / 256, 0, -128, 1.f};
    int8_t x[2 * 3 * 5];
    for (int i = 0; i < 30; i++)
        x[i] = (int8_t)(i * 7 - 100);
    int32_t dims[4] = {2, 1, 3, 5};
    static oc_softmax_params p = {1.f};
    ot_case c;
    ot_init(&c, &oc_op_SOFTMAX);
    c.op.params = &p;
    int i = ot_input(&c, OC_I8, 4, dims, x, false);
    int o = ot_output(&c, OC_I8);
    c.tensors[i].q = (oc_qparams){1, 0, (float *)&q.s_in, (int64_t *)&q.z_in};
    c.tensors[o].q = (oc_qparams){1, 0, (float *)&q.s_out, (int64_t *)&q.z_out};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 4);
    check_q_sim(&q, 6, 5, x, ot_out(&c, 0)->data, 1);
    ot_free(&c);
}

static void expect_q_reject(const qsm_case *q, const char *what)
{
    int8_t x[4] = {0};
    ot_case c;
    assert_int_equal(run_q(&c, q, 1, 2, x, 1), OC_ERROR);
    if (!strstr(c.err.msg, what)) fail_msg("message '%s' lacks '%s'", c.err.msg, what);
    ot_free(&c);
}

static void test_quant_rejects(void **state)
{
    (void)state;
    const qsm_case bad[] = {
        {OC_U8, OC_U8, 0.1f, 1.f / 256, 0, 3, 1.f},         /* uint8 zero point */
        {OC_I8, OC_I8, 0.1f, 1.f / 128, 0, -128, 1.f},      /* int8 scale */
        {OC_I8, OC_I8, 0.1f, 1.f / 256, 0, 0, 1.f},         /* int8 zero point */
        {OC_I16, OC_I16, 0.1f, 1.f / 32768, 0, 5, 1.f},     /* int16 zero point */
        {OC_I16, OC_I8, 0.1f, 1.f / 256, 0, -128, 1.f},     /* int16 -> int8 */
        {OC_I8, OC_U8, 0.1f, 1.f / 256, 0, 0, 1.f},         /* int8 -> uint8 */
        {OC_U8, OC_I8, 0.1f, 1.f / 256, 0, -128, 1.f},      /* uint8 -> int8 */
        {OC_I8, OC_I8, 0.f, 1.f / 256, 0, -128, 1.f},       /* zero scale */
    };
    const char *what[] = {"zero point", "scale", "scale", "zero point",
                          "int16", "uint8", "int8", "scale"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        expect_q_reject(&bad[k], what[k]);
    /* unquantized integer input */
    int32_t dims[2] = {1, 2};
    int8_t x[2] = {0};
    ot_case c;
    ot_init(&c, &oc_op_SOFTMAX);
    c.op.params = &g_beta1;
    ot_input(&c, OC_I8, 2, dims, x, false);
    ot_output(&c, OC_I8);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

/* Absurd quantization (found by fuzzing): a tiny output scale makes huge probabilities and a
 * huge negative beta overflows the table to inf (inf * 0 = NaN); both must saturate instead of
 * overflowing the float -> int conversion (UBSan checks this in CI). */
static void test_quant_absurd_saturates(void **state)
{
    (void)state;
    const uint8_t x[2] = {0, 100};
    const qsm_case tiny = {OC_U8, OC_U8, 0.02f, 1e-30f, 0, 0, 1.f};
    const qsm_case nan = {OC_U8, OC_U8, 0.02f, 1.f / 256, 0, 0, -1e30f};
    ot_case c;
    assert_int_equal(run_q(&c, &tiny, 1, 2, x, 1), OC_OK);
    const uint8_t *y = ot_out(&c, 0)->data;
    assert_int_equal(y[0], 255);
    assert_int_equal(y[1], 255);
    ot_free(&c);
    assert_int_equal(run_q(&c, &nan, 1, 2, x, 1), OC_OK);
    y = ot_out(&c, 0)->data;
    assert_int_equal(y[0], 0); /* NaN gives the low bound */
    assert_int_equal(y[1], 0);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_odd_sizes_and_ranks),
        cmocka_unit_test(test_numerically_stable),
        cmocka_unit_test(test_row_kernels),
        cmocka_unit_test(test_threads_bitwise_equal),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_quant_tflite_values),
        cmocka_unit_test(test_quant_absurd_saturates),
        cmocka_unit_test(test_quant_float_reference),
        cmocka_unit_test(test_quant_rank4),
        cmocka_unit_test(test_quant_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
