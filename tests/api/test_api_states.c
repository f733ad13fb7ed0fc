/* nnfw API with a model, state by state: MODEL_LOADED, PREPARED, FINISHED_RUN and RUNNING,
 * with NULL arguments, bad indices, bad sizes, bad layouts and too-long strings. Model: div_f32
 * (two float inputs [1,1,1,32] named Placeholder/Placeholder_1, one output "truediv"). */
#include "api_util.h"

#define DIV_MODEL "div_f32.tflite"
#define DIV_BYTES (32 * sizeof(float))

static void dummy_eval(nnfw_custom_kernel_params *p, char *u, size_t n)
{
    (void)p, (void)u, (void)n;
}

static void test_model_loaded(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, DIV_MODEL);
    nnfw_session *s = au_load(path);
    const NNFW_STATUS IS = NNFW_STATUS_INVALID_STATE, ER = NNFW_STATUS_ERROR,
                      NUL = NNFW_STATUS_UNEXPECTED_NULL;
    nnfw_tensorinfo ti;
    uint32_t u = 99;
    char buf[64];
    float io[32];
    const void *cbuf;
    nnfw_train_info tinfo = NNFW_TRAIN_INFO_DEFAULT;

    /* Load is allowed once. */
    EXPECT_FAIL(s, IS, nnfw_load_model_from_file(s, path));
    EXPECT_FAIL(s, IS, nnfw_load_circle_from_buffer(s, (uint8_t *)buf, sizeof buf));
    EXPECT_FAIL(s, IS, nnfw_set_workspace(s, "."));

    EXPECT_OK(nnfw_input_size(s, &u));
    assert_int_equal(u, 2);
    EXPECT_OK(nnfw_output_size(s, &u));
    assert_int_equal(u, 1);
    EXPECT_FAIL(s, NUL, nnfw_input_size(s, NULL));
    EXPECT_FAIL(s, NUL, nnfw_output_size(s, NULL));

    EXPECT_OK(nnfw_input_tensorinfo(s, 1, &ti));
    assert_int_equal(ti.dtype, NNFW_TYPE_TENSOR_FLOAT32);
    assert_int_equal(ti.rank, 4);
    assert_int_equal(ti.dims[0], 1);
    assert_int_equal(ti.dims[3], 32);
    EXPECT_OK(nnfw_output_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.dims[3], 32);
    EXPECT_FAIL(s, NUL, nnfw_input_tensorinfo(s, 0, NULL));
    EXPECT_FAIL(s, NUL, nnfw_output_tensorinfo(s, 0, NULL));
    EXPECT_FAIL(s, ER, nnfw_input_tensorinfo(s, 2, &ti));
    EXPECT_FAIL(s, ER, nnfw_output_tensorinfo(s, 1, &ti));

    /* Names. */
    u = 99;
    EXPECT_OK(nnfw_input_tensorindex(s, "Placeholder_1", &u));
    assert_int_equal(u, 1);
    EXPECT_OK(nnfw_output_tensorindex(s, "truediv", &u));
    assert_int_equal(u, 0);
    u = 99;
    EXPECT_FAIL(s, ER, nnfw_input_tensorindex(s, "truediv", &u));
    EXPECT_FAIL(s, ER, nnfw_output_tensorindex(s, "nope", &u));
    assert_int_equal(u, 99); /* unchanged */
    char longname[80];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    EXPECT_FAIL(s, ER, nnfw_input_tensorindex(s, longname, &u));

    /* Layouts and types. */
    EXPECT_OK(nnfw_set_input_layout(s, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_OK(nnfw_set_input_layout(s, 0, NNFW_LAYOUT_NONE));
    EXPECT_OK(nnfw_set_output_layout(s, 0, NNFW_LAYOUT_CHANNELS_FIRST));
    EXPECT_OK(nnfw_set_output_layout(s, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_FAIL(s, ER, nnfw_set_input_layout(s, 0, (NNFW_LAYOUT)3));
    EXPECT_FAIL(s, ER, nnfw_set_output_layout(s, 0, (NNFW_LAYOUT)-1));
    EXPECT_FAIL(s, ER, nnfw_set_input_layout(s, 2, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_FAIL(s, ER, nnfw_set_output_layout(s, 5, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_OK(nnfw_set_input_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_OK(nnfw_set_output_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_FAIL(s, ER, nnfw_set_input_type(s, 0, NNFW_TYPE_TENSOR_INT32));
    EXPECT_FAIL(s, ER, nnfw_set_output_type(s, 0, NNFW_TYPE_TENSOR_QUANT8_ASYMM));
    EXPECT_FAIL(s, ER, nnfw_set_input_type(s, 9, NNFW_TYPE_TENSOR_FLOAT32));

    /* Input shapes before prepare. */
    nnfw_tensorinfo bad = {NNFW_TYPE_TENSOR_FLOAT32, 7, {1, 1, 1, 1, 1, 1}};
    EXPECT_FAIL(s, NUL, nnfw_set_input_tensorinfo(s, 0, NULL));
    EXPECT_FAIL(s, ER, nnfw_set_input_tensorinfo(s, 0, &bad));
    bad.rank = -1;
    EXPECT_FAIL(s, ER, nnfw_set_input_tensorinfo(s, 0, &bad));
    bad.rank = 2;
    bad.dims[1] = 0;
    EXPECT_FAIL(s, ER, nnfw_set_input_tensorinfo(s, 0, &bad));
    bad.dims[1] = -3;
    EXPECT_FAIL(s, ER, nnfw_set_input_tensorinfo(s, 0, &bad));
    bad.dims[1] = 1;
    EXPECT_FAIL(s, ER, nnfw_set_input_tensorinfo(s, 2, &bad));

    /* Backends and configuration. */
    EXPECT_FAIL(s, NUL, nnfw_set_available_backends(s, NULL));
    /* The whole list must be NUL-terminated within 32 bytes. */
    EXPECT_FAIL(s, ER, nnfw_set_available_backends(s, "cpu;cpu;cpu;cpu;cpu;cpu;cpu;cpu;"));
    EXPECT_OK(nnfw_set_available_backends(s, "cpu;cpu;cpu;cpu;cpu;cpu;cpu;cpu")); /* 31 */
    EXPECT_OK(nnfw_set_available_backends(s, ""));
    buf[0] = 'X';
    EXPECT_OK(nnfw_get_config(s, "BACKENDS", buf, sizeof buf));
    assert_int_equal(buf[0], 'X'); /* none set: untouched */
    EXPECT_OK(nnfw_set_available_backends(s, "acl_cl;cpu"));
    EXPECT_OK(nnfw_get_config(s, "BACKENDS", buf, sizeof buf));
    assert_string_equal(buf, "acl_cl;cpu");
    EXPECT_FAIL(s, ER, nnfw_get_config(s, "BACKENDS", buf, 10));
    EXPECT_OK(nnfw_get_config(s, "EXECUTOR", buf, sizeof buf));
    assert_string_equal(buf, "Linear");
    EXPECT_FAIL(s, ER, nnfw_get_config(s, "EXECUTOR", buf, 6));
    EXPECT_FAIL(s, ER, nnfw_get_config(s, "NOPE", buf, sizeof buf));
    EXPECT_FAIL(s, NUL, nnfw_get_config(s, NULL, buf, sizeof buf));
    EXPECT_FAIL(s, NUL, nnfw_get_config(s, "EXECUTOR", NULL, 8));
    EXPECT_OK(nnfw_set_config(s, "NUM_THREADS", "2"));
    EXPECT_OK(nnfw_get_config(s, "NUM_THREADS", buf, sizeof buf));
    assert_string_equal(buf, "2");
    EXPECT_FAIL(s, ER, nnfw_set_config(s, "NUM_THREADS", "two"));
    EXPECT_OK(nnfw_set_config(s, "GRAPH_DOT_DUMP", "0"));
    EXPECT_OK(nnfw_set_config(s, "USE_SCHEDULER", "0"));
    EXPECT_OK(nnfw_set_config(s, "PROFILING_MODE", "0"));
    EXPECT_OK(nnfw_set_config(s, "ENABLE_LOG", "0"));
    EXPECT_OK(nnfw_set_config(s, "EXECUTOR", "Linear"));
    EXPECT_FAIL(s, ER, nnfw_set_config(s, "UNKNOWN_KEY", "1"));
    EXPECT_FAIL(s, NUL, nnfw_set_config(s, NULL, "1"));
    EXPECT_FAIL(s, NUL, nnfw_set_config(s, "NUM_THREADS", NULL));
    EXPECT_OK(nnfw_set_backends_per_operation(s, "0=cpu"));
    EXPECT_FAIL(s, ER, nnfw_set_backends_per_operation(s, "cpu"));
    EXPECT_FAIL(s, ER, nnfw_set_backends_per_operation(s, "x=cpu"));
    EXPECT_OK(nnfw_set_prepare_config(s, NNFW_PREPARE_CONFIG_PROFILE, NULL));
    EXPECT_OK(nnfw_reset_prepare_config(s));
    EXPECT_FAIL(s, ER, nnfw_set_prepare_config(s, (NNFW_PREPARE_CONFIG)9, NULL));
    EXPECT_FAIL(s, IS, nnfw_set_execute_config(s, NNFW_RUN_CONFIG_TRACE, NULL));
    EXPECT_FAIL(s, IS, nnfw_reset_execute_config(s));

    /* Signatures: div_f32 has none. */
    EXPECT_FAIL(s, ER, nnfw_configure_signature(s, "serving_default"));
    EXPECT_FAIL(s, IS, nnfw_set_signature_run(s, "serving_default"));

    /* Not yet prepared. */
    EXPECT_FAIL(s, IS, nnfw_run(s));
    EXPECT_FAIL(s, IS, nnfw_run_async(s));
    EXPECT_FAIL(s, ER, nnfw_await(s));
    EXPECT_FAIL(s, IS, nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, io, DIV_BYTES));
    EXPECT_FAIL(s, IS, nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, io, DIV_BYTES));
    EXPECT_FAIL(s, IS, nnfw_get_output(s, 0, &ti, &cbuf));

    /* Training: checks, then "not supported". */
    EXPECT_FAIL(s, NUL, nnfw_train_get_traininfo(s, NULL));
    EXPECT_FAIL(s, ER, nnfw_train_get_traininfo(s, &tinfo));
    EXPECT_FAIL(s, NUL, nnfw_train_set_traininfo(s, NULL));
    EXPECT_FAIL(s, ER, nnfw_train_set_traininfo(s, &tinfo));
    EXPECT_FAIL(s, ER, nnfw_train_prepare(s));
    EXPECT_FAIL(s, IS, nnfw_train(s, false));

    /* ODC parameters are accepted once a model is loaded. */
    EXPECT_FAIL(s, IS, nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_NOT_SET));
    EXPECT_FAIL(s, IS, nnfw_set_quantization_type(s, (NNFW_QUANTIZE_TYPE)17));
    EXPECT_FAIL(s, IS, nnfw_quantize(s)); /* no type, no path: "Quantization failed" */
    EXPECT_OK(nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_WO_I8_SYM));
    EXPECT_FAIL(s, ER, nnfw_set_quantized_model_path(s, NULL));
    EXPECT_FAIL(s, IS, nnfw_quantize(s)); /* no path */
    EXPECT_OK(nnfw_set_quantized_model_path(s, "/tmp/onert_c_q.circle"));
    EXPECT_FAIL(s, ER, nnfw_quantize(s)); /* not supported yet */
    EXPECT_OK(nnfw_set_codegen_model_path(s, "/tmp/onert_c.abc"));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, NULL, NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "abc", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "../x-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "abc-gen", (NNFW_CODEGEN_PREF)8));
    EXPECT_FAIL(s, ER, nnfw_codegen(s, "abc-gen", NNFW_CODEGEN_PREF_MEMORY_FIRST));
    EXPECT_OK(nnfw_set_odc_param_minmax_records_count(s, 5));
    EXPECT_FAIL(s, IS, nnfw_run_with_auto_compilation(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));

    EXPECT_OK(nnfw_close_session(s));
}

/* A session in PREPARED (div_f32) with its buffers. */
typedef struct prepared {
    nnfw_session *s;
    float a[32], b[32], out[32];
} prepared;

static void bind_div(prepared *p)
{
    for (int i = 0; i < 32; i++) {
        p->a[i] = (float)(i + 1);
        p->b[i] = 2.0f;
    }
    EXPECT_OK(nnfw_set_input(p->s, 0, NNFW_TYPE_TENSOR_FLOAT32, p->a, DIV_BYTES));
    EXPECT_OK(nnfw_set_input(p->s, 1, NNFW_TYPE_TENSOR_FLOAT32, p->b, DIV_BYTES));
    EXPECT_OK(nnfw_set_output(p->s, 0, NNFW_TYPE_TENSOR_FLOAT32, p->out, DIV_BYTES));
}

/* Calls valid in PREPARED and FINISHED_RUN behave the same in both. */
static void check_after_prepare(nnfw_session *s)
{
    const NNFW_STATUS IS = NNFW_STATUS_INVALID_STATE, ER = NNFW_STATUS_ERROR,
                      NUL = NNFW_STATUS_UNEXPECTED_NULL;
    nnfw_tensorinfo ti;
    uint32_t u;
    float f[32];
    char buf[32];

    EXPECT_FAIL(s, IS, nnfw_prepare(s));
    EXPECT_FAIL(s, IS, nnfw_load_model_from_file(s, "x.circle"));
    EXPECT_OK(nnfw_input_size(s, &u));
    assert_int_equal(u, 2);
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    assert_int_equal(ti.rank, 4);
    EXPECT_FAIL(s, ER, nnfw_input_tensorinfo(s, 2, &ti));
    EXPECT_FAIL(s, NUL, nnfw_output_tensorinfo(s, 0, NULL));
    EXPECT_OK(nnfw_output_tensorindex(s, "truediv", &u));

    EXPECT_FAIL(s, ER, nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, NULL, 4));
    EXPECT_FAIL(s, ER, nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, NULL, 4));
    EXPECT_FAIL(s, ER, nnfw_set_input(s, 2, NNFW_TYPE_TENSOR_FLOAT32, f, DIV_BYTES));
    EXPECT_FAIL(s, ER, nnfw_set_output(s, 1, NNFW_TYPE_TENSOR_FLOAT32, f, DIV_BYTES));
    EXPECT_FAIL(s, ER, nnfw_set_output(s, UINT32_MAX, NNFW_TYPE_TENSOR_FLOAT32, f, DIV_BYTES));

    /* MODEL_LOADED-only calls. */
    EXPECT_FAIL(s, IS, nnfw_set_input_layout(s, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_FAIL(s, IS, nnfw_set_output_layout(s, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_FAIL(s, IS, nnfw_set_input_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_FAIL(s, IS, nnfw_set_available_backends(s, "cpu"));
    EXPECT_FAIL(s, IS, nnfw_set_backends_per_operation(s, "0=cpu"));
    EXPECT_FAIL(s, IS, nnfw_set_config(s, "NUM_THREADS", "1"));
    EXPECT_FAIL(s, IS, nnfw_get_config(s, "EXECUTOR", buf, sizeof buf));
    EXPECT_FAIL(s, IS, nnfw_set_prepare_config(s, NNFW_PREPARE_CONFIG_PROFILE, NULL));
    EXPECT_FAIL(s, IS, nnfw_reset_prepare_config(s));
    EXPECT_FAIL(s, IS, nnfw_configure_signature(s, "serving_default"));
    EXPECT_FAIL(s, IS, nnfw_set_workspace(s, "."));
    EXPECT_FAIL(s, IS, nnfw_train_set_traininfo(s, &(nnfw_train_info)NNFW_TRAIN_INFO_DEFAULT));
    EXPECT_FAIL(s, IS, nnfw_train_prepare(s));

    /* Execution configs. */
    EXPECT_OK(nnfw_set_execute_config(s, NNFW_RUN_CONFIG_PROFILE, NULL));
    EXPECT_OK(nnfw_reset_execute_config(s));
    EXPECT_FAIL(s, ER, nnfw_set_execute_config(s, (NNFW_RUN_CONFIG)5, NULL));
    EXPECT_FAIL(s, ER, nnfw_set_signature_run(s, "serving_default")); /* div_f32 has none */
    EXPECT_FAIL(s, ER, nnfw_await(s));
    EXPECT_FAIL(s, IS, nnfw_run_with_auto_compilation(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, ER, nnfw_run_with_auto_compilation(s, NULL, NNFW_CODEGEN_PREF_DEFAULT));
}

static void test_prepared_and_finished(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, DIV_MODEL);
    prepared p = {0};
    p.s = au_prepared(path);
    nnfw_session *s = p.s;
    nnfw_tensorinfo ti;
    const void *cbuf;

    check_after_prepare(s);
    EXPECT_FAIL(s, NNFW_STATUS_INVALID_STATE, nnfw_get_output(s, 0, &ti, &cbuf));

    /* Run without inputs/outputs bound. */
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s));
    float a[32] = {0}, out[32];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, a, sizeof a));
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, a, sizeof a));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s)); /* output never set */
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, sizeof out));
    /* Wrong input sizes: too small, too large. */
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, a, sizeof a - 4));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s));
    char msg[512];
    EXPECT_OK(nnfw_get_last_error_message(s, msg, sizeof msg));
    assert_non_null(strstr(msg, "124"));
    assert_non_null(strstr(msg, "128"));
    float big[33];
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, big, sizeof big));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_run(s));
    /* Output too small. */
    bind_div(&p);
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, p.out, DIV_BYTES - 1));
    EXPECT_FAIL(s, NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE, nnfw_run(s));
    /* Still PREPARED after failed runs: get_output needs FINISHED_RUN. */
    EXPECT_FAIL(s, NNFW_STATUS_INVALID_STATE, nnfw_get_output(s, 0, &ti, &cbuf));

    bind_div(&p);
    EXPECT_OK(nnfw_run(s));
    for (int i = 0; i < 32; i++)
        assert_true(p.out[i] == (float)(i + 1) / 2.0f);
    /* FINISHED_RUN. */
    check_after_prepare(s);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_get_output(s, 0, &ti, &cbuf)); /* not enabled */
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_get_output(s, 1, &ti, &cbuf));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_get_output(s, 0, NULL, &cbuf));
    /* Output buffer larger than needed is fine. */
    float larger[40];
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, larger, sizeof larger));
    EXPECT_OK(nnfw_run(s));
    assert_true(larger[31] == 16.0f);
    /* ODC setters are allowed after prepare; deleting a missing minmax file fails. */
    EXPECT_OK(nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_U8_ASYM));
    EXPECT_OK(nnfw_close_session(s));
}

