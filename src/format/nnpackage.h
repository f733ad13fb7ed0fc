/* nnpackage directories: <dir>/metadata/MANIFEST (JSON) names the model file(s) and an optional
 * config file of key=value lines (onert's Config.lst keys). */
#ifndef OC_FORMAT_NNPACKAGE_H
#define OC_FORMAT_NNPACKAGE_H

#include "core/status.h"

#define OC_NNPKG_MAX_CONFIG 64
#define OC_PATH_MAX 4096

typedef struct oc_nnpackage {
    char model_path[OC_PATH_MAX]; /* first (default) model, joined with the package dir */
    char model_type[32];          /* "circle", "tflite", ... from model-types or the extension */
    int nconfig;
    char config_key[OC_NNPKG_MAX_CONFIG][64];
    char config_value[OC_NNPKG_MAX_CONFIG][256];
} oc_nnpackage;

/* Reads <dir>/metadata/MANIFEST and its config file. */
oc_status oc_nnpackage_read(const char *dir, oc_nnpackage *pkg, oc_err *err);

#endif
