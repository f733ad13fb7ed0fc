/* onert-c: experimental nnfw API (custom kernels, tensor lookup by name, I/O types, signatures,
 * training, on-device quantization and code generation, configuration).
 *
 * Same names, values and layouts as onert's nnfw_experimental.h, but valid C11 as well as C++:
 * <stdbool.h> is included, nnfw_prepare_pipeline has no default argument (C++ callers get an
 * overload) and nnfw_train_info has no default member initializers (use
 * NNFW_TRAIN_INFO_DEFAULT). */
#ifndef __NNFW_EXPERIMENTAL_H__
#define __NNFW_EXPERIMENTAL_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnfw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Custom kernels ------------------------------------------------------------------------ */

/** One operand of a custom operation. */
typedef struct {
    nnfw_tensorinfo type;
    void *allocation;
} nnfw_operand;

/** Arguments of a custom kernel's eval function. */
typedef struct {
    size_t ninputs;
    nnfw_operand *inputs;

    size_t noutputs;
    nnfw_operand *outputs;
} nnfw_custom_kernel_params;

/** Custom kernel: computes outputs from inputs. userdata = the op's custom options bytes. */
typedef void (*nnfw_custom_eval)(nnfw_custom_kernel_params *params, char *userdata,
                                 size_t userdata_size);

/** Registration record of a custom kernel. */
typedef struct {
    nnfw_custom_eval eval_function;
} custom_kernel_registration_info;

/** Registers the kernel for CUSTOM ops whose custom_code equals `id` (used from the next
 * nnfw_prepare). Registering an id again replaces its function. */
NNFW_API NNFW_STATUS nnfw_register_custom_op_info(nnfw_session *session, const char *id,
                                                  custom_kernel_registration_info *info);

/* ---- Lookup by name -------------------------------------------------------------------------- */

/** Index of the model input named `tensorname` (NUL within 64 bytes); lowest index wins.
 * Not found: NNFW_STATUS_ERROR and *index unchanged. */
NNFW_API NNFW_STATUS nnfw_input_tensorindex(nnfw_session *session, const char *tensorname,
                                            uint32_t *index);

/** Index of the model output named `tensorname`. */
NNFW_API NNFW_STATUS nnfw_output_tensorindex(nnfw_session *session, const char *tensorname,
                                             uint32_t *index);

/** Per-operation backends, "<opIndex>=<backend>;<opIndex>=<backend>" (MODEL_LOADED).
 * NULL gives NNFW_STATUS_ERROR (as onert). */
NNFW_API NNFW_STATUS nnfw_set_backends_per_operation(nnfw_session *session,
                                                     const char *backend_settings);

/** Deprecated since 1.22.1: returns NNFW_STATUS_DEPRECATED_API. */
NNFW_API NNFW_STATUS nnfw_prepare_pipeline(nnfw_session *session, const char *map_file_path);

/** Deprecated since 1.22.1: returns NNFW_STATUS_DEPRECATED_API. */
NNFW_API NNFW_STATUS nnfw_push_pipeline_input(nnfw_session *session, void *inputs, void *lengths);

/** Deprecated since 1.22.1: returns NNFW_STATUS_DEPRECATED_API. */
NNFW_API NNFW_STATUS nnfw_pop_pipeline_output(nnfw_session *session, void *outputs);

/* ---- I/O types and signatures ---------------------------------------------------------------- */

/** Requests float user buffers for input `index` (MODEL_LOADED; only NNFW_TYPE_TENSOR_FLOAT32).
 * On a quantized input the runtime quantizes the float data at every run. */
NNFW_API NNFW_STATUS nnfw_set_input_type(nnfw_session *session, uint32_t index, NNFW_TYPE type);

/** Requests float user buffers for output `index` (MODEL_LOADED; FLOAT32 only). */
NNFW_API NNFW_STATUS nnfw_set_output_type(nnfw_session *session, uint32_t index, NNFW_TYPE type);

/** Selects the SignatureDef whose I/O the MODEL_LOADED calls describe (before nnfw_prepare). */
NNFW_API NNFW_STATUS nnfw_configure_signature(nnfw_session *session, const char *signature);

/** Selects the SignatureDef to run (after nnfw_prepare); I/O bindings are reset. */
NNFW_API NNFW_STATUS nnfw_set_signature_run(nnfw_session *session, const char *signature);

/* ---- Training (not supported by onert-c: the calls check their arguments and state) ---------- */

