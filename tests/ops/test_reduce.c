/* MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN against hand values and a naive oracle;
 * quantized MEAN / SUM against outputs recorded from TFLite (tfjs-tflite) and a float
 * simulation. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "ops/misc_params.h"

enum { K_MEAN, K_SUM, K_PROD, K_MAX, K_MIN };

static const oc_op_def *def_of(int k)
{
    switch (k) {
    case K_MEAN: return &oc_op_MEAN;
    case K_SUM: return &oc_op_SUM;
    case K_PROD: return &oc_op_REDUCE_PROD;
    case K_MAX: return &oc_op_REDUCE_MAX;
    default: return &oc_op_REDUCE_MIN;
    }
}

/* Naive oracle in double: walks every input element and folds it into its output slot. */
static void naive(int k, const oc_shape *s, const float *x, const int32_t *axes, int nax,
                  double *out, int64_t nout)
{
    bool red[OC_MAX_RANK] = {false};
    for (int i = 0; i < nax; i++)
        red[axes[i] < 0 ? axes[i] + s->rank : axes[i]] = true;
    double init = k == K_PROD ? 1 : k == K_MAX ? -FLT_MAX : k == K_MIN ? FLT_MAX : 0;
    int64_t *cnt = calloc((size_t)nout, sizeof *cnt);
    for (int64_t o = 0; o < nout; o++)
        out[o] = init;
    int64_t total = oc_shape_count(s);
    for (int64_t e = 0; e < total; e++) {
        int64_t rem = e, o = 0, mul = 1;
        for (int d = s->rank - 1; d >= 0; d--) {
            int64_t i = rem % s->dims[d];
            rem /= s->dims[d];
            if (!red[d]) {
                o += i * mul;
                mul *= s->dims[d];
            }
        }
        double v = x[e];
        switch (k) {
        case K_MEAN:
        case K_SUM: out[o] += v; break;
        case K_PROD: out[o] *= v; break;
        case K_MAX: out[o] = v > out[o] ? v : out[o]; break;
        default: out[o] = v < out[o] ? v : out[o]; break;
        }
        cnt[o]++;
    }
    if (k == K_MEAN)
        for (int64_t o = 0; o < nout; o++)
            if (cnt[o]) out[o] /= (double)cnt[o];
    free(cnt);
}

static oc_reduce_params g_keep = {true}, g_drop = {false};

static void setup(ot_case *c, int k, oc_dtype dt, int rank, const int32_t *dims, const void *x,
                  const int32_t *axes, int nax, bool keep)
{
    ot_init(c, def_of(k));
    c->op.params = keep ? &g_keep : &g_drop;
    ot_input(c, dt, rank, dims, x, false);
    int32_t ad[1] = {nax};
    ot_input(c, OC_I32, 1, ad, axes, true);
    ot_output(c, dt);
}

/* Runs a float case and checks against the oracle; returns nothing, asserts inside. */
static void check_f32(int k, int rank, const int32_t *dims, const int32_t *axes, int nax, bool keep,
                      int nthreads, float tol)
{
    oc_shape s = {.rank = rank};
    for (int d = 0; d < rank; d++)
        s.dims[d] = dims[d];
    int64_t n = oc_shape_count(&s);
    float *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    srand(1234 + k);
    for (int64_t i = 0; i < n; i++)
        x[i] = k == K_PROD ? 0.9f + 0.2f * (float)rand() / RAND_MAX
                           : (float)rand() / RAND_MAX * 4.f - 2.f;
    ot_case c;
    setup(&c, k, OC_F32, rank, dims, x, axes, nax, keep);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    oc_tensor *o = ot_out(&c, 0);
    int64_t nout = oc_tensor_count(o);
    double *want = malloc((size_t)(nout ? nout : 1) * sizeof *want);
    float *wf = malloc((size_t)(nout ? nout : 1) * sizeof *wf);
    naive(k, &s, x, axes, nax, want, nout);
    for (int64_t i = 0; i < nout; i++)
        wf[i] = (float)want[i];
    ot_assert_near_f32(o->data, wf, (size_t)nout, tol);
    free(want);
    free(wf);
    free(x);
    ot_free(&c);
}

