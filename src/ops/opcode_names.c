/* Schema names of builtin operator codes, for messages ("unsupported operator X"). */
#include "ops/op.h"

const char *oc_opcode_name(oc_opcode code)
{
    (void)code;
    return "UNKNOWN"; /* TODO(format helper): full table */
}
