/* The model reader: Model table → oc_graph. Order of work: operator codes, then per subgraph
 * its tensors, I/O lists and operators (each checked as read), then signatures, the IF/WHILE
 * call graph, unsupported operators, and last the operators' own option parsers. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/model_reader.h"
#include "format/reader_impl.h"
#include "ops/op.h"

/* Model field ids. */
enum { M_OPCODES = 1, M_SUBGRAPHS = 2, M_DESCRIPTION = 3, M_BUFFERS = 4, M_SIGNATURES = 7 };
/* SubGraph field ids. */
enum { S_TENSORS = 0, S_INPUTS = 1, S_OUTPUTS = 2, S_OPERATORS = 3, S_NAME = 4 };

#define CODE_CUSTOM 32
#define PLACEHOLDER_FOR_GREATER_OP_CODES 127
#define MODEL_MAX_FILE_SIZE ((uint64_t)2 << 30) /* 2 GiB */

oc_status rd_spend(rd_ctx *r, size_t n)
{
    if (n > r->budget)
        return OC_ERRF(r->err,
                       "model is inconsistent: its tables describe more entries than "
                       "a %zu-byte file can hold",
                       r->size);
    r->budget -= n;
    return OC_OK;
}

oc_status rd_int_vector(rd_ctx *r, const oc_fbv *v, int32_t **out)
{
    *out = NULL;
    OC_TRY(rd_spend(r, v->len));
    int32_t *p = oc_mem_calloc(&r->g->mem, v->len ? v->len : 1, sizeof *p);
    if (!p) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < v->len; i++)
        p[i] = oc_fbv_i32(v, i);
    *out = p;
    return OC_OK;
}

const void *rd_aligned(rd_ctx *r, const void *p, size_t n, size_t align)
{
    if (align <= 1 || n == 0 || (uintptr_t)p % align == 0) return p;
    void *q = oc_mem_alloc(&r->g->mem, n); /* 16-aligned */
    if (q) memcpy(q, p, n);
    return q;
}

static oc_status read_opcodes(rd_ctx *r, const oc_fbt *model)
{
    oc_fbv v;
    OC_TRY(oc_fbt_vector(model, M_OPCODES, 4, &v, r->err));
    OC_TRY(rd_spend(r, v.len));
    r->nopcodes = (int32_t)v.len;
    r->opcodes = oc_mem_calloc(&r->g->mem, v.len ? v.len : 1, sizeof *r->opcodes);
    if (!r->opcodes) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < v.len; i++) {
        oc_fbt t;
        rd_opcode *oc = &r->opcodes[i];
        if (oc_fbv_table(&v, i, &t, r->err) != OC_OK ||
            oc_fbt_string(&t, 1, &oc->custom_name, r->err) != OC_OK)
            return OC_ERRF(r->err, "operator code %u: %.400s", i, r->err->msg);
        /* onert's rule: builtin_code unless it is below the placeholder (old writers and
         * circle's negative codes), then deprecated_builtin_code. */
        int32_t builtin = oc_fbt_i32(&t, 3, 0);
        oc->code = builtin < PLACEHOLDER_FOR_GREATER_OP_CODES ? oc_fbt_i8(&t, 0, 0) : builtin;
        oc->version = oc_fbt_i32(&t, 2, 1);
        if (oc->code == CODE_CUSTOM) {
            oc->def = oc_op_find_custom(oc->custom_name);
            /* Not built in: the generic op running kernels the application registers. */
            if (!oc->def && oc->custom_name) oc->def = &oc_op_CUSTOM;
        } else {
            oc->custom_name = NULL;
            oc->def = oc_op_find(oc->code);
        }
    }
    return OC_OK;
}

