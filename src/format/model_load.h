/* Model loading with options: the general form behind oc_model_load_file/_buffer
 * (model_reader.h), for tests and tools that must inspect models the runtime cannot run. */
#ifndef OC_FORMAT_MODEL_LOAD_H
#define OC_FORMAT_MODEL_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/status.h"

typedef struct oc_load_opts {
    /* Keep operators we have no definition for (op->def == NULL, params not parsed) instead of
     * failing the load. Such a graph is for inspection only: never hand it to the executor. */
    bool allow_unsupported;
} oc_load_opts;

/* Like oc_model_load_buffer; opts may be NULL (defaults: all false). buf is borrowed. */
oc_status oc_model_load_buffer_opts(const uint8_t *buf, size_t size, const oc_load_opts *opts,
                                    oc_graph **out, oc_err *err);
/* Like oc_model_load_file; opts may be NULL. */
oc_status oc_model_load_file_opts(const char *path, const oc_load_opts *opts, oc_graph **out,
                                  oc_err *err);

#endif
