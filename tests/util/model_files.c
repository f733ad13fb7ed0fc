#include "model_files.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

const char *mf_models_dir(void)
{
    static char dir[4096];
    const char *env = getenv("ONERT_C_MODELS");
    snprintf(dir, sizeof dir, "%s", env && *env ? env : OC_DEFAULT_MODELS);
    struct stat st;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/ref/manifest.json", dir);
    return stat(probe, &st) == 0 ? dir : NULL;
}

bool mf_require_models(void)
{
    if (mf_models_dir()) return true;
    const char *req = getenv("ONERT_C_REQUIRE_MODELS");
    if (req && strcmp(req, "1") == 0) {
        fail_msg("shared models not found (ONERT_C_MODELS=%s) and ONERT_C_REQUIRE_MODELS=1",
                 getenv("ONERT_C_MODELS") ? getenv("ONERT_C_MODELS") : "unset");
    }
    printf("SKIP: shared models not found (set ONERT_C_MODELS)\n");
    return false;
}

const char *mf_path(char *buf, size_t n, const char *rel)
{
    const char *dir = mf_models_dir();
    snprintf(buf, n, "%s/%s", dir ? dir : ".", rel);
    return buf;
}

void *mf_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) *size = (size_t)n;
    return buf;
}