static void test_hand_values(void **state)
{
    (void)state;
    const float x[6] = {1, 2, 3, 4, 5, 7}; /* [2,3] */
    int32_t dims[2] = {2, 3};
    struct {
        int k;
        int32_t axis;
        float want[3];
        int n;
    } cases[] = {
        {K_SUM, 0, {5, 7, 10}, 3},        {K_SUM, 1, {6, 16}, 2},   {K_MEAN, 1, {2, 16.f / 3}, 2},
        {K_MEAN, -2, {2.5f, 3.5f, 5}, 3}, {K_PROD, 1, {6, 140}, 2}, {K_MAX, 0, {4, 5, 7}, 3},
        {K_MIN, -1, {1, 4}, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_case c;
        setup(&c, cases[i].k, OC_F32, 2, dims, x, &cases[i].axis, 1, false);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        oc_tensor *o = ot_out(&c, 0);
        assert_int_equal(o->shape.rank, 1);
        assert_int_equal(o->shape.dims[0], cases[i].n);
        ot_assert_near_f32(o->data, cases[i].want, (size_t)cases[i].n, 4 * FLT_EPSILON);
        ot_free(&c);
    }
}

static void test_keep_dims_shape(void **state)
{
    (void)state;
    int32_t dims[4] = {2, 3, 5, 4}, axes[2] = {1, 2};
    ot_case c;
    setup(&c, K_MEAN, OC_F32, 4, dims, NULL, axes, 2, true);
    assert_int_equal(ot_prepare(&c), OC_OK);
    oc_tensor *o = ot_out(&c, 0);
    assert_int_equal(o->shape.rank, 4);
    assert_int_equal(o->shape.dims[0], 2);
    assert_int_equal(o->shape.dims[1], 1);
    assert_int_equal(o->shape.dims[2], 1);
    assert_int_equal(o->shape.dims[3], 4);
    assert_int_equal(o->bytes, 2 * 4 * sizeof(float));
    ot_free(&c);
    setup(&c, K_MEAN, OC_F32, 4, dims, NULL, axes, 2, false);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    assert_int_equal(ot_out(&c, 0)->shape.dims[1], 4);
    ot_free(&c);
    /* all axes without keep_dims: a scalar */
    int32_t all[4] = {0, 1, 2, 3};
    setup(&c, K_SUM, OC_F32, 4, dims, NULL, all, 4, false);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 0);
    ot_free(&c);
}

/* The CNN case: MEAN over H,W of NHWC, odd sizes, single and multi-thread. */
static void test_mean_hw(void **state)
{
    (void)state;
    int32_t axes[2] = {1, 2};
    int32_t shapes[][4] = {{1, 3, 5, 17}, {2, 7, 7, 33},   {1, 1, 1, 1},
                           {3, 9, 11, 1}, {1, 56, 57, 70}, {2, 33, 17, 130}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        check_f32(K_MEAN, 4, shapes[i], axes, 2, true, 1, 1e-5f);
        check_f32(K_MEAN, 4, shapes[i], axes, 2, false, 2, 1e-5f);
    }
}

static void test_every_kind_layouts(void **state)
{
    (void)state;
    int32_t dims[4] = {3, 4, 5, 6};
    int32_t axsets[][3] = {{0, 0, 0}, {3, 3, 3}, {-1, 1, 1}, {0, 2, 2},
                           {1, 3, 3}, {0, 1, 2}, {-4, -3, 3}};
    int nax[] = {1, 1, 2, 2, 2, 3, 3};
    for (int k = K_MEAN; k <= K_MIN; k++)
        for (size_t a = 0; a < sizeof nax / sizeof nax[0]; a++)
            for (int keep = 0; keep < 2; keep++)
                check_f32(k, 4, dims, axsets[a], nax[a], keep, 1 + keep, 1e-5f);
    /* last-axis reduction over long rows, threaded */
    int32_t big[2] = {65, 1029}, last[1] = {1};
    for (int k = K_MEAN; k <= K_MIN; k++)
        check_f32(k, 2, big, last, 1, false, 2, 1e-5f);
}

