/* Malformed input is normal input: the reader must answer every corrupted model with an error
 * (and a message) or a graph that destroys cleanly — never crash, hang or read out of bounds
 * (run under ASan+UBSan too). Three sources: truncated and byte-flipped copies of the shared
 * models, and models built malformed on purpose. Every buffer handed to the reader is a malloc
 * of exactly its size, so an overread is caught by the sanitizer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "format/fb_writer.h"
#include "format/model_builder.h"
#include "format/model_load.h"
#include "format/model_reader.h"
#include "model_files.h"

static const oc_load_opts all_ops = {.allow_unsupported = true};

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* What the reader guarantees about a loaded graph (model_reader.h), checked by touching it. */
static void check_invariants(const oc_graph *g)
{
    volatile uint8_t sink = 0;
    assert_true(g->nsubgraphs >= 1);
    for (int32_t s = 0; s < g->nsubgraphs; s++) {
        const oc_subgraph *sg = &g->subgraphs[s];
        for (int32_t i = 0; i < sg->ntensors; i++) {
            const oc_tensor *t = &sg->tensors[i];
            assert_true(t->shape.rank >= 0 && t->shape.rank <= OC_MAX_RANK);
            for (int d = 0; d < t->shape.rank; d++)
                assert_true(t->shape.dims[d] >= 0);
            assert_non_null(t->name);
            size_t el = oc_dtype_size(t->dtype);
            if (t->data && !t->sparsity && el)
                assert_int_equal(t->bytes, (size_t)oc_tensor_count(t) * el);
            if (t->data && t->bytes) {
                const uint8_t *p = t->data;
                sink ^= p[0] ^ p[t->bytes - 1];
            }
            if (t->q.count > 1) assert_int_equal(t->shape.dims[t->q.axis], t->q.count);
        }
        for (int32_t i = 0; i < sg->ninputs; i++)
            assert_true(sg->inputs[i] >= 0 && sg->inputs[i] < sg->ntensors);
        for (int32_t i = 0; i < sg->noutputs; i++)
            assert_true(sg->outputs[i] >= 0 && sg->outputs[i] < sg->ntensors);
        for (int32_t j = 0; j < sg->nops; j++) {
            const oc_op *op = &sg->ops[j];
            for (int32_t i = 0; i < op->ninputs; i++)
                assert_true(op->inputs[i] >= -1 && op->inputs[i] < sg->ntensors);
            for (int32_t i = 0; i < op->noutputs; i++)
                assert_true(op->outputs[i] >= 0 && op->outputs[i] < sg->ntensors);
            if (op->custom_options_size) {
                const uint8_t *p = op->custom_options;
                sink ^= p[0] ^ p[op->custom_options_size - 1];
            }
        }
    }
    for (int32_t i = 0; i < g->nsignatures; i++) {
        const oc_signature *sig = &g->signatures[i];
        assert_true(sig->subgraph >= 0 && sig->subgraph < g->nsubgraphs);
        for (int32_t k = 0; k < sig->ninputs; k++)
            assert_true(sig->input_tensors[k] < g->subgraphs[sig->subgraph].ntensors);
    }
    (void)sink;
}

/* Loads (all operators allowed, so every table is read); returns the status. A failure must
 * carry a message; a success must satisfy the invariants and destroy cleanly. */
static oc_status try_load(const uint8_t *bytes, size_t n)
{
    oc_graph *g = NULL;
    oc_err err = {{0}};
    oc_status st = oc_model_load_buffer_opts(bytes, n, &all_ops, &g, &err);
    if (st != OC_OK) {
        assert_null(g);
        assert_true(err.msg[0] != 0);
    } else {
        assert_non_null(g);
        check_invariants(g);
        oc_graph_destroy(g);
    }
    return st;
}

typedef struct model_file {
    char name[128];
    uint8_t *bytes;
    size_t size;
} model_file;

