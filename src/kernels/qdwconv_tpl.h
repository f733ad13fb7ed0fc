/* Quantized depthwise row kernel body (depth multiplier 1), shared by the vector ISA files.
 * The includer defines the vocabulary:
 *   V (int32 vector), VL (lanes), RQ / RQK (requantization constants, qreq_x86.h),
 *   x_load(I8, p)        VL activation bytes at p widened to int32 lanes (sign/zero-extended)
 *   x_load_n(I8, p, n)   the same for n < VL bytes (never reads past p + n)
 *   v_load(p)            VL int32 from packed words
 *   v_load_dup(p)        VL/2 int32 from packed words, in both halves
 *   v_set1(x), v_zero(), v_add(a, b)
 *   v_mac(acc, x, w)     acc + x * w, w an int16 in the low half of each lane
 *   rq_make(FP32, hdr, cp, cb, DUP), rqk_init(ep), rq_apply(FP32, x, q, k)
 *   st_bytes(dst, x, n)  low bytes of n <= VL lanes
 *   k_fast(k), rq_round(x, q), rq_pack4(y, k), st_pack4(dst, dstep, b): the packed fp32
 *                        epilogue of 4 full vectors (see qreq_x86.h), stored dstep apart
 * and gets `static void qdw_rows(...)` matching oc_qdw_rows_fn.
 *
 * Per output row and channel block: pixels whose window lies inside the image are computed
 * QDW_PX at a time with two accumulators each (a single 9-long chain of multiply-adds per
 * pixel would be latency-bound), weights in registers for 3x3. With half a vector of
 * channels and stride 1, one vector holds two neighbouring pixels (the weights duplicated).
 * Border pixels substitute the input zero point for the missing taps (it is folded into the
 * per-channel term, see qdwconv.h). */

#define QDW_PX 4

static inline __attribute__((always_inline)) V qdw_x(const bool I8, const uint8_t *p, size_t n)
{
    return n >= VL ? x_load(I8, p) : x_load_n(I8, p, n);
}

/* PX vectors of outputs whose window rows start at rowp[ky] + coff + i*vstep, stored at
 * dst + i*dstep. SW > 0 (constant stride, dilation 1, vstep = SW*cs): per filter row the
 * input columns the PX windows share are widened once and reused across taps and pixels. */
static inline __attribute__((always_inline)) void
qdw_block(const int KH, const int KW, const int SW, const int PX, const bool I8, const bool FP32,
          const uint8_t *const *rowp, ptrdiff_t coff, ptrdiff_t vstep, ptrdiff_t cs, const V *w,
          const int32_t *wm, size_t wcp, V term, const RQ *q, const RQK *k, uint8_t *dst,
          size_t dstep, size_t nc)
{
    V acc[QDW_PX][2];
#pragma GCC unroll 64
    for (int i = 0; i < PX; i++) {
        acc[i][0] = term;
        acc[i][1] = v_zero();
    }
    if (SW > 0) {
        enum { NCOL = (QDW_PX - 1) * 2 + 5 }; /* bound for SW <= 2, KW <= 5 */
        const int ncol = (PX - 1) * SW + KW;
        /* opaque to the optimizer: addresses are formed from the row pointers per block
         * instead of as one induction variable per load (which would not fit in registers) */
        __asm__("" : "+r"(coff));
#pragma GCC unroll 64
        for (int ky = 0; ky < KH; ky++) {
            const uint8_t *r = rowp[ky] + coff;
            V x[NCOL];
#pragma GCC unroll 64
            for (int j = 0; j < ncol; j++)
                x[j] = qdw_x(I8, r + j * cs, nc);
#pragma GCC unroll 64
            for (int kx = 0; kx < KW; kx++) {
                const int t = ky * KW + kx;
                const V wt = wm ? v_load(wm + (size_t)t * wcp) : w[t];
#pragma GCC unroll 64
                for (int i = 0; i < PX; i++)
                    acc[i][t & 1] = v_mac(acc[i][t & 1], x[i * SW + kx], wt);
            }
        }
    } else {
#pragma GCC unroll 64
        for (int ky = 0; ky < KH; ky++)
#pragma GCC unroll 64
            for (int kx = 0; kx < KW; kx++)
#pragma GCC unroll 64
                for (int i = 0; i < PX; i++) {
                    const int t = ky * KW + kx;
                    acc[i][t & 1] = v_mac(
                        acc[i][t & 1], qdw_x(I8, rowp[ky] + coff + i * vstep + kx * cs, nc), w[t]);
                }
    }
    if (FP32 && PX == 4 && k_fast(k) && nc == VL) { /* 4 vectors per saturating pack */
        V y[4];
#pragma GCC unroll 64
        for (int i = 0; i < 4; i++)
            y[i] = rq_round(v_add(acc[i][0], acc[i][1]), q);
        st_pack4(dst, dstep, rq_pack4(y, k));
        return;
    }
#pragma GCC unroll 64
    for (int i = 0; i < PX; i++)
        st_bytes(dst + (size_t)i * dstep, rq_apply(FP32, v_add(acc[i][0], acc[i][1]), q, k), nc);
}

