/* nnfw_load_model_from_file (model file or nnpackage directory) and
 * nnfw_load_circle_from_buffer. A failed load leaves the session INITIALIZED. */
#include "api/session.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/model_reader.h"
#include "format/nnpackage.h"

NNFW_STATUS oc_sess_adopt_graph(nnfw_session *s, oc_graph *g, const char *path)
{
    if (g->nsubgraphs < 1)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Failed to load model : no subgraph");
    const oc_subgraph *sg = &g->subgraphs[0];
    s->graph = g;
    s->nin = sg->ninputs;
    s->nout = sg->noutputs;
    s->in_opts = calloc((size_t)s->nin + 1, sizeof *s->in_opts);
    s->out_opts = calloc((size_t)s->nout + 1, sizeof *s->out_opts);
    if (!s->in_opts || !s->out_opts || !oc_sess_set_string(&s->model_path, path)) {
        oc_sess_drop_model(s);
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "Failed to load model : out of memory");
    }
    s->signature = -1;
    s->state = OC_SESS_MODEL_LOADED;
    return NNFW_STATUS_NO_ERROR;
}

/* Lowercase extension of the file name (after the last '.' of the last path component);
 * "" when there is none. */
static void model_type_of(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    out[0] = '\0';
    if (!dot || dot == base + strlen(base) - 1) return;
    size_t i = 0;
    for (const char *p = dot + 1; *p && i + 1 < n; p++)
        out[i++] = (char)tolower((unsigned char)*p);
    out[i] = '\0';
}

static NNFW_STATUS load_model_file(nnfw_session *s, const char *path, const char *type,
                                   bool signatures)
{
    if (strcmp(type, "circle") != 0 && strcmp(type, "tflite") != 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Failed to load model : unsupported model type '%s' of '%s' (onert-c "
                            "loads circle and tflite models)",
                            type, path);
    oc_err err = {{0}};
    oc_graph *g = NULL;
    if (oc_model_load_file(path, &g, &err) != OC_OK)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Failed to load model : %s", err.msg);
    NNFW_STATUS st = oc_sess_adopt_graph(s, g, path);
    if (st == NNFW_STATUS_NO_ERROR) s->has_signatures = signatures;
    return st;
}

static NNFW_STATUS load_package(nnfw_session *s, const char *dir)
{
    oc_nnpackage *pkg = calloc(1, sizeof *pkg);
    if (!pkg)
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY, "Failed to load model : out of memory");
    oc_err err = {{0}};
    NNFW_STATUS st;
    if (oc_nnpackage_read(dir, pkg, &err) != OC_OK) {
        st = oc_sess_fail(s, NNFW_STATUS_ERROR, "Failed to load model : %s", err.msg);
        goto done;
    }
    /* Config keys apply before the model loads, as onert's package config does. */
    for (int i = 0; i < pkg->nconfig; i++) {
        st = oc_sess_apply_config(s, pkg->config_key[i], pkg->config_value[i], true);
        if (st != NNFW_STATUS_NO_ERROR) goto done;
    }
    if (pkg->model_type[0] == '\0') {
        st = oc_sess_fail(s, NNFW_STATUS_ERROR,
                          "Cannot determine model type for '%s' : Please specify model-types in "
                          "MANIFEST or use a file with valid extension",
                          pkg->model_path);
        goto done;
    }
    char type[32];
    size_t i = 0;
    for (; pkg->model_type[i] && i + 1 < sizeof type; i++)
        type[i] = (char)tolower((unsigned char)pkg->model_type[i]);
    type[i] = '\0';
    st = load_model_file(s, pkg->model_path, type, false);
done:
    free(pkg);
    return st;
}

NNFW_STATUS oc_sess_load_path(nnfw_session *s, const char *path)
{
    if (s->state != OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE, "Invalid state : %d", (int)s->state);
    if (!path)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Invalid argument : path is NULL");
    if (strnlen(path, OC_MAX_PATH_LENGTH) >= OC_MAX_PATH_LENGTH)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Invalid argument : path is too long");

    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return load_package(s, path);

    char type[32];
    model_type_of(path, type, sizeof type);
    if (type[0] == '\0')
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Cannot determine model type from file name extension '%s'", path);
    return load_model_file(s, path, type, true);
}

NNFW_STATUS oc_sess_load_buffer(nnfw_session *s, uint8_t *buf, size_t size)
{
    if (s->state != OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE, "Invalid state : %d", (int)s->state);
    if (!buf)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Invalid argument : buffer is NULL");
    if (size == 0) return oc_sess_fail(s, NNFW_STATUS_ERROR, "Invalid argument : size is 0");
    oc_err err = {{0}};
    oc_graph *g = NULL;
    if (oc_model_load_buffer(buf, size, &g, &err) != OC_OK)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during model loading : %s", err.msg);
    return oc_sess_adopt_graph(s, g, NULL);
}
