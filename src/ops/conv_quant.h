/* Quantized parameters of the convolution-family ops (CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, TRANSPOSE_CONV, BATCH_MATMUL): dtype and quantization checks and TFLite's
 * output multipliers, computed once at prepare into an oc_qreq (kernels/qref.h).
 *
 * Supported: uint8 activations with uint8 per-tensor weights (any zero points); int8
 * activations with int8 weights, per-tensor or per-channel (symmetric except FC's per-tensor
 * weights, whose zero point TFLite honours); int16 activations (zero point 0) with int8
 * symmetric weights and int32 or int64 bias (16x8). Bias is int32 (int64 only for 16x8).
 *
 * Multipliers follow TFLite exactly, including where it rounds through float:
 *   - conv / depthwise / transposed conv (PopulateConvolutionQuantizationParams):
 *     in_scale * w_scale[c] / out_scale in double, except uint8, whose per-tensor multiplier
 *     comes from GetQuantizedConvolutionMultipler: the product in float, the division in double;
 *   - fully connected: per-tensor weights as GetQuantizedConvolutionMultipler (float product),
 *     per-channel weights in double; batch matmul: float product.
 *
 * Requantization rule. TFLite runs 8-bit CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
 * through its XNNPACK delegate by default, and the real models' reference outputs
 * (../shared/models/ref, tfjs-tflite and LiteRT.js) match XNNPACK's arithmetic, not the
 * reference kernels': mobilenet_v1 uint8 and ssd_mobilenet_v3 int8 are bit-exact only with
 * it (1-LSB differences otherwise, in a few % of conv/depthwise outputs). So those ops, when
 * the delegate would take them (uint8/int8, constant weights and bias, int8 weights
 * symmetric, every scale in XNNPACK's range [2^-32, 256)), use OC_QREQ_FP32:
 *     scale[c] = in_scale * w_scale[c] / out_scale            (float, in that order)
 *     y = lrintf(clamp((float)acc * scale[c], lo - zp, hi - zp)) + zp
 * with the clamp from a fused activation computed as XNNPACK does,
 * lrintf(clamp(bound / out_scale + zp, type range)). Everything else (int16, transposed
 * conv, batch matmul, non-constant weights) uses TFLite's reference arithmetic. */
#ifndef OC_OPS_CONV_QUANT_H
#define OC_OPS_CONV_QUANT_H

#include "kernels/qconv.h"
#include "kernels/qref.h"
#include "ops/op.h"

typedef enum oc_qconv_rule {
    OC_QRULE_CONV, /* CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV */
    OC_QRULE_FC,   /* FULLY_CONNECTED */
    OC_QRULE_BMM,  /* BATCH_MATMUL: both operands activations of the same type, no bias */
} oc_qconv_rule;

/* Flags of oc_qconv_init. */
#define OC_QCONV_XNN 0x1u /* an op XNNPACK's delegate runs (conv, depthwise, fully connected) */

typedef struct oc_qconv {
    oc_qreq req;   /* mult/shift/fscale point at the arrays below */
    int32_t *mult; /* nch entries each (malloc'd) */
    int32_t *shift;
    float *fscale;
    int32_t nch;
    float in_scale, w_scale0, out_scale;
} oc_qconv;

/* True for the activation types of the quantized paths (uint8, int8, int16). */
static inline bool oc_qconv_type(oc_dtype t)
{
    return t == OC_U8 || t == OC_I8 || t == OC_I16;
}

/* Checks in, w (nch output channels; per-channel scales along w_axis), the optional bias and
 * out, and fills q (any previous arrays are freed first). act: fused activation OC_ACT_*. */
oc_status oc_qconv_init(oc_ctx *ctx, const oc_op *op, oc_qconv_rule rule, unsigned flags,
                        const oc_tensor *in, const oc_tensor *w, const oc_tensor *bias,
                        const oc_tensor *out, int act, int32_t nch, int32_t w_axis, oc_qconv *q);
void oc_qconv_free(oc_qconv *q);

/* The 8-bit kernels' view of q (bias left NULL: set before packing). */
void oc_qconv_q_init(oc_qconv_q *qq, const oc_qconv *q);

/* Tests: force the requantization rule of every op prepared afterwards that supports both
 * (-1: automatic, OC_QREQ_FIXED, OC_QREQ_FP32). */
void oc_qconv_force_mode(int mode);

#endif
