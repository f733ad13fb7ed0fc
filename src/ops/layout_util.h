/* Helpers shared by the shape and data-movement operators: reading small integer parameter
 * tensors (begin, perm, paddings...), axis normalization, element fills, and an n-d strided
 * copy engine (oc_view) that turns TRANSPOSE, SLICE, STRIDED_SLICE, REVERSE_V2, BROADCAST_TO and
 * the depth/space shuffles into memcpy-bound loops. */
#ifndef OC_OPS_LAYOUT_UTIL_H
#define OC_OPS_LAYOUT_UTIL_H

#include <stdint.h>

#include "ops/op.h"

/* True for dtypes whose elements can be moved as raw bytes (every fixed-size dtype). */
bool oc_lu_copyable(oc_dtype t);

/* Fails unless out has the dtype of in and that dtype can be copied bytewise. */
oc_status oc_lu_check_same(oc_ctx *ctx, const oc_op *op, const oc_tensor *in, const oc_tensor *out);

/* Fails unless t is int32 or int64; `what` names the input in the message. */
oc_status oc_lu_check_int(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what);

/* Element i of an int32/int64 tensor (unaligned-safe). */
int64_t oc_lu_int_at(const oc_tensor *t, int64_t i);

/* Reads an int32/int64 tensor of rank <= 1 with exactly `want` elements (want < 0: any count
 * up to max) into out[]; *n receives the count. The caller checked oc_has_data. */
oc_status oc_lu_read_ints(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what,
                          int want, int max, int64_t *out, int *n);

/* Reads a [rank, 2] int32/int64 pads tensor (non-negative values) into pads[2 * rank]. */
oc_status oc_lu_read_pads(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what,
                          int rank, int64_t *pads);

/* Normalizes axis (negative counts from the end) into [0, rank). */
oc_status oc_lu_axis(oc_ctx *ctx, const oc_op *op, int64_t axis, int rank, int *out);

/* Row-major element strides of s. */
void oc_lu_strides(const oc_shape *s, int64_t *strides);

/* Writes the element `value` (esize bytes) n times at dst. */
void oc_lu_fill(void *dst, const void *value, size_t esize, size_t n);

/* The element that means "zero" for t: 0, or the zero point of a quantized integer tensor. */
void oc_lu_zero_value(const oc_tensor *t, unsigned char value[8]);

/* An n-d gather: the output is dense with dims[]; output element (i0, ..., ir-1) is input
 * element base + sum(ik * stride[k]) (element units; strides may be 0 or negative). */
typedef struct oc_view {
    int rank;
    int64_t dims[OC_MAX_RANK];
    int64_t stride[OC_MAX_RANK];
    int64_t base;
} oc_view;

/* Copies the view of in into out (dense, oc_view dims). Borrowed buffers must not overlap.
 * The result does not depend on the pool size. */
void oc_view_copy(oc_threadpool *pool, void *out, const void *in, size_t esize, const oc_view *v);

#endif
