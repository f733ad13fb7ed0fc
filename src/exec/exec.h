/* Prepared execution of a loaded graph: shape inference, constant folding, kernel state,
 * one planned activation arena per subgraph, and a linear executor with IF/WHILE calls.
 *
 * The caller (the API layer) owns I/O: after oc_exec_create/oc_exec_reshape it writes each
 * input tensor's data (oc_exec_input(e, i)->data, ->bytes) and after oc_exec_run reads each
 * output tensor (shape may have changed at run for dynamic models). */
#ifndef OC_EXEC_EXEC_H
#define OC_EXEC_EXEC_H

#include "core/graph.h"
#include "core/status.h"
#include "ops/op.h"

typedef struct oc_exec oc_exec;

typedef struct oc_exec_options {
    int num_threads;                /* <= 0: all cores */
    const oc_custom_kernel *custom; /* borrowed: must outlive the exec */
    int32_t ncustom;
} oc_exec_options;

/* Prepares subgraph 0 of g (borrowed; must outlive the exec). Input shapes are the graph's
 * current input shapes (edit g's input tensors' shapes before calling to resize). */
oc_status oc_exec_create(oc_graph *g, const oc_exec_options *opt, oc_exec **out, oc_err *err);
void oc_exec_destroy(oc_exec *e); /* NULL-safe */

int32_t oc_exec_num_inputs(const oc_exec *e);
int32_t oc_exec_num_outputs(const oc_exec *e);
oc_tensor *oc_exec_input(oc_exec *e, int32_t i);
oc_tensor *oc_exec_output(oc_exec *e, int32_t i);

/* Changes input i's shape; takes effect at once (re-plans shapes and memory). The data of
 * all inputs must be written again afterwards. */
oc_status oc_exec_reshape(oc_exec *e, int32_t i, const oc_shape *s, oc_err *err);

/* Runs subgraph 0 once. Not thread-safe per exec; different execs run concurrently. */
oc_status oc_exec_run(oc_exec *e, oc_err *err);

/* Observer hook: called after each op of subgraph 0 (and at its start with op_index -1 for the
 * inputs). Used by the min/max recorder and the profiler. NULL to disable. */
typedef void (*oc_exec_observer)(void *user, const oc_subgraph *sg, int32_t subgraph_index,
                                 int32_t op_index, const oc_op *op);
void oc_exec_set_observer(oc_exec *e, oc_exec_observer fn, void *user);

#endif
