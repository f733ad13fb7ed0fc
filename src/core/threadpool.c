#include "core/threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* Waking a sleeping thread costs 3-25 us here, more than many kernels take, so both sides spin
 * briefly before sleeping: workers between jobs, the caller while waiting for the last task. */
#define SPIN_ITERATIONS 20000

struct oc_threadpool {
    int nthreads; /* including the caller */
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    /* current job */
    oc_task_fn fn;
    void *arg;
    size_t n;
    atomic_size_t next;
    atomic_int active;   /* workers still inside the current job */
    atomic_ulong gen;    /* job generation: workers wait for it to change */
    atomic_int quit;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_tasks(oc_threadpool *p)
{
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) break;
        p->fn(p->arg, i);
    }
}

static void *worker(void *vp)
{
    oc_threadpool *p = vp;
    unsigned long seen = 0;
    for (;;) {
        for (int s = 0; s < SPIN_ITERATIONS && atomic_load(&p->gen) == seen &&
                        !atomic_load(&p->quit);
             s++)
            cpu_relax();
        if (atomic_load(&p->gen) == seen && !atomic_load(&p->quit)) {
            pthread_mutex_lock(&p->mu);
            while (!atomic_load(&p->quit) && atomic_load(&p->gen) == seen)
                pthread_cond_wait(&p->work_cv, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit)) break;
        seen = atomic_load(&p->gen);
        run_tasks(p);
        if (atomic_fetch_sub(&p->active, 1) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done_cv);
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

oc_threadpool *oc_threadpool_create(int nthreads)
{
    oc_threadpool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nthreads = nthreads < 1 ? 1 : nthreads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    if (p->nthreads > 1) {
        p->threads = calloc((size_t)p->nthreads - 1, sizeof *p->threads);
        if (!p->threads) goto fail;
        for (int i = 0; i < p->nthreads - 1; i++) {
            if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
                p->nthreads = i + 1; /* destroy joins the ones that started */
                goto fail;
            }
        }
    }
    return p;
fail:
    oc_threadpool_destroy(p);
    return NULL;
}

void oc_threadpool_destroy(oc_threadpool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    if (p->threads)
        for (int i = 0; i < p->nthreads - 1; i++) pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p);
}

int oc_threadpool_size(const oc_threadpool *p)
{
    return p ? p->nthreads : 1;
}

void oc_parallel_for(oc_threadpool *p, size_t n, oc_task_fn fn, void *arg)
{
    if (!p || p->nthreads <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++) fn(arg, i);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    p->n = n;
    atomic_store(&p->next, 0);
    atomic_store(&p->active, p->nthreads - 1);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->gen, 1); /* publishes the job (seq_cst) */
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    run_tasks(p);
    for (int s = 0; s < SPIN_ITERATIONS && atomic_load(&p->active) > 0; s++) cpu_relax();
    if (atomic_load(&p->active) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load(&p->active) > 0) pthread_cond_wait(&p->done_cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

int oc_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
