/* The exported nnfw_* functions: a NULL session gives NNFW_STATUS_UNEXPECTED_NULL (except for
 * create, close and query_info), everything else is the session's (session.h). */
#include "api/session.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"
#include "nnfw/nnfw_version.h"

#define SESSION_CALL(s, call)                                                                      \
    do {                                                                                           \
        if (!(s)) return NNFW_STATUS_UNEXPECTED_NULL;                                              \
        return (call);                                                                             \
    } while (0)

NNFW_STATUS nnfw_create_session(nnfw_session **session)
{
    return oc_sess_create(session);
}

NNFW_STATUS nnfw_close_session(nnfw_session *session)
{
    oc_sess_destroy(session);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS nnfw_get_last_error_message(nnfw_session *session, char *buffer, size_t length)
{
    SESSION_CALL(session, oc_sess_last_error(session, buffer, length));
}

NNFW_STATUS nnfw_load_model_from_file(nnfw_session *session, const char *package_file_path)
{
    SESSION_CALL(session, oc_sess_load_path(session, package_file_path));
}

NNFW_STATUS nnfw_load_circle_from_buffer(nnfw_session *session, uint8_t *buffer, size_t size)
{
    SESSION_CALL(session, oc_sess_load_buffer(session, buffer, size));
}

NNFW_STATUS nnfw_set_input_tensorinfo(nnfw_session *session, uint32_t index,
                                      const nnfw_tensorinfo *tensor_info)
{
    SESSION_CALL(session, oc_sess_set_input_tensorinfo(session, index, tensor_info));
}

NNFW_STATUS nnfw_prepare(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_prepare(session));
}

NNFW_STATUS nnfw_run(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_run(session));
}

NNFW_STATUS nnfw_run_async(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_run_async(session));
}

NNFW_STATUS nnfw_await(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_await(session));
}

NNFW_STATUS nnfw_set_input(nnfw_session *session, uint32_t index, NNFW_TYPE type,
                           const void *buffer, size_t length)
{
    /* FLOAT32 on a quantized input: the runtime quantizes the buffer (onert PR #13412). */
    SESSION_CALL(session, oc_sess_set_input(session, index, type, buffer, length));
}

NNFW_STATUS nnfw_set_output(nnfw_session *session, uint32_t index, NNFW_TYPE type, void *buffer,
                            size_t length)
{
    SESSION_CALL(session, oc_sess_set_output(session, index, type, buffer, length));
}

NNFW_STATUS nnfw_get_output(nnfw_session *session, uint32_t index, nnfw_tensorinfo *out_info,
                            const void **out_buffer)
{
    SESSION_CALL(session, oc_sess_get_output(session, index, out_info, out_buffer));
}

NNFW_STATUS nnfw_input_size(nnfw_session *session, uint32_t *number)
{
    SESSION_CALL(session, oc_sess_io_size(session, true, number));
}

NNFW_STATUS nnfw_output_size(nnfw_session *session, uint32_t *number)
{
    SESSION_CALL(session, oc_sess_io_size(session, false, number));
}

NNFW_STATUS nnfw_set_input_layout(nnfw_session *session, uint32_t index, NNFW_LAYOUT layout)
{
    SESSION_CALL(session, oc_sess_set_layout(session, true, index, layout));
}

NNFW_STATUS nnfw_set_output_layout(nnfw_session *session, uint32_t index, NNFW_LAYOUT layout)
{
    SESSION_CALL(session, oc_sess_set_layout(session, false, index, layout));
}

NNFW_STATUS nnfw_set_input_type(nnfw_session *session, uint32_t index, NNFW_TYPE type)
{
    SESSION_CALL(session, oc_sess_set_io_type(session, true, index, type));
}

NNFW_STATUS nnfw_set_output_type(nnfw_session *session, uint32_t index, NNFW_TYPE type)
{
    SESSION_CALL(session, oc_sess_set_io_type(session, false, index, type));
}

NNFW_STATUS nnfw_input_tensorinfo(nnfw_session *session, uint32_t index,
                                  nnfw_tensorinfo *tensor_info)
{
    SESSION_CALL(session, oc_sess_tensorinfo(session, true, index, tensor_info));
}

NNFW_STATUS nnfw_output_tensorinfo(nnfw_session *session, uint32_t index,
                                   nnfw_tensorinfo *tensor_info)
{
    SESSION_CALL(session, oc_sess_tensorinfo(session, false, index, tensor_info));
}