/* n interior outputs (vectors) from window origin o, vstep apart. */
static inline __attribute__((always_inline)) void
qdw_run_sw(const int KH, const int KW, const int SW, const bool I8, const bool FP32,
           const uint8_t *const *rowp, ptrdiff_t coff, ptrdiff_t vstep, ptrdiff_t cs, int32_t n,
           const V *w, const int32_t *wm, size_t wcp, V term, const RQ *q, const RQK *k,
           uint8_t *dst, size_t dstep, size_t nc)
{
    int32_t i = 0;
    for (; i + QDW_PX <= n; i += QDW_PX)
        qdw_block(KH, KW, SW, QDW_PX, I8, FP32, rowp, coff + i * vstep, vstep, cs, w, wm, wcp, term,
                  q, k, dst + (size_t)i * dstep, dstep, nc);
    for (; i < n; i++)
        qdw_block(KH, KW, SW, 1, I8, FP32, rowp, coff + i * vstep, vstep, cs, w, wm, wcp, term, q,
                  k, dst + (size_t)i * dstep, dstep, nc);
}

static inline __attribute__((always_inline)) void
qdw_run(const int KH, const int KW, const bool I8, const bool FP32, int32_t sw, bool dil1,
        const uint8_t *const *rowp, ptrdiff_t coff, ptrdiff_t vstep, ptrdiff_t cs, int32_t n,
        const V *w, const int32_t *wm, size_t wcp, V term, const RQ *q, const RQK *k, uint8_t *dst,
        size_t dstep, size_t nc)
{
    /* strided runs read the weights from memory (no registers left for them) */
    if (dil1 && sw == 1 && vstep == cs)
        qdw_run_sw(KH, KW, 1, I8, FP32, rowp, coff, vstep, cs, n, w, wm, wcp, term, q, k, dst,
                   dstep, nc);
    else if (dil1 && sw == 2 && vstep == 2 * cs)
        qdw_run_sw(KH, KW, 2, I8, FP32, rowp, coff, vstep, cs, n, w, wm, wcp, term, q, k, dst,
                   dstep, nc);
    else
        qdw_run_sw(KH, KW, 0, I8, FP32, rowp, coff, vstep, cs, n, w, NULL, 0, term, q, k, dst,
                   dstep, nc);
}

