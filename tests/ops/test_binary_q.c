/* Quantized ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE (uint8, int8, int16).
 * - Every dtype against a float-simulated reference (dequantize, float op, requantize) within
 *   1 LSB, on random scales / zero points, odd sizes and broadcasts, 2 threads == 1 thread.
 * - Exact values where the rounding decides: XNNPACK's arithmetic for 8-bit ADD/SUB/MUL inside
 *   its scale ranges (hand-computed, and an independent float/int64 formula on random data),
 *   TFLite's reference fixed point outside them, int16 power-of-two ADD, int16 x int16 -> int8.
 * - Rejections of unsupported dtype / quantization combinations. */
#include "qtest_util.h"
#include "ops/binary.h"

typedef enum { Q_ADD, Q_SUB, Q_MUL, Q_DIV, Q_SQD } qop;

static const oc_op_def *qdef(qop k)
{
    const oc_op_def *d[] = {&oc_op_ADD, &oc_op_SUB, &oc_op_MUL, &oc_op_DIV,
                            &oc_op_SQUARED_DIFFERENCE};
    return d[k];
}

static double fop(qop k, double x, double y)
{
    switch (k) {
    case Q_ADD: return x + y;
    case Q_SUB: return x - y;
    case Q_MUL: return x * y;
    case Q_DIV: return x / y;
    default: return (x - y) * (x - y);
    }
}

/* The activation clamp in real values. */
static void act_bounds(int act, double *lo, double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (act == OC_ACT_RELU) *lo = 0;
    if (act == OC_ACT_RELU6) *lo = 0, *hi = 6;
    if (act == OC_ACT_RELU_N1_TO_1) *lo = -1, *hi = 1;
}

/* Runs one random case and checks it against the float simulation (1 LSB). */
static void sim_case(qop k, oc_dtype t, const qt_spec *a, const qt_spec *b, const qt_spec *o,
                     int act, uint32_t seed, int nthreads)
{
    void *da = qt_rand(t, qt_count(a), seed), *db = qt_rand(t, qt_count(b), seed + 7);
    if (k == Q_DIV) /* no division by (nearly) zero: keep |b - zp| >= 8 */
        for (int64_t i = 0; i < qt_count(b); i++)
            if (fabs(qt_get(t, db, i) - (double)b->zp) < 8)
                qt_set(t, db, i, b->zp + (b->zp > 0 ? -8 : 8));
    void *got = malloc((size_t)qt_count(o) * 2);
    oc_binary_params p = {act, false};
    const void *data[2] = {da, db};
    qt_spec in[2] = {*a, *b};
    char msg[256];
    oc_status st = qt_run(qdef(k), &p, 2, in, data, o, got, nthreads, msg);
    if (st != OC_OK) fail_msg("%s: %s", qdef(k)->name, msg);
    double alo, ahi;
    act_bounds(act, &alo, &ahi);
    for (int64_t i = 0; i < qt_count(o); i++) {
        double x = qt_deq(a, qt_get(t, da, qt_bidx(i, o, a)));
        double y = qt_deq(b, qt_get(t, db, qt_bidx(i, o, b)));
        double r = fop(k, x, y);
        r = r < alo ? alo : r > ahi ? ahi : r;
        double want = qt_quant(o, r, 1, 0), g = qt_get(o->t, got, i);
        if (fabs(g - want) > 1)
            fail_msg("%s %s element %lld: got %g, want %g (x %g, y %g)", qdef(k)->name,
                     oc_dtype_name(t), (long long)i, g, want, x, y);
    }
    free(da);
    free(db);
    free(got);
}

static qt_spec spec(oc_dtype t, int rank, const int32_t *dims, float s, int64_t zp)
{
    qt_spec q = {t, rank, {0}, s, zp};
    for (int i = 0; i < rank; i++)
        q.dims[i] = dims[i];
    return q;
}

typedef struct shapes {
    int ra;
    int32_t da[4];
    int rb;
    int32_t db[4];
    int ro;
    int32_t dout[4];
} shapes;