static void test_duplicate_and_negative_axes(void **state)
{
    (void)state;
    int32_t dims[3] = {2, 3, 4}, axes[3] = {-1, 2, 2};
    check_f32(K_SUM, 3, dims, axes, 3, false, 1, 1e-6f);
    ot_case c;
    setup(&c, K_SUM, OC_F32, 3, dims, NULL, axes, 3, false);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    ot_free(&c);
}

static void test_no_axes_is_copy(void **state)
{
    (void)state;
    const float x[3] = {1.5f, -2, 3};
    int32_t dims[1] = {3};
    ot_case c;
    ot_init(&c, &oc_op_MEAN);
    c.op.params = &g_drop;
    ot_input(&c, OC_F32, 1, dims, x, false);
    int32_t zero[1] = {0};
    int32_t dummy = 0;
    ot_input(&c, OC_I32, 1, zero, &dummy, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 3);
    ot_assert_near_f32(ot_out(&c, 0)->data, x, 3, 0);
    ot_free(&c);
}

static void test_empty_reduction(void **state)
{
    (void)state;
    int32_t dims[3] = {2, 0, 3}, axis = 1;
    float want[5][6];
    int ks[5] = {K_MEAN, K_SUM, K_PROD, K_MAX, K_MIN};
    float vals[5] = {0, 0, 1, -FLT_MAX, FLT_MAX};
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 6; j++)
            want[i][j] = vals[i];
        ot_case c;
        setup(&c, ks[i], OC_F32, 3, dims, NULL, &axis, 1, false);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        assert_int_equal(oc_tensor_count(ot_out(&c, 0)), 6);
        ot_assert_near_f32(ot_out(&c, 0)->data, want[i], 6, 0);
        ot_free(&c);
    }
}

