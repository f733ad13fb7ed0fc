/* Conformance on the real float32 / float16-weight models of ../shared/models: each loads,
 * prepares and runs through the public nnfw API from ref/<model>.in<k>.bin, and every output
 * matches the TFLite reference (tfjs-tflite, else litertjs, else ort) within
 * max|diff| <= 1e-4 * max(1, max|ref|). onert_run --dump:raw must give the library's bytes. */
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

typedef struct model_case {
    const char *name; /* ref/<name>.* */
    const char *file;
    const char *input_set; /* "" or "img." (an extra input set) */
    int runs; /* stateful models: the peers' reference is the output of run 23 (3 warm-up + 20) */
} model_case;

static const model_case cases[] = {
    {"hello_world_f32", "hello_world_f32.tflite", "", 1},
    {"mnist_lstm_f32", "mnist_lstm_f32.tflite", "", 23},
    {"mobilenet_v1_025_224_f32", "mobilenet_v1_025_224_f32.tflite", "", 1},
    {"text_classifier_f32", "text_classifier_f32.tflite", "", 1},
    {"dilated_conv_f32", "dilated_conv_f32.tflite", "", 1},
    {"div_f32", "div_f32.tflite", "", 1},
    {"onnx_conv_f32", "onnx_conv_f32.circle", "", 1},
    {"speech_recognition_f32", "speech_recognition_f32.tflite", "", 1},
    {"if_dynamic_f32", "if_dynamic_f32.tflite", "", 1},
    {"while_dynamic_f32", "while_dynamic_f32.tflite", "", 1},
    {"conv2d_f32", "conv2d_f32.circle", "", 1},
    {"add_sqrt_f32", "add_sqrt_f32.circle", "", 1},
    {"face_detection_short_f16", "face_detection_short_f16.tflite", "", 1},
    {"face_detection_full_sparse_f16", "face_detection_full_sparse_f16.tflite", "", 1},
    {"hand_landmark_lite_f16", "hand_landmark_lite_f16.tflite", "", 1},
    {"selfie_segmentation_f16", "selfie_segmentation_f16.tflite", "", 1},
    {"selfie_segmentation_f16", "selfie_segmentation_f16.tflite", "img.", 1},
};

static const char *const peers[] = {"tfjs-tflite", "litertjs", "ort"};

/* Reference output k: the first peer that has it. */
static float *read_reference(const model_case *mc, int k, size_t *bytes, const char **peer)
{
    char rel[512], path[4200];
    for (size_t p = 0; p < sizeof peers / sizeof peers[0]; p++) {
        snprintf(rel, sizeof rel, "ref/%s.%s%s.out%d.bin", mc->name, mc->input_set, peers[p], k);
        float *data = mf_read(mf_path(path, sizeof path, rel), bytes);
        if (data) {
            *peer = peers[p];
            return data;
        }
    }
    return NULL;
}

/* Runs onert_run on the same inputs and checks its dumped outputs equal `outputs`. */
static void check_onert_run(const model_case *mc, const char *model_path, uint32_t nin,
                            uint32_t nout, void **outputs, const size_t *out_bytes)
{
    const char *build = getenv("ONERT_C_BUILD");
    if (!build) return;
    char tmp[] = "/tmp/oc_model_XXXXXX", cmd[9000], path[4200], rel[512];
    assert_non_null(mkdtemp(tmp));
    for (uint32_t k = 0; k < nin; k++) {
        char link[600];
        snprintf(rel, sizeof rel, "ref/%s.%sin%u.bin", mc->name, mc->input_set, k);
        snprintf(link, sizeof link, "%s/in.%u", tmp, k);
        assert_int_equal(symlink(mf_path(path, sizeof path, rel), link), 0);
    }
    snprintf(cmd, sizeof cmd, "%s/onert_run --load:raw %s/in --dump:raw %s/out %s >/dev/null",
             build, tmp, tmp, model_path);
    int rc = system(cmd);
    if (rc != 0) fail_msg("%s: onert_run exited with %d", mc->name, rc);
    for (uint32_t k = 0; k < nout; k++) {
        size_t n = 0;
        snprintf(path, sizeof path, "%s/out.%u", tmp, k);
        void *dumped = mf_read(path, &n);
        if (!dumped) fail_msg("%s: onert_run wrote no %s", mc->name, path);
        if (n != out_bytes[k] || memcmp(dumped, outputs[k], n) != 0)
            fail_msg("%s: onert_run output %u differs from the library's", mc->name, k);
        free(dumped);
        unlink(path);
    }
    for (uint32_t k = 0; k < nin; k++) {
        snprintf(path, sizeof path, "%s/in.%u", tmp, k);
        unlink(path);
    }
    rmdir(tmp);
}