/* The shared models listed in the manifest, read into memory. */
static int load_models(model_file *out, int max)
{
    char path[4200];
    size_t n = 0;
    char *text = mf_read(mf_path(path, sizeof path, "ref/manifest.json"), &n);
    assert_non_null(text);
    cJSON *m = cJSON_ParseWithLength(text, n);
    free(text);
    assert_non_null(m);
    int count = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, m)
    {
        if (count == max) break;
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(e, "file"));
        assert_non_null(file);
        snprintf(out[count].name, sizeof out[count].name, "%s", file);
        out[count].bytes = mf_read(mf_path(path, sizeof path, file), &out[count].size);
        assert_non_null(out[count].bytes);
        count++;
    }
    cJSON_Delete(m);
    return count;
}

static void free_models(model_file *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].bytes);
}

/* ---- truncation --------------------------------------------------------------------------- */

/* Loads the first l bytes from an exact-size copy. */
static oc_status load_prefix(const model_file *m, size_t l)
{
    uint8_t *cut = malloc(l ? l : 1);
    assert_non_null(cut);
    memcpy(cut, m->bytes, l);
    oc_status st = try_load(l ? cut : NULL, l);
    free(cut);
    return st;
}

static void test_truncated_models(void **state)
{
    (void)state;
    if (!mf_require_models()) return;
    model_file models[64];
    int n = load_models(models, 64);
    long loads = 0;
    for (int k = 0; k < n; k++) {
        const model_file *m = &models[k];
        assert_int_equal(load_prefix(m, m->size), OC_OK);
        /* The shortest prefix that loads: a file may carry bytes after the flatbuffer that
         * nothing references (TFLite metadata appends a zip archive). Reads do not depend on
         * the size, only their bounds checks do, so loading is monotonic in the length. */
        size_t lo = 0, hi = m->size;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (load_prefix(m, mid) == OC_OK)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo < m->size)
            printf("  %s: loads from %zu of %zu bytes (unreferenced tail)\n", m->name, lo, m->size);
        /* All of the first 64 lengths, then ~136 spread over the rest, then the last bytes. */
        size_t lens[256];
        int nl = 0;
        for (size_t l = 0; l < 64 && l < m->size; l++)
            lens[nl++] = l;
        for (int i = 0; i < 136; i++) {
            size_t l = 64 + (m->size - 64) * (size_t)i / 136;
            if (l < m->size) lens[nl++] = l;
        }
        for (size_t d = 1; d <= 4 && d < m->size; d++)
            lens[nl++] = m->size - d;
        for (int i = 0; i < nl; i++) {
            oc_status st = load_prefix(m, lens[i]);
            if ((st == OC_OK) != (lens[i] >= lo))
                fail_msg("%s truncated to %zu of %zu bytes: status %d", m->name, lens[i], m->size,
                         st);
            loads++;
        }
    }
    printf("  %d models, %ld truncated copies\n", n, loads);
    free_models(models, n);
}

/* ---- byte flips --------------------------------------------------------------------------- */

/* Positions outside constant data: the tables, where a flip changes structure. */
static uint32_t *structural_positions(const model_file *m, size_t *count)
{
    oc_graph *g = NULL;
    oc_err err = {{0}};
    assert_int_equal(oc_model_load_buffer_opts(m->bytes, m->size, &all_ops, &g, &err), OC_OK);
    uint8_t *is_data = calloc(m->size, 1);
    assert_non_null(is_data);
    for (int32_t s = 0; s < g->nsubgraphs; s++)
        for (int32_t i = 0; i < g->subgraphs[s].ntensors; i++) {
            const oc_tensor *t = &g->subgraphs[s].tensors[i];
            const uint8_t *p = t->data;
            if (p && p >= m->bytes && p + t->bytes <= m->bytes + m->size)
                memset(is_data + (p - m->bytes), 1, t->bytes);
        }
    oc_graph_destroy(g);
    uint32_t *pos = malloc(m->size * sizeof *pos);
    assert_non_null(pos);
    size_t n = 0;
    for (size_t i = 0; i < m->size; i++)
        if (!is_data[i]) pos[n++] = (uint32_t)i;
    free(is_data);
    *count = n;
    return pos;
}

