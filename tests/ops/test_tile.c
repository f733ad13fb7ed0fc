/* TILE and BROADCAST_TO against naive modulo / broadcast oracles, and rejections. */
#include "layout_test.h"

static void check_tile(oc_dtype dt, int rank, const int32_t *dims, const int64_t *mult)
{
    size_t es = oc_dtype_size(dt);
    int64_t n = lt_count(rank, dims);
    unsigned char *x = malloc((size_t)(n ? n : 1) * es);
    for (int64_t i = 0; i < n * (int64_t)es; i++)
        x[i] = (unsigned char)(i * 29 + 7);
    ot_case c;
    ot_init(&c, &oc_op_TILE);
    ot_input(&c, dt, rank, dims, x, false);
    const int32_t md[1] = {rank};
    ot_input(&c, OC_I64, 1, md, mult, true);
    ot_output(&c, dt);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    int32_t od[8];
    for (int i = 0; i < rank; i++)
        od[i] = (int32_t)(dims[i] * mult[i]);
    lt_assert_shape(ot_out(&c, 0), rank, od);
    const unsigned char *got = ot_out(&c, 0)->data;
    int64_t co[8];
    for (int64_t o = 0; o < lt_count(rank, od); o++) {
        lt_unravel(o, rank, od, co);
        for (int i = 0; i < rank; i++)
            co[i] %= dims[i];
        assert_memory_equal(got + o * (int64_t)es, x + lt_ravel(rank, dims, co) * (int64_t)es, es);
    }
    ot_free(&c);
    free(x);
}

static void test_tile(void **state)
{
    (void)state;
    const int32_t d2[2] = {2, 3};
    const int64_t m2[2] = {2, 2};
    check_tile(OC_F32, 2, d2, m2);
    const int32_t d3[3] = {3, 1, 5};
    const int64_t m3[3] = {1, 17, 3}, m3z[3] = {2, 0, 1};
    check_tile(OC_I8, 3, d3, m3);
    check_tile(OC_I64, 3, d3, m3);
    check_tile(OC_F32, 3, d3, m3z);
    const int32_t d4[4] = {1, 2, 1, 3};
    const int64_t m4[4] = {2, 1, 33, 1};
    check_tile(OC_F16, 4, d4, m4);
    /* scalar */
    float s = 2.5f;
    ot_case c;
    ot_init(&c, &oc_op_TILE);
    ot_input(&c, OC_F32, 0, NULL, &s, false);
    const int32_t zero[1] = {0};
    int32_t none = 0;
    ot_input(&c, OC_I32, 1, zero, &none, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_true(*(float *)ot_out(&c, 0)->data == 2.5f);
    ot_free(&c);
    /* rejections: negative multiple, wrong length; dynamic multiples */
    const int32_t md[1] = {2}, md3[1] = {3};
    const int32_t neg[2] = {1, -1}, three[3] = {1, 1, 1};
    float x[6] = {0};
    ot_init(&c, &oc_op_TILE);
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_input(&c, OC_I32, 1, md, neg, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_TILE);
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_input(&c, OC_I32, 1, md3, three, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_TILE);
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_input(&c, OC_I32, 1, md, three, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    ot_free(&c);
}

static void check_bcast(int rank, const int32_t *dims, int n, const int32_t *shape, int th)
{
    int64_t cnt = lt_count(rank, dims);
    float *x = lt_seq_f32(cnt);
    ot_case c;
    ot_init(&c, &oc_op_BROADCAST_TO);
    ot_input(&c, OC_F32, rank, dims, x, false);
    const int32_t sd[1] = {n};
    ot_input(&c, OC_I32, 1, sd, shape, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, th), OC_OK);
    lt_assert_shape(ot_out(&c, 0), n, shape);
    const float *got = ot_out(&c, 0)->data;
    int64_t co[8], ci[8];
    for (int64_t o = 0; o < lt_count(n, shape); o++) {
        lt_unravel(o, n, shape, co);
        for (int i = 0; i < rank; i++)
            ci[i] = dims[i] == 1 ? 0 : co[n - rank + i];
        assert_true(got[o] == x[lt_ravel(rank, dims, ci)]);
    }
    ot_free(&c);
    free(x);
}

static void test_broadcast_to(void **state)
{
    (void)state;
    const int32_t d1[1] = {3}, s1[2] = {2, 3};
    check_bcast(1, d1, 2, s1, 1);
    const int32_t d2[2] = {4, 1}, s2[3] = {2, 4, 17};
    check_bcast(2, d2, 3, s2, 1);
    const int32_t d3[3] = {1, 5, 1}, s3[5] = {2, 3, 4, 5, 33};
    check_bcast(3, d3, 5, s3, 2);
    const int32_t d4[2] = {2, 3}, s4[2] = {2, 3};
    check_bcast(2, d4, 2, s4, 1);
    /* rejections: incompatible dim, target rank too small */
    float x[6] = {0};
    const int32_t bad[2] = {2, 4}, small[1] = {3};
    ot_case c;
    ot_init(&c, &oc_op_BROADCAST_TO);
    ot_input(&c, OC_F32, 2, d4, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){2}, bad, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_BROADCAST_TO);
    ot_input(&c, OC_F32, 2, d4, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){1}, small, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tile),
        cmocka_unit_test(test_broadcast_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
