/* The model reader on the shared real models (checked against ref/manifest.json), on file
 * errors, and the opcode name table against ops.def. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "format/fb_writer.h"
#include "format/model_builder.h"
#include "format/model_load.h"
#include "format/model_reader.h"
#include "model_files.h"
#include "ops/op.h"

/* ---- opcode names ---------------------------------------------------------------------- */

static void test_opcode_names(void **state)
{
    (void)state;
#define OC_OP(NAME, CODE) assert_string_equal(oc_opcode_name(CODE), #NAME);
#include "ops/ops.def"
#undef OC_OP
    assert_string_equal(oc_opcode_name(27), "SVDF");
    assert_string_equal(oc_opcode_name(127), "PLACEHOLDER_FOR_GREATER_OP_CODES");
    assert_string_equal(oc_opcode_name(205), "REDUCE_WINDOW");
    assert_string_equal(oc_opcode_name(-8), "RUN_MODEL");
    assert_string_equal(oc_opcode_name(-3), "BCQ_FULLY_CONNECTED");
    assert_string_equal(oc_opcode_name(-1), "UNKNOWN");
    assert_string_equal(oc_opcode_name(-9), "UNKNOWN");
    assert_string_equal(oc_opcode_name(100000), "UNKNOWN");
    assert_string_equal(oc_opcode_name(INT32_MIN), "UNKNOWN");
}

/* ---- file errors ----------------------------------------------------------------------- */

static void expect_file_error(const char *path, const char *needle)
{
    oc_graph *g = (oc_graph *)1;
    oc_err err = {{0}};
    assert_int_equal(oc_model_load_file(path, &g, &err), OC_ERROR);
    assert_null(g);
    if (!strstr(err.msg, needle)) fail_msg("'%s': message '%s' lacks '%s'", path, err.msg, needle);
}

static void test_file_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/oc_reader_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    expect_file_error(dir, "not a regular file");
    snprintf(path, sizeof path, "%s/missing.circle", dir);
    expect_file_error(path, "cannot open");
    snprintf(path, sizeof path, "%s/empty.circle", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    expect_file_error(path, "empty");
    f = fopen(path, "wb");
    fputs("this is not a flatbuffer at all", f);
    fclose(f);
    expect_file_error(path, "flatbuffer");
    unlink(path);
    snprintf(path, sizeof path, "%s/fifo.circle", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_file_error(path, "not a regular file"); /* without blocking on the open */
    unlink(path);
    rmdir(dir);

    oc_graph *g = NULL;
    oc_err err = {{0}};
    assert_int_equal(oc_model_load_buffer(NULL, 10, &g, &err), OC_ERROR);
    assert_true(err.msg[0] != 0);
    assert_int_equal(oc_model_load_file(NULL, &g, &err), OC_ERROR);
    oc_graph_destroy(NULL);
}

/* ---- shared models ---------------------------------------------------------------------- */

static const char *op_key(const oc_op *op, char *buf, size_t n)
{
    if (op->code == 32 && op->custom_name)
        snprintf(buf, n, "CUSTOM:%s", op->custom_name);
    else
        snprintf(buf, n, "%s", oc_opcode_name(op->code));
    return buf;
}

static void check_io(const char *model, const char *what, const cJSON *list, const oc_graph *g,
                     const int32_t *idx, int32_t n)
{
    const oc_subgraph *sg = &g->subgraphs[0];
    if (cJSON_GetArraySize(list) != n)
        fail_msg("%s: %d %s, manifest has %d", model, n, what, cJSON_GetArraySize(list));
    for (int32_t i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(list, i);
        const oc_tensor *t = &sg->tensors[idx[i]];
        const char *dt = cJSON_GetStringValue(cJSON_GetObjectItem(e, "dtype"));
        if (!dt || strcmp(dt, oc_dtype_name(t->dtype)) != 0)
            fail_msg("%s %s %d: dtype %s, manifest %s", model, what, i, oc_dtype_name(t->dtype),
                     dt ? dt : "?");
        const cJSON *shape = cJSON_GetObjectItem(e, "shape");
        assert_int_equal(cJSON_GetArraySize(shape), t->shape.rank);
        for (int d = 0; d < t->shape.rank; d++)
            assert_int_equal((int)cJSON_GetArrayItem(shape, d)->valuedouble, t->shape.dims[d]);
        const cJSON *sig = cJSON_GetObjectItem(e, "shape_signature");
        if (sig) {
            assert_true(t->has_signature);
            assert_int_equal(cJSON_GetArraySize(sig), t->signature.rank);
            for (int d = 0; d < t->signature.rank; d++)
                assert_int_equal((int)cJSON_GetArrayItem(sig, d)->valuedouble,
                                 t->signature.dims[d]);
        }
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
        if (name) assert_string_equal(name, t->name);
        const cJSON *q = cJSON_GetObjectItem(e, "quant");
        if (q) {
            assert_true(t->q.count >= 1);
            double s = cJSON_GetObjectItem(q, "scale")->valuedouble;
            assert_true(fabs(t->q.scale[0] - s) <= 1e-6 * fabs(s));
            assert_int_equal(t->q.zero_point[0],
                             (int64_t)cJSON_GetObjectItem(q, "zero_point")->valuedouble);
        }
    }
}

static void check_op_counts(const char *model, const cJSON *counts, const oc_graph *g)
{
    int total = 0;
    for (int32_t s = 0; s < g->nsubgraphs; s++)
        total += g->subgraphs[s].nops;
    int want_total = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, counts)
    {
        int n = 0;
        char key[128];
        for (int32_t s = 0; s < g->nsubgraphs; s++)
            for (int32_t j = 0; j < g->subgraphs[s].nops; j++)
                n += strcmp(op_key(&g->subgraphs[s].ops[j], key, sizeof key), c->string) == 0;
        if (n != (int)c->valuedouble)
            fail_msg("%s: %d %s ops, manifest %d", model, n, c->string, (int)c->valuedouble);
        want_total += n;
    }
    if (want_total != total) fail_msg("%s: %d ops, manifest counts %d", model, total, want_total);
}

