/* Quantized AVERAGE_POOL_2D / MAX_POOL_2D (uint8, int8, int16): TFLite's rounded integer
 * average (sum +- count/2) / count over the valid taps and the raw maximum, clamped to the fused
 * activation's range; exact values for hand-picked rounding cases; every path and 2 threads;
 * rejection of differing input/output quantization. */
#include "qconv_test_util.h"
#include "ops/conv_params.h"

typedef struct pcfg {
    oc_dtype t;
    int32_t n, h, w, c, kh, kw, sh, sw, pad, act;
    bool avg;
    unsigned seed;
} pcfg;

static oc_pool2d_params g_pp;
static qc_q g_qi, g_qo;

static void build(ot_case *tc, const pcfg *g, const void *x)
{
    g_pp = (oc_pool2d_params){g->pad, g->sw, g->sh, g->kw, g->kh, g->act};
    ot_init(tc, g->avg ? &oc_op_AVERAGE_POOL_2D : &oc_op_MAX_POOL_2D);
    tc->op.params = &g_pp;
    int32_t d[4] = {g->n, g->h, g->w, g->c};
    int i = ot_input(tc, g->t, 4, d, x, false);
    int o = ot_output(tc, g->t);
    qc_attach(&tc->tensors[i], &g_qi);
    qc_attach(&tc->tensors[o], &g_qo);
}

static void check(const pcfg *g)
{
    const size_t nin = (size_t)g->n * g->h * g->w * g->c;
    const int32_t zp = g->t == OC_U8 ? 128 : g->t == OC_I8 ? -3 : 0;
    qc_per_tensor(&g_qi, 0.05f, zp);
    qc_per_tensor(&g_qo, 0.05f, zp);
    void *x = qc_rand(g->t, nin, zp, g->t == OC_I16 ? 30000 : 127, g->seed);
    int32_t oh, ow, pt, pl;
    oh = g->pad == OC_PAD_SAME ? (g->h + g->sh - 1) / g->sh : (g->h - g->kh + g->sh) / g->sh;
    ow = g->pad == OC_PAD_SAME ? (g->w + g->sw - 1) / g->sw : (g->w - g->kw + g->sw) / g->sw;
    int32_t th = (oh - 1) * g->sh + g->kh - g->h, tw = (ow - 1) * g->sw + g->kw - g->w;
    pt = g->pad == OC_PAD_SAME && th > 0 ? th / 2 : 0;
    pl = g->pad == OC_PAD_SAME && tw > 0 ? tw / 2 : 0;
    int32_t lo, hi;
    qc_act_tflite(g->act, g->t, 0.05f, zp, &lo, &hi);
    size_t nout = (size_t)g->n * oh * ow * g->c;
    int32_t *want = malloc((nout + 1) * sizeof *want);
    size_t e = 0;
    for (int32_t b = 0; b < g->n; b++)
        for (int32_t oy = 0; oy < oh; oy++)
            for (int32_t ox = 0; ox < ow; ox++)
                for (int32_t c = 0; c < g->c; c++, e++) {
                    int64_t acc = g->avg ? 0 : INT32_MIN, cnt = 0;
                    for (int32_t ky = 0; ky < g->kh; ky++)
                        for (int32_t kx = 0; kx < g->kw; kx++) {
                            int32_t iy = oy * g->sh - pt + ky, ix = ox * g->sw - pl + kx;
                            if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                            int32_t v =
                                qc_get(g->t, x, (((size_t)b * g->h + iy) * g->w + ix) * g->c + c);
                            acc = g->avg ? acc + v : (v > acc ? v : acc);
                            cnt++;
                        }
                    if (g->avg) /* TFLite: round half away from zero, by truncating division */
                        acc = acc > 0 ? (acc + cnt / 2) / cnt : (acc - cnt / 2) / cnt;
                    want[e] = (int32_t)(acc < lo ? lo : acc > hi ? hi : acc);
                }
    const oc_cpu *isas[4];
    const char *names[4];
    int nisa = qc_isas(isas, names);
    for (int i = 0; i < nisa; i++)
        for (int threads = 1; threads <= 2; threads++) {
            ot_case tc;
            build(&tc, g, x);
            tc.ctx.cpu = isas[i];
            oc_kernels_force_parallel(threads > 1);
            oc_status st = ot_run(&tc, threads);
            oc_kernels_force_parallel(false);
            if (st != OC_OK) fail_msg("%s", tc.err.msg);
            assert_int_equal(oc_tensor_count(ot_out(&tc, 0)), nout);
            for (size_t k = 0; k < nout; k++) {
                int32_t got = qc_get(g->t, ot_out(&tc, 0)->data, k);
                if (got != want[k])
                    fail_msg(
                        "%s %s %dx%dx%d k%dx%d s%d pad%d act%d [%s]: element %zu got %d want %d",
                        g->avg ? "avg" : "max", oc_dtype_name(g->t), g->h, g->w, g->c, g->kh, g->kw,
                        g->sh, g->pad, g->act, names[i], k, got, want[k]);
            }
            ot_free(&tc);
        }
    free(want);
    free(x);
}

