/* nnpackage directories: metadata/MANIFEST (JSON) and its optional key=value config file. */
#include "format/nnpackage.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* MANIFEST and config files are small; anything bigger is not one. */
#define NNPKG_MAX_FILE (1 << 20)

/* Reads a whole small regular file into a NUL-terminated malloc'd buffer. */
static oc_status read_text(const char *path, const char *what, char **out, oc_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
    if (fd < 0) return OC_ERRF(err, "nnpackage: cannot open %s '%.400s'", what, path);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > NNPKG_MAX_FILE) {
        close(fd);
        return OC_ERRF(err, "nnpackage: %s '%.400s' is not a readable file", what, path);
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = malloc(n + 1);
    if (!buf) {
        close(fd);
        return OC_NOMEMF(err);
    }
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    buf[got] = 0;
    *out = buf;
    return OC_OK;
}

/* Copies s into dst (size n); fails when it does not fit. */
static oc_status copy_str(char *dst, size_t n, const char *s, const char *what, oc_err *err)
{
    size_t len = strlen(s);
    if (len >= n) return OC_ERRF(err, "nnpackage: %s is too long (%zu bytes)", what, len);
    memcpy(dst, s, len + 1);
    return OC_OK;
}

/* The first string of a JSON array field, or NULL when absent/empty. Fails on a wrong type. */
static oc_status first_string(const cJSON *root, const char *field, const char **out, oc_err *err)
{
    *out = NULL;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, field);
    if (!a) return OC_OK;
    if (!cJSON_IsArray(a)) return OC_ERRF(err, "nnpackage: MANIFEST '%s' is not an array", field);
    const cJSON *first = cJSON_GetArrayItem(a, 0);
    if (!first) return OC_OK;
    if (!cJSON_IsString(first))
        return OC_ERRF(err, "nnpackage: MANIFEST '%s' holds a non-string", field);
    *out = first->valuestring;
    return OC_OK;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* key=value lines; '#' starts a comment; blank lines ignored. */
static oc_status parse_config(char *text, oc_nnpackage *pkg, oc_err *err)
{
    int lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *l = trim(line);
        if (!*l) continue;
        char *eq = strchr(l, '=');
        if (!eq) return OC_ERRF(err, "nnpackage: config line %d has no '='", lineno);
        *eq = 0;
        char *key = trim(l), *value = trim(eq + 1);
        if (!*key) return OC_ERRF(err, "nnpackage: config line %d has an empty key", lineno);
        int slot = pkg->nconfig;
        for (int i = 0; i < pkg->nconfig; i++)
            if (strcmp(pkg->config_key[i], key) == 0) slot = i; /* a later line wins */
        if (slot == OC_NNPKG_MAX_CONFIG)
            return OC_ERRF(err, "nnpackage: more than %d config entries", OC_NNPKG_MAX_CONFIG);
        OC_TRY(
            copy_str(pkg->config_key[slot], sizeof pkg->config_key[slot], key, "config key", err));
        OC_TRY(copy_str(pkg->config_value[slot], sizeof pkg->config_value[slot], value,
                        "config value", err));
        if (slot == pkg->nconfig) pkg->nconfig++;
    }
    return OC_OK;
}

/* "a/b/model.Circle" -> "circle"; "" when there is no extension. */
static void extension_type(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    out[0] = 0;
    if (!dot || (slash && dot < slash) || dot[1] == 0 || strlen(dot + 1) >= n) return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        out[i++] = (char)tolower((unsigned char)*p);
    out[i] = 0;
}

oc_status oc_nnpackage_read(const char *dir, oc_nnpackage *pkg, oc_err *err)
{
    if (!dir || !pkg) return OC_ERRF(err, "nnpackage: null argument");
    memset(pkg, 0, sizeof *pkg);
    char path[OC_PATH_MAX + 64];
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--; /* "pkg/" and "pkg" are the same */
    if (dlen >= OC_PATH_MAX) return OC_ERRF(err, "nnpackage: path too long");
    snprintf(path, sizeof path, "%.*s/metadata/MANIFEST", (int)dlen, dir);

    char *text = NULL, *config_text = NULL;
    cJSON *root = NULL;
    oc_status st = read_text(path, "MANIFEST", &text, err);
    if (st != OC_OK) goto fail;
    root = cJSON_Parse(text);
    if (!root || !cJSON_IsObject(root)) {
        st = OC_ERRF(err, "nnpackage: MANIFEST '%.400s' is not valid JSON", path);
        goto fail;
    }
    const char *model = NULL, *type = NULL, *config = NULL;
    if ((st = first_string(root, "models", &model, err)) != OC_OK ||
        (st = first_string(root, "model-types", &type, err)) != OC_OK ||
        (st = first_string(root, "configs", &config, err)) != OC_OK)
        goto fail;
    if (!model || !*model) {
        st = OC_ERRF(err, "nnpackage: MANIFEST lists no models");
        goto fail;
    }
    int k = snprintf(pkg->model_path, sizeof pkg->model_path, "%.*s/%s", (int)dlen, dir, model);
    if (k < 0 || (size_t)k >= sizeof pkg->model_path) {
        st = OC_ERRF(err, "nnpackage: model path too long");
        goto fail;
    }
    if (type && *type) {
        if ((st = copy_str(pkg->model_type, sizeof pkg->model_type, type, "model type", err)))
            goto fail;
    } else {
        extension_type(model, pkg->model_type, sizeof pkg->model_type);
    }
    if (!pkg->model_type[0]) {
        st = OC_ERRF(err,
                     "nnpackage: no model type for '%.400s' (no model-types entry and no "
                     "file extension)",
                     model);
        goto fail;
    }
    if (config && *config) {
        k = snprintf(path, sizeof path, "%.*s/metadata/%s", (int)dlen, dir, config);
        if (k < 0 || (size_t)k >= sizeof path) {
            st = OC_ERRF(err, "nnpackage: config path too long");
            goto fail;
        }
        if ((st = read_text(path, "config file", &config_text, err)) != OC_OK) goto fail;
        if ((st = parse_config(config_text, pkg, err)) != OC_OK) goto fail;
    }
fail:
    cJSON_Delete(root);
    free(text);
    free(config_text);
    return st;
}
