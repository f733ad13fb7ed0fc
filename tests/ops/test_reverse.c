/* REVERSE_V2: every subset of axes of a 4-D tensor against a naive oracle, several element
 * sizes, and rejections. */
#include "layout_test.h"

static void check(oc_dtype dt, unsigned mask, int th)
{
    const int32_t dims[4] = {3, 1, 17, 4};
    size_t es = oc_dtype_size(dt);
    int64_t n = lt_count(4, dims);
    unsigned char *x = malloc((size_t)n * es);
    for (int64_t i = 0; i < n * (int64_t)es; i++)
        x[i] = (unsigned char)(i * 13 + 5);
    int32_t axes[4], na = 0;
    for (int a = 0; a < 4; a++)
        if (mask & (1u << a)) axes[na++] = a % 2 ? a - 4 : a; /* some negative */
    ot_case c;
    ot_init(&c, &oc_op_REVERSE_V2);
    ot_input(&c, dt, 4, dims, x, false);
    ot_input(&c, OC_I32, 1, &na, axes, true);
    ot_output(&c, dt);
    assert_int_equal(ot_run(&c, th), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, dims);
    const unsigned char *got = ot_out(&c, 0)->data;
    int64_t co[4];
    for (int64_t o = 0; o < n; o++) {
        lt_unravel(o, 4, dims, co);
        for (int a = 0; a < 4; a++)
            if (mask & (1u << a)) co[a] = dims[a] - 1 - co[a];
        assert_memory_equal(got + o * (int64_t)es, x + lt_ravel(4, dims, co) * (int64_t)es, es);
    }
    ot_free(&c);
    free(x);
}

static void test_reverse(void **state)
{
    (void)state;
    for (unsigned m = 0; m < 16; m++)
        check(OC_F32, m, 1);
    check(OC_I8, 5, 1);
    check(OC_I16, 12, 2);
    check(OC_I64, 15, 1);
}

static void test_rejects(void **state)
{
    (void)state;
    float x[6] = {0};
    const int32_t d[2] = {2, 3}, twice[2] = {1, -1}, range[1] = {2};
    ot_case c;
    ot_init(&c, &oc_op_REVERSE_V2);
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){2}, twice, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_REVERSE_V2);
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){1}, range, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_REVERSE_V2);
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){1}, range, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reverse),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
