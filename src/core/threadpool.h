/* A fixed pool of worker threads owned by one session. oc_parallel_for splits `n` tasks over
 * the pool; the calling thread works too. Results must not depend on the thread count: split
 * work by task index, never by thread index. */
#ifndef OC_CORE_THREADPOOL_H
#define OC_CORE_THREADPOOL_H

#include <stddef.h>

typedef struct oc_threadpool oc_threadpool;

/* fn(arg, task) for task in [0, n). */
typedef void (*oc_task_fn)(void *arg, size_t task);

/* nthreads includes the caller; <= 1 creates no threads. Returns NULL on failure. */
oc_threadpool *oc_threadpool_create(int nthreads);
void oc_threadpool_destroy(oc_threadpool *p); /* NULL-safe */
int oc_threadpool_size(const oc_threadpool *p); /* 1 for NULL */
/* Runs all n tasks and returns when they are done. p may be NULL (runs inline). */
void oc_parallel_for(oc_threadpool *p, size_t n, oc_task_fn fn, void *arg);
/* Number of online CPUs (>= 1). */
int oc_cpu_count(void);

#endif