/* Subgraph inputs/outputs: indices in range, no -1. */
static oc_status read_io(rd_ctx *r, int32_t sgi, const oc_fbt *t, int id, bool inputs,
                         int32_t **out, int32_t *n)
{
    const char *what = inputs ? "input" : "output";
    oc_fbv v;
    if (oc_fbt_vector(t, id, 4, &v, r->err) != OC_OK)
        return OC_ERRF(r->err, "subgraph %d %s: %.400s", sgi, what, r->err->msg);
    OC_TRY(rd_int_vector(r, &v, out));
    *n = (int32_t)v.len;
    const oc_subgraph *sg = &r->g->subgraphs[sgi];
    for (int32_t i = 0; i < *n; i++) {
        int32_t x = (*out)[i];
        if (x < 0 || x >= sg->ntensors)
            return OC_ERRF(r->err, "subgraph %d %s %d is tensor %d, out of range (%d tensors)", sgi,
                           what, i, x, sg->ntensors);
        if (inputs && sg->tensors[x].is_const)
            return OC_ERRF(r->err, "subgraph %d input %d (tensor %d) is a constant", sgi, i, x);
    }
    return OC_OK;
}

/* Every tensor has at most one producer, which is neither a constant nor a subgraph input:
 * the executor writes outputs, and must never write into the (read-only) model bytes. */
static oc_status check_producers(rd_ctx *r, int32_t sgi)
{
    const oc_subgraph *sg = &r->g->subgraphs[sgi];
    uint8_t *made = calloc((size_t)sg->ntensors + 1, 1);
    oc_status st = OC_OK;
    if (!made) return OC_NOMEMF(r->err);
    for (int32_t i = 0; i < sg->ninputs; i++)
        made[sg->inputs[i]] = 1;
    for (int32_t j = 0; j < sg->nops && st == OC_OK; j++) {
        const oc_op *op = &sg->ops[j];
        for (int32_t k = 0; k < op->noutputs; k++) {
            int32_t x = op->outputs[k];
            if (sg->tensors[x].is_const) {
                st = OC_ERRF(r->err, "subgraph %d operator %d (%s) writes constant tensor %d", sgi,
                             j, oc_opcode_name(op->code), x);
                break;
            }
            if (made[x]) {
                st = OC_ERRF(r->err,
                             "subgraph %d operator %d (%s) writes tensor %d, which is already "
                             "a subgraph input or another operator's output",
                             sgi, j, oc_opcode_name(op->code), x);
                break;
            }
            made[x] = 1;
        }
    }
    free(made);
    return st;
}

static oc_status read_subgraph(rd_ctx *r, int32_t sgi, const oc_fbt *t)
{
    oc_subgraph *sg = &r->g->subgraphs[sgi];
    oc_fbv tensors, ops;
    if (oc_fbt_string(t, S_NAME, &sg->name, r->err) != OC_OK ||
        oc_fbt_vector(t, S_TENSORS, 4, &tensors, r->err) != OC_OK ||
        oc_fbt_vector(t, S_OPERATORS, 4, &ops, r->err) != OC_OK)
        return OC_ERRF(r->err, "subgraph %d: %.400s", sgi, r->err->msg);
    if (!sg->name) sg->name = "";
    OC_TRY(rd_spend(r, (size_t)tensors.len + ops.len));
    sg->tensors = oc_mem_calloc(&r->g->mem, tensors.len ? tensors.len : 1, sizeof(oc_tensor));
    sg->ops = oc_mem_calloc(&r->g->mem, ops.len ? ops.len : 1, sizeof(oc_op));
    if (!sg->tensors || !sg->ops) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < tensors.len; i++) {
        oc_fbt tt;
        if (oc_fbv_table(&tensors, i, &tt, r->err) != OC_OK)
            return OC_ERRF(r->err, "subgraph %d tensor %u: %.400s", sgi, i, r->err->msg);
        OC_TRY(rd_tensor(r, sgi, (int32_t)i, &tt, &sg->tensors[i]));
        sg->ntensors = (int32_t)i + 1;
    }
    OC_TRY(read_io(r, sgi, t, S_INPUTS, true, &sg->inputs, &sg->ninputs));
    OC_TRY(read_io(r, sgi, t, S_OUTPUTS, false, &sg->outputs, &sg->noutputs));
    for (uint32_t j = 0; j < ops.len; j++) {
        oc_fbt ot;
        if (oc_fbv_table(&ops, j, &ot, r->err) != OC_OK)
            return OC_ERRF(r->err, "subgraph %d operator %u: %.400s", sgi, j, r->err->msg);
        OC_TRY(rd_op(r, sgi, (int32_t)j, &ot, &sg->ops[j]));
        sg->nops = (int32_t)j + 1;
    }
    return check_producers(r, sgi);
}