static void run_model(void **state)
{
    const model_case *mc = *state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    char model_path[4200], rel[512], path[4200];
    snprintf(rel, sizeof rel, "%s", mc->file);
    mf_path(model_path, sizeof model_path, rel);

    nnfw_session *session = NULL;
    assert_int_equal(nnfw_create_session(&session), NNFW_STATUS_NO_ERROR);
    NT_CHECK(session, mc->name, nnfw_load_model_from_file(session, model_path));
    NT_CHECK(session, mc->name, nnfw_prepare(session));

    uint32_t nin = 0, nout = 0;
    NT_CHECK(session, mc->name, nnfw_input_size(session, &nin));
    NT_CHECK(session, mc->name, nnfw_output_size(session, &nout));
    void *inputs[8] = {0}, *outputs[8] = {0};
    size_t out_bytes[8] = {0};
    assert_true(nin <= 8 && nout <= 8);
    for (uint32_t k = 0; k < nin; k++) {
        size_t n = 0;
        snprintf(rel, sizeof rel, "ref/%s.%sin%u.bin", mc->name, mc->input_set, k);
        inputs[k] = mf_read(mf_path(path, sizeof path, rel), &n);
        if (!inputs[k]) fail_msg("missing %s", path);
        nnfw_tensorinfo ti;
        NT_CHECK(session, mc->name, nnfw_input_tensorinfo(session, k, &ti));
        NT_CHECK(session, mc->name, nnfw_set_input(session, k, ti.dtype, inputs[k], n));
    }
    /* Output buffers: the reference size when the static shape is unknown (dynamic outputs). */
    float *refs[8] = {0};
    size_t ref_bytes[8] = {0};
    const char *peer[8] = {0};
    for (uint32_t k = 0; k < nout; k++) {
        refs[k] = read_reference(mc, (int)k, &ref_bytes[k], &peer[k]);
        if (!refs[k]) fail_msg("%s: no reference for output %u", mc->name, k);
        nnfw_tensorinfo ti;
        NT_CHECK(session, mc->name, nnfw_output_tensorinfo(session, k, &ti));
        size_t n = nt_info_bytes(&ti);
        out_bytes[k] = n > ref_bytes[k] ? n : ref_bytes[k];
        outputs[k] = calloc(1, out_bytes[k]);
        NT_CHECK(session, mc->name, nnfw_set_output(session, k, ti.dtype, outputs[k], out_bytes[k]));
    }
    NT_CHECK(session, mc->name, nnfw_run(session));
    void *first_run = NULL; /* stateful models: onert_run (one run) must equal the first run */
    if (mc->runs > 1) {
        /* LSTM state lives in variable tensors that persist across runs (TFLite semantics):
         * the first output must differ from the one after `runs` runs. */
        first_run = malloc(out_bytes[0]);
        memcpy(first_run, outputs[0], out_bytes[0]);
        for (int r = 1; r < mc->runs; r++) NT_CHECK(session, mc->name, nnfw_run(session));
        if (memcmp(first_run, outputs[0], out_bytes[0]) == 0)
            fail_msg("%s: state did not persist across runs", mc->name);
    }

    for (uint32_t k = 0; k < nout; k++) {
        nnfw_tensorinfo ti;
        NT_CHECK(session, mc->name, nnfw_output_tensorinfo(session, k, &ti));
        assert_int_equal(ti.dtype, NNFW_TYPE_TENSOR_FLOAT32);
        size_t n = nt_info_bytes(&ti);
        if (n != ref_bytes[k])
            fail_msg("%s: output %u has %zu bytes, reference %zu", mc->name, k, n, ref_bytes[k]);
        const float *got = outputs[k], *ref = refs[k];
        size_t count = n / 4;
        double max_ref = 0, max_diff = 0;
        for (size_t i = 0; i < count; i++) {
            if (fabs(ref[i]) > max_ref) max_ref = fabs(ref[i]);
            double d = fabs((double)got[i] - ref[i]);
            if (!(d <= max_diff)) max_diff = isnan(d) ? INFINITY : d;
        }
        double tol = 1e-4 * (max_ref > 1 ? max_ref : 1);
        printf("%-32s out%u vs %-11s max|diff| %.3g (tol %.3g)\n", mc->name, k, peer[k],
               max_diff, tol);
        if (!(max_diff <= tol))
            fail_msg("%s output %u: max|diff| %.6g > %.6g", mc->name, k, max_diff, tol);
        out_bytes[k] = n;
    }
    if (first_run) memcpy(outputs[0], first_run, out_bytes[0]);
    if (mc->input_set[0] == 0) check_onert_run(mc, model_path, nin, nout, outputs, out_bytes);
    free(first_run);
    for (uint32_t k = 0; k < 8; k++) {
        free(inputs[k]);
        free(outputs[k]);
        free(refs[k]);
    }
    assert_int_equal(nnfw_close_session(session), NNFW_STATUS_NO_ERROR);
}

