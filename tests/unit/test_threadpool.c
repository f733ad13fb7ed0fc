/* The thread pool runs every task exactly once, for any pool size, many times in a row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/threadpool.h"

typedef struct {
    atomic_int hits[1000];
} counters;

static void bump(void *arg, size_t i)
{
    counters *c = arg;
    atomic_fetch_add(&c->hits[i], 1);
}

static void every_task_once(void **state)
{
    (void)state;
    for (int threads = 0; threads <= 4; threads++) {
        oc_threadpool *p = threads ? oc_threadpool_create(threads) : NULL;
        assert_true(threads == 0 || p != NULL);
        for (int round = 0; round < 50; round++) {
            static counters c;
            size_t n = (size_t)(round * 37 % 1000);
            for (size_t i = 0; i < 1000; i++) atomic_store(&c.hits[i], 0);
            oc_parallel_for(p, n, bump, &c);
            for (size_t i = 0; i < 1000; i++) assert_int_equal(atomic_load(&c.hits[i]), i < n);
        }
        oc_threadpool_destroy(p);
    }
}

static void sizes(void **state)
{
    (void)state;
    assert_int_equal(oc_threadpool_size(NULL), 1);
    oc_threadpool *p = oc_threadpool_create(3);
    assert_int_equal(oc_threadpool_size(p), 3);
    oc_threadpool_destroy(p);
    oc_threadpool_destroy(NULL);
    assert_true(oc_cpu_count() >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_task_once),
        cmocka_unit_test(sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
