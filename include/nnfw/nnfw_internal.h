/* onert-c: internal nnfw API (configuration keys, loading from a buffer, internal outputs).
 * Same functions as onert's nnfw_internal.h. */
#ifndef __NNFW_INTERNAL_H__
#define __NNFW_INTERNAL_H__

#include <stddef.h>
#include <stdint.h>

#include "nnfw.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sets a configuration key (MODEL_LOADED). Keys: GRAPH_DOT_DUMP, EXECUTOR, USE_SCHEDULER,
 * PROFILING_MODE, ENABLE_LOG (errors are then also printed to stderr), NUM_THREADS (<= 0: all
 * cores). Any other key gives NNFW_STATUS_ERROR. */
NNFW_API NNFW_STATUS nnfw_set_config(nnfw_session *session, const char *key, const char *value);

/** Reads a configuration value (MODEL_LOADED): BACKENDS (';'-joined; untouched and NO_ERROR
 * when none was set), EXECUTOR, NUM_THREADS. A too-small buffer gives NNFW_STATUS_ERROR. */
NNFW_API NNFW_STATUS nnfw_get_config(nnfw_session *session, const char *key, char *value,
                                     size_t value_size);

/** Loads a circle (or tflite) model from memory (INITIALIZED). The buffer is borrowed and must
 * outlive the session. */
NNFW_API NNFW_STATUS nnfw_load_circle_from_buffer(nnfw_session *session, uint8_t *buffer,
                                                  size_t size);

/** Training export (not supported by onert-c). */
NNFW_API NNFW_STATUS nnfw_train_export_circleplus(nnfw_session *session, const char *file_path);

/** After a run (FINISHED_RUN), the runtime-owned buffer and info of output `index`. Needs
 * nnfw_set_prepare_config(NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC) before nnfw_prepare. The buffer is
 * valid until the next run or the end of the session. */
NNFW_API NNFW_STATUS nnfw_get_output(nnfw_session *session, uint32_t index,
                                     nnfw_tensorinfo *out_info, const void **out_buffer);

#ifdef __cplusplus
}
#endif

#endif /* __NNFW_INTERNAL_H__ */
