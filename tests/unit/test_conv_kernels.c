/* The convolution kernel layer directly (kernels/conv.h, dwconv.h, pool.h): every path of
 * the conv A side (input in place, implicit GEMM through tap offsets, zero-padded copy, forced
 * im2col) on every ISA against a double-precision reference; the depthwise row kernels of each
 * ISA, including the border and tail cases; plan bookkeeping. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu.h"
#include "core/mem.h"
#include "kernels/conv.h"
#include "kernels/dwconv.h"

static void fill(float *x, size_t n, unsigned seed)
{
    uint32_t s = seed * 2654435761u + 7u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = -1.f + 2.f * (float)(s >> 8) / 16777216.f;
    }
}

static int isas(oc_isa out[3])
{
    const oc_cpu *c = oc_cpu_get();
    int n = 0;
    out[n++] = OC_ISA_C;
    if (c->avx2_fma) out[n++] = OC_ISA_AVX2;
    if (c->avx512 && c->avx2_fma) out[n++] = OC_ISA_AVX512;
    return n;
}

static void geom_out(oc_conv_geom *g, bool same)
{
    int32_t eh = (g->kh - 1) * g->dh + 1, ew = (g->kw - 1) * g->dw + 1;
    g->oh = same ? (g->ih + g->sh - 1) / g->sh : (g->ih - eh + g->sh) / g->sh;
    g->ow = same ? (g->iw + g->sw - 1) / g->sw : (g->iw - ew + g->sw) / g->sw;
    int32_t th = (g->oh - 1) * g->sh + eh - g->ih, tw = (g->ow - 1) * g->sw + ew - g->iw;
    g->pt = same && th > 0 ? th / 2 : 0;
    g->pl = same && tw > 0 ? tw / 2 : 0;
}

static void check_conv(oc_conv_geom g, bool same, unsigned seed)
{
    geom_out(&g, same);
    size_t nin = (size_t)g.n * g.ih * g.iw * g.ic, nw = (size_t)g.oc * g.kh * g.kw * g.ic;
    size_t nout = (size_t)g.n * g.oh * g.ow * g.oc;
    float *x = malloc(nin * 4 + 4), *w = malloc(nw * 4 + 4), *b = malloc((size_t)g.oc * 4);
    fill(x, nin, seed);
    fill(w, nw, seed + 1);
    fill(b, (size_t)g.oc, seed + 2);
    double *want = calloc(nout + 1, sizeof *want);
    for (int32_t n = 0; n < g.n; n++)
        for (int32_t oy = 0; oy < g.oh; oy++)
            for (int32_t ox = 0; ox < g.ow; ox++)
                for (int32_t o = 0; o < g.oc; o++) {
                    double s = b[o];
                    for (int32_t ky = 0; ky < g.kh; ky++)
                        for (int32_t kx = 0; kx < g.kw; kx++) {
                            int32_t iy = oy * g.sh - g.pt + ky * g.dh;
                            int32_t ix = ox * g.sw - g.pl + kx * g.dw;
                            if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                            for (int32_t i = 0; i < g.ic; i++)
                                s += (double)x[((n * g.ih + iy) * g.iw + ix) * g.ic + i] *
                                     w[((o * g.kh + ky) * g.kw + kx) * g.ic + i];
                        }
                    want[((n * g.oh + oy) * g.ow + ox) * g.oc + o] = s;
                }
    oc_isa list[3];
    int ni = isas(list);
    for (int i = 0; i < ni; i++)
        for (int force = 0; force < 2; force++) {
            oc_conv_plan p;
            assert_true(oc_conv_plan_init(&p, &g, list[i], 0));
            if (force)
                oc_conv_plan_force_im2col(&p);
            else if (!p.direct)
                assert_non_null(p.off);
            float *pk = oc_aligned_alloc(oc_conv_packed_floats(&p) * 4);
            float *sc = oc_aligned_alloc((oc_conv_scratch_floats(&p) + 16) * 4);
            float *y = malloc(nout * 4 + 4);
            oc_conv_pack(&p, w, b, pk);
            oc_threadpool *pool = force ? oc_threadpool_create(2) : NULL;
            oc_conv_run(&p, x, pk, y, -1e30f, 1e30f, sc, pool);
            oc_threadpool_destroy(pool);
            for (size_t e = 0; e < nout; e++) {
                double tol = 2e-6 * (double)(g.kh * g.kw * g.ic + 8) * fmax(1.0, fabs(want[e]));
                if (!(fabs(y[e] - want[e]) <= tol))
                    fail_msg("conv %s%s %dx%dx%d k%dx%d s%d d%d pad%d,%d: [%zu] %.9g vs %.9g",
                             oc_isa_name(list[i]), force ? " im2col" : "", g.ih, g.iw, g.ic, g.kh,
                             g.kw, g.sh, g.dh, g.pt, g.pl, e, (double)y[e], want[e]);
            }
            free(y);
            oc_aligned_free(pk);
            oc_aligned_free(sc);
            oc_conv_plan_free(&p);
        }
    free(x);
    free(w);
    free(b);
    free(want);
}

static void test_conv_paths(void **state)
{
    (void)state;
    /* n ih iw ic oh ow oc kh kw sh sw dh dw pt pl */
    oc_conv_geom cases[] = {
        {1, 9, 8, 3, 0, 0, 8, 3, 3, 2, 2, 1, 1, 0, 0},   /* first layer: pad bottom/right only */
        {1, 7, 7, 5, 0, 0, 17, 3, 3, 1, 1, 1, 1, 0, 0},  /* pad 1 all around */
        {2, 10, 9, 4, 0, 0, 33, 5, 5, 2, 2, 1, 1, 0, 0}, /* 5x5 s2, batch 2 */
        {1, 11, 10, 3, 0, 0, 6, 3, 3, 1, 1, 2, 2, 0, 0}, /* dilation 2 */
        {1, 8, 8, 16, 0, 0, 24, 1, 1, 2, 2, 1, 1, 0, 0}, /* strided 1x1 */
        {1, 6, 7, 9, 0, 0, 10, 1, 1, 1, 1, 1, 1, 0, 0},  /* direct 1x1 */
        {1, 3, 3, 2, 0, 0, 5, 4, 2, 1, 3, 1, 1, 0, 0},   /* filter larger than the image */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int same = 0; same < 2; same++)
            check_conv(cases[i], same, (unsigned)(10 * i + same));
}

