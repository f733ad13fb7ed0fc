/* ADD_N. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

static const oc_cpu cpu_plain;

static void test_float(void **state)
{
    (void)state;
    static const int32_t sizes[] = {1, 3, 17, 33, 40003};
    for (int isa = 0; isa < 2; isa++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int k = 1; k <= 4; k++) {
                int32_t n = sizes[s];
                float *in[4], *want = malloc((size_t)n * 4);
                ot_case c;
                ot_init(&c, &oc_op_ADD_N);
                if (isa == 0) c.ctx.cpu = &cpu_plain;
                for (int j = 0; j < k; j++) {
                    in[j] = malloc((size_t)n * 4);
                    for (int32_t i = 0; i < n; i++)
                        in[j][i] = (float)((i * (j + 3)) % 101) * 0.37f - 9.f;
                    ot_input(&c, OC_F32, 1, &n, in[j], false);
                }
                ot_output(&c, OC_F32);
                assert_int_equal(ot_run(&c, n > 1000 ? 2 : 1), OC_OK);
                for (int32_t i = 0; i < n; i++) {
                    float acc = in[0][i];
                    for (int j = 1; j < k; j++)
                        acc += in[j][i]; /* left to right */
                    want[i] = acc;
                }
                ot_assert_near_f32(ot_out(&c, 0)->data, want, (size_t)n, 0.f);
                ot_free(&c);
                for (int j = 0; j < k; j++)
                    free(in[j]);
                free(want);
            }
}

static void test_int(void **state)
{
    (void)state;
    const int32_t a[3] = {1, INT32_MAX, -5}, b[3] = {2, 1, -5}, d[3] = {3, 0, 10};
    int32_t dims[2] = {1, 3};
    ot_case c;
    ot_init(&c, &oc_op_ADD_N);
    ot_input(&c, OC_I32, 2, dims, a, false);
    ot_input(&c, OC_I32, 2, dims, b, false);
    ot_input(&c, OC_I32, 2, dims, d, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_int_equal(ot_out(&c, 0)->shape.rank, 2);
    assert_memory_equal(ot_out(&c, 0)->data, ((int32_t[]){6, INT32_MIN, 0}), 12);
    ot_free(&c);
    const int64_t x[2] = {INT64_MAX, 7}, y[2] = {1, -8};
    int32_t d2 = 2;
    ot_init(&c, &oc_op_ADD_N);
    ot_input(&c, OC_I64, 1, &d2, x, false);
    ot_input(&c, OC_I64, 1, &d2, y, false);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    assert_memory_equal(ot_out(&c, 0)->data, ((int64_t[]){INT64_MIN, -1}), 16);
    ot_free(&c);
}

static void test_rejections(void **state)
{
    (void)state;
    int32_t d3 = 3, d4 = 4;
    ot_case c;
    ot_init(&c, &oc_op_ADD_N); /* shapes differ */
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_input(&c, OC_F32, 1, &d4, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "ADD_N"));
    ot_free(&c);
    ot_init(&c, &oc_op_ADD_N); /* types differ */
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_input(&c, OC_I32, 1, &d3, NULL, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_ADD_N); /* unsupported type */
    ot_input(&c, OC_U8, 1, &d3, NULL, false);
    ot_input(&c, OC_U8, 1, &d3, NULL, false);
    ot_output(&c, OC_U8);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "UINT8"));
    ot_free(&c);
    ot_init(&c, &oc_op_ADD_N); /* output type */
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_input(&c, OC_F32, 1, &d3, NULL, false);
    ot_output(&c, OC_I32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_ADD_N); /* no inputs */
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
