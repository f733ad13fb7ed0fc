/* Quantized SOFTMAX kernels (softmax_quant.c), used by softmax.c's SOFTMAX for uint8 / int8 /
 * int16 inputs. */
#ifndef OC_OPS_SOFTMAX_QUANT_H
#define OC_OPS_SOFTMAX_QUANT_H

#include "ops/op.h"

/* Precomputed tables of one quantized SOFTMAX (op->state). */
typedef struct oc_softmax_q {
    oc_dtype in, out;
    /* uint8/int8 input: exp(-beta * s_in * d) for d = 255 - i, TFLite's float lookup table */
    float table[256];
    float out_scale;
    int32_t out_zp;
    /* int16 input: exp on [-10, 0] and 1 / (1 + x) on [0, 1], 513-entry Q0.15 tables */
    int16_t exp_lut[513], recip_lut[513];
    int32_t in_mult;
    int in_shift;
} oc_softmax_q;

/* Checks the input/output types and quantization and fills s. */
oc_status oc_softmax_q_prepare(oc_ctx *ctx, const oc_op *op, const oc_tensor *in,
                               const oc_tensor *out, float beta, oc_softmax_q *s);
/* Softmax over the last axis of in into out (rows split over the pool when large). */
void oc_softmax_q_eval(const oc_softmax_q *s, const oc_tensor *in, oc_tensor *out,
                       oc_threadpool *pool);

#endif