static void test_conv_plan_sizes(void **state)
{
    (void)state;
    oc_conv_geom g = {1, 224, 224, 3, 0, 0, 8, 3, 3, 2, 2, 1, 1, 0, 0};
    geom_out(&g, true);
    oc_conv_plan p;
    assert_true(oc_conv_plan_init(&p, &g, OC_ISA_C, 0));
    assert_true(p.pad_copy);
    assert_int_equal(p.ag.ih, 225); /* one zero row at the bottom */
    assert_int_equal(p.ag.iw, 225);
    assert_true(oc_conv_scratch_floats(&p) >= p.pad_floats);
    assert_int_equal(p.oy_b - p.oy_a, p.g.oh); /* every window inside the padded copy */
    oc_conv_plan_free(&p);
    oc_conv_plan_free(&p); /* idempotent */
    oc_conv_geom one = {1, 5, 5, 7, 5, 5, 9, 1, 1, 1, 1, 1, 1, 0, 0};
    assert_true(oc_conv_plan_init(&p, &one, OC_ISA_C, 0));
    assert_true(p.direct);
    assert_false(p.pad_copy);
    oc_conv_plan_free(&p);
}

static void check_dw(oc_dw_geom g, bool same, unsigned seed)
{
    oc_conv_geom cg = {g.n, g.ih, g.iw, g.ic, 0, 0, 0, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, 0, 0};
    geom_out(&cg, same);
    g.oh = cg.oh;
    g.ow = cg.ow;
    g.pt = cg.pt;
    g.pl = cg.pl;
    g.oc = g.ic * g.dm;
    size_t nin = (size_t)g.n * g.ih * g.iw * g.ic, nw = (size_t)g.kh * g.kw * g.oc;
    size_t nout = (size_t)g.n * g.oh * g.ow * g.oc;
    float *x = malloc(nin * 4 + 4), *w = malloc(nw * 4 + 4), *b = malloc((size_t)g.oc * 4);
    fill(x, nin, seed);
    fill(w, nw, seed + 1);
    fill(b, (size_t)g.oc, seed + 2);
    oc_isa list[3];
    int ni = isas(list);
    for (int i = 0; i < ni; i++) {
        oc_dw_plan p;
        oc_dw_plan_init(&p, &g, list[i]);
        if (g.dm == 1) assert_int_equal(p.isa, list[i]);
        float *pk = oc_aligned_alloc(oc_dw_packed_floats(&p) * 4), *y = malloc(nout * 4 + 4);
        oc_dw_pack(&p, w, b, pk);
        oc_dw_run(&p, x, pk, y, -2.f, 2.f, NULL);
        for (int32_t n = 0; n < g.n; n++)
            for (int32_t oy = 0; oy < g.oh; oy++)
                for (int32_t ox = 0; ox < g.ow; ox++)
                    for (int32_t o = 0; o < g.oc; o++) {
                        double s = b[o];
                        for (int32_t ky = 0; ky < g.kh; ky++)
                            for (int32_t kx = 0; kx < g.kw; kx++) {
                                int32_t iy = oy * g.sh - g.pt + ky * g.dh;
                                int32_t ix = ox * g.sw - g.pl + kx * g.dw;
                                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                                s += (double)x[((n * g.ih + iy) * g.iw + ix) * g.ic + o / g.dm] *
                                     w[(ky * g.kw + kx) * g.oc + o];
                            }
                        s = s < -2 ? -2 : s > 2 ? 2 : s;
                        double got = y[((n * g.oh + oy) * g.ow + ox) * g.oc + o];
                        if (!(fabs(got - s) <= 1e-5 * fmax(1.0, fabs(s))))
                            fail_msg("dw %s %dx%dx%d k%dx%d s%d d%d: (%d,%d,%d) %.9g vs %.9g",
                                     oc_isa_name(list[i]), g.ih, g.iw, g.ic, g.kh, g.kw, g.sh, g.dh,
                                     oy, ox, o, got, s);
                    }
        oc_aligned_free(pk);
        free(y);
    }
    free(x);
    free(w);
    free(b);
}

