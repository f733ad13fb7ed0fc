/* Quantized depthwise convolution: planning, packing, task split and the portable row
 * kernel (any depth multiplier). See qdwconv.h. */
#include "kernels/qdwconv.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define QDW_MAX_TASKS 32
#define QDW_MIN_TASK_MACS ((size_t)1 << 16)

void oc_qdw_plan_free(oc_qdw_plan *p)
{
    free(p->zrow);
    p->zrow = NULL;
}

bool oc_qdw_plan_init(oc_qdw_plan *p, const oc_dw_geom *g, oc_qisa isa, bool act_i8, int32_t za,
                      const oc_qgemm_ep *ep)
{
    memset(p, 0, sizeof *p);
    p->g = *g;
    p->act_i8 = act_i8;
    p->za = za;
    p->ep = *ep;
    p->isa = g->dm == 1 ? isa : OC_QISA_C;
    if (p->isa >= OC_QISA_AVX512VNNI && !oc_qdw_rows_avx512vnni()) p->isa = OC_QISA_AVX2;
    if (p->isa >= OC_QISA_AVX2 && p->isa < OC_QISA_AVX512VNNI) p->isa = OC_QISA_AVX2;
    if (p->isa == OC_QISA_AVX2 && !oc_qdw_rows_avx2()) p->isa = OC_QISA_C;
    p->cpad = ((size_t)g->oc + 15) / 16 * 16;
    p->rows = (size_t)g->n * (size_t)g->oh;
    double macs = (double)p->rows * g->ow * g->oc * g->kh * g->kw;
    size_t want = macs / QDW_MIN_TASK_MACS < QDW_MAX_TASKS ? (size_t)(macs / QDW_MIN_TASK_MACS)
                                                           : QDW_MAX_TASKS;
    if (want < 1) want = 1;
    if (want > p->rows) want = p->rows ? p->rows : 1;
    p->rows_per_task = p->rows ? (p->rows + want - 1) / want : 0;
    p->ntasks = p->rows_per_task ? (p->rows + p->rows_per_task - 1) / p->rows_per_task : 0;
    if (p->isa != OC_QISA_C) {
        size_t n;
        if (!oc_mul_size((size_t)g->iw, (size_t)g->oc, &n) || !oc_add_size(n, 64, &n)) return false;
        p->zrow = malloc(n);
        if (!p->zrow) return false;
        memset(p->zrow, (uint8_t)za, n);
    }
    return true;
}

/* 64-channel chunks of the 3x3 VNNI block (one, repeating the channels, below 64). */
static size_t qdw3_chunks(size_t c)
{
    return (c + 63) / 64;
}

size_t oc_qdw_packed_words(const oc_qdw_plan *p)
{
    size_t taps = (size_t)p->g.kh * (size_t)p->g.kw, n, n3;
    if (!oc_add_size(taps, OC_QDW_W, &n) || !oc_mul_size(n, p->cpad, &n) ||
        !oc_mul_size(qdw3_chunks((size_t)p->g.oc), OC_QDW3_CHUNK, &n3) ||
        !oc_add_size(n, n3, &n) || !oc_add_size(n, OC_QDW3_HDR + 16, &n))
        return 0;
    return n;
}