static void test_integer_types(void **state)
{
    (void)state;
    const int32_t xi[6] = {-3, -4, 7, 1, 2, 2147483647};
    int32_t dims[2] = {2, 3}, axis = 1;
    ot_case c;
    /* int32 MEAN truncates toward zero like C++ division; sums of large values do not
     * overflow before the division. */
    setup(&c, K_MEAN, OC_I32, 2, dims, xi, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t *o = ot_out(&c, 0)->data;
    assert_int_equal(o[0], 0); /* (-3-4+7)/3 */
    assert_int_equal(o[1], (int32_t)((1 + 2 + 2147483647LL) / 3));
    ot_free(&c);
    const int32_t xs[4] = {-3, -4, 5, 6};
    int32_t d2[1] = {4}, a0 = 0;
    setup(&c, K_MEAN, OC_I32, 1, d2, xs, &a0, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int32_t *)ot_out(&c, 0)->data)[0], 1);
    ot_free(&c);
    setup(&c, K_SUM, OC_I32, 2, dims, xi, &axis, 1, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int32_t *)ot_out(&c, 0)->data)[0], 0);
    ot_free(&c);
    setup(&c, K_PROD, OC_I32, 2, dims, xi, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int32_t *)ot_out(&c, 0)->data)[0], 84);
    ot_free(&c);
    setup(&c, K_MAX, OC_I32, 2, dims, xi, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int32_t *)ot_out(&c, 0)->data)[1], 2147483647);
    ot_free(&c);

    const int64_t xl[4] = {5, -6, 10000000000LL, 3};
    int32_t dl[2] = {2, 2};
    setup(&c, K_SUM, OC_I64, 2, dl, xl, &a0, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_true(((int64_t *)ot_out(&c, 0)->data)[0] == 10000000005LL);
    assert_true(((int64_t *)ot_out(&c, 0)->data)[1] == -3);
    ot_free(&c);
    setup(&c, K_MEAN, OC_I64, 2, dl, xl, &a0, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_true(((int64_t *)ot_out(&c, 0)->data)[0] == 5000000002LL);
    assert_true(((int64_t *)ot_out(&c, 0)->data)[1] == -1);
    ot_free(&c);

    const uint8_t xu[6] = {9, 200, 3, 255, 0, 17};
    setup(&c, K_MAX, OC_U8, 2, dims, xu, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((uint8_t *)ot_out(&c, 0)->data)[0], 200);
    assert_int_equal(((uint8_t *)ot_out(&c, 0)->data)[1], 255);
    ot_free(&c);
    const int8_t xs8[6] = {9, -100, 3, -1, 0, -128};
    setup(&c, K_MIN, OC_I8, 2, dims, xs8, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int8_t *)ot_out(&c, 0)->data)[0], -100);
    assert_int_equal(((int8_t *)ot_out(&c, 0)->data)[1], -128);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3}, bad = 2, neg = -3, ok = 1;
    ot_case c;
    setup(&c, K_SUM, OC_F32, 2, dims, NULL, &bad, 1, false);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "SUM"));
    assert_non_null(strstr(c.err.msg, "out of range"));
    ot_free(&c);
    setup(&c, K_SUM, OC_F32, 2, dims, NULL, &neg, 1, false);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* uint8 sums/means are quantized arithmetic: not here */
    setup(&c, K_MEAN, OC_U8, 2, dims, NULL, &ok, 1, false);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    setup(&c, K_MAX, OC_BOOL, 2, dims, NULL, &ok, 1, false);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* output type differs */
    ot_init(&c, &oc_op_SUM);
    c.op.params = &g_drop;
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    int32_t one[1] = {1};
    ot_input(&c, OC_I32, 1, one, &ok, true);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* float axis */
    ot_init(&c, &oc_op_SUM);
    c.op.params = &g_drop;
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    float fa = 1;
    ot_input(&c, OC_F32, 1, one, &fa, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* wrong input count */
    ot_init(&c, &oc_op_SUM);
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_dynamic_axis(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3}, one[1] = {1}, axis = 1;
    const float x[6] = {1, 2, 3, 4, 5, 6};
    ot_case c;
    ot_init(&c, &oc_op_SUM);
    c.op.params = &g_drop;
    ot_input(&c, OC_F32, 2, dims, x, false);
    ot_input(&c, OC_I32, 1, one, &axis, false); /* not constant */
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[2] = {6, 15};
    ot_assert_near_f32(ot_out(&c, 0)->data, want, 2, 0);
    ot_free(&c);
    /* int64 axis, scalar */
    int64_t a64 = -1;
    ot_init(&c, &oc_op_REDUCE_MAX);
    c.op.params = &g_keep;
    ot_input(&c, OC_F32, 2, dims, x, false);
    ot_input(&c, OC_I64, 0, NULL, &a64, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    const float wmax[2] = {3, 6};
    ot_assert_near_f32(ot_out(&c, 0)->data, wmax, 2, 0);
    ot_free(&c);
}

static void test_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[1] = {fbt_u8(1)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 1, &op.options);
    assert_int_equal(oc_op_MEAN.parse(&op, &mem, &err), OC_OK);
    assert_true(((const oc_reduce_params *)op.params)->keep_dims);
    memset(&op, 0, sizeof op); /* absent options: defaults */
    assert_int_equal(oc_op_SUM.parse(&op, &mem, &err), OC_OK);
    assert_false(((const oc_reduce_params *)op.params)->keep_dims);
    oc_mem_free_all(&mem);
}

