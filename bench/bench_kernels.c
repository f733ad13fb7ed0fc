/* Micro-benchmark of the GEMM/conv kernel layer (not built by CMake; not a test).
 *   gcc -std=gnu11 -O2 -Isrc bench/bench_kernels.c <build>/liboc_static.a -lcjson -lpthread -lm
 *   ./a.out [isa: 0 c, 1 avx2, 2 avx512] [M N K | conv | dw]   (no M N K: a GEMM shape list)
 *   ./a.out [qisa: 0 c, 1 avx2, 2 avxvnni, 3 avx512vnni] qconv | qdw      (uint8, fp32 rule)
 * Prints the fastest single call (the machine is shared) and GFLOP/s (GOP/s for the 8-bit
 * kernels) for conv-shaped GEMMs, convolutions and depthwise convolutions per ISA; 1 thread,
 * or BENCH_THREADS=2. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "kernels/conv.h"
#include "kernels/dwconv.h"
#include "kernels/qconv.h"
#include "kernels/qdwconv.h"
#include "kernels/sgemm.h"

/* Single-threaded runs use the thread's CPU time: the machine is shared and often busy. */
static clockid_t g_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(g_clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench_gemm(oc_isa isa, size_t m, size_t n, size_t k, oc_threadpool *pool)
{
    const oc_sgemm_kernel *kr = oc_sgemm_kernel_select(isa, n);
    float *a = oc_aligned_alloc(m * k * 4), *w = oc_aligned_alloc(n * k * 4);
    float *c = oc_aligned_alloc(m * n * 4);
    float *pk = oc_aligned_alloc(oc_sgemm_packed_floats(kr, n, k) * 4);
    for (size_t i = 0; i < m * k; i++)
        a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < n * k; i++)
        w[i] = (float)(i % 5) * 0.1f;
    oc_sgemm_pack(kr, n, k, w, k, 1, NULL, pk);
    oc_sgemm_plan plan;
    oc_sgemm_plan_init(&plan, kr, m, n, k, false, 0);
    oc_sgemm_args args = {
        .a = a, .lda = k, .packed = pk, .c = c, .ldc = n, .lo = -1e30f, .hi = 1e30f};
    double flops = 2.0 * m * n * k, best = 1e9;
    double start = now();
    do {
        double t0 = now();
        oc_sgemm_run(&plan, &args, pool);
        double t = now() - t0;
        if (t < best) best = t;
    } while (now() - start < 0.3);
    printf("%-8s %-14s M=%-6zu N=%-5zu K=%-5zu tasks=%-3zu %8.1f us %7.1f GFLOP/s\n",
           oc_isa_name(isa), kr->name, m, n, k, plan.ntasks, best * 1e6, flops / best * 1e-9);
    oc_aligned_free(a);
    oc_aligned_free(w);
    oc_aligned_free(c);
    oc_aligned_free(pk);
}

typedef void (*run_fn)(void *arg);

/* Effective clock right now (a dependent add chain, 1 add per cycle): the machine is shared,
 * so times are also reported scaled to the nominal 2.9 GHz. */
__attribute__((unused)) static double ghz(void)
{
    unsigned long x = 1, y = 3;
    double t0 = now();
    for (long i = 0; i < 20000000; i++)
        __asm__ volatile("add %1, %0" : "+r"(x) : "r"(y));
    return 2e7 / (now() - t0) * 1e-9;
}

static double time_it(run_fn fn, void *arg)
{
    /* the fastest single call over ~0.3 s: filters out the other tenants' interference */
    double best = 1e9, start = now();
    fn(arg);
    do {
        double t0 = now();
        fn(arg);
        double t = now() - t0;
        if (t < best) best = t;
    } while (now() - start < 0.3);
    return best;
}

typedef struct dw_job {
    oc_dw_plan plan;
    float *in, *pk, *out;
    oc_threadpool *pool;
} dw_job;

static void dw_once(void *arg)
{
    dw_job *j = arg;
    oc_dw_run(&j->plan, j->in, j->pk, j->out, -1e30f, 1e30f, j->pool);
}