NNFW_STATUS nnfw_input_tensorindex(nnfw_session *session, const char *tensorname, uint32_t *index)
{
    SESSION_CALL(session, oc_sess_tensorindex(session, true, tensorname, index));
}

NNFW_STATUS nnfw_output_tensorindex(nnfw_session *session, const char *tensorname, uint32_t *index)
{
    SESSION_CALL(session, oc_sess_tensorindex(session, false, tensorname, index));
}

NNFW_STATUS nnfw_register_custom_op_info(nnfw_session *session, const char *id,
                                         custom_kernel_registration_info *info)
{
    SESSION_CALL(session, oc_sess_register_custom(session, id, info));
}

NNFW_STATUS nnfw_set_available_backends(nnfw_session *session, const char *backends)
{
    SESSION_CALL(session, oc_sess_set_backends(session, backends));
}

NNFW_STATUS nnfw_set_backends_per_operation(nnfw_session *session, const char *backend_settings)
{
    SESSION_CALL(session, oc_sess_set_backends_per_op(session, backend_settings));
}

NNFW_STATUS nnfw_set_workspace(nnfw_session *session, const char *dir)
{
    SESSION_CALL(session, oc_sess_set_workspace(session, dir));
}

NNFW_STATUS nnfw_query_info_u32(nnfw_session *session, NNFW_INFO_ID id, uint32_t *val)
{
    (void)session; /* may be NULL */
    if (id != NNFW_INFO_ID_VERSION || !val) return NNFW_STATUS_ERROR;
    *val = NNFW_VERSION;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS nnfw_configure_signature(nnfw_session *session, const char *signature)
{
    SESSION_CALL(session, oc_sess_configure_signature(session, signature));
}

NNFW_STATUS nnfw_set_signature_run(nnfw_session *session, const char *signature)
{
    SESSION_CALL(session, oc_sess_set_signature_run(session, signature));
}

NNFW_STATUS nnfw_set_config(nnfw_session *session, const char *key, const char *value)
{
    SESSION_CALL(session, oc_sess_set_config(session, key, value));
}

NNFW_STATUS nnfw_get_config(nnfw_session *session, const char *key, char *value, size_t value_size)
{
    SESSION_CALL(session, oc_sess_get_config(session, key, value, value_size));
}

NNFW_STATUS nnfw_set_prepare_config(nnfw_session *session, NNFW_PREPARE_CONFIG key,
                                    const char *value)
{
    (void)value; /* onert ignores it */
    SESSION_CALL(session, oc_sess_set_prepare_config(session, key));
}

NNFW_STATUS nnfw_reset_prepare_config(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_reset_prepare_config(session));
}

NNFW_STATUS nnfw_set_execute_config(nnfw_session *session, const NNFW_RUN_CONFIG key,
                                    const char *value)
{
    (void)value;
    SESSION_CALL(session, oc_sess_set_execute_config(session, key));
}

NNFW_STATUS nnfw_reset_execute_config(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_reset_execute_config(session));
}

/* ---- on-device compilation ---- */

NNFW_STATUS nnfw_set_quantization_type(nnfw_session *session, NNFW_QUANTIZE_TYPE qtype)
{
    SESSION_CALL(session, oc_sess_set_quantization_type(session, qtype));
}

NNFW_STATUS nnfw_set_quantized_model_path(nnfw_session *session, const char *path)
{
    SESSION_CALL(session, oc_sess_set_quantized_model_path(session, path));
}

NNFW_STATUS nnfw_quantize(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_quantize(session));
}

NNFW_STATUS nnfw_set_codegen_model_path(nnfw_session *session, const char *path)
{
    SESSION_CALL(session, oc_sess_set_codegen_model_path(session, path));
}

NNFW_STATUS nnfw_codegen(nnfw_session *session, const char *target, NNFW_CODEGEN_PREF pref)
{
    SESSION_CALL(session, oc_sess_codegen(session, target, pref));
}

NNFW_STATUS nnfw_set_odc_param_minmax_records_count(nnfw_session *session, int minmax_records_count)
{
    SESSION_CALL(session, oc_sess_set_minmax_records(session, minmax_records_count));
}

NNFW_STATUS nnfw_odc_delete_minmax_file(nnfw_session *session)
{
    SESSION_CALL(session, oc_sess_delete_minmax_file(session));
}

NNFW_STATUS nnfw_run_with_auto_compilation(nnfw_session *session, const char *target,
                                           NNFW_CODEGEN_PREF pref)
{
    SESSION_CALL(session, oc_sess_run_auto_compilation(session, target, pref));
}
