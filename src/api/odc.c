/* On-device compilation entry points: parameters are checked and stored exactly as onert does
 * (including its INVALID_STATE results for a bad quantization type or a failed quantization);
 * the quantizer, the codegen plugin host and auto compilation are a later issue, so the calls
 * that would start that work return NNFW_STATUS_ERROR "... is not supported yet". */
#include "api/session.h"

#include <stdio.h>
#include <string.h>

/* Gate shared by the ODC setters: any state but INITIALIZED and RUNNING. */
static NNFW_STATUS odc_state(nnfw_session *s, const char *what)
{
    if (s->state == OC_SESS_INITIALIZED || s->state == OC_SESS_RUNNING)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Invalid state", what);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_quantization_type(nnfw_session *s, NNFW_QUANTIZE_TYPE qtype)
{
    NNFW_STATUS st = odc_state(s, "set_quantization_type");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    switch (qtype) {
    case NNFW_QUANTIZE_TYPE_U8_ASYM:
    case NNFW_QUANTIZE_TYPE_I16_SYM:
    case NNFW_QUANTIZE_TYPE_WO_I8_SYM:
    case NNFW_QUANTIZE_TYPE_WO_I16_SYM: s->qtype = qtype; return NNFW_STATUS_NO_ERROR;
    default:
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_quantization_type : Invalid quantization "
                            "type");
    }
}

static NNFW_STATUS set_path(nnfw_session *s, char **dst, const char *path, const char *what)
{
    NNFW_STATUS st = odc_state(s, what);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    if (!path) /* onert: std::string(NULL) throws, reported as ERROR */
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during Session::%s : path is NULL", what);
    if (!oc_sess_set_string(dst, path))
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_quantized_model_path(nnfw_session *s, const char *path)
{
    return set_path(s, &s->quantized_path, path, "set_quantized_model_path");
}

NNFW_STATUS oc_sess_set_codegen_model_path(nnfw_session *s, const char *path)
{
    return set_path(s, &s->codegen_path, path, "set_codegen_model_path");
}

NNFW_STATUS oc_sess_quantize(nnfw_session *s)
{
    NNFW_STATUS st = odc_state(s, "quantize");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    /* onert's QuantizeManager returns false on these, reported as INVALID_STATE. */
    if (!s->model_path || !s->model_path[0])
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::quantize : Quantization failed (the model was "
                            "not loaded from a file)");
    if (!s->quantized_path || !s->quantized_path[0])
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::quantize : Quantization failed (no quantized "
                            "model path: call nnfw_set_quantized_model_path)");
    if (s->qtype == NNFW_QUANTIZE_TYPE_NOT_SET)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::quantize : Quantization failed (quantization "
                            "type is not set)");
    return oc_sess_fail(s, NNFW_STATUS_ERROR,
                        "Error during Session::quantize : on-device quantization is not "
                        "supported yet");
}

/* "<ext>-gen" with a non-empty <ext> and no path separator. */
static bool valid_target(const char *target)
{
    size_t n = strlen(target);
    return n >= 5 && strcmp(target + n - 4, "-gen") == 0 && !strchr(target, '/');
}

NNFW_STATUS oc_sess_codegen(nnfw_session *s, const char *target, NNFW_CODEGEN_PREF pref)
{
    NNFW_STATUS st = odc_state(s, "codegen");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    if (!target || !valid_target(target))
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during Session::codegen : Invalid target");
    switch (pref) {
    case NNFW_CODEGEN_PREF_DEFAULT:
    case NNFW_CODEGEN_PREF_PERFORMANCE_FIRST:
    case NNFW_CODEGEN_PREF_MEMORY_FIRST:
    case NNFW_CODEGEN_PREF_COMPILE_TIME_FIRST: break;
    default:
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::codegen : Invalid preference");
    }
    if (!s->model_path)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::codegen : the model was not loaded from a file");
    return oc_sess_fail(s, NNFW_STATUS_ERROR,
                        "Error during Session::codegen : on-device code generation (target %s) "
                        "is not supported yet",
                        target);
}

NNFW_STATUS oc_sess_set_minmax_records(nnfw_session *s, int count)
{
    NNFW_STATUS st = odc_state(s, "set_odc_param_minmax_records_count");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    s->minmax_records = count;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_delete_minmax_file(nnfw_session *s)
{
    if (s->state == OC_SESS_RUNNING)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::delete_odc_minmax_file : Invalid state");
    char path[OC_MAX_PATH_LENGTH + 16];
    int n = snprintf(path, sizeof path, "%s/minmax.bin", s->workspace);
    if (n < 0 || (size_t)n >= sizeof path || remove(path) != 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::delete_odc_minmax_file : Could not delete "
                            "file");
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_run_auto_compilation(nnfw_session *s, const char *target,
                                         NNFW_CODEGEN_PREF pref)
{
    (void)pref;
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::run_with_auto_compilation : Run should be "
                            "after preparation");
    if (!target)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::run_with_auto_compilation : target is NULL");
    /* onert crashes on targets shorter than 4 characters; here they are just invalid. */
    size_t n = strlen(target);
    if (!s->quantized_path || !s->quantized_path[0] || !s->codegen_path || !s->codegen_path[0] ||
        n < 4 || strcmp(target + n - 4, "-gen") != 0)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::run_with_auto_compilation : Quantization and "
                            "code generation parameters should be set");
    if (s->qtype == NNFW_QUANTIZE_TYPE_NOT_SET)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::run_with_auto_compilation : quantization type "
                            "is not set");
    return oc_sess_fail(s, NNFW_STATUS_ERROR,
                        "Error during Session::run_with_auto_compilation : auto compilation is "
                        "not supported yet");
}
