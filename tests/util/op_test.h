/* Runs one operator on hand-made tensors, without a model file: the op tests' harness.
 * Params are set directly (c.op.params = &my_params), bypassing the options parser. */
#ifndef OC_TESTS_OP_TEST_H
#define OC_TESTS_OP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ops/op.h"

#define OT_MAX_TENSORS 32

typedef struct ot_case {
    oc_graph graph;
    oc_subgraph sg;
    oc_tensor tensors[OT_MAX_TENSORS];
    int32_t inputs[OT_MAX_TENSORS], outputs[OT_MAX_TENSORS];
    oc_op op;
    oc_err err;
    oc_ctx ctx;
    oc_threadpool *pool;
} ot_case;

/* def: the op under test, e.g. &oc_op_ADD. */
void ot_init(ot_case *c, const oc_op_def *def);
/* Adds an input with the given dtype/shape; data (copied) may be NULL for an absent optional
 * input (then the input index is -1). is_const marks it a model constant. Returns its index. */
int ot_input(ot_case *c, oc_dtype dt, int rank, const int32_t *dims, const void *data,
             bool is_const);
/* Adds an output of dtype dt (shape comes from prepare). */
int ot_output(ot_case *c, oc_dtype dt);
/* Prepare (at_run), allocate outputs, eval. nthreads 1 = no pool. */
oc_status ot_run(ot_case *c, int nthreads);
/* Just prepare (at_run = false), to test shape inference and rejection. */
oc_status ot_prepare(ot_case *c);
oc_tensor *ot_out(ot_case *c, int i);
void ot_free(ot_case *c);

/* Float comparison with the project-wide tolerance: |a-b| <= tol * max(1, |b|). */
void ot_assert_near_f32(const float *got, const float *want, size_t n, float tol);

#endif
