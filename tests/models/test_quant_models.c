/* Conformance on the real quantized models of ../shared/models: outputs must be bit-identical to
 * TFLite (ref/<model>.tfjs-tflite.out*, else .litertjs.), with 1 and with 2 threads; float
 * buffers on a uint8 model give the dequantized values of the uint8 run. */
#include <math.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model_files.h"
#include "nnfw_test.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"

typedef struct model_case {
    const char *name;
    const char *file;
    const char *input_set; /* "" or "zoo." */
    int runs; /* stateful models: the peers' reference is the output of run 23 (3 warm-up + 20) */
} model_case;

static const model_case cases[] = {
    {"hello_world_int8", "hello_world_int8.tflite", "", 1},
    {"simple_add_int8", "simple_add_int8.tflite", "", 1},
    {"micro_speech_int8", "micro_speech_int8.tflite", "", 1},
    {"mnist_lstm_int8", "mnist_lstm_int8.tflite", "", 23},
    {"har_cnn_int8", "har_cnn_int8.tflite", "", 1},
    {"ssd_mobilenet_v3_int8", "ssd_mobilenet_v3_int8.tflite", "", 1},
    {"keyword_scrambled_int16", "keyword_scrambled_int16.tflite", "", 23},
    {"ds_cnn_s_int16", "ds_cnn_s_int16.tflite", "", 1},
    {"ds_cnn_s_int16", "ds_cnn_s_int16.tflite", "zoo.", 1},
    {"mobilenet_v1_025_224_uint8", "mobilenet_v1_025_224_uint8.tflite", "", 1},
    {"mobilenet_v1_025_128_uint8", "mobilenet_v1_025_128_uint8.tflite", "", 1},
    {"deeplabv3_mnv2_dm05_uint8", "deeplabv3_mnv2_dm05_uint8.tflite", "", 1},
    {"split_concat_uint8", "split_concat_uint8.tflite", "", 1},
};

static const char *const peers[] = {"tfjs-tflite", "litertjs"};

#define MAX_IO 8

typedef struct run_result {
    uint32_t nout;
    void *out[MAX_IO];
    size_t bytes[MAX_IO];
} run_result;

static void free_result(run_result *r)
{
    for (uint32_t k = 0; k < MAX_IO; k++) free(r->out[k]);
    memset(r, 0, sizeof *r);
}

/* Runs the model on ref inputs. float_io: bind float buffers (NNFW_TYPE_TENSOR_FLOAT32). */
static void run(const model_case *mc, const char *threads, bool float_io, run_result *r)
{
    const char *name = mc->name;
    char path[4200], rel[512];
    nnfw_session *session = NULL;
    assert_int_equal(nnfw_create_session(&session), NNFW_STATUS_NO_ERROR);
    NT_CHECK(session, name, nnfw_load_model_from_file(session, mf_path(path, sizeof path, mc->file)));
    NT_CHECK(session, name, nnfw_set_config(session, "NUM_THREADS", threads));
    NT_CHECK(session, name, nnfw_prepare(session));
    uint32_t nin = 0;
    NT_CHECK(session, name, nnfw_input_size(session, &nin));
    NT_CHECK(session, name, nnfw_output_size(session, &r->nout));
    assert_true(nin <= MAX_IO && r->nout <= MAX_IO);
    void *in[MAX_IO] = {0};
    for (uint32_t k = 0; k < nin; k++) {
        size_t n = 0;
        snprintf(rel, sizeof rel, "ref/%s.%sin%u.bin", mc->name, mc->input_set, k);
        in[k] = mf_read(mf_path(path, sizeof path, rel), &n);
        if (!in[k]) fail_msg("missing %s", path);
        nnfw_tensorinfo ti;
        NT_CHECK(session, name, nnfw_input_tensorinfo(session, k, &ti));
        NT_CHECK(session, name, nnfw_set_input(session, k, ti.dtype, in[k], n));
    }
    for (uint32_t k = 0; k < r->nout; k++) {
        nnfw_tensorinfo ti;
        NT_CHECK(session, name, nnfw_output_tensorinfo(session, k, &ti));
        size_t n = nt_info_bytes(&ti);
        NNFW_TYPE type = ti.dtype;
        if (float_io) {
            n = n / nt_elem_size(ti.dtype) * sizeof(float);
            type = NNFW_TYPE_TENSOR_FLOAT32;
        }
        r->out[k] = calloc(1, n);
        r->bytes[k] = n;
        NT_CHECK(session, name, nnfw_set_output(session, k, type, r->out[k], n));
    }
    for (int i = 0; i < (mc->runs > 1 ? mc->runs : 1); i++) NT_CHECK(session, name, nnfw_run(session));
    for (uint32_t k = 0; k < nin; k++) free(in[k]);
    assert_int_equal(nnfw_close_session(session), NNFW_STATUS_NO_ERROR);
}

