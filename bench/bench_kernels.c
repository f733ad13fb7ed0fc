/* Micro-benchmark of the GEMM/conv kernel layer (not built by CMake; not a test).
 *   gcc -std=gnu11 -O2 -Isrc bench/bench_kernels.c <build>/liboc_static.a -lcjson -lpthread -lm
 * Prints GFLOP/s for conv-shaped GEMMs per ISA, 1 thread (and 2 with BENCH_THREADS=2). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "kernels/sgemm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench_gemm(oc_isa isa, size_t m, size_t n, size_t k, oc_threadpool *pool)
{
    const oc_sgemm_kernel *kr = oc_sgemm_kernel_select(isa, n);
    float *a = oc_aligned_alloc(m * k * 4), *w = oc_aligned_alloc(n * k * 4);
    float *c = oc_aligned_alloc(m * n * 4);
    float *pk = oc_aligned_alloc(oc_sgemm_packed_floats(kr, n, k) * 4);
    for (size_t i = 0; i < m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < n * k; i++) w[i] = (float)(i % 5) * 0.1f;
    oc_sgemm_pack(kr, n, k, w, k, 1, NULL, pk);
    oc_sgemm_plan plan;
    oc_sgemm_plan_init(&plan, kr, m, n, k, false, 0);
    oc_sgemm_args args = {.a = a, .lda = k, .packed = pk, .c = c, .ldc = n, .lo = -1e30f,
                          .hi = 1e30f};
    double flops = 2.0 * m * n * k, best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        int iters = 0;
        double t0 = now(), t;
        do {
            oc_sgemm_run(&plan, &args, pool);
            iters++;
            t = now() - t0;
        } while (t < 0.1);
        if (t / iters < best) best = t / iters;
    }
    printf("%-8s %-14s M=%-6zu N=%-5zu K=%-5zu tasks=%-3zu %8.1f us %7.1f GFLOP/s\n",
           oc_isa_name(isa), kr->name, m, n, k, plan.ntasks, best * 1e6, flops / best * 1e-9);
    oc_aligned_free(a);
    oc_aligned_free(w);
    oc_aligned_free(c);
    oc_aligned_free(pk);
}

int main(int argc, char **argv)
{
    int threads = getenv("BENCH_THREADS") ? atoi(getenv("BENCH_THREADS")) : 1;
    oc_threadpool *pool = threads > 1 ? oc_threadpool_create(threads) : NULL;
    static const size_t shapes[][3] = {
        {3136, 256, 64}, {3136, 64, 576}, {196, 256, 2304}, {49, 1024, 1024}, {1, 1000, 1024},
        {12544, 16, 8},  {3136, 32, 16},  {3136, 32, 32},   {784, 64, 32},    {196, 128, 128},
        {49, 256, 256},  {1, 1001, 256},  {256, 256, 256},
    };
    int isa_min = argc > 1 ? atoi(argv[1]) : 0;
    if (argc > 4) {
        bench_gemm((oc_isa)isa_min, strtoul(argv[2], 0, 10), strtoul(argv[3], 0, 10),
                   strtoul(argv[4], 0, 10), pool);
        oc_threadpool_destroy(pool);
        return 0;
    }
    for (int isa = OC_ISA_AVX512; isa >= isa_min; isa--)
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            bench_gemm((oc_isa)isa, shapes[i][0], shapes[i][1], shapes[i][2], pool);
    oc_threadpool_destroy(pool);
    return 0;
}
