/* Quantized reference kernels (see qref.h). Each loop nest is instantiated per element-type
 * combination (uint8 x uint8, int8 x int8, int16 x int8) so the loads are plain typed loads.
 * Sums are formed in int64 and truncated to int32 for the 32-bit rule: identical to TFLite's
 * int32 arithmetic whenever that does not overflow. */
#include "kernels/qref.h"

#include <string.h>

#define AI static inline __attribute__((always_inline))

AI int32_t ld(const oc_dtype t, const void *p, size_t i)
{
    switch (t) {
    case OC_U8: return ((const uint8_t *)p)[i];
    case OC_I8: return ((const int8_t *)p)[i];
    case OC_I16: return ((const int16_t *)p)[i];
    default: return 0;
    }
}

AI void st(const oc_dtype t, void *p, size_t i, int32_t v)
{
    switch (t) {
    case OC_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OC_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OC_I16: ((int16_t *)p)[i] = (int16_t)v; break;
    default: break;
    }
}

static int64_t bias_at(const oc_qreq *q, const void *bias, int32_t c)
{
    if (!bias) return 0;
    return q->bias_t == OC_I64 ? ((const int64_t *)bias)[c] : ((const int32_t *)bias)[c];
}

/* acc + bias, wrapping (an int64 bias near the type's limits is model data, not a bug of
 * ours); the 32-bit rule then keeps only the low 32 bits (TFLite's int32 accumulator). */
static int64_t finish(const oc_qreq *q, int64_t acc, int64_t bias)
{
    int64_t s = (int64_t)((uint64_t)acc + (uint64_t)bias);
    return q->acc64 ? s : (int64_t)(int32_t)(uint32_t)(uint64_t)s;
}

AI void conv_tpl(const oc_dtype IT, const oc_dtype WT, const oc_conv_geom *g, const oc_qreq *q,
                 const void *in, const void *w, const void *bias, void *out, size_t row0,
                 size_t row1)
{
    const int32_t izp = q->in_zp, wzp = q->w_zp;
    const size_t ic = (size_t)g->ic;
    for (size_t row = row0; row < row1; row++) {
        const size_t b = row / (size_t)g->oh;
        const int32_t oy = (int32_t)(row % (size_t)g->oh);
        for (int32_t ox = 0; ox < g->ow; ox++) {
            size_t o = (row * (size_t)g->ow + (size_t)ox) * (size_t)g->oc;
            for (int32_t c = 0; c < g->oc; c++) {
                int64_t acc = 0;
                for (int32_t ky = 0; ky < g->kh; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->ih) continue;
                    for (int32_t kx = 0; kx < g->kw; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx * g->dw;
                        if (ix < 0 || ix >= g->iw) continue;
                        size_t xi =
                            ((b * (size_t)g->ih + (size_t)iy) * (size_t)g->iw + (size_t)ix) * ic;
                        size_t wi = (((size_t)c * (size_t)g->kh + (size_t)ky) * (size_t)g->kw +
                                     (size_t)kx) *
                                    ic;
                        int64_t s = 0;
                        for (size_t i = 0; i < ic; i++)
                            s += (int64_t)(ld(IT, in, xi + i) - izp) * (ld(WT, w, wi + i) - wzp);
                        acc += s;
                    }
                }
                st(q->out_t, out, o + (size_t)c,
                   oc_qreq_apply(q, finish(q, acc, bias_at(q, bias, c)), c));
            }
        }
    }
}

void oc_qref_conv(const oc_conv_geom *g, const oc_qreq *q, const void *in, const void *w,
                  const void *bias, void *out, size_t row0, size_t row1)
{
    if (q->in_t == OC_U8)
        conv_tpl(OC_U8, OC_U8, g, q, in, w, bias, out, row0, row1);
    else if (q->in_t == OC_I8)
        conv_tpl(OC_I8, OC_I8, g, q, in, w, bias, out, row0, row1);
    else
        conv_tpl(OC_I16, OC_I8, g, q, in, w, bias, out, row0, row1);
}

