/* IF and WHILE: run other subgraphs through the executor's ctx->call. Their output shapes are
 * known only after the callee ran, so they are always dynamic. */
#include <stdlib.h>
#include <string.h>

#include "ops/op.h"

/* Upper bound on WHILE iterations: a corrupted model must not hang the caller. */
#define OC_WHILE_MAX_ITERATIONS 100000000
/* Upper bound on the tensors an IF/WHILE passes to its callee. */
#define OC_CALL_MAX_TENSORS 256

typedef struct cf_params {
    int32_t a, b; /* IF: then/else; WHILE: cond/body */
} cf_params;

static oc_status parse_cf(oc_op *op, oc_mem *mem, oc_err *err)
{
    cf_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->a = oc_fbt_i32(&op->options, 0, -1);
    p->b = oc_fbt_i32(&op->options, 1, -1);
    op->params = p;
    return OC_OK;
}

static oc_status check_index(oc_ctx *ctx, const oc_op *op, int32_t index)
{
    if (index < 0 || index >= ctx->graph->nsubgraphs || index == 0)
        return oc_op_fail(ctx, op, "subgraph index %d out of range", index);
    return OC_OK;
}

static oc_status prepare_if(oc_ctx *ctx, oc_op *op)
{
    const cf_params *p = op->params;
    if (op->ninputs < 1 || op->inputs[0] < 0) return oc_op_fail(ctx, op, "needs a condition");
    OC_TRY(check_index(ctx, op, p->a));
    OC_TRY(check_index(ctx, op, p->b));
    oc_tensor *c = oc_in(ctx, op, 0);
    if (oc_tensor_count(c) < 1 || oc_dtype_size(c->dtype) == 0)
        return oc_op_fail(ctx, op, "condition must be a non-empty numeric or bool tensor");
    for (int i = 1; i < op->ninputs; i++)
        if (op->inputs[i] < 0) return oc_op_fail(ctx, op, "optional inputs are not allowed");
    return ctx->at_run ? OC_OK : OC_DYNAMIC;
}

/* Reads element 0 of a numeric or bool tensor as a truth value. */
static bool truth(const oc_tensor *t)
{
    const unsigned char *d = t->data;
    size_t n = oc_dtype_size(t->dtype);
    switch (t->dtype) {
    case OC_F32: { float f; memcpy(&f, d, 4); return f != 0.f; }
    case OC_F64: { double f; memcpy(&f, d, 8); return f != 0.0; }
    default:
        for (size_t i = 0; i < n; i++)
            if (d[i]) return true;
        return false;
    }
}

static oc_status eval_if(oc_ctx *ctx, oc_op *op)
{
    const cf_params *p = op->params;
    oc_tensor *ins[OC_CALL_MAX_TENSORS], *outs[OC_CALL_MAX_TENSORS];
    int32_t nin = op->ninputs - 1, nout = op->noutputs;
    if (nin > OC_CALL_MAX_TENSORS || nout > OC_CALL_MAX_TENSORS)
        return oc_op_fail(ctx, op, "too many inputs or outputs");
    for (int32_t i = 0; i < nin; i++) ins[i] = oc_in(ctx, op, i + 1);
    for (int32_t i = 0; i < nout; i++) outs[i] = oc_out(ctx, op, i);
    int32_t branch = truth(oc_in(ctx, op, 0)) ? p->a : p->b;
    return ctx->call(ctx, branch, ins, nin, outs, nout);
}

static oc_status prepare_while(oc_ctx *ctx, oc_op *op)
{
    const cf_params *p = op->params;
    OC_TRY(check_index(ctx, op, p->a));
    OC_TRY(check_index(ctx, op, p->b));
    if (op->ninputs != op->noutputs)
        return oc_op_fail(ctx, op, "has %d inputs but %d outputs", op->ninputs, op->noutputs);
    for (int i = 0; i < op->ninputs; i++) {
        if (op->inputs[i] < 0) return oc_op_fail(ctx, op, "optional inputs are not allowed");
        if (oc_in(ctx, op, i)->dtype != oc_out(ctx, op, i)->dtype)
            return oc_op_fail(ctx, op, "input %d and output %d differ in type", i, i);
    }
    const oc_subgraph *cond = &ctx->graph->subgraphs[p->a];
    if (cond->noutputs != 1) return oc_op_fail(ctx, op, "condition subgraph must have 1 output");
    return ctx->at_run ? OC_OK : OC_DYNAMIC;
}

static oc_status eval_while(oc_ctx *ctx, oc_op *op)
{
    const cf_params *p = op->params;
    oc_tensor *vars[OC_CALL_MAX_TENSORS];
    int32_t n = op->noutputs;
    if (n > OC_CALL_MAX_TENSORS) return oc_op_fail(ctx, op, "too many loop variables");
    for (int32_t i = 0; i < n; i++) {
        oc_tensor *in = oc_in(ctx, op, i);
        vars[i] = oc_out(ctx, op, i);
        OC_TRY(oc_tensor_resize(ctx, vars[i], &in->shape));
        if (in->bytes) memcpy(vars[i]->data, in->data, in->bytes);
    }
    const oc_subgraph *cond_sg = &ctx->graph->subgraphs[p->a];
    oc_tensor cond = {.dtype = cond_sg->tensors[cond_sg->outputs[0]].dtype,
                      .storage = OC_STORE_DYNAMIC, .name = "while_cond"};
    oc_tensor *condp = &cond;
    oc_status st = OC_OK;
    for (long it = 0;; it++) {
        if (it >= OC_WHILE_MAX_ITERATIONS) {
            st = oc_op_fail(ctx, op, "exceeded %d iterations", OC_WHILE_MAX_ITERATIONS);
            break;
        }
        st = ctx->call(ctx, p->a, vars, n, &condp, 1);
        if (st != OC_OK) break;
        if (cond.bytes == 0) {
            st = oc_op_fail(ctx, op, "condition subgraph returned an empty tensor");
            break;
        }
        if (!truth(&cond)) break;
        st = ctx->call(ctx, p->b, vars, n, vars, n);
        if (st != OC_OK) break;
    }
    oc_aligned_free(cond.data);
    return st;
}

const oc_op_def oc_op_IF = {
    .name = "IF", .flags = OC_OPF_NO_FOLD, .parse = parse_cf, .prepare = prepare_if,
    .eval = eval_if,
};

const oc_op_def oc_op_WHILE = {
    .name = "WHILE", .flags = OC_OPF_NO_FOLD, .parse = parse_cf, .prepare = prepare_while,
    .eval = eval_while,
};
