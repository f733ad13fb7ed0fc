/* Quantized BATCH_MATMUL (int8 with zero points, int16 with zero point 0) against TFLite's
 * reference arithmetic written here: integer dot products, the multiplier of
 * (float)(lhs_scale * rhs_scale) / out_scale, MultiplyByQuantizedMultiplier (int32 for int8,
 * the int64 variant for int16), output type range; adjoint flags; broadcast batches; within
 * 1 LSB of the float-simulated product; 2 threads; rejection of uint8. */
#include "qconv_test_util.h"
#include "ops/conv_params.h"

typedef struct bcfg {
    oc_dtype t;
    int lr, rr;
    int32_t ld[4], rd[4];
    bool adj_x, adj_y;
    unsigned seed;
} bcfg;

static oc_bmm_params g_bp;
static qc_q g_ql, g_qr, g_qo;

static size_t count(int r, const int32_t *d)
{
    size_t n = 1;
    for (int i = 0; i < r; i++)
        n *= (size_t)d[i];
    return n;
}

static void check(const bcfg *g)
{
    uint32_t s = g->seed * 31u + 5u;
    const bool i16 = g->t == OC_I16;
    int32_t zl = i16 ? 0 : (int32_t)(qc_rnd(&s) % 21) - 10,
            zr = i16 ? 0 : (int32_t)(qc_rnd(&s) % 9) - 4;
    qc_per_tensor(&g_ql, 0.02f + (float)(qc_rnd(&s) % 100) / 5000.f, zl);
    qc_per_tensor(&g_qr, 0.01f + (float)(qc_rnd(&s) % 100) / 9000.f, zr);
    size_t nl = count(g->lr, g->ld), nr = count(g->rr, g->rd);
    void *l = qc_rand(g->t, nl, zl, i16 ? 30000 : 110, s++);
    void *r = qc_rand(g->t, nr, zr, i16 ? 30000 : 110, s++);
    /* shapes: lhs [.., M, K] (adj_x: [.., K, M]), rhs [.., K, N] (adj_y: [.., N, K]); here the
     * batch dims are 1 or equal, right-aligned */
    int32_t m = g->adj_x ? g->ld[g->lr - 1] : g->ld[g->lr - 2];
    int32_t k = g->adj_x ? g->ld[g->lr - 2] : g->ld[g->lr - 1];
    int32_t n = g->adj_y ? g->rd[g->rr - 2] : g->rd[g->rr - 1];
    int ob = g->lr > g->rr ? g->lr - 2 : g->rr - 2;
    int32_t bd[4];
    size_t nb = 1;
    for (int i = 0; i < ob; i++) {
        int li = i - (ob - (g->lr - 2)), ri = i - (ob - (g->rr - 2));
        int32_t a = li >= 0 ? g->ld[li] : 1, b = ri >= 0 ? g->rd[ri] : 1;
        bd[i] = a > b ? a : b;
        nb *= (size_t)bd[i];
    }
    /* the output scale: results spread over ~+-100 / +-20000 LSB */
    double maxr = 1e-9;
    double *real = malloc(nb * (size_t)m * n * sizeof *real);
    int64_t *acc = malloc(nb * (size_t)m * n * sizeof *acc);
    for (size_t b = 0; b < nb; b++) {
        size_t rem = b, lo = 0, ro = 0, lstr = 1, rstr = 1;
        for (int i = ob - 1; i >= 0; i--) {
            size_t idx = rem % (size_t)bd[i];
            rem /= (size_t)bd[i];
            int li = i - (ob - (g->lr - 2)), ri = i - (ob - (g->rr - 2));
            int32_t a = li >= 0 ? g->ld[li] : 1, c = ri >= 0 ? g->rd[ri] : 1;
            if (a != 1) lo += idx * lstr;
            if (c != 1) ro += idx * rstr;
            lstr *= (size_t)a;
            rstr *= (size_t)c;
        }
        for (int32_t i = 0; i < m; i++)
            for (int32_t j = 0; j < n; j++) {
                int64_t a = 0;
                for (int32_t p = 0; p < k; p++) {
                    size_t li = lo * m * k + (g->adj_x ? (size_t)p * m + i : (size_t)i * k + p);
                    size_t ri = ro * k * n + (g->adj_y ? (size_t)j * k + p : (size_t)p * n + j);
                    a += (int64_t)(qc_get(g->t, l, li) - zl) * (qc_get(g->t, r, ri) - zr);
                }
                size_t o = (b * m + i) * n + j;
                acc[o] = a;
                real[o] = (double)a * g_ql.scale[0] * g_qr.scale[0];
                if (fabs(real[o]) > maxr) maxr = fabs(real[o]);
            }
    }
    qc_per_tensor(&g_qo, (float)(maxr / (i16 ? 20000.0 : 100.0)), i16 ? 0 : 6);
    const float so = g_qo.scale[0];
    double rm = (double)(g_ql.scale[0] * g_qr.scale[0]) / (double)so;
    int32_t mult;
    int shift;
    oc_quantize_multiplier(rm, &mult, &shift);
    size_t nout = nb * (size_t)m * n;
    int32_t *want = malloc(nout * sizeof *want);
    for (size_t o = 0; o < nout; o++) {
        int32_t y = i16 ? qc_mbqm64(acc[o], mult, shift)
                        : qc_mbqm((int32_t)(uint32_t)(uint64_t)acc[o], mult, shift);
        y += (int32_t)g_qo.zp[0];
        want[o] = y < qc_tmin(g->t) ? qc_tmin(g->t) : y > qc_tmax(g->t) ? qc_tmax(g->t) : y;
        double q = round(real[o] / so) + (double)g_qo.zp[0];
        if (fabs(q - want[o]) > 1.0 && q > qc_tmin(g->t) && q < qc_tmax(g->t))
            fail_msg("reference off the float product at %zu: %d vs %g", o, want[o], q);
    }
    for (int threads = 1; threads <= 2; threads++) {
        ot_case tc;
        g_bp = (oc_bmm_params){g->adj_x, g->adj_y};
        ot_init(&tc, &oc_op_BATCH_MATMUL);
        tc.op.params = &g_bp;
        int il = ot_input(&tc, g->t, g->lr, g->ld, l, false);
        int ir = ot_input(&tc, g->t, g->rr, g->rd, r, threads == 2);
        int io = ot_output(&tc, g->t);
        qc_attach(&tc.tensors[il], &g_ql);
        qc_attach(&tc.tensors[ir], &g_qr);
        qc_attach(&tc.tensors[io], &g_qo);
        oc_kernels_force_parallel(threads > 1);
        oc_status st = ot_run(&tc, threads);
        oc_kernels_force_parallel(false);
        if (st != OC_OK) fail_msg("%s", tc.err.msg);
        assert_int_equal(oc_tensor_count(ot_out(&tc, 0)), nout);
        for (size_t o = 0; o < nout; o++) {
            int32_t got = qc_get(g->t, ot_out(&tc, 0)->data, o);
            if (got != want[o])
                fail_msg("%s m%d n%d k%d adj %d%d: element %zu got %d want %d", oc_dtype_name(g->t),
                         m, n, k, g->adj_x, g->adj_y, o, got, want[o]);
        }
        ot_free(&tc);
    }
    free(l);
    free(r);
    free(real);
    free(acc);
    free(want);
}

