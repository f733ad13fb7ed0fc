/* ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, FLOOR_DIV, FLOOR_MOD, SQUARED_DIFFERENCE.
 * Expected values come from a plain per-element formula with an index-based broadcast written
 * here, independent of the kernels' collapsed broadcast plans. Every case runs with the
 * portable kernels and with the detected ISA, single- and multi-threaded. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "ops/binary.h"

static const oc_cpu cpu_plain; /* no vector paths */

static void init_isa(ot_case *c, const oc_op_def *def, int isa)
{
    ot_init(c, def);
    if (isa == 0) c->ctx.cpu = &cpu_plain;
}

/* Flat index into an input of shape (r, d) for flat output index i of shape (ro, dout). */
static int64_t bidx(int64_t i, int ro, const int32_t *dout, int r, const int32_t *d)
{
    int64_t idx = 0, stride = 1;
    for (int k = ro - 1; k >= 0; k--) {
        int64_t coord = i % dout[k];
        i /= dout[k];
        int kk = r - ro + k;
        if (kk >= 0) {
            if (d[kk] != 1) idx += coord * stride;
            stride *= d[kk];
        }
    }
    return idx;
}

static float frand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)((*s >> 8) & 0xffff) / 3276.8f - 10.f; /* [-10, 10) */
}

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_MIN, OP_SQD } fop;

static float fref(fop k, float x, float y)
{
    switch (k) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    case OP_MAX: return x > y ? x : y;
    case OP_MIN: return x < y ? x : y;
    default: return (x - y) * (x - y);
    }
}

static const oc_op_def *fdef(fop k)
{
    const oc_op_def *d[] = {&oc_op_ADD,
                            &oc_op_SUB,
                            &oc_op_MUL,
                            &oc_op_DIV,
                            &oc_op_MAXIMUM,
                            &oc_op_MINIMUM,
                            &oc_op_SQUARED_DIFFERENCE};
    return d[k];
}

typedef struct shape_pair {
    int ra;
    int32_t da[6];
    int rb;
    int32_t db[6];
} shape_pair;

static int64_t count(int r, const int32_t *d)
{
    int64_t n = 1;
    for (int i = 0; i < r; i++)
        n *= d[i];
    return n;
}

static void check_float_pair(fop k, const shape_pair *p, int nthreads)
{
    int64_t na = count(p->ra, p->da), nb = count(p->rb, p->db);
    float *a = malloc((size_t)na * 4), *b = malloc((size_t)nb * 4);
    uint32_t seed = 12345;
    for (int64_t i = 0; i < na; i++)
        a[i] = frand(&seed);
    for (int64_t i = 0; i < nb; i++) {
        b[i] = frand(&seed);
        if (k == OP_DIV && fabsf(b[i]) < 0.5f) b[i] = 3.f;
    }
    for (int isa = 0; isa < 2; isa++) {
        ot_case c;
        init_isa(&c, fdef(k), isa);
        ot_input(&c, OC_F32, p->ra, p->da, a, false);
        ot_input(&c, OC_F32, p->rb, p->db, b, false);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, nthreads), OC_OK);
        oc_tensor *o = ot_out(&c, 0);
        int ro = o->shape.rank;
        int64_t n = oc_tensor_count(o);
        float *want = malloc((size_t)n * 4);
        for (int64_t i = 0; i < n; i++)
            want[i] = fref(k, a[bidx(i, ro, o->shape.dims, p->ra, p->da)],
                           b[bidx(i, ro, o->shape.dims, p->rb, p->db)]);
        ot_assert_near_f32(o->data, want, (size_t)n, 0.f); /* exactly rounded: equal */
        free(want);
        ot_free(&c);
    }
    free(a);
    free(b);
}

static const shape_pair pairs[] = {
    {1, {1}, 1, {1}},
    {1, {3}, 1, {3}},
    {1, {17}, 1, {17}},
    {2, {3, 33}, 2, {3, 33}},
    {2, {3, 5}, 1, {5}},
    {1, {5}, 2, {3, 5}},
    {2, {3, 5}, 2, {3, 1}},
    {0, {0}, 2, {2, 3}},
    {2, {2, 17}, 0, {0}},
    {1, {1}, 1, {33}},
    {3, {2, 1, 4}, 3, {1, 3, 1}},
    {4, {2, 7, 9, 3}, 4, {2, 1, 1, 3}},
    {4, {1, 4, 4, 19}, 4, {1, 4, 4, 1}},
    {6, {2, 1, 3, 1, 2, 5}, 6, {1, 4, 1, 3, 2, 1}},
};

