/* GATHER (every axis, batch_dims, int32/int64 indices) and GATHER_ND against naive oracles;
 * out-of-range indices must fail at eval with a message, never read out of bounds. */
#include "layout_test.h"
#include "ops/layout_params.h"

/* out(pre..., idx..., post...) = in(pre..., indices[batch..., idx...], post...). */
static void check_gather(int axis, int bd, oc_dtype idt, int nthreads)
{
    const int32_t dims[4] = {2, 3, 5, 4};
    const int32_t idims[3] = {2, 3, 7};
    const int irank = 3;
    int a = axis < 0 ? axis + 4 : axis;
    int64_t ni = lt_count(irank, idims);
    int64_t *idx = malloc((size_t)ni * sizeof *idx);
    int32_t *idx32 = malloc((size_t)ni * sizeof *idx32);
    for (int64_t i = 0; i < ni; i++)
        idx[i] = idx32[i] = (int32_t)((i * 5 + 3) % dims[a]);
    float *x = lt_seq_f32(lt_count(4, dims));
    ot_case c;
    oc_gather_params p = {.axis = axis, .batch_dims = bd};
    ot_init(&c, &oc_op_GATHER);
    c.op.params = &p;
    ot_input(&c, OC_F32, 4, dims, x, false);
    ot_input(&c, idt, irank, idims, idt == OC_I64 ? (void *)idx : (void *)idx32, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    int bdn = bd < 0 ? bd + irank : bd;
    int32_t od[8];
    int orank = 0;
    for (int i = 0; i < a; i++)
        od[orank++] = dims[i];
    for (int i = bdn; i < irank; i++)
        od[orank++] = idims[i];
    for (int i = a + 1; i < 4; i++)
        od[orank++] = dims[i];
    lt_assert_shape(ot_out(&c, 0), orank, od);
    const float *got = ot_out(&c, 0)->data;
    int64_t co[8], ci[4], cidx[3];
    for (int64_t o = 0; o < lt_count(orank, od); o++) {
        lt_unravel(o, orank, od, co);
        for (int i = 0; i < bdn; i++)
            cidx[i] = co[i];
        for (int i = bdn; i < irank; i++)
            cidx[i] = co[a + i - bdn];
        for (int i = 0; i < a; i++)
            ci[i] = co[i];
        ci[a] = idx[lt_ravel(irank, idims, cidx)];
        for (int i = a + 1; i < 4; i++)
            ci[i] = co[a + irank - bdn + i - a - 1];
        assert_true(got[o] == x[lt_ravel(4, dims, ci)]);
    }
    ot_free(&c);
    free(idx);
    free(idx32);
    free(x);
}

static void test_gather_axes(void **state)
{
    (void)state;
    for (int axis = -4; axis < 4; axis++)
        check_gather(axis, 0, OC_I32, 1);
    check_gather(2, 0, OC_I64, 2);
    check_gather(1, 1, OC_I32, 1);
    check_gather(2, 2, OC_I64, 1);
    check_gather(3, -1, OC_I32, 1);
}

static void test_gather_embedding(void **state)
{
    (void)state;
    /* text_classifier: [vocab, 16] table, [1, 256] token ids */
    const int32_t tdims[2] = {1000, 16}, idims[2] = {1, 256};
    float *table = lt_seq_f32(16000);
    int32_t ids[256];
    for (int i = 0; i < 256; i++)
        ids[i] = (i * 37) % 1000;
    ot_case c;
    ot_init(&c, &oc_op_GATHER);
    ot_input(&c, OC_F32, 2, tdims, table, true);
    ot_input(&c, OC_I32, 2, idims, ids, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_run(&c, 2), OC_OK);
    const int32_t want[3] = {1, 256, 16};
    lt_assert_shape(ot_out(&c, 0), 3, want);
    for (int i = 0; i < 256; i++)
        assert_memory_equal((float *)ot_out(&c, 0)->data + i * 16, table + ids[i] * 16, 64);
    ot_free(&c);
    free(table);
}

static void test_gather_out_of_range(void **state)
{
    (void)state;
    const int32_t dims[2] = {4, 3}, idims[1] = {3};
    float x[12] = {0};
    const int32_t bad[2][3] = {{0, 4, 1}, {-1, 0, 0}};
    for (int i = 0; i < 2; i++) {
        ot_case c;
        ot_init(&c, &oc_op_GATHER);
        ot_input(&c, OC_F32, 2, dims, x, false);
        ot_input(&c, OC_I32, 1, idims, bad[i], false);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_prepare(&c), OC_OK); /* shape is fine; the data is not */
        lt_assert_run_fails(&c);
        ot_free(&c);
    }
    /* bad axis / batch_dims / float indices */
    oc_gather_params pa = {.axis = 2}, pb = {.axis = 0, .batch_dims = 1};
    const oc_gather_params *ps[2] = {&pa, &pb};
    const int32_t ok[3] = {0, 1, 2};
    for (int i = 0; i < 2; i++) {
        ot_case c;
        ot_init(&c, &oc_op_GATHER);
        c.op.params = ps[i];
        ot_input(&c, OC_F32, 2, dims, x, false);
        ot_input(&c, OC_I32, 1, idims, ok, false);
        ot_output(&c, OC_F32);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    ot_case c;
    ot_init(&c, &oc_op_GATHER);
    ot_input(&c, OC_F32, 2, dims, x, false);
    ot_input(&c, OC_F32, 1, idims, x, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

static void test_gather_nd(void **state)
{
    (void)state;
    const int32_t dims[3] = {3, 4, 5};
    float *x = lt_seq_f32(60);
    for (int depth = 0; depth <= 3; depth++) {
        int32_t idims[3] = {2, 3, depth};
        int64_t n = 6 * depth;
        int64_t *idx = malloc((size_t)(n ? n : 1) * sizeof *idx);
        for (int64_t i = 0; i < n; i++)
            idx[i] = (i * 7 + 1) % dims[i % depth];
        ot_case c;
        ot_init(&c, &oc_op_GATHER_ND);
        ot_input(&c, OC_F32, 3, dims, x, false);
        ot_input(&c, OC_I64, 3, idims, idx, false);
        ot_output(&c, OC_F32);
        assert_int_equal(ot_run(&c, 1), OC_OK);
        int32_t od[5] = {2, 3};
        int orank = 2;
        for (int i = depth; i < 3; i++)
            od[orank++] = dims[i];
        lt_assert_shape(ot_out(&c, 0), orank, od);
        int64_t slice = lt_count(3 - depth, dims + depth);
        const float *got = ot_out(&c, 0)->data;
        for (int t = 0; t < 6; t++) {
            int64_t off = 0;
            for (int d = 0; d < 3; d++)
                off = off * dims[d] + (d < depth ? idx[t * depth + d] : 0);
            for (int64_t k = 0; k < slice; k++)
                assert_true(got[t * slice + k] == x[off + k]);
        }
        ot_free(&c);
        free(idx);
    }
    /* out of range, depth too large */
    const int32_t id2[2] = {1, 2}, bad[2] = {1, 4}, id4[2] = {1, 4};
    const int32_t four[4] = {0, 0, 0, 0};
    ot_case c;
    ot_init(&c, &oc_op_GATHER_ND);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_input(&c, OC_I32, 2, id2, bad, false);
    ot_output(&c, OC_F32);
    lt_assert_run_fails(&c);
    ot_free(&c);
    ot_init(&c, &oc_op_GATHER_ND);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_input(&c, OC_I32, 2, id4, four, false);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_axes),
        cmocka_unit_test(test_gather_embedding),
        cmocka_unit_test(test_gather_out_of_range),
        cmocka_unit_test(test_gather_nd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
