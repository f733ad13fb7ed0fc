/* Training and deprecated entry points. onert-c does not train: these functions make onert's
 * NULL and state checks (a session never reaches onert's training states, so calls that need
 * them return NNFW_STATUS_INVALID_STATE) and the others return NNFW_STATUS_ERROR. */
#include "api/session.h"
#include "nnfw/nnfw_internal.h"

#define NOT_SUPPORTED(s, what)                                                                     \
    oc_sess_fail((s), NNFW_STATUS_ERROR, "Error during Session::%s : training is not supported",   \
                 (what))

static NNFW_STATUS not_training(nnfw_session *s, const char *what)
{
    return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                        "Error during Session::%s : Invalid state (training is not supported, "
                        "so the session is never prepared for training)",
                        what);
}

static NNFW_STATUS null_arg(nnfw_session *s, const char *what, const char *arg)
{
    return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Error during Session::%s : %s is NULL",
                        what, arg);
}

NNFW_STATUS nnfw_train_get_traininfo(nnfw_session *session, nnfw_train_info *info)
{
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    const char *what = "train_get_traininfo";
    if (session->state == OC_SESS_INITIALIZED)
        return oc_sess_fail(session, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Model is not loaded", what);
    if (!info) return null_arg(session, what, "info");
    return NOT_SUPPORTED(session, what);
}

NNFW_STATUS nnfw_train_set_traininfo(nnfw_session *session, const nnfw_train_info *info)
{
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    const char *what = "train_set_traininfo";
    if (session->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(session, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Model is not loaded", what);
    if (!info) return null_arg(session, what, "info");
    return NOT_SUPPORTED(session, what);
}

NNFW_STATUS nnfw_train_prepare(nnfw_session *session)
{
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    if (session->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(session, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::train_prepare : Invalid state");
    return NOT_SUPPORTED(session, "train_prepare");
}

NNFW_STATUS nnfw_train_input_tensorinfo(nnfw_session *session, uint32_t index,
                                        nnfw_tensorinfo *info)
{
    (void)index, (void)info;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    return not_training(session, "train_input_tensorinfo");
}

NNFW_STATUS nnfw_train_expected_tensorinfo(nnfw_session *session, uint32_t index,
                                           nnfw_tensorinfo *info)
{
    (void)index, (void)info;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    return not_training(session, "train_expected_tensorinfo");
}

NNFW_STATUS nnfw_train_set_input(nnfw_session *session, uint32_t index, const void *input,
                                 const nnfw_tensorinfo *input_info)
{
    (void)index, (void)input_info;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    if (!input) return null_arg(session, "train_set_input", "input");
    return not_training(session, "train_set_input");
}

NNFW_STATUS nnfw_train_set_expected(nnfw_session *session, uint32_t index, const void *expected,
                                    const nnfw_tensorinfo *expected_info)
{
    (void)index, (void)expected_info;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    if (!expected) return null_arg(session, "train_set_expected", "expected");
    return not_training(session, "train_set_expected");
}

NNFW_STATUS nnfw_train_set_output(nnfw_session *session, uint32_t index, NNFW_TYPE type,
                                  void *buffer, size_t length)
{
    (void)index, (void)type, (void)buffer, (void)length;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    return not_training(session, "train_set_output");
}

NNFW_STATUS nnfw_train(nnfw_session *session, bool update_weights)
{
    (void)update_weights;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    return not_training(session, "train_run");
}

NNFW_STATUS nnfw_train_get_loss(nnfw_session *session, uint32_t index, float *loss)
{
    (void)index;
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    if (!loss) return null_arg(session, "train_get_loss", "loss");
    return not_training(session, "train_get_loss");
}

static NNFW_STATUS path_call(nnfw_session *session, const char *path, const char *what)
{
    if (!session) return NNFW_STATUS_UNEXPECTED_NULL;
    if (!path) return null_arg(session, what, "path");
    return not_training(session, what);
}

NNFW_STATUS nnfw_train_export_circle(nnfw_session *session, const char *path)
{
    return path_call(session, path, "train_export_circle");
}

NNFW_STATUS nnfw_train_export_circleplus(nnfw_session *session, const char *file_path)
{
    return path_call(session, file_path, "train_export_circleplus");
}

NNFW_STATUS nnfw_train_import_checkpoint(nnfw_session *session, const char *path)
{
    return path_call(session, path, "train_import_checkpoint");
}

NNFW_STATUS nnfw_train_export_checkpoint(nnfw_session *session, const char *path)
{
    return path_call(session, path, "train_export_checkpoint");
}

/* ---- deprecated ---- */

static NNFW_STATUS deprecated(nnfw_session *s, const char *msg)
{
    if (!s) return NNFW_STATUS_UNEXPECTED_NULL;
    oc_sess_fail(s, NNFW_STATUS_DEPRECATED_API, "%s", msg);
    return NNFW_STATUS_DEPRECATED_API;
}

NNFW_STATUS nnfw_apply_tensorinfo(nnfw_session *session, uint32_t index,
                                  nnfw_tensorinfo tensor_info)
{
    (void)index, (void)tensor_info;
    return deprecated(session, "nnfw_apply_tensorinfo: Deprecated");
}

NNFW_STATUS nnfw_set_op_backend(nnfw_session *session, const char *op, const char *backend)
{
    (void)op, (void)backend;
    return deprecated(session, "nnfw_set_op_backend: Deprecated");
}

NNFW_STATUS nnfw_prepare_pipeline(nnfw_session *session, const char *map_file_path)
{
    (void)map_file_path;
    return deprecated(session, "nnfw_prepare_pipeline: Deprecated");
}

NNFW_STATUS nnfw_push_pipeline_input(nnfw_session *session, void *inputs, void *lengths)
{
    (void)inputs, (void)lengths;
    return deprecated(session, "nnfw_push_pipeline_input: Deprecated");
}

NNFW_STATUS nnfw_pop_pipeline_output(nnfw_session *session, void *outputs)
{
    (void)outputs;
    return deprecated(session, "nnfw_pop_pipeline_output: Deprecated");
}
