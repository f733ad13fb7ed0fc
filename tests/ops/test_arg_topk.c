/* ARG_MAX, ARG_MIN and TOPK_V2: hand values, ties, every dtype, odd sizes, a sort oracle. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "ops/misc_params.h"

static oc_arg_params g_any = {false, OC_I64};

static void arg_setup(ot_case *c, const oc_op_def *def, oc_dtype dt, int rank, const int32_t *dims,
                      const void *x, int32_t axis, oc_dtype odt)
{
    ot_init(c, def);
    c->op.params = &g_any;
    ot_input(c, dt, rank, dims, x, false);
    int32_t one[1] = {1};
    ot_input(c, OC_I32, 1, one, &axis, true);
    ot_output(c, odt);
}

static void test_arg_hand(void **state)
{
    (void)state;
    /* [2,3]: ties resolve to the first index */
    const float x[6] = {1, 5, 5, -2, -7, -7};
    int32_t dims[2] = {2, 3};
    ot_case c;
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, dims, x, 1, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 1);
    const int32_t *o = ot_out(&c, 0)->data;
    assert_int_equal(o[0], 1);
    assert_int_equal(o[1], 0);
    ot_free(&c);
    arg_setup(&c, &oc_op_ARG_MIN, OC_F32, 2, dims, x, -1, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t *o64 = ot_out(&c, 0)->data;
    assert_true(o64[0] == 0 && o64[1] == 1);
    ot_free(&c);
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, dims, x, 0, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    o = ot_out(&c, 0)->data;
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 3);
    assert_true(o[0] == 0 && o[1] == 0 && o[2] == 0);
    ot_free(&c);
}

/* Every input dtype along a middle axis of an odd shape, against a direct scan. */
static void test_arg_dtypes_oracle(void **state)
{
    (void)state;
    int32_t dims[3] = {3, 17, 5};
    int64_t n = 3 * 17 * 5;
    oc_dtype dts[5] = {OC_F32, OC_I32, OC_I64, OC_U8, OC_I8};
    srand(9);
    double *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++)
        v[i] = rand() % 40; /* many ties */
    for (int t = 0; t < 5; t++) {
        void *x = malloc((size_t)n * 8);
        for (int64_t i = 0; i < n; i++) {
            switch (dts[t]) {
            case OC_F32: ((float *)x)[i] = (float)v[i] - 20.f; break;
            case OC_I32: ((int32_t *)x)[i] = (int32_t)v[i] - 20; break;
            case OC_I64: ((int64_t *)x)[i] = (int64_t)v[i] * 1000000000LL; break;
            case OC_U8: ((uint8_t *)x)[i] = (uint8_t)(v[i] * 5); break;
            default: ((int8_t *)x)[i] = (int8_t)(v[i] - 20); break;
            }
        }
        for (int is_max = 0; is_max < 2; is_max++) {
            ot_case c;
            arg_setup(&c, is_max ? &oc_op_ARG_MAX : &oc_op_ARG_MIN, dts[t], 3, dims, x, 1, OC_I32);
            assert_int_equal(ot_run(&c, 1), OC_OK);
            const int32_t *o = ot_out(&c, 0)->data;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 5; b++) {
                    int best = 0;
                    for (int k = 1; k < 17; k++) {
                        double cur = v[(a * 17 + k) * 5 + b], bv = v[(a * 17 + best) * 5 + b];
                        if (is_max ? cur > bv : cur < bv) best = k;
                    }
                    assert_int_equal(o[a * 5 + b], best);
                }
            ot_free(&c);
        }
        free(x);
    }
    free(v);
}

static void test_arg_rejects_and_dynamic(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 3};
    ot_case c;
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, dims, NULL, 2, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "ARG_MAX"));
    ot_free(&c);
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, dims, NULL, 1, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    arg_setup(&c, &oc_op_ARG_MIN, OC_BOOL, 2, dims, NULL, 1, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* options name int64 but the tensor is int32 */
    oc_arg_params want64 = {true, OC_I64};
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, dims, NULL, 1, OC_I32);
    c.op.params = &want64;
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* empty axis */
    int32_t e[2] = {2, 0};
    arg_setup(&c, &oc_op_ARG_MAX, OC_F32, 2, e, NULL, 1, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* run-time axis (int64 scalar) */
    const float x[6] = {1, 9, 3, 4, 0, 6};
    int64_t ax = 0;
    ot_init(&c, &oc_op_ARG_MAX);
    c.op.params = &g_any;
    ot_input(&c, OC_F32, 2, dims, x, false);
    ot_input(&c, OC_I64, 0, NULL, &ax, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t *o = ot_out(&c, 0)->data;
    assert_true(o[0] == 1 && o[1] == 0 && o[2] == 1);
    ot_free(&c);
}

static void test_arg_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    fbt_field f[1] = {fbt_u8(OC_I32)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, f, 1, &op.options);
    assert_int_equal(oc_op_ARG_MIN.parse(&op, &mem, &err), OC_OK);
    const oc_arg_params *p = op.params;
    assert_true(p->has_output_type);
    assert_int_equal(p->output_type, OC_I32);
    memset(&op, 0, sizeof op);
    assert_int_equal(oc_op_ARG_MAX.parse(&op, &mem, &err), OC_OK);
    assert_false(((const oc_arg_params *)op.params)->has_output_type);
    oc_mem_free_all(&mem);
}

/* ---- TOPK_V2 ------------------------------------------------------------------------------- */

static void topk_setup(ot_case *c, oc_dtype dt, int rank, const int32_t *dims, const void *x,
                       int32_t k)
{
    ot_init(c, &oc_op_TOPK_V2);
    ot_input(c, dt, rank, dims, x, false);
    ot_input(c, OC_I32, 0, NULL, &k, true);
    ot_output(c, dt);
    ot_output(c, OC_I32);
}

