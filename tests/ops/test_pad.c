/* PAD, PADV2 and MIRROR_PAD against naive oracles over ranks 1..5 and several paddings,
 * quantized zero-point padding, hand values for REFLECT/SYMMETRIC, and rejections. */
#include "layout_test.h"
#include "ops/layout_params.h"

/* Naive oracle: out(c) = in(c - before) if inside, else value (constant) or mirrored. */
static void oracle(const float *in, float *out, int rank, const int32_t *dims, const int32_t *pads,
                   int mode, float value)
{
    int32_t od[8];
    for (int i = 0; i < rank; i++)
        od[i] = dims[i] + pads[2 * i] + pads[2 * i + 1];
    int64_t n = lt_count(rank, od), co[8];
    for (int64_t o = 0; o < n; o++) {
        lt_unravel(o, rank, od, co);
        bool inside = true;
        for (int i = 0; i < rank; i++) {
            int64_t x = co[i] - pads[2 * i];
            if (x < 0 || x >= dims[i]) {
                if (mode < 0)
                    inside = false;
                else if (x < 0)
                    x = mode == OC_MIRROR_REFLECT ? -x : -x - 1;
                else
                    x = mode == OC_MIRROR_REFLECT ? 2 * dims[i] - 2 - x : 2 * dims[i] - 1 - x;
            }
            co[i] = x;
        }
        out[o] = inside ? in[lt_ravel(rank, dims, co)] : value;
    }
}

