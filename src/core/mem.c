#include "core/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct oc_mem_block {
    oc_mem_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define OC_MEM_BLOCK_MIN (64 * 1024)

void *oc_mem_alloc(oc_mem *m, size_t bytes)
{
    size_t need;
    if (!oc_add_size(bytes, 15, &need)) return NULL;
    need &= ~(size_t)15;
    if (need == 0) need = 16;
    oc_mem_block *b = m->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > OC_MEM_BLOCK_MIN ? need : OC_MEM_BLOCK_MIN, total;
        if (!oc_add_size(size, sizeof(oc_mem_block), &total)) return NULL;
        b = malloc(total);
        if (!b) return NULL;
        b->size = size;
        b->used = 0;
        b->next = m->head;
        m->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need);
    return p;
}

void *oc_mem_calloc(oc_mem *m, size_t n, size_t size)
{
    size_t bytes;
    if (!oc_mul_size(n, size, &bytes)) return NULL;
    return oc_mem_alloc(m, bytes);
}

char *oc_mem_strdup(oc_mem *m, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = oc_mem_alloc(m, n);
    if (p) memcpy(p, s, n);
    return p;
}

void oc_mem_free_all(oc_mem *m)
{
    oc_mem_block *b = m->head;
    while (b) {
        oc_mem_block *next = b->next;
        free(b);
        b = next;
    }
    m->head = NULL;
}

void *oc_aligned_alloc(size_t bytes)
{
    size_t rounded;
    if (!oc_add_size(bytes, 63, &rounded)) return NULL;
    rounded &= ~(size_t)63;
    if (rounded == 0) rounded = 64;
    return aligned_alloc(64, rounded);
}

void oc_aligned_free(void *p)
{
    free(p);
}

size_t oc_mem_max_tensor_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t cap = pages <= 0 || page <= 0 ? (size_t)1 << 40 : (size_t)pages * (size_t)page;
    /* a lower cap for constrained processes (the fuzzer runs under an RSS limit) */
    const char *env = getenv("ONERT_C_MAX_TENSOR_BYTES");
    if (env && *env) {
        char *end;
        unsigned long long v = strtoull(env, &end, 10);
        if (*end == '\0' && v > 0 && v < cap) cap = (size_t)v;
    }
    return cap;
}
