/* DENSIFY: CSR and block-sparse layouts (row- and column-major traversal, uint8 / uint16 /
 * int32 index vectors, float32 and float16 values) against hand-made dense tensors, and
 * malformed metadata that must fail cleanly instead of writing out of bounds. */
#include "layout_test.h"

static oc_sparse_index idx_u8(const uint8_t *v, int n)
{
    return (oc_sparse_index){OC_U8, n, v};
}
static oc_sparse_index idx_u16(const uint16_t *v, int n)
{
    return (oc_sparse_index){OC_I16, n, v};
}
static oc_sparse_index idx_i32(const int32_t *v, int n)
{
    return (oc_sparse_index){OC_I32, n, v};
}
static oc_sparse_dim dense(int size)
{
    return (oc_sparse_dim){OC_SPARSE_DENSE, size, {0}, {0}};
}
static oc_sparse_dim csr(oc_sparse_index seg, oc_sparse_index idx)
{
    return (oc_sparse_dim){OC_SPARSE_CSR, 0, seg, idx};
}

/* Sets up DENSIFY on a sparse input with `nvals` stored values (values holds >= dense count). */
static void setup(ot_case *c, oc_dtype dt, int rank, const int32_t *dims, const void *values,
                  int nvals, const oc_sparsity *sp)
{
    ot_init(c, &oc_op_DENSIFY);
    int i = ot_input(c, dt, rank, dims, values, true);
    c->tensors[i].sparsity = sp;
    c->tensors[i].bytes = (size_t)nvals * oc_dtype_size(dt);
    ot_output(c, dt);
}

static void test_csr_row_major(void **state)
{
    (void)state;
    int32_t order[2] = {0, 1};
    const uint8_t seg[4] = {0, 2, 2, 3}, ind[3] = {0, 3, 1};
    oc_sparse_dim dims_md[2] = {dense(3), csr(idx_u8(seg, 4), idx_u8(ind, 3))};
    oc_sparsity sp = {2, 0, 2, order, NULL, dims_md};
    float values[12] = {1, 2, 3};
    const int32_t d[2] = {3, 4};
    ot_case c;
    setup(&c, OC_F32, 2, d, values, 3, &sp);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[12] = {1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0};
    lt_assert_shape(ot_out(&c, 0), 2, d);
    lt_assert_f32(ot_out(&c, 0), want, 12);
    ot_free(&c);
}

static void test_csr_column_major(void **state)
{
    (void)state;
    int32_t order[2] = {1, 0};
    const int32_t seg[4] = {0, 1, 1, 3}, ind[3] = {1, 0, 1};
    oc_sparse_dim md[2] = {dense(3), csr(idx_i32(seg, 4), idx_i32(ind, 3))};
    oc_sparsity sp = {2, 0, 2, order, NULL, md};
    float values[6] = {1, 2, 3};
    const int32_t d[2] = {2, 3};
    ot_case c;
    setup(&c, OC_F32, 2, d, values, 3, &sp);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[6] = {0, 0, 2, 1, 0, 3};
    lt_assert_f32(ot_out(&c, 0), want, 6);
    ot_free(&c);
}

static void test_block_sparse(void **state)
{
    (void)state;
    /* 4x4 in 2x2 blocks: blocks (0,0), (0,1), (1,1) present */
    int32_t order[4] = {0, 1, 2, 3}, bmap[2] = {0, 1};
    const uint8_t seg[3] = {0, 2, 3}, ind[3] = {0, 1, 1};
    oc_sparse_dim md[4] = {dense(2), csr(idx_u8(seg, 3), idx_u8(ind, 3)), dense(2), dense(2)};
    oc_sparsity sp = {4, 2, 4, order, bmap, md};
    float values[16];
    for (int i = 0; i < 12; i++)
        values[i] = (float)(i + 1);
    const int32_t d[2] = {4, 4};
    ot_case c;
    setup(&c, OC_F32, 2, d, values, 12, &sp);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float want[16] = {1, 2, 5, 6, 3, 4, 7, 8, 0, 0, 9, 10, 0, 0, 11, 12};
    lt_assert_f32(ot_out(&c, 0), want, 16);
    ot_free(&c);
}