static void bench_dw(oc_isa isa, int h, int c, int k, int s, oc_threadpool *pool)
{
    oc_dw_geom g = {1, h, h, c, 0, 0, c, k, k, s, s, 1, 1, 0, 0, 1};
    g.oh = (h + s - 1) / s;
    g.ow = g.oh;
    int tot = (g.oh - 1) * s + k - h;
    g.pt = g.pl = tot > 0 ? tot / 2 : 0;
    dw_job j = {.pool = pool};
    oc_dw_plan_init(&j.plan, &g, isa);
    j.in = oc_aligned_alloc((size_t)h * h * c * 4);
    j.out = oc_aligned_alloc((size_t)g.oh * g.ow * c * 4);
    j.pk = oc_aligned_alloc(oc_dw_packed_floats(&j.plan) * 4);
    float *w = oc_aligned_alloc((size_t)k * k * c * 4);
    for (int i = 0; i < h * h * c; i++)
        j.in[i] = (float)(i % 7) * 0.1f;
    for (int i = 0; i < k * k * c; i++)
        w[i] = (float)(i % 5) * 0.1f;
    oc_dw_pack(&j.plan, w, NULL, j.pk);
    double f = 2.9, t = time_it(dw_once, &j);
    printf("%-8s dw %3dx%-3d c%-4d k%d s%d  %8.1f us %7.2f ns/px (min; %.1f)\n", oc_isa_name(isa),
           h, h, c, k, s, t * 1e6, t * 1e9 / ((double)g.oh * g.ow), f);
    oc_aligned_free(j.in);
    oc_aligned_free(j.out);
    oc_aligned_free(j.pk);
    oc_aligned_free(w);
}

typedef struct conv_job {
    oc_conv_plan plan;
    float *in, *pk, *out, *scratch;
    oc_threadpool *pool;
} conv_job;

static void conv_once(void *arg)
{
    conv_job *j = arg;
    oc_conv_run(&j->plan, j->in, j->pk, j->out, -1e30f, 1e30f, j->scratch, j->pool);
}

static void bench_conv(oc_isa isa, int h, int ic, int oc, int k, int s, oc_threadpool *pool)
{
    oc_conv_geom g = {1, h, h, ic, 0, 0, oc, k, k, s, s, 1, 1, 0, 0};
    g.oh = (h + s - 1) / s;
    g.ow = g.oh;
    int tot = (g.oh - 1) * s + k - h;
    g.pt = g.pl = tot > 0 ? tot / 2 : 0;
    conv_job j = {.pool = pool};
    oc_conv_plan_init(&j.plan, &g, isa, 0);
    j.in = oc_aligned_alloc((size_t)h * h * ic * 4);
    j.out = oc_aligned_alloc((size_t)g.oh * g.ow * oc * 4);
    j.pk = oc_aligned_alloc(oc_conv_packed_floats(&j.plan) * 4);
    j.scratch = oc_aligned_alloc((oc_conv_scratch_floats(&j.plan) + 1) * 4);
    float *w = oc_aligned_alloc((size_t)k * k * ic * oc * 4);
    for (int i = 0; i < h * h * ic; i++)
        j.in[i] = (float)(i % 7) * 0.1f;
    for (int i = 0; i < k * k * ic * oc; i++)
        w[i] = (float)(i % 5) * 0.1f;
    oc_conv_pack(&j.plan, w, NULL, j.pk);
    double f = 2.9, t = time_it(conv_once, &j);
    double fl = 2.0 * g.oh * g.ow * oc * k * k * ic;
    printf("%-8s conv %3dx%-3d %4d->%-4d k%d s%d %-14s %8.1f us %7.1f GFLOP/s (min; %.1f)\n",
           oc_isa_name(isa), h, h, ic, oc, k, s, j.plan.kr->name, t * 1e6, fl / t * 1e-9, f);
    oc_aligned_free(j.in);
    oc_aligned_free(j.out);
    oc_aligned_free(j.pk);
    oc_aligned_free(j.scratch);
    oc_aligned_free(w);
}

/* ---- 8-bit (uint8 activations and weights, XNNPACK's fp32 requantization) ---------------- */

static const oc_qgemm_ep g_qep = {.out_zp = 3,
                                  .lo = 0,
                                  .hi = 255,
                                  .flo = -3,
                                  .fhi = 252,
                                  .mode = OC_QREQ_FP32,
                                  .out_u8 = true,
                                  .fast = true};

typedef struct qconv_job {
    oc_qconv_plan plan;
    oc_qconv_q q;
    uint8_t *in, *pk, *out, *scratch;
    oc_threadpool *pool;
} qconv_job;

static void qconv_once(void *arg)
{
    qconv_job *j = arg;
    oc_qconv_run(&j->plan, j->in, j->pk, &j->q, j->out, j->scratch, j->pool);
}