static const shapes kShapes[] = {
    {1, {1}, 1, {1}, 1, {1}},
    {1, {17}, 1, {17}, 1, {17}},
    {2, {3, 33}, 2, {3, 33}, 2, {3, 33}},
    {3, {2, 3, 17}, 1, {17}, 3, {2, 3, 17}},
    {2, {3, 1}, 2, {1, 33}, 2, {3, 33}},
    {0, {0}, 3, {2, 1, 3}, 3, {2, 1, 3}},
    {4, {1, 5, 7, 3}, 4, {1, 1, 1, 3}, 4, {1, 5, 7, 3}},
};

static void run_sim(qop k, oc_dtype t, double slo, double shi)
{
    uint32_t seed = 1234u + (uint32_t)k * 77u + (uint32_t)t;
    for (size_t si = 0; si < sizeof kShapes / sizeof kShapes[0]; si++) {
        for (int rep = 0; rep < 4; rep++) {
            const shapes *sh = &kShapes[si];
            qt_spec a = spec(t, sh->ra, sh->da, qt_rscale(&seed, slo, shi), qt_rzp(&seed, t));
            qt_spec b = spec(t, sh->rb, sh->db, qt_rscale(&seed, slo, shi), qt_rzp(&seed, t));
            double sa = a.scale * 128, sb = b.scale * 128; /* typical magnitudes */
            double so = k == Q_MUL   ? sa * sb
                        : k == Q_DIV ? sa / sb
                        : k == Q_SQD ? (sa + sb) * (sa + sb)
                                     : sa + sb;
            qt_spec o = spec(t, sh->ro, sh->dout, (float)(so / 128 * qt_uniform(&seed, 0.5, 2)),
                             qt_rzp(&seed, t));
            int act = rep == 1 ? OC_ACT_RELU : rep == 2 ? OC_ACT_RELU6 : OC_ACT_NONE;
            if (k == Q_SQD) act = OC_ACT_NONE;
            sim_case(k, t, &a, &b, &o, act, seed + (uint32_t)rep, rep == 3 ? 2 : 1);
        }
    }
}

static void test_add_sub_sim(void **state)
{
    (void)state;
    const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    for (int i = 0; i < 3; i++) {
        double lo = ts[i] == OC_I16 ? 1e-5 : 1e-3, hi = ts[i] == OC_I16 ? 1e-3 : 0.2;
        run_sim(Q_ADD, ts[i], lo, hi);
        run_sim(Q_SUB, ts[i], lo, hi);
    }
}

static void test_mul_sim(void **state)
{
    (void)state;
    run_sim(Q_MUL, OC_U8, 1e-3, 0.2);
    run_sim(Q_MUL, OC_I8, 1e-3, 0.2);
    run_sim(Q_MUL, OC_I16, 1e-5, 1e-3);
}

static void test_div_sqdiff_sim(void **state)
{
    (void)state;
    run_sim(Q_DIV, OC_U8, 1e-3, 0.2);
    run_sim(Q_DIV, OC_I8, 1e-3, 0.2);
    run_sim(Q_SQD, OC_I8, 1e-3, 0.2);
}

/* One op on 1-D int8 data; returns the outputs in got. */
static void run_i8(qop k, int act, float sa, int zpa, float sb, int zpb, float so, int zpo,
                   const int8_t *x, const int8_t *y, int32_t n, int8_t *got)
{
    qt_spec in[2] = {{OC_I8, 1, {n}, sa, zpa}, {OC_I8, 1, {n}, sb, zpb}};
    qt_spec o = {OC_I8, 1, {n}, so, zpo};
    oc_binary_params p = {act, false};
    const void *data[2] = {x, y};
    char msg[256];
    if (qt_run(qdef(k), &p, 2, in, data, &o, got, 1, msg) != OC_OK) fail_msg("%s", msg);
}

