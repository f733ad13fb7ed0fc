/* Element types, shapes, quantization parameters and tensors: the vocabulary of the graph IR. */
#ifndef OC_CORE_TENSOR_H
#define OC_CORE_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Element types. Values equal the TFLite/circle TensorType codes so the reader maps 1:1. */
typedef enum oc_dtype {
    OC_F32 = 0,
    OC_F16 = 1,
    OC_I32 = 2,
    OC_U8 = 3,
    OC_I64 = 4,
    OC_STRING = 5,
    OC_BOOL = 6,
    OC_I16 = 7,
    OC_COMPLEX64 = 8,
    OC_I8 = 9,
    OC_F64 = 10,
    OC_DTYPE_COUNT = 18, /* codes 11..17 exist in the schema but are not supported */
} oc_dtype;

/* Byte size of one element; 0 for types we cannot hold (string, complex, unknown). */
size_t oc_dtype_size(oc_dtype t);
const char *oc_dtype_name(oc_dtype t);

/* Internal rank limit. The public API reports at most NNFW_MAX_RANK (6). */
#define OC_MAX_RANK 8

typedef struct oc_shape {
    int32_t rank;
    int32_t dims[OC_MAX_RANK];
} oc_shape;

/* Number of elements (1 for a scalar). Dimensions are non-negative once prepared. */
int64_t oc_shape_count(const oc_shape *s);
bool oc_shape_equal(const oc_shape *a, const oc_shape *b);
/* Product of dims [from, to). */
int64_t oc_shape_span(const oc_shape *s, int from, int to);
/* Formats "[1,224,224,3]" into buf; returns buf. */
char *oc_shape_str(const oc_shape *s, char *buf, size_t n);

/* Affine quantization: real = scale[c] * (q - zero_point[c]); count == 0 means not quantized;
 * count > 1 means per-channel along `axis`. Arrays are owned by the graph. */
typedef struct oc_qparams {
    int32_t count;
    int32_t axis;
    float *scale;
    int64_t *zero_point;
} oc_qparams;

/* Sparse constant (TFLite SparsityParameters), read by DENSIFY. Arrays owned by the graph. */
typedef enum oc_sparse_dim_format { OC_SPARSE_DENSE = 0, OC_SPARSE_CSR = 1 } oc_sparse_dim_format;

typedef struct oc_sparse_index {
    oc_dtype dtype; /* OC_I32, OC_U8 or OC_I16 (read as uint16) */
    int32_t count;
    const void *data; /* points into the model (little-endian, verified in bounds) */
} oc_sparse_index;

typedef struct oc_sparse_dim {
    oc_sparse_dim_format format;
    int32_t dense_size;
    oc_sparse_index segments, indices; /* CSR only */
} oc_sparse_dim;

typedef struct oc_sparsity {
    int32_t traversal_order_count, block_map_count, dim_count;
    int32_t *traversal_order;
    int32_t *block_map;
    oc_sparse_dim *dims;
} oc_sparsity;

/* Where a tensor's bytes live. */
typedef enum oc_storage {
    OC_STORE_NONE = 0,   /* no data yet (planned but not allocated) */
    OC_STORE_CONST,      /* model weights in place (mmap / caller buffer), read-only */
    OC_STORE_ARENA,      /* activation, at a planned offset in the subgraph arena */
    OC_STORE_DYNAMIC,    /* shape known only at run: own heap buffer, grown on demand */
    OC_STORE_PERSISTENT, /* own heap buffer for the session's life: variables, folded constants */
} oc_storage;

typedef struct oc_tensor {
    void *data;
    size_t bytes;    /* valid bytes = element count * element size */
    size_t capacity; /* allocated bytes for DYNAMIC/PERSISTENT storage */
    oc_shape shape;  /* current shape (dims >= 0); -1 dims of the signature read as 1 */
    oc_shape signature; /* shape_signature from the model (rank 0 with has_signature false if absent) */
    bool has_signature;
    oc_dtype dtype;
    oc_storage storage;
    bool is_variable; /* state kept across runs (LSTM); persistent storage */
    bool is_dynamic;  /* shape decided at run time */
    bool is_const;    /* model constant or folded at prepare */
    const char *name;
    oc_qparams q;
    const oc_sparsity *sparsity; /* non-NULL for sparse constants */
    size_t arena_offset;         /* OC_STORE_ARENA */
} oc_tensor;

static inline int64_t oc_tensor_count(const oc_tensor *t)
{
    return oc_shape_count(&t->shape);
}

/* IEEE half <-> float. */
float oc_f16_to_f32(uint16_t h);
uint16_t oc_f32_to_f16(float f);

#endif
