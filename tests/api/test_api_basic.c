/* nnfw API without a model: NULL sessions, session lifetime, version, last error, and every
 * function in state INITIALIZED (onert's status codes). */
#include "api_util.h"

#include "nnfw/nnfw_version.h"

static void dummy_eval(nnfw_custom_kernel_params *p, char *u, size_t n)
{
    (void)p, (void)u, (void)n;
}

/* Every function taking a session returns UNEXPECTED_NULL for NULL, except close/query_info. */
static void test_null_session(void **state)
{
    (void)state;
    nnfw_tensorinfo ti = {0};
    uint32_t u = 0;
    char buf[8];
    float f;
    const void *cbuf;
    nnfw_train_info tinfo = NNFW_TRAIN_INFO_DEFAULT;
    custom_kernel_registration_info reg = {dummy_eval};
    const NNFW_STATUS N = NNFW_STATUS_UNEXPECTED_NULL;

    EXPECT_STATUS(N, nnfw_create_session(NULL));
    EXPECT_STATUS(NNFW_STATUS_NO_ERROR, nnfw_close_session(NULL));
    EXPECT_STATUS(N, nnfw_get_last_error_message(NULL, buf, sizeof buf));
    EXPECT_STATUS(N, nnfw_load_model_from_file(NULL, "a.circle"));
    EXPECT_STATUS(N, nnfw_apply_tensorinfo(NULL, 0, ti));
    EXPECT_STATUS(N, nnfw_set_input_tensorinfo(NULL, 0, &ti));
    EXPECT_STATUS(N, nnfw_prepare(NULL));
    EXPECT_STATUS(N, nnfw_run(NULL));
    EXPECT_STATUS(N, nnfw_run_async(NULL));
    EXPECT_STATUS(N, nnfw_await(NULL));
    EXPECT_STATUS(N, nnfw_set_input(NULL, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_STATUS(N, nnfw_set_output(NULL, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_STATUS(N, nnfw_input_size(NULL, &u));
    EXPECT_STATUS(N, nnfw_output_size(NULL, &u));
    EXPECT_STATUS(N, nnfw_set_input_layout(NULL, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_STATUS(N, nnfw_set_output_layout(NULL, 0, NNFW_LAYOUT_CHANNELS_LAST));
    EXPECT_STATUS(N, nnfw_input_tensorinfo(NULL, 0, &ti));
    EXPECT_STATUS(N, nnfw_output_tensorinfo(NULL, 0, &ti));
    EXPECT_STATUS(N, nnfw_set_available_backends(NULL, "cpu"));
    EXPECT_STATUS(N, nnfw_set_op_backend(NULL, "a", "cpu"));
    EXPECT_STATUS(N, nnfw_set_workspace(NULL, "."));
    EXPECT_STATUS(N, nnfw_register_custom_op_info(NULL, "x", &reg));
    EXPECT_STATUS(N, nnfw_input_tensorindex(NULL, "x", &u));
    EXPECT_STATUS(N, nnfw_output_tensorindex(NULL, "x", &u));
    EXPECT_STATUS(N, nnfw_set_backends_per_operation(NULL, "0=cpu"));
    EXPECT_STATUS(N, nnfw_prepare_pipeline(NULL, NULL));
    EXPECT_STATUS(N, nnfw_push_pipeline_input(NULL, NULL, NULL));
    EXPECT_STATUS(N, nnfw_pop_pipeline_output(NULL, NULL));
    EXPECT_STATUS(N, nnfw_set_input_type(NULL, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_STATUS(N, nnfw_set_output_type(NULL, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_STATUS(N, nnfw_configure_signature(NULL, "x"));
    EXPECT_STATUS(N, nnfw_set_signature_run(NULL, "x"));
    EXPECT_STATUS(N, nnfw_train_get_traininfo(NULL, &tinfo));
    EXPECT_STATUS(N, nnfw_train_set_traininfo(NULL, &tinfo));
    EXPECT_STATUS(N, nnfw_train_prepare(NULL));
    EXPECT_STATUS(N, nnfw_train_set_input(NULL, 0, buf, NULL));
    EXPECT_STATUS(N, nnfw_train_set_expected(NULL, 0, buf, NULL));
    EXPECT_STATUS(N, nnfw_train_set_output(NULL, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_STATUS(N, nnfw_train(NULL, true));
    EXPECT_STATUS(N, nnfw_train_get_loss(NULL, 0, &f));
    EXPECT_STATUS(N, nnfw_train_export_circle(NULL, "x"));
    EXPECT_STATUS(N, nnfw_train_import_checkpoint(NULL, "x"));
    EXPECT_STATUS(N, nnfw_train_export_checkpoint(NULL, "x"));
    EXPECT_STATUS(N, nnfw_train_input_tensorinfo(NULL, 0, &ti));
    EXPECT_STATUS(N, nnfw_train_expected_tensorinfo(NULL, 0, &ti));
    EXPECT_STATUS(N, nnfw_train_export_circleplus(NULL, "x"));
    EXPECT_STATUS(N, nnfw_set_quantization_type(NULL, NNFW_QUANTIZE_TYPE_U8_ASYM));
    EXPECT_STATUS(N, nnfw_set_quantized_model_path(NULL, "x"));
    EXPECT_STATUS(N, nnfw_quantize(NULL));
    EXPECT_STATUS(N, nnfw_set_codegen_model_path(NULL, "x"));
    EXPECT_STATUS(N, nnfw_codegen(NULL, "x-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_STATUS(N, nnfw_set_odc_param_minmax_records_count(NULL, 1));
    EXPECT_STATUS(N, nnfw_odc_delete_minmax_file(NULL));
    EXPECT_STATUS(N, nnfw_run_with_auto_compilation(NULL, "x-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_STATUS(N, nnfw_set_prepare_config(NULL, NNFW_PREPARE_CONFIG_PROFILE, NULL));
    EXPECT_STATUS(N, nnfw_reset_prepare_config(NULL));
    EXPECT_STATUS(N, nnfw_set_execute_config(NULL, NNFW_RUN_CONFIG_PROFILE, NULL));
    EXPECT_STATUS(N, nnfw_reset_execute_config(NULL));
    EXPECT_STATUS(N, nnfw_set_config(NULL, "NUM_THREADS", "1"));
    EXPECT_STATUS(N, nnfw_get_config(NULL, "EXECUTOR", buf, sizeof buf));
    EXPECT_STATUS(N, nnfw_load_circle_from_buffer(NULL, (uint8_t *)buf, sizeof buf));
    EXPECT_STATUS(N, nnfw_get_output(NULL, 0, &ti, &cbuf));
}

static void test_query_info(void **state)
{
    (void)state;
    uint32_t v = 0;
    EXPECT_OK(nnfw_query_info_u32(NULL, NNFW_INFO_ID_VERSION, &v));
    assert_int_equal(v, 0x01001e00);
    assert_int_equal(v, NNFW_VERSION);
    EXPECT_STATUS(NNFW_STATUS_ERROR, nnfw_query_info_u32(NULL, NNFW_INFO_ID_VERSION, NULL));
    EXPECT_STATUS(NNFW_STATUS_ERROR, nnfw_query_info_u32(NULL, (NNFW_INFO_ID)7, &v));
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    v = 0;
    EXPECT_OK(nnfw_query_info_u32(s, NNFW_INFO_ID_VERSION, &v));
    assert_int_equal(v, NNFW_VERSION);
    EXPECT_OK(nnfw_close_session(s));
}

static void test_last_error_message(void **state)
{
    (void)state;
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    assert_non_null(s);
    char buf[256] = "untouched";
    /* No error yet: the message is "" and needs one byte. */
    EXPECT_STATUS(NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE, nnfw_get_last_error_message(s, buf, 0));
    assert_string_equal(buf, "untouched");
    EXPECT_OK(nnfw_get_last_error_message(s, buf, 1));
    assert_string_equal(buf, "");
    EXPECT_STATUS(NNFW_STATUS_UNEXPECTED_NULL, nnfw_get_last_error_message(s, NULL, 10));

    EXPECT_STATUS(NNFW_STATUS_INVALID_STATE, nnfw_prepare(s));
    EXPECT_OK(nnfw_get_last_error_message(s, buf, sizeof buf));
    assert_non_null(strstr(buf, "prepare"));
    size_t n = strlen(buf);
    char small[8] = "xxxxxxx";
    EXPECT_STATUS(NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE,
                  nnfw_get_last_error_message(s, small, n)); /* no room for the NUL */
    assert_string_equal(small, "xxxxxxx");
    char exact[256];
    EXPECT_OK(nnfw_get_last_error_message(s, exact, n + 1));
    assert_string_equal(exact, buf);
    /* A success does not clear the last error. */
    EXPECT_OK(nnfw_set_workspace(s, "."));
    EXPECT_OK(nnfw_get_last_error_message(s, exact, sizeof exact));
    assert_string_equal(exact, buf);
    EXPECT_OK(nnfw_close_session(s));
}

static void test_initialized_state(void **state)
{
    (void)state;
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    nnfw_tensorinfo ti = {NNFW_TYPE_TENSOR_FLOAT32, 1, {1}};
    uint32_t u = 77;
    char buf[64];
    float f;
    const void *cbuf = NULL;
    nnfw_train_info tinfo = NNFW_TRAIN_INFO_DEFAULT;
    custom_kernel_registration_info reg = {dummy_eval};
    const NNFW_STATUS IS = NNFW_STATUS_INVALID_STATE;

    EXPECT_FAIL(s, NNFW_STATUS_DEPRECATED_API, nnfw_apply_tensorinfo(s, 0, ti));
    EXPECT_FAIL(s, NNFW_STATUS_DEPRECATED_API, nnfw_prepare_pipeline(s, NULL));
    EXPECT_FAIL(s, NNFW_STATUS_DEPRECATED_API, nnfw_push_pipeline_input(s, NULL, NULL));
    EXPECT_FAIL(s, NNFW_STATUS_DEPRECATED_API, nnfw_pop_pipeline_output(s, NULL));

    EXPECT_FAIL(s, IS, nnfw_set_input_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, IS, nnfw_set_input_tensorinfo(s, 0, NULL)); /* state first */
    EXPECT_FAIL(s, IS, nnfw_prepare(s));
    EXPECT_FAIL(s, IS, nnfw_run(s));
    EXPECT_FAIL(s, IS, nnfw_run_async(s));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_await(s)); /* onert: ERROR, not INVALID_STATE */
    EXPECT_FAIL(s, IS, nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_FAIL(s, IS, nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_FAIL(s, IS, nnfw_input_size(s, &u));
    EXPECT_FAIL(s, IS, nnfw_output_size(s, &u));
    EXPECT_FAIL(s, IS, nnfw_input_size(s, NULL));
    assert_int_equal(u, 77);
    EXPECT_FAIL(s, IS, nnfw_set_input_layout(s, 0, NNFW_LAYOUT_CHANNELS_FIRST));
    EXPECT_FAIL(s, IS, nnfw_set_output_layout(s, 0, NNFW_LAYOUT_CHANNELS_FIRST));
    EXPECT_FAIL(s, IS, nnfw_set_input_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_FAIL(s, IS, nnfw_set_output_type(s, 0, NNFW_TYPE_TENSOR_FLOAT32));
    EXPECT_FAIL(s, IS, nnfw_input_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, IS, nnfw_input_tensorinfo(s, 0, NULL)); /* state before NULL, as onert */
    EXPECT_FAIL(s, IS, nnfw_output_tensorinfo(s, 0, NULL));
    EXPECT_FAIL(s, IS, nnfw_set_available_backends(s, "cpu"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_set_backends_per_operation(s, NULL));
    EXPECT_FAIL(s, IS, nnfw_set_backends_per_operation(s, "0=cpu"));
    EXPECT_FAIL(s, IS, nnfw_input_tensorindex(s, "x", &u));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_input_tensorindex(s, NULL, &u));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_output_tensorindex(s, "x", NULL));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_configure_signature(s, NULL));
    EXPECT_FAIL(s, IS, nnfw_configure_signature(s, "serving_default"));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_set_signature_run(s, NULL));
    EXPECT_FAIL(s, IS, nnfw_set_signature_run(s, "serving_default"));
    EXPECT_FAIL(s, IS, nnfw_set_config(s, "NUM_THREADS", "1"));
    EXPECT_FAIL(s, IS, nnfw_get_config(s, "EXECUTOR", buf, sizeof buf));
    EXPECT_FAIL(s, IS, nnfw_set_prepare_config(s, NNFW_PREPARE_CONFIG_PROFILE, NULL));
    EXPECT_FAIL(s, IS, nnfw_reset_prepare_config(s));
    EXPECT_FAIL(s, IS, nnfw_set_execute_config(s, NNFW_RUN_CONFIG_PROFILE, NULL));
    EXPECT_FAIL(s, IS, nnfw_reset_execute_config(s));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_get_output(s, 0, NULL, &cbuf));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_get_output(s, 0, &ti, NULL));
    EXPECT_FAIL(s, IS, nnfw_get_output(s, 0, &ti, &cbuf));

    /* ODC: any state but INITIALIZED/RUNNING. */
    EXPECT_FAIL(s, IS, nnfw_set_quantization_type(s, NNFW_QUANTIZE_TYPE_U8_ASYM));
    EXPECT_FAIL(s, IS, nnfw_set_quantized_model_path(s, "q.circle"));
    EXPECT_FAIL(s, IS, nnfw_quantize(s));
    EXPECT_FAIL(s, IS, nnfw_set_codegen_model_path(s, "m.abc"));
    EXPECT_FAIL(s, IS, nnfw_codegen(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));
    EXPECT_FAIL(s, IS, nnfw_set_odc_param_minmax_records_count(s, 3));
    EXPECT_FAIL(s, IS, nnfw_run_with_auto_compilation(s, "abc-gen", NNFW_CODEGEN_PREF_DEFAULT));

    /* Training: onert's NULL checks, then state. */
    EXPECT_FAIL(s, IS, nnfw_train_get_traininfo(s, &tinfo));
    EXPECT_FAIL(s, IS, nnfw_train_set_traininfo(s, &tinfo));
    EXPECT_FAIL(s, IS, nnfw_train_prepare(s));
    EXPECT_FAIL(s, IS, nnfw_train_input_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, IS, nnfw_train_expected_tensorinfo(s, 0, &ti));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_set_input(s, 0, NULL, NULL));
    EXPECT_FAIL(s, IS, nnfw_train_set_input(s, 0, buf, NULL));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_set_expected(s, 0, NULL, NULL));
    EXPECT_FAIL(s, IS, nnfw_train_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, buf, 4));
    EXPECT_FAIL(s, IS, nnfw_train(s, true));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_get_loss(s, 0, NULL));
    EXPECT_FAIL(s, IS, nnfw_train_get_loss(s, 0, &f));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_export_circle(s, NULL));
    EXPECT_FAIL(s, IS, nnfw_train_export_circle(s, "x.circle"));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_export_circleplus(s, NULL));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_import_checkpoint(s, NULL));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_train_export_checkpoint(s, NULL));

    /* Allowed in INITIALIZED. */
    EXPECT_OK(nnfw_register_custom_op_info(s, "MyOp", &reg));
    EXPECT_OK(nnfw_register_custom_op_info(s, "MyOp", &reg)); /* replaces */
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_register_custom_op_info(s, NULL, &reg));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_register_custom_op_info(s, "x", NULL));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_set_workspace(s, NULL));
    EXPECT_OK(nnfw_set_workspace(s, "/nonexistent-onert-c-workspace"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_odc_delete_minmax_file(s)); /* no such file */
    EXPECT_OK(nnfw_close_session(s));
}

static void test_load_errors(void **state)
{
    (void)state;
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_load_model_from_file(s, NULL));
    char *longp = malloc(2000);
    memset(longp, 'a', 1999);
    longp[1999] = '\0';
    memcpy(longp + 1990, ".circle", 8);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, longp));
    free(longp);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, "/no/such/model.circle"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, "/no/such/model.tflite"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, "/no/such/model.onnx"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, "/no/such/model"));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_model_from_file(s, "/tmp")); /* no MANIFEST */
    EXPECT_FAIL(s, NNFW_STATUS_UNEXPECTED_NULL, nnfw_load_circle_from_buffer(s, NULL, 10));
    uint8_t junk[64];
    memset(junk, 0xA5, sizeof junk);
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_circle_from_buffer(s, junk, 0));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_load_circle_from_buffer(s, junk, sizeof junk));
    /* Still INITIALIZED after the failures. */
    EXPECT_FAIL(s, NNFW_STATUS_INVALID_STATE, nnfw_prepare(s));
    char msg[256];
    EXPECT_OK(nnfw_get_last_error_message(s, msg, sizeof msg));
    assert_non_null(strstr(msg, "prepare should be called once"));
    EXPECT_OK(nnfw_close_session(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_session),       cmocka_unit_test(test_query_info),
        cmocka_unit_test(test_last_error_message), cmocka_unit_test(test_initialized_state),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
