/* The nnfw session: state machine, loaded graph, prepared executor, user I/O bindings, options
 * and the last error message. Entry points (nnfw_api.c) check the session pointer and call the
 * oc_sess_* functions, which check state and arguments in onert's order. No global mutable
 * state: sessions in different threads are independent. */
#ifndef OC_API_SESSION_H
#define OC_API_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/status.h"
#include "exec/exec.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"

/* onert's string limits (Session.cc). */
#define OC_MAX_PATH_LENGTH 1024
#define OC_MAX_BACKEND_NAME_LENGTH 32
#define OC_MAX_TENSOR_NAME_LENGTH 64

/* Values are onert's Session::State order. */
typedef enum oc_sess_state {
    OC_SESS_INITIALIZED = 0,
    OC_SESS_MODEL_LOADED,
    OC_SESS_PREPARED,
    OC_SESS_RUNNING,
    OC_SESS_FINISHED_RUN,
} oc_sess_state;

/* One user buffer bound to a model input or output. */
typedef struct oc_io_binding {
    void *buf; /* borrowed; NULL with len 0 = absent optional tensor */
    size_t len;
    bool set;
    bool as_float; /* float32 buffer on a quantized tensor */
} oc_io_binding;

/* A kernel registered with nnfw_register_custom_op_info. */
typedef struct oc_sess_kernel {
    char *name;
    nnfw_custom_eval eval;
} oc_sess_kernel;

/* Per model input/output options chosen in MODEL_LOADED. */
typedef struct oc_io_opts {
    NNFW_LAYOUT layout;
    bool float_type; /* nnfw_set_{input,output}_type(FLOAT32) */
} oc_io_opts;

struct nnfw_session {
    oc_sess_state state;
    char last_error[OC_ERR_MSG_MAX + 256];
    bool log_enabled; /* config ENABLE_LOG: also print errors to stderr */

    /* Model (MODEL_LOADED and later). */
    oc_graph *graph;
    char *model_path;    /* the loaded model file; NULL when loaded from a buffer */
    bool has_signatures; /* signature map populated (single-file loads only, as onert) */
    int32_t signature;   /* configure_signature selection, -1 none */
    int32_t nin, nout;   /* subgraph 0 I/O counts */
    oc_io_opts *in_opts, *out_opts;

    /* Options. */
    int num_threads; /* <= 0: all cores */
    char executor[32];
    char backends[OC_MAX_BACKEND_NAME_LENGTH];
    char *backend_map; /* set_backends_per_operation */
    char *workspace;
    int graph_dot_dump;
    bool use_scheduler, profiling_mode;
    bool prepare_profile, internal_output_alloc;
    bool dump_minmax, trace, profile;

    /* Custom kernels: registered list, and the snapshot the executor borrows (its `user`
     * pointers point into exec_fns). */
    oc_sess_kernel *custom;
    int32_t ncustom;
    oc_custom_kernel *exec_custom;
    nnfw_custom_eval *exec_fns;
    int32_t nexec_custom;

    /* Execution (PREPARED and later). */
    oc_exec *exec;
    oc_io_binding *in_bind, *out_bind;
    oc_shape *pending_shape; /* set_input_tensorinfo after prepare, applied at next run */
    bool *pending;

    /* nnfw_run_async. */
    pthread_t thread;
    NNFW_STATUS async_status;
    oc_err async_err;
    oc_sess_state state_before_run;

    /* On-device compilation parameters (the flows themselves are a later issue). */
    NNFW_QUANTIZE_TYPE qtype;
    char *quantized_path;
    char *codegen_path;
    int minmax_records;
};

