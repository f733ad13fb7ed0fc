/* Parsed options of the reduction, normalization, softmax, resize, arg/top-k, LSTM and SVDF ops.
 * Filled by each op's parse from its builtin options table (schema defaults when absent);
 * tests set them directly. */
#ifndef OC_OPS_MISC_PARAMS_H
#define OC_OPS_MISC_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/tensor.h"

/* MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN (ReducerOptions). */
typedef struct oc_reduce_params {
    bool keep_dims;
} oc_reduce_params;

/* SOFTMAX (SoftmaxOptions). LOG_SOFTMAX has no options. */
typedef struct oc_softmax_params {
    float beta;
} oc_softmax_params;

/* L2_NORMALIZATION (L2NormOptions). */
typedef struct oc_l2norm_params {
    int32_t activation;
} oc_l2norm_params;

/* ARG_MAX / ARG_MIN (ArgMaxOptions / ArgMinOptions). has_output_type is false when the
 * options do not name a type; the output tensor's dtype then decides. */
typedef struct oc_arg_params {
    bool has_output_type;
    oc_dtype output_type;
} oc_arg_params;

/* RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR. */
typedef struct oc_resize_params {
    bool align_corners;
    bool half_pixel_centers;
} oc_resize_params;

/* INSTANCE_NORM (circle InstanceNormOptions); epsilon already defaulted (0 -> 1e-5). */
typedef struct oc_instance_norm_params {
    float epsilon;
    int32_t activation;
} oc_instance_norm_params;

/* UNIDIRECTIONAL_SEQUENCE_LSTM (UnidirectionalSequenceLSTMOptions). */
typedef struct oc_lstm_params {
    int32_t activation; /* cell and output activation: NONE, RELU, RELU_N1_TO_1, RELU6, TANH */
    float cell_clip;    /* 0 = no clipping */
    float proj_clip;
    bool time_major;
    bool asymmetric_quantize_inputs;
    bool diagonal_recurrent_tensors;
} oc_lstm_params;

/* SVDF (SVDFOptions). */
typedef struct oc_svdf_params {
    int32_t rank;
    int32_t activation;
    bool asymmetric_quantize_inputs;
} oc_svdf_params;

#endif
