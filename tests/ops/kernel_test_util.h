/* Helpers shared by the convolution-family op tests (test_conv.c, test_fully_connected.c,
 * test_batch_matmul.c, test_transpose_conv.c, test_pool.c): deterministic data, the ISA paths
 * this CPU can run, and a runner that checks every path against a reference and 2 threads
 * against 1 thread bit for bit. */
#ifndef OC_TESTS_KERNEL_TEST_UTIL_H
#define OC_TESTS_KERNEL_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "core/cpu.h"
#include "kernels/isa.h"

/* Deterministic values in [lo, hi). */
static inline void kt_fill(float *x, size_t n, unsigned seed, float lo, float hi)
{
    uint32_t s = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = lo + (hi - lo) * (float)(s >> 8) / 16777216.f;
    }
}

static inline float *kt_rand(size_t n, unsigned seed)
{
    float *x = malloc((n ? n : 1) * sizeof *x);
    kt_fill(x, n, seed, -1.f, 1.f);
    return x;
}

static const oc_cpu kt_cpu_c = {0};
static const oc_cpu kt_cpu_avx2 = {.avx2_fma = true};
static const oc_cpu kt_cpu_avx512 = {.avx2_fma = true, .avx512 = true};

/* The masked CPU descriptions of the paths this machine can execute; returns the count. */
static inline int kt_isas(const oc_cpu *out[3])
{
    const oc_cpu *real = oc_cpu_get();
    int n = 0;
    out[n++] = &kt_cpu_c;
    if (real->avx2_fma) out[n++] = &kt_cpu_avx2;
    if (real->avx512 && real->avx2_fma) out[n++] = &kt_cpu_avx512;
    return n;
}

static inline fbt_field kt_i32(int32_t v)
{
    fbt_field f = {1, {0}};
    memcpy(f.raw, &v, 4);
    return f;
}

/* |got - want| <= tol * max(1, |want|), with tol growing with the dot-product length k. */
static inline void kt_check(const float *got, const double *want, size_t n, size_t k,
                            const char *what)
{
    double tol = 2e-6 * (double)(k + 8);
    for (size_t i = 0; i < n; i++) {
        double lim = tol * fmax(1.0, fabs(want[i]));
        if (!(fabs((double)got[i] - want[i]) <= lim))
            fail_msg("%s: element %zu: got %.9g, want %.9g", what, i, (double)got[i], want[i]);
    }
}

static inline double kt_clamp(double x, int act)
{
    switch (act) {
    case OC_ACT_RELU: return x < 0 ? 0 : x;
    case OC_ACT_RELU6: return x < 0 ? 0 : x > 6 ? 6 : x;
    case OC_ACT_RELU_N1_TO_1: return x < -1 ? -1 : x > 1 ? 1 : x;
    default: return x;
    }
}

/* Builds the case (inputs, outputs, params) into c. */
typedef void (*kt_build_fn)(ot_case *c, const void *cfg);

/* Runs the case on every ISA path with 1 and 2 threads: each result within tolerance of want,
 * 2 threads identical to 1 thread. */
static inline void kt_run_all(kt_build_fn build, const void *cfg, const double *want, size_t n,
                              size_t k, const char *what)
{
    const oc_cpu *isas[3];
    int nisa = kt_isas(isas);
    float *first = malloc((n ? n : 1) * sizeof(float));
    for (int i = 0; i < nisa; i++) {
        for (int threads = 1; threads <= 2; threads++) {
            ot_case c;
            build(&c, cfg);
            c.ctx.cpu = isas[i];
            oc_status st = ot_run(&c, threads);
            if (st != OC_OK) fail_msg("%s: run failed: %s", what, c.err.msg);
            oc_tensor *o = ot_out(&c, 0);
            assert_int_equal(oc_tensor_count(o), n);
            char label[160];
            snprintf(label, sizeof label, "%s [%s, %d thr]", what,
                     oc_isa_name(oc_isa_best(isas[i])), threads);
            kt_check(o->data, want, n, k, label);
            if (threads == 1)
                memcpy(first, o->data, n * sizeof(float));
            else if (memcmp(first, o->data, n * sizeof(float)) != 0)
                fail_msg("%s: 2 threads differ from 1 thread", label);
            ot_free(&c);
        }
    }
    free(first);
}

/* Prepare must fail with a message. */
static inline void kt_expect_reject(ot_case *c, const char *needle)
{
    oc_status st = ot_prepare(c);
    if (st != OC_ERROR) fail_msg("expected rejection (%s), got status %d", needle, st);
    if (needle && !strstr(c->err.msg, needle))
        fail_msg("message '%s' does not mention '%s'", c->err.msg, needle);
    ot_free(c);
}

#endif
