/* Inference through the nnfw API on the shared models: results against the reference outputs,
 * channels-first buffers, input resizing before and after prepare, internal outputs, loading
 * from a buffer and from an nnpackage, signatures, and error logging. */
#include "api_util.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* |got - want| <= 1e-5 * max(1, |want|) */
static void assert_close(const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float tol = 1e-5f * (fabsf(want[i]) > 1.0f ? fabsf(want[i]) : 1.0f);
        if (!(fabsf(got[i] - want[i]) <= tol))
            fail_msg("element %zu: got %.9g want %.9g", i, (double)got[i], (double)want[i]);
    }
}

static void run_ok(nnfw_session *s)
{
    NNFW_STATUS st = nnfw_run(s);
    if (st != NNFW_STATUS_NO_ERROR) {
        char msg[1024] = "";
        nnfw_get_last_error_message(s, msg, sizeof msg);
        fail_msg("nnfw_run: status %d: %s", (int)st, msg);
    }
}

/* NHWC [n,h,w,c] <-> NCHW. */
static void to_nchw(const float *src, float *dst, int n, int h, int w, int c)
{
    for (int b = 0; b < n; b++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < c; k++)
                    dst[((b * c + k) * h + y) * w + x] = src[((b * h + y) * w + x) * c + k];
}

static void test_add_sqrt_reference(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "add_sqrt_f32.circle");
    nnfw_session *s = au_prepared(path);
    size_t n0, n1, r0, r1;
    float *in0 = au_ref("add_sqrt_f32.in0.bin", &n0), *in1 = au_ref("add_sqrt_f32.in1.bin", &n1);
    float *ref0 = au_ref("add_sqrt_f32.ort.out0.bin", &r0);
    float *ref1 = au_ref("add_sqrt_f32.ort.out1.bin", &r1);
    assert_int_equal(n0, 18);
    float out0[18], out1[18];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in0, n0 * 4));
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, in1, n1 * 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out0, sizeof out0));
    EXPECT_OK(nnfw_set_output(s, 1, NNFW_TYPE_TENSOR_FLOAT32, out1, sizeof out1));
    run_ok(s);
    assert_close(out0, ref0, r0);
    assert_close(out1, ref1, r1);
    /* Same result on a second run (buffers are reused). */
    memset(out0, 0, sizeof out0);
    run_ok(s);
    assert_close(out0, ref0, r0);
    EXPECT_OK(nnfw_close_session(s));

    /* Channels-first inputs and outputs ([1,3,3,2] NHWC = [1,2,3,3] NCHW). */
    s = au_load(path);
    for (uint32_t i = 0; i < 2; i++) {
        EXPECT_OK(nnfw_set_input_layout(s, i, NNFW_LAYOUT_CHANNELS_FIRST));
        EXPECT_OK(nnfw_set_output_layout(s, i, NNFW_LAYOUT_CHANNELS_FIRST));
    }
    EXPECT_OK(nnfw_prepare(s));
    float c0[18], c1[18], want0[18], want1[18];
    to_nchw(in0, c0, 1, 3, 3, 2);
    to_nchw(in1, c1, 1, 3, 3, 2);
    to_nchw(ref0, want0, 1, 3, 3, 2);
    to_nchw(ref1, want1, 1, 3, 3, 2);
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, c0, sizeof c0));
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, c1, sizeof c1));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out0, sizeof out0));
    EXPECT_OK(nnfw_set_output(s, 1, NNFW_TYPE_TENSOR_FLOAT32, out1, sizeof out1));
    run_ok(s);
    assert_close(out0, want0, 18);
    assert_close(out1, want1, 18);
    EXPECT_OK(nnfw_close_session(s));
    free(in0), free(in1), free(ref0), free(ref1);
}

static void test_conv2d_reference(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "conv2d_f32.circle");
    nnfw_session *s = au_prepared(path);
    size_t n, r;
    float *in = au_ref("conv2d_f32.in0.bin", &n), *ref = au_ref("conv2d_f32.ort.out0.bin", &r);
    float out[9];
    assert_int_equal(r, 9);
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, n * 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, sizeof out));
    run_ok(s);
    assert_close(out, ref, r);
    EXPECT_OK(nnfw_close_session(s));
    free(in), free(ref);
}