/* NaN inputs are skipped by max/min as std::max with a lowest-value start does. */
static void test_max_nan_and_inf(void **state)
{
    (void)state;
    const float x[3] = {NAN, -INFINITY, -INFINITY};
    int32_t dims[1] = {3}, axis = 0;
    ot_case c;
    setup(&c, K_MAX, OC_F32, 1, dims, x, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want = -FLT_MAX;
    ot_assert_near_f32(ot_out(&c, 0)->data, &want, 1, 0);
    ot_free(&c);
}

/* ---- quantized --------------------------------------------------------------------------- */

typedef struct qred {
    int k;
    oc_dtype dt;
    int rank;
    int32_t dims[4];
    int nax;
    int32_t axes[3];
    bool keep;
    float si, so;
    int64_t zi, zo;
} qred;

static int64_t qget(const void *p, oc_dtype t, int64_t i)
{
    return t == OC_U8   ? ((const uint8_t *)p)[i]
           : t == OC_I8 ? ((const int8_t *)p)[i]
                        : ((const int16_t *)p)[i];
}

static void setup_q(ot_case *c, qred *q, const void *x)
{
    setup(c, q->k, q->dt, q->rank, q->dims, x, q->axes, q->nax, q->keep);
    c->tensors[c->inputs[0]].q = (oc_qparams){1, 0, &q->si, &q->zi};
    c->tensors[c->outputs[0]].q = (oc_qparams){1, 0, &q->so, &q->zo};
}

/* x[i] = (37 i + 11) mod 256 (minus 128 for int8), int16: 7919 i mod 65536 - 32768. */
static void *formula_input(oc_dtype t, int64_t n)
{
    void *p = malloc((size_t)n * 2);
    for (int64_t i = 0; i < n; i++) {
        int v = (int)((i * 37 + 11) % 256);
        if (t == OC_U8)
            ((uint8_t *)p)[i] = (uint8_t)v;
        else if (t == OC_I8)
            ((int8_t *)p)[i] = (int8_t)(v - 128);
        else
            ((int16_t *)p)[i] = (int16_t)((int)((i * 7919) % 65536) - 32768);
    }
    return p;
}

/* One recorded output per rounding rule: MEAN over H, W (XNNPACK), MEAN (float
 * requantization), MEAN with equal parameters (integer, truncating), SUM with rescale (wraps),
 * SUM with equal parameters (wraps in int8), int16 MEAN. */
static void test_quant_tflite_values(void **state)
{
    (void)state;
    static qred qs[] = {
        {K_MEAN, OC_U8, 4, {1, 2, 3, 2}, 2, {1, 2}, true, 0.05f, 0.03f, 128, 100},
        {K_MEAN, OC_I8, 3, {2, 3, 4}, 1, {-1}, false, 0.05f, 0.03f, -3, 5},
        {K_MEAN, OC_I8, 3, {2, 3, 4}, 1, {1}, false, 0.05f, 0.05f, -3, -3},
        {K_SUM, OC_U8, 3, {2, 3, 4}, 2, {0, 2}, false, 0.05f, 0.5f, 128, 10},
        {K_SUM, OC_I8, 3, {2, 3, 4}, 1, {-1}, false, 0.05f, 0.05f, -3, -3},
        {K_MEAN, OC_I16, 3, {2, 3, 4}, 1, {-1}, false, 0.001f, 0.0007f, 0, 0},
    };
    static const int32_t want[][8] = {
        {71, 62},       {-93, 48, -26, 8, 41, -33},  {-54, -17, 19, -28, 48, 0, -48, -11},
        {241, 26, 247}, {10, 90, -86, -6, 74, -102}, {-29842, 15409, -9556, 12289, -12676, 9169},
    };
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        int64_t n = 1;
        for (int d = 0; d < qs[k].rank; d++)
            n *= qs[k].dims[d];
        void *x = formula_input(qs[k].dt, n);
        ot_case c;
        setup_q(&c, &qs[k], x);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        for (int64_t i = 0; i < oc_tensor_count(ot_out(&c, 0)); i++)
            if (qget(ot_out(&c, 0)->data, qs[k].dt, i) != want[k][i])
                fail_msg("case %zu elem %lld: got %lld want %d", k, (long long)i,
                         (long long)qget(ot_out(&c, 0)->data, qs[k].dt, i), want[k][i]);
        ot_free(&c);
        free(x);
    }
}

