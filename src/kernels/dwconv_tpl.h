/* Depthwise row kernel body shared by the vector ISA files (depth_multiplier 1). The
 * including file defines the vector vocabulary:
 *   V, VL (lanes), M (tail mask type), m_tail(left) -> M (m_tail(0): no lane),
 *   v_load(p), v_loadm(m, p), v_store(p, x), v_storem(p, m, x), v_fma(a, b, acc),
 *   v_set1(x), v_min(a, b), v_max(a, b), v_add(a, b), v_mul(a, b)
 * and optionally v_dup_half(p) (VL/2 floats at p in both halves of a vector), and gets
 * `static void dw_rows(...)` matching oc_dw_rows_fn.
 *
 * Per output row and channel block: the taps' weights are loaded once into registers (3x3,
 * 5x5), interior pixels (whole window inside the image) run a straight-line FMA chain, and
 * border pixels / top and bottom rows use a checked loop over the valid taps only. */

static inline __attribute__((always_inline)) V ld(const bool full, M m, const float *p)
{
    return full ? v_load(p) : v_loadm(m, p);
}

static inline __attribute__((always_inline)) void st(const bool full, M m, float *p, V x)
{
    if (full)
        v_store(p, x);
    else
        v_storem(p, m, x);
}

/* Interior pixels: n outputs starting at window origin p (input, channel block applied).
 * KH/KW = 0 means a runtime size with weights read from memory (wmem). One partial sum per
 * filter row keeps the FMA chains short (a single 9- or 25-long chain is latency-bound), and
 * one pointer per filter row keeps the addressing in registers. For a partial channel block
 * full_ld reads whole vectors anyway when the caller checked they stay inside the input (the
 * extra lanes meet zero weights and are never stored): masked loads that straddle cache
 * lines are slow on current cores. */
static inline __attribute__((always_inline)) void
interior(const int KH, const int KW, const bool full_ld, const bool full, int32_t kh, int32_t kw,
         const float *p, ptrdiff_t rs, ptrdiff_t cs, ptrdiff_t step, int32_t n, const V *w,
         const float *wmem, size_t cpad, V bias, float *o, size_t ostep, M m, V lo, V hi)
{
    if (KH && KW) {
        const float *r[5]; /* fixed sizes: a VLA would live on the stack */
#pragma GCC unroll 64
        for (int ky = 0; ky < KH; ky++)
            r[ky] = p + ky * rs;
        for (int32_t i = 0; i < n; i++, o += ostep) {
            V acc[5];
#pragma GCC unroll 64
            for (int ky = 0; ky < KH; ky++) {
                acc[ky] = v_mul(ld(full_ld, m, r[ky]), w[ky * KW]);
#pragma GCC unroll 64
                for (int kx = 1; kx < KW; kx++)
                    acc[ky] = v_fma(ld(full_ld, m, r[ky] + kx * cs), w[ky * KW + kx], acc[ky]);
                r[ky] += step;
            }
            V sum = v_add(bias, acc[0]);
#pragma GCC unroll 64
            for (int ky = 1; ky < KH; ky++)
                sum = v_add(sum, acc[ky]);
            st(full, m, o, v_min(hi, v_max(lo, sum)));
        }
        return;
    }
    for (int32_t i = 0; i < n; i++, p += step, o += ostep) {
        V acc = bias;
        for (int32_t ky = 0; ky < kh; ky++)
            for (int32_t kx = 0; kx < kw; kx++)
                acc = v_fma(ld(full_ld, m, p + ky * rs + kx * cs),
                            v_load(wmem + (size_t)(ky * kw + kx) * cpad), acc);
        st(full, m, o, v_min(hi, v_max(lo, acc)));
    }
}

/* One pixel near the image border: taps [ky0, ky1) x [kx0, kx1) only. With a constant filter
 * size the taps stay straight-line: an invalid tap loads with an all-zero mask (no access
 * happens, so its address is replaced by a valid one). */
