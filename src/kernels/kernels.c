/* Kernel-layer settings shared by all kernel families. */
#include <stdatomic.h>

#include "kernels/isa.h"

static atomic_bool g_force_parallel;

bool oc_kernels_parallel_ok(double work, double threshold)
{
    return work >= threshold || atomic_load_explicit(&g_force_parallel, memory_order_relaxed);
}

void oc_kernels_force_parallel(bool on)
{
    atomic_store(&g_force_parallel, on);
}
