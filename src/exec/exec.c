/* Prepare and run: per subgraph, shape inference in op order, folding of ops whose inputs are
 * all constant (float16 weights behind DEQUANTIZE, DENSIFY, shape arithmetic), one planned
 * arena for the activations, and a linear executor. Ops whose output shape needs run-time data
 * are prepared again just before they run and get their own growable buffers. */
#include "exec/exec.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "exec/plan.h"

#define MAX_CALL_DEPTH 64

typedef struct sg_state {
    bool prepared;
    void *arena;
    size_t arena_size;
} sg_state;

struct oc_exec {
    oc_graph *g;
    oc_exec_options opt;
    oc_threadpool *pool;
    sg_state *sgs;
    int depth;
    oc_exec_observer observer;
    void *observer_user;
};

static oc_status call_subgraph(oc_ctx *ctx, int32_t index, oc_tensor *const *inputs,
                               int32_t ninputs, oc_tensor *const *outputs, int32_t noutputs);

static void init_ctx(oc_exec *e, int32_t index, oc_ctx *ctx, oc_err *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->err = err;
    ctx->graph = e->g;
    ctx->sg = &e->g->subgraphs[index];
    ctx->tensors = ctx->sg->tensors;
    ctx->pool = e->pool;
    ctx->cpu = oc_cpu_get();
    ctx->call = call_subgraph;
    ctx->custom = e->opt.custom;
    ctx->ncustom = e->opt.ncustom;
    ctx->exec = e;
}

static bool owns_buffer(const oc_tensor *t)
{
    return t->storage == OC_STORE_DYNAMIC || t->storage == OC_STORE_PERSISTENT;
}

/* Returns a subgraph's tensors to their loaded state (keeping variables and their values). */
static void reset_subgraph(oc_exec *e, int32_t index)
{
    oc_subgraph *sg = &e->g->subgraphs[index];
    for (int32_t i = 0; i < sg->nops; i++) {
        oc_op *op = &sg->ops[i];
        op->folded = op->dynamic = false;
    }
    for (int32_t i = 0; i < sg->ntensors; i++) {
        oc_tensor *t = &sg->tensors[i];
        if (t->is_variable || t->storage == OC_STORE_CONST) continue;
        if (owns_buffer(t)) oc_aligned_free(t->data);
        t->data = NULL;
        t->capacity = 0;
        t->storage = OC_STORE_NONE;
        t->is_const = false;
        t->is_dynamic = false;
    }
    sg_state *s = &e->sgs[index];
    oc_aligned_free(s->arena);
    s->arena = NULL;
    s->arena_size = 0;
    s->prepared = false;
}

static oc_status alloc_persistent(oc_tensor *t, oc_err *err)
{
    size_t n = t->bytes ? t->bytes : 1;
    if (t->data && t->capacity >= n) return OC_OK;
    void *p = oc_aligned_alloc(n);
    if (!p) return OC_NOMEMF(err);
    if (owns_buffer(t)) oc_aligned_free(t->data);
    t->data = p;
    t->capacity = n;
    return OC_OK;
}

static oc_status init_variables(oc_subgraph *sg, oc_err *err)
{
    for (int32_t i = 0; i < sg->ntensors; i++) {
        oc_tensor *t = &sg->tensors[i];
        if (!t->is_variable || t->storage == OC_STORE_PERSISTENT) continue;
        const void *init = t->storage == OC_STORE_CONST ? t->data : NULL;
        size_t bytes = (size_t)oc_tensor_count(t) * oc_dtype_size(t->dtype);
        if (bytes > oc_mem_max_tensor_bytes())
            return OC_ERRF(err, "variable '%s' needs %zu bytes, more than this machine has",
                           t->name ? t->name : "?", bytes);
        t->bytes = bytes;
        t->data = NULL;
        t->storage = OC_STORE_PERSISTENT;
        t->is_const = false;
        OC_TRY(alloc_persistent(t, err));
        /* TFLite resets int8 state to its zero point, everything else to zeros. */
        int fill = t->dtype == OC_I8 && t->q.count > 0 ? (int)t->q.zero_point[0] : 0;
        if (init) memcpy(t->data, init, bytes);
        else memset(t->data, fill, bytes);
    }
    return OC_OK;
}

