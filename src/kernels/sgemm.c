/* Packed SGEMM: kernel choice, B packing, task split and the driver loop. The micro-kernels
 * live in sgemm_c.c, sgemm_avx2.c and sgemm_avx512.c. */
#include "kernels/sgemm.h"

#include <string.h>

#include "core/mem.h"

/* Packed B bytes a task keeps hot in L2 (2 MiB per core here) while sweeping its A panels. */
#define B_L2_BUDGET ((size_t)768 * 1024)
#define DEFAULT_MAX_TASKS 16
/* Below this many multiply-adds a task is not worth a thread hand-off. */
#define MIN_TASK_MACS ((size_t)1 << 16)

static const oc_sgemm_kernel *table(oc_isa isa, size_t *count)
{
    *count = 0;
    switch (isa) {
    case OC_ISA_AVX512: return oc_sgemm_kernels_avx512(count);
    case OC_ISA_AVX2: return oc_sgemm_kernels_avx2(count);
    default: return oc_sgemm_kernels_c(count);
    }
}

const oc_sgemm_kernel *oc_sgemm_kernel_select(oc_isa isa, size_t n)
{
    size_t count = 0;
    const oc_sgemm_kernel *t = NULL;
    for (int i = (int)isa; i >= 0 && count == 0; i--)
        t = table((oc_isa)i, &count);
    const oc_sgemm_kernel *best = &t[0];
    double best_cost = 0;
    for (size_t i = 0; i < count; i++) {
        size_t padded = (n + (size_t)t[i].nr - 1) / (size_t)t[i].nr * (size_t)t[i].nr;
        double cost = (double)(padded ? padded : (size_t)t[i].nr) * 100.0 / t[i].eff;
        if (i == 0 || cost < best_cost) {
            best = &t[i];
            best_cost = cost;
        }
    }
    return best;
}

size_t oc_sgemm_packed_floats(const oc_sgemm_kernel *kr, size_t n, size_t k)
{
    size_t nr = (size_t)kr->nr, np = (n + nr - 1) / nr, per, total;
    if (!oc_add_size(k, 1, &per) || !oc_mul_size(per, nr, &per) || !oc_mul_size(per, np, &total))
        return 0;
    return total;
}

void oc_sgemm_pack(const oc_sgemm_kernel *kr, size_t n, size_t k, const float *w, size_t sn,
                   size_t sk, const float *bias, float *dst)
{
    size_t nr = (size_t)kr->nr, np = (n + nr - 1) / nr;
    for (size_t j = 0; j < np; j++) {
        float *p = dst + j * (k + 1) * nr;
        size_t c0 = j * nr, nc = n - c0 < nr ? n - c0 : nr;
        memset(p, 0, (k + 1) * nr * sizeof(float));
        for (size_t c = 0; c < nc; c++)
            p[c] = bias ? bias[c0 + c] : 0.f;
        float *q = p + nr;
        if (sn == 1 && sk != 1) { /* B stored [K][N]: read rows */
            for (size_t kk = 0; kk < k; kk++)
                for (size_t c = 0; c < nc; c++)
                    q[kk * nr + c] = w[(c0 + c) + kk * sk];
        } else { /* B stored [N][K]: read columns' depth runs */
            for (size_t c = 0; c < nc; c++)
                for (size_t kk = 0; kk < k; kk++)
                    q[kk * nr + c] = w[(c0 + c) * sn + kk * sk];
        }
    }
}

static size_t ceil_div(size_t a, size_t b)
{
    return (a + b - 1) / b;
}

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

void oc_gemm_split_init(oc_gemm_split *s, size_t mr, size_t nr, size_t panel_bytes, size_t m,
                        size_t n, double work, size_t max_tasks)
{
    memset(s, 0, sizeof *s);
    if (m == 0 || n == 0) return;
    if (max_tasks == 0) max_tasks = DEFAULT_MAX_TASKS;
    s->mpanels = ceil_div(m, mr);
    s->npanels = ceil_div(n, nr);
    size_t want = work / MIN_TASK_MACS < (double)max_tasks ? (size_t)(work / MIN_TASK_MACS)
                                                           : max_tasks;
    if (want < 1) want = 1;

    if (m == 1) { /* GEMV: split the columns */
        size_t t = min_sz(want, s->npanels);
        s->n_per_task = ceil_div(s->npanels, t);
        s->ntasks_n = ceil_div(s->npanels, s->n_per_task);
        s->m_per_task = 1;
        s->mtasks = 1;
    } else {
        /* Column groups small enough for their packed B to stay in L2. */
        size_t per_group = B_L2_BUDGET / (panel_bytes ? panel_bytes : 1);
        if (per_group < 1) per_group = 1;
        size_t groups = ceil_div(s->npanels, per_group);
        if (groups > max_tasks) groups = max_tasks;
        s->n_per_task = ceil_div(s->npanels, groups);
        s->ntasks_n = ceil_div(s->npanels, s->n_per_task);
        size_t mt = ceil_div(want, s->ntasks_n);
        if (mt * s->ntasks_n > max_tasks) mt = max_tasks / s->ntasks_n;
        if (mt < 1) mt = 1;
        if (mt > s->mpanels) mt = s->mpanels;
        /* Few row panels but many threads wanted: split the columns further. */
        if (mt * s->ntasks_n < want && s->ntasks_n < s->npanels) {
            size_t nt = min_sz(s->npanels, want / mt ? want / mt : 1);
            if (nt > s->ntasks_n) {
                s->n_per_task = ceil_div(s->npanels, nt);
                s->ntasks_n = ceil_div(s->npanels, s->n_per_task);
            }
        }
        s->m_per_task = ceil_div(s->mpanels, mt);
        s->mtasks = ceil_div(s->mpanels, s->m_per_task);
    }
    s->ntasks = s->mtasks * s->ntasks_n;
}

