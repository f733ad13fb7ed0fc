#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

oc_status oc_fail(oc_err *err, oc_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}