/* The whole structure, with unsupported operators allowed. */
static void check_structure(const cJSON *e, const oc_graph *g)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
    assert_int_equal(g->nsubgraphs, (int)cJSON_GetObjectItem(e, "subgraphs")->valuedouble);
    check_io(name, "inputs", cJSON_GetObjectItem(e, "inputs"), g, g->subgraphs[0].inputs,
             g->subgraphs[0].ninputs);
    check_io(name, "outputs", cJSON_GetObjectItem(e, "outputs"), g, g->subgraphs[0].outputs,
             g->subgraphs[0].noutputs);
    check_op_counts(name, cJSON_GetObjectItem(e, "op_counts"), g);
    const char *desc = cJSON_GetStringValue(cJSON_GetObjectItem(e, "description"));
    if (desc) assert_string_equal(desc, g->description ? g->description : "");
    /* Every constant's bytes match its shape (sparse ones excepted) and are aligned. */
    for (int32_t s = 0; s < g->nsubgraphs; s++)
        for (int32_t i = 0; i < g->subgraphs[s].ntensors; i++) {
            const oc_tensor *t = &g->subgraphs[s].tensors[i];
            if (!t->data) continue;
            size_t el = oc_dtype_size(t->dtype);
            if (!t->sparsity && el) assert_int_equal(t->bytes, oc_tensor_count(t) * el);
            assert_int_equal((uintptr_t)t->data % (el > 4 ? el : 4), 0);
        }
}

static cJSON *load_manifest(void)
{
    char path[4200];
    size_t n = 0;
    char *text = mf_read(mf_path(path, sizeof path, "ref/manifest.json"), &n);
    assert_non_null(text);
    cJSON *m = cJSON_ParseWithLength(text, n);
    free(text);
    assert_non_null(m);
    return m;
}

static void test_shared_models(void **state)
{
    (void)state;
    if (!mf_require_models()) return;
    cJSON *m = load_manifest();
    int loaded = 0, unsupported = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, m)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(e, "file"));
        char path[4200];
        mf_path(path, sizeof path, file);
        oc_err err = {{0}};
        oc_graph *g = NULL;
        oc_load_opts all = {.allow_unsupported = true};
        if (oc_model_load_file_opts(path, &all, &g, &err) != OC_OK)
            fail_msg("%s: structural load failed: %s", name, err.msg);
        check_structure(e, g);

        /* The same from a caller buffer. */
        size_t size = 0;
        uint8_t *bytes = mf_read(path, &size);
        oc_graph *g2 = NULL;
        assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g2, &err), OC_OK);
        assert_int_equal(g2->subgraphs[0].ntensors, g->subgraphs[0].ntensors);
        check_structure(e, g2);
        oc_graph_destroy(g2);
        free(bytes);

        /* The normal load: succeeds, or names an operator we lack. */
        oc_graph *g3 = NULL;
        oc_status st = oc_model_load_file(path, &g3, &err);
        if (st == OC_OK) {
            for (int32_t s = 0; s < g3->nsubgraphs; s++)
                for (int32_t j = 0; j < g3->subgraphs[s].nops; j++)
                    assert_non_null(g3->subgraphs[s].ops[j].def);
            check_structure(e, g3);
            loaded++;
        } else {
            assert_null(g3);
            if (!strstr(err.msg, "unsupported operator ")) fail_msg("%s: %s", name, err.msg);
            bool named = false;
            const cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(e, "op_counts"))
            {
                char key[160];
                snprintf(key, sizeof key, "%s (code", c->string);
                named |= strstr(err.msg, key) != NULL;
            }
            if (!named) fail_msg("%s: message names no operator of the model: %s", name, err.msg);
            printf("  %-32s %s\n", name, err.msg);
            unsupported++;
        }
        oc_graph_destroy(g3);
        oc_graph_destroy(g);
    }
    printf("  %d models load, %d need operators not yet implemented\n", loaded, unsupported);
    cJSON_Delete(m);
}