/* Random inputs: MEAN within 1 LSB of the dequantize / mean / requantize result (MEAN with
 * equal parameters truncates: within 1 below), SUM likewise where it does not wrap; 2 threads
 * equal 1. */
static void test_quant_float_simulation(void **state)
{
    (void)state;
    static qred qs[] = {
        {K_MEAN, OC_U8, 4, {2, 9, 9, 64}, 2, {1, 2}, true, 0.0371f, 0.0219f, 117, 93},
        {K_MEAN, OC_I8, 4, {2, 9, 9, 64}, 2, {2, 1}, false, 0.0371f, 0.0519f, -11, 7},
        {K_MEAN, OC_I8, 4, {2, 9, 9, 64}, 3, {0, 1, 2}, true, 0.0371f, 0.0119f, -11, 7},
        {K_MEAN, OC_U8, 3, {3, 6, 33}, 1, {-1}, false, 0.05f, 0.03f, 128, 100},
        {K_MEAN, OC_I8, 3, {3, 17, 9}, 1, {1}, true, 0.05f, 0.05f, -3, -3},
        {K_MEAN, OC_I16, 3, {3, 6, 9}, 2, {0, 2}, false, 0.001f, 0.0003f, 0, 0},
        {K_SUM, OC_I8, 3, {3, 6, 9}, 1, {-1}, false, 0.05f, 0.3f, -3, 5},
        {K_SUM, OC_U8, 3, {3, 6, 9}, 1, {1}, false, 0.01f, 0.5f, 128, 128},
    };
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        qred *q = &qs[k];
        oc_shape sh = {.rank = q->rank};
        int64_t n = 1;
        for (int d = 0; d < q->rank; d++)
            sh.dims[d] = q->dims[d], n *= q->dims[d];
        uint8_t *x = malloc((size_t)n * 2);
        uint32_t st = (uint32_t)k + 1;
        for (int64_t i = 0; i < n * 2; i++) {
            st = st * 1664525u + 1013904223u;
            x[i] = (uint8_t)(st >> 24);
        }
        float *fx = malloc((size_t)n * sizeof *fx);
        for (int64_t i = 0; i < n; i++)
            fx[i] = (float)(qget(x, q->dt, i) - q->zi) * q->si;
        ot_case c1, c2;
        setup_q(&c1, q, x);
        setup_q(&c2, q, x);
        assert_int_equal(ot_run(&c1, 1), OC_OK);
        assert_int_equal(ot_run(&c2, 2), OC_OK);
        const oc_tensor *o = ot_out(&c1, 0);
        assert_memory_equal(o->data, ot_out(&c2, 0)->data, o->bytes);
        int64_t nout = oc_tensor_count(o);
        double *ref = malloc((size_t)nout * sizeof *ref);
        naive(q->k, &sh, fx, q->axes, q->nax, ref, nout);
        bool same = q->si == q->so && q->zi == q->zo;
        for (int64_t i = 0; i < nout; i++) {
            double want = ref[i] / q->so + (double)q->zo, got = (double)qget(o->data, q->dt, i);
            double lo = same && q->k == K_MEAN ? -1.0 - 1e-9 : -1.0, hi = 1.0;
            if (!(got - want >= lo && got - want <= hi))
                fail_msg("case %zu out %lld: got %g, float %g", k, (long long)i, got, want);
        }
        free(ref);
        free(fx);
        free(x);
        ot_free(&c1);
        ot_free(&c2);
    }
}