AI void dw_tpl(const oc_dtype IT, const oc_dtype WT, const oc_dw_geom *g, const oc_qreq *q,
               const void *in, const void *w, const void *bias, void *out, size_t row0, size_t row1)
{
    const int32_t izp = q->in_zp, wzp = q->w_zp;
    for (size_t row = row0; row < row1; row++) {
        const size_t b = row / (size_t)g->oh;
        const int32_t oy = (int32_t)(row % (size_t)g->oh);
        for (int32_t ox = 0; ox < g->ow; ox++) {
            size_t o = (row * (size_t)g->ow + (size_t)ox) * (size_t)g->oc;
            for (int32_t c = 0; c < g->oc; c++) {
                int64_t acc = 0;
                for (int32_t ky = 0; ky < g->kh; ky++) {
                    int32_t iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->ih) continue;
                    for (int32_t kx = 0; kx < g->kw; kx++) {
                        int32_t ix = ox * g->sw - g->pl + kx * g->dw;
                        if (ix < 0 || ix >= g->iw) continue;
                        size_t xi =
                            ((b * (size_t)g->ih + (size_t)iy) * (size_t)g->iw + (size_t)ix) *
                                (size_t)g->ic +
                            (size_t)(c / g->dm);
                        size_t wi =
                            ((size_t)ky * (size_t)g->kw + (size_t)kx) * (size_t)g->oc + (size_t)c;
                        acc += (int64_t)(ld(IT, in, xi) - izp) * (ld(WT, w, wi) - wzp);
                    }
                }
                st(q->out_t, out, o + (size_t)c,
                   oc_qreq_apply(q, finish(q, acc, bias_at(q, bias, c)), c));
            }
        }
    }
}

void oc_qref_dwconv(const oc_dw_geom *g, const oc_qreq *q, const void *in, const void *w,
                    const void *bias, void *out, size_t row0, size_t row1)
{
    if (q->in_t == OC_U8)
        dw_tpl(OC_U8, OC_U8, g, q, in, w, bias, out, row0, row1);
    else if (q->in_t == OC_I8)
        dw_tpl(OC_I8, OC_I8, g, q, in, w, bias, out, row0, row1);
    else
        dw_tpl(OC_I16, OC_I8, g, q, in, w, bias, out, row0, row1);
}

/* Output (oy, ox) receives input (iy, ix) through tap (ky, kx) when
 * iy*sh - pt + ky = oy and ix*sw - pl + kx = ox. */
AI void tconv_tpl(const oc_dtype IT, const oc_dtype WT, const oc_conv_geom *g, const oc_qreq *q,
                  const void *in, const void *w, const void *bias, void *out, size_t row0,
                  size_t row1)
{
    const int32_t izp = q->in_zp, wzp = q->w_zp;
    const size_t ic = (size_t)g->ic;
    for (size_t row = row0; row < row1; row++) {
        const size_t b = row / (size_t)g->oh;
        const int32_t oy = (int32_t)(row % (size_t)g->oh);
        for (int32_t ox = 0; ox < g->ow; ox++) {
            size_t o = (row * (size_t)g->ow + (size_t)ox) * (size_t)g->oc;
            for (int32_t c = 0; c < g->oc; c++) {
                int64_t acc = 0;
                for (int32_t ky = 0; ky < g->kh; ky++) {
                    int32_t ty = oy + g->pt - ky;
                    if (ty < 0 || ty % g->sh) continue;
                    int32_t iy = ty / g->sh;
                    if (iy >= g->ih) continue;
                    for (int32_t kx = 0; kx < g->kw; kx++) {
                        int32_t tx = ox + g->pl - kx;
                        if (tx < 0 || tx % g->sw) continue;
                        int32_t ix = tx / g->sw;
                        if (ix >= g->iw) continue;
                        size_t xi =
                            ((b * (size_t)g->ih + (size_t)iy) * (size_t)g->iw + (size_t)ix) * ic;
                        size_t wi = (((size_t)c * (size_t)g->kh + (size_t)ky) * (size_t)g->kw +
                                     (size_t)kx) *
                                    ic;
                        for (size_t i = 0; i < ic; i++)
                            acc += (int64_t)(ld(IT, in, xi + i) - izp) * (ld(WT, w, wi + i) - wzp);
                    }
                }
                st(q->out_t, out, o + (size_t)c,
                   oc_qreq_apply(q, finish(q, acc, bias_at(q, bias, c)), c));
            }
        }
    }
}

void oc_qref_tconv(const oc_conv_geom *g, const oc_qreq *q, const void *in, const void *w,
                   const void *bias, void *out, size_t row0, size_t row1)
{
    if (q->in_t == OC_U8)
        tconv_tpl(OC_U8, OC_U8, g, q, in, w, bias, out, row0, row1);
    else if (q->in_t == OC_I8)
        tconv_tpl(OC_I8, OC_I8, g, q, in, w, bias, out, row0, row1);
    else
        tconv_tpl(OC_I16, OC_I8, g, q, in, w, bias, out, row0, row1);
}

