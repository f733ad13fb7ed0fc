/* Run-time CPU feature detection, read once. Kernels are chosen from these at prepare. */
#ifndef OC_CORE_CPU_H
#define OC_CORE_CPU_H

#include <stdbool.h>

typedef struct oc_cpu {
    bool avx2_fma;    /* AVX2 + FMA + F16C */
    bool avx512;      /* AVX-512 F/BW/DQ/VL */
    bool avx512_vnni;
    bool avx_vnni;
} oc_cpu;

/* Detected features, masked by the environment variable ONERT_C_ISA ("c", "avx2",
 * "avx512", or unset = best) so tests can force every path on one machine. */
const oc_cpu *oc_cpu_get(void);

#endif