static oc_status read_tensor_map(rd_ctx *r, const oc_fbt *sig, int id, int32_t sgi,
                                 const char ***names, int32_t **tensors, int32_t *n)
{
    oc_fbv v;
    OC_TRY(oc_fbt_vector(sig, id, 4, &v, r->err));
    OC_TRY(rd_spend(r, (size_t)v.len * 2));
    *n = (int32_t)v.len;
    *names = oc_mem_calloc(&r->g->mem, v.len ? v.len : 1, sizeof **names);
    *tensors = oc_mem_calloc(&r->g->mem, v.len ? v.len : 1, sizeof **tensors);
    if (!*names || !*tensors) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < v.len; i++) {
        oc_fbt m;
        OC_TRY(oc_fbv_table(&v, i, &m, r->err));
        OC_TRY(oc_fbt_string(&m, 0, &(*names)[i], r->err));
        if (!(*names)[i]) (*names)[i] = "";
        uint32_t x = oc_fbt_u32(&m, 1, 0);
        if (x >= (uint32_t)r->g->subgraphs[sgi].ntensors)
            return OC_ERRF(r->err, "tensor index %u out of range", x);
        (*tensors)[i] = (int32_t)x;
    }
    return OC_OK;
}

static oc_status read_signatures(rd_ctx *r, const oc_fbt *model)
{
    oc_fbv v;
    OC_TRY(oc_fbt_vector(model, M_SIGNATURES, 4, &v, r->err));
    OC_TRY(rd_spend(r, v.len));
    oc_graph *g = r->g;
    g->signatures = oc_mem_calloc(&g->mem, v.len ? v.len : 1, sizeof *g->signatures);
    if (!g->signatures) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < v.len; i++) {
        oc_signature *s = &g->signatures[i];
        oc_fbt t;
        oc_status st = oc_fbv_table(&v, i, &t, r->err);
        if (st == OC_OK) st = oc_fbt_string(&t, 2, &s->key, r->err);
        uint32_t sgi = oc_fbt_u32(&t, 4, 0);
        if (st == OC_OK && sgi >= (uint32_t)g->nsubgraphs)
            st = OC_ERRF(r->err, "subgraph index %u out of range", sgi);
        s->subgraph = (int32_t)sgi;
        if (st == OC_OK)
            st = read_tensor_map(r, &t, 0, s->subgraph, &s->input_names, &s->input_tensors,
                                 &s->ninputs);
        if (st == OC_OK)
            st = read_tensor_map(r, &t, 1, s->subgraph, &s->output_names, &s->output_tensors,
                                 &s->noutputs);
        if (st == OC_NOMEM) return st;
        if (st != OC_OK) return OC_ERRF(r->err, "signature %u: %.400s", i, r->err->msg);
        if (!s->key) s->key = "";
    }
    g->nsignatures = (int32_t)v.len;
    return OC_OK;
}

/* Appends s to buf (size n); once it no longer fits, ends buf with "..." (once). */
static void append(char *buf, size_t n, const char *s)
{
    size_t used = strlen(buf), len = strlen(s);
    if (used + len + 4 < n) {
        memcpy(buf + used, s, len + 1);
    } else if (used + 4 < n && (used < 3 || strcmp(buf + used - 3, "...") != 0)) {
        memcpy(buf + used, "...", 4);
    }
}