/* Constants point into the mapped file, not copies (valid files are aligned). */
static void test_constants_in_place(void **state)
{
    (void)state;
    if (!mf_require_models()) return;
    char path[4200];
    mf_path(path, sizeof path, "mobilenet_v1_025_224_f32.tflite");
    oc_load_opts all = {.allow_unsupported = true};
    oc_graph *g = NULL;
    oc_err err = {{0}};
    assert_int_equal(oc_model_load_file_opts(path, &all, &g, &err), OC_OK);
    assert_non_null(g->mapping);
    int nconst = 0;
    for (int32_t i = 0; i < g->subgraphs[0].ntensors; i++) {
        const oc_tensor *t = &g->subgraphs[0].tensors[i];
        if (!t->is_const) continue;
        nconst++;
        assert_int_equal(t->storage, OC_STORE_CONST);
        assert_true((const uint8_t *)t->data >= g->bytes &&
                    (const uint8_t *)t->data + t->bytes <= g->bytes + g->size);
    }
    assert_true(nconst > 0);
    oc_graph_destroy(g);
}

/* ---- builder round trip ----------------------------------------------------------------- */

static oc_graph *load_built(oc_mb *mb, const char *id, uint8_t **bytes)
{
    size_t size = 0;
    oc_err err = {{0}};
    if (oc_mb_finish(mb, id, bytes, &size, &err) != OC_OK) fail_msg("finish: %s", err.msg);
    assert_int_equal((uintptr_t)*bytes % 16, 0);
    oc_load_opts all = {.allow_unsupported = true};
    oc_graph *g = NULL;
    if (oc_model_load_buffer_opts(*bytes, size, &all, &g, &err) != OC_OK)
        fail_msg("load: %s", err.msg);
    return g;
}