static void test_float_broadcast(void **state)
{
    (void)state;
    for (int k = OP_ADD; k <= OP_SQD; k++)
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
            check_float_pair((fop)k, &pairs[i], 1);
}

static void test_float_large_threads(void **state)
{
    (void)state;
    static const shape_pair big[] = {
        {1, {40001}, 1, {40001}},
        {4, {2, 50, 40, 17}, 1, {17}},
        {4, {2, 50, 40, 16}, 4, {2, 1, 1, 16}},
        {2, {70001, 1}, 0, {0}},
        {4, {2, 100, 100, 3}, 1, {3}},      /* short rows: grouped calls */
        {3, {600, 30, 2}, 3, {600, 1, 2}},  /* repeated row changing with the outer dim */
        {3, {600, 30, 2}, 3, {600, 30, 1}}, /* per-row scalar */
    };
    for (int k = OP_ADD; k <= OP_SQD; k++)
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
            check_float_pair((fop)k, &big[i], 2);
}

/* Runs a float op on 1-D inputs of n elements with params; writes the output into got. */
static void run_f32(const oc_op_def *def, const void *params, const float *a, int32_t na,
                    const float *b, int32_t nb, float *got, int isa)
{
    ot_case c;
    init_isa(&c, def, isa);
    c.op.params = params;
    ot_input(&c, OC_F32, 1, &na, a, false);
    ot_input(&c, OC_F32, 1, &nb, b, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

static void test_fused_activation(void **state)
{
    (void)state;
    const float a[9] = {-8, -3, -1.5f, -0.5f, 0, 0.5f, 1.5f, 3, 8};
    const float b[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const oc_op_def *defs[4] = {&oc_op_ADD, &oc_op_SUB, &oc_op_MUL, &oc_op_DIV};
    for (int isa = 0; isa < 2; isa++)
        for (int d = 0; d < 4; d++)
            for (int act = 0; act <= 3; act++) {
                oc_binary_params p = {act, true};
                float got[9], want[9];
                run_f32(defs[d], &p, a, 9, b, 9, got, isa);
                for (int i = 0; i < 9; i++) {
                    float v = d == 0 ? a[i] + 1 : d == 1 ? a[i] - 1 : a[i]; /* *1, /1 */
                    float lo = act == 1 || act == 3 ? 0 : act == 2 ? -1 : -FLT_MAX;
                    float hi = act == 3 ? 6 : act == 2 ? 1 : FLT_MAX;
                    want[i] = v < lo ? lo : v > hi ? hi : v;
                }
                ot_assert_near_f32(got, want, 9, 0.f);
            }
}

static void test_act_none_clamps_infinity(void **state)
{
    (void)state;
    /* TFLite clamps to [lowest, max] even without an activation: inf becomes FLT_MAX. */
    const float a[3] = {INFINITY, -INFINITY, 1.f}, b[3] = {1.f, 1.f, 0.f};
    for (int isa = 0; isa < 2; isa++) {
        float got[3];
        run_f32(&oc_op_ADD, NULL, a, 3, b, 3, got, isa);
        assert_true(got[0] == FLT_MAX && got[1] == -FLT_MAX && got[2] == 1.f);
        run_f32(&oc_op_DIV, NULL, a + 2, 1, b + 2, 1, got, isa);
        assert_true(got[0] == FLT_MAX);
        /* NaN passes through the clamp */
        const float nan = NAN;
        run_f32(&oc_op_MUL, NULL, &nan, 1, b, 1, got, isa);
        assert_true(isnan(got[0]));
    }
}

static void test_max_min_nan(void **state)
{
    (void)state;
    /* TFLite: max = a > b ? a : b, min = a < b ? a : b (NaN on the left loses). */
    const float a[2] = {NAN, 1.f}, b[2] = {1.f, NAN};
    for (int isa = 0; isa < 2; isa++) {
        float got[2];
        run_f32(&oc_op_MAXIMUM, NULL, a, 2, b, 2, got, isa);
        assert_true(got[0] == 1.f && isnan(got[1]));
        run_f32(&oc_op_MINIMUM, NULL, a, 2, b, 2, got, isa);
        assert_true(got[0] == 1.f && isnan(got[1]));
    }
}

static void test_pow_float(void **state)
{
    (void)state;
    const float a[5] = {2, 9, 0.5f, -2, 10}, b[5] = {3, 0.5f, -1, 2, -2};
    const float want[5] = {8, 3, 2, 4, 0.01f};
    float got[5];
    run_f32(&oc_op_POW, NULL, a, 5, b, 5, got, 0);
    ot_assert_near_f32(got, want, 5, 1e-6f);
    float s = 3.f;
    float got2[5], want2[5];
    run_f32(&oc_op_POW, NULL, a, 5, &s, 1, got2, 1);
    for (int i = 0; i < 5; i++)
        want2[i] = a[i] * a[i] * a[i];
    ot_assert_near_f32(got2, want2, 5, 1e-6f);
}

static void test_floor_div_mod_float(void **state)
{
    (void)state;
    const float a[6] = {7, -7, 7, -7, 5.5f, -5.5f}, b[6] = {2, 2, -2, -2, 2, 2};
    const float wdiv[6] = {3, -4, -4, 3, 2, -3}, wmod[6] = {1, 1, -1, -1, 1.5f, 0.5f};
    float got[6];
    run_f32(&oc_op_FLOOR_DIV, NULL, a, 6, b, 6, got, 0);
    ot_assert_near_f32(got, wdiv, 6, 0.f);
    run_f32(&oc_op_FLOOR_MOD, NULL, a, 6, b, 6, got, 0);
    ot_assert_near_f32(got, wmod, 6, 0.f);
}

/* Integer ops: 1-D inputs, exact results. */
static void run_int(const oc_op_def *def, const void *params, oc_dtype dt, const void *a,
                    int32_t na, const void *b, int32_t nb, void *got, int nthreads)
{
    ot_case c;
    ot_init(&c, def);
    c.op.params = params;
    ot_input(&c, dt, 1, &na, a, false);
    ot_input(&c, dt, 1, &nb, b, false);
    ot_output(&c, dt);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    ot_free(&c);
}

static void test_int32_arith(void **state)
{
    (void)state;
    const int32_t a[5] = {5, -7, INT32_MAX, INT32_MIN, 100};
    const int32_t b[5] = {3, 2, 1, -1, -7};
    int32_t got[5];
    run_int(&oc_op_ADD, NULL, OC_I32, a, 5, b, 5, got, 1);
    int32_t wadd[5] = {8, -5, INT32_MIN /* wraps */, INT32_MAX, 93};
    assert_memory_equal(got, wadd, sizeof wadd);
    run_int(&oc_op_SUB, NULL, OC_I32, a, 5, b, 5, got, 1);
    int32_t wsub[5] = {2, -9, INT32_MAX - 1, INT32_MIN + 1, 107};
    assert_memory_equal(got, wsub, sizeof wsub);
    run_int(&oc_op_MUL, NULL, OC_I32, a, 5, b, 5, got, 1);
    int32_t wmul[5] = {15, -14, INT32_MAX, INT32_MIN /* wraps */, -700};
    assert_memory_equal(got, wmul, sizeof wmul);
    run_int(&oc_op_DIV, NULL, OC_I32, a, 5, b, 5, got, 1);
    int32_t wdiv[5] = {1, -3, INT32_MAX, INT32_MIN /* wraps */, -14};
    assert_memory_equal(got, wdiv, sizeof wdiv);
    /* fused RELU6 on int32 */
    oc_binary_params relu6 = {OC_ACT_RELU6, true};
    run_int(&oc_op_ADD, &relu6, OC_I32, a, 5, b, 5, got, 1);
    int32_t wr6[5] = {6, 0, 0, 6, 6};
    assert_memory_equal(got, wr6, sizeof wr6);
    oc_binary_params relu = {OC_ACT_RELU, true};
    run_int(&oc_op_SUB, &relu, OC_I32, a, 5, b, 5, got, 1);
    int32_t wr[5] = {2, 0, INT32_MAX - 1, 0, 107};
    assert_memory_equal(got, wr, sizeof wr);
    /* scalar broadcast, int64 */
    const int64_t a64[3] = {INT64_MAX, -4, 9}, s64 = 2;
    int64_t g64[3];
    run_int(&oc_op_MUL, NULL, OC_I64, a64, 3, &s64, 1, g64, 1);
    int64_t w64[3] = {-2, -8, 18};
    assert_memory_equal(g64, w64, sizeof w64);
    run_int(&oc_op_ADD, NULL, OC_I64, a64, 3, &s64, 1, g64, 1);
    int64_t wa64[3] = {INT64_MIN + 1, -2, 11};
    assert_memory_equal(g64, wa64, sizeof wa64);
}

static void test_int_div_by_zero(void **state)
{
    (void)state;
    const int32_t a[4] = {7, -7, 0, INT32_MIN}, z[4] = {0, 0, 0, 0};
    int32_t got[4];
    const int32_t zero[4] = {0, 0, 0, 0};
    run_int(&oc_op_DIV, NULL, OC_I32, a, 4, z, 4, got, 1);
    assert_memory_equal(got, zero, sizeof zero);
    run_int(&oc_op_FLOOR_DIV, NULL, OC_I32, a, 4, z, 4, got, 1);
    assert_memory_equal(got, zero, sizeof zero);
    run_int(&oc_op_FLOOR_MOD, NULL, OC_I32, a, 4, z, 4, got, 1);
    assert_memory_equal(got, zero, sizeof zero);
}

static void test_int_floor_div_mod(void **state)
{
    (void)state;
    const int32_t a[7] = {7, -7, 7, -7, 6, INT32_MIN, INT32_MIN};
    const int32_t b[7] = {2, 2, -2, -2, 3, -1, 3};
    int32_t got[7];
    run_int(&oc_op_FLOOR_DIV, NULL, OC_I32, a, 7, b, 7, got, 1);
    const int32_t wdiv[7] = {3, -4, -4, 3, 2, INT32_MIN, -715827883};
    assert_memory_equal(got, wdiv, sizeof wdiv);
    run_int(&oc_op_FLOOR_MOD, NULL, OC_I32, a, 7, b, 7, got, 1);
    const int32_t wmod[7] = {1, 1, -1, -1, 0, 0, 1};
    assert_memory_equal(got, wmod, sizeof wmod);
    const int64_t a64[4] = {-9, 9, -9, 9}, b64[4] = {4, -4, -4, 4};
    int64_t g64[4];
    run_int(&oc_op_FLOOR_DIV, NULL, OC_I64, a64, 4, b64, 4, g64, 1);
    const int64_t wd64[4] = {-3, -3, 2, 2};
    assert_memory_equal(g64, wd64, sizeof wd64);
    run_int(&oc_op_FLOOR_MOD, NULL, OC_I64, a64, 4, b64, 4, g64, 1);
    const int64_t wm64[4] = {3, -3, -1, 1};
    assert_memory_equal(g64, wm64, sizeof wm64);
}

static void test_int_pow(void **state)
{
    (void)state;
    const int32_t a[5] = {2, -3, 0, 7, 1}, b[5] = {10, 3, 0, 1, 30};
    int32_t got[5];
    run_int(&oc_op_POW, NULL, OC_I32, a, 5, b, 5, got, 1);
    const int32_t want[5] = {1024, -27, 1, 7, 1};
    assert_memory_equal(got, want, sizeof want);
    /* negative exponent: an error at eval, as in TFLite */
    const int32_t neg[1] = {-1};
    int32_t n1 = 1;
    ot_case c;
    ot_init(&c, &oc_op_POW);
    ot_input(&c, OC_I32, 1, &n1, a, false);
    ot_input(&c, OC_I32, 1, &n1, neg, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "POW"));
    ot_free(&c);
}

static void test_int_max_min_sqdiff(void **state)
{
    (void)state;
    const int32_t a[3] = {-5, 4, 9}, b[3] = {2, 4, -1};
    int32_t got[3];
    run_int(&oc_op_MAXIMUM, NULL, OC_I32, a, 3, b, 3, got, 1);
    assert_memory_equal(got, ((int32_t[]){2, 4, 9}), 12);
    run_int(&oc_op_MINIMUM, NULL, OC_I32, a, 3, b, 3, got, 1);
    assert_memory_equal(got, ((int32_t[]){-5, 4, -1}), 12);
    run_int(&oc_op_SQUARED_DIFFERENCE, NULL, OC_I32, a, 3, b, 3, got, 1);
    assert_memory_equal(got, ((int32_t[]){49, 0, 100}), 12);
    const uint8_t u[3] = {0, 200, 17}, v = 100;
    uint8_t gu[3];
    run_int(&oc_op_MAXIMUM, NULL, OC_U8, u, 3, &v, 1, gu, 1);
    assert_memory_equal(gu, ((uint8_t[]){100, 200, 100}), 3);
    const int8_t s[3] = {-128, 127, 0}, t = -1;
    int8_t gs[3];
    run_int(&oc_op_MINIMUM, NULL, OC_I8, s, 3, &t, 1, gs, 1);
    assert_memory_equal(gs, ((int8_t[]){-128, -1, -1}), 3);
    const int64_t l[2] = {INT64_MIN, 5}, m[2] = {0, 6};
    int64_t gl[2];
    run_int(&oc_op_MAXIMUM, NULL, OC_I64, l, 2, m, 2, gl, 1);
    assert_memory_equal(gl, ((int64_t[]){0, 6}), 16);
}

static void test_int_large_threads(void **state)
{
    (void)state;
    int32_t n = 50003;
    int32_t *a = malloc((size_t)n * 4), *got = malloc((size_t)n * 4);
    for (int32_t i = 0; i < n; i++)
        a[i] = i - 20000;
    const int32_t s = 3;
    run_int(&oc_op_MUL, NULL, OC_I32, a, n, &s, 1, got, 2);
    for (int32_t i = 0; i < n; i++)
        assert_int_equal(got[i], a[i] * 3);
    free(a);
    free(got);
}

/* Grouped short rows with 1- and 8-byte elements: [300,3] max [3], [4,50,5] + [4,1,5]. */
static void test_short_rows_other_types(void **state)
{
    (void)state;
    uint8_t u[900], v[3] = {10, 200, 128}, gu[900];
    for (int i = 0; i < 900; i++)
        u[i] = (uint8_t)(i * 7);
    ot_case c;
    int32_t du[2] = {300, 3}, dv = 3;
    ot_init(&c, &oc_op_MAXIMUM);
    ot_input(&c, OC_U8, 2, du, u, false);
    ot_input(&c, OC_U8, 1, &dv, v, false);
    ot_output(&c, OC_U8);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    memcpy(gu, ot_out(&c, 0)->data, 900);
    ot_free(&c);
    for (int i = 0; i < 900; i++)
        assert_int_equal(gu[i], u[i] > v[i % 3] ? u[i] : v[i % 3]);
    int64_t a[1000], b[20], g[1000];
    for (int i = 0; i < 1000; i++)
        a[i] = (int64_t)i * 1000000007LL;
    for (int i = 0; i < 20; i++)
        b[i] = -(int64_t)i;
    int32_t da[3] = {4, 50, 5}, db[3] = {4, 1, 5};
    ot_init(&c, &oc_op_ADD);
    ot_input(&c, OC_I64, 3, da, a, false);
    ot_input(&c, OC_I64, 3, db, b, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    memcpy(g, ot_out(&c, 0)->data, sizeof g);
    ot_free(&c);
    for (int i = 0; i < 1000; i++)
        assert_true(g[i] == a[i] + b[(i / 250) * 5 + i % 5]);
}

/* Prepare only; returns the status and leaves the message in msg. */
static oc_status prep(const oc_op_def *def, const void *params, oc_dtype ta, int ra,
                      const int32_t *da, oc_dtype tb, int rb, const int32_t *db, oc_dtype to,
                      char *msg)
{
    ot_case c;
    ot_init(&c, def);
    c.op.params = params;
    ot_input(&c, ta, ra, da, NULL, false);
    ot_input(&c, tb, rb, db, NULL, false);
    ot_output(&c, to);
    oc_status st = ot_prepare(&c);
    strcpy(msg, c.err.msg);
    ot_free(&c);
    return st;
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[OC_ERR_MSG_MAX];
    int32_t d3[1] = {3}, d4[1] = {4}, d23[2] = {2, 3};
    assert_int_equal(prep(&oc_op_ADD, NULL, OC_F32, 1, d3, OC_F32, 1, d4, OC_F32, msg), OC_ERROR);
    assert_non_null(strstr(msg, "ADD"));
    assert_non_null(strstr(msg, "broadcast"));
    assert_int_equal(prep(&oc_op_ADD, NULL, OC_F32, 1, d3, OC_I32, 1, d3, OC_F32, msg), OC_ERROR);
    assert_non_null(strstr(msg, "FLOAT32"));
    assert_non_null(strstr(msg, "INT32"));
    assert_int_equal(prep(&oc_op_ADD, NULL, OC_BOOL, 1, d3, OC_BOOL, 1, d3, OC_BOOL, msg),
                     OC_ERROR);
    assert_non_null(strstr(msg, "BOOL"));
    assert_int_equal(prep(&oc_op_SUB, NULL, OC_U8, 1, d3, OC_U8, 1, d3, OC_U8, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_MUL, NULL, OC_F32, 1, d3, OC_F32, 1, d3, OC_I32, msg), OC_ERROR);
    assert_int_equal(prep(&oc_op_FLOOR_MOD, NULL, OC_I8, 1, d3, OC_I8, 1, d3, OC_I8, msg),
                     OC_ERROR);
    oc_binary_params tanh_act = {OC_ACT_TANH, true};
    assert_int_equal(prep(&oc_op_ADD, &tanh_act, OC_F32, 1, d3, OC_F32, 1, d3, OC_F32, msg),
                     OC_ERROR);
    assert_non_null(strstr(msg, "activation"));
    oc_binary_params bad_act = {42, true};
    assert_int_equal(prep(&oc_op_MUL, &bad_act, OC_I32, 1, d3, OC_I32, 1, d3, OC_I32, msg),
                     OC_ERROR);
    /* a good one, for contrast, and its shape */
    ot_case c;
    ot_init(&c, &oc_op_ADD);
    ot_input(&c, OC_F32, 2, d23, NULL, false);
    ot_input(&c, OC_F32, 1, d3, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 2);
    assert_int_equal(ot_out(&c, 0)->shape.dims[1], 3);
    assert_int_equal(ot_out(&c, 0)->bytes, 24);
    ot_free(&c);
    /* wrong input count */
    ot_init(&c, &oc_op_ADD);
    ot_input(&c, OC_F32, 1, d3, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_quantized_minmax_needs_same_qparams(void **state)
{
    (void)state;
    float s1 = 0.5f, s2 = 0.25f;
    int64_t zp = 3;
    int32_t d3[1] = {3};
    ot_case c;
    ot_init(&c, &oc_op_MAXIMUM);
    int ia = ot_input(&c, OC_U8, 1, d3, NULL, false);
    int ib = ot_input(&c, OC_U8, 1, d3, NULL, false);
    int io = ot_output(&c, OC_U8);
    c.tensors[ia].q = (oc_qparams){1, 0, &s1, &zp};
    c.tensors[ib].q = (oc_qparams){1, 0, &s2, &zp};
    c.tensors[io].q = (oc_qparams){1, 0, &s1, &zp};
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "quantization"));
    c.tensors[ib].q.scale = &s1;
    assert_int_equal(ot_prepare(&c), OC_OK);
    ot_free(&c);
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

static void test_parse_options(void **state)
{
    (void)state;
    uint8_t buf[24];
    int8_t relu6 = OC_ACT_RELU6;
    make_table(buf, &relu6, 1);
    oc_mem mem = {0};
    oc_err err;
    oc_op op;
    memset(&op, 0, sizeof op);
    assert_int_equal(oc_fb_root(buf, sizeof buf, &op.options, &err), OC_OK);
    op.options_type = OC_OPTS_ADD;
    assert_int_equal(oc_op_ADD.parse(&op, &mem, &err), OC_OK);
    const oc_binary_params *p = op.params;
    assert_int_equal(p->act, OC_ACT_RELU6);
    assert_true(p->pot_scale_int16); /* absent field: schema default true */
    /* mismatched options type reads as defaults */
    op.options_type = OC_OPTS_ADD;
    assert_int_equal(oc_op_MUL.parse(&op, &mem, &err), OC_OK);
    assert_int_equal(((const oc_binary_params *)op.params)->act, OC_ACT_NONE);
    op.options_type = OC_OPTS_DIV;
    assert_int_equal(oc_op_DIV.parse(&op, &mem, &err), OC_OK);
    assert_int_equal(((const oc_binary_params *)op.params)->act, OC_ACT_RELU6);
    /* absent options */
    memset(&op.options, 0, sizeof op.options);
    assert_int_equal(oc_op_SUB.parse(&op, &mem, &err), OC_OK);
    assert_int_equal(((const oc_binary_params *)op.params)->act, OC_ACT_NONE);
    oc_mem_free_all(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_broadcast),
        cmocka_unit_test(test_float_large_threads),
        cmocka_unit_test(test_fused_activation),
        cmocka_unit_test(test_act_none_clamps_infinity),
        cmocka_unit_test(test_max_min_nan),
        cmocka_unit_test(test_pow_float),
        cmocka_unit_test(test_floor_div_mod_float),
        cmocka_unit_test(test_int32_arith),
        cmocka_unit_test(test_int_div_by_zero),
        cmocka_unit_test(test_int_floor_div_mod),
        cmocka_unit_test(test_int_pow),
        cmocka_unit_test(test_int_max_min_sqdiff),
        cmocka_unit_test(test_int_large_threads),
        cmocka_unit_test(test_short_rows_other_types),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_quantized_minmax_needs_same_qparams),
        cmocka_unit_test(test_parse_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
