/* Builds .circle / .tflite models programmatically: the demo model generator, tests (valid and
 * deliberately malformed models) and the quantizer's writer use it.
 *
 * Calls return an index (>= 0) or -1; the first error is remembered and reported by
 * oc_mb_finish, so a sequence of calls needs no checks in between. The builder checks only what
 * it needs itself (subgraph/tensor/op handles it returned): tensor indices, dims, buffer
 * indices and option values are written as given, so malformed models can be made on purpose.
 * Everything passed in is copied unless the function says "borrowed". */
#ifndef OC_FORMAT_MODEL_BUILDER_H
#define OC_FORMAT_MODEL_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/tensor.h"

typedef struct oc_mb oc_mb;
typedef struct oc_mb_opts oc_mb_opts;

oc_mb *oc_mb_create(void);     /* NULL when out of memory */
void oc_mb_destroy(oc_mb *mb); /* NULL-safe; also frees every options table made with it */

void oc_mb_description(oc_mb *mb, const char *text);

/* A constant buffer; returns its index (>= 1: buffer 0 is the empty sentinel). size 0 gives a
 * new empty buffer. Data is written 16-byte aligned. */
int oc_mb_buffer(oc_mb *mb, const void *data, size_t size);
/* Same, data borrowed until oc_mb_finish returns (no copy: for large weights). */
int oc_mb_buffer_ref(oc_mb *mb, const void *data, size_t size);

/* A new subgraph (the first one is the main graph). name may be NULL. */
int oc_mb_subgraph(oc_mb *mb, const char *name);

/* A tensor in subgraph sg; buffer 0 = no data. dims may be NULL when rank is 0. */
int oc_mb_tensor(oc_mb *mb, int sg, oc_dtype dtype, int rank, const int32_t *dims, int buffer,
                 const char *name);
/* Quantization: count scales and zero points (zp NULL = zeros) along axis. */
void oc_mb_tensor_quant(oc_mb *mb, int sg, int tensor, int count, const float *scale,
                        const int64_t *zero_point, int axis);
void oc_mb_tensor_signature(oc_mb *mb, int sg, int tensor, int rank, const int32_t *dims);
void oc_mb_tensor_variable(oc_mb *mb, int sg, int tensor, bool is_variable);

/* Subgraph inputs and outputs (tensor indices, written as given). */
void oc_mb_io(oc_mb *mb, int sg, int ninputs, const int32_t *inputs, int noutputs,
              const int32_t *outputs);

/* Builtin options table: (field id, scalar) pairs and int32 vectors, in the schema's field ids
 * (e.g. Conv2DOptions: 0 padding:i8, 1 stride_w:i32, 2 stride_h:i32, 3 activation:i8).
 * Setting an id twice keeps the last value. Owned by mb. */
oc_mb_opts *oc_mb_opts_new(oc_mb *mb);
void oc_mb_opts_u8(oc_mb_opts *o, int id, uint8_t v);
void oc_mb_opts_i8(oc_mb_opts *o, int id, int8_t v);
void oc_mb_opts_bool(oc_mb_opts *o, int id, bool v);
void oc_mb_opts_i16(oc_mb_opts *o, int id, int16_t v);
void oc_mb_opts_i32(oc_mb_opts *o, int id, int32_t v);
void oc_mb_opts_i64(oc_mb_opts *o, int id, int64_t v);
void oc_mb_opts_f32(oc_mb_opts *o, int id, float v);
void oc_mb_opts_vec_i32(oc_mb_opts *o, int id, int n, const int32_t *v);

/* An operator appended to subgraph sg. custom_code: for CUSTOM (code 32), else NULL.
 * options_type: the BuiltinOptions union tag (0 = none; opts may then be NULL). Inputs may be
 * -1 (optional input absent). Returns the op's index in sg. */
int oc_mb_op(oc_mb *mb, int sg, int32_t builtin_code, const char *custom_code, int ninputs,
             const int32_t *inputs, int noutputs, const int32_t *outputs, int options_type,
             const oc_mb_opts *opts);
void oc_mb_op_custom_options(oc_mb *mb, int sg, int op, const void *data, size_t size);
void oc_mb_op_intermediates(oc_mb *mb, int sg, int op, int n, const int32_t *tensors);
/* Overrides the operator code index written for op (tests of malformed models). */
void oc_mb_op_opcode_index(oc_mb *mb, int sg, int op, uint32_t opcode_index);

/* A SignatureDef over subgraph sg. */
void oc_mb_signature(oc_mb *mb, const char *key, int sg, int ninputs, const char *const *in_names,
                     const int32_t *in_tensors, int noutputs, const char *const *out_names,
                     const int32_t *out_tensors);

/* Serializes the model. identifier: 4 chars ("CIR0", "TFL3") or NULL for none. *out is
 * malloc'd (free it with free()). Fails with the first error of any earlier call. The builder
 * stays usable (finish may be called again). */
oc_status oc_mb_finish(oc_mb *mb, const char *identifier, uint8_t **out, size_t *size, oc_err *err);

/* Writes bytes to path atomically (a temporary file renamed over path). */
oc_status oc_mb_write_file(const char *path, const uint8_t *bytes, size_t size, oc_err *err);

#endif