/* while_000 has no peer reference. Its condition subgraph is EQUAL(counter, 10); its body adds
 * 1 to the counter and computes X^T x 2 with BatchMatMulV2 (adj_x = true in its flexbuffer
 * options), turning the [2,3] loop value into [3,3]. So from the reference input (counter 50)
 * the loop runs zero times and returns 50; from counter 10 it runs once and returns 11. */
static void while_000(void **state)
{
    (void)state;
    if (!mf_require_models()) {
        skip();
        return;
    }
    const model_case c = {"while_000", "while_000.circle", "", 1}, *mc = &c;
    char model_path[4200], path[4200];
    mf_path(model_path, sizeof model_path, mc->file);
    size_t n0 = 0, n1 = 0;
    int32_t *counter = mf_read(mf_path(path, sizeof path, "ref/while_000.in0.bin"), &n0);
    float *values = mf_read(mf_path(path, sizeof path, "ref/while_000.in1.bin"), &n1);
    assert_non_null(counter);
    assert_non_null(values);
    assert_int_equal(n0, 4);
    assert_int_not_equal(counter[0], 10);

    nnfw_session *session = NULL;
    assert_int_equal(nnfw_create_session(&session), NNFW_STATUS_NO_ERROR);
    NT_CHECK(session, mc->name, nnfw_load_model_from_file(session, model_path));
    NT_CHECK(session, mc->name, nnfw_prepare(session));
    int32_t out = -1;
    NT_CHECK(session, mc->name, nnfw_set_input(session, 0, NNFW_TYPE_TENSOR_INT32, counter, n0));
    NT_CHECK(session, mc->name, nnfw_set_input(session, 1, NNFW_TYPE_TENSOR_FLOAT32, values, n1));
    NT_CHECK(session, mc->name, nnfw_set_output(session, 0, NNFW_TYPE_TENSOR_INT32, &out, sizeof out));
    NT_CHECK(session, mc->name, nnfw_run(session));
    assert_int_equal(out, counter[0]);

    int32_t ten = 10;
    NT_CHECK(session, mc->name, nnfw_set_input(session, 0, NNFW_TYPE_TENSOR_INT32, &ten, sizeof ten));
    NT_CHECK(session, mc->name, nnfw_run(session));
    assert_int_equal(out, 11);
    nnfw_close_session(session);
    free(counter);
    free(values);
}

int main(void)
{
    struct CMUnitTest tests[sizeof cases / sizeof cases[0] + 1];
    char names[sizeof cases / sizeof cases[0]][96];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(names[i], sizeof names[i], "%s%s%s", cases[i].name, cases[i].input_set[0] ? "." : "",
                 cases[i].input_set[0] ? "img" : "");
        tests[i] = (struct CMUnitTest){names[i], run_model, NULL, NULL, (void *)&cases[i]};
    }
    size_t n = sizeof cases / sizeof cases[0];
    tests[n++] = (struct CMUnitTest){"while_000", while_000, NULL, NULL, NULL};
    return _cmocka_run_group_tests("float_models", tests, n, NULL, NULL);
}
