#include "exec/plan.h"

#include <stdlib.h>

#include "core/mem.h"

#define ALIGN 64

static int by_size_desc(const void *a, const void *b)
{
    const oc_plan_item *x = *(oc_plan_item *const *)a, *y = *(oc_plan_item *const *)b;
    if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
    return x->first - y->first;
}

static int overlaps(const oc_plan_item *a, const oc_plan_item *b)
{
    return a->first <= b->last && b->first <= a->last;
}

/* Biggest first; each buffer goes to the lowest offset where it collides with no placed buffer
 * that is alive at the same time. O(n^2), fine for graphs of a few thousand tensors. */
oc_status oc_plan_arena(oc_plan_item *items, int32_t n, size_t *arena_size, oc_err *err)
{
    *arena_size = 0;
    if (n == 0) return OC_OK;
    oc_plan_item **order = malloc((size_t)n * sizeof *order);
    oc_plan_item **placed = malloc((size_t)n * sizeof *placed);
    if (!order || !placed) {
        free(order);
        free(placed);
        return OC_NOMEMF(err);
    }
    for (int32_t i = 0; i < n; i++) order[i] = &items[i];
    qsort(order, (size_t)n, sizeof *order, by_size_desc);
    int32_t nplaced = 0;
    size_t total = 0;
    oc_status st = OC_OK;
    for (int32_t i = 0; i < n; i++) {
        oc_plan_item *it = order[i];
        size_t need;
        if (!oc_add_size(it->bytes, ALIGN - 1, &need)) {
            st = OC_ERRF(err, "memory plan: tensor too large");
            break;
        }
        need &= ~(size_t)(ALIGN - 1);
        size_t off = 0;
        /* Try candidate offsets: 0 and the end of every live placed buffer, lowest first. */
        for (;;) {
            int moved = 0;
            for (int32_t j = 0; j < nplaced; j++) {
                oc_plan_item *p = placed[j];
                if (!overlaps(it, p)) continue;
                size_t pend = p->offset + ((p->bytes + ALIGN - 1) & ~(size_t)(ALIGN - 1));
                if (off < pend && p->offset < off + need) {
                    off = pend;
                    moved = 1;
                }
            }
            if (!moved) break;
        }
        it->offset = off;
        placed[nplaced++] = it;
        if (!oc_add_size(off, need, &need)) {
            st = OC_ERRF(err, "memory plan: arena too large");
            break;
        }
        if (need > total) total = need;
    }
    free(order);
    free(placed);
    *arena_size = total;
    return st;
}
