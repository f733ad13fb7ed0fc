/* Access to the shared real-model corpus (../shared/models, or $ONERT_C_MODELS) for tests. */
#ifndef OC_TESTS_MODEL_FILES_H
#define OC_TESTS_MODEL_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* The models folder, or NULL when absent. When absent and ONERT_C_REQUIRE_MODELS=1 (set by
 * .ci/run), the caller must fail instead of skipping: use mf_require_models(). */
const char *mf_models_dir(void);
/* Returns true when the models are there; otherwise prints why and returns false, or fails
 * the test (cmocka fail_msg) when ONERT_C_REQUIRE_MODELS=1. */
bool mf_require_models(void);

/* Reads a whole file into a malloc'd buffer. Returns NULL if missing. */
void *mf_read(const char *path, size_t *size);
/* "<models>/<rel>" into buf. */
const char *mf_path(char *buf, size_t n, const char *rel);

#endif