static void test_byte_flips(void **state)
{
    (void)state;
    if (!mf_require_models()) return;
    model_file models[64];
    int n = load_models(models, 64);
    long total = 0, rejected = 0;
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < n; k++) {
        model_file *m = &models[k];
        size_t npos = 0;
        uint32_t *pos = structural_positions(m, &npos);
        assert_true(npos > 0);
        /* ~2000 trials for small models, fewer for big ones (load time grows with size). */
        long trials = m->size <= 100000 ? 2000 : (long)(2000 * 100000 / m->size);
        if (trials < 200) trials = 200;
        uint8_t *work = malloc(m->size);
        assert_non_null(work);
        memcpy(work, m->bytes, m->size);
        for (long t = 0; t < trials; t++) {
            size_t at[4];
            uint8_t old[4];
            int nflip = 1 + (int)(rnd() % 4);
            for (int f = 0; f < nflip; f++) {
                /* Mostly the tables; sometimes anywhere. */
                at[f] = rnd() % 8 ? pos[rnd() % npos] : (size_t)(rnd() % m->size);
                old[f] = work[at[f]];
                uint64_t r = rnd();
                switch (r % 5) {
                case 0: work[at[f]] ^= (uint8_t)(1u << ((r >> 8) % 8)); break;
                case 1: work[at[f]] = 0xff; break;
                case 2: work[at[f]] = 0; break;
                case 3: work[at[f]] = (uint8_t)(work[at[f]] + ((r >> 8) & 1 ? 1 : -1)); break;
                default: work[at[f]] = (uint8_t)(r >> 16); break;
                }
            }
            rejected += try_load(work, m->size) != OC_OK;
            total++;
            for (int f = nflip - 1; f >= 0; f--)
                work[at[f]] = old[f];
        }
        assert_memory_equal(work, m->bytes, m->size);
        free(work);
        free(pos);
    }
    printf("  %ld flipped copies: %ld rejected, %ld loaded and destroyed\n", total, rejected,
           total - rejected);
    free_models(models, n);
}

/* ---- models built malformed on purpose --------------------------------------------------- */

/* Finishes mb and expects the load to fail with a message containing needle. */
static void expect_reject(oc_mb *mb, const char *needle)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_err err = {{0}};
    if (oc_mb_finish(mb, "CIR0", &bytes, &size, &err) != OC_OK) fail_msg("finish: %s", err.msg);
    oc_graph *g = NULL;
    oc_status st = oc_model_load_buffer(bytes, size, &g, &err);
    if (st != OC_ERROR) fail_msg("loaded, expected an error with '%s'", needle);
    assert_null(g);
    if (!strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
    free(bytes);
    oc_mb_destroy(mb);
}

/* A valid one-op model: in[1,4] -> ADD(in, c) -> out, c constant. Tensors 0 in, 1 c, 2 out. */
static oc_mb *base(void)
{
    oc_mb *mb = oc_mb_create();
    int sg = oc_mb_subgraph(mb, "main");
    float c[4] = {1, 2, 3, 4};
    int b = oc_mb_buffer(mb, c, sizeof c);
    oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){1, 4}, 0, "in");
    oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){1, 4}, b, "c");
    oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){1, 4}, 0, "out");
    oc_mb_io(mb, sg, 1, (int32_t[]){0}, 1, (int32_t[]){2});
    return mb;
}

static void add_op(oc_mb *mb, int32_t a, int32_t b, int32_t out)
{
    oc_mb_op(mb, 0, 0, NULL, 2, (int32_t[]){a, b}, 1, (int32_t[]){out}, 0, NULL);
}

static void test_base_is_valid(void **state)
{
    (void)state;
    oc_mb *mb = base();
    add_op(mb, 0, 1, 2);
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_err err = {{0}};
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_OK);
    assert_int_equal(try_load(bytes, size), OC_OK);
    free(bytes);
    oc_mb_destroy(mb);
}

