/* Small helpers shared by the convolution-family ops (conv2d.c, depthwise_conv2d.c,
 * fully_connected.c, batch_matmul.c, transpose_conv.c, pool2d.c). */
#ifndef OC_OPS_CONV_UTIL_H
#define OC_OPS_CONV_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "core/mem.h"
#include "kernels/isa.h"
#include "ops/op.h"

/* The kernel path for this context (tests hand a masked ctx->cpu to force one). */
static inline oc_isa oc_conv_isa(const oc_ctx *ctx)
{
    return oc_isa_best(ctx->cpu);
}

/* Grows *buf (64-byte aligned floats) to hold n floats; contents are not kept. */
static inline oc_status oc_conv_buf(oc_ctx *ctx, float **buf, size_t *cap, size_t n)
{
    if (n <= *cap && *buf) return OC_OK;
    size_t bytes;
    if (!oc_mul_size(n ? n : 1, sizeof(float), &bytes)) return OC_ERRF(ctx->err, "too large");
    float *p = oc_aligned_alloc(bytes);
    if (!p) return OC_NOMEMF(ctx->err);
    oc_aligned_free(*buf);
    *buf = p;
    *cap = n;
    return OC_OK;
}

/* Grows *buf (64-byte aligned) to hold n bytes; contents are not kept. */
static inline oc_status oc_conv_bytes(oc_ctx *ctx, uint8_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap && *buf) return OC_OK;
    uint8_t *p = oc_aligned_alloc(n ? n : 1);
    if (!p) return OC_NOMEMF(ctx->err);
    oc_aligned_free(*buf);
    *buf = p;
    *cap = n;
    return OC_OK;
}

/* Checks that t is float32 with the given rank (rank < 0: any). */
static inline oc_status oc_conv_check_f32(oc_ctx *ctx, const oc_op *op, const oc_tensor *t,
                                          const char *what, int rank)
{
    if (t->dtype != OC_F32)
        return oc_op_fail(ctx, op, "%s has type %s; only FLOAT32 is supported", what,
                          oc_dtype_name(t->dtype));
    if (rank >= 0 && t->shape.rank != rank)
        return oc_op_fail(ctx, op, "%s must have rank %d, has %d", what, rank, t->shape.rank);
    return OC_OK;
}

/* What CONV_2D and DEPTHWISE_CONV_2D check alike: rank-4 input and filter (float32 unless
 * quantized), a known padding, positive strides and dilations. */
static inline oc_status oc_conv_check_common(oc_ctx *ctx, const oc_op *op, const oc_tensor *in,
                                             const oc_tensor *w, const oc_tensor *out,
                                             bool quant, int padding, int32_t stride_w,
                                             int32_t stride_h, int32_t dilation_w,
                                             int32_t dilation_h)
{
    if (quant) {
        if (in->shape.rank != 4 || w->shape.rank != 4)
            return oc_op_fail(ctx, op, "input and filter must have rank 4");
    } else {
        OC_TRY(oc_conv_check_f32(ctx, op, in, "input", 4));
        OC_TRY(oc_conv_check_f32(ctx, op, w, "filter", 4));
        OC_TRY(oc_conv_check_f32(ctx, op, out, "output", -1));
    }
    if (padding != OC_PAD_SAME && padding != OC_PAD_VALID)
        return oc_op_fail(ctx, op, "unknown padding %d", padding);
    if (stride_w <= 0 || stride_h <= 0 || dilation_w <= 0 || dilation_h <= 0)
        return oc_op_fail(ctx, op, "strides and dilations must be positive");
    return OC_OK;
}

/* Optional bias: absent, or float32 [n]. */
static inline oc_status oc_conv_check_bias(oc_ctx *ctx, const oc_op *op, const oc_tensor *b,
                                           int32_t n)
{
    if (!b) return OC_OK;
    OC_TRY(oc_conv_check_f32(ctx, op, b, "bias", -1));
    if (oc_tensor_count(b) != n)
        return oc_op_fail(ctx, op, "bias has %lld elements, expected %d",
                          (long long)oc_tensor_count(b), n);
    return OC_OK;
}

#endif
