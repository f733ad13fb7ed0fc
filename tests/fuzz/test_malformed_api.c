/* Malformed models through the public API: truncated and byte-flipped copies of the real models
 * go through nnfw_load_circle_from_buffer, nnfw_prepare and nnfw_run. Every call must return
 * NO_ERROR, or ERROR with a stored message (INSUFFICIENT_OUTPUT_SIZE when a corrupted shape makes
 * an output larger) — never crash, hang or trip a sanitizer. The reader-level fuzz test
 * (test_malformed_models.c) covers many more mutations; this one follows them through prepare
 * and run, where corrupted shapes and constants meet the kernels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format/model_builder.h"
#include "model_files.h"
#include "nnfw_test.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_internal.h"

#define MAX_IO_BYTES (64u << 20)

static const char *const models[] = {
    "hello_world_f32.tflite",   "div_f32.tflite",         "conv2d_f32.circle",
    "add_sqrt_f32.circle",      "while_000.circle",       "if_dynamic_f32.tflite",
    "while_dynamic_f32.tflite", "dilated_conv_f32.tflite", "speech_recognition_f32.tflite",
    "mnist_lstm_f32.tflite",    "text_classifier_f32.tflite",
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* Bytes of a tensor, or 0 when absurd (we then do not try to run). */
static size_t info_bytes(const nnfw_tensorinfo *ti)
{
    uint64_t n = nt_elem_size(ti->dtype);
    for (int i = 0; i < ti->rank; i++) {
        if (ti->dims[i] < 0) return 0;
        n *= (uint64_t)ti->dims[i];
        if (n > MAX_IO_BYTES) return 0;
    }
    return (size_t)n;
}

static void expect_status(nnfw_session *s, NNFW_STATUS st, const char *what)
{
    if (st == NNFW_STATUS_NO_ERROR) return;
    if (st != NNFW_STATUS_ERROR && st != NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE)
        fail_msg("%s returned unexpected status %d", what, (int)st);
    char msg[1024] = "";
    assert_int_equal(nnfw_get_last_error_message(s, msg, sizeof msg), NNFW_STATUS_NO_ERROR);
    if (!msg[0]) fail_msg("%s failed without a message", what);
}

/* Load, prepare and run one (possibly malformed) model buffer. Returns 1 if it ran. */
static int try_model(uint8_t *buf, size_t size)
{
    nnfw_session *s = NULL;
    assert_int_equal(nnfw_create_session(&s), NNFW_STATUS_NO_ERROR);
    nnfw_set_config(s, "NUM_THREADS", "1");
    int ran = 0;
    void *bufs[16] = {0};
    int nbufs = 0;
    NNFW_STATUS st = nnfw_load_circle_from_buffer(s, buf, size);
    expect_status(s, st, "load");
    if (st != NNFW_STATUS_NO_ERROR) goto done;
    st = nnfw_prepare(s);
    expect_status(s, st, "prepare");
    if (st != NNFW_STATUS_NO_ERROR) goto done;
    uint32_t nin = 0, nout = 0;
    assert_int_equal(nnfw_input_size(s, &nin), NNFW_STATUS_NO_ERROR);
    assert_int_equal(nnfw_output_size(s, &nout), NNFW_STATUS_NO_ERROR);
    if (nin + nout > 16) goto done;
    for (uint32_t k = 0; k < nin + nout; k++) {
        nnfw_tensorinfo ti;
        st = k < nin ? nnfw_input_tensorinfo(s, k, &ti) : nnfw_output_tensorinfo(s, k - nin, &ti);
        expect_status(s, st, "tensorinfo");
        if (st != NNFW_STATUS_NO_ERROR) goto done;
        size_t n = info_bytes(&ti);
        if (n == 0 && ti.rank > 0) goto done;
        /* outputs get room to grow: corrupted constants can change dynamic shapes */
        size_t alloc = k < nin ? n : (n + 1) * 4;
        bufs[nbufs] = calloc(1, alloc ? alloc : 1);
        st = k < nin ? nnfw_set_input(s, k, ti.dtype, bufs[nbufs], n)
                     : nnfw_set_output(s, k - nin, ti.dtype, bufs[nbufs], alloc);
        nbufs++;
        expect_status(s, st, "set_input/output");
        if (st != NNFW_STATUS_NO_ERROR) goto done;
    }
    st = nnfw_run(s);
    expect_status(s, st, "run");
    ran = st == NNFW_STATUS_NO_ERROR;
done:
    for (int i = 0; i < nbufs; i++) free(bufs[i]);
    assert_int_equal(nnfw_close_session(s), NNFW_STATUS_NO_ERROR);
    return ran;
}