static void test_bmm_q(void **state)
{
    (void)state;
    unsigned seed = 1;
    for (int t = 0; t < 2; t++)
        for (int adj = 0; adj < 4; adj++) {
            bcfg g = {t ? OC_I16 : OC_I8, 3, 3, {2, 5, 7}, {2, 7, 3}, adj & 1, adj >> 1, seed++};
            if (g.adj_x) g.ld[1] = 7, g.ld[2] = 5;
            if (g.adj_y) g.rd[1] = 3, g.rd[2] = 7;
            check(&g);
        }
    bcfg bc = {OC_I8, 4, 2, {3, 2, 4, 17}, {17, 9}, false, false, seed++}; /* broadcast rhs */
    check(&bc);
    bcfg one = {OC_I16, 2, 3, {1, 33}, {4, 33, 1}, false, false, seed++};
    check(&one);
}

static void test_bmm_q_reject(void **state)
{
    (void)state;
    int16_t a[4] = {0}, b[4] = {0}; /* room for the int16 case */
    int32_t d[2] = {2, 2};
    ot_case tc;
    g_bp = (oc_bmm_params){false, false};
    ot_init(&tc, &oc_op_BATCH_MATMUL);
    tc.op.params = &g_bp;
    qc_per_tensor(&g_ql, 0.1f, 0);
    int i0 = ot_input(&tc, OC_U8, 2, d, a, false), i1 = ot_input(&tc, OC_U8, 2, d, b, false);
    int io = ot_output(&tc, OC_U8);
    qc_attach(&tc.tensors[i0], &g_ql);
    qc_attach(&tc.tensors[i1], &g_ql);
    qc_attach(&tc.tensors[io], &g_ql);
    assert_int_equal(ot_prepare(&tc), OC_ERROR);
    ot_free(&tc);
    /* int16 with a nonzero zero point */
    ot_init(&tc, &oc_op_BATCH_MATMUL);
    tc.op.params = &g_bp;
    qc_per_tensor(&g_qr, 0.1f, 2);
    i0 = ot_input(&tc, OC_I16, 2, d, a, false);
    i1 = ot_input(&tc, OC_I16, 2, d, b, false);
    io = ot_output(&tc, OC_I16);
    qc_attach(&tc.tensors[i0], &g_ql);
    qc_attach(&tc.tensors[i1], &g_qr);
    qc_attach(&tc.tensors[io], &g_ql);
    assert_int_equal(ot_prepare(&tc), OC_ERROR);
    assert_non_null(strstr(tc.err.msg, "zero point 0"));
    ot_free(&tc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bmm_q),
        cmocka_unit_test(test_bmm_q_reject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