static void test_xnn_exact_hand(void **state)
{
    (void)state;
    int8_t got[4];
    /* ADD, ratios 1 and 0.5: acc = 2^19 + x*2^20 + y*2^19, >> 20 rounds ties up:
     * 0.75/0.5 = 1.5 -> 2, -1.5 -> -1 (the reference kernels would give -2), 2.5 -> 3 */
    const int8_t ax[4] = {1, -1, 2, -3}, ay[4] = {1, -1, 1, 3};
    run_i8(Q_ADD, OC_ACT_NONE, 0.5f, 0, 0.25f, 0, 0.5f, 0, ax, ay, 4, got);
    const int8_t add_want[4] = {2, -1, 3, -1};
    assert_memory_equal(got, add_want, 4);
    /* SUB negates b's multiplier: (x*2^20 - y*2^19 + 2^19) >> 20 */
    run_i8(Q_SUB, OC_ACT_NONE, 0.5f, 0, 0.25f, 0, 0.5f, 0, ax, ay, 4, got);
    const int8_t sub_want[4] = {1, 0, 2, -4};
    assert_memory_equal(got, sub_want, 4);
    /* MUL: lrintf(x * y * 0.5): ties to even: 0.5 -> 0, 1.5 -> 2, -0.5 -> 0, -4.5 -> -4 */
    const int8_t mx[4] = {1, 3, -1, -9}, my[4] = {1, 1, 1, 1};
    run_i8(Q_MUL, OC_ACT_NONE, 0.5f, 0, 0.5f, 0, 0.5f, 0, mx, my, 4, got);
    const int8_t mul_want[4] = {0, 2, 0, -4};
    assert_memory_equal(got, mul_want, 4);
    /* fused RELU6 clamp = lrintf(6 / 0.5 + zp) = 12 + 5 */
    const int8_t bx[4] = {100, -100, 0, 10}, by[4] = {0, 0, 0, 0};
    run_i8(Q_ADD, OC_ACT_RELU6, 0.5f, 0, 0.5f, 0, 0.5f, 5, bx, by, 4, got);
    const int8_t relu6_want[4] = {17, 5, 5, 15};
    assert_memory_equal(got, relu6_want, 4);
}

static void test_reference_exact_hand(void **state)
{
    (void)state;
    int8_t got[4];
    /* b's ratio 2e-4 is below XNNPACK's 2^-10: TFLite's fixed point, ties away from zero:
     * -0.25 / 0.5 = -0.5 -> -1, 0.75 / 0.5 = 1.5 -> 2 */
    const int8_t x[4] = {-1, 1, 3, -3}, y[4] = {0, 0, 0, 0};
    run_i8(Q_ADD, OC_ACT_NONE, 0.25f, 0, 1e-4f, 0, 0.5f, 0, x, y, 4, got);
    const int8_t want[4] = {-1, 1, 2, -2};
    assert_memory_equal(got, want, 4);
    /* MUL with s_a * s_b / s_out = 2^-20 < 2^-16: TFLite, x*y/2^20 rounded: 100*100/2^20 ~ 0 */
    const int8_t mx[2] = {127, -128}, my[2] = {127, 127};
    run_i8(Q_MUL, OC_ACT_NONE, 1.f / 1024, 0, 1.f / 1024, 0, 1.f, 0, mx, my, 2, got);
    assert_int_equal(got[0], 0);
    assert_int_equal(got[1], 0);
}

/* XNNPACK's ADD/MUL written out independently (float and int64) vs the kernel on random data. */
static void test_xnn_formula_random(void **state)
{
    (void)state;
    uint32_t seed = 99;
    for (int rep = 0; rep < 20; rep++) {
        oc_dtype t = rep % 2 ? OC_U8 : OC_I8;
        int32_t n = 257;
        float sa = qt_rscale(&seed, 0.01, 0.1), sb = qt_rscale(&seed, 0.01, 0.1);
        float so = qt_rscale(&seed, 0.02, 0.2);
        qt_spec in[2] = {{t, 1, {n}, sa, qt_rzp(&seed, t)}, {t, 1, {n}, sb, qt_rzp(&seed, t)}};
        qt_spec o = {t, 1, {n}, so, qt_rzp(&seed, t)};
        void *da = qt_rand(t, n, seed), *db = qt_rand(t, n, seed + 1);
        const void *data[2] = {da, db};
        uint8_t got[257];
        oc_binary_params p = {OC_ACT_NONE, false};
        bool mul = rep >= 10;
        assert_int_equal(qt_run(mul ? &oc_op_MUL : &oc_op_ADD, &p, 2, in, data, &o, got, 1, NULL),
                         OC_OK);
        double lo, hi;
        qt_range(t, &lo, &hi);
        for (int i = 0; i < n; i++) {
            int32_t x = (int32_t)qt_get(t, da, i), y = (int32_t)qt_get(t, db, i);
            int64_t want;
            if (mul) {
                float r = (sa * sb) / so;
                float f = (float)((x - in[0].zp) * (y - in[1].zp)) * r;
                want = (int64_t)nearbyintf(f) + o.zp;
            } else {
                float ra = sa / so, rb = sb / so;
                int e;
                frexpf(fmaxf(ra, rb), &e);
                int shift = 21 - e;
                int64_t ma = (int64_t)nearbyintf(ldexpf(ra, shift));
                int64_t mb = (int64_t)nearbyintf(ldexpf(rb, shift));
                int64_t acc =
                    ((int64_t)1 << (shift - 1)) + (x - in[0].zp) * ma + (y - in[1].zp) * mb;
                want = (int64_t)floor((double)acc / (double)((int64_t)1 << shift)) + o.zp;
            }
            want = want < lo ? (int64_t)lo : want > hi ? (int64_t)hi : want;
            if (qt_get(t, got, i) != (double)want)
                fail_msg("%s rep %d element %d: got %g want %lld", mul ? "MUL" : "ADD", rep, i,
                         qt_get(t, got, i), (long long)want);
        }
        free(da);
        free(db);
    }
}

