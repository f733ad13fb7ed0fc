/* Session lifetime, last error, small shared helpers. */
#include "api/session.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

NNFW_STATUS oc_sess_fail(nnfw_session *s, NNFW_STATUS st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->last_error, sizeof s->last_error, fmt, ap);
    va_end(ap);
    if (s->log_enabled) fprintf(stderr, "%s\n", s->last_error);
    return st;
}

bool oc_sess_set_string(char **dst, const char *src)
{
    char *copy = NULL;
    if (src) {
        copy = strdup(src);
        if (!copy) return false;
    }
    free(*dst);
    *dst = copy;
    return true;
}

bool oc_sess_parse_bool(const char *v)
{
    static const char *const falses[] = {"0", "OFF", "FALSE", "N", "NO"};
    for (size_t i = 0; i < sizeof falses / sizeof falses[0]; i++)
        if (strcasecmp(v, falses[i]) == 0) return false;
    return true;
}

bool oc_sess_parse_int(const char *v, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == v || *end != '\0' || errno == ERANGE || x < INT_MIN || x > INT_MAX) return false;
    *out = (int)x;
    return true;
}

NNFW_STATUS oc_sess_create(nnfw_session **out)
{
    if (!out) return NNFW_STATUS_UNEXPECTED_NULL;
    nnfw_session *s = calloc(1, sizeof *s);
    if (!s) {
        *out = NULL;
        return NNFW_STATUS_OUT_OF_MEMORY;
    }
    s->state = OC_SESS_INITIALIZED;
    s->signature = -1;
    s->num_threads = -1;
    strcpy(s->executor, "Linear");
    s->workspace = strdup(".");
    if (!s->workspace) {
        free(s);
        *out = NULL;
        return NNFW_STATUS_OUT_OF_MEMORY;
    }
    /* As onert built with ENVVAR_ONERT_CONFIG: environment variables of the config keys are the
     * defaults; nnfw_set_config and a package config override them. Bad values are ignored. */
    static const char *const env_keys[] = {"NUM_THREADS", "ENABLE_LOG", "EXECUTOR"};
    for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
        const char *v = getenv(env_keys[i]);
        if (v && *v && oc_sess_apply_config(s, env_keys[i], v, false) != NNFW_STATUS_NO_ERROR)
            s->last_error[0] = '\0';
    }
    *out = s;
    return NNFW_STATUS_NO_ERROR;
}

void oc_sess_drop_exec(nnfw_session *s)
{
    oc_exec_destroy(s->exec);
    s->exec = NULL;
    free(s->in_bind);
    free(s->out_bind);
    free(s->pending_shape);
    free(s->pending);
    free(s->exec_custom);
    free(s->exec_fns);
    s->exec_fns = NULL;
    s->in_bind = s->out_bind = NULL;
    s->pending_shape = NULL;
    s->pending = NULL;
    s->exec_custom = NULL;
    s->nexec_custom = 0;
}

void oc_sess_drop_model(nnfw_session *s)
{
    oc_sess_drop_exec(s);
    oc_graph_destroy(s->graph);
    s->graph = NULL;
    free(s->model_path);
    free(s->in_opts);
    free(s->out_opts);
    s->model_path = NULL;
    s->in_opts = s->out_opts = NULL;
    s->nin = s->nout = 0;
    s->has_signatures = false;
    s->signature = -1;
}

void oc_sess_destroy(nnfw_session *s)
{
    if (!s) return;
    if (s->state == OC_SESS_RUNNING) pthread_join(s->thread, NULL);
    oc_sess_drop_model(s);
    for (int32_t i = 0; i < s->ncustom; i++)
        free(s->custom[i].name);
    free(s->custom);
    free(s->backend_map);
    free(s->workspace);
    free(s->quantized_path);
    free(s->codegen_path);
    free(s);
}

NNFW_STATUS oc_sess_last_error(nnfw_session *s, char *buf, size_t len)
{
    if (!buf) return NNFW_STATUS_UNEXPECTED_NULL;
    size_t n = strlen(s->last_error);
    if (len < n + 1) return NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE;
    memcpy(buf, s->last_error, n + 1);
    return NNFW_STATUS_NO_ERROR;
}

bool oc_sess_nnfw_type(const oc_tensor *t, NNFW_TYPE *out)
{
    switch (t->dtype) {
    case OC_F32: *out = NNFW_TYPE_TENSOR_FLOAT32; return true;
    case OC_I32: *out = NNFW_TYPE_TENSOR_INT32; return true;
    case OC_U8:
        *out = t->q.count > 0 ? NNFW_TYPE_TENSOR_QUANT8_ASYMM : NNFW_TYPE_TENSOR_UINT8;
        return true;
    case OC_BOOL: *out = NNFW_TYPE_TENSOR_BOOL; return true;
    case OC_I64: *out = NNFW_TYPE_TENSOR_INT64; return true;
    case OC_I8: *out = NNFW_TYPE_TENSOR_QUANT8_ASYMM_SIGNED; return true;
    case OC_I16: *out = NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED; return true;
    default: return false;
    }
}

NNFW_STATUS oc_sess_fill_info(nnfw_session *s, const oc_tensor *t, const oc_shape *shape,
                              nnfw_tensorinfo *ti, const char *what)
{
    NNFW_TYPE type;
    if (!oc_sess_nnfw_type(t, &type))
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during %s : Model has type that runtime API does not support "
                            "(%s)",
                            what, oc_dtype_name(t->dtype));
    if (shape->rank < 0 || shape->rank > NNFW_MAX_RANK)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during %s : rank %d exceeds NNFW_MAX_RANK (%d)", what,
                            shape->rank, NNFW_MAX_RANK);
    memset(ti, 0, sizeof *ti);
    ti->dtype = type;
    ti->rank = shape->rank;
    for (int32_t i = 0; i < shape->rank; i++)
        ti->dims[i] = shape->dims[i];
    return NNFW_STATUS_NO_ERROR;
}

oc_tensor *oc_sess_graph_input(nnfw_session *s, int32_t i)
{
    oc_subgraph *sg = &s->graph->subgraphs[0];
    if (s->signature >= 0) {
        const oc_signature *sig = &s->graph->signatures[s->signature];
        if (i < sig->ninputs) return &sg->tensors[sig->input_tensors[i]];
    }
    return &sg->tensors[sg->inputs[i]];
}

oc_tensor *oc_sess_graph_output(nnfw_session *s, int32_t i)
{
    oc_subgraph *sg = &s->graph->subgraphs[0];
    if (s->signature >= 0) {
        const oc_signature *sig = &s->graph->signatures[s->signature];
        if (i < sig->noutputs) return &sg->tensors[sig->output_tensors[i]];
    }
    return &sg->tensors[sg->outputs[i]];
}