static void test_pool_random(void **state)
{
    (void)state;
    static const oc_dtype ts[] = {OC_U8, OC_I8, OC_I16};
    static const int32_t cs[] = {1, 3, 16, 65, 130};
    unsigned seed = 1;
    for (size_t t = 0; t < 3; t++)
        for (int avg = 0; avg < 2; avg++)
            for (size_t i = 0; i < 5; i++) {
                pcfg g = {ts[t],
                          1 + (int32_t)(i % 2),
                          7,
                          9,
                          cs[i],
                          3,
                          2,
                          2,
                          1,
                          (int)(i % 2),
                          (int)(i % 3) == 2 ? OC_ACT_RELU6 : (int)(i % 3),
                          avg != 0,
                          seed++};
                check(&g);
            }
    /* global average (mobilenet) and a 2x2 max (har_cnn) */
    pcfg ga = {OC_U8, 1, 7, 7, 256, 7, 7, 2, 2, OC_PAD_VALID, 0, true, seed++};
    check(&ga);
    pcfg gm = {OC_I8, 1, 89, 2, 128, 2, 2, 2, 2, OC_PAD_VALID, 0, false, seed++};
    check(&gm);
}

/* Hand-checked averages of two int8 values: (sum -+ 1) / 2 truncated. */
static void test_avg_rounding(void **state)
{
    (void)state;
    static const int8_t pairs[][3] = {{-3, 0, -2}, {-2, -1, -2},       {3, 0, 2},      {1, 2, 2},
                                      {-1, 0, -1}, {-128, -127, -128}, {127, 126, 127}};
    qc_per_tensor(&g_qi, 0.1f, 0);
    qc_per_tensor(&g_qo, 0.1f, 0);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        pcfg g = {OC_I8, 1, 1, 2, 1, 1, 2, 1, 2, OC_PAD_VALID, 0, true, 0};
        ot_case tc;
        build(&tc, &g, pairs[i]);
        assert_int_equal(ot_run(&tc, 1), OC_OK);
        assert_int_equal(((int8_t *)ot_out(&tc, 0)->data)[0], pairs[i][2]);
        ot_free(&tc);
    }
}

static void test_pool_reject(void **state)
{
    (void)state;
    int16_t x[4] = {0}; /* room for the int16 case */
    pcfg g = {OC_I8, 1, 2, 2, 1, 2, 2, 1, 1, OC_PAD_VALID, 0, true, 0};
    qc_per_tensor(&g_qi, 0.1f, 0);
    qc_per_tensor(&g_qo, 0.2f, 0);
    ot_case tc;
    build(&tc, &g, x);
    assert_int_equal(ot_prepare(&tc), OC_ERROR);
    assert_non_null(strstr(tc.err.msg, "quantization differ"));
    ot_free(&tc);
    g.t = OC_I16;
    qc_per_tensor(&g_qi, 0.1f, 3);
    qc_per_tensor(&g_qo, 0.1f, 3);
    build(&tc, &g, x);
    assert_int_equal(ot_prepare(&tc), OC_ERROR);
    assert_non_null(strstr(tc.err.msg, "zero point 0"));
    ot_free(&tc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_random),
        cmocka_unit_test(test_avg_rounding),
        cmocka_unit_test(test_pool_reject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