static bool is_sg_input(const oc_subgraph *sg, int32_t t)
{
    for (int32_t i = 0; i < sg->ninputs; i++)
        if (sg->inputs[i] == t) return true;
    return false;
}

static oc_status prepare_op(oc_exec *e, oc_ctx *ctx, oc_op *op, int32_t index)
{
    oc_subgraph *sg = ctx->sg;
    bool any_dynamic = false, all_const = op->noutputs > 0, shape_only;
    shape_only = op->def->flags & OC_OPF_SHAPE_ONLY;
    for (int32_t i = 0; i < op->ninputs; i++) {
        if (op->inputs[i] < 0) continue;
        oc_tensor *t = &sg->tensors[op->inputs[i]];
        if (t->sparsity && op->def != &oc_op_DENSIFY)
            return oc_op_fail(ctx, op, "input '%s' is sparse; only DENSIFY reads sparse tensors",
                              t->name ? t->name : "?");
        if (t->storage == OC_STORE_NONE && !is_sg_input(sg, op->inputs[i]) && !t->is_dynamic)
            return oc_op_fail(ctx, op, "input '%s' is never computed (op %d)",
                              t->name ? t->name : "?", index);
        if (t->is_dynamic) any_dynamic = true;
        if (!t->is_const && !shape_only) all_const = false;
    }
    for (int32_t i = 0; i < op->noutputs; i++) {
        oc_tensor *t = &sg->tensors[op->outputs[i]];
        if (t->is_variable || t->storage == OC_STORE_CONST) all_const = false;
    }
    if (op->def->flags & OC_OPF_NO_FOLD) all_const = false;
    if (shape_only && any_dynamic) all_const = false;

    oc_status st = any_dynamic ? OC_DYNAMIC : op->def->prepare(ctx, op);
    if (st == OC_DYNAMIC) {
        op->dynamic = true;
        for (int32_t i = 0; i < op->noutputs; i++) {
            oc_tensor *t = &sg->tensors[op->outputs[i]];
            if (t->is_variable) continue;
            t->is_dynamic = true;
            t->storage = OC_STORE_DYNAMIC;
        }
        return OC_OK;
    }
    if (st != OC_OK) return st;
    for (int32_t i = 0; i < op->noutputs; i++) {
        oc_tensor *t = &sg->tensors[op->outputs[i]];
        if (t->storage == OC_STORE_NONE) t->storage = all_const ? OC_STORE_PERSISTENT : OC_STORE_ARENA;
    }
    if (!all_const) return OC_OK;
    /* Fold: evaluate once now; the outputs become constants of this prepared plan. */
    for (int32_t i = 0; i < op->noutputs; i++)
        OC_TRY(alloc_persistent(&sg->tensors[op->outputs[i]], ctx->err));
    ctx->at_run = true;
    st = op->def->eval(ctx, op);
    ctx->at_run = false;
    if (st != OC_OK) return st;
    for (int32_t i = 0; i < op->noutputs; i++) sg->tensors[op->outputs[i]].is_const = true;
    op->folded = true;
    (void)e;
    return OC_OK;
}