static void test_face_detection_layout(void **state)
{
    (void)state;
    /* OHWI conv weights, dims 0-2 dense, input channels CSR with uint16 vectors, float16 */
    int32_t order[4] = {0, 1, 2, 3};
    const uint16_t seg[3] = {0, 2, 3}, ind[3] = {1, 4, 0};
    oc_sparse_dim md[4] = {dense(2), dense(1), dense(1), csr(idx_u16(seg, 3), idx_u16(ind, 3))};
    oc_sparsity sp = {4, 0, 4, order, NULL, md};
    uint16_t values[10] = {0x3c00, 0x4000, 0xc200};
    const int32_t d[4] = {2, 1, 1, 5};
    ot_case c;
    setup(&c, OC_F16, 4, d, values, 3, &sp);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const uint16_t want[10] = {0, 0x3c00, 0, 0, 0x4000, 0xc200, 0, 0, 0, 0};
    assert_memory_equal(ot_out(&c, 0)->data, want, sizeof want);
    ot_free(&c);
}

static void test_malformed(void **state)
{
    (void)state;
    int32_t order[2] = {0, 1};
    float values[12] = {1, 2, 3};
    const int32_t d[2] = {3, 4};
    ot_case c;
    /* index 4 in a dim of 4: eval error, nothing written past the end */
    const uint8_t seg[4] = {0, 2, 2, 3}, bad_ind[3] = {0, 4, 1};
    oc_sparse_dim md1[2] = {dense(3), csr(idx_u8(seg, 4), idx_u8(bad_ind, 3))};
    oc_sparsity sp1 = {2, 0, 2, order, NULL, md1};
    setup(&c, OC_F32, 2, d, values, 3, &sp1);
    assert_int_equal(ot_prepare(&c), OC_OK);
    lt_assert_run_fails(&c);
    ot_free(&c);
    /* too few segments for 3 rows */
    const uint8_t ind[3] = {0, 3, 1};
    oc_sparse_dim md2[2] = {dense(3), csr(idx_u8(seg, 3), idx_u8(ind, 3))};
    oc_sparsity sp2 = {2, 0, 2, order, NULL, md2};
    setup(&c, OC_F32, 2, d, values, 3, &sp2);
    lt_assert_run_fails(&c);
    ot_free(&c);
    /* decreasing segments / segment past the indices */
    const uint8_t dec[4] = {0, 2, 1, 3}, past[4] = {0, 2, 2, 9};
    const uint8_t *segs[2] = {dec, past};
    for (int i = 0; i < 2; i++) {
        oc_sparse_dim md[2] = {dense(3), csr(idx_u8(segs[i], 4), idx_u8(ind, 3))};
        oc_sparsity sp = {2, 0, 2, order, NULL, md};
        setup(&c, OC_F32, 2, d, values, 3, &sp);
        lt_assert_run_fails(&c);
        ot_free(&c);
    }
    /* metadata addresses more values than stored */
    oc_sparse_dim md3[2] = {dense(3), csr(idx_u8(seg, 4), idx_u8(ind, 3))};
    oc_sparsity sp3 = {2, 0, 2, order, NULL, md3};
    setup(&c, OC_F32, 2, d, values, 2, &sp3);
    lt_assert_run_fails(&c);
    ot_free(&c);
    /* dense size larger than the dim */
    oc_sparse_dim md4[2] = {dense(4), dense(4)};
    oc_sparsity sp4 = {2, 0, 2, order, NULL, md4};
    setup(&c, OC_F32, 2, d, values, 12, &sp4);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* traversal order not a permutation */
    int32_t bad_order[2] = {0, 0};
    oc_sparse_dim md5[2] = {dense(3), dense(4)};
    oc_sparsity sp5 = {2, 0, 2, bad_order, NULL, md5};
    setup(&c, OC_F32, 2, d, values, 12, &sp5);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* block size 3 does not divide 4 */
    int32_t order3[3] = {0, 1, 2}, bmap[1] = {1};
    oc_sparse_dim md6[3] = {dense(3), dense(1), dense(3)};
    oc_sparsity sp6 = {3, 1, 3, order3, bmap, md6};
    setup(&c, OC_F32, 2, d, values, 12, &sp6);
    lt_assert_rejected(&c);
    ot_free(&c);
    /* not sparse at all */
    ot_init(&c, &oc_op_DENSIFY);
    ot_input(&c, OC_F32, 2, d, values, true);
    ot_output(&c, OC_F32);
    lt_assert_rejected(&c);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csr_row_major), cmocka_unit_test(test_csr_column_major),
        cmocka_unit_test(test_block_sparse),  cmocka_unit_test(test_face_detection_layout),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
