/* Custom operators end to end: a model with a CUSTOM op runs with a kernel the application
 * registers through nnfw_register_custom_op_info; without it, prepare fails naming the op. */
#include "api_util.h"
#include "format/model_builder.h"

/* input f32[2,3] -> CUSTOM "TimesThreePlusOpt" (custom options: 1 byte added) -> ADD const 1 */
static uint8_t *build_model(size_t *size)
{
    oc_mb *mb = oc_mb_create();
    assert_non_null(mb);
    int sg = oc_mb_subgraph(mb, "main");
    const int32_t dims[2] = {2, 3};
    const float ones[6] = {1, 1, 1, 1, 1, 1};
    int in = oc_mb_tensor(mb, sg, OC_F32, 2, dims, 0, "in");
    int mid = oc_mb_tensor(mb, sg, OC_F32, 2, dims, 0, "mid");
    int one = oc_mb_tensor(mb, sg, OC_F32, 2, dims, oc_mb_buffer(mb, ones, sizeof ones), "one");
    int out = oc_mb_tensor(mb, sg, OC_F32, 2, dims, 0, "out");
    int32_t ci[1] = {in}, co[1] = {mid}, ai[2] = {mid, one}, ao[1] = {out};
    int op = oc_mb_op(mb, sg, 32, "TimesThreePlusOpt", 1, ci, 1, co, 0, NULL);
    const uint8_t extra = 5;
    oc_mb_op_custom_options(mb, sg, op, &extra, 1);
    oc_mb_op(mb, sg, 0, NULL, 2, ai, 1, ao, 0, NULL);
    oc_mb_io(mb, sg, 1, ci, 1, ao);
    uint8_t *bytes = NULL;
    oc_err err;
    assert_int_equal(oc_mb_finish(mb, "CIR0", &bytes, size, &err), OC_OK);
    oc_mb_destroy(mb);
    return bytes;
}

static int calls;

static void times_three_plus_opt(nnfw_custom_kernel_params *p, char *userdata, size_t size)
{
    calls++;
    assert_int_equal(p->ninputs, 1);
    assert_int_equal(p->noutputs, 1);
    assert_int_equal(p->inputs[0].type.dtype, NNFW_TYPE_TENSOR_FLOAT32);
    assert_int_equal(p->inputs[0].type.rank, 2);
    assert_int_equal(p->outputs[0].type.dims[1], 3);
    assert_int_equal(size, 1);
    const float *x = p->inputs[0].allocation;
    float *y = p->outputs[0].allocation;
    for (int i = 0; i < 6; i++) y[i] = 3 * x[i] + (float)userdata[0];
}

static void registered_kernel_runs(void **state)
{
    (void)state;
    size_t size;
    uint8_t *model = build_model(&size);
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    custom_kernel_registration_info info = {times_three_plus_opt};
    EXPECT_OK(nnfw_register_custom_op_info(s, "TimesThreePlusOpt", &info));
    EXPECT_OK(nnfw_load_circle_from_buffer(s, model, size));
    EXPECT_OK(nnfw_prepare(s));
    float in[6] = {0, 1, 2, -1, 0.5f, 10}, out[6];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in, sizeof in));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, out, sizeof out));
    calls = 0;
    EXPECT_OK(nnfw_run(s));
    EXPECT_OK(nnfw_run(s));
    assert_int_equal(calls, 2);
    for (int i = 0; i < 6; i++) assert_true(out[i] == 3 * in[i] + 5 + 1);
    nnfw_close_session(s);
    free(model);
}

static void unregistered_kernel_fails_at_prepare(void **state)
{
    (void)state;
    size_t size;
    uint8_t *model = build_model(&size);
    nnfw_session *s = NULL;
    EXPECT_OK(nnfw_create_session(&s));
    EXPECT_OK(nnfw_load_circle_from_buffer(s, model, size));
    EXPECT_FAIL(s, NNFW_STATUS_ERROR, nnfw_prepare(s));
    char msg[1024];
    EXPECT_OK(nnfw_get_last_error_message(s, msg, sizeof msg));
    assert_non_null(strstr(msg, "TimesThreePlusOpt"));
    nnfw_close_session(s);
    free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registered_kernel_runs),
        cmocka_unit_test(unregistered_kernel_fails_at_prepare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