/* Lifetimes of arena tensors → offsets in one buffer. */
static oc_status plan_subgraph(oc_exec *e, int32_t index, oc_err *err)
{
    oc_subgraph *sg = &e->g->subgraphs[index];
    sg_state *s = &e->sgs[index];
    oc_plan_item *items = calloc((size_t)sg->ntensors + 1, sizeof *items);
    int32_t *slot = malloc(((size_t)sg->ntensors + 1) * sizeof *slot);
    oc_status st = OC_OK;
    if (!items || !slot) {
        st = OC_NOMEMF(err);
        goto done;
    }
    for (int32_t i = 0; i < sg->ntensors; i++) slot[i] = -1;
    int32_t n = 0;
    for (int32_t i = 0; i < sg->ninputs; i++) {
        int32_t t = sg->inputs[i];
        oc_tensor *tt = &sg->tensors[t];
        if (tt->is_const || tt->is_variable) continue;
        if (tt->storage == OC_STORE_NONE) tt->storage = OC_STORE_ARENA;
        if (slot[t] < 0) {
            slot[t] = n;
            items[n++] = (oc_plan_item){.bytes = tt->bytes, .first = -1, .last = -1};
        }
    }
    for (int32_t o = 0; o < sg->nops; o++) {
        oc_op *op = &sg->ops[o];
        if (op->folded) continue;
        for (int32_t k = 0; k < op->ninputs + op->noutputs; k++) {
            int32_t t = k < op->ninputs ? op->inputs[k] : op->outputs[k - op->ninputs];
            if (t < 0 || sg->tensors[t].storage != OC_STORE_ARENA) continue;
            if (slot[t] < 0) {
                slot[t] = n;
                items[n++] = (oc_plan_item){.bytes = sg->tensors[t].bytes, .first = o, .last = o};
            }
            items[slot[t]].last = o;
        }
    }
    for (int32_t i = 0; i < sg->noutputs; i++) {
        int32_t t = sg->outputs[i];
        if (slot[t] >= 0) items[slot[t]].last = sg->nops;
    }
    st = oc_plan_arena(items, n, &s->arena_size, err);
    if (st != OC_OK) goto done;
    if (s->arena_size > oc_mem_max_tensor_bytes()) {
        st = OC_ERRF(err, "subgraph %d needs %zu bytes of activations, more than this machine has",
                     index, s->arena_size);
        goto done;
    }
    s->arena = oc_aligned_alloc(s->arena_size ? s->arena_size : 64);
    if (!s->arena) {
        st = OC_NOMEMF(err);
        goto done;
    }
    for (int32_t t = 0; t < sg->ntensors; t++) {
        if (slot[t] < 0) continue;
        sg->tensors[t].data = (char *)s->arena + items[slot[t]].offset;
        sg->tensors[t].arena_offset = items[slot[t]].offset;
    }
done:
    free(items);
    free(slot);
    return st;
}

/* Static prepare of one subgraph for the current shapes of its inputs. */
static oc_status prepare_subgraph(oc_exec *e, int32_t index, oc_err *err)
{
    reset_subgraph(e, index);
    oc_subgraph *sg = &e->g->subgraphs[index];
    OC_TRY(init_variables(sg, err));
    for (int32_t i = 0; i < sg->ninputs; i++) {
        oc_tensor *t = &sg->tensors[sg->inputs[i]];
        size_t es = oc_dtype_size(t->dtype), bytes = es;
        if (es == 0)
            return OC_ERRF(err, "input '%s' has unsupported type %s", t->name ? t->name : "?",
                           oc_dtype_name(t->dtype));
        for (int d = 0; d < t->shape.rank; d++)
            if (t->shape.dims[d] < 0 || !oc_mul_size(bytes, (size_t)t->shape.dims[d], &bytes))
                return OC_ERRF(err, "input '%s' has an invalid shape", t->name ? t->name : "?");
        if (bytes > oc_mem_max_tensor_bytes())
            return OC_ERRF(err, "input '%s' needs %zu bytes, more than this machine has",
                           t->name ? t->name : "?", bytes);
        if (!t->is_const) t->bytes = bytes;
    }
    oc_ctx ctx;
    init_ctx(e, index, &ctx, err);
    for (int32_t i = 0; i < sg->nops; i++) OC_TRY(prepare_op(e, &ctx, &sg->ops[i], i));
    for (int32_t i = 0; i < sg->noutputs; i++) {
        const oc_tensor *t = &sg->tensors[sg->outputs[i]];
        if (t->storage == OC_STORE_NONE && !is_sg_input(sg, sg->outputs[i]))
            return OC_ERRF(err, "subgraph %d output '%s' is never computed", index,
                           t->name ? t->name : "?");
    }
    OC_TRY(plan_subgraph(e, index, err));
    e->sgs[index].prepared = true;
    return OC_OK;
}

