/* Broadcast plans and flat parallel loops shared by the elementwise operators. */
#include "kernels/elementwise.h"

#include <stdbool.h>

void oc_bcast_init(oc_bcast *b, const oc_shape *out, const oc_shape *const *ins, int nin)
{
    int r = out->rank;
    int64_t st[OC_EW_MAX_IN][OC_MAX_RANK];
    for (int k = 0; k < nin; k++) {
        int64_t acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            int ii = ins[k]->rank - r + i;
            int64_t d = ii >= 0 ? ins[k]->dims[ii] : 1;
            st[k][i] = d == 1 ? 0 : acc;
            acc *= d;
        }
    }
    b->nin = nin;
    b->rank = 0;
    b->total = 1;
    for (int i = 0; i < r; i++) {
        int64_t d = out->dims[i];
        b->total *= d;
        if (d == 1) continue; /* no iteration along it: every input has stride 0 or size 1 */
        if (b->rank > 0) {
            /* merge into the previous (outer) dim when every input is contiguous across */
            int j = b->rank - 1, merge = 1;
            for (int k = 0; k < nin; k++)
                if (b->strides[k][j] != st[k][i] * d) merge = 0;
            if (merge) {
                b->dims[j] *= d;
                for (int k = 0; k < nin; k++)
                    b->strides[k][j] = st[k][i];
                continue;
            }
        }
        b->dims[b->rank] = d;
        for (int k = 0; k < nin; k++)
            b->strides[k][b->rank] = st[k][i];
        b->rank++;
    }
    if (b->rank == 0) { /* a single element */
        b->rank = 1;
        b->dims[0] = 1;
        for (int k = 0; k < nin; k++)
            b->strides[k][0] = 0;
    }
}

typedef struct bcast_job {
    const oc_bcast *b;
    const oc_bcast_io *io;
    oc_bcast_row_fn row;
    void *arg;
} bcast_job;

static inline const void *elem(const void *base, int64_t off, size_t esz)
{
    return (const uint8_t *)base + off * (int64_t)esz;
}

#define GATHER(T)                                                                                  \
    do {                                                                                           \
        T *d = dst;                                                                                \
        const T *p = src;                                                                          \
        for (int64_t r = 0; r < g; r++)                                                            \
            for (int64_t i = 0; i < inner; i++)                                                    \
                *d++ = p[r * s2 + i * s1];                                                         \
    } while (0)

/* dst[r * inner + i] = src[r * s2 + i * s1] for g rows. */
static void gather(void *dst, const void *src, size_t esz, int64_t g, int64_t inner, int64_t s2,
                   int64_t s1)
{
    switch (esz) {
    case 1: GATHER(uint8_t); break;
    case 2: GATHER(uint16_t); break;
    case 4: GATHER(uint32_t); break;
    default: GATHER(uint64_t); break;
    }
}

/* Moves the index past a full dim `from` (and the ones it fills), adjusting input offsets. */
static inline void carry(const oc_bcast *b, int from, int64_t *idx, int64_t *in)
{
    for (int i = from; i > 0 && idx[i] == b->dims[i]; i--) {
        idx[i] = 0;
        idx[i - 1]++;
        for (int k = 0; k < b->nin; k++)
            in[k] += b->strides[k][i - 1] - b->dims[i] * b->strides[k][i];
    }
}