static inline __attribute__((always_inline)) void qdw_tpl(const int KH, const int KW, const bool I8,
                                                          const bool FP32, const oc_qdw_plan *p,
                                                          const uint8_t *in, const int32_t *pk,
                                                          uint8_t *out, size_t row0, size_t row1)
{
    const oc_dw_geom *g = &p->g;
    const int32_t kh = g->kh, kw = g->kw, iw = g->iw, sw = g->sw, pl = g->pl;
    const size_t C = (size_t)g->oc, cp = p->cpad;
    const ptrdiff_t rs = (ptrdiff_t)g->dh * iw * (ptrdiff_t)C, cs = (ptrdiff_t)g->dw * (ptrdiff_t)C;
    const RQK k = rqk_init(&p->ep);
    const V zav = v_set1(p->za);
    /* interior columns [ox_a, ox_b): every tap inside the image */
    int32_t ox_a = (pl + sw - 1) / sw, span = (kw - 1) * g->dw;
    int32_t ox_b = iw - 1 - span + pl >= 0 ? (iw - 1 - span + pl) / sw + 1 : 0;
    if (ox_a > g->ow) ox_a = g->ow;
    if (ox_b > g->ow) ox_b = g->ow;
    if (ox_b < ox_a) ox_b = ox_a;
    /* two pixels per vector: half a vector of channels, neighbouring windows adjacent */
    const bool pair = KH && KW && 2 * C == VL && sw == 1;

    for (size_t row = row0; row < row1; row++) {
        const int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        int32_t ky0, ky1;
        oc_dw_tap_range(oy, g->sh, g->pt, g->dh, kh, g->ih, &ky0, &ky1);
        const bool full_rows = ky0 == 0 && ky1 == kh;
        const int32_t iy0 = oy * g->sh - g->pt;
        const uint8_t *img = in + (size_t)b * g->ih * iw * C;
        uint8_t *orow = out + row * (size_t)g->ow * C;
        for (size_t cb = 0; cb < C; cb += VL) {
            const size_t nc = C - cb < VL ? C - cb : VL;
            const int32_t *wmem = pk + OC_QDW_W * cp + cb;
            const V term = v_load(pk + OC_QDW_TERM * cp + cb);
            const RQ q = rq_make(FP32, pk, cp, cb, false);
            V w[25];
            if (KH && KW) {
#pragma GCC unroll 64
                for (int t = 0; t < KH * KW; t++)
                    w[t] = v_load(wmem + (size_t)t * cp);
            }
            /* window origin of column x: an offset from img (it may lie outside the image) */
#define QDW_ORG(x) (((ptrdiff_t)iy0 * iw + (ptrdiff_t)(x)*sw - pl) * (ptrdiff_t)C + (ptrdiff_t)cb)
            /* filter row ky of this output row: the image row, or (outside the image) a row
             * of zero points, so top and bottom rows run the interior code too */
            const uint8_t *rowp[5] = {0};
            if (KH && KW) {
#pragma GCC unroll 64
                for (int ky = 0; ky < KH; ky++) {
                    const int32_t iy = iy0 + ky * g->dh;
                    rowp[ky] = (iy >= 0 && iy < g->ih ? img + (size_t)iy * iw * C : p->zrow) + cb;
                }
            }
            const bool rows_ok = (KH && KW) || full_rows;
            int32_t x = 0;
            for (; x < g->ow; x++) {
                if (rows_ok && x >= ox_a && x < ox_b) {
                    int32_t n = ox_b - x;
                    if (pair && n >= 2) {
                        V wd[25];
#pragma GCC unroll 64
                        for (int t = 0; t < KH * KW; t++)
                            wd[t] = v_load_dup(wmem + (size_t)t * cp);
                        const RQ qd = rq_make(FP32, pk, cp, cb, true);
                        /* pixels x, x+1 in one vector: the pair steps by 2 columns */
                        /* in vector units (one pixel of C bytes per column step) the pairs
                         * advance by 2 columns: the stride-2 sliding code */
                        qdw_run(KH, KW, I8, FP32, 2, g->dw == 1, rowp,
                                ((ptrdiff_t)x * sw - pl) * (ptrdiff_t)C, 2 * (ptrdiff_t)C, cs,
                                n / 2, wd, NULL, 0, v_load_dup(pk + OC_QDW_TERM * cp + cb), &qd, &k,
                                orow + (size_t)x * C, 2 * C, VL);
                        x += n / 2 * 2;
                        n -= n / 2 * 2;
                    }
                    if (KH && KW) {
                        qdw_run(KH, KW, I8, FP32, sw, g->dw == 1, rowp,
                                ((ptrdiff_t)x * sw - pl) * (ptrdiff_t)C, sw * (ptrdiff_t)C, cs, n,
                                w, wmem, cp, term, &q, &k, orow + (size_t)x * C + cb, C, nc);
                        x += n - 1;
                        continue;
                    }
                    const uint8_t *o = img + QDW_ORG(x);
                    V acc = term;
                    for (int32_t ky = 0; ky < kh; ky++)
                        for (int32_t kx = 0; kx < kw; kx++)
                            acc = v_mac(acc, qdw_x(I8, o + ky * rs + kx * cs, nc),
                                        v_load(wmem + (size_t)(ky * kw + kx) * cp));
                    st_bytes(orow + (size_t)x * C + cb, rq_apply(FP32, acc, &q, &k), nc);
                    continue;
                }
                int32_t kx0, kx1;
                oc_dw_tap_range(x, sw, pl, g->dw, kw, iw, &kx0, &kx1);
                const ptrdiff_t org = QDW_ORG(x);
                V acc[2] = {term, v_zero()};
                if (KH && KW) { /* unrolled, weights in registers */
#pragma GCC unroll 64
                    for (int ky = 0; ky < KH; ky++)
#pragma GCC unroll 64
                        for (int kx = 0; kx < KW; kx++) {
                            const bool ok = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
                            const V xv = ok ? qdw_x(I8, img + org + ky * rs + kx * cs, nc) : zav;
                            acc[(ky * KW + kx) & 1] =
                                v_mac(acc[(ky * KW + kx) & 1], xv, w[ky * KW + kx]);
                        }
                } else {
                    for (int32_t ky = 0; ky < kh; ky++)
                        for (int32_t kx = 0; kx < kw; kx++) {
                            const bool ok = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
                            const V xv = ok ? qdw_x(I8, img + org + ky * rs + kx * cs, nc) : zav;
                            acc[0] = v_mac(acc[0], xv, v_load(wmem + (size_t)(ky * kw + kx) * cp));
                        }
                }
                st_bytes(orow + (size_t)x * C + cb, rq_apply(FP32, v_add(acc[0], acc[1]), &q, &k),
                         nc);
            }
#undef QDW_ORG
        }
    }
}