/* hello_world_f32: shape [1,1] with shape_signature [-1,1] (dynamic batch). */
static void test_hello_world_resize(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "hello_world_f32.tflite");
    size_t n, r;
    float *x = au_ref("hello_world_f32.in0.bin", &n),
          *ref = au_ref("hello_world_f32.ort.out0.bin", &r);
    assert_int_equal(n, 1);

    /* Plain run: the stored shape [1,1]. */
    nnfw_session *s = au_load(path);
    nnfw_tensorinfo ti;
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.rank, 2);
    assert_int_equal(ti.dims[0], 1);
    assert_int_equal(ti.dims[1], 1);
    EXPECT_OK(nnfw_prepare(s));
    float y1 = 0;
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, x, 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &y1, 4));
    run_ok(s);
    assert_close(&y1, ref, 1);

    /* After prepare: batch 3 from the next run. */
    float xs[3] = {x[0], 0.5f, 2.0f}, ys[3] = {0}, singles[3];
    for (int i = 0; i < 3; i++) {
        EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &xs[i], 4));
        EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &singles[i], 4));
        run_ok(s);
    }
    nnfw_tensorinfo b3 = {NNFW_TYPE_TENSOR_FLOAT32, 2, {3, 1}};
    EXPECT_OK(nnfw_set_input_tensorinfo(s, 0, &b3));
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.dims[0], 3);
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, xs, 4)); /* old size */
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s));
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, xs, sizeof xs));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, ys, 4));
    EXPECT_FAIL(s, NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE, nnfw_run(s));
    EXPECT_OK(nnfw_output_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.dims[0], 3); /* shapes were applied */
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, ys, sizeof ys));
    run_ok(s);
    assert_close(ys, singles, 3);
    EXPECT_OK(nnfw_close_session(s));

    /* Before prepare: batch 4 through static shape inference. */
    s = au_load(path);
    nnfw_tensorinfo b4 = {NNFW_TYPE_TENSOR_INT32 /* ignored */, 2, {4, 1}};
    EXPECT_OK(nnfw_set_input_tensorinfo(s, 0, &b4));
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.dtype, NNFW_TYPE_TENSOR_FLOAT32);
    assert_int_equal(ti.dims[0], 4);
    EXPECT_OK(nnfw_prepare(s));
    EXPECT_OK(nnfw_output_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.rank, 2);
    assert_int_equal(ti.dims[0], 4);
    float x4[4] = {xs[0], xs[1], xs[2], xs[0]}, y4[4];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, x4, sizeof x4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, y4, sizeof y4));
    run_ok(s);
    float want4[4] = {singles[0], singles[1], singles[2], singles[0]};
    assert_close(y4, want4, 4);
    EXPECT_OK(nnfw_close_session(s));
    free(x), free(ref);
}

static void test_internal_output(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "conv2d_f32.circle");
    nnfw_session *s = au_load(path);
    EXPECT_OK(nnfw_set_prepare_config(s, NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC, "true"));
    EXPECT_OK(nnfw_reset_prepare_config(s)); /* keeps internal allocation, as onert */
    EXPECT_OK(nnfw_prepare(s));
    size_t n, r;
    float *in = au_ref("conv2d_f32.in0.bin", &n), *ref = au_ref("conv2d_f32.ort.out0.bin", &r);
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, n * 4));
    run_ok(s); /* no output buffer needed */
    nnfw_tensorinfo ti;
    const void *buf = NULL;
    EXPECT_OK(nnfw_get_output(s, 0, &ti, &buf));
    assert_non_null(buf);
    assert_int_equal(ti.rank, 4);
    assert_int_equal(ti.dims[3], 1);
    assert_close(buf, ref, r);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_get_output(s, 1, &ti, &buf));
    EXPECT_OK(nnfw_close_session(s));
    free(in), free(ref);
}

