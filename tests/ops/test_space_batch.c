/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: TF documentation examples, a naive oracle with
 * padding/crops in 3-D and 4-D, quantized padding value, round trips, and rejections. */
#include "layout_test.h"

static void run(ot_case *c, const oc_op_def *def, oc_dtype dt, int rank, const int32_t *dims,
                const void *x, const int32_t *block, const int32_t *pads)
{
    ot_init(c, def);
    ot_input(c, dt, rank, dims, x, false);
    const int32_t bd[1] = {rank - 2}, pd[2] = {rank - 2, 2};
    ot_input(c, OC_I32, 1, bd, block, true);
    ot_input(c, OC_I32, 2, pd, pads, true);
    ot_output(c, dt);
}

static void test_tf_examples(void **state)
{
    (void)state;
    ot_case c;
    /* [1,2,2,1] block [2,2] -> [4,1,1,1] */
    const float x1[4] = {1, 2, 3, 4};
    const int32_t d1[4] = {1, 2, 2, 1}, b[2] = {2, 2}, nopad[4] = {0};
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d1, x1, b, nopad);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t w1[4] = {4, 1, 1, 1};
    lt_assert_shape(ot_out(&c, 0), 4, w1);
    lt_assert_f32(ot_out(&c, 0), x1, 4);
    ot_free(&c);
    /* [1,4,4,1] -> [4,2,2,1] */
    float x3[16];
    for (int i = 0; i < 16; i++)
        x3[i] = (float)(i + 1);
    const int32_t d3[4] = {1, 4, 4, 1};
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d3, x3, b, nopad);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float w3[16] = {1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16};
    lt_assert_f32(ot_out(&c, 0), w3, 16);
    ot_free(&c);
    /* and back */
    const int32_t d3b[4] = {4, 2, 2, 1};
    run(&c, &oc_op_BATCH_TO_SPACE_ND, OC_F32, 4, d3b, w3, b, nopad);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, d3);
    lt_assert_f32(ot_out(&c, 0), x3, 16);
    ot_free(&c);
    /* [2,2,4,1] with paddings [[0,0],[2,0]] -> [8,1,3,1] (TF docs example 4) */
    float x4[16];
    for (int i = 0; i < 16; i++)
        x4[i] = (float)(i + 1);
    const int32_t d4[4] = {2, 2, 4, 1}, p4[4] = {0, 0, 2, 0};
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d4, x4, b, p4);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t w4d[4] = {8, 1, 3, 1};
    lt_assert_shape(ot_out(&c, 0), 4, w4d);
    const float w4[24] = {0, 1, 3, 0, 9,  11, 0, 2, 4, 0, 10, 12,
                          0, 5, 7, 0, 13, 15, 0, 6, 8, 0, 14, 16};
    lt_assert_f32(ot_out(&c, 0), w4, 24);
    ot_free(&c);
    /* B2S with crops: TF docs example [8,1,3,1] crops [[0,0],[2,0]] -> [2,2,4,1] */
    run(&c, &oc_op_BATCH_TO_SPACE_ND, OC_F32, 4, w4d, w4, b, p4);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    lt_assert_shape(ot_out(&c, 0), 4, d4);
    lt_assert_f32(ot_out(&c, 0), x4, 16);
    ot_free(&c);
}

/* Naive S2B oracle in 4-D terms (3-D input: w = 1, bw = 1). */
static void s2b_oracle(const float *in, float *out, const int64_t d[4], const int64_t bl[2],
                       const int64_t p[4], float padv)
{
    int64_t oh = (d[1] + p[0] + p[1]) / bl[0], ow = (d[2] + p[2] + p[3]) / bl[1];
    int64_t nb = d[0] * bl[0] * bl[1], k = 0;
    for (int64_t b = 0; b < nb; b++)
        for (int64_t y = 0; y < oh; y++)
            for (int64_t x = 0; x < ow; x++)
                for (int64_t ch = 0; ch < d[3]; ch++, k++) {
                    int64_t n = b % d[0], sp = b / d[0];
                    int64_t ih = y * bl[0] + sp / bl[1] - p[0], iw = x * bl[1] + sp % bl[1] - p[2];
                    bool in_range = ih >= 0 && ih < d[1] && iw >= 0 && iw < d[2];
                    out[k] = in_range ? in[((n * d[1] + ih) * d[2] + iw) * d[3] + ch] : padv;
                }
}

