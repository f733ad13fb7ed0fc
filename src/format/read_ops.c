/* Reads Operator tables and checks the subgraph call graph of IF/WHILE. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/reader_impl.h"
#include "ops/op.h"

/* Operator field ids. */
enum {
    O_OPCODE = 0,
    O_INPUTS = 1,
    O_OUTPUTS = 2,
    O_OPTIONS_TYPE = 3,
    O_OPTIONS = 4,
    O_CUSTOM = 5,
    O_INTERMEDIATES = 8,
    O_LARGE_CUSTOM_OFFSET = 9,
    O_LARGE_CUSTOM_SIZE = 10
};

#define CODE_IF 118
#define CODE_WHILE 119
#define CODE_CUSTOM 32
#define OPTIONS_IF 92 /* BuiltinOptions union tags */
#define OPTIONS_WHILE 93

static oc_status ofail(rd_ctx *r, int32_t sgi, int32_t index, const oc_op *op, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static oc_status ofail(rd_ctx *r, int32_t sgi, int32_t index, const oc_op *op, const char *fmt, ...)
{
    char msg[OC_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return OC_ERRF(r->err, "subgraph %d operator %d (%s): %s", sgi, index,
                   op ? oc_opcode_name(op->code) : "?", msg);
}

#define OTRY(expr)                                                                                 \
    do {                                                                                           \
        oc_status st_ = (expr);                                                                    \
        if (st_ == OC_NOMEM) return st_;                                                           \
        if (st_ != OC_OK) return ofail(r, sgi, index, op, "%s", r->err->msg);                      \
    } while (0)

/* Reads an index vector and checks every entry against [lo, ntensors). */
static oc_status read_indices(rd_ctx *r, int32_t sgi, int32_t index, oc_op *op, const oc_fbt *t,
                              int id, const char *what, int32_t lo, int32_t **out, int32_t *n)
{
    oc_fbv v;
    OTRY(oc_fbt_vector(t, id, 4, &v, r->err));
    OTRY(rd_int_vector(r, &v, out));
    *n = (int32_t)v.len;
    int32_t ntensors = r->g->subgraphs[sgi].ntensors;
    for (int32_t i = 0; i < *n; i++) {
        int32_t x = (*out)[i];
        if (x < lo || x >= ntensors)
            return ofail(r, sgi, index, op, "%s %d is tensor %d, out of range (%d tensors)", what,
                         i, x, ntensors);
    }
    return OC_OK;
}

oc_status rd_op(rd_ctx *r, int32_t sgi, int32_t index, const oc_fbt *t, oc_op *op)
{
    uint32_t oi = oc_fbt_u32(t, O_OPCODE, 0);
    if (oi >= (uint32_t)r->nopcodes)
        return ofail(r, sgi, index, NULL, "opcode index %u out of range (%d operator codes)", oi,
                     r->nopcodes);
    rd_opcode *code = &r->opcodes[oi];
    code->used = true;
    op->code = code->code;
    op->version = code->version;
    op->custom_name = code->custom_name;
    op->def = code->def;
    if (op->code == CODE_CUSTOM && !op->custom_name)
        return ofail(r, sgi, index, op, "custom operator without a custom_code");

    OC_TRY(read_indices(r, sgi, index, op, t, O_INPUTS, "input", -1, &op->inputs, &op->ninputs));
    OC_TRY(read_indices(r, sgi, index, op, t, O_OUTPUTS, "output", 0, &op->outputs, &op->noutputs));
    OC_TRY(read_indices(r, sgi, index, op, t, O_INTERMEDIATES, "intermediate", 0,
                        &op->intermediates, &op->nintermediates));

    op->options_type = oc_fbt_u8(t, O_OPTIONS_TYPE, 0);
    OTRY(oc_fbt_table(t, O_OPTIONS, &op->options, r->err));

    oc_fbv cv;
    OTRY(oc_fbt_vector(t, O_CUSTOM, 1, &cv, r->err));
    if (cv.len) {
        op->custom_options = cv.data;
        op->custom_options_size = cv.len;
    } else {
        uint64_t off = oc_fbt_u64(t, O_LARGE_CUSTOM_OFFSET, 0);
        uint64_t size = oc_fbt_u64(t, O_LARGE_CUSTOM_SIZE, 0);
        if (off > 1) {
            if (off > r->size || size > r->size - off)
                return ofail(r, sgi, index, op, "custom options lie outside the file");
            op->custom_options = r->buf + off;
            op->custom_options_size = (size_t)size;
        }
    }
    return OC_OK;
}

/* The subgraphs an op calls: 0, 1 or 2 indices into out. */
static oc_status callees(rd_ctx *r, int32_t sgi, int32_t index, const oc_op *op, int32_t out[2],
                         int *n)
{
    *n = 0;
    if (op->code != CODE_IF && op->code != CODE_WHILE) return OC_OK;
    bool is_if = op->code == CODE_IF;
    if (oc_fbt_is_present(&op->options) && op->options_type != (is_if ? OPTIONS_IF : OPTIONS_WHILE))
        return ofail(r, sgi, index, op, "options of type %d, expected %s", op->options_type,
                     is_if ? "IfOptions" : "WhileOptions");
    static const char *const names[2][2] = {{"cond", "body"}, {"then", "else"}};
    for (int i = 0; i < 2; i++) {
        int32_t s = oc_fbt_i32(&op->options, i, 0);
        if (s < 0 || s >= r->g->nsubgraphs)
            return ofail(r, sgi, index, op, "%s subgraph index %d out of range (%d subgraphs)",
                         names[is_if][i], s, r->g->nsubgraphs);
        out[(*n)++] = s;
    }
    return OC_OK;
}

oc_status rd_check_calls(rd_ctx *r)
{
    oc_graph *g = r->g;
    int32_t ns = g->nsubgraphs;
    oc_status st = OC_OK;
    /* Adjacency in CSR form: edges of subgraph s are adj[first[s] .. first[s+1]). */
    size_t nedges = 0;
    for (int32_t s = 0; s < ns; s++)
        for (int32_t j = 0; j < g->subgraphs[s].nops; j++) {
            int32_t c = g->subgraphs[s].ops[j].code;
            if (c == CODE_IF || c == CODE_WHILE) nedges += 2;
        }
    if (nedges == 0) return OC_OK;
    int32_t *first = calloc((size_t)ns + 1, sizeof *first);
    int32_t *adj = calloc(nedges, sizeof *adj);
    uint8_t *color = calloc((size_t)ns, 1); /* 0 unvisited, 1 on the path, 2 done */
    int32_t *stack = calloc((size_t)ns, sizeof *stack), *next = calloc((size_t)ns, sizeof *next);
    if (!first || !adj || !color || !stack || !next) {
        st = OC_NOMEMF(r->err);
        goto done;
    }
    size_t e = 0;
    for (int32_t s = 0; s < ns; s++) {
        first[s] = (int32_t)e;
        for (int32_t j = 0; j < g->subgraphs[s].nops; j++) {
            int32_t to[2];
            int n;
            st = callees(r, s, j, &g->subgraphs[s].ops[j], to, &n);
            if (st != OC_OK) goto done;
            for (int k = 0; k < n; k++)
                adj[e++] = to[k];
        }
    }
    first[ns] = (int32_t)e;
    /* Iterative depth-first search: a corrupted model must not overflow the C stack. */
    for (int32_t root = 0; root < ns; root++) {
        if (color[root]) continue;
        int32_t depth = 0;
        stack[depth] = root;
        next[depth] = first[root];
        color[root] = 1;
        while (depth >= 0) {
            int32_t s = stack[depth];
            if (next[depth] < first[s + 1]) {
                int32_t v = adj[next[depth]++];
                if (color[v] == 1) {
                    st = OC_ERRF(r->err,
                                 "subgraph call cycle: subgraph %d calls subgraph %d, which is "
                                 "already on its call path",
                                 s, v);
                    goto done;
                }
                if (color[v] == 0) {
                    color[v] = 1;
                    depth++;
                    stack[depth] = v;
                    next[depth] = first[v];
                }
            } else {
                color[s] = 2;
                depth--;
            }
        }
    }
done:
    free(first);
    free(adj);
    free(color);
    free(stack);
    free(next);
    return st;
}