static void test_builder_round_trip(void **state)
{
    (void)state;
    oc_mb *mb = oc_mb_create();
    assert_non_null(mb);
    oc_mb_description(mb, "round trip");
    int main_sg = oc_mb_subgraph(mb, "main");
    int then_sg = oc_mb_subgraph(mb, NULL);
    assert_int_equal(main_sg, 0);
    assert_int_equal(then_sg, 1);

    const float w[6] = {1.5f, -2.f, 3.25f, 0.f, 1e-3f, -7.f};
    const int64_t big[3] = {INT64_MIN, 0, INT64_MAX};
    const uint8_t bytes3[3] = {1, 2, 3};
    int bw = oc_mb_buffer(mb, w, sizeof w);
    int bb = oc_mb_buffer(mb, big, sizeof big);
    int b3 = oc_mb_buffer(mb, bytes3, sizeof bytes3);
    int bempty = oc_mb_buffer(mb, NULL, 0);
    assert_int_equal(bw, 1);
    assert_int_equal(bempty, 4);

    int in = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "in");
    oc_mb_tensor_signature(mb, 0, in, 3, (int32_t[]){-1, 2, 3});
    int wt = oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){3, 2}, bw, "w");
    int bt = oc_mb_tensor(mb, 0, OC_I64, 1, (int32_t[]){3}, bb, "big");
    int qt = oc_mb_tensor(mb, 0, OC_U8, 2, (int32_t[]){3, 1}, b3, "q");
    oc_mb_tensor_quant(mb, 0, qt, 3, (float[]){0.5f, 0.25f, 0.125f}, (int64_t[]){1, 2, 3}, 0);
    int st = oc_mb_tensor(mb, 0, OC_I16, 0, NULL, 0, "scalar");
    oc_mb_tensor_quant(mb, 0, st, 1, (float[]){0.01f}, NULL, 0);
    int var = oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){4}, 0, NULL);
    oc_mb_tensor_variable(mb, 0, var, true);
    int cond = oc_mb_tensor(mb, 0, OC_BOOL, 0, NULL, bempty, "cond");
    int out = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out");
    int out2 = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out2");
    int out3 = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out3");
    int out4 = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out4");

    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, 3);
    oc_mb_opts_i32(o, 1, -5);
    oc_mb_opts_i32(o, 1, 7); /* last value wins */
    oc_mb_opts_f32(o, 2, 0.75f);
    oc_mb_opts_i64(o, 3, -1234567890123LL);
    oc_mb_opts_bool(o, 4, true);
    oc_mb_opts_i16(o, 5, -300);
    oc_mb_opts_u8(o, 6, 200);
    oc_mb_opts_vec_i32(o, 7, 3, (int32_t[]){4, -1, 9});
    int op0 = oc_mb_op(mb, 0, 9, NULL, 3, (int32_t[]){in, wt, -1}, 1, (int32_t[]){out}, 8, o);
    oc_mb_op_intermediates(mb, 0, op0, 1, (int32_t[]){var});
    int op1 = oc_mb_op(mb, 0, 32, "MyOp", 2, (int32_t[]){out, bt}, 1, (int32_t[]){out2}, 0, NULL);
    oc_mb_op_custom_options(mb, 0, op1, "\x01\x02\x03\x04\x05", 5);
    oc_mb_op(mb, 0, 150, NULL, 1, (int32_t[]){out2}, 1, (int32_t[]){out3}, 0, NULL);
    oc_mb_op(mb, 0, -2, NULL, 1, (int32_t[]){out3}, 1, (int32_t[]){out4}, 0, NULL);
    oc_mb_opts *io = oc_mb_opts_new(mb);
    oc_mb_opts_i32(io, 0, 1);
    oc_mb_opts_i32(io, 1, 1);
    int ifout = oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){2}, 0, "ifout");
    oc_mb_op(mb, 0, 118, NULL, 2, (int32_t[]){cond, out4}, 1, (int32_t[]){ifout}, 92, io);
    oc_mb_op(mb, 0, 9, NULL, 2, (int32_t[]){in, wt}, 1, (int32_t[]){-7}, 0, NULL); /* removed */
    oc_mb_io(mb, 0, 2, (int32_t[]){in, cond}, 2, (int32_t[]){out4, ifout});
    int s1 = oc_mb_tensor(mb, 1, OC_F32, 1, (int32_t[]){2}, 0, "s1");
    oc_mb_io(mb, 1, 1, (int32_t[]){s1}, 1, (int32_t[]){s1});
    oc_mb_signature(mb, "serving_default", 0, 1, (const char *[]){"x"}, (int32_t[]){in}, 2,
                    (const char *[]){"y", "z"}, (int32_t[]){out4, ifout});

    /* The last op writes tensor -7: the reader must reject that... */
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_err err = {{0}};
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_OK);
    oc_graph *g = NULL;
    assert_int_equal(oc_model_load_buffer(bytes, size, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "output 0 is tensor -7"));
    free(bytes);
    oc_mb_destroy(mb);
    (void)out3;
}