typedef enum {
    NNFW_TRAIN_LOSS_UNDEFINED = 0,
    NNFW_TRAIN_LOSS_MEAN_SQUARED_ERROR = 1,
    NNFW_TRAIN_LOSS_CATEGORICAL_CROSSENTROPY = 2,
} NNFW_TRAIN_LOSS;

typedef enum {
    NNFW_TRAIN_LOSS_REDUCTION_UNDEFINED = 0,
    NNFW_TRAIN_LOSS_REDUCTION_SUM_OVER_BATCH_SIZE = 1,
    NNFW_TRAIN_LOSS_REDUCTION_SUM = 2,
} NNFW_TRAIN_LOSS_REDUCTION;

typedef enum {
    NNFW_TRAIN_OPTIMIZER_UNDEFINED = 0,
    NNFW_TRAIN_OPTIMIZER_SGD = 1,
    NNFW_TRAIN_OPTIMIZER_ADAM = 2,
} NNFW_TRAIN_OPTIMIZER;

typedef struct nnfw_loss_info {
    NNFW_TRAIN_LOSS loss;
    NNFW_TRAIN_LOSS_REDUCTION reduction_type;
} nnfw_loss_info;

/** Special values of nnfw_train_info.num_of_trainable_ops (positive = that many ops counted
 * from the back of the graph). */
typedef enum {
    NNFW_TRAIN_TRAINABLE_INCORRECT_STATE = -2,
    NNFW_TRAIN_TRAINABLE_ALL = -1,
    NNFW_TRAIN_TRAINABLE_NONE = 0,
} NNFW_TRAIN_NUM_OF_TRAINABLE_OPS_SPECIAL_VALUES;

typedef struct nnfw_train_info {
    float learning_rate;
    uint32_t batch_size;
    nnfw_loss_info loss_info;
    NNFW_TRAIN_OPTIMIZER opt;
    int32_t num_of_trainable_ops;
} nnfw_train_info;

/** onert's default values of nnfw_train_info, as an initializer. */
#define NNFW_TRAIN_INFO_DEFAULT                                                                    \
    {                                                                                              \
        0.001f, 1u,                                                                                \
            {NNFW_TRAIN_LOSS_MEAN_SQUARED_ERROR, NNFW_TRAIN_LOSS_REDUCTION_SUM_OVER_BATCH_SIZE},   \
            NNFW_TRAIN_OPTIMIZER_SGD, NNFW_TRAIN_TRAINABLE_NONE                                    \
    }

NNFW_API NNFW_STATUS nnfw_train_get_traininfo(nnfw_session *session, nnfw_train_info *info);
NNFW_API NNFW_STATUS nnfw_train_set_traininfo(nnfw_session *session, const nnfw_train_info *info);
NNFW_API NNFW_STATUS nnfw_train_prepare(nnfw_session *session);
NNFW_API NNFW_STATUS nnfw_train_set_input(nnfw_session *session, uint32_t index, const void *input,
                                          const nnfw_tensorinfo *input_info);
NNFW_API NNFW_STATUS nnfw_train_set_expected(nnfw_session *session, uint32_t index,
                                             const void *expected,
                                             const nnfw_tensorinfo *expected_info);
NNFW_API NNFW_STATUS nnfw_train_set_output(nnfw_session *session, uint32_t index, NNFW_TYPE type,
                                           void *buffer, size_t length);
NNFW_API NNFW_STATUS nnfw_train(nnfw_session *session, bool update_weights);
NNFW_API NNFW_STATUS nnfw_train_get_loss(nnfw_session *session, uint32_t index, float *loss);
NNFW_API NNFW_STATUS nnfw_train_export_circle(nnfw_session *session, const char *path);
NNFW_API NNFW_STATUS nnfw_train_import_checkpoint(nnfw_session *session, const char *path);
NNFW_API NNFW_STATUS nnfw_train_export_checkpoint(nnfw_session *session, const char *path);
NNFW_API NNFW_STATUS nnfw_train_input_tensorinfo(nnfw_session *session, uint32_t index,
                                                 nnfw_tensorinfo *info);
NNFW_API NNFW_STATUS nnfw_train_expected_tensorinfo(nnfw_session *session, uint32_t index,
                                                    nnfw_tensorinfo *info);

/* ---- On-device quantization ------------------------------------------------------------------ */

/** Quantization types (WO = weight-only). */
typedef enum {
    NNFW_QUANTIZE_TYPE_NOT_SET,
    NNFW_QUANTIZE_TYPE_U8_ASYM,
    NNFW_QUANTIZE_TYPE_I16_SYM,
    NNFW_QUANTIZE_TYPE_WO_I8_SYM,
    NNFW_QUANTIZE_TYPE_WO_I16_SYM,
} NNFW_QUANTIZE_TYPE;