static oc_status run_subgraph(oc_exec *e, int32_t index, oc_err *err)
{
    oc_subgraph *sg = &e->g->subgraphs[index];
    oc_ctx ctx;
    init_ctx(e, index, &ctx, err);
    ctx.at_run = true;
    if (e->observer) e->observer(e->observer_user, sg, index, -1, NULL);
    for (int32_t i = 0; i < sg->nops; i++) {
        oc_op *op = &sg->ops[i];
        if (op->folded) continue;
        if (op->dynamic) {
            oc_status st = op->def->prepare(&ctx, op);
            if (st == OC_DYNAMIC)
                return oc_op_fail(&ctx, op, "output shape still unknown at run time");
            OC_TRY(st);
            for (int32_t k = 0; k < op->noutputs; k++) {
                oc_tensor *t = &sg->tensors[op->outputs[k]];
                if (t->storage == OC_STORE_DYNAMIC) OC_TRY(oc_tensor_resize(&ctx, t, &t->shape));
            }
        }
        OC_TRY(op->def->eval(&ctx, op));
        if (e->observer) e->observer(e->observer_user, sg, index, i, op);
    }
    return OC_OK;
}

/* IF/WHILE: copy the caller's values into the callee's inputs (re-preparing it when their shapes
 * changed), run it, copy its outputs back into the caller's tensors. */
static oc_status call_subgraph(oc_ctx *ctx, int32_t index, oc_tensor *const *inputs,
                               int32_t ninputs, oc_tensor *const *outputs, int32_t noutputs)
{
    oc_exec *e = ctx->exec;
    if (index < 0 || index >= e->g->nsubgraphs)
        return OC_ERRF(ctx->err, "call of subgraph %d out of range", index);
    oc_subgraph *sg = &e->g->subgraphs[index];
    if (sg->ninputs != ninputs || sg->noutputs != noutputs)
        return OC_ERRF(ctx->err, "subgraph %d takes %d inputs / %d outputs, called with %d / %d",
                       index, sg->ninputs, sg->noutputs, ninputs, noutputs);
    if (e->depth >= MAX_CALL_DEPTH)
        return OC_ERRF(ctx->err, "subgraph calls nested deeper than %d", MAX_CALL_DEPTH);
    bool reprepare = !e->sgs[index].prepared;
    for (int32_t i = 0; i < ninputs; i++) {
        oc_tensor *t = &sg->tensors[sg->inputs[i]];
        if (t->dtype != inputs[i]->dtype)
            return OC_ERRF(ctx->err, "subgraph %d input %d: type %s given, %s expected", index, i,
                           oc_dtype_name(inputs[i]->dtype), oc_dtype_name(t->dtype));
        if (!oc_shape_equal(&t->shape, &inputs[i]->shape)) {
            t->shape = inputs[i]->shape;
            reprepare = true;
        }
    }
    e->depth++;
    oc_status st = OC_OK;
    if (reprepare) st = prepare_subgraph(e, index, ctx->err);
    for (int32_t i = 0; st == OC_OK && i < ninputs; i++) {
        oc_tensor *t = &sg->tensors[sg->inputs[i]];
        if (t->data != inputs[i]->data && inputs[i]->bytes)
            memcpy(t->data, inputs[i]->data, inputs[i]->bytes);
    }
    if (st == OC_OK) st = run_subgraph(e, index, ctx->err);
    for (int32_t i = 0; st == OC_OK && i < noutputs; i++) {
        oc_tensor *src = &sg->tensors[sg->outputs[i]];
        st = oc_tensor_resize(ctx, outputs[i], &src->shape);
        if (st == OC_OK && src->bytes && outputs[i]->data != src->data)
            memmove(outputs[i]->data, src->data, src->bytes);
    }
    e->depth--;
    return st;
}

