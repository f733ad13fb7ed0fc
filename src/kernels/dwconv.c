/* Depthwise convolution: planning, weight packing, task split and the portable row kernel. */
#include "kernels/dwconv.h"

#include <string.h>

#include "core/mem.h"

#define DW_MAX_TASKS 32
#define DW_MIN_TASK_MACS ((size_t)1 << 15)

void oc_dw_plan_init(oc_dw_plan *p, const oc_dw_geom *g, oc_isa isa)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    p->isa = g->dm == 1 ? isa : OC_ISA_C;
    if (p->isa == OC_ISA_AVX512 && !oc_dw_rows_avx512()) p->isa = OC_ISA_AVX2;
    if (p->isa == OC_ISA_AVX2 && !oc_dw_rows_avx2()) p->isa = OC_ISA_C;
    p->cpad = ((size_t)g->oc + 15) / 16 * 16;
    p->rows = (size_t)g->n * (size_t)g->oh;
    double macs = (double)p->rows * g->ow * g->oc * g->kh * g->kw;
    size_t want =
        macs / DW_MIN_TASK_MACS < DW_MAX_TASKS ? (size_t)(macs / DW_MIN_TASK_MACS) : DW_MAX_TASKS;
    if (want < 1) want = 1;
    if (want > p->rows) want = p->rows ? p->rows : 1;
    p->rows_per_task = p->rows ? (p->rows + want - 1) / want : 0;
    p->ntasks = p->rows_per_task ? (p->rows + p->rows_per_task - 1) / p->rows_per_task : 0;
}

size_t oc_dw_packed_floats(const oc_dw_plan *p)
{
    size_t taps = (size_t)p->g.kh * (size_t)p->g.kw, n;
    if (!oc_add_size(taps, 1, &n) || !oc_mul_size(n, p->cpad, &n)) return 0;
    return n;
}

void oc_dw_pack(const oc_dw_plan *p, const float *w, const float *bias, float *dst)
{
    size_t taps = (size_t)p->g.kh * (size_t)p->g.kw, oc = (size_t)p->g.oc;
    memset(dst, 0, oc_dw_packed_floats(p) * sizeof(float));
    if (bias) memcpy(dst, bias, oc * sizeof(float));
    for (size_t t = 0; t < taps; t++)
        memcpy(dst + (t + 1) * p->cpad, w + t * oc, oc * 4);
}

typedef struct run_ctx {
    const oc_dw_plan *p;
    oc_dw_rows_fn fn;
    const float *in, *packed;
    float *out;
    float lo, hi;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *r = arg;
    size_t r0 = t * r->p->rows_per_task, r1 = r0 + r->p->rows_per_task;
    if (r1 > r->p->rows) r1 = r->p->rows;
    r->fn(r->p, r->in, r->packed, r->out, r0, r1, r->lo, r->hi);
}

void oc_dw_run(const oc_dw_plan *p, const float *in, const float *packed, float *out, float lo,
               float hi, oc_threadpool *pool)
{
    oc_dw_rows_fn fn = oc_dw_rows_c;
    if (p->isa == OC_ISA_AVX512) fn = oc_dw_rows_avx512();
    if (p->isa == OC_ISA_AVX2) fn = oc_dw_rows_avx2();
    run_ctx r = {p, fn, in, packed, out, lo, hi};
    double macs = (double)p->rows * p->g.ow * p->g.oc * p->g.kh * p->g.kw;
    if (!oc_kernels_parallel_ok(macs, OC_PAR_MIN_DIRECT_MACS)) pool = NULL;
    oc_parallel_for(pool, p->ntasks, run_task, &r);
}

static inline float clampf(float x, float lo, float hi)
{
    x = x < lo ? lo : x;
    return x > hi ? hi : x;
}

void oc_dw_rows_c(const oc_dw_plan *p, const float *in, const float *packed, float *out,
                  size_t row0, size_t row1, float lo, float hi)
{
    const oc_dw_geom *g = &p->g;
    const size_t cpad = p->cpad;
    for (size_t row = row0; row < row1; row++) {
        int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        int32_t ky0, ky1;
        oc_dw_tap_range(oy, g->sh, g->pt, g->dh, g->kh, g->ih, &ky0, &ky1);
        const float *img = in + (size_t)b * g->ih * g->iw * g->ic;
        float *orow = out + row * (size_t)g->ow * g->oc;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_dw_tap_range(ox, g->sw, g->pl, g->dw, g->kw, g->iw, &kx0, &kx1);
            float *o = orow + (size_t)ox * g->oc;
            for (int32_t c = 0; c < g->oc; c++)
                o[c] = packed[c];
            for (int32_t ky = ky0; ky < ky1; ky++) {
                int32_t iy = oy * g->sh - g->pt + ky * g->dh;
                for (int32_t kx = kx0; kx < kx1; kx++) {
                    int32_t ix = ox * g->sw - g->pl + kx * g->dw;
                    const float *src = img + ((size_t)iy * g->iw + ix) * g->ic;
                    const float *w = packed + ((size_t)(ky * g->kw + kx) + 1) * cpad;
                    for (int32_t c = 0; c < g->oc; c++)
                        o[c] += src[c / g->dm] * w[c];
                }
            }
            for (int32_t c = 0; c < g->oc; c++)
                o[c] = clampf(o[c], lo, hi);
        }
    }
}