void oc_qdw_pack(const oc_qdw_plan *p, const void *w, bool w_u8, int32_t zw, const int32_t *bias,
                 const int32_t *mult, const int32_t *shift, const float *scale, int32_t *dst)
{
    const size_t taps = (size_t)p->g.kh * (size_t)p->g.kw, oc = (size_t)p->g.oc, cp = p->cpad;
    memset(dst, 0, oc_qdw_packed_words(p) * sizeof *dst);
    for (size_t c = 0; c < oc; c++) {
        int64_t sum = 0;
        for (size_t t = 0; t < taps; t++) {
            size_t i = t * oc + c;
            int32_t v = (w_u8 ? (int32_t)((const uint8_t *)w)[i] : ((const int8_t *)w)[i]) - zw;
            sum += v;
            dst[(OC_QDW_W + t) * cp + c] = (int32_t)(uint16_t)(int16_t)v; /* low half only */
        }
        int32_t b = bias ? bias[c] : 0;
        dst[OC_QDW_TERM * cp + c] = (int32_t)(uint32_t)(uint64_t)(b - (int64_t)p->za * sum);
        dst[OC_QDW_BIAS * cp + c] = b;
        int32_t sh = shift[c], lsh = sh > 0 ? sh : 0, rsh = sh > 0 ? 0 : -sh;
        dst[OC_QDW_MULT * cp + c] = mult[c];
        dst[OC_QDW_LSH * cp + c] = lsh;
        dst[OC_QDW_RSH * cp + c] = rsh;
        dst[OC_QDW_RMASK * cp + c] = (int32_t)(((uint32_t)1 << rsh) - 1u);
        memcpy(&dst[OC_QDW_SCALE * cp + c], &scale[c], sizeof(float));
    }
    /* the 3x3 VNNI kernel: a filter column's 3 taps per dword of int8 (byte 3 zero). When
     * some w - zw is not an int8 (uint8 weights with a large zero point: [-255, 255]), it is
     * split as v1 + v2 with v1 = clamp(v, -128, 127) and a second weight set v2, in
     * [-128, 127] for v in [-256, 254]: two vpdpbusd per filter column, still exact (wrapping
     * int32 sums). mobilenet_v1 uint8 needs the second set for 1 to 4 channels per layer. */
    const oc_dw_geom *g = &p->g;
    const size_t C = (size_t)g->oc;
    bool fast = p->isa == OC_QISA_AVX512VNNI && oc_qdw_rows_avx512vnni3() && g->kh == 3 &&
                g->kw == 3 && g->dh == 1 && g->dw == 1 && g->ow > 0 &&
                (((C >= 64 || C == 8 || C == 16 || C == 32) && (g->sw == 1 || g->sw == 2)) ||
                 (C == 4 && g->sw == 1));
    bool split = false;
    for (size_t i = 0; fast && i < taps * oc; i++) {
        int32_t v = (w_u8 ? (int32_t)((const uint8_t *)w)[i] : ((const int8_t *)w)[i]) - zw;
        fast = v >= -256 && v <= 254;
        split |= v < -128 || v > 127;
    }
    if (!fast) return;
    int32_t *blk = dst + (OC_QDW_W + taps) * cp;
    blk[0] = 1;     /* the flag */
    blk[1] = split; /* the second weight set is used */
    const int32_t zab = p->act_i8 ? p->za + 128 : p->za; /* za on the unsigned scale */
    for (size_t ch = 0; ch < qdw3_chunks(C); ch++) {
        int32_t *d = blk + OC_QDW3_HDR + ch * OC_QDW3_CHUNK;
        for (size_t j = 0; j < 64; j++) { /* byte j of the chunk's 64 */
            const size_t pos = OC_QDW3_POS(j), c = C < 64 ? j % C : ch * 64 + j;
            if (c >= C) continue;
            int64_t sum = 0;
            for (size_t kx = 0; kx < 3; kx++) { /* a dword holds a filter column */
                uint32_t word = 0, word2 = 0;
                for (size_t ky = 0; ky < 3; ky++) {
                    size_t i = (ky * 3 + kx) * oc + c;
                    int32_t v =
                        (w_u8 ? (int32_t)((const uint8_t *)w)[i] : ((const int8_t *)w)[i]) - zw;
                    int32_t v1 = v < -128 ? -128 : v > 127 ? 127 : v;
                    sum += v;
                    word |= (uint32_t)(uint8_t)(int8_t)v1 << (8 * ky);
                    word2 |= (uint32_t)(uint8_t)(int8_t)(v - v1) << (8 * ky);
                }
                d[OC_QDW3_W + kx * 64 + pos] = (int32_t)word;
                d[OC_QDW3_WB + kx * 64 + pos] = (int32_t)word2;
            }
            int32_t bs = bias ? bias[c] : 0;
            d[OC_QDW3_TERM + pos] = (int32_t)(uint32_t)(uint64_t)(bs - (int64_t)zab * sum);
            static const int hdr[5] = {OC_QDW_SCALE, OC_QDW_MULT, OC_QDW_LSH, OC_QDW_RSH,
                                       OC_QDW_RMASK};
            for (size_t h = 0; h < 5; h++)
                d[OC_QDW3_SCALE + h * 64 + pos] = dst[(size_t)hdr[h] * cp + c];
        }
    }
}