/* Fails listing every distinct operator without a definition. */
static oc_status check_supported(rd_ctx *r)
{
    char msg[OC_ERR_MSG_MAX] = "unsupported operator ";
    int32_t listed[64];
    int nlisted = 0;
    /* Operators resolve per operator code, so listing the used codes lists the distinct ops. */
    for (int32_t i = 0; i < r->nopcodes; i++) {
        const rd_opcode *oc = &r->opcodes[i];
        if (oc->def || !oc->used) continue;
        bool seen = false;
        for (int k = 0; k < nlisted && !seen; k++) {
            const rd_opcode *o = &r->opcodes[listed[k]];
            seen = o->code == oc->code &&
                   (oc->code != CODE_CUSTOM || strcmp(o->custom_name, oc->custom_name) == 0);
        }
        if (seen) continue;
        if (nlisted == (int)(sizeof listed / sizeof listed[0])) {
            append(msg, sizeof msg, "...");
            break;
        }
        char item[160];
        if (oc->code == CODE_CUSTOM)
            snprintf(item, sizeof item, "%sCUSTOM:%.100s (code %d)", nlisted ? ", " : "",
                     oc->custom_name, oc->code);
        else
            snprintf(item, sizeof item, "%s%s (code %d)", nlisted ? ", " : "",
                     oc_opcode_name(oc->code), oc->code);
        append(msg, sizeof msg, item);
        listed[nlisted++] = i;
    }
    if (nlisted) return OC_ERRF(r->err, "%s", msg);
    return OC_OK;
}

static oc_status parse_options(rd_ctx *r)
{
    oc_graph *g = r->g;
    for (int32_t s = 0; s < g->nsubgraphs; s++)
        for (int32_t j = 0; j < g->subgraphs[s].nops; j++) {
            oc_op *op = &g->subgraphs[s].ops[j];
            if (!op->def || !op->def->parse) continue;
            oc_status st = op->def->parse(op, &g->mem, r->err);
            if (st == OC_NOMEM) return st;
            if (st != OC_OK)
                return OC_ERRF(r->err, "subgraph %d operator %d (%s): %.400s", s, j,
                               oc_opcode_name(op->code), r->err->msg);
        }
    return OC_OK;
}

/* Every buffer in bounds, referenced or not (as a flatbuffer verifier would): a truncated file
 * fails even when the cut falls in data no tensor uses, such as metadata. */
static oc_status check_buffers(rd_ctx *r)
{
    OC_TRY(rd_spend(r, r->buffers.len));
    for (uint32_t i = 0; i < r->buffers.len; i++) {
        oc_fbt t;
        oc_fbv v;
        if (oc_fbv_table(&r->buffers, i, &t, r->err) != OC_OK ||
            oc_fbt_vector(&t, 0, 1, &v, r->err) != OC_OK)
            return OC_ERRF(r->err, "buffer %u: %.400s", i, r->err->msg);
        uint64_t off = oc_fbt_u64(&t, 1, 0), size = oc_fbt_u64(&t, 2, 0);
        if (v.len == 0 && off > 1 && (off > r->size || size > r->size - off))
            return OC_ERRF(r->err, "buffer %u: data [%llu, +%llu) lies outside the file", i,
                           (unsigned long long)off, (unsigned long long)size);
    }
    return OC_OK;
}

