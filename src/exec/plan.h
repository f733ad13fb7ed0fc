/* Memory planning: places every arena tensor of a subgraph at an offset of one buffer so that
 * tensors whose lifetimes overlap never share bytes (greedy by size, as TFLite Micro's planner). */
#ifndef OC_EXEC_PLAN_H
#define OC_EXEC_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct oc_plan_item {
    size_t bytes;
    int32_t first, last; /* op indices where the buffer is written first and read last */
    size_t offset;       /* result */
} oc_plan_item;

/* Assigns offsets (64-byte aligned) and returns the arena size needed. */
oc_status oc_plan_arena(oc_plan_item *items, int32_t n, size_t *arena_size, oc_err *err);

#endif