static void test_load_from_buffer(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "conv2d_f32.circle");
    size_t size = 0;
    uint8_t *model = mf_read(path, &size);
    assert_non_null(model);
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_OK(nnfw_load_circle_from_buffer(s, model, size));
    EXPECT_FAIL(s, NNFW_STATUS_INVALID_STATE, nnfw_load_circle_from_buffer(s, model, size));
    EXPECT_OK(nnfw_prepare(s));
    size_t n, r;
    float *in = au_ref("conv2d_f32.in0.bin", &n), *ref = au_ref("conv2d_f32.ort.out0.bin", &r);
    float out[9];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, n * 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, sizeof out));
    run_ok(s);
    assert_close(out, ref, r);
    /* No file behind the model: on-device compilation cannot start. */
    EXPECT_OK(nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_U8_ASYM));
    EXPECT_OK(nnfw_set_quantized_model_path(s, "/tmp/x.circle"));
    EXPECT_FAIL(s, NNFW_STATUS_INVALID_STATE, nnfw_quantize(s));
    EXPECT_OK(nnfw_close_session(s));
    free(model), free(in), free(ref); /* the buffer outlives the session */
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_nnpackage(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "conv2d_f32.circle");
    char dir[] = "/tmp/onert_c_pkgXXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[1024], model[512], meta[512];
    snprintf(meta, sizeof meta, "%s/metadata", dir);
    assert_int_equal(mkdir(meta, 0755), 0);
    snprintf(model, sizeof model, "%s/net.circle", dir);
    assert_int_equal(symlink(path, model), 0);
    snprintf(p, sizeof p, "%s/MANIFEST", meta);
    write_file(p,
               "{ \"major-version\": \"1\", \"minor-version\": \"2\", \"patch-version\": \"0\",\n"
               "  \"configs\": [ \"config.cfg\" ], \"models\": [ \"net.circle\" ],\n"
               "  \"model-types\": [ \"circle\" ] }\n");
    snprintf(p, sizeof p, "%s/config.cfg", meta);
    write_file(p, "# comment\nNUM_THREADS = 1\nENABLE_LOG=0\nCPU_MEMORY_PLANNER=WIC\n");

    nnfw_session *s = au_load(dir);
    char buf[32];
    EXPECT_OK(nnfw_get_config(s, "NUM_THREADS", buf, sizeof buf));
    assert_string_equal(buf, "1");
    EXPECT_OK(nnfw_prepare(s));
    size_t n, r;
    float *in = au_ref("conv2d_f32.in0.bin", &n), *ref = au_ref("conv2d_f32.ort.out0.bin", &r);
    float out[9];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, n * 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, sizeof out));
    run_ok(s);
    assert_close(out, ref, r);
    EXPECT_OK(nnfw_close_session(s));

    /* A bad config value fails the load; an unknown model type too. */
    snprintf(p, sizeof p, "%s/config.cfg", meta);
    write_file(p, "NUM_THREADS=many\n");
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, dir));
    EXPECT_OK(nnfw_close_session(s));
    snprintf(p, sizeof p, "%s/MANIFEST", meta);
    write_file(p, "{ \"models\": [ \"net.circle\" ], \"model-types\": [ \"abc\" ] }\n");
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, dir));
    EXPECT_OK(nnfw_close_session(s));
    write_file(p, "{ not json");
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, dir));
    EXPECT_OK(nnfw_close_session(s));

    unlink(p);
    snprintf(p, sizeof p, "%s/config.cfg", meta);
    unlink(p);
    rmdir(meta);
    unlink(model);
    rmdir(dir);
    free(in), free(ref);
}

static void test_signatures(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "hello_world_f32.tflite");
    nnfw_session *s = au_load(path);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_configure_signature(s, "nope"));
    EXPECT_OK(nnfw_configure_signature(s, "serving_default"));
    nnfw_tensorinfo ti;
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.rank, 2);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_set_input_layout(s, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_set_output_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_OK(nnfw_prepare(s));
    float x = 1.0f, y = 0.0f;
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &x, 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &y, 4));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_set_signature_run(s, "nope"));
    EXPECT_OK(nnfw_set_signature_run(s, "serving_default"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s)); /* bindings were reset */
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &x, 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, &y, 4));
    run_ok(s);
    EXPECT_OK(nnfw_close_session(s));

    /* Buffer loads have no signature map (as onert). */
    size_t size;
    uint8_t *model = mf_read(path, &size);
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_OK(nnfw_load_circle_from_buffer(s, model, size));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_configure_signature(s, "serving_default"));
    EXPECT_OK(nnfw_close_session(s));
    free(model);
}

/* Runs f with stderr redirected to a temporary file; returns what was written (malloc'd). */
static char *capture_stderr(void (*f)(void *), void *arg)
{
    fflush(stderr);
    int saved = dup(2);
    char name[] = "/tmp/onert_c_errXXXXXX";
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    dup2(fd, 2);
    f(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t size = 0;
    char *text = mf_read(name, &size);
    close(fd);
    unlink(name);
    char *z = calloc(size + 1, 1);
    memcpy(z, text, size);
    free(text);
    return z;
}

static void fail_prepare_twice(void *arg)
{
    nnfw_session *s = arg;
    nnfw_prepare(s);
    nnfw_prepare(s);
}

static void test_enable_log(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "conv2d_f32.circle");
    nnfw_session *s = au_load(path);
    char *quiet = capture_stderr(fail_prepare_twice, s);
    assert_string_equal(quiet, ""); /* the library never prints by default */
    free(quiet);
    EXPECT_OK(nnfw_close_session(s));

    s = au_load(path);
    EXPECT_OK(nnfw_set_config(s, "ENABLE_LOG", "1"));
    char *loud = capture_stderr(fail_prepare_twice, s);
    assert_non_null(strstr(loud, "Session::prepare"));
    free(loud);
    EXPECT_OK(nnfw_close_session(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_sqrt_reference), cmocka_unit_test(test_conv2d_reference),
        cmocka_unit_test(test_hello_world_resize), cmocka_unit_test(test_internal_output),
        cmocka_unit_test(test_load_from_buffer),   cmocka_unit_test(test_nnpackage),
        cmocka_unit_test(test_signatures),         cmocka_unit_test(test_enable_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