/* The same model without the bad op, compared field by field. */
static void build_good(oc_mb *mb)
{
    oc_mb_description(mb, "round trip");
    oc_mb_subgraph(mb, "main");
    oc_mb_subgraph(mb, NULL);
    const float w[6] = {1.5f, -2.f, 3.25f, 0.f, 1e-3f, -7.f};
    const int64_t big[3] = {INT64_MIN, 0, INT64_MAX};
    static const uint8_t bytes3[3] = {1, 2, 3}; /* borrowed until finish: must outlive us */
    int bw = oc_mb_buffer(mb, w, sizeof w);
    int bb = oc_mb_buffer(mb, big, sizeof big);
    int b3 = oc_mb_buffer_ref(mb, bytes3, sizeof bytes3);
    (void)b3;
    int in = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "in");
    oc_mb_tensor_signature(mb, 0, in, 3, (int32_t[]){-1, 2, 3});
    int wt = oc_mb_tensor(mb, 0, OC_F32, 2, (int32_t[]){3, 2}, bw, "w");
    int bt = oc_mb_tensor(mb, 0, OC_I64, 1, (int32_t[]){3}, bb, "big");
    int qt = oc_mb_tensor(mb, 0, OC_U8, 2, (int32_t[]){3, 1}, 0, "q");
    oc_mb_tensor_quant(mb, 0, qt, 3, (float[]){0.5f, 0.25f, 0.125f}, (int64_t[]){1, 2, 3}, 0);
    int var = oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){4}, 0, NULL);
    oc_mb_tensor_variable(mb, 0, var, true);
    int out = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out");
    int out2 = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out2");
    int out3 = oc_mb_tensor(mb, 0, OC_F32, 3, (int32_t[]){1, 2, 3}, 0, "out3");
    int cond = oc_mb_tensor(mb, 0, OC_BOOL, 0, NULL, 0, "cond");
    int ifout = oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){2}, 0, "ifout");
    int out5 = oc_mb_tensor(mb, 0, OC_F32, 1, (int32_t[]){2}, 0, "out5");
    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, 3);
    oc_mb_opts_i32(o, 1, -5);
    oc_mb_opts_i32(o, 1, 7);
    oc_mb_opts_f32(o, 2, 0.75f);
    oc_mb_opts_i64(o, 3, -1234567890123LL);
    oc_mb_opts_bool(o, 4, true);
    oc_mb_opts_i16(o, 5, -300);
    oc_mb_opts_u8(o, 6, 200);
    oc_mb_opts_vec_i32(o, 7, 3, (int32_t[]){4, -1, 9});
    int op0 = oc_mb_op(mb, 0, 9, NULL, 4, (int32_t[]){in, wt, -1, qt}, 1, (int32_t[]){out}, 8, o);
    oc_mb_op_intermediates(mb, 0, op0, 1, (int32_t[]){var});
    int op1 = oc_mb_op(mb, 0, 32, "MyOp", 2, (int32_t[]){out, bt}, 1, (int32_t[]){out2}, 0, NULL);
    oc_mb_op_custom_options(mb, 0, op1, "\x01\x02\x03\x04\x05", 5);
    oc_mb_op(mb, 0, 150, NULL, 1, (int32_t[]){out2}, 1, (int32_t[]){out3}, 0, NULL);
    oc_mb_opts *io = oc_mb_opts_new(mb);
    oc_mb_opts_i32(io, 0, 1);
    oc_mb_opts_i32(io, 1, 1);
    oc_mb_op(mb, 0, -2, NULL, 2, (int32_t[]){cond, out3}, 1, (int32_t[]){ifout}, 0, NULL);
    oc_mb_op(mb, 0, 118, NULL, 2, (int32_t[]){cond, out3}, 1, (int32_t[]){out5}, 92, io);
    oc_mb_op_opcode_index(mb, 0, 4, 2); /* reuse opcode 2 (GELU): exercises the override */
    oc_mb_io(mb, 0, 2, (int32_t[]){in, cond}, 2, (int32_t[]){out3, out5});
    int s1 = oc_mb_tensor(mb, 1, OC_F32, 1, (int32_t[]){2}, 0, "s1");
    oc_mb_io(mb, 1, 1, (int32_t[]){s1}, 1, (int32_t[]){s1});
    oc_mb_signature(mb, "serving_default", 0, 1, (const char *[]){"x"}, (int32_t[]){in}, 2,
                    (const char *[]){"y", "z"}, (int32_t[]){out3, out5});
}

