/* im2col A-provider body, instantiated per ISA: the includer defines IM2COL_NAME and the
 * copy primitives IM2COL_COPY(dst, src, n, end) and IM2COL_ZERO(dst, n) (n floats; `end` is
 * the end of the input, for copies that read in whole vectors). */

/* Rows [m0, m0+m) of the im2col matrix: when every window of the panel lies inside the image,
 * the window origins in place (indirect rows with the plan's tap offsets); otherwise copied
 * into scratch (row stride k) with zeros where a window leaves the image. */
static void IM2COL_NAME(const void *vp, size_t m0, size_t m, float *scratch, oc_sgemm_a *out)
{
    const oc_im2col_arg *a = vp;
    const oc_conv_plan *p = a->p;
    const oc_conv_geom *g = &p->ag;
    const size_t ic = (size_t)g->ic, ohw = (size_t)g->oh * (size_t)g->ow, k = p->k;
    const size_t run = (size_t)g->kw * ic;
    const float *end = a->in + (size_t)g->n * (size_t)g->ih * (size_t)g->iw * ic;
    /* position of the first row: from the plan's table, or divide once */
    size_t b0;
    int32_t oy0, ox0;
    if (p->pos) {
        b0 = (size_t)p->pos[3 * out->panel];
        oy0 = p->pos[3 * out->panel + 1];
        ox0 = p->pos[3 * out->panel + 2];
    } else {
        size_t rem0 = m0 % ohw;
        b0 = m0 / ohw;
        oy0 = (int32_t)(rem0 / (size_t)g->ow);
        ox0 = (int32_t)(rem0 % (size_t)g->ow);
    }

    if (p->off) {
        size_t b = b0;
        int32_t oy = oy0, ox = ox0;
        size_t r = 0;
        const ptrdiff_t step = (ptrdiff_t)g->sw * (ptrdiff_t)ic;
        const float *q = NULL;
        for (; r < m; r++) {
            if (oy < p->oy_a || oy >= p->oy_b || ox < p->ox_a || ox >= p->ox_b) break;
            if (!q) /* first pixel of the panel or of an output row: locate its window */
                q = a->in + ((b * (size_t)g->ih + (size_t)(oy * g->sh - g->pt)) * (size_t)g->iw +
                             (size_t)(ox * g->sw - g->pl)) *
                                ic;
            out->rows[r] = q;
            q += step;
            if (++ox == g->ow) {
                ox = 0;
                q = NULL;
                if (++oy == g->oh) {
                    oy = 0;
                    b++;
                }
            }
        }
        if (r == m) {
            out->off = p->off;
            return;
        }
    }

    out->a = scratch;
    out->lda = k;
    out->off = NULL;
    size_t b = b0;
    int32_t oy = oy0, ox = ox0;
    for (size_t r = 0; r < m; r++) {
        const float *img = a->in + b * (size_t)g->ih * (size_t)g->iw * ic;
        float *dst = scratch + r * k;
        const int32_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        const bool x_inside = ix0 >= 0 && ix0 + (g->kw - 1) * g->dw < g->iw;
        for (int32_t ky = 0; ky < g->kh; ky++, dst += run) {
            int32_t iy = iy0 + ky * g->dh;
            if (iy < 0 || iy >= g->ih) {
                IM2COL_ZERO(dst, run);
                continue;
            }
            const float *src = img + ((size_t)iy * (size_t)g->iw) * ic;
            if (x_inside && g->dw == 1) { /* the whole filter row is one contiguous run */
                IM2COL_COPY(dst, src + (size_t)ix0 * ic, run, end);
                continue;
            }
            float *d = dst;
            for (int32_t kx = 0; kx < g->kw; kx++, d += ic) {
                int32_t ix = ix0 + kx * g->dw;
                if (ix < 0 || ix >= g->iw)
                    IM2COL_ZERO(d, ic);
                else
                    IM2COL_COPY(d, src + (size_t)ix * ic, ic, end);
            }
        }
        if (++ox == g->ow) {
            ox = 0;
            if (++oy == g->oh) {
                oy = 0;
                b++;
            }
        }
    }
}