static oc_status build(rd_ctx *r)
{
    oc_graph *g = r->g;
    oc_fbt model;
    oc_fbv subgraphs;
    OC_TRY(oc_fb_root(r->buf, r->size, &model, r->err));
    OC_TRY(oc_fbt_string(&model, M_DESCRIPTION, &g->description, r->err));
    OC_TRY(oc_fbt_vector(&model, M_BUFFERS, 4, &r->buffers, r->err));
    OC_TRY(check_buffers(r));
    OC_TRY(read_opcodes(r, &model));
    OC_TRY(oc_fbt_vector(&model, M_SUBGRAPHS, 4, &subgraphs, r->err));
    if (subgraphs.len == 0) return OC_ERRF(r->err, "model has no subgraphs");
    OC_TRY(rd_spend(r, subgraphs.len));
    g->subgraphs = oc_mem_calloc(&g->mem, subgraphs.len, sizeof *g->subgraphs);
    if (!g->subgraphs) return OC_NOMEMF(r->err);
    g->nsubgraphs = (int32_t)subgraphs.len;
    for (uint32_t i = 0; i < subgraphs.len; i++) {
        oc_fbt t;
        if (oc_fbv_table(&subgraphs, i, &t, r->err) != OC_OK)
            return OC_ERRF(r->err, "subgraph %u: %.400s", i, r->err->msg);
        OC_TRY(read_subgraph(r, (int32_t)i, &t));
    }
    OC_TRY(read_signatures(r, &model));
    OC_TRY(rd_check_calls(r));
    if (!r->opts.allow_unsupported) OC_TRY(check_supported(r));
    return parse_options(r);
}

oc_status oc_model_load_buffer_opts(const uint8_t *buf, size_t size, const oc_load_opts *opts,
                                    oc_graph **out, oc_err *err)
{
    if (!out) return OC_ERRF(err, "model load: no output graph pointer");
    *out = NULL;
    if (!buf || size == 0) return OC_ERRF(err, "model load: empty model buffer");
    oc_mem m = {0};
    oc_graph *g = oc_mem_alloc(&m, sizeof *g);
    if (!g) return OC_NOMEMF(err);
    g->mem = m;
    g->bytes = buf;
    g->size = size;
    oc_err local = {{0}};
    rd_ctx r = {.g = g, .buf = buf, .size = size, .err = &local, .budget = size / 2 + 4096};
    if (opts) r.opts = *opts;
    oc_status st = build(&r);
    if (st != OC_OK) {
        if (st == OC_NOMEM)
            oc_fail(err, st, "out of memory while loading the model");
        else
            oc_fail(err, st, "%s", local.msg[0] ? local.msg : "invalid model");
        oc_graph_destroy(g);
        return st;
    }
    *out = g;
    return OC_OK;
}

oc_status oc_model_load_buffer(const uint8_t *buf, size_t size, oc_graph **out, oc_err *err)
{
    return oc_model_load_buffer_opts(buf, size, NULL, out, err);
}

oc_status oc_model_load_file_opts(const char *path, const oc_load_opts *opts, oc_graph **out,
                                  oc_err *err)
{
    if (!out) return OC_ERRF(err, "model load: no output graph pointer");
    *out = NULL;
    if (!path) return OC_ERRF(err, "model load: no path");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
    if (fd < 0) return OC_ERRF(err, "cannot open model file '%.400s'", path);
    struct stat stt;
    oc_status st = OC_OK;
    if (fstat(fd, &stt) != 0) {
        st = OC_ERRF(err, "cannot stat model file '%.400s'", path);
    } else if (!S_ISREG(stt.st_mode)) {
        st = OC_ERRF(err, "model path '%.400s' is not a regular file", path);
    } else if (stt.st_size == 0) {
        st = OC_ERRF(err, "model file '%.400s' is empty", path);
    } else if ((uint64_t)stt.st_size > MODEL_MAX_FILE_SIZE) {
        st = OC_ERRF(err, "model file '%.400s' is larger than 2 GiB", path);
    }
    if (st != OC_OK) {
        close(fd);
        return st;
    }
    size_t size = (size_t)stt.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd); /* the mapping stays valid */
    if (map == MAP_FAILED) return OC_ERRF(err, "cannot map model file '%.400s'", path);
    oc_graph *g = NULL;
    st = oc_model_load_buffer_opts(map, size, opts, &g, err);
    if (st != OC_OK) {
        munmap(map, size);
        return st;
    }
    g->mapping = map;
    g->mapping_size = size;
    *out = g;
    return OC_OK;
}

oc_status oc_model_load_file(const char *path, oc_graph **out, oc_err *err)
{
    return oc_model_load_file_opts(path, NULL, out, err);
}