static void test_builder_fields(void **state)
{
    (void)state;
    const char *ids[3] = {"CIR0", "TFL3", NULL};
    for (int k = 0; k < 3; k++) {
        oc_mb *mb = oc_mb_create();
        build_good(mb);
        uint8_t *bytes = NULL;
        oc_graph *g = load_built(mb, ids[k], &bytes);
        char id[5];
        oc_fb_identifier(bytes, g->size, id);
        assert_memory_equal(id, ids[k] ? ids[k] : "\0\0\0\0", 4);
        assert_string_equal(g->description, "round trip");
        assert_int_equal(g->nsubgraphs, 2);
        const oc_subgraph *sg = &g->subgraphs[0];
        assert_string_equal(sg->name, "main");
        assert_string_equal(g->subgraphs[1].name, "");
        assert_int_equal(sg->ntensors, 11);
        assert_int_equal(sg->nops, 5);

        const oc_tensor *t = &sg->tensors[0];
        assert_string_equal(t->name, "in");
        assert_int_equal(t->dtype, OC_F32);
        assert_int_equal(t->shape.rank, 3);
        assert_int_equal(t->shape.dims[2], 3);
        assert_true(t->has_signature);
        assert_int_equal(t->signature.dims[0], -1);
        assert_false(t->is_const);
        assert_null(t->data);
        assert_int_equal(t->bytes, 24);
        t = &sg->tensors[1];
        assert_true(t->is_const);
        assert_int_equal(t->storage, OC_STORE_CONST);
        assert_int_equal(t->bytes, 24);
        assert_int_equal((uintptr_t)t->data % 16, 0);
        assert_memory_equal(t->data, ((float[]){1.5f, -2.f, 3.25f, 0.f, 1e-3f, -7.f}), 24);
        t = &sg->tensors[2];
        assert_int_equal(t->dtype, OC_I64);
        assert_memory_equal(t->data, ((int64_t[]){INT64_MIN, 0, INT64_MAX}), 24);
        t = &sg->tensors[3];
        assert_int_equal(t->q.count, 3);
        assert_int_equal(t->q.axis, 0);
        assert_true(t->q.scale[1] == 0.25f);
        assert_int_equal(t->q.zero_point[2], 3);
        assert_null(t->data);
        t = &sg->tensors[4];
        assert_string_equal(t->name, "");
        assert_true(t->is_variable);
        assert_int_equal(sg->tensors[8].shape.rank, 0);
        assert_int_equal(sg->tensors[8].dtype, OC_BOOL);

        const oc_op *op = &sg->ops[0];
        assert_int_equal(op->code, 9);
        assert_int_equal(op->version, 1);
        assert_int_equal(op->ninputs, 4);
        assert_int_equal(op->inputs[2], -1);
        assert_int_equal(op->nintermediates, 1);
        assert_int_equal(op->intermediates[0], 4);
        assert_int_equal(op->options_type, 8);
        assert_int_equal(oc_fbt_i8(&op->options, 0, 0), 3);
        assert_int_equal(oc_fbt_i32(&op->options, 1, 0), 7);
        assert_true(oc_fbt_f32(&op->options, 2, 0) == 0.75f);
        assert_int_equal(oc_fbt_i64(&op->options, 3, 0), -1234567890123LL);
        assert_true(oc_fbt_bool(&op->options, 4, false));
        assert_int_equal(oc_fbt_i16(&op->options, 5, 0), -300);
        assert_int_equal(oc_fbt_u8(&op->options, 6, 0), 200);
        assert_int_equal(oc_fbt_i32(&op->options, 9, 42), 42); /* absent: default */
        oc_fbv v;
        oc_err err = {{0}};
        assert_int_equal(oc_fbt_vector(&op->options, 7, 4, &v, &err), OC_OK);
        assert_int_equal(v.len, 3);
        assert_int_equal(oc_fbv_i32(&v, 1), -1);
        op = &sg->ops[1];
        assert_int_equal(op->code, 32);
        assert_string_equal(op->custom_name, "MyOp");
        assert_int_equal(op->custom_options_size, 5);
        assert_memory_equal(op->custom_options, "\x01\x02\x03\x04\x05", 5);
        assert_false(oc_fbt_is_present(&op->options));
        assert_int_equal(sg->ops[2].code, 150); /* builtin_code >= 127 */
        assert_int_equal(sg->ops[3].code, -2);  /* circle negative code */
        assert_int_equal(sg->ops[4].code, 150); /* opcode index override */
        assert_int_equal(sg->ops[4].options_type, 92);

        assert_int_equal(sg->ninputs, 2);
        assert_int_equal(sg->outputs[1], 10);
        assert_int_equal(g->nsignatures, 1);
        const oc_signature *s = &g->signatures[0];
        assert_string_equal(s->key, "serving_default");
        assert_int_equal(s->subgraph, 0);
        assert_int_equal(s->ninputs, 1);
        assert_string_equal(s->input_names[0], "x");
        assert_int_equal(s->input_tensors[0], 0);
        assert_int_equal(s->noutputs, 2);
        assert_string_equal(s->output_names[1], "z");
        assert_int_equal(s->output_tensors[1], 10);
        oc_graph_destroy(g);
        free(bytes);
        oc_mb_destroy(mb);
    }
}

static void test_builder_errors(void **state)
{
    (void)state;
    oc_mb *mb = oc_mb_create();
    uint8_t *bytes = (uint8_t *)1;
    size_t size = 1;
    oc_err err = {{0}};
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "no subgraph"));
    assert_null(bytes);
    assert_int_equal(oc_mb_tensor(mb, 3, OC_F32, 0, NULL, 0, "x"), -1);
    oc_mb_subgraph(mb, "main");
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, &size, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "bad subgraph handle"));
    oc_mb_destroy(mb);
    mb = oc_mb_create();
    oc_mb_subgraph(mb, "main");
    oc_mb_tensor_quant(mb, 0, 5, 1, (float[]){1.f}, NULL, 0);
    assert_int_equal(oc_mb_finish(mb, NULL, &bytes, &size, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "bad tensor handle"));
    oc_mb_destroy(mb);
    oc_mb_destroy(NULL);
}

/* Writing is atomic: the file appears whole, and no temporary is left behind. */
static void test_write_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/oc_write_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.circle", dir);
    oc_err err = {{0}};
    assert_int_equal(oc_mb_write_file(path, (const uint8_t *)"abcdef", 6, &err), OC_OK);
    size_t n = 0;
    char *text = mf_read(path, &n);
    assert_int_equal(n, 6);
    assert_memory_equal(text, "abcdef", 6);
    free(text);
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/m.circle", dir);
    assert_int_equal(oc_mb_write_file(bad, (const uint8_t *)"x", 1, &err), OC_ERROR);
    assert_true(err.msg[0] != 0);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* empty: no temporary left */
}