static void test_bad_indices(void **state)
{
    (void)state;
    oc_mb *mb = base();
    add_op(mb, 0, 5, 2);
    expect_reject(mb, "input 1 is tensor 5, out of range");
    mb = base();
    add_op(mb, 0, -2, 2);
    expect_reject(mb, "input 1 is tensor -2");
    mb = base();
    add_op(mb, 0, 1, 3);
    expect_reject(mb, "output 0 is tensor 3");
    mb = base();
    add_op(mb, 0, 1, -1); /* -1 is allowed for optional inputs only */
    expect_reject(mb, "output 0 is tensor -1");
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_io(mb, 0, 1, (int32_t[]){7}, 1, (int32_t[]){2});
    expect_reject(mb, "input 0 is tensor 7");
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_io(mb, 0, 1, (int32_t[]){0}, 1, (int32_t[]){-1});
    expect_reject(mb, "output 0 is tensor -1");
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_op_opcode_index(mb, 0, 0, 1);
    expect_reject(mb, "opcode index 1 out of range");
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_op_opcode_index(mb, 0, 0, 0xffffffffu);
    expect_reject(mb, "opcode index 4294967295 out of range");
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_op_intermediates(mb, 0, 0, 1, (int32_t[]){3});
    expect_reject(mb, "intermediate 0 is tensor 3");
}

static void test_bad_buffers_and_data(void **state)
{
    (void)state;
    oc_mb *mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){4}, 9, "w");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "buffer index 9 out of range");
    /* Constant data of the wrong size for its shape. */
    mb = base();
    float six[6] = {0};
    int b = oc_mb_buffer(mb, six, sizeof six);
    oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){4}, b, "w");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "constant data has 24 bytes, expected 16");
    /* A constant as subgraph input, and an op writing into a constant. */
    mb = base();
    add_op(mb, 0, 1, 2);
    oc_mb_io(mb, 0, 1, (int32_t[]){1}, 1, (int32_t[]){2});
    expect_reject(mb, "is a constant");
    mb = base();
    add_op(mb, 0, 2, 1);
    expect_reject(mb, "writes constant tensor 1");
    /* Two producers of one tensor; an op writing a subgraph input. */
    mb = base();
    add_op(mb, 0, 1, 2);
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "already");
    mb = base();
    add_op(mb, 2, 1, 0);
    expect_reject(mb, "already");
}

static void test_bad_shapes(void **state)
{
    (void)state;
    oc_mb *mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){-1, 4}, 0, "neg");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "dimension 0 is -1");
    mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){4, INT32_MIN}, 0, "neg");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "dimension 1 is");
    /* Product overflows 64 bits; product too large for memory. */
    mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 4, (int32_t[]){INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX}, 0,
                 "huge");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "shape too large");
    mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){1 << 20, 1 << 19}, 0, "huge");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "shape too large");
    mb = base();
    oc_mb_tensor(mb, 0, OC_I64, 3, (int32_t[]){65536, 65536, 65536}, 0, "huge");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "shape too large");
    mb = base();
    oc_mb_tensor(mb, 0, OC_F32, 9, (int32_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1}, 0, "rank9");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "rank 9 exceeds");
    mb = base();
    oc_mb_tensor_signature(mb, 0, 0, 3, (int32_t[]){-1, 1, 4});
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "shape_signature rank 3");
    mb = base();
    oc_mb_tensor_signature(mb, 0, 0, 2, (int32_t[]){-2, 4});
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "dimension 0 is -2");
    mb = base();
    oc_mb_tensor(mb, 0, (oc_dtype)42, 1, (int32_t[]){1}, 0, "t");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "unsupported tensor type 42");
    mb = base();
    oc_mb_tensor(mb, 0, (oc_dtype)-3, 1, (int32_t[]){1}, 0, "t");
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "unsupported tensor type -3");
}

static void test_bad_quantization(void **state)
{
    (void)state;
    oc_mb *mb = base();
    oc_mb_tensor_quant(mb, 0, 0, 2, (float[]){1, 1}, NULL, 5);
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "quantized dimension 5 out of range");
    mb = base();
    oc_mb_tensor_quant(mb, 0, 0, 3, (float[]){1, 1, 1}, NULL, 1);
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "3 scales for dimension 1 of size 4");
    mb = base();
    oc_mb_tensor_quant(mb, 0, 0, 1, (float[]){-1.f}, NULL, 0);
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "invalid quantization scale");
    mb = base();
    oc_mb_tensor_quant(mb, 0, 0, 1, (float[]){__builtin_nanf("")}, NULL, 0);
    add_op(mb, 0, 1, 2);
    expect_reject(mb, "invalid quantization scale");
}