static void mutate_models(void **state)
{
    (void)state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    int runs = 0, ran = 0;
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[4200];
        size_t size = 0;
        uint8_t *orig = mf_read(mf_path(path, sizeof path, models[m]), &size);
        assert_non_null(orig);
        /* truncations, each in an exact-size allocation so overreads are caught */
        for (int i = 0; i < 40; i++) {
            size_t len = i < 20 ? (size_t)i * 3 : size * (size_t)(i - 20) / 20;
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, orig, len);
            if (getenv("FUZZ_TRACE")) fprintf(stderr, "%s trunc %zu\n", models[m], len);
            ran += try_model(copy, len);
            runs++;
            free(copy);
        }
        /* byte flips: 1..4 random bytes replaced */
        for (int i = 0; i < 500; i++) {
            uint8_t *copy = malloc(size);
            memcpy(copy, orig, size);
            int nflip = 1 + (int)(rnd() % 4);
            for (int f = 0; f < nflip; f++) copy[rnd() % size] = (uint8_t)rnd();
            if (getenv("FUZZ_TRACE")) fprintf(stderr, "%s flip %d\n", models[m], i);
            ran += try_model(copy, size);
            runs++;
            free(copy);
        }
        free(orig);
    }
    printf("%d mutated models, %d ran to completion, the rest were rejected with a message\n",
           runs, ran);
}

/* ---- regressions found by tests/fuzz/fuzz_model.c ----------------------------------------- */

/* Builds a model with the builder; *size set. free() the result. */
static uint8_t *finish_model(oc_mb *mb, size_t *size)
{
    uint8_t *bytes = NULL;
    oc_err err = {{0}};
    if (oc_mb_finish(mb, "CIR0", &bytes, size, &err) != OC_OK) fail_msg("finish: %s", err.msg);
    oc_mb_destroy(mb);
    return bytes;
}

/* Returns the status of load + prepare; msg gets the last error. */
static NNFW_STATUS load_prepare(uint8_t *model, size_t size, char *msg, size_t msg_size)
{
    nnfw_session *s = NULL;
    assert_int_equal(nnfw_create_session(&s), NNFW_STATUS_NO_ERROR);
    NNFW_STATUS st = nnfw_load_circle_from_buffer(s, model, size);
    if (st == NNFW_STATUS_NO_ERROR) st = nnfw_prepare(s);
    msg[0] = '\0';
    nnfw_get_last_error_message(s, msg, msg_size);
    nnfw_close_session(s);
    return st;
}

/* A variable tensor larger than the memory cap is rejected with a message at prepare (it used
 * to be allocated and zero-filled whatever its size). */
static void huge_variable_rejected(void **state)
{
    (void)state;
    oc_mb *mb = oc_mb_create();
    int sg = oc_mb_subgraph(mb, "main");
    int x = oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){1, 1024}, 0, "x");
    int v = oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){600, 1024}, 0, "state");
    oc_mb_tensor_variable(mb, sg, v, true);
    int out = oc_mb_tensor(mb, sg, OC_F32, 2, (int32_t[]){600, 1024}, 0, "out");
    oc_mb_io(mb, sg, 1, &x, 1, &out);
    oc_mb_op(mb, sg, 0 /* ADD */, NULL, 2, (int32_t[]){x, v}, 1, &out, 0, NULL);
    size_t size;
    uint8_t *model = finish_model(mb, &size);
    char msg[1024];
    setenv("ONERT_C_MAX_TENSOR_BYTES", "1000000", 1);
    NNFW_STATUS st = load_prepare(model, size, msg, sizeof msg);
    unsetenv("ONERT_C_MAX_TENSOR_BYTES");
    assert_int_equal(st, NNFW_STATUS_ERROR);
    assert_non_null(strstr(msg, "variable 'state'"));
    /* without the cap the same model prepares */
    assert_int_equal(load_prepare(model, size, msg, sizeof msg), NNFW_STATUS_NO_ERROR);
    free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(mutate_models),
                                       cmocka_unit_test(huge_variable_rejected)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