/* The demo model the README runs (built by gen_model), when the build folder is known. */
static void test_demo_model(void **state)
{
    (void)state;
    const char *build = getenv("ONERT_C_BUILD");
    char path[4200];
    snprintf(path, sizeof path, "%s/demo/demo_cnn.circle", build ? build : ".");
    struct stat st;
    if (!build || stat(path, &st) != 0) {
        printf("SKIP: demo model not found (%s)\n", path);
        return;
    }
    oc_load_opts all = {.allow_unsupported = true};
    oc_graph *g = NULL;
    oc_err err = {{0}};
    if (oc_model_load_file_opts(path, &all, &g, &err) != OC_OK) fail_msg("%s", err.msg);
    const oc_subgraph *sg = &g->subgraphs[0];
    static const int32_t codes[7] = {3, 4, 17, 3, 40, 9, 25};
    assert_int_equal(sg->nops, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(sg->ops[i].code, codes[i]);
    const oc_tensor *in = &sg->tensors[sg->inputs[0]], *out = &sg->tensors[sg->outputs[0]];
    assert_int_equal(in->shape.rank, 4);
    assert_int_equal(in->shape.dims[1], 32);
    assert_int_equal(in->shape.dims[3], 3);
    assert_int_equal(out->shape.dims[1], 10);
    assert_string_equal(in->name, "input");
    assert_string_equal(out->name, "output");
    char id[5];
    oc_fb_identifier(g->bytes, g->size, id);
    assert_string_equal(id, "CIR0");
    oc_graph_destroy(g);
}

/* Misaligned constants (a caller buffer at an odd address) are copied to aligned memory with
 * the same contents; aligned ones stay in place. */
static void test_misaligned_buffer(void **state)
{
    (void)state;
    if (!mf_require_models()) return;
    char path[4200];
    size_t size = 0;
    uint8_t *bytes = mf_read(mf_path(path, sizeof path, "mobilenet_v1_025_224_f32.tflite"), &size);
    assert_non_null(bytes);
    uint8_t *odd = malloc(size + 1);
    memcpy(odd + 1, bytes, size);
    oc_load_opts all = {.allow_unsupported = true};
    oc_graph *a = NULL, *b = NULL;
    oc_err err = {{0}};
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &a, &err), OC_OK);
    assert_int_equal(oc_model_load_buffer_opts(odd + 1, size, &all, &b, &err), OC_OK);
    int copied = 0;
    for (int32_t i = 0; i < a->subgraphs[0].ntensors; i++) {
        const oc_tensor *ta = &a->subgraphs[0].tensors[i], *tb = &b->subgraphs[0].tensors[i];
        assert_int_equal(ta->bytes, tb->bytes);
        if (!ta->data) continue;
        assert_true((const uint8_t *)ta->data >= bytes && (const uint8_t *)ta->data < bytes + size);
        assert_int_equal((uintptr_t)tb->data % 4, 0);
        assert_memory_equal(ta->data, tb->data, ta->bytes);
        copied += (const uint8_t *)tb->data < odd || (const uint8_t *)tb->data > odd + size;
    }
    assert_true(copied > 0);
    oc_graph_destroy(a);
    oc_graph_destroy(b);
    free(odd);
    free(bytes);
}

/* Buffer.offset/size (data outside the flatbuffer, for >2 GB models) and the large custom
 * options fields, on a hand-written model: one subgraph, one constant float32[2] tensor, one
 * CUSTOM op whose options lie after the flatbuffer too. */