/* main -> (IF|WHILE) with the given subgraph indices; sg 1 and 2 exist and are empty
 * pass-throughs unless extra ops are added by the caller. */
static oc_mb *control_flow(int32_t code, int32_t a, int32_t b)
{
    oc_mb *mb = base();
    for (int s = 1; s <= 2; s++) {
        oc_mb_subgraph(mb, NULL);
        int t = oc_mb_tensor(mb, s, OC_F32, 2, (int32_t[]){1, 4}, 0, "x");
        oc_mb_io(mb, s, 1, (int32_t[]){t}, 1, (int32_t[]){t});
    }
    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i32(o, 0, a);
    oc_mb_opts_i32(o, 1, b);
    oc_mb_op(mb, 0, code, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){2}, code == 118 ? 92 : 93, o);
    return mb;
}

/* Adds to subgraph s an op `code` calling subgraphs a and b. */
static void add_call(oc_mb *mb, int s, int32_t code, int32_t a, int32_t b)
{
    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i32(o, 0, a);
    oc_mb_opts_i32(o, 1, b);
    int t = oc_mb_tensor(mb, s, OC_F32, 2, (int32_t[]){1, 4}, 0, "y");
    oc_mb_op(mb, s, code, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){t}, code == 118 ? 92 : 93, o);
}

static void test_bad_control_flow(void **state)
{
    (void)state;
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_err err = {{0}};
    oc_mb *mb = control_flow(118, 1, 2); /* the valid shape of it */
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_OK);
    assert_int_equal(try_load(bytes, size), OC_OK);
    free(bytes);
    oc_mb_destroy(mb);

    expect_reject(control_flow(118, 1, 3), "else subgraph index 3 out of range");
    expect_reject(control_flow(118, -1, 2), "then subgraph index -1 out of range");
    expect_reject(control_flow(119, 3, 1), "cond subgraph index 3 out of range");
    expect_reject(control_flow(119, 1, 1000), "body subgraph index 1000 out of range");
    expect_reject(control_flow(119, 1, 0), "subgraph call cycle"); /* main calls itself */
    mb = control_flow(118, 1, 2);
    add_call(mb, 1, 119, 1, 2); /* subgraph 1 calls itself */
    expect_reject(mb, "subgraph call cycle");
    mb = control_flow(118, 1, 2);
    add_call(mb, 1, 118, 2, 2); /* 1 -> 2 -> 1 */
    add_call(mb, 2, 119, 2, 1);
    expect_reject(mb, "subgraph call cycle");
    /* Two subgraphs calling each other, not reached from main: still a cycle. */
    mb = base();
    add_op(mb, 0, 1, 2);
    for (int s = 1; s <= 2; s++) {
        oc_mb_subgraph(mb, NULL);
        int t = oc_mb_tensor(mb, s, OC_F32, 2, (int32_t[]){1, 4}, 0, "x");
        oc_mb_io(mb, s, 1, (int32_t[]){t}, 1, (int32_t[]){t});
    }
    add_call(mb, 1, 118, 2, 2);
    add_call(mb, 2, 118, 1, 1);
    expect_reject(mb, "subgraph call cycle");
    /* Options of another type on IF. */
    mb = base();
    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i32(o, 0, 0);
    oc_mb_op(mb, 0, 118, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){2}, 1, o);
    expect_reject(mb, "expected IfOptions");
}

