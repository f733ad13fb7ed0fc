/* Packed 8-bit GEMM: path and kernel choice, B packing (weights, column terms and per-column
 * requantization), task split and the driver loop. Micro-kernels live in qgemm_c.c,
 * qgemm_avx2.c, qgemm_avxvnni.c and qgemm_avx512vnni.c. */
#include "kernels/qgemm.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define DEFAULT_MAX_TASKS 16

oc_qisa oc_qisa_best(const oc_cpu *cpu)
{
    if (!cpu) cpu = oc_cpu_get();
#if defined(__x86_64__) || defined(__i386__)
    if (cpu->avx512_vnni && cpu->avx512 && cpu->avx2_fma) return OC_QISA_AVX512VNNI;
    if (cpu->avx_vnni && cpu->avx2_fma) return OC_QISA_AVXVNNI;
    if (cpu->avx2_fma) return OC_QISA_AVX2;
#endif
    return OC_QISA_C;
}

const char *oc_qisa_name(oc_qisa isa)
{
    static const char *const names[] = {"c", "avx2", "avxvnni", "avx512vnni"};
    return (unsigned)isa < OC_QISA_COUNT ? names[isa] : "?";
}

static const oc_qgemm_kernel *table(oc_qisa isa, size_t *count)
{
    *count = 0;
    switch (isa) {
    case OC_QISA_AVX512VNNI: return oc_qgemm_kernels_avx512vnni(count);
    case OC_QISA_AVXVNNI: return oc_qgemm_kernels_avxvnni(count);
    case OC_QISA_AVX2: return oc_qgemm_kernels_avx2(count);
    default: return oc_qgemm_kernels_c(count);
    }
}

const oc_qgemm_kernel *oc_qgemm_kernel_select(oc_qisa isa, size_t n)
{
    size_t count = 0;
    const oc_qgemm_kernel *t = NULL;
    for (int i = (int)isa; i >= 0 && count == 0; i--)
        t = table((oc_qisa)i, &count);
    const oc_qgemm_kernel *best = &t[0];
    double best_cost = 0;
    for (size_t i = 0; i < count; i++) {
        size_t nr = (size_t)t[i].nr, padded = (n + nr - 1) / nr * nr;
        double cost = (double)(padded ? padded : nr) * 100.0 / t[i].eff;
        if (i == 0 || cost < best_cost) {
            best = &t[i];
            best_cost = cost;
        }
    }
    return best;
}

/* Bytes of one packed panel. */
static size_t panel_bytes(const oc_qgemm_kernel *kr, size_t kpad)
{
    size_t nr = (size_t)kr->nr, per_group = nr * (kr->layout == OC_QGEMM_I16 ? 8 : 4), b;
    if (!oc_mul_size(kpad / 4, per_group, &b) || !oc_add_size(b, OC_QGEMM_HDR * nr * 4, &b))
        return 0;
    return b;
}

size_t oc_qgemm_packed_bytes(const oc_qgemm_kernel *kr, size_t n, size_t kpad)
{
    size_t nr = (size_t)kr->nr, np = (n + nr - 1) / nr, per = panel_bytes(kr, kpad), total;
    if (!per || !oc_mul_size(per, np ? np : 1, &total)) return 0;
    return total;
}

static int32_t wval(const oc_qgemm_b *b, size_t j, size_t p)
{
    size_t i = j * b->sn + p * b->sk;
    return b->w_u8 ? (int32_t)((const uint8_t *)b->w)[i] - 128 : ((const int8_t *)b->w)[i];
}

void oc_qgemm_pack(const oc_qgemm_kernel *kr, const oc_qgemm_b *b, void *dst)
{
    const size_t nr = (size_t)kr->nr, np = (b->n + nr - 1) / nr, kg = b->kpad / 4;
    const size_t pbytes = panel_bytes(kr, b->kpad);
    const bool i16 = kr->layout == OC_QGEMM_I16;
    for (size_t jp = 0; jp < np; jp++) {
        uint8_t *panel = (uint8_t *)dst + jp * pbytes;
        memset(panel, 0, pbytes);
        int32_t *hdr = (int32_t *)(void *)panel;
        uint8_t *w8 = panel + OC_QGEMM_HDR * nr * 4;
        int16_t *w16 = (int16_t *)(void *)w8;
        const size_t c0 = jp * nr, nc = b->n - c0 < nr ? b->n - c0 : nr;
        for (size_t c = 0; c < nc; c++) {
            const size_t j = c0 + c;
            int64_t sum_b = 0;
            for (size_t p = 0; p < b->k; p++) {
                int32_t v = wval(b, j, p);
                size_t q = b->k_map ? (size_t)b->k_map[p] : p, g = q / 4, e = q % 4;
                sum_b += v;
                if (i16)
                    w16[(g * 2 + e / 2) * nr * 2 + c * 2 + e % 2] = (int16_t)v;
                else
                    w8[g * nr * 4 + c * 4 + e] = (uint8_t)(int8_t)v;
            }
            int64_t bias = b->bias ? ((const int32_t *)b->bias)[j] : 0;
            int64_t col = bias - (int64_t)b->ea * sum_b - (int64_t)b->k * b->ea * b->eb;
            hdr[OC_QH_COL * nr + c] = (int32_t)(uint32_t)(uint64_t)col; /* int32 wraps */
            int32_t sh = b->shift[j], lsh = sh > 0 ? sh : 0, rsh = sh > 0 ? 0 : -sh;
            hdr[OC_QH_MULT * nr + c] = b->mult[j];
            hdr[OC_QH_LSH * nr + c] = lsh;
            hdr[OC_QH_RSH * nr + c] = rsh;
            hdr[OC_QH_RMASK * nr + c] = (int32_t)(((uint32_t)1 << rsh) - 1u);
            memcpy(&hdr[OC_QH_SCALE * nr + c], &b->scale[j], sizeof(float));
        }
        if (b->rs_col && jp == 0 && b->n < nr) { /* row terms: eb * sum A' */
            const size_t c = b->n;
            for (size_t p = 0; p < b->k; p++) {
                size_t q = b->k_map ? (size_t)b->k_map[p] : p, g = q / 4, e = q % 4;
                if (i16)
                    w16[(g * 2 + e / 2) * nr * 2 + c * 2 + e % 2] = (int16_t)b->eb;
                else
                    w8[g * nr * 4 + c * 4 + e] = (uint8_t)(int8_t)b->eb;
            }
        }
        (void)kg;
    }
}

