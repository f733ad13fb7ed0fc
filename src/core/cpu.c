#include "core/cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static oc_cpu g_cpu;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    g_cpu.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    g_cpu.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    g_cpu.avx512_vnni = g_cpu.avx512 && __builtin_cpu_supports("avx512vnni");
    /* gcc 12 has no "avxvnni" name for __builtin_cpu_supports: CPUID.(7,1):EAX bit 4. */
    unsigned a = 7, b, c = 1, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    g_cpu.avx_vnni = g_cpu.avx2_fma && (a & (1u << 4));
#endif
    const char *isa = getenv("ONERT_C_ISA");
    if (isa && strcmp(isa, "c") == 0) memset(&g_cpu, 0, sizeof g_cpu);
    if (isa && strcmp(isa, "avx2") == 0) g_cpu.avx512 = g_cpu.avx512_vnni = g_cpu.avx_vnni = false;
}

const oc_cpu *oc_cpu_get(void)
{
    pthread_once(&g_once, detect);
    return &g_cpu;
}
