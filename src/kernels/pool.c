/* Pooling: task split over output rows and the portable row kernel. */
#include "kernels/pool.h"

#include <float.h>

#define POOL_MAX_TASKS 32
#define POOL_MIN_TASK_OPS ((size_t)1 << 15)

typedef struct run_ctx {
    oc_pool_rows_fn fn;
    oc_pool_kind kind;
    const oc_pool_geom *g;
    const float *in;
    float *out;
    float lo, hi;
    size_t rows, per_task;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *r = arg;
    size_t r0 = t * r->per_task, r1 = r0 + r->per_task;
    if (r1 > r->rows) r1 = r->rows;
    r->fn(r->kind, r->g, r->in, r->out, r0, r1, r->lo, r->hi);
}

void oc_pool_run(oc_isa isa, oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out,
                 float lo, float hi, oc_threadpool *pool)
{
    oc_pool_rows_fn fn = oc_pool_rows_c;
    if (isa == OC_ISA_AVX512 && oc_pool_rows_avx512())
        fn = oc_pool_rows_avx512();
    else if (isa >= OC_ISA_AVX2 && oc_pool_rows_avx2())
        fn = oc_pool_rows_avx2();
    size_t rows = (size_t)g->n * (size_t)g->oh;
    double ops = (double)rows * g->ow * g->c * g->kh * g->kw;
    size_t want = ops / POOL_MIN_TASK_OPS < POOL_MAX_TASKS ? (size_t)(ops / POOL_MIN_TASK_OPS)
                                                           : POOL_MAX_TASKS;
    if (want < 1) want = 1;
    if (want > rows) want = rows;
    if (rows == 0) return;
    size_t per = (rows + want - 1) / want;
    run_ctx r = {fn, kind, g, in, out, lo, hi, rows, per};
    if (!oc_kernels_parallel_ok(ops, OC_PAR_MIN_DIRECT_MACS)) pool = NULL;
    oc_parallel_for(pool, (rows + per - 1) / per, run_task, &r);
}

void oc_pool_rows_c(oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out,
                    size_t row0, size_t row1, float lo, float hi)
{
    const size_t C = (size_t)g->c;
    for (size_t row = row0; row < row1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh), ky0, ky1;
        oc_pool_window(oy, g->sh, g->pt, g->kh, g->ih, &ky0, &ky1);
        const float *img = in + b * (size_t)g->ih * (size_t)g->iw * C;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_pool_window(ox, g->sw, g->pl, g->kw, g->iw, &kx0, &kx1);
            float *o = out + (row * (size_t)g->ow + (size_t)ox) * C;
            const float count = (float)((ky1 - ky0) * (kx1 - kx0));
            for (size_t c = 0; c < C; c++) {
                float acc = kind == OC_POOL_MAX ? -FLT_MAX : 0.f;
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky;
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx;
                        float x = img[((size_t)iy * (size_t)g->iw + (size_t)ix) * C + c];
                        if (kind == OC_POOL_MAX)
                            acc = x > acc ? x : acc;
                        else
                            acc += x;
                    }
                }
                if (kind == OC_POOL_AVG) acc = acc / count;
                acc = acc < lo ? lo : acc;
                o[c] = acc > hi ? hi : acc;
            }
        }
    }
}