typedef struct run_ctx {
    const oc_qdw_plan *p;
    oc_qdw_rows_fn fn;
    const uint8_t *in;
    const int32_t *packed;
    uint8_t *out;
} run_ctx;

static void run_task(void *arg, size_t t)
{
    const run_ctx *r = arg;
    size_t r0 = t * r->p->rows_per_task, r1 = r0 + r->p->rows_per_task;
    if (r1 > r->p->rows) r1 = r->p->rows;
    r->fn(r->p, r->in, r->packed, r->out, r0, r1);
}

void oc_qdw_run(const oc_qdw_plan *p, const void *in, const int32_t *packed, void *out,
                oc_threadpool *pool)
{
    oc_qdw_rows_fn fn = oc_qdw_rows_c;
    if (p->isa == OC_QISA_AVX512VNNI) {
        size_t taps = (size_t)p->g.kh * (size_t)p->g.kw;
        fn = packed[(OC_QDW_W + taps) * p->cpad] ? oc_qdw_rows_avx512vnni3()
                                                       : oc_qdw_rows_avx512vnni();
    }
    if (p->isa == OC_QISA_AVX2) fn = oc_qdw_rows_avx2();
    run_ctx r = {p, fn, in, packed, out};
    double macs = (double)p->rows * p->g.ow * p->g.oc * p->g.kh * p->g.kw;
    if (!oc_kernels_parallel_ok(macs / 4, OC_PAR_MIN_DIRECT_MACS)) pool = NULL;
    oc_parallel_for(pool, p->ntasks, run_task, &r);
}

/* (a - za)(w - zw) over the valid taps only, from the raw bias. */
void oc_qdw_rows_c(const oc_qdw_plan *p, const uint8_t *in, const int32_t *packed, uint8_t *out,
                   size_t row0, size_t row1)
{
    const oc_dw_geom *g = &p->g;
    const size_t cp = p->cpad;
    const uint8_t flip = p->act_i8 ? 0x80 : 0;
    const int32_t zab = p->act_i8 ? p->za + 128 : p->za; /* za on the biased scale */
    for (size_t row = row0; row < row1; row++) {
        int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        int32_t ky0, ky1;
        oc_dw_tap_range(oy, g->sh, g->pt, g->dh, g->kh, g->ih, &ky0, &ky1);
        const uint8_t *img = in + (size_t)b * g->ih * g->iw * g->ic;
        uint8_t *orow = out + row * (size_t)g->ow * g->oc;
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_dw_tap_range(ox, g->sw, g->pl, g->dw, g->kw, g->iw, &kx0, &kx1);
            for (int32_t c = 0; c < g->oc; c++) {
                uint32_t acc = (uint32_t)packed[OC_QDW_BIAS * cp + (size_t)c];
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky * g->dh;
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx * g->dw;
                        int32_t a =
                            (uint8_t)(img[((size_t)iy * g->iw + ix) * g->ic + c / g->dm] ^ flip) -
                            zab;
                        int32_t w = (int16_t)
                            packed[(OC_QDW_W + (size_t)(ky * g->kw + kx)) * cp + (size_t)c];
                        acc += (uint32_t)(a * w);
                    }
                }
                const int32_t *h = packed + (size_t)c;
                float scale;
                memcpy(&scale, h + OC_QDW_SCALE * cp, sizeof scale);
                int32_t v =
                    oc_qgemm_requant((int32_t)acc, h[OC_QDW_MULT * cp],
                                     h[OC_QDW_LSH * cp] - h[OC_QDW_RSH * cp], scale, &p->ep);
                orow[(size_t)ox * g->oc + (size_t)c] = (uint8_t)v;
            }
        }
    }
}