static void test_quant_max_min_int16(void **state)
{
    (void)state;
    const int16_t x[6] = {-30000, 7, 300, 32767, -32768, 5};
    static float s = 0.01f;
    static int64_t z = 0;
    int32_t dims[2] = {2, 3}, axis = 1;
    ot_case c;
    setup(&c, K_MAX, OC_I16, 2, dims, x, &axis, 1, false);
    c.tensors[c.inputs[0]].q = (oc_qparams){1, 0, &s, &z};
    c.tensors[c.outputs[0]].q = (oc_qparams){1, 0, &s, &z};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int16_t *)ot_out(&c, 0)->data)[0], 300);
    assert_int_equal(((int16_t *)ot_out(&c, 0)->data)[1], 32767);
    ot_free(&c);
    setup(&c, K_MIN, OC_I16, 2, dims, x, &axis, 1, false);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(((int16_t *)ot_out(&c, 0)->data)[0], -30000);
    assert_int_equal(((int16_t *)ot_out(&c, 0)->data)[1], -32768);
    ot_free(&c);
}

static void test_quant_rejects(void **state)
{
    (void)state;
    int16_t x[6] = {0};
    ot_case c;
    /* int16 SUM with a rescale: TFLite fails on it */
    qred q = {K_SUM, OC_I16, 2, {2, 3}, 1, {1}, false, 0.01f, 0.02f, 0, 0};
    setup_q(&c, &q, x);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "SUM"));
    ot_free(&c);
    /* quantized REDUCE_PROD */
    q.k = K_PROD;
    q.dt = OC_I8;
    setup_q(&c, &q, x);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* MAX must pass the quantization through */
    q.k = K_MAX;
    setup_q(&c, &q, x);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* per-channel input */
    q.k = K_MEAN;
    static float sc[3] = {0.1f, 0.2f, 0.3f};
    static int64_t zp[3] = {0, 0, 0};
    setup_q(&c, &q, x);
    c.tensors[c.inputs[0]].q = (oc_qparams){3, 1, sc, zp};
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* zero points outside the element type (found by fuzzing: they overflowed the integer
     * requantization) */
    qred bad[] = {{K_MEAN, OC_U8, 2, {2, 3}, 1, {1}, false, 0.1f, 0.2f, 256, 0},
                  {K_SUM, OC_I8, 2, {2, 3}, 1, {1}, false, 0.1f, 0.2f, 0, (int64_t)1 << 40},
                  {K_MEAN, OC_I16, 2, {2, 3}, 1, {1}, false, 0.1f, 0.1f, -40000, 0}};
    for (int i = 0; i < 3; i++) {
        setup_q(&c, &bad[i], x);
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        assert_non_null(strstr(c.err.msg, "zero point"));
        ot_free(&c);
    }
}

/* SUM with an absurd scale ratio (found by fuzzing): beyond int32 the float result saturates
 * before the element type keeps its low bits, instead of overflowing the conversion. */
static void test_quant_sum_absurd_scale(void **state)
{
    (void)state;
    const int8_t x[4] = {100, 100, -100, -100};
    qred q = {K_SUM, OC_I8, 2, {2, 2}, 1, {1}, false, 1e15f, 1e-15f, 0, 0};
    ot_case c;
    setup_q(&c, &q, x);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int8_t *y = ot_out(&c, 0)->data;
    assert_int_equal(y[0], (int8_t)INT32_MAX); /* low byte of the saturated sum */
    assert_int_equal(y[1], (int8_t)INT32_MIN);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_keep_dims_shape),
        cmocka_unit_test(test_mean_hw),
        cmocka_unit_test(test_every_kind_layouts),
        cmocka_unit_test(test_duplicate_and_negative_axes),
        cmocka_unit_test(test_no_axes_is_copy),
        cmocka_unit_test(test_empty_reduction),
        cmocka_unit_test(test_integer_types),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_dynamic_axis),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_max_nan_and_inf),
        cmocka_unit_test(test_quant_tflite_values),
        cmocka_unit_test(test_quant_float_simulation),
        cmocka_unit_test(test_quant_max_min_int16),
        cmocka_unit_test(test_quant_rejects),
        cmocka_unit_test(test_quant_sum_absurd_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
