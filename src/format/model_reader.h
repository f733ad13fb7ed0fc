/* Reads .circle / .tflite flatbuffers into the graph IR. Every offset, length, index and size
 * product is checked before it is read (src/core/flatbuf.h); constants stay in place in the
 * mapped file or the caller's buffer. Operators are resolved against src/ops/ops.def here, so
 * a model using an operator we lack fails at load with the operator's name.
 *
 * Tensors as loaded: a tensor with a non-empty buffer has storage OC_STORE_CONST, data pointing
 * into the model bytes (read-only; 16-aligned in valid files, copied into graph memory when not
 * aligned to max(element size, 4)) and bytes = the buffer's size; is_const is true except for
 * variables (is_variable), whose data is only their initial value and must be copied to
 * writable storage. Sparse constants keep their compressed bytes (tensor->sparsity set).
 * Other tensors have data NULL, storage OC_STORE_NONE and bytes = count * element size.
 * Guaranteed at load: indices in range, dims >= 0, rank <= OC_MAX_RANK, byte sizes < 2^40, no
 * constant or subgraph input is written by an operator, each tensor has at most one producer,
 * IF/WHILE subgraph indices in range and no subgraph call cycle. */
#ifndef OC_FORMAT_MODEL_READER_H
#define OC_FORMAT_MODEL_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/status.h"

/* Maps the file read-only and builds the graph. On failure *out is NULL and err says why. */
oc_status oc_model_load_file(const char *path, oc_graph **out, oc_err *err);

/* Builds the graph over a caller buffer (borrowed: it must outlive the graph). */
oc_status oc_model_load_buffer(const uint8_t *buf, size_t size, oc_graph **out, oc_err *err);

#endif
