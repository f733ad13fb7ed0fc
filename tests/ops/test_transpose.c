/* TRANSPOSE against a naive index oracle: every rank 0..6, all element sizes, odd sizes, the
 * NHWC<->NCHW image case with 1 and 2 threads, dynamic perm, and rejection of bad perms. */
#include "layout_test.h"

/* out[o] = in[ravel(coord_in)] with coord_in[perm[i]] = coord_out[i]. */
static void oracle(const void *in, void *out, size_t es, int rank, const int32_t *dims,
                   const int *perm)
{
    int32_t od[8];
    for (int i = 0; i < rank; i++)
        od[i] = dims[perm[i]];
    int64_t n = lt_count(rank, dims), co[8], ci[8];
    for (int64_t o = 0; o < n; o++) {
        lt_unravel(o, rank, od, co);
        for (int i = 0; i < rank; i++)
            ci[perm[i]] = co[i];
        memcpy((char *)out + o * es, (const char *)in + lt_ravel(rank, dims, ci) * es, es);
    }
}

static void check(oc_dtype dt, int rank, const int32_t *dims, const int *perm, int nthreads)
{
    size_t es = oc_dtype_size(dt);
    int64_t n = lt_count(rank, dims);
    unsigned char *x = malloc((size_t)n * es + 1), *want = malloc((size_t)n * es + 1);
    for (int64_t i = 0; i < (int64_t)(n * (int64_t)es); i++)
        x[i] = (unsigned char)(i * 131 + i / 251);
    oracle(x, want, es, rank, dims, perm);
    ot_case c;
    ot_init(&c, &oc_op_TRANSPOSE);
    ot_input(&c, dt, rank, dims, x, false);
    int32_t p32[8], pd[1] = {rank};
    for (int i = 0; i < rank; i++)
        p32[i] = perm[i];
    ot_input(&c, OC_I32, 1, pd, p32, true);
    ot_output(&c, dt);
    assert_int_equal(ot_run(&c, nthreads), OC_OK);
    for (int i = 0; i < rank; i++)
        assert_int_equal(ot_out(&c, 0)->shape.dims[i], dims[perm[i]]);
    if (n) assert_memory_equal(ot_out(&c, 0)->data, want, (size_t)n * es);
    ot_free(&c);
    free(x);
    free(want);
}

/* Deterministic pseudo-random permutation of rank elements. */
static void make_perm(int rank, unsigned seed, int *perm)
{
    for (int i = 0; i < rank; i++)
        perm[i] = i;
    for (int i = rank - 1; i > 0; i--) {
        seed = seed * 1103515245u + 12345u;
        int j = (int)((seed >> 16) % (unsigned)(i + 1));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static void test_all_ranks_and_types(void **state)
{
    (void)state;
    const int32_t sizes[6] = {3, 1, 17, 2, 5, 4};
    const oc_dtype types[5] = {OC_F32, OC_U8, OC_I16, OC_I64, OC_BOOL};
    for (int rank = 0; rank <= 6; rank++) {
        for (unsigned s = 0; s < 6; s++) {
            int perm[8];
            make_perm(rank, s * 7 + (unsigned)rank, perm);
            for (int t = 0; t < 5; t++)
                check(types[t], rank, sizes, perm, 1);
        }
    }
}

static void test_image_layouts(void **state)
{
    (void)state;
    const int32_t nhwc[4] = {1, 224, 224, 3}, nchw[4] = {1, 3, 224, 224};
    const int to_nchw[4] = {0, 3, 1, 2}, to_nhwc[4] = {0, 2, 3, 1};
    for (int th = 1; th <= 2; th++) {
        check(OC_F32, 4, nhwc, to_nchw, th);
        check(OC_F32, 4, nchw, to_nhwc, th);
    }
    const int32_t odd[4] = {2, 33, 17, 65};
    check(OC_F32, 4, odd, to_nchw, 2);
    check(OC_I8, 4, odd, to_nhwc, 2);
    const int32_t mat[2] = {257, 129};
    const int swap[2] = {1, 0};
    check(OC_F32, 2, mat, swap, 2);
    check(OC_F16, 2, mat, swap, 1);
}

static void test_dynamic_and_rejects(void **state)
{
    (void)state;
    ot_case c;
    const int32_t dims[3] = {2, 3, 4}, pd[1] = {3};
    float *x = lt_seq_f32(24);
    const int32_t perm[3] = {2, 0, 1};
    ot_init(&c, &oc_op_TRANSPOSE);
    ot_input(&c, OC_F32, 3, dims, x, false);
    ot_input(&c, OC_I32, 1, pd, perm, false);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int32_t want[3] = {4, 2, 3};
    lt_assert_shape(ot_out(&c, 0), 3, want);
    ot_free(&c);

    const int32_t repeated[3] = {0, 0, 1}, range[3] = {0, 1, 3}, shortp[2] = {1, 0};
    const int32_t *bad[3] = {repeated, range, shortp};
    const int32_t lens[3] = {3, 3, 2};
    for (int i = 0; i < 3; i++) {
        ot_init(&c, &oc_op_TRANSPOSE);
        ot_input(&c, OC_F32, 3, dims, x, false);
        ot_input(&c, OC_I32, 1, &lens[i], bad[i], true);
        ot_output(&c, OC_F32);
        lt_assert_rejected(&c);
        ot_free(&c);
    }
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_ranks_and_types),
        cmocka_unit_test(test_image_layouts),
        cmocka_unit_test(test_dynamic_and_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