static inline __attribute__((always_inline)) void
border(const int KH, const int KW, const float *origin, const float *safe, ptrdiff_t rs,
       ptrdiff_t cs, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1, int32_t kw, const V *w,
       const float *wmem, size_t cpad, V bias, float *o, M m, M none, V lo, V hi)
{
    V acc = bias;
    if (KH && KW) {
#pragma GCC unroll 64
        for (int ky = 0; ky < KH; ky++) {
#pragma GCC unroll 64
            for (int kx = 0; kx < KW; kx++) {
                const bool ok = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
                const float *q = ok ? origin + ky * rs + kx * cs : safe;
                acc = v_fma(v_loadm(ok ? m : none, q), w[ky * KW + kx], acc);
            }
        }
    } else {
        for (int32_t ky = ky0; ky < ky1; ky++)
            for (int32_t kx = kx0; kx < kx1; kx++)
                acc = v_fma(v_loadm(m, origin + ky * rs + kx * cs),
                            v_load(wmem + (size_t)(ky * kw + kx) * cpad), acc);
    }
    v_storem(o, m, v_min(hi, v_max(lo, acc)));
}

static inline __attribute__((always_inline)) void rows_tpl(const int KH, const int KW,
                                                           const oc_dw_plan *p, const float *in,
                                                           const float *pk, float *out, size_t row0,
                                                           size_t row1, float lo_f, float hi_f)
{
    const oc_dw_geom *g = &p->g;
    const int32_t kh = g->kh, kw = g->kw, iw = g->iw, sw = g->sw, pl = g->pl;
    const size_t C = (size_t)g->oc, cpad = p->cpad;
    const ptrdiff_t rs = (ptrdiff_t)g->dh * iw * (ptrdiff_t)C, cs = (ptrdiff_t)g->dw * (ptrdiff_t)C;
    const ptrdiff_t step = (ptrdiff_t)sw * (ptrdiff_t)C;
    const V lo = v_set1(lo_f), hi = v_set1(hi_f);
    const M none = m_tail(0);
    const float *in_end = in + (size_t)g->n * g->ih * iw * C;
    /* Interior columns [ox_a, ox_b): every tap inside the image. */
    int32_t ox_a = (pl + sw - 1) / sw, span = (kw - 1) * g->dw;
    int32_t ox_b = iw - 1 - span + pl >= 0 ? (iw - 1 - span + pl) / sw + 1 : 0;
    if (ox_a > g->ow) ox_a = g->ow;
    if (ox_b > g->ow) ox_b = g->ow;
    if (ox_b < ox_a) ox_b = ox_a;

    for (size_t row = row0; row < row1; row++) {
        const int32_t b = (int32_t)(row / (size_t)g->oh), oy = (int32_t)(row % (size_t)g->oh);
        int32_t ky0, ky1;
        oc_dw_tap_range(oy, g->sh, g->pt, g->dh, kh, g->ih, &ky0, &ky1);
        const bool full_rows = ky0 == 0 && ky1 == kh;
        const int32_t iy0 = oy * g->sh - g->pt;
        /* window origin of output column 0 (may point outside the image: only offset) */
        const float *img = in + (size_t)b * g->ih * iw * C;
        const ptrdiff_t row_off = (ptrdiff_t)iy0 * iw * (ptrdiff_t)C - (ptrdiff_t)pl * (ptrdiff_t)C;
        float *orow = out + row * (size_t)g->ow * C;
        for (size_t cb = 0; cb < C; cb += VL) {
            const bool full = C - cb >= VL;
            const M m = m_tail(C - cb);
            const float *wmem = pk + cpad + cb;
            const V bias = v_load(pk + cb);
            V w[25];
            if (KH && KW) {
#pragma GCC unroll 64
                for (int t = 0; t < KH * KW; t++)
                    w[t] = v_load(wmem + (size_t)t * cpad);
            }
            /* window origin of column x is base + x*step; it may lie outside the image, so
             * it is formed in integers and only dereferenced for valid taps */
            const uintptr_t base = (uintptr_t)(img + cb) + (uintptr_t)(row_off * 4);
            const float *safe = img + cb;
            int32_t x = 0;
            for (; x < (full_rows ? ox_a : g->ow); x++) {
                int32_t kx0, kx1;
                oc_dw_tap_range(x, sw, pl, g->dw, kw, iw, &kx0, &kx1);
                border(KH, KW, (const float *)(base + (uintptr_t)(x * step * 4)), safe, rs, cs, ky0,
                       ky1, kx0, kx1, kw, w, wmem, cpad, bias, orow + (size_t)x * C + cb, m, none,
                       lo, hi);
            }
            if (!full_rows) continue;
            const float *first = (const float *)(base + (uintptr_t)(x * step * 4));
#ifdef v_dup_half
            /* Half-width channels (C = VL/2) at stride 1: one vector covers the same channels
             * of two neighbouring pixels, each tap's weights duplicated in both halves. */
            if (KH && KW && 2 * C == VL && sw == 1 && g->dw == 1 && ox_b - x >= 2) {
                V wp[25];
#pragma GCC unroll 64
                for (int t = 0; t < KH * KW; t++)
                    wp[t] = v_dup_half(wmem + (size_t)t * cpad);
                const int32_t pairs = (ox_b - x) / 2;
                interior(KH, KW, true, true, kh, kw, first, rs, cs, 2 * step, pairs, wp, wmem, cpad,
                         v_dup_half(pk + cb), orow + (size_t)x * C + cb, 2 * C, m, lo, hi);
                x += 2 * pairs;
                first += 2 * pairs * step;
            }
#endif
            const int32_t n_in = ox_b - x;
            /* whole-vector loads of a partial block stay inside the input? (the last pixel's
             * last tap is the highest address read) */
            const bool tail_ld_ok =
                n_in > 0 && in_end - (first + (ptrdiff_t)(n_in - 1) * step +
                                      (ptrdiff_t)(kh - 1) * rs + (ptrdiff_t)(kw - 1) * cs) >=
                                VL;
            if (full)
                interior(KH, KW, true, true, kh, kw, first, rs, cs, step, n_in, w, wmem, cpad, bias,
                         orow + (size_t)x * C + cb, C, m, lo, hi);
            else if (tail_ld_ok)
                interior(KH, KW, true, false, kh, kw, first, rs, cs, step, n_in, w, wmem, cpad,
                         bias, orow + (size_t)x * C + cb, C, m, lo, hi);
            else
                interior(KH, KW, false, false, kh, kw, first, rs, cs, step, n_in, w, wmem, cpad,
                         bias, orow + (size_t)x * C + cb, C, m, lo, hi);
            for (x = ox_b; x < g->ow; x++) {
                int32_t kx0, kx1;
                oc_dw_tap_range(x, sw, pl, g->dw, kw, iw, &kx0, &kx1);
                border(KH, KW, (const float *)(base + (uintptr_t)(x * step * 4)), safe, rs, cs, 0,
                       kh, kx0, kx1, kw, w, wmem, cpad, bias, orow + (size_t)x * C + cb, m, none,
                       lo, hi);
            }
        }
    }
}

static void rows_3x3(const oc_dw_plan *p, const float *in, const float *pk, float *out, size_t r0,
                     size_t r1, float lo, float hi)
{
    rows_tpl(3, 3, p, in, pk, out, r0, r1, lo, hi);
}
static void rows_5x5(const oc_dw_plan *p, const float *in, const float *pk, float *out, size_t r0,
                     size_t r1, float lo, float hi)
{
    rows_tpl(5, 5, p, in, pk, out, r0, r1, lo, hi);
}
static void rows_any(const oc_dw_plan *p, const float *in, const float *pk, float *out, size_t r0,
                     size_t r1, float lo, float hi)
{
    rows_tpl(0, 0, p, in, pk, out, r0, r1, lo, hi);
}

static void dw_rows(const oc_dw_plan *p, const float *in, const float *pk, float *out, size_t r0,
                    size_t r1, float lo, float hi)
{
    if (p->g.kh == 3 && p->g.kw == 3)
        rows_3x3(p, in, pk, out, r0, r1, lo, hi);
    else if (p->g.kh == 5 && p->g.kw == 5)
        rows_5x5(p, in, pk, out, r0, r1, lo, hi);
    else
        rows_any(p, in, pk, out, r0, r1, lo, hi);
}
