#include "op_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

void ot_init(ot_case *c, const oc_op_def *def)
{
    memset(c, 0, sizeof *c);
    c->op.def = def;
    c->op.inputs = c->inputs;
    c->op.outputs = c->outputs;
    c->sg.tensors = c->tensors;
    c->sg.ops = &c->op;
    c->sg.nops = 1;
    c->graph.subgraphs = &c->sg;
    c->graph.nsubgraphs = 1;
    c->ctx.err = &c->err;
    c->ctx.graph = &c->graph;
    c->ctx.sg = &c->sg;
    c->ctx.tensors = c->tensors;
    c->ctx.cpu = oc_cpu_get();
}

static int add_tensor(ot_case *c, oc_dtype dt)
{
    assert_true(c->sg.ntensors < OT_MAX_TENSORS);
    int i = c->sg.ntensors++;
    c->tensors[i].dtype = dt;
    c->tensors[i].name = "t";
    return i;
}

int ot_input(ot_case *c, oc_dtype dt, int rank, const int32_t *dims, const void *data,
             bool is_const)
{
    if (!data && dims == NULL) {
        c->inputs[c->op.ninputs++] = -1;
        return -1;
    }
    int i = add_tensor(c, dt);
    oc_tensor *t = &c->tensors[i];
    t->shape.rank = rank;
    for (int d = 0; d < rank; d++) t->shape.dims[d] = dims[d];
    t->bytes = (size_t)oc_shape_count(&t->shape) * oc_dtype_size(dt);
    t->data = oc_aligned_alloc(t->bytes);
    if (data) memcpy(t->data, data, t->bytes);
    t->storage = OC_STORE_PERSISTENT;
    t->is_const = is_const;
    c->inputs[c->op.ninputs++] = i;
    return i;
}

int ot_output(ot_case *c, oc_dtype dt)
{
    int i = add_tensor(c, dt);
    c->outputs[c->op.noutputs++] = i;
    return i;
}

oc_status ot_prepare(ot_case *c)
{
    c->ctx.at_run = false;
    return c->op.def->prepare(&c->ctx, &c->op);
}

oc_status ot_run(ot_case *c, int nthreads)
{
    if (nthreads > 1 && !c->pool) c->pool = oc_threadpool_create(nthreads);
    c->ctx.pool = c->pool;
    c->ctx.at_run = true;
    oc_status st = c->op.def->prepare(&c->ctx, &c->op);
    if (st != OC_OK) return st;
    for (int i = 0; i < c->op.noutputs; i++) {
        oc_tensor *t = &c->tensors[c->outputs[i]];
        if (t->storage == OC_STORE_DYNAMIC) continue; /* resized by eval */
        oc_aligned_free(t->data);
        t->data = oc_aligned_alloc(t->bytes);
        memset(t->data, 0xAB, t->bytes); /* garbage: the op must write everything */
        t->storage = OC_STORE_PERSISTENT;
    }
    return c->op.def->eval(&c->ctx, &c->op);
}

oc_tensor *ot_out(ot_case *c, int i)
{
    return &c->tensors[c->outputs[i]];
}

void ot_free(ot_case *c)
{
    if (c->op.def && c->op.def->release) c->op.def->release(&c->op);
    for (int i = 0; i < c->sg.ntensors; i++) oc_aligned_free(c->tensors[i].data);
    oc_threadpool_destroy(c->pool);
    memset(c, 0, sizeof *c);
}

void ot_assert_near_f32(const float *got, const float *want, size_t n, float tol)
{
    for (size_t i = 0; i < n; i++) {
        float lim = tol * fmaxf(1.f, fabsf(want[i]));
        if (!(fabsf(got[i] - want[i]) <= lim) && !(isnan(got[i]) && isnan(want[i]))) {
            fail_msg("element %zu: got %.9g, want %.9g (tol %.3g)", i, got[i], want[i], lim);
        }
    }
}
