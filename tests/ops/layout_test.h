/* Small helpers for the data-movement op tests: index arithmetic for naive oracles, filled
 * buffers, exact comparisons, and a runner for one-input/one-output cases. */
#ifndef OC_TESTS_LAYOUT_TEST_H
#define OC_TESTS_LAYOUT_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

/* Row-major coordinates of flat index idx in dims[rank]. */
static inline void lt_unravel(int64_t idx, int rank, const int32_t *dims, int64_t *coord)
{
    for (int k = rank - 1; k >= 0; k--) {
        coord[k] = dims[k] ? idx % dims[k] : 0;
        idx = dims[k] ? idx / dims[k] : 0;
    }
}

static inline int64_t lt_ravel(int rank, const int32_t *dims, const int64_t *coord)
{
    int64_t idx = 0;
    for (int k = 0; k < rank; k++)
        idx = idx * dims[k] + coord[k];
    return idx;
}

static inline int64_t lt_count(int rank, const int32_t *dims)
{
    int64_t n = 1;
    for (int k = 0; k < rank; k++)
        n *= dims[k];
    return n;
}

/* n floats with distinct values (exactly representable). */
static inline float *lt_seq_f32(int64_t n)
{
    float *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)(i % 4093) * 0.25f - (float)(i / 4093);
    return x;
}

static inline int32_t *lt_seq_i32(int64_t n)
{
    int32_t *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    for (int64_t i = 0; i < n; i++)
        x[i] = (int32_t)(i * 7 + 1);
    return x;
}

/* Asserts the output shape equals dims[rank]. */
static inline void lt_assert_shape(const oc_tensor *t, int rank, const int32_t *dims)
{
    assert_int_equal(t->shape.rank, rank);
    for (int k = 0; k < rank; k++)
        assert_int_equal(t->shape.dims[k], dims[k]);
}

static inline void lt_assert_f32(const oc_tensor *t, const float *want, int64_t n)
{
    assert_int_equal(oc_tensor_count(t), n);
    const float *got = t->data;
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], 4) != 0)
            fail_msg("element %lld: got %.9g want %.9g", (long long)i, got[i], want[i]);
}

static inline void lt_assert_i32(const oc_tensor *t, const int32_t *want, int64_t n)
{
    assert_int_equal(oc_tensor_count(t), n);
    const int32_t *got = t->data;
    for (int64_t i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("element %lld: got %d want %d", (long long)i, got[i], want[i]);
}

/* Asserts prepare fails with OC_ERROR and a message. */
static inline void lt_assert_rejected(ot_case *c)
{
    c->err.msg[0] = 0;
    assert_int_equal(ot_prepare(c), OC_ERROR);
    assert_true(strlen(c->err.msg) > 0);
}

/* Asserts run (prepare at run time + eval) fails with OC_ERROR and a message. */
static inline void lt_assert_run_fails(ot_case *c)
{
    c->err.msg[0] = 0;
    assert_int_equal(ot_run(c, 1), OC_ERROR);
    assert_true(strlen(c->err.msg) > 0);
}

#endif
