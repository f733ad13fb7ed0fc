/* Options: configuration keys, backends, workspace, prepare/execute configs, custom kernels,
 * signatures. */
#include "api/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

NNFW_STATUS oc_sess_apply_config(nnfw_session *s, const char *key, const char *value,
                                 bool from_package)
{
    /* onert: an empty value means "unset" (the default applies). */
    bool empty = value[0] == '\0';
    int v;
    if (strcmp(key, "NUM_THREADS") == 0) {
        if (empty) {
            s->num_threads = -1;
        } else if (oc_sess_parse_int(value, &v)) {
            s->num_threads = v;
        } else {
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::set_config : NUM_THREADS must be an "
                                "integer, not '%s'",
                                value);
        }
    } else if (strcmp(key, "ENABLE_LOG") == 0) {
        s->log_enabled = !empty && oc_sess_parse_bool(value);
    } else if (strcmp(key, "EXECUTOR") == 0) {
        const char *name = empty ? "Linear" : value;
        if (strlen(name) >= sizeof s->executor)
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::set_config : EXECUTOR name is too long");
        strcpy(s->executor, name);
    } else if (strcmp(key, "GRAPH_DOT_DUMP") == 0) {
        if (empty) {
            s->graph_dot_dump = 0;
        } else if (oc_sess_parse_int(value, &v)) {
            s->graph_dot_dump = v;
        } else {
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::set_config : GRAPH_DOT_DUMP must be an "
                                "integer, not '%s'",
                                value);
        }
    } else if (strcmp(key, "USE_SCHEDULER") == 0) {
        s->use_scheduler = !empty && oc_sess_parse_bool(value);
    } else if (strcmp(key, "PROFILING_MODE") == 0) {
        s->profiling_mode = !empty && oc_sess_parse_bool(value);
    } else if (from_package && strcmp(key, "BACKENDS") == 0) {
        if (strlen(value) >= sizeof s->backends)
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Failed to load model : BACKENDS in the package config is too "
                                "long");
        strcpy(s->backends, value);
    } else if (from_package && strcmp(key, "WORKSPACE_DIR") == 0) {
        if (!oc_sess_set_string(&s->workspace, empty ? "." : value))
            return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    } else if (!from_package) {
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::set_config : Unknown config key");
    }
    /* Other package config keys (onert's Config.lst) have no effect here. */
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_config(nnfw_session *s, const char *key, const char *value)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_config : Model is not loaded");
    if (!key)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::set_config : key is NULL");
    if (!value)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::set_config : value is NULL");
    return oc_sess_apply_config(s, key, value, false);
}

static NNFW_STATUS copy_out(nnfw_session *s, const char *src, char *dst, size_t size,
                            const char *what)
{
    if (size < strlen(src) + 1)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::get_config : Buffer is too small to copy %s",
                            what);
    memcpy(dst, src, strlen(src) + 1);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_get_config(nnfw_session *s, const char *key, char *value, size_t size)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::get_config : Model is not loaded");
    if (!key)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::get_config : key is NULL");
    if (!value)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::get_config : value is NULL");
    if (strcmp(key, "BACKENDS") == 0) {
        if (s->backends[0] == '\0') return NNFW_STATUS_NO_ERROR; /* as onert: untouched */
        return copy_out(s, s->backends, value, size, "backends");
    }
    if (strcmp(key, "EXECUTOR") == 0) return copy_out(s, s->executor, value, size, "executor");
    if (strcmp(key, "NUM_THREADS") == 0) {
        char num[16];
        snprintf(num, sizeof num, "%d", s->num_threads);
        return copy_out(s, num, value, size, "num_threads");
    }
    return oc_sess_fail(s, NNFW_STATUS_ERROR,
                        "Error during Session::get_config : Unknown config key");
}

