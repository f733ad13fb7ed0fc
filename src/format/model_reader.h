/* Reads .circle / .tflite flatbuffers into the graph IR. Every offset, length, index and size
 * product is checked before it is read (src/core/flatbuf.h); constants stay in place in the
 * mapped file or the caller's buffer. Operators are resolved against src/ops/ops.def here, so
 * a model using an operator we lack fails at load with the operator's name. */
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