static void test_unsupported_and_custom(void **state)
{
    (void)state;
    oc_mb *mb = base();
    int t3 = oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){1, 4}, 0, "t3");
    int t4 = oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){1, 4}, 0, "t4");
    int t5 = oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){1, 4}, 0, "t5");
    oc_mb_op(mb, 0, 13, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){t3}, 0, NULL);  /* LRN */
    oc_mb_op(mb, 0, 16, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){t4}, 0, NULL);  /* LSTM */
    oc_mb_op(mb, 0, 999, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){t5}, 0, NULL); /* unknown */
    oc_mb_op(mb, 0, 13, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){2}, 0, NULL);   /* again */
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_err err = {{0}};
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_OK);
    oc_graph *g = NULL;
    assert_int_equal(oc_model_load_buffer(bytes, size, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "unsupported operator "));
    assert_non_null(strstr(err.msg, "LOCAL_RESPONSE_NORMALIZATION (code 13)"));
    assert_non_null(strstr(err.msg, "LSTM (code 16)"));
    assert_non_null(strstr(err.msg, "UNKNOWN (code 999)"));
    assert_null(strstr(strstr(err.msg, "LOCAL_RESPONSE") + 1, "LOCAL_RESPONSE")); /* once */
    /* Allowed for inspection: the ops stay, without a definition. */
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all_ops, &g, &err), OC_OK);
    assert_null(g->subgraphs[0].ops[0].def);
    oc_graph_destroy(g);
    free(bytes);
    oc_mb_destroy(mb);

    mb = base();
    oc_mb_op(mb, 0, 32, NULL, 1, (int32_t[]){0}, 1, (int32_t[]){2}, 0, NULL);
    expect_reject(mb, "custom operator without a custom_code");
}

/* A hand-written model with zero subgraphs, and one whose subgraph entries all point to one
 * subgraph table whose tensor entries all point to one tensor table: tiny file, huge fan-out.
 * The reader must stop early instead of building millions of tensors. */
static void test_degenerate_files(void **state)
{
    (void)state;
    fbw w = {0};
    fbw_bytes(&w, "\0\0\0\0CIR0", 8);
    fbw_field mf[2] = {FBW_OFF(2), FBW_OFF(4)};
    size_t ms[2];
    fbw_patch(&w, 0, fbw_table(&w, mf, 2, ms));
    fbw_patch(&w, ms[0], fbw_offset_vector(&w, 0));
    fbw_patch(&w, ms[1], fbw_offset_vector(&w, 0));
    assert_false(w.oom);
    oc_graph *g = NULL;
    oc_err err = {{0}};
    uint8_t *copy = malloc(w.len);
    memcpy(copy, w.buf, w.len);
    assert_int_equal(oc_model_load_buffer(copy, w.len, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "no subgraphs"));
    free(copy);
    free(w.buf);

    const uint32_t nsub = 4000, ntensors = 4000;
    memset(&w, 0, sizeof w);
    fbw_bytes(&w, "\0\0\0\0CIR0", 8);
    fbw_patch(&w, 0, fbw_table(&w, mf, 2, ms));
    size_t sv = fbw_offset_vector(&w, nsub);
    fbw_patch(&w, ms[0], sv);
    fbw_patch(&w, ms[1], fbw_offset_vector(&w, 0));
    fbw_field sf[1] = {FBW_OFF(0)};
    size_t ss;
    size_t sub = fbw_table(&w, sf, 1, &ss);
    for (uint32_t i = 0; i < nsub; i++)
        fbw_patch(&w, sv + 4 + 4 * (size_t)i, sub);
    size_t tv = fbw_offset_vector(&w, ntensors);
    fbw_patch(&w, ss, tv);
    fbw_field tf[1] = {FBW_SCALAR(1, 1, 0)};
    size_t tensor = fbw_table(&w, tf, 1, NULL);
    for (uint32_t i = 0; i < ntensors; i++)
        fbw_patch(&w, tv + 4 + 4 * (size_t)i, tensor);
    assert_false(w.oom);
    copy = malloc(w.len);
    memcpy(copy, w.buf, w.len);
    clock_t t0 = clock();
    assert_int_equal(oc_model_load_buffer(copy, w.len, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "more entries than"));
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    free(copy);
    free(w.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_is_valid),          cmocka_unit_test(test_bad_indices),
        cmocka_unit_test(test_bad_buffers_and_data),   cmocka_unit_test(test_bad_shapes),
        cmocka_unit_test(test_bad_quantization),       cmocka_unit_test(test_bad_control_flow),
        cmocka_unit_test(test_unsupported_and_custom), cmocka_unit_test(test_degenerate_files),
        cmocka_unit_test(test_truncated_models),       cmocka_unit_test(test_byte_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