/* mode -1: PAD (or PADV2 with `value` when v2), else MIRROR_PAD mode. */
static void check(int rank, const int32_t *dims, const int32_t *pads, int mode, bool v2,
                  float value, int nthreads)
{
    int64_t n = lt_count(rank, dims);
    float *x = lt_seq_f32(n);
    int32_t od[8];
    for (int i = 0; i < rank; i++)
        od[i] = dims[i] + pads[2 * i] + pads[2 * i + 1];
    int64_t m = lt_count(rank, od);
    float *want = malloc((size_t)(m ? m : 1) * sizeof *want);
    oracle(x, want, rank, dims, pads, mode, v2 ? value : 0.f);
    ot_case c;
    oc_mirror_pad_params mp = {mode};
    ot_init(&c, mode >= 0 ? &oc_op_MIRROR_PAD : v2 ? &oc_op_PADV2 : &oc_op_PAD);
    if (mode >= 0) c.op.params = &mp;
    ot_input(&c, OC_F32, rank, dims, x, false);
    const int32_t pd[2] = {rank, 2};
    ot_input(&c, OC_I32, 2, pd, pads, true);
    if (v2) ot_input(&c, OC_F32, 0, NULL, &value, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    lt_assert_shape(ot_out(&c, 0), rank, od);
    lt_assert_f32(ot_out(&c, 0), want, m);
    ot_free(&c);
    free(x);
    free(want);
}

static void test_pad_constant(void **state)
{
    (void)state;
    const int32_t d1[1] = {5}, p1[2] = {2, 3};
    check(1, d1, p1, -1, false, 0, 1);
    const int32_t d4[4] = {1, 17, 33, 3}, p4[8] = {0, 0, 1, 2, 3, 0, 0, 0};
    check(4, d4, p4, -1, false, 0, 1);
    check(4, d4, p4, -1, true, -7.5f, 2);
    const int32_t p4c[8] = {1, 0, 0, 0, 0, 0, 2, 1}; /* channel padding */
    check(4, d4, p4c, -1, true, 3.f, 1);
    const int32_t p4ch[8] = {0, 0, 0, 0, 0, 0, 1, 4}; /* channels only: the row fast path */
    check(4, d4, p4ch, -1, true, 2.5f, 1);
    const int32_t dch[4] = {1, 64, 64, 24}, pch[8] = {0, 0, 0, 0, 0, 0, 0, 4};
    check(4, dch, pch, -1, false, 0, 2);
    const int32_t p4z[8] = {0}; /* no padding at all */
    check(4, d4, p4z, -1, false, 0, 1);
    const int32_t d5[5] = {2, 3, 1, 4, 2}, p5[10] = {1, 0, 0, 2, 1, 1, 0, 0, 3, 0};
    check(5, d5, p5, -1, false, 0, 1);
    /* face-detection sized NHWC padding of H and W, two threads */
    const int32_t dimg[4] = {1, 64, 64, 24}, pimg[8] = {0, 0, 0, 1, 0, 1, 0, 0};
    check(4, dimg, pimg, -1, false, 0, 2);
}

static void test_pad_quantized_and_int(void **state)
{
    (void)state;
    float scale = 0.5f;
    int64_t zp = -3;
    const int8_t x[3] = {1, 2, 3};
    const int32_t d[1] = {3}, pd[2] = {1, 2}, pads[2] = {1, 1};
    ot_case c;
    ot_init(&c, &oc_op_PAD);
    int ix = ot_input(&c, OC_I8, 1, d, x, false);
    ot_input(&c, OC_I32, 2, pd, pads, true);
    int io = ot_output(&c, OC_I8);
    c.tensors[ix].q = (oc_qparams){1, 0, &scale, &zp};
    c.tensors[io].q = (oc_qparams){1, 0, &scale, &zp};
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int8_t want[5] = {-3, 1, 2, 3, -3};
    assert_memory_equal(ot_out(&c, 0)->data, want, 5);
    ot_free(&c);
    /* int64 data with int64 paddings */
    const int64_t y[2] = {INT64_MAX, -5}, p64[2] = {0, 2};
    ot_init(&c, &oc_op_PAD);
    const int32_t d2[1] = {2};
    ot_input(&c, OC_I64, 1, d2, y, false);
    ot_input(&c, OC_I64, 2, pd, p64, true);
    ot_output(&c, OC_I64);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t w64[4] = {INT64_MAX, -5, 0, 0};
    assert_memory_equal(ot_out(&c, 0)->data, w64, sizeof w64);
    ot_free(&c);
}

static void test_mirror_pad(void **state)
{
    (void)state;
    /* TF docs: [[1,2,3],[4,5,6]] padded [[1,1],[2,2]] */
    const float x[6] = {1, 2, 3, 4, 5, 6};
    const int32_t d[2] = {2, 3}, pd[2] = {2, 2}, pads[4] = {1, 1, 2, 2};
    const float reflect[4 * 7] = {6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
                                  6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1};
    const float symmetric[4 * 7] = {2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2,
                                    5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5};
    for (int mode = 0; mode < 2; mode++) {
        ot_case c;
        oc_mirror_pad_params p = {mode};
        ot_init(&c, &oc_op_MIRROR_PAD);
        c.op.params = &p;
        ot_input(&c, OC_F32, 2, d, x, false);
        ot_input(&c, OC_I32, 2, pd, pads, true);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        lt_assert_f32(ot_out(&c, 0), mode ? symmetric : reflect, 28);
        ot_free(&c);
    }
    const int32_t d3[3] = {3, 4, 5}, p3[6] = {2, 1, 0, 3, 1, 4};
    check(3, d3, p3, OC_MIRROR_REFLECT, false, 0, 1);
    const int32_t p3s[6] = {3, 0, 4, 4, 5, 1};
    check(3, d3, p3s, OC_MIRROR_SYMMETRIC, false, 0, 2);
    const int32_t p3c[6] = {0, 0, 0, 0, 2, 2};
    check(3, d3, p3c, OC_MIRROR_REFLECT, false, 0, 1);
    const int32_t p3o[6] = {1, 2, 0, 0, 0, 0}; /* only the outer dim: merged rows */
    check(3, d3, p3o, OC_MIRROR_SYMMETRIC, false, 0, 1);
}

static void test_rejects(void **state)
{
    (void)state;
    float x[12] = {0};
    const int32_t d[2] = {3, 4}, pd[2] = {2, 2}, pd3[2] = {3, 2};
    const int32_t neg[4] = {0, -1, 0, 0}, big_reflect[4] = {3, 0, 0, 0}, big_sym[4] = {0, 0, 0, 5};
    const int32_t wrong[6] = {0};
    ot_case c;
    ot_init(&c, &oc_op_PAD);
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 2, pd, neg, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_PAD);
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 2, pd3, wrong, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_PAD); /* dynamic paddings */
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 2, pd, big_reflect, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    ot_free(&c);
    const int32_t *mp[2] = {big_reflect, big_sym};
    for (int mode = 0; mode < 2; mode++) {
        oc_mirror_pad_params p = {mode};
        ot_init(&c, &oc_op_MIRROR_PAD);
        c.op.params = &p;
        ot_input(&c, OC_F32, 2, d, x, false);
        ot_input(&c, OC_I32, 2, pd, mp[mode], true);
        ot_output(&c, OC_F32);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    /* PADV2 value of another type */
    ot_init(&c, &oc_op_PADV2);
    const int32_t zero4[4] = {0}, iv = 1;
    ot_input(&c, OC_F32, 2, d, x, false);
    ot_input(&c, OC_I32, 2, pd, zero4, true);
    ot_input(&c, OC_I32, 0, NULL, &iv, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad_constant),
        cmocka_unit_test(test_pad_quantized_and_int),
        cmocka_unit_test(test_mirror_pad),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