NNFW_STATUS oc_sess_set_backends(nnfw_session *s, const char *backends)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_available_backends : Model is not loaded");
    if (!backends)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::set_available_backends : backends is NULL");
    size_t n = strnlen(backends, OC_MAX_BACKEND_NAME_LENGTH);
    if (n >= OC_MAX_BACKEND_NAME_LENGTH)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::set_available_backends : backends is too long");
    /* Stored ';'-joined as onert's split/join would give it back: no trailing separator. */
    memcpy(s->backends, backends, n + 1);
    while (n > 0 && s->backends[n - 1] == ';')
        s->backends[--n] = '\0';
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_backends_per_op(nnfw_session *s, const char *settings)
{
    if (!settings)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::set_backends_per_operation : backend_settings "
                            "is NULL");
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_backends_per_operation : Model is not "
                            "loaded");
    /* "<opIndex>=<backend>;..." */
    const char *p = settings;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        bool ok = eq && eq > p && (size_t)(eq - p) + 1 < len;
        for (const char *d = p; ok && d < eq; d++)
            ok = *d >= '0' && *d <= '9';
        if (len > 0 && !ok)
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::set_backends_per_operation : invalid "
                                "entry '%.*s' (expected <opIndex>=<backend>)",
                                (int)len, p);
        p += len;
        if (*p == ';') p++;
    }
    if (!oc_sess_set_string(&s->backend_map, settings))
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_workspace(nnfw_session *s, const char *dir)
{
    if (!dir)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::set_workspace : dir is NULL");
    if (s->state != OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_workspace : Invalid state");
    if (!oc_sess_set_string(&s->workspace, dir))
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_prepare_config(nnfw_session *s, NNFW_PREPARE_CONFIG key)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_prepare_config : Invalid state");
    switch (key) {
    case NNFW_PREPARE_CONFIG_PROFILE: s->prepare_profile = true; break;
    case NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC: s->internal_output_alloc = true; break;
    default:
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::set_prepare_config : Invalid config key");
    }
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_reset_prepare_config(nnfw_session *s)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::reset_prepare_config : Invalid state");
    s->prepare_profile = false; /* as onert: internal output allocation stays */
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_execute_config(nnfw_session *s, NNFW_RUN_CONFIG key)
{
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_execute_config : Invalid state");
    switch (key) {
    case NNFW_RUN_CONFIG_DUMP_MINMAX:
    case NNFW_RUN_CONFIG_TRACE:
        if (s->workspace[0] == '\0')
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::set_execute_config : workspace is empty");
        if (key == NNFW_RUN_CONFIG_DUMP_MINMAX)
            s->dump_minmax = true;
        else
            s->trace = true;
        break;
    case NNFW_RUN_CONFIG_PROFILE: s->profile = true; break;
    default:
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::set_execute_config : Invalid config key");
    }
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_reset_execute_config(nnfw_session *s)
{
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_execution_config : Invalid state");
    s->dump_minmax = s->trace = s->profile = false;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_register_custom(nnfw_session *s, const char *id,
                                    const custom_kernel_registration_info *info)
{
    if (!id || !info || !info->eval_function)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::register_custom_operation : id, info or its "
                            "eval_function is NULL");
    for (int32_t i = 0; i < s->ncustom; i++) {
        if (strcmp(s->custom[i].name, id) == 0) {
            s->custom[i].eval = info->eval_function;
            return NNFW_STATUS_NO_ERROR;
        }
    }
    oc_sess_kernel *grown = realloc(s->custom, ((size_t)s->ncustom + 1) * sizeof *grown);
    if (!grown) return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    s->custom = grown;
    char *name = strdup(id);
    if (!name) return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "out of memory");
    s->custom[s->ncustom].name = name;
    s->custom[s->ncustom].eval = info->eval_function;
    s->ncustom++;
    return NNFW_STATUS_NO_ERROR;
}

/* Signature index by key, or -1. Only single-file loads have a signature map (as onert). */
static int32_t find_signature(const nnfw_session *s, const char *key)
{
    if (!s->has_signatures) return -1;
    for (int32_t i = 0; i < s->graph->nsignatures; i++) {
        const char *k = s->graph->signatures[i].key;
        if (k && strcmp(k, key) == 0) return i;
    }
    return -1;
}

static NNFW_STATUS check_signature(nnfw_session *s, int32_t idx, const char *key, const char *what)
{
    if (idx < 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : Cannot find signature \"%s\"", what, key);
    int32_t sgi = s->graph->signatures[idx].subgraph;
    if (sgi != 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : signature \"%s\" runs subgraph %d; "
                            "running a subgraph other than 0 is not supported yet",
                            what, key, sgi);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_configure_signature(nnfw_session *s, const char *signature)
{
    if (!signature)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::configure_signature : signature is NULL");
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::configure_signature : Invalid state");
    int32_t idx = find_signature(s, signature);
    NNFW_STATUS st = check_signature(s, idx, signature, "configure_signature");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    const oc_signature *sig = &s->graph->signatures[idx];
    if (sig->ninputs != s->nin || sig->noutputs != s->nout)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::configure_signature : signature \"%s\" does "
                            "not describe all inputs and outputs of subgraph 0",
                            signature);
    s->signature = idx;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_signature_run(nnfw_session *s, const char *signature)
{
    if (!signature)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::set_signature_run : signature is NULL");
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::set_signature_run : Invalid state");
    int32_t idx = find_signature(s, signature);
    NNFW_STATUS st = check_signature(s, idx, signature, "set_signature_run");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    /* A new execution for the entry: previous I/O bindings are invalidated. */
    memset(s->in_bind, 0, (size_t)s->nin * sizeof *s->in_bind);
    memset(s->out_bind, 0, (size_t)s->nout * sizeof *s->out_bind);
    return NNFW_STATUS_NO_ERROR;
}
