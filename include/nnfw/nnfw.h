/* onert-c: the nnfw C API (names, signatures and values are those of Samsung ONE's onert).
 *
 * Typical use:
 *   nnfw_create_session(&s);
 *   nnfw_load_model_from_file(s, "model.circle");   (a .circle/.tflite file or an nnpackage dir)
 *   nnfw_prepare(s);
 *   nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, in_bytes);
 *   nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, out_bytes);
 *   nnfw_run(s);
 *   nnfw_close_session(s);
 *
 * Session states: INITIALIZED -> (load) MODEL_LOADED -> (prepare) PREPARED -> (run) FINISHED_RUN,
 * plus RUNNING between nnfw_run_async and nnfw_await. A call in the wrong state returns
 * NNFW_STATUS_INVALID_STATE; a NULL session returns NNFW_STATUS_UNEXPECTED_NULL. The reason of
 * every failure can be read with nnfw_get_last_error_message. Valid as C11 and as C++. */
#ifndef __NNFW_H__
#define __NNFW_H__

#include <stddef.h>
#include <stdint.h>

/* Marks the exported API (the library is built with hidden visibility by default). */
#ifndef NNFW_API
#if defined(__GNUC__) || defined(__clang__)
#define NNFW_API __attribute__((visibility("default")))
#else
#define NNFW_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque session: one model, its prepared execution and its I/O bindings. */
typedef struct nnfw_session nnfw_session;

/** Tensor element types. */
typedef enum {
    /** 32-bit float */
    NNFW_TYPE_TENSOR_FLOAT32 = 0,
    /** 32-bit signed integer */
    NNFW_TYPE_TENSOR_INT32 = 1,
    /** 8-bit unsigned integer, real = (q - zero_point) * scale */
    NNFW_TYPE_TENSOR_QUANT8_ASYMM = 2,
    /** boolean (1 byte) */
    NNFW_TYPE_TENSOR_BOOL = 3,
    /** 8-bit unsigned integer */
    NNFW_TYPE_TENSOR_UINT8 = 4,
    /** 64-bit signed integer */
    NNFW_TYPE_TENSOR_INT64 = 5,
    /** 8-bit signed integer, real = (q - zero_point) * scale */
    NNFW_TYPE_TENSOR_QUANT8_ASYMM_SIGNED = 6,
    /** 16-bit signed integer, real = q * scale (zero_point 0) */
    NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED = 7,
} NNFW_TYPE;

/** Result of every API call. */
typedef enum {
    /** Success */
    NNFW_STATUS_NO_ERROR = 0,
    /** General error (bad argument, unsupported model, failed run, ...) */
    NNFW_STATUS_ERROR = 1,
    /** A required pointer argument was NULL */
    NNFW_STATUS_UNEXPECTED_NULL = 2,
    /** The call is not valid in the session's current state */
    NNFW_STATUS_INVALID_STATE = 3,
    /** Out of memory */
    NNFW_STATUS_OUT_OF_MEMORY = 4,
    /** An output buffer is too small */
    NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE = 5,
    /** The function is deprecated and does nothing */
    NNFW_STATUS_DEPRECATED_API = 6,
} NNFW_STATUS;

/** Data layout of a user buffer. */
typedef enum {
    /** Don't care (the model's layout) */
    NNFW_LAYOUT_NONE = 0,
    /** Channels last: NHWC for rank 4 */
    NNFW_LAYOUT_CHANNELS_LAST = 1,
    /** Channels first: NCHW for rank 4 */
    NNFW_LAYOUT_CHANNELS_FIRST = 2,
} NNFW_LAYOUT;

/** Information ids for nnfw_query_info_u32. */
typedef enum {
    /** Runtime version as 0xMMmmmmPP (major, minor, patch) */
    NNFW_INFO_ID_VERSION = 0,
} NNFW_INFO_ID;

/** Maximum rank a nnfw_tensorinfo can describe. */
#define NNFW_MAX_RANK (6)

/** Type and shape of a tensor; dims are filled from index 0. */
typedef struct nnfw_tensorinfo {
    /** element type */
    NNFW_TYPE dtype;
    /** number of dimensions */
    int32_t rank;
    /** dimensions (dims[0..rank-1]) */
    int32_t dims[NNFW_MAX_RANK];
} nnfw_tensorinfo;

/** Creates a session in state INITIALIZED. *session is NULL on failure. */
NNFW_API NNFW_STATUS nnfw_create_session(nnfw_session **session);

/** Destroys a session (NULL allowed). Waits for a pending nnfw_run_async first. */
NNFW_API NNFW_STATUS nnfw_close_session(nnfw_session *session);

/** Copies the message of the last failure ("" if none) into buffer. A buffer shorter than the
 * message plus its NUL gives NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE and is left untouched. */
