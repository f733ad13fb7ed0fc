/* AVX-VNNI 8-bit GEMM micro-kernels: AVX2 with the VEX-encoded vpdpbusd (ymm, 16 registers).
 * The kernel bodies are qgemm_vnni256_tpl.h, also compiled with the EVEX encoding into the
 * AVX-512 VNNI table (which is how they are tested on CPUs without AVX-VNNI). */
#include "kernels/qgemm.h"

#if defined(__AVX2__) && defined(__AVXVNNI__)
#include <immintrin.h>
#include <string.h>

#include "kernels/qreq_x86.h"

#define QG_DPBUSD(acc, a, b) _mm256_dpbusd_avx_epi32((acc), (a), (b))
#define QG_FN(name) name##_avxvnni
#include "kernels/qgemm_vnni256_tpl.h"

static const oc_qgemm_kernel kernels[] = {
    {"avxvnni_6x16", OC_QISA_AVXVNNI, 6, 16, 100, OC_QGEMM_U8X4, gemm_6x2_avxvnni, gemv_2_6_avxvnni,
     NULL},
    {"avxvnni_12x8", OC_QISA_AVXVNNI, 12, 8, 90, OC_QGEMM_U8X4, gemm_12x1_avxvnni,
     gemv_1_12_avxvnni, NULL},
};

const oc_qgemm_kernel *oc_qgemm_kernels_avxvnni(size_t *n)
{
    *n = sizeof kernels / sizeof kernels[0];
    return kernels;
}

#else

const oc_qgemm_kernel *oc_qgemm_kernels_avxvnni(size_t *n)
{
    *n = 0;
    return NULL;
}

#endif
