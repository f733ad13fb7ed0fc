#include "core/graph.h"

#include <stdlib.h>
#include <sys/mman.h>

void oc_graph_destroy(oc_graph *g)
{
    if (!g) return;
    if (g->mapping) munmap(g->mapping, g->mapping_size);
    oc_mem m = g->mem; /* g itself lives in its own allocator */
    oc_mem_free_all(&m);
}