static void test_dw_paths(void **state)
{
    (void)state;
    static const int32_t ch[] = {1, 7, 8, 9, 16, 24, 31, 40};
    static const int32_t ks[][2] = {{3, 3}, {5, 5}, {3, 1}, {7, 7}};
    unsigned seed = 1;
    for (size_t c = 0; c < 8; c++)
        for (size_t k = 0; k < 4; k++)
            for (int s = 1; s <= 2; s++)
                for (int same = 0; same < 2; same++) {
                    oc_dw_geom g = {1,        11, 9, ch[c], 0, 0, 0, ks[k][0],
                                    ks[k][1], s,  s, 1,     1, 0, 0, 1};
                    check_dw(g, same, seed++);
                }
    oc_dw_geom dil = {2, 12, 10, 17, 0, 0, 0, 3, 3, 1, 1, 2, 2, 0, 0, 1};
    check_dw(dil, true, 99);
    oc_dw_geom dm = {1, 6, 7, 3, 0, 0, 0, 3, 3, 1, 1, 1, 1, 0, 0, 4};
    check_dw(dm, true, 98);
    oc_dw_geom tiny = {1, 1, 2, 5, 0, 0, 0, 5, 5, 1, 1, 1, 1, 0, 0, 1};
    check_dw(tiny, true, 97);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_paths),
        cmocka_unit_test(test_conv_plan_sizes),
        cmocka_unit_test(test_dw_paths),
    };
    oc_kernels_force_parallel(true); /* small cases too: 2 threads must equal 1 */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
