/* First-layer 8-bit convolution: plan, packing and task split (see qconv_first.h). */
#include "kernels/qconv_first.h"

#include <string.h>

#include "kernels/isa.h"

int oc_qfirst_depth(size_t g, size_t j)
{
    if (g < 6) return (int)((g / 2) * 9 + (g % 2) * 4 + j); /* bytes 0-3, 4-7 of row g/2 */
    static const int last[4] = {8, 26, 17, -1}; /* byte 8 of rows 0, 2, 1 (see the kernel) */
    return last[j];
}

bool oc_qfirst_plan_init(oc_qfirst_plan *p, const oc_conv_geom *g, const oc_qconv_q *q, oc_qisa isa)
{
    memset(p, 0, sizeof *p);
    if (isa != OC_QISA_AVX512VNNI || !oc_qfirst_rows_avx512vnni(p, q)) return false;
    /* the fast fp32 epilogue only: every other rule would triple the kernel's variants */
    if (q->ep.mode != OC_QREQ_FP32 || !q->ep.fast) return false;
    if (g->kh != 3 || g->kw != 3 || g->ic != 3 || g->sw != 2 || g->dh != 1 || g->dw != 1 ||
        g->sh < 1 || (g->oc != 8 && g->oc != 16))
        return false;
    if (g->n < 1 || g->oh < 1 || g->ow < 1) return false;
    p->g = *g;
    p->rowbytes = (size_t)g->iw * 3;
    double in = (double)g->n * g->ih * (double)p->rowbytes;
    if (in >= (double)(1u << 31)) return false;
    p->inbytes = (size_t)in;
    size_t rows = (size_t)g->n * (size_t)g->oh;
    p->rows_per_task = rows < 16 ? 1 : (rows + 15) / 16;
    p->tasks = (rows + p->rows_per_task - 1) / p->rows_per_task;
    return true;
}

size_t oc_qfirst_packed_bytes(const oc_qfirst_plan *p)
{
    (void)p;
    return sizeof(oc_qfirst_packed);
}

void oc_qfirst_pack(const oc_qfirst_plan *p, const void *w, const oc_qconv_q *q, void *dst)
{
    oc_qfirst_packed *pk = dst;
    memset(pk, 0, sizeof *pk);
    const size_t oc = (size_t)p->g.oc, k = 27;
    const uint8_t *wu = w;
    const int8_t *ws = w;
#define WV(c, d) (q->w_u8 ? (int32_t)wu[(c)*k + (d)] : (int32_t)ws[(c)*k + (d)])
    /* B = w - xb: the zero point itself when every difference fits int8 (no row term) */
    int32_t xb = q->zw;
    for (size_t c = 0; c < oc; c++)
        for (size_t d = 0; d < k; d++)
            if (WV(c, d) - q->zw < -128 || WV(c, d) - q->zw > 127) xb = q->w_u8 ? 128 : 0;
    const int32_t eb = xb - q->zw, ea = (q->act_i8 ? 128 : 0) + q->za;
    pk->eb = eb;
    for (size_t c = 0; c < oc; c++) {
        int64_t sum_b = 0;
        for (size_t d = 0; d < 4 * OC_QFIRST_G; d++) {
            int dep = oc_qfirst_depth(d / 4, d % 4);
            if (dep < 0) continue;
            int32_t b = WV(c, (size_t)dep) - xb;
            sum_b += b;
            pk->w[d / 4][c] |= (uint32_t)(uint8_t)(int8_t)b << (8 * (d % 4));
        }
        int64_t bias = q->bias ? ((const int32_t *)q->bias)[c] : 0;
        int64_t col = bias - (int64_t)ea * sum_b - (int64_t)k * ea * eb;
        pk->col[c] = (int32_t)(uint32_t)(uint64_t)col; /* int32 wraps */
        int32_t sh = q->shift[c], lsh = sh > 0 ? sh : 0, rsh = sh > 0 ? 0 : -sh;
        pk->mult[c] = q->mult[c];
        pk->lsh[c] = lsh;
        pk->rsh[c] = rsh;
        pk->rmask[c] = (int32_t)(((uint32_t)1 << rsh) - 1u);
        pk->scale[c] = q->scale[c];
    }
#undef WV
}

typedef struct run_ctx {
    const oc_qfirst_plan *p;
    const uint8_t *in;
    const oc_qfirst_packed *pk;
    const oc_qconv_q *q;
    uint8_t *out;
    oc_qfirst_rows_fn fn;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *c = arg;
    size_t rows = (size_t)c->p->g.n * (size_t)c->p->g.oh;
    size_t r0 = t * c->p->rows_per_task, r1 = r0 + c->p->rows_per_task;
    c->fn(c->p, c->in, c->pk, c->q, c->out, r0, r1 < rows ? r1 : rows);
}

void oc_qfirst_run(const oc_qfirst_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                   void *out, oc_threadpool *pool)
{
    run_ctx c = {p, in, packed, q, out, oc_qfirst_rows_avx512vnni(p, q)};
    double macs = (double)p->g.n * p->g.oh * p->g.ow * p->g.oc * 27.0;
    oc_parallel_for(oc_kernels_parallel_ok(macs, OC_PAR_MIN_DIRECT_MACS) ? pool : NULL, p->tasks,
                    run_task, &c);
}