static void bench_qconv(oc_qisa isa, int h, int ic, int oc, int k, int s, oc_threadpool *pool)
{
    oc_conv_geom g = {1, h, h, ic, 0, 0, oc, k, k, s, s, 1, 1, 0, 0};
    g.oh = (h + s - 1) / s;
    g.ow = g.oh;
    int tot = (g.oh - 1) * s + k - h;
    g.pt = g.pl = tot > 0 ? tot / 2 : 0;
    int32_t *mult = calloc((size_t)oc, 4), *shift = calloc((size_t)oc, 4);
    float *scale = calloc((size_t)oc, 4);
    for (int i = 0; i < oc; i++) {
        mult[i] = 1 << 30;
        shift[i] = -10;
        scale[i] = 1.f / 2048;
    }
    qconv_job j = {.pool = pool};
    j.q = (oc_qconv_q){.za = 128,
                       .zw = 120,
                       .w_u8 = true,
                       .ep = g_qep,
                       .mult = mult,
                       .shift = shift,
                       .scale = scale};
    oc_qconv_plan_init(&j.plan, &g, &j.q, isa);
    j.in = oc_aligned_alloc((size_t)h * h * ic);
    j.out = oc_aligned_alloc((size_t)g.oh * g.ow * oc);
    j.pk = oc_aligned_alloc(oc_qconv_packed_bytes(&j.plan));
    j.scratch = oc_aligned_alloc(j.plan.scratch_bytes + 64);
    uint8_t *w = oc_aligned_alloc((size_t)k * k * ic * oc);
    for (int i = 0; i < h * h * ic; i++)
        j.in[i] = (uint8_t)(i * 7);
    for (int i = 0; i < k * k * ic * oc; i++)
        w[i] = (uint8_t)(i * 5);
    oc_qconv_pack(&j.plan, w, &j.q, j.pk);
    double t = time_it(qconv_once, &j);
    double ops = 2.0 * g.oh * g.ow * oc * k * k * ic;
    printf("%-10s qconv %3dx%-3d %4d->%-4d k%d s%d %-18s %8.1f us %7.1f GOP/s\n", oc_qisa_name(isa),
           h, h, ic, oc, k, s, j.plan.kr->name, t * 1e6, ops / t * 1e-9);
    oc_qconv_plan_free(&j.plan);
    oc_aligned_free(j.in);
    oc_aligned_free(j.out);
    oc_aligned_free(j.pk);
    oc_aligned_free(j.scratch);
    oc_aligned_free(w);
    free(mult);
    free(shift);
    free(scale);
}

typedef struct qdw_job {
    oc_qdw_plan plan;
    uint8_t *in, *out;
    int32_t *pk;
    oc_threadpool *pool;
} qdw_job;

static void qdw_once(void *arg)
{
    qdw_job *j = arg;
    oc_qdw_run(&j->plan, j->in, j->pk, j->out, j->pool);
}

static void bench_qdw(oc_qisa isa, int h, int c, int k, int s, oc_threadpool *pool)
{
    oc_dw_geom g = {1, h, h, c, 0, 0, c, k, k, s, s, 1, 1, 0, 0, 1};
    g.oh = (h + s - 1) / s;
    g.ow = g.oh;
    int tot = (g.oh - 1) * s + k - h;
    g.pt = g.pl = tot > 0 ? tot / 2 : 0;
    int32_t *mult = calloc((size_t)c, 4), *shift = calloc((size_t)c, 4);
    float *scale = calloc((size_t)c, 4);
    for (int i = 0; i < c; i++) {
        mult[i] = 1 << 30;
        shift[i] = -8;
        scale[i] = 1.f / 512;
    }
    qdw_job j = {.pool = pool};
    oc_qdw_plan_init(&j.plan, &g, isa, false, 128, &g_qep);
    j.in = oc_aligned_alloc((size_t)h * h * c);
    j.out = oc_aligned_alloc((size_t)g.oh * g.ow * c);
    j.pk = oc_aligned_alloc(oc_qdw_packed_words(&j.plan) * 4);
    uint8_t *w = oc_aligned_alloc((size_t)k * k * c);
    for (int i = 0; i < h * h * c; i++)
        j.in[i] = (uint8_t)(i * 7);
    for (int i = 0; i < k * k * c; i++)
        w[i] = (uint8_t)(i * 5);
    oc_qdw_pack(&j.plan, w, true, 120, NULL, mult, shift, scale, j.pk);
    double t = time_it(qdw_once, &j);
    printf("%-10s qdw %3dx%-3d c%-4d k%d s%d  %8.1f us %7.2f ns/px\n", oc_qisa_name(isa), h, h, c,
           k, s, t * 1e6, t * 1e9 / ((double)g.oh * g.ow));
    oc_qdw_plan_free(&j.plan);
    oc_aligned_free(j.in);
    oc_aligned_free(j.out);
    oc_aligned_free(j.pk);
    oc_aligned_free(w);
    free(mult);
    free(shift);
    free(scale);
}