static void check_round_trip(int rank, const int32_t *dims, const int32_t *block,
                             const int32_t *pads, int th)
{
    int64_t n = lt_count(rank, dims);
    float *x = lt_seq_f32(n);
    int64_t d[4] = {dims[0], dims[1], rank == 4 ? dims[2] : 1, dims[rank - 1]};
    int64_t bl[2] = {block[0], rank == 4 ? block[1] : 1};
    int64_t p[4] = {pads[0], pads[1], rank == 4 ? pads[2] : 0, rank == 4 ? pads[3] : 0};
    int64_t oh = (d[1] + p[0] + p[1]) / bl[0], ow = (d[2] + p[2] + p[3]) / bl[1];
    int64_t m = d[0] * bl[0] * bl[1] * oh * ow * d[3];
    float *want = malloc((size_t)m * sizeof *want);
    s2b_oracle(x, want, d, bl, p, 0.f);
    ot_case c;
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, rank, dims, x, block, pads);
    assert_int_equal(ot_run(&c, th), OC_OK);
    lt_assert_f32(ot_out(&c, 0), want, m);
    /* B2S with the same amounts as crops restores the input */
    oc_shape bs = ot_out(&c, 0)->shape;
    ot_case c2;
    run(&c2, &oc_op_BATCH_TO_SPACE_ND, OC_F32, rank, bs.dims, want, block, pads);
    assert_int_equal(ot_run(&c2, th), OC_OK);
    lt_assert_shape(ot_out(&c2, 0), rank, dims);
    lt_assert_f32(ot_out(&c2, 0), x, n);
    ot_free(&c2);
    ot_free(&c);
    free(x);
    free(want);
}

static void test_oracle_round_trips(void **state)
{
    (void)state;
    const int32_t d4[4] = {2, 5, 7, 3}, b4[2] = {2, 3}, p4[4] = {1, 2, 0, 2};
    check_round_trip(4, d4, b4, p4, 1);
    const int32_t b4s[2] = {3, 1}, p4s[4] = {0, 1, 1, 1};
    check_round_trip(4, d4, b4s, p4s, 2);
    const int32_t d3[3] = {3, 17, 2}, b3[1] = {4}, p3[2] = {1, 2};
    check_round_trip(3, d3, b3, p3, 1);
    /* dilated conv style: [1,1,1,3] with block [2,2] and paddings [[1,2],[1,2]]... */
    const int32_t dd[4] = {1, 1, 1, 3}, bd[2] = {2, 2}, pd[4] = {1, 2, 1, 2};
    check_round_trip(4, dd, bd, pd, 1);
}

static void test_quantized_pad_value(void **state)
{
    (void)state;
    float scale = 0.1f;
    int64_t zp = 128;
    const uint8_t x[2] = {7, 9};
    const int32_t d[3] = {1, 2, 1}, b[1] = {2}, p[2] = {1, 1};
    ot_case c;
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_U8, 3, d, x, b, p);
    c.tensors[c.inputs[0]].q = (oc_qparams){1, 0, &scale, &zp};
    c.tensors[c.outputs[0]].q = (oc_qparams){1, 0, &scale, &zp};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t wd[3] = {2, 2, 1};
    lt_assert_shape(ot_out(&c, 0), 3, wd);
    const uint8_t want[4] = {128, 9, 7, 128};
    assert_memory_equal(ot_out(&c, 0)->data, want, 4);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    float x[64] = {0};
    const int32_t d4[4] = {1, 3, 4, 1}, b[2] = {2, 2}, nopad[4] = {0}, negpad[4] = {0, -1, 0, 0};
    const int32_t zero_block[2] = {0, 2};
    ot_case c;
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d4, x, b, nopad); /* 3 not divisible by 2 */
    lt_assert_rejected(&c);
    ot_free(&c);
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d4, x, zero_block, nopad);
    lt_assert_rejected(&c);
    ot_free(&c);
    run(&c, &oc_op_SPACE_TO_BATCH_ND, OC_F32, 4, d4, x, b, negpad);
    lt_assert_rejected(&c);
    ot_free(&c);
    run(&c, &oc_op_BATCH_TO_SPACE_ND, OC_F32, 4, d4, x, b, nopad); /* batch 1 not divisible */
    lt_assert_rejected(&c);
    ot_free(&c);
    const int32_t d4b[4] = {4, 1, 1, 1}, big_crop[4] = {2, 1, 0, 0};
    run(&c, &oc_op_BATCH_TO_SPACE_ND, OC_F32, 4, d4b, x, b, big_crop);
    lt_assert_rejected(&c);
    ot_free(&c);
    const int32_t d2[2] = {4, 4};
    ot_init(&c, &oc_op_SPACE_TO_BATCH_ND); /* rank 2 */
    ot_input(&c, OC_F32, 2, d2, x, false);
    ot_input(&c, OC_I32, 1, (const int32_t[]){1}, b, true);
    ot_input(&c, OC_I32, 2, (const int32_t[]){1, 2}, nopad, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tf_examples),
        cmocka_unit_test(test_oracle_round_trips),
        cmocka_unit_test(test_quantized_pad_value),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
