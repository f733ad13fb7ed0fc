/* Internal status codes and error messages. Every fallible internal function returns an
 * oc_status; the human-readable reason goes into an oc_err owned by the caller. */
#ifndef OC_CORE_STATUS_H
#define OC_CORE_STATUS_H

#include <stddef.h>

typedef enum oc_status {
    OC_OK = 0,
    OC_ERROR = 1,        /* bad model, bad argument, unsupported feature */
    OC_NOMEM = 2,        /* allocation failed */
    OC_INSUFFICIENT = 3, /* caller's output buffer too small */
    OC_DYNAMIC = 4,      /* prepare: output shape depends on run-time data (not an error) */
} oc_status;

#define OC_ERR_MSG_MAX 512

typedef struct oc_err {
    char msg[OC_ERR_MSG_MAX];
} oc_err;

/* Formats the message into err (if non-NULL) and returns st. */
oc_status oc_fail(oc_err *err, oc_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define OC_ERRF(err, ...) oc_fail((err), OC_ERROR, __VA_ARGS__)
#define OC_NOMEMF(err) oc_fail((err), OC_NOMEM, "out of memory")

/* Propagate a failing status. */
#define OC_TRY(expr)                                                                   \
    do {                                                                               \
        oc_status oc_try_st_ = (expr);                                                 \
        if (oc_try_st_ != OC_OK) return oc_try_st_;                                    \
    } while (0)

#endif