static void bit_exact(void **state)
{
    const model_case *mc = *state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    run_result one = {0}, two = {0};
    run(mc, "1", false, &one);
    run(mc, "2", false, &two);
    for (uint32_t k = 0; k < one.nout; k++) {
        char rel[512], path[4200];
        size_t n = 0;
        void *ref = NULL;
        const char *peer = NULL;
        for (size_t p = 0; !ref && p < sizeof peers / sizeof peers[0]; p++) {
            snprintf(rel, sizeof rel, "ref/%s.%s%s.out%u.bin", mc->name, mc->input_set, peers[p], k);
            ref = mf_read(mf_path(path, sizeof path, rel), &n);
            peer = peers[p];
        }
        if (!ref) fail_msg("%s: no reference for output %u", mc->name, k);
        if (n != one.bytes[k])
            fail_msg("%s out%u: %zu bytes, reference %zu", mc->name, k, one.bytes[k], n);
        size_t diffs = 0, first = 0;
        for (size_t i = 0; i < n; i++)
            if (((uint8_t *)ref)[i] != ((uint8_t *)one.out[k])[i] && !diffs++) first = i;
        printf("%-28s %s out%u vs %-11s %zu differing bytes of %zu\n", mc->name, mc->input_set, k,
               peer, diffs, n);
        if (diffs) fail_msg("%s out%u: %zu bytes differ from %s, first at byte %zu", mc->name, k,
                            diffs, peer, first);
        if (memcmp(one.out[k], two.out[k], n) != 0)
            fail_msg("%s out%u: 2 threads differ from 1 thread", mc->name, k);
        free(ref);
    }
    /* The ML-zoo's own expected output for its input pair. */
    if (strcmp(mc->input_set, "zoo.") == 0) {
        char path[4200];
        size_t n = 0;
        void *want = mf_read(mf_path(path, sizeof path, "ref/ds_cnn_s_int16.zoo.expected.out0.bin"), &n);
        assert_non_null(want);
        assert_int_equal(n, one.bytes[0]);
        assert_memory_equal(want, one.out[0], n);
        free(want);
    }
    free_result(&one);
    free_result(&two);
}

/* Float buffers on mobilenet_v1_025_224_uint8 give exactly the dequantized uint8 outputs. */
static void float_io_dequantizes(void **state)
{
    (void)state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    const model_case mc = {"mobilenet_v1_025_224_uint8", "mobilenet_v1_025_224_uint8.tflite", "", 1};
    run_result q = {0}, f = {0};
    run(&mc, "1", false, &q);
    run(&mc, "1", true, &f);
    /* output scale 1/256, zero point 0 (MODELS.md) */
    const uint8_t *u = q.out[0];
    const float *x = f.out[0];
    assert_int_equal(f.bytes[0], q.bytes[0] * 4);
    for (size_t i = 0; i < q.bytes[0]; i++)
        if (x[i] != (float)u[i] * (1.0f / 256.0f))
            fail_msg("element %zu: float %g, uint8 %u", i, x[i], u[i]);
    free_result(&q);
    free_result(&f);
}