int main(int argc, char **argv)
{
    int threads = getenv("BENCH_THREADS") ? atoi(getenv("BENCH_THREADS")) : 1;
    oc_threadpool *pool = threads > 1 ? oc_threadpool_create(threads) : NULL;
    (void)g_clock;
    static const size_t shapes[][3] = {
        {3136, 256, 64}, {3136, 64, 576}, {196, 256, 2304}, {49, 1024, 1024}, {1, 1000, 1024},
        {12544, 16, 8},  {3136, 32, 16},  {3136, 32, 32},   {784, 64, 32},    {196, 128, 128},
        {49, 256, 256},  {1, 1001, 256},  {256, 256, 256},
    };
    int isa_min = argc > 1 ? atoi(argv[1]) : 0;
    const oc_qisa qbest = oc_qisa_best(NULL);
    if (argc > 2 && strcmp(argv[2], "qconv") == 0) {
        for (int isa = (int)qbest; isa >= isa_min; isa--) {
            if (isa == OC_QISA_AVXVNNI && !oc_cpu_get()->avx_vnni) continue;
            bench_qconv((oc_qisa)isa, 224, 3, 8, 3, 2, pool);
            bench_qconv((oc_qisa)isa, 112, 8, 16, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 56, 16, 32, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 56, 32, 32, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 28, 32, 64, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 28, 64, 64, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 14, 64, 128, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 14, 128, 128, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 7, 128, 256, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 7, 256, 256, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 1, 256, 1001, 1, 1, pool);
            bench_qconv((oc_qisa)isa, 56, 64, 64, 3, 1, pool);
        }
        oc_threadpool_destroy(pool);
        return 0;
    }
    if (argc > 2 && strcmp(argv[2], "qdw") == 0) {
        for (int isa = (int)qbest; isa >= isa_min; isa--) {
            if (isa == OC_QISA_AVXVNNI) continue; /* depthwise: the AVX2 kernel */
            bench_qdw((oc_qisa)isa, 112, 8, 3, 1, pool);
            bench_qdw((oc_qisa)isa, 112, 16, 3, 2, pool);
            bench_qdw((oc_qisa)isa, 56, 32, 3, 1, pool);
            bench_qdw((oc_qisa)isa, 14, 128, 3, 1, pool);
            bench_qdw((oc_qisa)isa, 7, 256, 3, 1, pool);
        }
        oc_threadpool_destroy(pool);
        return 0;
    }
    if (argc > 2 && strcmp(argv[2], "dw") == 0) {
        for (int isa = OC_ISA_AVX512; isa >= isa_min; isa--) {
            bench_dw((oc_isa)isa, 112, 8, 3, 1, pool);
            bench_dw((oc_isa)isa, 112, 16, 3, 2, pool);
            bench_dw((oc_isa)isa, 56, 32, 3, 1, pool);
            bench_dw((oc_isa)isa, 14, 128, 3, 1, pool);
            bench_dw((oc_isa)isa, 64, 24, 5, 1, pool);
        }
        oc_threadpool_destroy(pool);
        return 0;
    }
    if (argc > 2 && strcmp(argv[2], "conv") == 0) {
        for (int isa = OC_ISA_AVX512; isa >= isa_min; isa--) {
            bench_conv((oc_isa)isa, 224, 3, 8, 3, 2, pool);
            bench_conv((oc_isa)isa, 128, 3, 24, 5, 2, pool);
            bench_conv((oc_isa)isa, 112, 8, 16, 1, 1, pool);
            bench_conv((oc_isa)isa, 56, 16, 32, 1, 1, pool);
            bench_conv((oc_isa)isa, 56, 32, 32, 1, 1, pool);
            bench_conv((oc_isa)isa, 28, 64, 64, 1, 1, pool);
            bench_conv((oc_isa)isa, 14, 128, 128, 1, 1, pool);
            bench_conv((oc_isa)isa, 7, 256, 256, 1, 1, pool);
            bench_conv((oc_isa)isa, 56, 64, 256, 1, 1, pool);
            bench_conv((oc_isa)isa, 56, 64, 64, 3, 1, pool);
        }
        oc_threadpool_destroy(pool);
        return 0;
    }
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