#define QDW_VARIANTS(KH, KW, name)                                                                 \
    static void name(const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk, uint8_t *out,     \
                     size_t r0, size_t r1)                                                         \
    {                                                                                              \
        const bool fp32 = p->ep.mode == OC_QREQ_FP32;                                              \
        if (p->act_i8) {                                                                           \
            if (fp32)                                                                              \
                qdw_tpl(KH, KW, true, true, p, in, pk, out, r0, r1);                               \
            else                                                                                   \
                qdw_tpl(KH, KW, true, false, p, in, pk, out, r0, r1);                              \
        } else {                                                                                   \
            if (fp32)                                                                              \
                qdw_tpl(KH, KW, false, true, p, in, pk, out, r0, r1);                              \
            else                                                                                   \
                qdw_tpl(KH, KW, false, false, p, in, pk, out, r0, r1);                             \
        }                                                                                          \
    }

QDW_VARIANTS(3, 3, qdw_rows_3x3)
QDW_VARIANTS(5, 5, qdw_rows_5x5)
QDW_VARIANTS(0, 0, qdw_rows_any)

static void qdw_rows(const oc_qdw_plan *p, const uint8_t *in, const int32_t *pk, uint8_t *out,
                     size_t r0, size_t r1)
{
    if (p->g.kh == 3 && p->g.kw == 3)
        qdw_rows_3x3(p, in, pk, out, r0, r1);
    else if (p->g.kh == 5 && p->g.kw == 5) /* ssd_mobilenet_v3 */
        qdw_rows_5x5(p, in, pk, out, r0, r1);
    else
        qdw_rows_any(p, in, pk, out, r0, r1);
}

#undef QDW_VARIANTS
#undef QDW_PX