void oc_qgemm_plan_init(oc_qgemm_plan *p, const oc_qgemm_kernel *kr, size_t m, size_t n,
                        size_t kpad, bool a_scratch, size_t max_tasks)
{
    memset(p, 0, sizeof *p);
    p->kr = kr;
    p->m = m;
    p->n = n;
    p->kpad = kpad;
    p->kg = kpad / 4;
    if (m == 0 || n == 0) return;
    /* an int8 multiply-add costs about a quarter of a float one */
    double work = (double)m * (double)n * (double)(kpad ? kpad : 4) / 4;
    oc_gemm_split_init(&p->split, (size_t)kr->mr, (size_t)kr->nr, panel_bytes(kr, kpad), m, n, work,
                       max_tasks ? max_tasks : DEFAULT_MAX_TASKS);
    if (a_scratch)
        p->scratch_per_task =
            ((size_t)kr->mr * (kpad ? kpad : 4) + (size_t)kr->mr * 4 + 64 + 63) / 64 * 64;
}

size_t oc_qgemm_plan_scratch(const oc_qgemm_plan *p)
{
    return p->split.ntasks * p->scratch_per_task;
}

int32_t *oc_qgemm_plain_offsets(size_t kg)
{
    int32_t *off = malloc((kg ? kg : 1) * sizeof *off);
    if (!off) return NULL;
    for (size_t g = 0; g < kg; g++)
        off[g] = (int32_t)(4 * g);
    return off;
}

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

typedef struct run_ctx {
    const oc_qgemm_plan *p;
    const oc_qgemm_args *a;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *r = arg;
    const oc_qgemm_plan *p = r->p;
    const oc_gemm_split *s = &p->split;
    const oc_qgemm_args *a = r->a;
    const oc_qgemm_kernel *kr = p->kr;
    const size_t mr = (size_t)kr->mr, nr = (size_t)kr->nr;
    const size_t mt = t / s->ntasks_n, nt = t % s->ntasks_n;
    const size_t mp0 = mt * s->m_per_task, mp1 = min_sz(s->mpanels, mp0 + s->m_per_task);
    const size_t np0 = nt * s->n_per_task, np1 = min_sz(s->npanels, np0 + s->n_per_task);
    const size_t pstride = panel_bytes(kr, p->kpad);
    uint8_t *scratch = a->scratch ? a->scratch + t * p->scratch_per_task : NULL;
    const oc_qgemm_ukernel_fn fn = p->m == 1 ? kr->gemv : kr->gemm;

    if (a->a && kr->rows && p->m > 1) { /* plain A: the whole block in one call */
        const size_t m0 = mp0 * mr, m1 = min_sz(p->m, mp1 * mr), n0 = np0 * nr;
        if (m1 > m0 && np1 > np0)
            kr->rows(p->kg, a->a + m0 * a->lda, a->lda, a->off,
                     (const uint8_t *)a->packed + np0 * pstride, pstride, np1 - np0,
                     a->c + m0 * a->ldc + n0, a->ldc, m1 - m0, min_sz(p->n, np1 * nr) - n0,
                     a->rs ? a->rs + m0 : NULL, a->ep);
        return;
    }
    for (size_t i = mp0; i < mp1; i++) {
        const size_t m0 = i * mr, mm = min_sz(mr, p->m - m0);
        oc_qgemm_a av;
        av.rs = NULL;
        const uint8_t *const *rows = av.rows, *plain = NULL;
        if (a->a) { /* plain rows: the kernels form them from (a, lda) */
            plain = a->a + m0 * a->lda;
            rows = NULL;
            av.off = a->off;
        } else {
            av.panel = i;
            a->get_a(a->a_arg, m0, mm, scratch, &av);
        }
        uint8_t *crow = a->c + m0 * a->ldc;
        const int32_t *rs = av.rs ? av.rs : a->rs ? a->rs + m0 : NULL;
        for (size_t j = np0; j < np1; j++) {
            const size_t n0 = j * nr, nn = min_sz(nr, p->n - n0);
            fn(p->kg, rows, plain, a->lda, av.off, (const uint8_t *)a->packed + j * pstride,
               crow + n0, a->ldc, mm, nn, rs, a->ep);
        }
    }
}

void oc_qgemm_run(const oc_qgemm_plan *p, const oc_qgemm_args *args, oc_threadpool *pool)
{
    if (p->m == 0 || p->n == 0) return;
    run_ctx r = {p, args};
    double work = (double)p->m * (double)p->n * (double)p->kpad / 4;
    if (!oc_kernels_parallel_ok(work, OC_PAR_MIN_GEMM_MACS)) pool = NULL;
    oc_parallel_for(pool, p->split.ntasks, run_task, &r);
}