static uint8_t *offset_model(uint64_t data_off, uint64_t data_size, uint64_t copt_off, size_t *size)
{
    fbw w = {0};
    fbw_bytes(&w, "\0\0\0\0TFL3", 8);
    fbw_field mf[4] = {FBW_SCALAR(0, 4, 3), FBW_OFF(1), FBW_OFF(2), FBW_OFF(4)};
    size_t ms[4];
    fbw_patch(&w, 0, fbw_table(&w, mf, 4, ms));
    size_t v = fbw_offset_vector(&w, 1); /* operator_codes: CUSTOM "Ext" */
    fbw_patch(&w, ms[1], v);
    fbw_field cf[3] = {FBW_SCALAR(0, 1, 32), FBW_SCALAR(3, 4, 32), FBW_OFF(1)};
    size_t cs[3];
    fbw_patch(&w, v + 4, fbw_table(&w, cf, 3, cs));
    fbw_patch(&w, cs[2], fbw_string(&w, "Ext"));
    v = fbw_offset_vector(&w, 1); /* subgraphs */
    fbw_patch(&w, ms[2], v);
    fbw_field sf[4] = {FBW_OFF(0), FBW_OFF(1), FBW_OFF(2), FBW_OFF(3)};
    size_t ss[4];
    fbw_patch(&w, v + 4, fbw_table(&w, sf, 4, ss));
    size_t tv = fbw_offset_vector(&w, 2);
    fbw_patch(&w, ss[0], tv);
    for (int i = 0; i < 2; i++) {
        fbw_field tf[3] = {FBW_OFF(0), FBW_SCALAR(1, 1, 0), FBW_SCALAR(2, 4, (uint32_t)(1 - i))};
        size_t ts[3];
        fbw_patch(&w, tv + 4 + 4 * (size_t)i, fbw_table(&w, tf, 3, ts));
        fbw_patch(&w, ts[0], fbw_vector(&w, (int32_t[]){2}, 1, 4, 4));
    }
    fbw_patch(&w, ss[1], fbw_vector(&w, NULL, 0, 4, 4));
    fbw_patch(&w, ss[2], fbw_vector(&w, (int32_t[]){1}, 1, 4, 4));
    size_t ov = fbw_offset_vector(&w, 1);
    fbw_patch(&w, ss[3], ov);
    fbw_field of[5] = {FBW_SCALAR(0, 4, 0), FBW_OFF(1), FBW_OFF(2), FBW_SCALAR(9, 8, copt_off),
                       FBW_SCALAR(10, 8, 3)};
    size_t os[5];
    fbw_patch(&w, ov + 4, fbw_table(&w, of, 5, os));
    fbw_patch(&w, os[1], fbw_vector(&w, (int32_t[]){0}, 1, 4, 4));
    fbw_patch(&w, os[2], fbw_vector(&w, (int32_t[]){1}, 1, 4, 4));
    v = fbw_offset_vector(&w, 2); /* buffers: sentinel, then one with offset/size */
    fbw_patch(&w, ms[3], v);
    fbw_patch(&w, v + 4, fbw_table(&w, NULL, 0, NULL));
    fbw_field bf[2] = {FBW_SCALAR(1, 8, data_off), FBW_SCALAR(2, 8, data_size)};
    fbw_patch(&w, v + 8, fbw_table(&w, bf, 2, NULL));
    /* The data after the flatbuffer at offset 1024 (a multiple of 16), options at 1040. */
    assert_true(w.len <= 1024);
    fbw_pad(&w, 1024);
    const float data[2] = {2.5f, -1.f};
    fbw_bytes(&w, data, sizeof data);
    fbw_pad(&w, 16);
    fbw_bytes(&w, "\x07\x08\x09", 3);
    assert_false(w.oom);
    *size = w.len;
    return w.buf;
}

static void test_buffer_offsets(void **state)
{
    (void)state;
    size_t size = 0;
    uint8_t *bytes = offset_model(1024, 8, 1040, &size);
    oc_load_opts all = {.allow_unsupported = true};
    oc_graph *g = NULL;
    oc_err err = {{0}};
    if (oc_model_load_buffer_opts(bytes, size, &all, &g, &err) != OC_OK) fail_msg("%s", err.msg);
    const oc_tensor *t = &g->subgraphs[0].tensors[0];
    assert_true(t->is_const);
    assert_ptr_equal(t->data, bytes + 1024);
    assert_int_equal(t->bytes, 8);
    assert_true(((const float *)t->data)[0] == 2.5f);
    const oc_op *op = &g->subgraphs[0].ops[0];
    assert_string_equal(op->custom_name, "Ext");
    assert_ptr_equal(op->custom_options, bytes + 1040);
    assert_int_equal(op->custom_options_size, 3);
    oc_graph_destroy(g);
    free(bytes);

    /* Misaligned external data is copied; wrong sizes and out-of-file ranges are errors. */
    bytes = offset_model(1026, 8, 1040, &size);
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g, &err), OC_OK);
    t = &g->subgraphs[0].tensors[0];
    assert_int_equal((uintptr_t)t->data % 16, 0);
    assert_memory_equal(t->data, bytes + 1026, 8);
    oc_graph_destroy(g);
    free(bytes);
    bytes = offset_model(1026, 4, 1040, &size);
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "constant data has 4 bytes, expected 8"));
    free(bytes);
    bytes = offset_model(1000000, 8, 1040, &size);
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "outside the file"));
    free(bytes);
    bytes = offset_model(1024, UINT64_MAX - 100, 1040, &size);
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "outside the file"));
    free(bytes);
    bytes = offset_model(1024, 8, 1042, &size);
    assert_int_equal(oc_model_load_buffer_opts(bytes, size, &all, &g, &err), OC_ERROR);
    assert_non_null(strstr(err.msg, "custom options lie outside the file"));
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opcode_names),       cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_shared_models),      cmocka_unit_test(test_constants_in_place),
        cmocka_unit_test(test_builder_round_trip), cmocka_unit_test(test_builder_fields),
        cmocka_unit_test(test_builder_errors),     cmocka_unit_test(test_write_file),
        cmocka_unit_test(test_demo_model),         cmocka_unit_test(test_misaligned_buffer),
        cmocka_unit_test(test_buffer_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