oc_status oc_exec_create(oc_graph *g, const oc_exec_options *opt, oc_exec **out, oc_err *err)
{
    *out = NULL;
    if (!g || g->nsubgraphs < 1) return OC_ERRF(err, "no model loaded");
    oc_exec *e = calloc(1, sizeof *e);
    if (!e) return OC_NOMEMF(err);
    if (opt) e->opt = *opt;
    e->g = g;
    oc_status st = OC_OK;
    e->sgs = calloc((size_t)g->nsubgraphs, sizeof *e->sgs);
    if (!e->sgs) {
        st = OC_NOMEMF(err);
        goto fail;
    }
    int nthreads = e->opt.num_threads > 0 ? e->opt.num_threads : oc_cpu_count();
    if (nthreads > 1) {
        e->pool = oc_threadpool_create(nthreads);
        if (!e->pool) {
            st = OC_ERRF(err, "cannot start %d threads", nthreads);
            goto fail;
        }
    }
    st = prepare_subgraph(e, 0, err);
    if (st != OC_OK) goto fail;
    *out = e;
    return OC_OK;
fail:
    oc_exec_destroy(e);
    return st;
}

void oc_exec_destroy(oc_exec *e)
{
    if (!e) return;
    if (e->sgs) {
        for (int32_t s = 0; s < e->g->nsubgraphs; s++) {
            oc_subgraph *sg = &e->g->subgraphs[s];
            for (int32_t i = 0; i < sg->nops; i++) {
                oc_op *op = &sg->ops[i];
                if (op->def && op->def->release) op->def->release(op);
                op->state = NULL;
            }
            reset_subgraph(e, s);
            for (int32_t i = 0; i < sg->ntensors; i++) {
                oc_tensor *t = &sg->tensors[i];
                if (t->is_variable && t->storage == OC_STORE_PERSISTENT) {
                    oc_aligned_free(t->data);
                    t->data = NULL;
                    t->capacity = 0;
                    t->storage = OC_STORE_NONE;
                }
            }
        }
    }
    free(e->sgs);
    oc_threadpool_destroy(e->pool);
    free(e);
}

int32_t oc_exec_num_inputs(const oc_exec *e) { return e->g->subgraphs[0].ninputs; }
int32_t oc_exec_num_outputs(const oc_exec *e) { return e->g->subgraphs[0].noutputs; }

oc_tensor *oc_exec_input(oc_exec *e, int32_t i)
{
    oc_subgraph *sg = &e->g->subgraphs[0];
    return i >= 0 && i < sg->ninputs ? &sg->tensors[sg->inputs[i]] : NULL;
}

oc_tensor *oc_exec_output(oc_exec *e, int32_t i)
{
    oc_subgraph *sg = &e->g->subgraphs[0];
    return i >= 0 && i < sg->noutputs ? &sg->tensors[sg->outputs[i]] : NULL;
}

oc_status oc_exec_reshape(oc_exec *e, int32_t i, const oc_shape *s, oc_err *err)
{
    oc_tensor *t = oc_exec_input(e, i);
    if (!t) return OC_ERRF(err, "input index %d out of range", i);
    if (s->rank < 0 || s->rank > OC_MAX_RANK) return OC_ERRF(err, "rank %d out of range", s->rank);
    if (oc_shape_equal(&t->shape, s)) return OC_OK;
    oc_shape old = t->shape;
    t->shape = *s;
    oc_status st = prepare_subgraph(e, 0, err);
    if (st != OC_OK) { /* keep a usable plan for the old shape */
        t->shape = old;
        oc_err ignored;
        prepare_subgraph(e, 0, &ignored);
    }
    return st;
}

oc_status oc_exec_run(oc_exec *e, oc_err *err)
{
    if (!e->sgs[0].prepared) OC_TRY(prepare_subgraph(e, 0, err));
    e->depth = 0;
    return run_subgraph(e, 0, err);
}

void oc_exec_set_observer(oc_exec *e, oc_exec_observer fn, void *user)
{
    e->observer = fn;
    e->observer_user = user;
}
