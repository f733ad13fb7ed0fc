/* A bump allocator: many small allocations that live exactly as long as their owner (a
 * loaded graph) and are released together. Allocations are zeroed and 16-byte aligned. */
#ifndef OC_CORE_MEM_H
#define OC_CORE_MEM_H

#include <stddef.h>

typedef struct oc_mem_block oc_mem_block;

typedef struct oc_mem {
    oc_mem_block *head;
} oc_mem;

/* Returns NULL on overflow or allocation failure. */
void *oc_mem_alloc(oc_mem *m, size_t bytes);
/* n * size with overflow check. */
void *oc_mem_calloc(oc_mem *m, size_t n, size_t size);
char *oc_mem_strdup(oc_mem *m, const char *s);
void oc_mem_free_all(oc_mem *m);

/* Overflow-checked size arithmetic: return 0 on overflow, 1 on success. */
static inline int oc_mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline int oc_add_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* The largest tensor or arena we agree to allocate: the machine's physical memory, or the
 * smaller byte count in env ONERT_C_MAX_TENSOR_BYTES. A model asking for more is malformed for
 * this device and is rejected with an error up front. */
size_t oc_mem_max_tensor_bytes(void);

/* Aligned heap allocation for tensor data (64-byte, rounded-up size). Free with oc_aligned_free. */
void *oc_aligned_alloc(size_t bytes);
void oc_aligned_free(void *p);

#endif
