/* Instruction-set paths of the optimized kernels. Every kernel family has a portable C
 * implementation and, on x86-64, AVX2+FMA and AVX-512 ones in files named *_avx2.c /
 * *_avx512.c (compiled with those flags). Ops pick the path at prepare from ctx->cpu, so tests
 * can force any path by handing a masked oc_cpu. int8 VNNI kernels will be one more path. */
#ifndef OC_KERNELS_ISA_H
#define OC_KERNELS_ISA_H

#include <stdbool.h>

#include "core/cpu.h"

typedef enum oc_isa {
    OC_ISA_C = 0,
    OC_ISA_AVX2 = 1,   /* AVX2 + FMA */
    OC_ISA_AVX512 = 2, /* AVX-512 F/BW/DQ/VL */
    OC_ISA_COUNT = 3,
} oc_isa;

/* The best path the CPU supports; cpu NULL means oc_cpu_get(). */
static inline oc_isa oc_isa_best(const oc_cpu *cpu)
{
    if (!cpu) cpu = oc_cpu_get();
#if defined(__x86_64__) || defined(__i386__)
    if (cpu->avx512 && cpu->avx2_fma) return OC_ISA_AVX512;
    if (cpu->avx2_fma) return OC_ISA_AVX2;
#endif
    return OC_ISA_C;
}

static inline const char *oc_isa_name(oc_isa isa)
{
    return isa == OC_ISA_AVX512 ? "avx512" : isa == OC_ISA_AVX2 ? "avx2" : "c";
}

/* Handing work to the thread pool costs a few microseconds (more on a busy machine), so
 * kernels run small jobs on the calling thread. Only where the work runs changes: the task
 * split, and so every result bit, stays the same. Thresholds in multiply-adds (or taps). */
#define OC_PAR_MIN_GEMM_MACS ((double)(1 << 20))
#define OC_PAR_MIN_DIRECT_MACS ((double)(1 << 18))

/* True when `work` (>= threshold, or always once forced) deserves the pool. */
bool oc_kernels_parallel_ok(double work, double threshold);
/* Tests: use the pool for every job, however small (exercises the threaded paths). */
void oc_kernels_force_parallel(bool on);

/* Register-blocked kernels mark their tile loops `#pragma GCC unroll 64`: unrolled before
 * scalar replacement, the accumulator arrays then live in registers (and they must have
 * constant sizes: a variable-length array would stay on the stack). */

#endif
