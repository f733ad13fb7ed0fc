/* Internals shared by the model reader's files (model_reader.c, read_tensor.c, read_ops.c).
 * Not a public interface: include only from src/format/. */
#ifndef OC_FORMAT_READER_IMPL_H
#define OC_FORMAT_READER_IMPL_H

#include "core/flatbuf.h"
#include "core/graph.h"
#include "format/model_load.h"

/* A resolved OperatorCode. */
typedef struct rd_opcode {
    oc_opcode code;
    int32_t version;
    const char *custom_name; /* NULL unless CUSTOM; in the model buffer */
    const struct oc_op_def *def;
    bool used; /* some operator refers to it */
} rd_opcode;

/* State of one load. */
typedef struct rd_ctx {
    oc_graph *g;
    const uint8_t *buf;
    size_t size;
    oc_err *err;
    oc_load_opts opts;
    oc_fbv buffers; /* Model.buffers (tables) */
    int32_t nopcodes;
    rd_opcode *opcodes;
    /* Entries (tensors, ops, indices, dims, scales...) still allowed. A valid file spends at
     * least 4 bytes per entry, so a file whose vectors overlap to multiply its contents is
     * stopped here instead of exhausting memory or time. */
    size_t budget;
} rd_ctx;

/* Spends n entries of the budget; fails with a message when exhausted. */
oc_status rd_spend(rd_ctx *r, size_t n);

/* Reads tensor `index` of subgraph `sgi` from table t into *out. */
oc_status rd_tensor(rd_ctx *r, int32_t sgi, int32_t index, const oc_fbt *t, oc_tensor *out);

/* Reads operator `index` of subgraph sgi (whose tensors are already read) into *out. */
oc_status rd_op(rd_ctx *r, int32_t sgi, int32_t index, const oc_fbt *t, oc_op *out);

/* Checks IF/WHILE subgraph indices and that no subgraph calls itself, directly or not. */
oc_status rd_check_calls(rd_ctx *r);

/* Copies an int32 index vector into graph memory (checked against the budget). */
oc_status rd_int_vector(rd_ctx *r, const oc_fbv *v, int32_t **out);

/* Returns p when aligned to `align`, else a copy of n bytes in graph memory (NULL if out of
 * memory). Model weights stay in place in valid files; odd offsets come from hand-made or
 * corrupted ones and must not cause misaligned loads in the kernels. */
const void *rd_aligned(rd_ctx *r, const void *p, size_t n, size_t align);

#endif