static void test_int16_exact(void **state)
{
    (void)state;
    int16_t got[4];
    char msg[256];
    /* power-of-two scales with pot_scale_int16: a (2^-12) shifted right onto 2^-11, ties away
     * from zero, then a saturating add */
    const int16_t x[4] = {3, -3, 32767, -32768}, y[4] = {5, 5, 32767, -32768};
    qt_spec in[2] = {{OC_I16, 1, {4}, 1.f / 4096, 0}, {OC_I16, 1, {4}, 1.f / 2048, 0}};
    qt_spec o = {OC_I16, 1, {4}, 1.f / 2048, 0};
    oc_binary_params pot = {OC_ACT_NONE, true};
    const void *data[2] = {x, y};
    assert_int_equal(qt_run(&oc_op_ADD, &pot, 2, in, data, &o, got, 1, msg), OC_OK);
    const int16_t add_want[4] = {7, 3, 32767, -32768};
    assert_memory_equal(got, add_want, sizeof add_want);
    /* the same without the flag: the general path rounds 1.5 + 5 = 6.5 -> 7, 3.5 -> 4 */
    oc_binary_params gen = {OC_ACT_NONE, false};
    assert_int_equal(qt_run(&oc_op_ADD, &gen, 2, in, data, &o, got, 1, msg), OC_OK);
    assert_int_equal(got[0], 7);
    assert_int_equal(got[1], 4);
    /* int16 x int16 -> int8: Q0.15 product, / 2^8 rounded, + zp: 0.5 * 0.5 = 8192 -> 32 */
    const int16_t mx[3] = {16384, -16384, 32767}, my[3] = {16384, 16384, 32767};
    qt_spec min[2] = {{OC_I16, 1, {3}, 1.f / 32768, 0}, {OC_I16, 1, {3}, 1.f / 32768, 0}};
    qt_spec mo = {OC_I8, 1, {3}, 1.f / 128, 3};
    const void *mdata[2] = {mx, my};
    int8_t g8[3];
    assert_int_equal(qt_run(&oc_op_MUL, &gen, 2, min, mdata, &mo, g8, 1, msg), OC_OK);
    assert_int_equal(g8[0], 35);
    assert_int_equal(g8[1], -29);
    assert_int_equal(g8[2], 127); /* 128 + 3 clamped */
}

