/* The arena planner: buffers alive at the same time never overlap; dead buffers are reused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "exec/plan.h"

static void check_no_overlap(const oc_plan_item *it, int n, size_t arena)
{
    for (int i = 0; i < n; i++) {
        assert_true(it[i].offset % 64 == 0);
        assert_true(it[i].offset + it[i].bytes <= arena);
        for (int j = i + 1; j < n; j++) {
            int live = it[i].first <= it[j].last && it[j].first <= it[i].last;
            int mem = it[i].offset < it[j].offset + it[j].bytes &&
                      it[j].offset < it[i].offset + it[i].bytes;
            if (live && mem && it[i].bytes && it[j].bytes)
                fail_msg("items %d and %d overlap in time and memory", i, j);
        }
    }
}

static void chain_reuses_memory(void **state)
{
    (void)state;
    /* a -> b -> c -> d: each buffer dies after the next op, so two slots suffice. */
    oc_plan_item it[4] = {
        {.bytes = 1000, .first = -1, .last = 0},
        {.bytes = 1000, .first = 0, .last = 1},
        {.bytes = 1000, .first = 1, .last = 2},
        {.bytes = 1000, .first = 2, .last = 3},
    };
    size_t arena;
    assert_int_equal(oc_plan_arena(it, 4, &arena, NULL), OC_OK);
    check_no_overlap(it, 4, arena);
    assert_int_equal(arena, 2 * 1024);
}

static void random_lifetimes_never_collide(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 200; round++) {
        oc_plan_item it[40];
        int n = 1 + rand() % 40;
        for (int i = 0; i < n; i++) {
            int a = rand() % 30 - 1, b = a + rand() % 10;
            it[i] = (oc_plan_item){.bytes = (size_t)(rand() % 5000), .first = a, .last = b};
        }
        size_t arena;
        assert_int_equal(oc_plan_arena(it, n, &arena, NULL), OC_OK);
        check_no_overlap(it, n, arena);
    }
}

static void empty_plan(void **state)
{
    (void)state;
    size_t arena = 123;
    assert_int_equal(oc_plan_arena(NULL, 0, &arena, NULL), OC_OK);
    assert_int_equal(arena, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_reuses_memory),
        cmocka_unit_test(random_lifetimes_never_collide),
        cmocka_unit_test(empty_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
