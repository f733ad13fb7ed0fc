/* The model builder: an in-memory model description serialized by fb_writer. */
#include "format/model_builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "format/fb_writer.h"

#define CODE_PLACEHOLDER 127

typedef struct mb_tensor {
    int8_t dtype;
    int rank, sig_rank, qcount, qaxis;
    int32_t *dims, *sig;
    bool has_sig, variable;
    uint32_t buffer;
    const char *name;
    float *scale;
    int64_t *zp;
} mb_tensor;

typedef struct mb_op {
    uint32_t opcode;
    int nin, nout, ninter, options_type;
    int32_t *in, *out, *inter;
    const oc_mb_opts *opts;
    const uint8_t *custom;
    size_t ncustom;
    bool has_custom;
} mb_op;

typedef struct mb_sg {
    const char *name;
    mb_tensor *t;
    int nt, capt;
    mb_op *ops;
    int nops, capops;
    int nin, nout;
    int32_t *in, *out;
} mb_sg;

typedef struct mb_opcode {
    int32_t code;
    const char *custom;
} mb_opcode;

typedef struct mb_buf {
    const void *data;
    size_t size;
} mb_buf;

typedef struct mb_sig {
    const char *key;
    int sg, nin, nout;
    const char **in_names, **out_names;
    int32_t *in, *out;
} mb_sig;

typedef struct mb_opt {
    int id;
    uint8_t size; /* 0 = int32 vector */
    uint64_t bits;
    int n;
    int32_t *v;
} mb_opt;

struct oc_mb_opts {
    oc_mb *mb;
    mb_opt *f;
    int n, cap;
};

