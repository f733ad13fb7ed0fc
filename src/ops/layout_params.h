/* Typed options of the shape and data-movement operators (filled by their parse functions from
 * the builtin options tables; tests set them directly). An op whose params pointer is NULL
 * uses the schema defaults. */
#ifndef OC_OPS_LAYOUT_PARAMS_H
#define OC_OPS_LAYOUT_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/tensor.h"

/* RESHAPE: ReshapeOptions.new_shape, used when there is no usable shape input. */
typedef struct oc_reshape_params {
    int32_t ndims; /* 0 (or absent) = scalar */
    int32_t dims[OC_MAX_RANK];
} oc_reshape_params;

/* SQUEEZE: SqueezeOptions.squeeze_dims (negative allowed); none = every size-1 dim. */
typedef struct oc_squeeze_params {
    int32_t naxes;
    int32_t axes[OC_MAX_RANK];
} oc_squeeze_params;

/* CONCATENATION: ConcatenationOptions. */
typedef struct oc_concat_params {
    int32_t axis;
    int32_t activation; /* OC_ACT_* */
} oc_concat_params;

/* SPLIT / SPLIT_V: num_splits (0 = take the number of outputs). */
typedef struct oc_split_params {
    int32_t num_splits;
} oc_split_params;

/* PACK (values_count, axis) and UNPACK (num, axis); count 0 = from the graph. */
typedef struct oc_pack_params {
    int32_t count;
    int32_t axis;
} oc_pack_params;

/* STRIDED_SLICE: StridedSliceOptions. */
typedef struct oc_strided_slice_params {
    int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
    bool offset; /* end is relative to begin */
} oc_strided_slice_params;

/* GATHER: GatherOptions. */
typedef struct oc_gather_params {
    int32_t axis;
    int32_t batch_dims;
} oc_gather_params;

/* MIRROR_PAD: MirrorPadOptions.mode. */
enum { OC_MIRROR_REFLECT = 0, OC_MIRROR_SYMMETRIC = 1 };
typedef struct oc_mirror_pad_params {
    int32_t mode;
} oc_mirror_pad_params;

/* SPACE_TO_DEPTH / DEPTH_TO_SPACE: block_size. */
typedef struct oc_block_params {
    int32_t block_size;
} oc_block_params;

/* SHAPE: ShapeOptions.out_type (only checked against the output dtype when present). */
typedef struct oc_shape_params {
    bool has_out_type;
    int32_t out_type; /* oc_dtype */
} oc_shape_params;

#endif