AI void matmul_tpl(const oc_dtype T, const oc_qreq *q, size_t m, size_t n, size_t k, const void *a,
                   size_t a_rs, size_t a_ks, const void *b, size_t b_ks, size_t b_ns, void *out)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            int64_t acc = 0;
            for (size_t p = 0; p < k; p++)
                acc += (int64_t)(ld(T, a, i * a_rs + p * a_ks) - q->in_zp) *
                       (ld(T, b, p * b_ks + j * b_ns) - q->w_zp);
            st(q->out_t, out, i * n + j, oc_qreq_apply(q, finish(q, acc, 0), 0));
        }
}

void oc_qref_matmul(const oc_qreq *q, size_t m, size_t n, size_t k, const void *a, size_t a_rs,
                    size_t a_ks, const void *b, size_t b_ks, size_t b_ns, void *out)
{
    if (q->in_t == OC_U8)
        matmul_tpl(OC_U8, q, m, n, k, a, a_rs, a_ks, b, b_ks, b_ns, out);
    else if (q->in_t == OC_I8)
        matmul_tpl(OC_I8, q, m, n, k, a, a_rs, a_ks, b, b_ks, b_ns, out);
    else
        matmul_tpl(OC_I16, q, m, n, k, a, a_rs, a_ks, b, b_ks, b_ns, out);
}

/* Channels in chunks of PC: per output pixel the taps are accumulated into PC int32 lanes
 * (a loop the compiler vectorizes), then rounded / clamped. */
#define PC 64

AI void pool_tpl(const oc_dtype T, oc_pool_kind kind, const oc_pool_geom *g, const void *in,
                 void *out, int32_t lo, int32_t hi, size_t row0, size_t row1)
{
    const size_t C = (size_t)g->c;
    for (size_t row = row0; row < row1; row++) {
        size_t b = row / (size_t)g->oh;
        int32_t oy = (int32_t)(row % (size_t)g->oh), ky0, ky1;
        oc_pool_window(oy, g->sh, g->pt, g->kh, g->ih, &ky0, &ky1);
        for (int32_t ox = 0; ox < g->ow; ox++) {
            int32_t kx0, kx1;
            oc_pool_window(ox, g->sw, g->pl, g->kw, g->iw, &kx0, &kx1);
            size_t o = (row * (size_t)g->ow + (size_t)ox) * C;
            int32_t count = (ky1 - ky0) * (kx1 - kx0);
            for (size_t c0 = 0; c0 < C; c0 += PC) {
                const size_t nc = C - c0 < PC ? C - c0 : PC;
                int32_t acc[PC];
                for (size_t c = 0; c < PC; c++)
                    acc[c] = kind == OC_POOL_MAX ? INT32_MIN : 0;
                for (int32_t ky = ky0; ky < ky1; ky++) {
                    size_t iy = (size_t)(oy * g->sh - g->pt + ky);
                    for (int32_t kx = kx0; kx < kx1; kx++) {
                        size_t ix = (size_t)(ox * g->sw - g->pl + kx);
                        size_t base = ((b * (size_t)g->ih + iy) * (size_t)g->iw + ix) * C + c0;
                        if (kind == OC_POOL_MAX) {
                            for (size_t c = 0; c < nc; c++) {
                                int32_t x = ld(T, in, base + c);
                                acc[c] = x > acc[c] ? x : acc[c];
                            }
                        } else {
                            for (size_t c = 0; c < nc; c++)
                                acc[c] += ld(T, in, base + c);
                        }
                    }
                }
                for (size_t c = 0; c < nc; c++) {
                    int32_t v = acc[c];
                    /* an empty window (never produced by valid padding) gives 0 */
                    if (count == 0)
                        v = 0;
                    else if (kind == OC_POOL_AVG)
                        v = oc_qavg(v, count);
                    v = v < lo ? lo : v > hi ? hi : v;
                    st(T, out, o + c0 + c, v);
                }
            }
        }
    }
}

#undef PC

void oc_qref_pool(oc_pool_kind kind, const oc_pool_geom *g, oc_dtype t, const void *in, void *out,
                  int32_t lo, int32_t hi, size_t row0, size_t row1)
{
    if (t == OC_U8)
        pool_tpl(OC_U8, kind, g, in, out, lo, hi, row0, row1);
    else if (t == OC_I8)
        pool_tpl(OC_I8, kind, g, in, out, lo, hi, row0, row1);
    else
        pool_tpl(OC_I16, kind, g, in, out, lo, hi, row0, row1);
}