/* onert_run --force_float on mobilenet_v1_025_224_uint8: float input (the uint8 reference input
 * dequantized with scale 1/128, zero point 128, which quantizes back exactly) gives the
 * dequantized uint8 outputs. */
static void onert_run_force_float(void **state)
{
    (void)state;
    const char *build = getenv("ONERT_C_BUILD");
    if (!mf_require_models() || !build) {
        skip();
        return;
    }
    const model_case mc = {"mobilenet_v1_025_224_uint8", "mobilenet_v1_025_224_uint8.tflite", "", 1};
    run_result q = {0};
    run(&mc, "1", false, &q);
    char path[4200], dir[] = "/tmp/oc_force_float_XXXXXX", cmd[9000];
    size_t n = 0;
    uint8_t *in = mf_read(mf_path(path, sizeof path, "ref/mobilenet_v1_025_224_uint8.in0.bin"), &n);
    assert_non_null(in);
    assert_non_null(mkdtemp(dir));
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = ((int)in[i] - 128) / 128.0f;
    snprintf(path, sizeof path, "%s/in.0", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(x, sizeof *x, n, f), n);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s/onert_run --force_float --load:raw %s/in --dump:raw %s/out %s"
             " >/dev/null", build, dir, dir, mf_path(path, sizeof path, mc.file));
    assert_int_equal(system(cmd), 0);
    size_t m = 0;
    snprintf(path, sizeof path, "%s/out.0", dir);
    float *y = mf_read(path, &m);
    assert_non_null(y);
    assert_int_equal(m, q.bytes[0] * sizeof(float));
    for (size_t i = 0; i < q.bytes[0]; i++)
        if (y[i] != ((uint8_t *)q.out[0])[i] * (1.0f / 256.0f))
            fail_msg("element %zu: %g vs uint8 %u", i, y[i], ((uint8_t *)q.out[0])[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/in.0", dir);
    unlink(path);
    rmdir(dir);
    free(x);
    free(y);
    free(in);
    free_result(&q);
}

/* person_detect_int8: TFLite refuses it (1-D bias tensors with per-axis quantization along
 * dimension 3), TFLite Micro runs it; so do we (docs/quantization.md). No peer reference exists:
 * check that it runs, that threads agree, and that the softmax output (scale 1/256, zero point
 * -128) is a probability pair. */
static void person_detect_runs(void **state)
{
    (void)state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    const model_case mc = {"person_detect_int8", "person_detect_int8.tflite", "", 1};
    run_result one = {0}, two = {0};
    run(&mc, "1", false, &one);
    run(&mc, "2", false, &two);
    assert_int_equal(one.bytes[0], 2);
    assert_memory_equal(one.out[0], two.out[0], 2);
    const int8_t *p = one.out[0];
    int sum = (p[0] + 128) + (p[1] + 128);
    printf("person_detect_int8: scores %d %d (sum %d / 256)\n", p[0] + 128, p[1] + 128, sum);
    assert_true(sum >= 255 && sum <= 257);
    free_result(&one);
    free_result(&two);
}

int main(void)
{
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N + 3];
    char names[N][96];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%s%s%s", cases[i].name, cases[i].input_set[0] ? "." : "",
                 cases[i].input_set[0] ? "zoo" : "");
        tests[i] = (struct CMUnitTest){names[i], bit_exact, NULL, NULL, (void *)&cases[i]};
    }
    tests[N] = (struct CMUnitTest){"float_io_dequantizes", float_io_dequantizes, NULL, NULL, NULL};
    tests[N + 1] = (struct CMUnitTest){"person_detect_int8", person_detect_runs, NULL, NULL, NULL};
    tests[N + 2] = (struct CMUnitTest){"onert_run_force_float", onert_run_force_float, NULL, NULL,
                                       NULL};
    return _cmocka_run_group_tests("quant_models", tests, N + 3, NULL, NULL);
}