static void bcast_range(void *vp, int64_t begin, int64_t end)
{
    const bcast_job *job = vp;
    const oc_bcast *b = job->b;
    const oc_bcast_io *io = job->io;
    int r = b->rank, nin = b->nin;
    int64_t idx[OC_MAX_RANK], in[OC_EW_MAX_IN] = {0};
    int step[OC_EW_MAX_IN] = {0}, gstep[OC_EW_MAX_IN] = {0};
    const void *ptr[OC_EW_MAX_IN] = {0};
    int64_t rem = begin;
    for (int i = r - 1; i >= 0; i--) {
        idx[i] = rem % b->dims[i];
        rem /= b->dims[i];
    }
    for (int k = 0; k < nin; k++) {
        for (int i = 0; i < r; i++)
            in[k] += idx[i] * b->strides[k][i];
        step[k] = (int)b->strides[k][r - 1];
    }
    int64_t inner = b->dims[r - 1];
    bool group = r >= 2 && inner < OC_EW_SHORT_ROW;
    /* per-task gather buffers (uint64_t: aligned for every element type); a repeated row
     * (stride 0 across rows) is gathered once and reused while its source stays the same */
    uint64_t tile[OC_EW_MAX_IN][OC_EW_GROUP];
    const void *tile_src[OC_EW_MAX_IN] = {0};
    int64_t tile_rows[OC_EW_MAX_IN] = {0};
    int64_t pos = begin;
    while (pos < end) {
        void *out = (uint8_t *)io->out + pos * (int64_t)io->out_esz;
        if (group && idx[r - 1] == 0 && end - pos >= 2 * inner) {
            int64_t g = (end - pos) / inner, left = b->dims[r - 2] - idx[r - 2];
            if (g > OC_EW_GROUP / inner) g = OC_EW_GROUP / inner;
            if (g > left) g = left;
            for (int k = 0; k < nin; k++) {
                int64_t s1 = b->strides[k][r - 1], s2 = b->strides[k][r - 2];
                const void *src = elem(io->in[k], in[k], io->in_esz[k]);
                gstep[k] = s1 == 0 && s2 == 0 ? 0 : 1;
                if ((s1 == 0 && s2 == 0) || (s1 == 1 && s2 == inner)) {
                    ptr[k] = src; /* scalar or already contiguous */
                    continue;
                }
                if (!(s2 == 0 && tile_src[k] == src && tile_rows[k] >= g)) {
                    gather(tile[k], src, io->in_esz[k], g, inner, s2, s1);
                    tile_src[k] = s2 == 0 ? src : NULL;
                    tile_rows[k] = g;
                }
                ptr[k] = tile[k];
            }
            job->row(job->arg, ptr, out, g * inner, gstep);
            pos += g * inner;
            idx[r - 2] += g;
            for (int k = 0; k < nin; k++)
                in[k] += g * b->strides[k][r - 2];
            carry(b, r - 2, idx, in);
            continue;
        }
        int64_t n = inner - idx[r - 1];
        if (n > end - pos) n = end - pos;
        for (int k = 0; k < nin; k++)
            ptr[k] = elem(io->in[k], in[k], io->in_esz[k]);
        job->row(job->arg, ptr, out, n, step);
        pos += n;
        idx[r - 1] += n;
        for (int k = 0; k < nin; k++)
            in[k] += n * step[k];
        carry(b, r - 1, idx, in);
    }
}

void oc_bcast_run(oc_threadpool *pool, const oc_bcast *b, const oc_bcast_io *io,
                  oc_bcast_row_fn row, void *arg)
{
    bcast_job job = {b, io, row, arg};
    oc_ew_parallel(pool, b->total, bcast_range, &job);
}

typedef struct range_job {
    int64_t n;
    oc_range_fn fn;
    void *arg;
} range_job;

static void range_task(void *vp, size_t task)
{
    const range_job *job = vp;
    int64_t begin = (int64_t)task * OC_EW_CHUNK;
    int64_t end = begin + OC_EW_CHUNK < job->n ? begin + OC_EW_CHUNK : job->n;
    job->fn(job->arg, begin, end);
}

void oc_ew_parallel(oc_threadpool *pool, int64_t n, oc_range_fn fn, void *arg)
{
    if (n <= 0) return;
    /* below two chunks the hand-off costs more than it saves */
    if (!pool || oc_threadpool_size(pool) <= 1 || n < 2 * OC_EW_CHUNK) {
        fn(arg, 0, n);
        return;
    }
    range_job job = {n, fn, arg};
    oc_parallel_for(pool, (size_t)((n + OC_EW_CHUNK - 1) / OC_EW_CHUNK), range_task, &job);
}

oc_ew_binary_f32_fn oc_ew_binary_f32_pick(const oc_cpu *cpu)
{
#if defined(__x86_64__) || defined(__i386__)
    if (cpu && cpu->avx2_fma) return oc_ew_binary_f32_avx2;
#else
    (void)cpu;
#endif
    return NULL;
}

oc_ew_unary_f32_fn oc_ew_unary_f32_pick(const oc_cpu *cpu)
{
#if defined(__x86_64__) || defined(__i386__)
    if (cpu && cpu->avx2_fma) return oc_ew_unary_f32_avx2;
#else
    (void)cpu;
#endif
    return NULL;
}