NNFW_API NNFW_STATUS nnfw_get_last_error_message(nnfw_session *session, char *buffer,
                                                 size_t length);

/** Loads a model file (.circle or .tflite, by lowercase extension) or an nnpackage directory.
 * INITIALIZED only; the path must be NUL-terminated within 1024 bytes. */
NNFW_API NNFW_STATUS nnfw_load_model_from_file(nnfw_session *session,
                                               const char *package_file_path);

/** Deprecated since 1.7.0: use nnfw_set_input_tensorinfo. Returns NNFW_STATUS_DEPRECATED_API. */
NNFW_API NNFW_STATUS nnfw_apply_tensorinfo(nnfw_session *session, uint32_t index,
                                           nnfw_tensorinfo tensor_info);

/** Changes the shape of input `index` (dtype is ignored). Before nnfw_prepare the shape is used
 * by prepare's static shape inference; after it, the shape applies from the next run. */
NNFW_API NNFW_STATUS nnfw_set_input_tensorinfo(nnfw_session *session, uint32_t index,
                                               const nnfw_tensorinfo *tensor_info);

/** Compiles the loaded model for execution (MODEL_LOADED -> PREPARED). */
NNFW_API NNFW_STATUS nnfw_prepare(nnfw_session *session);

/** Runs inference once with the buffers set by nnfw_set_input/nnfw_set_output. */
NNFW_API NNFW_STATUS nnfw_run(nnfw_session *session);

/** Starts one inference on another thread (state RUNNING until nnfw_await). */
NNFW_API NNFW_STATUS nnfw_run_async(nnfw_session *session);

/** Waits for the inference started by nnfw_run_async and returns its result. */
NNFW_API NNFW_STATUS nnfw_await(nnfw_session *session);

/** Binds input `index` to a user buffer of `length` bytes (borrowed until the next call for the
 * same input). `type` is ignored. buffer NULL with length 0 marks an absent optional input. */
NNFW_API NNFW_STATUS nnfw_set_input(nnfw_session *session, uint32_t index, NNFW_TYPE type,
                                    const void *buffer, size_t length);

/** Binds output `index` to a user buffer of `length` bytes (borrowed). */
NNFW_API NNFW_STATUS nnfw_set_output(nnfw_session *session, uint32_t index, NNFW_TYPE type,
                                     void *buffer, size_t length);

/** Number of model inputs. */
NNFW_API NNFW_STATUS nnfw_input_size(nnfw_session *session, uint32_t *number);

/** Number of model outputs. */
NNFW_API NNFW_STATUS nnfw_output_size(nnfw_session *session, uint32_t *number);

/** Layout of the user buffer of input `index` (MODEL_LOADED only). With CHANNELS_FIRST a rank-4
 * input buffer is NCHW and is transposed to the model's NHWC at every run. */
NNFW_API NNFW_STATUS nnfw_set_input_layout(nnfw_session *session, uint32_t index,
                                           NNFW_LAYOUT layout);

/** Layout of the user buffer of output `index` (MODEL_LOADED only). */
NNFW_API NNFW_STATUS nnfw_set_output_layout(nnfw_session *session, uint32_t index,
                                            NNFW_LAYOUT layout);

/** Type and shape of input `index`: the model's before prepare, the execution's after. */
NNFW_API NNFW_STATUS nnfw_input_tensorinfo(nnfw_session *session, uint32_t index,
                                           nnfw_tensorinfo *tensor_info);

/** Type and shape of output `index`; after a run, the shape that run produced. */
NNFW_API NNFW_STATUS nnfw_output_tensorinfo(nnfw_session *session, uint32_t index,
                                            nnfw_tensorinfo *tensor_info);

/** Backends to use, ';'-separated, first = default, at most 31 characters (MODEL_LOADED).
 * onert-c runs everything on its CPU backend: "cpu" (and the aliases "ruy", "xnnpack",
 * "builtin") are accepted; at prepare, names that are not available are skipped and an
 * error is returned only when none of the listed backends is available. */
NNFW_API NNFW_STATUS nnfw_set_available_backends(nnfw_session *session, const char *backends);

/** Deprecated since 1.8.0. Returns NNFW_STATUS_DEPRECATED_API. */
NNFW_API NNFW_STATUS nnfw_set_op_backend(nnfw_session *session, const char *op,
                                         const char *backend);

/** Queries runtime information; session may be NULL. */
NNFW_API NNFW_STATUS nnfw_query_info_u32(nnfw_session *session, NNFW_INFO_ID id, uint32_t *val);

/** Directory for files the runtime writes (min/max records, traces). Default ".".
 * INITIALIZED only. */
NNFW_API NNFW_STATUS nnfw_set_workspace(nnfw_session *session, const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* __NNFW_H__ */