static void test_running_state(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, DIV_MODEL);
    prepared p = {0};
    p.s = au_prepared(path);
    nnfw_session *s = p.s;
    const NNFW_STATUS IS = NNFW_STATUS_INVALID_STATE;
    nnfw_tensorinfo ti = {NNFW_TYPE_TENSOR_FLOAT32, 4, {1, 1, 1, 32}};
    uint32_t u;

    bind_div(&p);
    EXPECT_OK(nnfw_run_async(s));
    /* RUNNING until nnfw_await, whatever the worker's progress. */
    EXPECT_FAIL(s, IS, nnfw_run(s));
    EXPECT_FAIL(s, IS, nnfw_run_async(s));
    EXPECT_FAIL(s, IS, nnfw_prepare(s));
    EXPECT_FAIL(s, IS, nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, p.a, DIV_BYTES));
    EXPECT_FAIL(s, IS, nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, p.out, DIV_BYTES));
    EXPECT_FAIL(s, IS, nnfw_set_input_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, IS, nnfw_output_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, IS, nnfw_set_execute_config(s, NNFW_RUN_CONFIG_PROFILE, NULL));
    EXPECT_FAIL(s, IS, nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_U8_ASYM));
    EXPECT_FAIL(s, IS, nnfw_set_quantized_model_path(s, "q.circle"));
    EXPECT_FAIL(s, IS, nnfw_quantize(s));
    EXPECT_FAIL(s, IS, nnfw_codegen(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, IS, nnfw_set_odc_param_minmax_records_count(s, 1));
    EXPECT_FAIL(s, IS, nnfw_odc_delete_minmax_file(s));
    EXPECT_FAIL(s, IS, nnfw_run_with_auto_compilation(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_OK(nnfw_input_size(s, &u));
    EXPECT_OK(nnfw_input_tensorinfo(s, 0, &ti));
    EXPECT_OK(nnfw_await(s));
    for (int i = 0; i < 32; i++)
        assert_true(p.out[i] == (float)(i + 1) / 2.0f);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_await(s)); /* once per run_async */

    /* A failing async run reports at await and leaves the session usable. */
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, p.b, 4));
    EXPECT_OK(nnfw_run_async(s));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_await(s));
    bind_div(&p);
    EXPECT_OK(nnfw_run(s));

    /* Closing while running joins the worker. */
    EXPECT_OK(nnfw_run_async(s));
    EXPECT_OK(nnfw_close_session(s));
}

