/* Parsed options of the convolution-family ops (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
 * Convolution2DTransposeBias, FULLY_CONNECTED, BATCH_MATMUL, BatchMatMulV2, AVERAGE_POOL_2D,
 * MAX_POOL_2D). Filled by each op's parse (schema defaults when the options are absent);
 * tests set them directly. padding is OC_PAD_SAME / OC_PAD_VALID, activation an OC_ACT_*. */
#ifndef OC_OPS_CONV_PARAMS_H
#define OC_OPS_CONV_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

/* Conv2DOptions. */
typedef struct oc_conv2d_params {
    int32_t padding, stride_w, stride_h, activation, dilation_w, dilation_h;
} oc_conv2d_params;

/* DepthwiseConv2DOptions. depth_multiplier is informational: the kernel derives it from the
 * shapes (output channels / input channels), as converters do not always fill it. */
typedef struct oc_dwconv2d_params {
    int32_t padding, stride_w, stride_h, depth_multiplier, activation, dilation_w, dilation_h;
} oc_dwconv2d_params;

/* Pool2DOptions. */
typedef struct oc_pool2d_params {
    int32_t padding, stride_w, stride_h, filter_w, filter_h, activation;
} oc_pool2d_params;

/* FullyConnectedOptions. Only weights_format DEFAULT (0) is supported. */
typedef struct oc_fc_params {
    int32_t activation, weights_format;
    bool keep_num_dims;
} oc_fc_params;

/* BatchMatMulOptions (adj_x/adj_y; circle: adjoint_lhs/adjoint_rhs) and the flexbuffer map
 * of the custom BatchMatMulV2. */
typedef struct oc_bmm_params {
    bool adj_x, adj_y;
} oc_bmm_params;

/* TransposeConvOptions, and the 12-byte custom options of MediaPipe's
 * Convolution2DTransposeBias (padding mapped to OC_PAD_*, activation NONE). */
typedef struct oc_tconv_params {
    int32_t padding, stride_w, stride_h, activation;
} oc_tconv_params;

#endif
