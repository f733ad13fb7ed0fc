/* The graph IR shared by the reader, the executor, the quantizer and the writer: one model is
 * a list of subgraphs; a subgraph is tensors + operators in execution order. Everything here
 * is allocated from the graph's bump allocator and released with the graph. */
#ifndef OC_CORE_GRAPH_H
#define OC_CORE_GRAPH_H

#include "core/flatbuf.h"
#include "core/mem.h"
#include "core/tensor.h"

struct oc_op_def;

/* BuiltinOperator codes (TFLite numbering; circle's extras are negative). */
typedef int32_t oc_opcode;

typedef struct oc_op {
    const struct oc_op_def *def; /* resolved at load; never NULL in a loaded graph */
    oc_opcode code;
    int32_t version;
    const char *custom_name; /* CUSTOM ops: the custom_code string */
    int32_t ninputs, noutputs, nintermediates;
    int32_t *inputs;  /* tensor indices; -1 = optional input absent */
    int32_t *outputs; /* tensor indices */
    int32_t *intermediates;
    oc_fbt options;                 /* builtin options table (absent if none) */
    int32_t options_type;           /* builtin_options_type */
    const uint8_t *custom_options;  /* in the model buffer, verified in bounds */
    size_t custom_options_size;
    const void *params; /* typed options parsed by def->parse (graph memory) */
    /* Execution state (owned by the executor's prepared plan; reset on re-prepare). */
    void *state;   /* op-private, created by prepare, freed by def->release */
    bool folded;   /* all inputs constant: evaluated once at prepare */
    bool dynamic;  /* output shape decided at run: prepare is called again before eval */
} oc_op;

typedef struct oc_subgraph {
    const char *name;
    int32_t ntensors, nops, ninputs, noutputs;
    oc_tensor *tensors;
    oc_op *ops;
    int32_t *inputs;
    int32_t *outputs;
} oc_subgraph;

typedef struct oc_signature {
    const char *key;
    int32_t subgraph;
    int32_t ninputs, noutputs;
    const char **input_names, **output_names;
    int32_t *input_tensors, *output_tensors;
} oc_signature;

typedef struct oc_graph {
    oc_mem mem;
    int32_t nsubgraphs;
    oc_subgraph *subgraphs; /* [0] is the main subgraph */
    int32_t nsignatures;
    oc_signature *signatures;
    const char *description;
    /* The model bytes: mapped file or caller buffer; constants point into them. */
    const uint8_t *bytes;
    size_t size;
    void *mapping; /* munmap'ed on destroy when non-NULL */
    size_t mapping_size;
} oc_graph;

void oc_graph_destroy(oc_graph *g); /* NULL-safe */

#endif