/* Stores the message (and prints it when ENABLE_LOG is on); returns st. */
NNFW_STATUS oc_sess_fail(nnfw_session *s, NNFW_STATUS st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* State predicates. */
static inline bool oc_sess_prepared_or_finished(const nnfw_session *s)
{
    return s->state == OC_SESS_PREPARED || s->state == OC_SESS_FINISHED_RUN;
}

/* Replaces *dst with a heap copy of src (NULL clears). Returns false when out of memory. */
bool oc_sess_set_string(char **dst, const char *src);

/* onert config booleans: false only for "0", "OFF", "FALSE", "N", "NO" (any case). */
bool oc_sess_parse_bool(const char *v);
/* Decimal int; false when malformed. */
bool oc_sess_parse_int(const char *v, int *out);

/* Applies one configuration key. from_package: nnpackage config file (unknown keys ignored). */
NNFW_STATUS oc_sess_apply_config(nnfw_session *s, const char *key, const char *value,
                                 bool from_package);

/* Model (de)initialization shared by the loaders (load.c). */
NNFW_STATUS oc_sess_adopt_graph(nnfw_session *s, oc_graph *g, const char *path);
void oc_sess_drop_model(nnfw_session *s);
void oc_sess_drop_exec(nnfw_session *s);

/* Maps an internal dtype to NNFW_TYPE; false for types the API cannot express. */
bool oc_sess_nnfw_type(const oc_tensor *t, NNFW_TYPE *out);
/* Fills ti from shape and dtype; fails for rank > NNFW_MAX_RANK or unsupported dtypes. */
NNFW_STATUS oc_sess_fill_info(nnfw_session *s, const oc_tensor *t, const oc_shape *shape,
                              nnfw_tensorinfo *ti, const char *what);

/* Graph tensor of model input/output i (subgraph 0; signature order when one is configured). */
oc_tensor *oc_sess_graph_input(nnfw_session *s, int32_t i);
oc_tensor *oc_sess_graph_output(nnfw_session *s, int32_t i);

/* oc_custom_kernel.invoke for user kernels: user points to an nnfw_custom_eval. */
void oc_sess_invoke_custom(void *user, oc_tensor *const *inputs, int32_t ninputs,
                           oc_tensor *const *outputs, int32_t noutputs, const oc_op *op);

/* Runs once with the current bindings. Writes the reason of a failure into err. */
NNFW_STATUS oc_sess_execute(nnfw_session *s, oc_err *err);

/* ---- the operations behind the entry points (one per nnfw_* function) ---- */
NNFW_STATUS oc_sess_create(nnfw_session **out);
void oc_sess_destroy(nnfw_session *s);
NNFW_STATUS oc_sess_last_error(nnfw_session *s, char *buf, size_t len);

NNFW_STATUS oc_sess_load_path(nnfw_session *s, const char *path);
NNFW_STATUS oc_sess_load_buffer(nnfw_session *s, uint8_t *buf, size_t size);

NNFW_STATUS oc_sess_prepare(nnfw_session *s);
NNFW_STATUS oc_sess_run(nnfw_session *s);
NNFW_STATUS oc_sess_run_async(nnfw_session *s);
NNFW_STATUS oc_sess_await(nnfw_session *s);
/* type FLOAT32 on a quantized tensor binds a float buffer: quantized / dequantized at the
 * model boundary with the tensor's own scale and zero point. Other types are ignored (the model's
 * type is used, as onert). */
NNFW_STATUS oc_sess_set_input(nnfw_session *s, uint32_t index, NNFW_TYPE type, const void *buf,
                              size_t len);
NNFW_STATUS oc_sess_set_output(nnfw_session *s, uint32_t index, NNFW_TYPE type, void *buf,
                               size_t len);
/* True when tensor t can be exchanged as float32 at the boundary (per-tensor u8/i8/i16). */
bool oc_sess_float_io_ok(const oc_tensor *t);
NNFW_STATUS oc_sess_get_output(nnfw_session *s, uint32_t index, nnfw_tensorinfo *ti,
                               const void **buf);

NNFW_STATUS oc_sess_io_size(nnfw_session *s, bool input, uint32_t *number);
NNFW_STATUS oc_sess_tensorinfo(nnfw_session *s, bool input, uint32_t index, nnfw_tensorinfo *ti);
NNFW_STATUS oc_sess_set_input_tensorinfo(nnfw_session *s, uint32_t index,
                                         const nnfw_tensorinfo *ti);
NNFW_STATUS oc_sess_set_layout(nnfw_session *s, bool input, uint32_t index, NNFW_LAYOUT layout);
NNFW_STATUS oc_sess_set_io_type(nnfw_session *s, bool input, uint32_t index, NNFW_TYPE type);
NNFW_STATUS oc_sess_tensorindex(nnfw_session *s, bool input, const char *name, uint32_t *index);

NNFW_STATUS oc_sess_set_backends(nnfw_session *s, const char *backends);
NNFW_STATUS oc_sess_set_backends_per_op(nnfw_session *s, const char *settings);
NNFW_STATUS oc_sess_set_workspace(nnfw_session *s, const char *dir);
NNFW_STATUS oc_sess_set_config(nnfw_session *s, const char *key, const char *value);
NNFW_STATUS oc_sess_get_config(nnfw_session *s, const char *key, char *value, size_t size);
NNFW_STATUS oc_sess_set_prepare_config(nnfw_session *s, NNFW_PREPARE_CONFIG key);
NNFW_STATUS oc_sess_reset_prepare_config(nnfw_session *s);
NNFW_STATUS oc_sess_set_execute_config(nnfw_session *s, NNFW_RUN_CONFIG key);
NNFW_STATUS oc_sess_reset_execute_config(nnfw_session *s);
NNFW_STATUS oc_sess_register_custom(nnfw_session *s, const char *id,
                                    const custom_kernel_registration_info *info);
NNFW_STATUS oc_sess_configure_signature(nnfw_session *s, const char *signature);
NNFW_STATUS oc_sess_set_signature_run(nnfw_session *s, const char *signature);

/* On-device compilation (odc.c). */
NNFW_STATUS oc_sess_set_quantization_type(nnfw_session *s, NNFW_QUANTIZE_TYPE qtype);
NNFW_STATUS oc_sess_set_quantized_model_path(nnfw_session *s, const char *path);
NNFW_STATUS oc_sess_quantize(nnfw_session *s);
NNFW_STATUS oc_sess_set_codegen_model_path(nnfw_session *s, const char *path);
NNFW_STATUS oc_sess_codegen(nnfw_session *s, const char *target, NNFW_CODEGEN_PREF pref);
NNFW_STATUS oc_sess_set_minmax_records(nnfw_session *s, int count);
NNFW_STATUS oc_sess_delete_minmax_file(nnfw_session *s);
NNFW_STATUS oc_sess_run_auto_compilation(nnfw_session *s, const char *target,
                                         NNFW_CODEGEN_PREF pref);

#endif