void oc_sgemm_plan_init(oc_sgemm_plan *p, const oc_sgemm_kernel *kr, size_t m, size_t n, size_t k,
                        bool a_scratch, size_t max_tasks)
{
    memset(p, 0, sizeof *p);
    p->kr = kr;
    p->m = m;
    p->n = n;
    p->k = k;
    if (m == 0 || n == 0) return;
    size_t mr = (size_t)kr->mr, nr = (size_t)kr->nr;
    oc_gemm_split s;
    oc_gemm_split_init(&s, mr, nr, (k + 1) * nr * sizeof(float), m, n,
                       (double)m * (double)n * (double)(k ? k : 1), max_tasks);
    p->mpanels = s.mpanels;
    p->npanels = s.npanels;
    p->m_per_task = s.m_per_task;
    p->n_per_task = s.n_per_task;
    p->mtasks = s.mtasks;
    p->ntasks_n = s.ntasks_n;
    p->ntasks = s.ntasks;
    if (a_scratch) p->scratch_per_task = mr * (k ? k : 1) + 16; /* +16: keep slots 64B apart */
}

size_t oc_sgemm_plan_scratch(const oc_sgemm_plan *p)
{
    return p->ntasks * p->scratch_per_task;
}

typedef struct run_ctx {
    const oc_sgemm_plan *p;
    const oc_sgemm_args *a;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *r = arg;
    const oc_sgemm_plan *p = r->p;
    const oc_sgemm_args *a = r->a;
    const oc_sgemm_kernel *kr = p->kr;
    size_t mr = (size_t)kr->mr, nr = (size_t)kr->nr, k = p->k;
    size_t mt = t / p->ntasks_n, nt = t % p->ntasks_n;
    size_t mp0 = mt * p->m_per_task, mp1 = min_sz(p->mpanels, mp0 + p->m_per_task);
    size_t np0 = nt * p->n_per_task, np1 = min_sz(p->npanels, np0 + p->n_per_task);
    size_t pstride = (k + 1) * nr;
    float *scratch = a->scratch ? a->scratch + t * p->scratch_per_task : NULL;

    for (size_t i = mp0; i < mp1; i++) {
        size_t m0 = i * mr, mm = min_sz(mr, p->m - m0);
        oc_sgemm_a av;
        if (a->a) {
            av.a = a->a + m0 * a->lda;
            av.lda = a->lda;
            av.off = NULL;
        } else {
            av.panel = i;
            a->get_a(a->a_arg, m0, mm, scratch, &av);
        }
        float *crow = a->c + m0 * a->ldc;
        for (size_t j = np0; j < np1; j++) {
            size_t n0 = j * nr, nn = min_sz(nr, p->n - n0);
            const float *pb = a->packed + j * pstride;
            if (av.off) {
                if (p->m == 1)
                    kr->gemv_ind(k, av.rows[0], av.off, pb, crow + n0, nn, a->lo, a->hi);
                else
                    kr->gemm_ind(k, av.rows, av.off, pb, crow + n0, a->ldc, mm, nn, a->lo, a->hi);
            } else if (p->m == 1) {
                kr->gemv(k, av.a, pb, crow + n0, nn, a->lo, a->hi);
            } else {
                kr->gemm(k, av.a, av.lda, pb, crow + n0, a->ldc, mm, nn, a->lo, a->hi);
            }
        }
    }
}

void oc_sgemm_run(const oc_sgemm_plan *p, const oc_sgemm_args *args, oc_threadpool *pool)
{
    run_ctx r = {p, args};
    if (!oc_kernels_parallel_ok((double)p->m * (double)p->n * (double)p->k, OC_PAR_MIN_GEMM_MACS))
        pool = NULL;
    oc_parallel_for(pool, p->ntasks, run_task, &r);
}