/** Sets the quantization type (any state but INITIALIZED/RUNNING; NOT_SET or an unknown value
 * gives NNFW_STATUS_INVALID_STATE, as onert). */
NNFW_API NNFW_STATUS nnfw_set_quantization_type(nnfw_session *session, NNFW_QUANTIZE_TYPE qtype);

/** Sets the path of the quantized model to write. */
NNFW_API NNFW_STATUS nnfw_set_quantized_model_path(nnfw_session *session, const char *path);

/** Quantizes the loaded model file into the quantized model path and loads the result. */
NNFW_API NNFW_STATUS nnfw_quantize(nnfw_session *session);

/* ---- On-device code generation --------------------------------------------------------------- */

/** Code generation preference. */
typedef enum {
    NNFW_CODEGEN_PREF_DEFAULT,
    NNFW_CODEGEN_PREF_PERFORMANCE_FIRST,
    NNFW_CODEGEN_PREF_MEMORY_FIRST,
    NNFW_CODEGEN_PREF_COMPILE_TIME_FIRST,
} NNFW_CODEGEN_PREF;

/** Sets the path of the generated artifact. */
NNFW_API NNFW_STATUS nnfw_set_codegen_model_path(nnfw_session *session, const char *path);

/** Generates target code with plugin lib<target>.so (target = "<ext>-gen") and loads it. */
NNFW_API NNFW_STATUS nnfw_codegen(nnfw_session *session, const char *target,
                                  NNFW_CODEGEN_PREF pref);

/* ---- Auto compilation ------------------------------------------------------------------------ */

/** Number of recorded min/max runs after which auto compilation quantizes. */
NNFW_API NNFW_STATUS nnfw_set_odc_param_minmax_records_count(nnfw_session *session,
                                                             int minmax_records_count);

/** Deletes <workspace>/minmax.bin. */
NNFW_API NNFW_STATUS nnfw_odc_delete_minmax_file(nnfw_session *session);

/** Runs the float model while recording min/max, then quantizes (and generates code) and
 * switches to the compiled model; float user buffers keep working throughout. */
NNFW_API NNFW_STATUS nnfw_run_with_auto_compilation(nnfw_session *session, const char *target,
                                                    NNFW_CODEGEN_PREF pref);

/* ---- Configuration --------------------------------------------------------------------------- */

/** Keys of nnfw_set_prepare_config. */
typedef enum {
    /** Profile execution times for the scheduler (value ignored) */
    NNFW_PREPARE_CONFIG_PROFILE,
    /** The runtime allocates outputs; read them with nnfw_get_output (value ignored) */
    NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC,
} NNFW_PREPARE_CONFIG;

/** Sets a prepare option (MODEL_LOADED). */
NNFW_API NNFW_STATUS nnfw_set_prepare_config(nnfw_session *session, NNFW_PREPARE_CONFIG key,
                                             const char *value);

/** Clears NNFW_PREPARE_CONFIG_PROFILE (MODEL_LOADED). */
NNFW_API NNFW_STATUS nnfw_reset_prepare_config(nnfw_session *session);

/** Keys of nnfw_set_execute_config. */
typedef enum {
    /** Append per-op min/max records to <workspace>/minmax.bin at every run */
    NNFW_RUN_CONFIG_DUMP_MINMAX,
    /** Write an execution trace to the workspace */
    NNFW_RUN_CONFIG_TRACE,
    /** Profile execution (needs NNFW_PREPARE_CONFIG_PROFILE before prepare) */
    NNFW_RUN_CONFIG_PROFILE,
} NNFW_RUN_CONFIG;

/** Sets an execution option (PREPARED or FINISHED_RUN). */
NNFW_API NNFW_STATUS nnfw_set_execute_config(nnfw_session *session, const NNFW_RUN_CONFIG key,
                                             const char *value);

/** Clears all execution options (PREPARED or FINISHED_RUN). */
NNFW_API NNFW_STATUS nnfw_reset_execute_config(nnfw_session *session);

#ifdef __cplusplus
}

/* onert's C++ callers may omit map_file_path (a default argument there). */
static inline NNFW_STATUS nnfw_prepare_pipeline(nnfw_session *session)
{
    return nnfw_prepare_pipeline(session, NULL);
}
#endif

#endif /* __NNFW_EXPERIMENTAL_H__ */