struct oc_mb {
    oc_mem mem; /* copies of names, dims, data */
    oc_err err;
    bool failed;
    const char *description;
    mb_buf *bufs;
    int nbufs, capbufs;
    mb_sg *sgs;
    int nsgs, capsgs;
    mb_opcode *codes;
    int ncodes, capcodes;
    mb_sig *sigs;
    int nsigs, capsigs;
    oc_mb_opts **opts;
    int nopts, capopts;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static int fail(oc_mb *mb, const char *msg)
{
    if (!mb->failed) {
        mb->failed = true;
        snprintf(mb->err.msg, sizeof mb->err.msg, "model builder: %s", msg);
    }
    return -1;
}

/* Makes room for one more element in a growable array. */
static bool grow(oc_mb *mb, void **arr, int *cap, int n, size_t elem)
{
    if (n < *cap) return true;
    int ncap = *cap ? *cap * 2 : 8;
    void *p = ncap > 0 ? realloc(*arr, (size_t)ncap * elem) : NULL;
    if (!p) {
        fail(mb, "out of memory");
        return false;
    }
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
    *arr = p;
    *cap = ncap;
    return true;
}

static void *mb_dup(oc_mb *mb, const void *p, size_t n)
{
    if (n == 0) return oc_mem_alloc(&mb->mem, 1);
    void *q = oc_mem_alloc(&mb->mem, n);
    if (!q) {
        fail(mb, "out of memory");
        return NULL;
    }
    if (p) memcpy(q, p, n);
    return q;
}

static const char *mb_dupstr(oc_mb *mb, const char *s)
{
    return s ? mb_dup(mb, s, strlen(s) + 1) : NULL;
}

static int32_t *dup_ints(oc_mb *mb, const int32_t *v, int n)
{
    if (n < 0 || (n > 0 && !v)) {
        fail(mb, "negative count or missing array");
        return NULL;
    }
    return mb_dup(mb, v, (size_t)n * sizeof *v);
}

static mb_sg *get_sg(oc_mb *mb, int sg)
{
    if (!mb || sg < 0 || sg >= mb->nsgs) {
        if (mb) fail(mb, "bad subgraph handle");
        return NULL;
    }
    return &mb->sgs[sg];
}

static mb_tensor *get_tensor(oc_mb *mb, int sg, int t)
{
    mb_sg *s = get_sg(mb, sg);
    if (!s) return NULL;
    if (t < 0 || t >= s->nt) {
        fail(mb, "bad tensor handle");
        return NULL;
    }
    return &s->t[t];
}

static mb_op *get_op(oc_mb *mb, int sg, int op)
{
    mb_sg *s = get_sg(mb, sg);
    if (!s) return NULL;
    if (op < 0 || op >= s->nops) {
        fail(mb, "bad operator handle");
        return NULL;
    }
    return &s->ops[op];
}

/* ---- building ----------------------------------------------------------------------------- */

oc_mb *oc_mb_create(void)
{
    oc_mb *mb = calloc(1, sizeof *mb);
    if (!mb) return NULL;
    if (oc_mb_buffer(mb, NULL, 0) != 0) { /* buffer 0: the empty sentinel */
        oc_mb_destroy(mb);
        return NULL;
    }
    return mb;
}

void oc_mb_destroy(oc_mb *mb)
{
    if (!mb) return;
    for (int i = 0; i < mb->nsgs; i++) {
        free(mb->sgs[i].t);
        free(mb->sgs[i].ops);
    }
    for (int i = 0; i < mb->nopts; i++) {
        free(mb->opts[i]->f);
        free(mb->opts[i]);
    }
    free(mb->opts);
    free(mb->sgs);
    free(mb->bufs);
    free(mb->codes);
    free(mb->sigs);
    oc_mem_free_all(&mb->mem);
    free(mb);
}

void oc_mb_description(oc_mb *mb, const char *text)
{
    if (mb) mb->description = mb_dupstr(mb, text);
}

static int add_buffer(oc_mb *mb, const void *data, size_t size, bool copy)
{
    if (!mb) return -1;
    if (size && !data) return fail(mb, "buffer without data");
    if (!grow(mb, (void **)&mb->bufs, &mb->capbufs, mb->nbufs, sizeof *mb->bufs)) return -1;
    const void *p = data;
    if (copy && size) {
        p = mb_dup(mb, data, size);
        if (!p) return -1;
    }
    mb->bufs[mb->nbufs] = (mb_buf){p, size};
    return mb->nbufs++;
}

int oc_mb_buffer(oc_mb *mb, const void *data, size_t size)
{
    return add_buffer(mb, data, size, true);
}

int oc_mb_buffer_ref(oc_mb *mb, const void *data, size_t size)
{
    return add_buffer(mb, data, size, false);
}

int oc_mb_subgraph(oc_mb *mb, const char *name)
{
    if (!mb) return -1;
    if (!grow(mb, (void **)&mb->sgs, &mb->capsgs, mb->nsgs, sizeof *mb->sgs)) return -1;
    mb_sg *s = &mb->sgs[mb->nsgs];
    memset(s, 0, sizeof *s);
    s->name = mb_dupstr(mb, name);
    return mb->nsgs++;
}

int oc_mb_tensor(oc_mb *mb, int sg, oc_dtype dtype, int rank, const int32_t *dims, int buffer,
                 const char *name)
{
    mb_sg *s = get_sg(mb, sg);
    if (!s) return -1;
    if (!grow(mb, (void **)&s->t, &s->capt, s->nt, sizeof *s->t)) return -1;
    mb_tensor *t = &s->t[s->nt];
    memset(t, 0, sizeof *t);
    t->dtype = (int8_t)dtype;
    t->rank = rank;
    t->dims = dup_ints(mb, dims, rank);
    t->buffer = (uint32_t)buffer;
    t->name = mb_dupstr(mb, name);
    if (!t->dims) return -1;
    return s->nt++;
}

void oc_mb_tensor_quant(oc_mb *mb, int sg, int tensor, int count, const float *scale,
                        const int64_t *zero_point, int axis)
{
    mb_tensor *t = get_tensor(mb, sg, tensor);
    if (!t) return;
    if (count < 0 || (count > 0 && !scale)) {
        fail(mb, "bad quantization parameters");
        return;
    }
    t->qcount = count;
    t->qaxis = axis;
    t->scale = mb_dup(mb, scale, (size_t)count * sizeof *scale);
    t->zp = mb_dup(mb, zero_point, (size_t)count * sizeof *t->zp); /* zeroed when NULL */
}

void oc_mb_tensor_signature(oc_mb *mb, int sg, int tensor, int rank, const int32_t *dims)
{
    mb_tensor *t = get_tensor(mb, sg, tensor);
    if (!t) return;
    t->sig = dup_ints(mb, dims, rank);
    t->sig_rank = rank;
    t->has_sig = t->sig != NULL;
}

void oc_mb_tensor_variable(oc_mb *mb, int sg, int tensor, bool is_variable)
{
    mb_tensor *t = get_tensor(mb, sg, tensor);
    if (t) t->variable = is_variable;
}

void oc_mb_io(oc_mb *mb, int sg, int ninputs, const int32_t *inputs, int noutputs,
              const int32_t *outputs)
{
    mb_sg *s = get_sg(mb, sg);
    if (!s) return;
    s->in = dup_ints(mb, inputs, ninputs);
    s->out = dup_ints(mb, outputs, noutputs);
    s->nin = s->in ? ninputs : 0;
    s->nout = s->out ? noutputs : 0;
}

oc_mb_opts *oc_mb_opts_new(oc_mb *mb)
{
    if (!mb) return NULL;
    if (!grow(mb, (void **)&mb->opts, &mb->capopts, mb->nopts, sizeof *mb->opts)) return NULL;
    oc_mb_opts *o = calloc(1, sizeof *o);
    if (!o) {
        fail(mb, "out of memory");
        return NULL;
    }
    o->mb = mb;
    mb->opts[mb->nopts++] = o;
    return o;
}

static mb_opt *opt_slot(oc_mb_opts *o, int id)
{
    if (!o) return NULL;
    if (id < 0 || id > 63) {
        fail(o->mb, "options field id out of range");
        return NULL;
    }
    for (int i = 0; i < o->n; i++)
        if (o->f[i].id == id) return &o->f[i];
    if (!grow(o->mb, (void **)&o->f, &o->cap, o->n, sizeof *o->f)) return NULL;
    o->f[o->n].id = id;
    return &o->f[o->n++];
}

static void opt_scalar(oc_mb_opts *o, int id, uint8_t size, uint64_t bits)
{
    mb_opt *f = opt_slot(o, id);
    if (f) *f = (mb_opt){.id = id, .size = size, .bits = bits};
}

void oc_mb_opts_u8(oc_mb_opts *o, int id, uint8_t v)
{
    opt_scalar(o, id, 1, v);
}
void oc_mb_opts_i8(oc_mb_opts *o, int id, int8_t v)
{
    opt_scalar(o, id, 1, (uint8_t)v);
}
void oc_mb_opts_bool(oc_mb_opts *o, int id, bool v)
{
    opt_scalar(o, id, 1, v ? 1 : 0);
}
void oc_mb_opts_i16(oc_mb_opts *o, int id, int16_t v)
{
    opt_scalar(o, id, 2, (uint16_t)v);
}
void oc_mb_opts_i32(oc_mb_opts *o, int id, int32_t v)
{
    opt_scalar(o, id, 4, (uint32_t)v);
}
void oc_mb_opts_i64(oc_mb_opts *o, int id, int64_t v)
{
    opt_scalar(o, id, 8, (uint64_t)v);
}

void oc_mb_opts_f32(oc_mb_opts *o, int id, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    opt_scalar(o, id, 4, bits);
}

void oc_mb_opts_vec_i32(oc_mb_opts *o, int id, int n, const int32_t *v)
{
    mb_opt *f = opt_slot(o, id);
    if (!f) return;
    int32_t *copy = dup_ints(o->mb, v, n);
    if (copy) *f = (mb_opt){.id = id, .size = 0, .n = n, .v = copy};
}

static int find_opcode(oc_mb *mb, int32_t code, const char *custom)
{
    for (int i = 0; i < mb->ncodes; i++)
        if (mb->codes[i].code == code &&
            (custom ? mb->codes[i].custom && strcmp(custom, mb->codes[i].custom) == 0
                    : !mb->codes[i].custom))
            return i;
    if (!grow(mb, (void **)&mb->codes, &mb->capcodes, mb->ncodes, sizeof *mb->codes)) return -1;
    mb->codes[mb->ncodes] = (mb_opcode){code, mb_dupstr(mb, custom)};
    return mb->ncodes++;
}

int oc_mb_op(oc_mb *mb, int sg, int32_t builtin_code, const char *custom_code, int ninputs,
             const int32_t *inputs, int noutputs, const int32_t *outputs, int options_type,
             const oc_mb_opts *opts)
{
    mb_sg *s = get_sg(mb, sg);
    if (!s) return -1;
    if (opts && opts->mb != mb) return fail(mb, "options table of another builder");
    int code = find_opcode(mb, builtin_code, custom_code);
    if (code < 0) return -1;
    if (!grow(mb, (void **)&s->ops, &s->capops, s->nops, sizeof *s->ops)) return -1;
    mb_op *op = &s->ops[s->nops];
    memset(op, 0, sizeof *op);
    op->opcode = (uint32_t)code;
    op->in = dup_ints(mb, inputs, ninputs);
    op->out = dup_ints(mb, outputs, noutputs);
    if (!op->in || !op->out) return -1;
    op->nin = ninputs;
    op->nout = noutputs;
    op->options_type = options_type;
    op->opts = opts;
    return s->nops++;
}

void oc_mb_op_custom_options(oc_mb *mb, int sg, int op, const void *data, size_t size)
{
    mb_op *o = get_op(mb, sg, op);
    if (!o) return;
    if (size && !data) {
        fail(mb, "custom options without data");
        return;
    }
    o->custom = mb_dup(mb, data, size);
    o->ncustom = size;
    o->has_custom = o->custom != NULL;
}

void oc_mb_op_intermediates(oc_mb *mb, int sg, int op, int n, const int32_t *tensors)
{
    mb_op *o = get_op(mb, sg, op);
    if (!o) return;
    o->inter = dup_ints(mb, tensors, n);
    o->ninter = o->inter ? n : 0;
}

void oc_mb_op_opcode_index(oc_mb *mb, int sg, int op, uint32_t opcode_index)
{
    mb_op *o = get_op(mb, sg, op);
    if (o) o->opcode = opcode_index;
}

void oc_mb_signature(oc_mb *mb, const char *key, int sg, int ninputs, const char *const *in_names,
                     const int32_t *in_tensors, int noutputs, const char *const *out_names,
                     const int32_t *out_tensors)
{
    if (!mb) return;
    if (ninputs < 0 || noutputs < 0 || (ninputs && (!in_names || !in_tensors)) ||
        (noutputs && (!out_names || !out_tensors))) {
        fail(mb, "bad signature arguments");
        return;
    }
    if (!grow(mb, (void **)&mb->sigs, &mb->capsigs, mb->nsigs, sizeof *mb->sigs)) return;
    mb_sig *s = &mb->sigs[mb->nsigs];
    s->key = mb_dupstr(mb, key);
    s->sg = sg;
    s->nin = ninputs;
    s->nout = noutputs;
    s->in = dup_ints(mb, in_tensors, ninputs);
    s->out = dup_ints(mb, out_tensors, noutputs);
    s->in_names = mb_dup(mb, NULL, (size_t)ninputs * sizeof(char *));
    s->out_names = mb_dup(mb, NULL, (size_t)noutputs * sizeof(char *));
    if (!s->in || !s->out || !s->in_names || !s->out_names) return;
    for (int i = 0; i < ninputs; i++)
        s->in_names[i] = mb_dupstr(mb, in_names[i]);
    for (int i = 0; i < noutputs; i++)
        s->out_names[i] = mb_dupstr(mb, out_names[i]);
    mb->nsigs++;
}

/* ---- serialization ------------------------------------------------------------------------ */

static size_t write_ints(fbw *w, const int32_t *v, int n)
{
    return fbw_vector(w, v, (uint32_t)n, 4, 4);
}

static void write_options(fbw *w, const oc_mb_opts *o, size_t slot)
{
    fbw_field f[64];
    size_t slots[64];
    for (int i = 0; i < o->n; i++)
        f[i] =
            o->f[i].size ? FBW_SCALAR(o->f[i].id, o->f[i].size, o->f[i].bits) : FBW_OFF(o->f[i].id);
    fbw_patch(w, slot, fbw_table(w, f, o->n, slots));
    for (int i = 0; i < o->n; i++)
        if (!o->f[i].size) fbw_patch(w, slots[i], write_ints(w, o->f[i].v, o->f[i].n));
}

static void write_tensor(fbw *w, const mb_tensor *t, size_t slot)
{
    fbw_field f[8];
    size_t slots[8];
    int n = 0, shape = n, name = -1, quant = -1, sig = -1;
    f[n++] = FBW_OFF(0);
    f[n++] = FBW_SCALAR(1, 1, (uint8_t)t->dtype);
    f[n++] = FBW_SCALAR(2, 4, t->buffer);
    if (t->name) name = n, f[n++] = FBW_OFF(3);
    if (t->qcount) quant = n, f[n++] = FBW_OFF(4);
    if (t->variable) f[n++] = FBW_SCALAR(5, 1, 1);
    if (t->has_sig) sig = n, f[n++] = FBW_OFF(7);
    fbw_patch(w, slot, fbw_table(w, f, n, slots));
    fbw_patch(w, slots[shape], write_ints(w, t->dims, t->rank));
    if (name >= 0) fbw_patch(w, slots[name], fbw_string(w, t->name));
    if (quant >= 0) {
        fbw_field q[3] = {FBW_OFF(2), FBW_OFF(3), FBW_SCALAR(6, 4, (uint32_t)t->qaxis)};
        size_t qs[3];
        fbw_patch(w, slots[quant], fbw_table(w, q, 3, qs));
        fbw_patch(w, qs[0], fbw_vector(w, t->scale, (uint32_t)t->qcount, 4, 4));
        fbw_patch(w, qs[1], fbw_vector(w, t->zp, (uint32_t)t->qcount, 8, 8));
    }
    if (sig >= 0) fbw_patch(w, slots[sig], write_ints(w, t->sig, t->sig_rank));
}

static void write_op(fbw *w, const mb_op *op, size_t slot)
{
    fbw_field f[8];
    size_t slots[8];
    int n = 0, opts = -1, custom = -1, inter = -1;
    f[n++] = FBW_SCALAR(0, 4, op->opcode);
    f[n++] = FBW_OFF(1);
    f[n++] = FBW_OFF(2);
    if (op->options_type) f[n++] = FBW_SCALAR(3, 1, (uint8_t)op->options_type);
    if (op->opts) opts = n, f[n++] = FBW_OFF(4);
    if (op->has_custom) custom = n, f[n++] = FBW_OFF(5);
    if (op->ninter) inter = n, f[n++] = FBW_OFF(8);
    fbw_patch(w, slot, fbw_table(w, f, n, slots));
    fbw_patch(w, slots[1], write_ints(w, op->in, op->nin));
    fbw_patch(w, slots[2], write_ints(w, op->out, op->nout));
    if (opts >= 0) write_options(w, op->opts, slots[opts]);
    if (custom >= 0)
        fbw_patch(w, slots[custom], fbw_vector(w, op->custom, (uint32_t)op->ncustom, 1, 4));
    if (inter >= 0) fbw_patch(w, slots[inter], write_ints(w, op->inter, op->ninter));
}

static void write_subgraph(fbw *w, const mb_sg *s, size_t slot)
{
    fbw_field f[5] = {FBW_OFF(0), FBW_OFF(1), FBW_OFF(2), FBW_OFF(3), FBW_OFF(4)};
    size_t slots[5];
    fbw_patch(w, slot, fbw_table(w, f, s->name ? 5 : 4, slots));
    size_t v = fbw_offset_vector(w, (uint32_t)s->nt);
    fbw_patch(w, slots[0], v);
    for (int i = 0; i < s->nt; i++)
        write_tensor(w, &s->t[i], v + 4 + 4 * (size_t)i);
    fbw_patch(w, slots[1], write_ints(w, s->in, s->nin));
    fbw_patch(w, slots[2], write_ints(w, s->out, s->nout));
    v = fbw_offset_vector(w, (uint32_t)s->nops);
    fbw_patch(w, slots[3], v);
    for (int i = 0; i < s->nops; i++)
        write_op(w, &s->ops[i], v + 4 + 4 * (size_t)i);
    if (s->name) fbw_patch(w, slots[4], fbw_string(w, s->name));
}

static void write_tensor_maps(fbw *w, size_t slot, int n, const char *const *names,
                              const int32_t *tensors)
{
    size_t v = fbw_offset_vector(w, (uint32_t)n);
    fbw_patch(w, slot, v);
    for (int i = 0; i < n; i++) {
        fbw_field f[2] = {FBW_OFF(0), FBW_SCALAR(1, 4, (uint32_t)tensors[i])};
        size_t slots[2];
        fbw_patch(w, v + 4 + 4 * (size_t)i, fbw_table(w, f, 2, slots));
        fbw_patch(w, slots[0], fbw_string(w, names[i] ? names[i] : ""));
    }
}

static void write_signature(fbw *w, const mb_sig *s, size_t slot)
{
    fbw_field f[4] = {FBW_OFF(0), FBW_OFF(1), FBW_SCALAR(4, 4, (uint32_t)s->sg), FBW_OFF(2)};
    size_t slots[4];
    fbw_patch(w, slot, fbw_table(w, f, s->key ? 4 : 3, slots));
    write_tensor_maps(w, slots[0], s->nin, s->in_names, s->in);
    write_tensor_maps(w, slots[1], s->nout, s->out_names, s->out);
    if (s->key) fbw_patch(w, slots[3], fbw_string(w, s->key));
}

static void write_opcode(fbw *w, const mb_opcode *c, size_t slot)
{
    /* Old readers look at deprecated_builtin_code only; onert's rule reads it back for codes
     * below the placeholder, which also carries circle's negative codes. */
    int32_t dep = c->code >= 0 && c->code > CODE_PLACEHOLDER ? CODE_PLACEHOLDER : c->code;
    fbw_field f[4] = {FBW_SCALAR(0, 1, (uint8_t)(int8_t)dep), FBW_SCALAR(2, 4, 1),
                      FBW_SCALAR(3, 4, (uint32_t)c->code), FBW_OFF(1)};
    size_t slots[4];
    fbw_patch(w, slot, fbw_table(w, f, c->custom ? 4 : 3, slots));
    if (c->custom) fbw_patch(w, slots[3], fbw_string(w, c->custom));
}

oc_status oc_mb_finish(oc_mb *mb, const char *identifier, uint8_t **out, size_t *size, oc_err *err)
{
    if (!mb || !out || !size) return OC_ERRF(err, "model builder: null argument");
    *out = NULL;
    *size = 0;
    if (mb->failed) return OC_ERRF(err, "%s", mb->err.msg);
    if (mb->nsgs == 0) return OC_ERRF(err, "model builder: no subgraph");
    fbw w = {0};
    uint8_t header[8] = {0};
    if (identifier) memcpy(header + 4, identifier, 4);
    fbw_bytes(&w, header, 8);
    bool tflite = identifier && memcmp(identifier, "TFL3", 4) == 0;
    fbw_field f[6] = {FBW_SCALAR(0, 4, tflite ? 3 : 0),
                      FBW_OFF(1),
                      FBW_OFF(2),
                      FBW_OFF(4),
                      FBW_OFF(7),
                      FBW_OFF(3)};
    size_t slots[6];
    int nf = 4 + (mb->nsigs > 0);
    if (mb->description) f[nf++] = FBW_OFF(3);
    fbw_patch(&w, 0, fbw_table(&w, f, nf, slots));

    size_t v = fbw_offset_vector(&w, (uint32_t)mb->ncodes);
    fbw_patch(&w, slots[1], v);
    for (int i = 0; i < mb->ncodes; i++)
        write_opcode(&w, &mb->codes[i], v + 4 + 4 * (size_t)i);
    v = fbw_offset_vector(&w, (uint32_t)mb->nsgs);
    fbw_patch(&w, slots[2], v);
    for (int i = 0; i < mb->nsgs; i++)
        write_subgraph(&w, &mb->sgs[i], v + 4 + 4 * (size_t)i);
    if (mb->nsigs) {
        v = fbw_offset_vector(&w, (uint32_t)mb->nsigs);
        fbw_patch(&w, slots[4], v);
        for (int i = 0; i < mb->nsigs; i++)
            write_signature(&w, &mb->sigs[i], v + 4 + 4 * (size_t)i);
    }
    if (mb->description) fbw_patch(&w, slots[nf - 1], fbw_string(&w, mb->description));
    /* Buffers last: large, 16-aligned data after all the small tables. */
    v = fbw_offset_vector(&w, (uint32_t)mb->nbufs);
    fbw_patch(&w, slots[3], v);
    for (int i = 0; i < mb->nbufs; i++) {
        fbw_field bf = FBW_OFF(0);
        size_t bslot;
        size_t t = fbw_table(&w, &bf, mb->bufs[i].size ? 1 : 0, &bslot);
        fbw_patch(&w, v + 4 + 4 * (size_t)i, t);
        if (mb->bufs[i].size)
            fbw_patch(&w, bslot,
                      fbw_vector(&w, mb->bufs[i].data, (uint32_t)mb->bufs[i].size, 1, 16));
    }
    if (w.oom) {
        free(w.buf);
        return OC_NOMEMF(err);
    }
    if (w.len > 0x7fffffffu) {
        free(w.buf);
        return OC_ERRF(err, "model builder: model larger than 2 GiB");
    }
    *out = w.buf;
    *size = w.len;
    return OC_OK;
}

oc_status oc_mb_write_file(const char *path, const uint8_t *bytes, size_t size, oc_err *err)
{
    if (!path || (!bytes && size)) return OC_ERRF(err, "write model: null argument");
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) return OC_NOMEMF(err);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        oc_status st = OC_ERRF(err, "write model: cannot create a file next to '%.400s': %s", path,
                               strerror(errno));
        free(tmp);
        return st;
    }
    fchmod(fd, 0644); /* mkstemp makes it private; a model is an ordinary file */
    size_t done = 0;
    while (done < size) {
        ssize_t k = write(fd, bytes + done, size - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        done += (size_t)k;
    }
    oc_status st = OC_OK;
    if (done != size || fsync(fd) != 0)
        st = OC_ERRF(err, "write model: cannot write '%.400s': %s", tmp, strerror(errno));
    if (close(fd) != 0 && st == OC_OK) st = OC_ERRF(err, "write model: cannot close '%.400s'", tmp);
    if (st == OC_OK && rename(tmp, path) != 0)
        st = OC_ERRF(err, "write model: cannot rename to '%.400s': %s", path, strerror(errno));
    if (st != OC_OK) unlink(tmp);
    free(tmp);
    return st;
}
