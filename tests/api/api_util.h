/* Helpers shared by the API tests (header only: tests/api/test_*.c are separate programs). */
#ifndef OC_TESTS_API_UTIL_H
#define OC_TESTS_API_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model_files.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"

/* A distinctive error put into the session before each call expected to fail, so the test sees
 * that the call stored its own message. */
#define AU_MARKER "nnfw_set_op_backend: Deprecated"

static inline void au_mark(nnfw_session *s)
{
    assert_int_equal(nnfw_set_op_backend(s, "x", "y"), NNFW_STATUS_DEPRECATED_API);
}

static inline void au_check_failed(nnfw_session *s, NNFW_STATUS got, NNFW_STATUS want,
                                   const char *call, const char *file, int line)
{
    if (got != want)
        fail_msg("%s:%d: %s returned %d, expected %d", file, line, call, (int)got, (int)want);
    char msg[1024];
    if (nnfw_get_last_error_message(s, msg, sizeof msg) != NNFW_STATUS_NO_ERROR)
        fail_msg("%s:%d: cannot read the error message after %s", file, line, call);
    if (msg[0] == '\0' || strcmp(msg, AU_MARKER) == 0)
        fail_msg("%s:%d: %s stored no error message", file, line, call);
}

/* Expects `call` on session s to fail with `want` and to store a message. */
#define EXPECT_FAIL(s, want, call)                                                                 \
    do {                                                                                           \
        au_mark(s);                                                                                \
        NNFW_STATUS got_ = (call);                                                                 \
        au_check_failed((s), got_, (want), #call, __FILE__, __LINE__);                             \
    } while (0)

#define EXPECT_OK(call)                                                                            \
    do {                                                                                           \
        NNFW_STATUS got_ = (call);                                                                 \
        if (got_ != NNFW_STATUS_NO_ERROR)                                                          \
            fail_msg("%s:%d: %s returned %d", __FILE__, __LINE__, #call, (int)got_);               \
    } while (0)

#define EXPECT_STATUS(want, call) assert_int_equal((int)(call), (int)(want))

/* "<models>/<name>" or NULL (test skipped) when the models are absent. */
static inline const char *au_model(const char *name, char *buf, size_t n)
{
    if (!mf_require_models()) return NULL;
    return mf_path(buf, n, name);
}

#define AU_MODEL_OR_SKIP(var, name)                                                                \
    char var##_buf_[4096];                                                                         \
    const char *var = au_model((name), var##_buf_, sizeof var##_buf_);                             \
    if (!var) {                                                                                    \
        skip();                                                                                    \
        return;                                                                                    \
    }

static inline nnfw_session *au_load(const char *path)
{
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    NNFW_STATUS st = nnfw_load_model_from_file(s, path);
    if (st != NNFW_STATUS_NO_ERROR) {
        char msg[1024] = "";
        nnfw_get_last_error_message(s, msg, sizeof msg);
        fail_msg("loading %s: status %d: %s", path, (int)st, msg);
    }
    return s;
}

static inline nnfw_session *au_prepared(const char *path)
{
    nnfw_session *s = au_load(path);
    NNFW_STATUS st = nnfw_prepare(s);
    if (st != NNFW_STATUS_NO_ERROR) {
        char msg[1024] = "";
        nnfw_get_last_error_message(s, msg, sizeof msg);
        fail_msg("preparing %s: status %d: %s", path, (int)st, msg);
    }
    return s;
}

/* Reads <models>/ref/<name> as floats (malloc'd), n = element count. */
static inline float *au_ref(const char *name, size_t *n)
{
    char rel[512], path[4096];
    snprintf(rel, sizeof rel, "ref/%s", name);
    size_t size = 0;
    float *p = mf_read(mf_path(path, sizeof path, rel), &size);
    if (!p) fail_msg("missing reference file %s", path);
    *n = size / sizeof(float);
    return p;
}

#endif
