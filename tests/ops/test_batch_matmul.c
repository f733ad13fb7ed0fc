/* BATCH_MATMUL and the custom BatchMatMulV2 against a double-precision reference: adj_x/adj_y,
 * batch broadcasting, ranks 2..5, constant and runtime rhs, every ISA path, 1 and 2 threads;
 * the flexbuffer options of BatchMatMulV2 (real bytes from while_000.circle, and malformed
 * ones); rejections. */
#include "kernel_test_util.h"
#include "ops/conv_params.h"

typedef struct bmm_cfg {
    int32_t lrank, ldims[5], rrank, rdims[5];
    bool adj_x, adj_y, const_rhs, v2;
    unsigned seed;
} bmm_cfg;

static oc_bmm_params g_p;

static size_t count(int rank, const int32_t *d)
{
    size_t c = 1;
    for (int i = 0; i < rank; i++)
        c *= (size_t)d[i];
    return c;
}

static void build(ot_case *c, const void *vp)
{
    const bmm_cfg *g = vp;
    g_p = (oc_bmm_params){g->adj_x, g->adj_y};
    ot_init(c, g->v2 ? &oc_op_BatchMatMulV2 : &oc_op_BATCH_MATMUL);
    c->op.params = &g_p;
    float *l = kt_rand(count(g->lrank, g->ldims), g->seed);
    float *r = kt_rand(count(g->rrank, g->rdims), g->seed + 1);
    ot_input(c, OC_F32, g->lrank, g->ldims, l, false);
    ot_input(c, OC_F32, g->rrank, g->rdims, r, g->const_rhs);
    ot_output(c, OC_F32);
    free(l);
    free(r);
}

static void check(const bmm_cfg *g)
{
    int32_t lr = g->lrank, rr = g->rrank;
    int32_t m = g->adj_x ? g->ldims[lr - 1] : g->ldims[lr - 2];
    int32_t k = g->adj_x ? g->ldims[lr - 2] : g->ldims[lr - 1];
    int32_t n = g->adj_y ? g->rdims[rr - 2] : g->rdims[rr - 1];
    int32_t ob = lr > rr ? lr - 2 : rr - 2, od[5];
    for (int i = 0; i < ob; i++) {
        int li = i - (ob - (lr - 2)), ri = i - (ob - (rr - 2));
        int32_t a = li >= 0 ? g->ldims[li] : 1, b = ri >= 0 ? g->rdims[ri] : 1;
        od[i] = a == 1 ? b : a;
    }
    size_t nb = count(ob, od);
    float *l = kt_rand(count(lr, g->ldims), g->seed),
          *r = kt_rand(count(rr, g->rdims), g->seed + 1);
    double *want = malloc((nb * m * n + 1) * sizeof *want);
    for (size_t bi = 0; bi < nb; bi++) {
        /* unravel the output batch index and map it to each operand (broadcast dims -> 0) */
        size_t rem = bi, lo = 0, ro = 0, lmul = 1, rmul = 1;
        for (int i = ob - 1; i >= 0; i--) {
            size_t idx = rem % (size_t)od[i];
            rem /= (size_t)od[i];
            int li = i - (ob - (lr - 2)), ri = i - (ob - (rr - 2));
            if (li >= 0) {
                lo += (g->ldims[li] == 1 ? 0 : idx) * lmul;
                lmul *= (size_t)g->ldims[li];
            }
            if (ri >= 0) {
                ro += (g->rdims[ri] == 1 ? 0 : idx) * rmul;
                rmul *= (size_t)g->rdims[ri];
            }
        }
        const float *A = l + lo * m * k, *B = r + ro * k * n;
        for (int32_t i = 0; i < m; i++)
            for (int32_t j = 0; j < n; j++) {
                double s = 0;
                for (int32_t p = 0; p < k; p++) {
                    double a = g->adj_x ? A[p * m + i] : A[i * k + p];
                    double b = g->adj_y ? B[j * k + p] : B[p * n + j];
                    s += a * b;
                }
                want[(bi * m + i) * n + j] = s;
            }
    }
    char what[96];
    snprintf(what, sizeof what, "bmm%s m%d n%d k%d adj %d%d", g->v2 ? "v2" : "", m, n, k, g->adj_x,
             g->adj_y);
    kt_run_all(build, g, want, nb * m * n, (size_t)k, what);
    ot_case c;
    build(&c, g);
    assert_int_equal(ot_prepare(&c), OC_OK);
    oc_tensor *o = ot_out(&c, 0);
    assert_int_equal(o->shape.rank, ob + 2);
    for (int i = 0; i < ob; i++)
        assert_int_equal(o->shape.dims[i], od[i]);
    assert_int_equal(o->shape.dims[ob], m);
    assert_int_equal(o->shape.dims[ob + 1], n);
    ot_free(&c);
    free(want);
    free(l);
    free(r);
}

