/* Maps opcodes and custom names to op definitions, from ops.def. */
#include <string.h>

#include "ops/op.h"

typedef struct {
    oc_opcode code;
    const oc_op_def *def;
} builtin_entry;

typedef struct {
    const char *name;
    const oc_op_def *def;
} custom_entry;

static const builtin_entry builtins[] = {
#define OC_OP(NAME, CODE) {CODE, &oc_op_##NAME},
#include "ops/ops.def"
#undef OC_OP
};

static const custom_entry customs[] = {
#define OC_OP(NAME, CODE)
#define OC_CUSTOM_OP(NAME, STR) {STR, &oc_op_##NAME},
#include "ops/ops.def"
#undef OC_OP
#undef OC_CUSTOM_OP
};

const oc_op_def *oc_op_find(oc_opcode code)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (builtins[i].code == code) return builtins[i].def;
    return NULL;
}

const oc_op_def *oc_op_find_custom(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof customs / sizeof customs[0]; i++)
        if (strcmp(customs[i].name, name) == 0) return customs[i].def;
    return NULL;
}