static void test_topk_hand(void **state)
{
    (void)state;
    const float x[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    int32_t dims[2] = {2, 4};
    ot_case c;
    topk_setup(&c, OC_F32, 2, dims, x, 2);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float *v = ot_out(&c, 0)->data;
    const int32_t *i = ot_out(&c, 1)->data;
    assert_int_equal(ot_out(&c, 0)->shape.dims[1], 2);
    assert_int_equal(ot_out(&c, 1)->shape.dims[0], 2);
    assert_true(v[0] == 4 && v[1] == 3 && v[2] == 9 && v[3] == 6);
    assert_true(i[0] == 2 && i[1] == 0 && i[2] == 1 && i[3] == 3);
    ot_free(&c);
    /* ties: lower index first */
    const int32_t t[6] = {7, 7, 1, 7, 1, 7};
    int32_t d6[1] = {6};
    topk_setup(&c, OC_I32, 1, d6, t, 6);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t *tv = ot_out(&c, 0)->data;
    i = ot_out(&c, 1)->data;
    const int32_t wi[6] = {0, 1, 3, 5, 2, 4}, wv[6] = {7, 7, 7, 7, 1, 1};
    assert_memory_equal(i, wi, sizeof wi);
    assert_memory_equal(tv, wv, sizeof wv);
    ot_free(&c);
    topk_setup(&c, OC_I32, 1, d6, t, 0);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.dims[0], 0);
    ot_free(&c);
}

typedef struct {
    double v;
    int32_t i;
} vi_pair;

static int pair_cmp(const void *a, const void *b)
{
    const vi_pair *p = a, *q = b;
    if (p->v != q->v) return p->v > q->v ? -1 : 1;
    return p->i - q->i;
}

static void test_topk_oracle(void **state)
{
    (void)state;
    int32_t ns[] = {1, 2, 3, 17, 33, 100};
    oc_dtype dts[5] = {OC_F32, OC_I32, OC_I64, OC_U8, OC_I8};
    srand(21);
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        int32_t n = ns[a], rows = 3, dims[2] = {rows, n};
        for (int t = 0; t < 5; t++) {
            for (int32_t k = 0; k <= n; k += (n > 8 ? 7 : 1)) {
                double *v = malloc((size_t)(rows * n) * sizeof *v);
                void *x = malloc((size_t)(rows * n) * 8);
                for (int64_t e = 0; e < (int64_t)rows * n; e++) {
                    v[e] = rand() % 50; /* many ties */
                    switch (dts[t]) {
                    case OC_F32: ((float *)x)[e] = (float)v[e] * 0.5f; break;
                    case OC_I32: ((int32_t *)x)[e] = (int32_t)v[e] - 25; break;
                    case OC_I64: ((int64_t *)x)[e] = (int64_t)v[e] << 33; break;
                    case OC_U8: ((uint8_t *)x)[e] = (uint8_t)(v[e] * 5); break;
                    default: ((int8_t *)x)[e] = (int8_t)(v[e] - 25); break;
                    }
                }
                ot_case c;
                topk_setup(&c, dts[t], 2, dims, x, k);
                assert_int_equal(ot_run(&c, 1), OC_OK);
                const int32_t *idx = ot_out(&c, 1)->data;
                const uint8_t *vals = ot_out(&c, 0)->data;
                size_t es = oc_dtype_size(dts[t]);
                vi_pair *p = malloc((size_t)n * sizeof *p);
                for (int r = 0; r < rows; r++) {
                    for (int e = 0; e < n; e++)
                        p[e] = (vi_pair){v[r * n + e], e};
                    qsort(p, (size_t)n, sizeof *p, pair_cmp);
                    for (int e = 0; e < k; e++) {
                        assert_int_equal(idx[r * k + e], p[e].i);
                        assert_memory_equal(vals + (size_t)(r * k + e) * es,
                                            (uint8_t *)x + (size_t)(r * n + p[e].i) * es, es);
                    }
                }
                free(p);
                free(v);
                free(x);
                ot_free(&c);
            }
        }
    }
}

static void test_topk_rejects(void **state)
{
    (void)state;
    int32_t dims[2] = {2, 4};
    ot_case c;
    topk_setup(&c, OC_F32, 2, dims, NULL, 5);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "TOPK_V2"));
    ot_free(&c);
    topk_setup(&c, OC_F32, 2, dims, NULL, -1);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    topk_setup(&c, OC_BOOL, 2, dims, NULL, 1);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* indices must be int32 */
    ot_init(&c, &oc_op_TOPK_V2);
    int32_t k = 1;
    ot_input(&c, OC_F32, 2, dims, NULL, false);
    ot_input(&c, OC_I32, 0, NULL, &k, true);
    ot_output(&c, OC_F32);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* run-time k */
    const float x[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    ot_init(&c, &oc_op_TOPK_V2);
    ot_input(&c, OC_F32, 2, dims, x, false);
    k = 3;
    ot_input(&c, OC_I32, 0, NULL, &k, false);
    ot_output(&c, OC_F32);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t wi[6] = {2, 0, 1, 1, 3, 0};
    assert_memory_equal(ot_out(&c, 1)->data, wi, sizeof wi);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arg_hand),
        cmocka_unit_test(test_arg_dtypes_oracle),
        cmocka_unit_test(test_arg_rejects_and_dynamic),
        cmocka_unit_test(test_arg_parse),
        cmocka_unit_test(test_topk_hand),
        cmocka_unit_test(test_topk_oracle),
        cmocka_unit_test(test_topk_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