static void test_bmm_cases(void **state)
{
    (void)state;
    bmm_cfg cases[] = {
        {2, {2, 3}, 2, {3, 3}, false, false, false, false, 1}, /* while_000 shapes */
        {2, {5, 17}, 2, {17, 33}, false, false, true, false, 2},
        {2, {17, 5}, 2, {17, 33}, true, false, true, false, 3},
        {2, {5, 17}, 2, {33, 17}, false, true, false, false, 4},
        {2, {17, 13}, 2, {33, 17}, true, true, true, false, 5},
        {3, {4, 7, 9}, 3, {4, 9, 3}, false, false, false, false, 6},
        {3, {4, 7, 9}, 2, {9, 65}, false, false, true, false, 7},         /* rhs broadcast */
        {2, {7, 9}, 4, {2, 3, 9, 5}, false, false, false, false, 8},      /* lhs broadcast */
        {4, {2, 1, 6, 5}, 4, {1, 3, 5, 4}, false, false, true, false, 9}, /* both broadcast */
        {5, {1, 2, 2, 3, 4}, 3, {2, 4, 3}, true, true, false, false, 10},
        {3, {3, 1, 40}, 3, {3, 40, 100}, false, false, false, false, 11}, /* M = 1: GEMV */
        {3, {2, 3, 4}, 3, {2, 4, 5}, false, false, true, true, 12},       /* BatchMatMulV2 */
        {2, {30, 64}, 2, {30, 70}, true, false, false, true, 13},
    };
    /* dims are the stored shapes: with adj_x lhs is [..., K, M], with adj_y rhs [..., N, K] */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(&cases[i]);
}

static void test_bmm_reject(void **state)
{
    (void)state;
    ot_case c;
    oc_bmm_params p = {false, false};
    int32_t a[2] = {2, 3}, b[2] = {4, 5}, b3[2] = {3, 5}, a1[1] = {3}, l3[3] = {2, 2, 3},
            r3[3] = {3, 3, 5};
    ot_init(&c, &oc_op_BATCH_MATMUL);
    c.op.params = &p;
    ot_input(&c, OC_F32, 2, a, NULL, false);
    ot_input(&c, OC_F32, 2, b, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "inner");
    ot_init(&c, &oc_op_BATCH_MATMUL);
    c.op.params = &p;
    ot_input(&c, OC_I32, 2, a, NULL, false);
    ot_input(&c, OC_F32, 2, b3, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "FLOAT32");
    ot_init(&c, &oc_op_BATCH_MATMUL);
    c.op.params = &p;
    ot_input(&c, OC_F32, 1, a1, NULL, false);
    ot_input(&c, OC_F32, 2, b3, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "rank");
    ot_init(&c, &oc_op_BATCH_MATMUL);
    c.op.params = &p;
    ot_input(&c, OC_F32, 3, l3, NULL, false);
    ot_input(&c, OC_F32, 3, r3, NULL, false);
    ot_output(&c, OC_F32);
    kt_expect_reject(&c, "broadcast");
}

/* custom_options of the BatchMatMulV2 op in while_000.circle: {T: 0, adj_x: true,
 * adj_y: false} as a flexbuffer map. */
static const uint8_t k_v2_opts[] = {0x61, 0x64, 0x6a, 0x5f, 0x78, 0x00, 0x61, 0x64, 0x6a, 0x5f,
                                    0x79, 0x00, 0x54, 0x00, 0x03, 0x03, 0x10, 0x0b, 0x03, 0x01,
                                    0x03, 0x00, 0x01, 0x00, 0x04, 0x68, 0x68, 0x06, 0x24, 0x01};

static void parse_v2(const uint8_t *bytes, size_t n, bool *adj_x, bool *adj_y)
{
    oc_op op;
    memset(&op, 0, sizeof op);
    op.custom_options = bytes;
    op.custom_options_size = n;
    oc_mem mem = {0};
    oc_err err;
    assert_int_equal(oc_op_BatchMatMulV2.parse(&op, &mem, &err), OC_OK);
    const oc_bmm_params *p = op.params;
    *adj_x = p->adj_x;
    *adj_y = p->adj_y;
    oc_mem_free_all(&mem);
}

static void test_v2_options(void **state)
{
    (void)state;
    bool x, y;
    parse_v2(k_v2_opts, sizeof k_v2_opts, &x, &y);
    assert_true(x);
    assert_false(y);
    /* flip adj_y to true (value byte of the third key) */
    uint8_t flipped[sizeof k_v2_opts];
    memcpy(flipped, k_v2_opts, sizeof flipped);
    flipped[23] = 1;
    parse_v2(flipped, sizeof flipped, &x, &y);
    assert_true(x && y);
    /* absent options: defaults */
    parse_v2(NULL, 0, &x, &y);
    assert_false(x || y);
    /* every truncation and every single-byte corruption parses without reading out of
     * bounds (ASan checks) and yields booleans */
    for (size_t n = 0; n < sizeof k_v2_opts; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, k_v2_opts + sizeof k_v2_opts - n, n); /* keep the tail: root at the end */
        parse_v2(cut, n, &x, &y);
        free(cut);
    }
    for (size_t i = 0; i < sizeof k_v2_opts; i++)
        for (int v = 0; v < 256; v += 17) {
            uint8_t bad[sizeof k_v2_opts];
            memcpy(bad, k_v2_opts, sizeof bad);
            bad[i] = (uint8_t)v;
            uint8_t *heap = malloc(sizeof bad); /* exact size so ASan sees overreads */
            memcpy(heap, bad, sizeof bad);
            parse_v2(heap, sizeof bad, &x, &y);
            free(heap);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bmm_cases),
        cmocka_unit_test(test_bmm_reject),
        cmocka_unit_test(test_v2_options),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