static void test_threads_large(void **state)
{
    (void)state;
    int32_t d[2] = {257, 301}, d1[1] = {301};
    qt_spec a = spec(OC_I8, 2, d, 0.03f, -5), b = spec(OC_I8, 1, d1, 0.05f, 7);
    qt_spec o = spec(OC_I8, 2, d, 0.06f, 2);
    sim_case(Q_ADD, OC_I8, &a, &b, &o, OC_ACT_NONE, 5, 2);
    qt_spec om = spec(OC_I8, 2, d, 0.002f, 2);
    sim_case(Q_MUL, OC_I8, &a, &b, &om, OC_ACT_NONE, 6, 2);
    qt_spec a16 = spec(OC_I16, 2, d, 3e-4f, 0), b16 = spec(OC_I16, 1, d1, 5e-4f, 0);
    qt_spec o16 = spec(OC_I16, 2, d, 8e-4f, 0);
    sim_case(Q_SUB, OC_I16, &a16, &b16, &o16, OC_ACT_NONE, 7, 2);
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[256];
    oc_binary_params p = {OC_ACT_NONE, false};
    int32_t d[1] = {3};
    qt_spec u8 = spec(OC_U8, 1, d, 0.1f, 3), i16 = spec(OC_I16, 1, d, 0.1f, 0);
    qt_spec in[2] = {u8, u8};
    /* missing quantization */
    qt_spec noq = spec(OC_U8, 1, d, 0.f, 0);
    assert_int_equal(qt_prepare(&oc_op_ADD, &p, 2, in, &noq, msg), OC_ERROR);
    assert_non_null(strstr(msg, "quantization"));
    /* mixed input types */
    qt_spec mix[2] = {u8, spec(OC_I8, 1, d, 0.1f, 3)};
    assert_int_equal(qt_prepare(&oc_op_ADD, &p, 2, mix, &u8, msg), OC_ERROR);
    /* output type differs */
    assert_int_equal(qt_prepare(&oc_op_ADD, &p, 2, in, &i16, msg), OC_ERROR);
    /* int16 MUL needs zero points 0 */
    qt_spec z16[2] = {spec(OC_I16, 1, d, 0.1f, 4), i16};
    assert_int_equal(qt_prepare(&oc_op_MUL, &p, 2, z16, &i16, msg), OC_ERROR);
    assert_non_null(strstr(msg, "zero point"));
    /* DIV int16, SQUARED_DIFFERENCE uint8 / int16 (TFLite has neither) */
    qt_spec two16[2] = {i16, i16};
    assert_int_equal(qt_prepare(&oc_op_DIV, &p, 2, two16, &i16, msg), OC_ERROR);
    assert_int_equal(qt_prepare(&oc_op_SQUARED_DIFFERENCE, &p, 2, in, &u8, msg), OC_ERROR);
    assert_int_equal(qt_prepare(&oc_op_SQUARED_DIFFERENCE, &p, 2, two16, &i16, msg), OC_ERROR);
    /* zero point out of range, bad scale */
    qt_spec badzp = spec(OC_U8, 1, d, 0.1f, 300), badsc = spec(OC_U8, 1, d, -1.f, 3);
    assert_int_equal(qt_prepare(&oc_op_ADD, &p, 2, in, &badzp, msg), OC_ERROR);
    assert_int_equal(qt_prepare(&oc_op_ADD, &p, 2, in, &badsc, msg), OC_ERROR);
    /* power-of-two int16 where the input scales exceed the output's */
    oc_binary_params pot = {OC_ACT_NONE, true};
    qt_spec p16[2] = {spec(OC_I16, 1, d, 0.5f, 0), spec(OC_I16, 1, d, 0.25f, 0)};
    qt_spec p16o = spec(OC_I16, 1, d, 0.125f, 0);
    assert_int_equal(qt_prepare(&oc_op_ADD, &pot, 2, p16, &p16o, msg), OC_ERROR);
    /* TANH fused activation */
    oc_binary_params tanh_act = {OC_ACT_TANH, false};
    assert_int_equal(qt_prepare(&oc_op_ADD, &tanh_act, 2, in, &u8, msg), OC_ERROR);
    /* per-channel parameters */
    ot_case c;
    ot_init(&c, &oc_op_ADD);
    c.op.params = &p;
    float sc[3] = {0.1f, 0.2f, 0.3f};
    int64_t zp[3] = {0, 0, 0};
    int ia = ot_input(&c, OC_I8, 1, d, NULL, false);
    int ib = ot_input(&c, OC_I8, 1, d, NULL, false);
    int io = ot_output(&c, OC_I8);
    c.tensors[ia].q = (oc_qparams){3, 0, sc, zp};
    c.tensors[ib].q = (oc_qparams){1, 0, sc, zp};
    c.tensors[io].q = (oc_qparams){1, 0, sc, zp};
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "per-tensor"));
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_sub_sim),          cmocka_unit_test(test_mul_sim),
        cmocka_unit_test(test_div_sqdiff_sim),       cmocka_unit_test(test_xnn_exact_hand),
        cmocka_unit_test(test_reference_exact_hand), cmocka_unit_test(test_xnn_formula_random),
        cmocka_unit_test(test_int16_exact),          cmocka_unit_test(test_threads_large),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