static void test_custom_registration_any_state(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, DIV_MODEL);
    nnfw_session *s = au_load(path);
    custom_kernel_registration_info reg = {dummy_eval};
    EXPECT_OK(nnfw_register_custom_op_info(s, "A", &reg));
    EXPECT_OK(nnfw_prepare(s));
    EXPECT_OK(nnfw_register_custom_op_info(s, "B", &reg));
    custom_kernel_registration_info none = {NULL};
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_register_custom_op_info(s, "C", &none));
    EXPECT_OK(nnfw_close_session(s));
}

static void test_backends_at_prepare(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, DIV_MODEL);
    nnfw_session *s = au_load(path);
    EXPECT_OK(nnfw_set_available_backends(s, "acl_cl;gpu_cl"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_prepare(s)); /* none available */
    EXPECT_OK(nnfw_set_available_backends(s, "acl_cl;cpu"));
    EXPECT_OK(nnfw_set_config(s, "EXECUTOR", "Nonsense"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_prepare(s));
    EXPECT_OK(nnfw_set_config(s, "EXECUTOR", "Linear"));
    EXPECT_OK(nnfw_prepare(s));
    EXPECT_OK(nnfw_close_session(s));

    s = au_load(path);
    EXPECT_OK(nnfw_set_available_backends(s, "xnnpack"));
    EXPECT_OK(nnfw_prepare(s));
    EXPECT_OK(nnfw_close_session(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_loaded),
        cmocka_unit_test(test_prepared_and_finished),
        cmocka_unit_test(test_running_state),
        cmocka_unit_test(test_custom_registration_any_state),
        cmocka_unit_test(test_backends_at_prepare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
