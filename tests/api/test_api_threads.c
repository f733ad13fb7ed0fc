/* Sessions are independent: 4 threads, each with its own session (some multi-threaded inside),
 * load, prepare and run the same model concurrently and get bit-identical results. */
#include "api_util.h"

#include <pthread.h>

#define NTHREADS 4
#define NRUNS 50

typedef struct job {
    const char *path;
    const float *in0, *in1;
    size_t n;
    int num_threads;
    float out0[18], out1[18];
    int failures;
    char error[256];
} job;

static void *worker(void *arg)
{
    job *j = arg;
    nnfw_session *s = NULL;
    char threads[16];
    snprintf(threads, sizeof threads, "%d", j->num_threads);
    if (nnfw_create_session(&s) != NNFW_STATUS_NO_ERROR ||
        nnfw_load_model_from_file(s, j->path) != NNFW_STATUS_NO_ERROR ||
        nnfw_set_config(s, "NUM_THREADS", threads) != NNFW_STATUS_NO_ERROR ||
        nnfw_prepare(s) != NNFW_STATUS_NO_ERROR) {
        if (s) nnfw_get_last_error_message(s, j->error, sizeof j->error);
        j->failures++;
        nnfw_close_session(s);
        return NULL;
    }
    float o0[18], o1[18];
    nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, j->in0, j->n * 4);
    nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, j->in1, j->n * 4);
    nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, o0, sizeof o0);
    nnfw_set_output(s, 1, NNFW_TYPE_TENSOR_FLOAT32, o1, sizeof o1);
    for (int r = 0; r < NRUNS; r++) {
        memset(o0, 0, sizeof o0);
        memset(o1, 0, sizeof o1);
        /* Alternate sync and async runs. */
        NNFW_STATUS st = (r % 2) ? nnfw_run(s) : nnfw_run_async(s);
        if (st == NNFW_STATUS_NO_ERROR && r % 2 == 0) st = nnfw_await(s);
        if (st != NNFW_STATUS_NO_ERROR || memcmp(o0, j->out0, sizeof o0) != 0 ||
            memcmp(o1, j->out1, sizeof o1) != 0) {
            nnfw_get_last_error_message(s, j->error, sizeof j->error);
            j->failures++;
        }
    }
    nnfw_close_session(s);
    return NULL;
}

static void test_concurrent_sessions(void **state)
{
    (void)state;
    AU_MODEL_OR_SKIP(path, "add_sqrt_f32.circle");
    size_t n0, n1;
    float *in0 = au_ref("add_sqrt_f32.in0.bin", &n0), *in1 = au_ref("add_sqrt_f32.in1.bin", &n1);
    assert_int_equal(n0, 18);

    /* Expected result: one session, single thread. */
    nnfw_session *s = au_load(path);
    EXPECT_OK(nnfw_set_config(s, "NUM_THREADS", "1"));
    EXPECT_OK(nnfw_prepare(s));
    float want0[18], want1[18];
    EXPECT_OK(nnfw_set_input(s, 0, NNFW_TYPE_TENSOR_FLOAT32, in0, n0 * 4));
    EXPECT_OK(nnfw_set_input(s, 1, NNFW_TYPE_TENSOR_FLOAT32, in1, n1 * 4));
    EXPECT_OK(nnfw_set_output(s, 0, NNFW_TYPE_TENSOR_FLOAT32, want0, sizeof want0));
    EXPECT_OK(nnfw_set_output(s, 1, NNFW_TYPE_TENSOR_FLOAT32, want1, sizeof want1));
    EXPECT_OK(nnfw_run(s));
    EXPECT_OK(nnfw_close_session(s));

    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].path = path;
        jobs[i].in0 = in0;
        jobs[i].in1 = in1;
        jobs[i].n = n0;
        jobs[i].num_threads = 1 + i % 2;
        memcpy(jobs[i].out0, want0, sizeof want0);
        memcpy(jobs[i].out1, want1, sizeof want1);
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        if (jobs[i].failures)
            fail_msg("thread %d: %d failures (%s)", i, jobs[i].failures, jobs[i].error);
    free(in0), free(in1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_concurrent_sessions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
