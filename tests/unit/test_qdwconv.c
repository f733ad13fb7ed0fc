/* The quantized depthwise kernels (kernels/qdwconv.h) against the reference kernel of qref.c,
 * byte for byte, on every path this CPU can run (C, AVX2, AVX-512 VNNI with its 3x3 VNNI
 * kernel): random shapes with C = 1..300 around the 16- and 64-channel edges, strides 1-3,
 * dilation, padding, depth multipliers, uint8 with any weight zero point (large ones split the
 * VNNI weights) and int8 with per-channel weights, both requantization rules, fused clamps,
 * 1 and 2 threads. Buffers are allocated to their exact size, so the sanitizer build sees any
 * read past them. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fixedpoint.h"
#include "core/mem.h"
#include "kernels/qdwconv.h"
#include "kernels/qref.h"

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int32_t rnd_in(uint32_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(rnd(s) % (uint32_t)(hi - lo + 1));
}

typedef struct dcase {
    oc_dw_geom g;
    bool i8;       /* int8 activations and per-channel int8 weights, else uint8 */
    int32_t zw;    /* uint8 weight zero point */
    int32_t wspan; /* int8 weights in [-wspan, wspan] */
    oc_qreq_mode mode;
    bool narrow; /* a fused clamp inside the output range */
    uint32_t seed;
} dcase;

static int32_t out_dim(int32_t in, int32_t k, int32_t s, int32_t d, int32_t pad_total)
{
    int32_t span = (k - 1) * d + 1, n = in + pad_total - span;
    return n < 0 ? 0 : n / s + 1;
}

/* Runs one case on every ISA and with 2 threads; returns the number of differing bytes. */
static size_t run_case(const dcase *dc, oc_threadpool *pool)
{
    const oc_dw_geom *g = &dc->g;
    uint32_t s = dc->seed;
    const size_t nin = (size_t)g->n * g->ih * g->iw * g->ic, taps = (size_t)g->kh * g->kw;
    const size_t nout = (size_t)g->n * g->oh * g->ow * g->oc, oc = (size_t)g->oc;
    uint8_t *in = malloc(nin ? nin : 1), *w = malloc(taps * oc);
    uint8_t *ref = malloc(nout ? nout : 1), *got = malloc(nout ? nout : 1);
    int32_t *bias = malloc(oc * 4), *mult = malloc(oc * 4), *shift = malloc(oc * 4);
    float *scale = malloc(oc * 4);
    const int32_t za = rnd_in(&s, 0, 255) + (dc->i8 ? -128 : 0);
    for (size_t i = 0; i < nin; i++)
        in[i] = (uint8_t)rnd(&s);
    for (size_t i = 0; i < taps * oc; i++)
        w[i] = dc->i8 ? (uint8_t)(int8_t)rnd_in(&s, -dc->wspan, dc->wspan) : (uint8_t)rnd(&s);
    /* outputs spread over the range: scale ~ 1 / (taps * 128 * 64) */
    const double base = 1.0 / ((double)taps * 128.0 * 64.0);
    for (size_t c = 0; c < oc; c++) {
        bias[c] = rnd_in(&s, -20000, 20000);
        scale[c] = (float)(base * (0.25 + (rnd(&s) % 1000) / 250.0));
        int sh;
        oc_quantize_multiplier(scale[c], &mult[c], &sh);
        shift[c] = sh;
    }
    oc_qreq q = {.in_t = dc->i8 ? OC_I8 : OC_U8,
                 .w_t = dc->i8 ? OC_I8 : OC_U8,
                 .out_t = dc->i8 ? OC_I8 : OC_U8,
                 .bias_t = OC_I32,
                 .in_zp = za,
                 .w_zp = dc->i8 ? 0 : dc->zw,
                 .out_zp = rnd_in(&s, 0, 255) + (dc->i8 ? -128 : 0),
                 .lo = dc->i8 ? -128 : 0,
                 .hi = dc->i8 ? 127 : 255,
                 .mode = dc->mode,
                 .mult = mult,
                 .shift = shift,
                 .fscale = scale};
    if (dc->narrow) {
        q.lo = q.out_zp > q.lo ? q.out_zp : q.lo; /* RELU */
        q.hi = q.lo + 100 < q.hi ? q.lo + 100 : q.hi;
    }
    oc_qref_dwconv(g, &q, in, w, bias, ref, 0, (size_t)g->n * g->oh);
    oc_qgemm_ep ep = {.out_zp = q.out_zp,
                      .lo = q.lo,
                      .hi = q.hi,
                      .flo = (float)(q.lo - q.out_zp),
                      .fhi = (float)(q.hi - q.out_zp),
                      .a_xor = dc->i8 ? 0x80808080u : 0,
                      .mode = q.mode,
                      .out_u8 = !dc->i8};
    ep.fast = oc_qgemm_fast_ok(q.mode, scale, oc);
    size_t bad = 0;
    for (int isa = OC_QISA_C; isa <= (int)oc_qisa_best(NULL); isa++) {
        for (int threads = 1; threads <= 2; threads++) {
            if (isa == OC_QISA_AVXVNNI || (threads == 2 && !pool)) continue;
            oc_qdw_plan p;
            assert_true(oc_qdw_plan_init(&p, g, (oc_qisa)isa, dc->i8, za, &ep));
            size_t words = oc_qdw_packed_words(&p);
            assert_true(words > 0);
            int32_t *pk = oc_aligned_alloc(words * 4);
            oc_qdw_pack(&p, w, !dc->i8, q.w_zp, bias, mult, shift, scale, pk);
            memset(got, 0xA5, nout ? nout : 1);
            oc_qdw_run(&p, in, pk, got, threads == 2 ? pool : NULL);
            size_t diff = 0;
            for (size_t i = 0; i < nout; i++)
                diff += got[i] != ref[i];
            if (diff) {
                fprintf(stderr,
                        "isa %d threads %d: %zu of %zu bytes differ: n%d %dx%d c%d dm%d k%dx%d "
                        "s%d,%d d%d,%d pad %d,%d i8 %d zw %d mode %d narrow %d seed %u\n",
                        isa, threads, diff, nout, g->n, g->ih, g->iw, g->ic, g->dm, g->kh, g->kw,
                        g->sh, g->sw, g->dh, g->dw, g->pt, g->pl, dc->i8, dc->zw, dc->mode,
                        dc->narrow, dc->seed);
                bad += diff;
            }
            oc_aligned_free(pk);
            oc_qdw_plan_free(&p);
        }
    }
    free(in);
    free(w);
    free(ref);
    free(got);
    free(bias);
    free(mult);
    free(shift);
    free(scale);
    return bad;
}

/* A random case; c channels, kernel k x k (0: random), stride st (0: random). */
static dcase make_case(uint32_t *s, int32_t c, int32_t k, int32_t st)
{
    dcase dc = {0};
    oc_dw_geom *g = &dc.g;
    g->n = rnd(s) % 4 == 0 ? 2 : 1;
    g->ih = rnd_in(s, 1, 12);
    g->iw = rnd_in(s, 1, 24);
    g->kh = k ? k : rnd_in(s, 1, 5);
    g->kw = k ? k : rnd_in(s, 1, 5);
    g->sh = st ? st : rnd_in(s, 1, 3);
    g->sw = st ? st : g->sh;
    g->dh = g->dw = rnd(s) % 6 == 0 ? 2 : 1;
    g->dm = c <= 8 && rnd(s) % 5 == 0 ? 2 : 1;
    g->ic = c;
    g->oc = c * g->dm;
    /* SAME, VALID or random leading padding */
    int32_t kind = (int32_t)(rnd(s) % 3), th, tw;
    if (kind == 0) {
        g->oh = (g->ih + g->sh - 1) / g->sh;
        g->ow = (g->iw + g->sw - 1) / g->sw;
        th = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1 - g->ih;
        tw = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1 - g->iw;
        g->pt = th > 0 ? th / 2 : 0;
        g->pl = tw > 0 ? tw / 2 : 0;
    } else {
        g->pt = kind == 1 ? 0 : rnd_in(s, 0, g->kh - 1);
        g->pl = kind == 1 ? 0 : rnd_in(s, 0, g->kw - 1);
        g->oh = out_dim(g->ih, g->kh, g->sh, g->dh, 2 * g->pt);
        g->ow = out_dim(g->iw, g->kw, g->sw, g->dw, 2 * g->pl);
    }
    dc.i8 = rnd(s) % 3 == 0;
    /* uint8 weight zero points: mobilenet's 96..241 (split VNNI weights), small, or 0..255 */
    int32_t zk = (int32_t)(rnd(s) % 4);
    dc.zw = zk == 0 ? rnd_in(s, 96, 241) : zk == 1 ? rnd_in(s, 100, 150) : rnd_in(s, 0, 255);
    dc.wspan = rnd(s) % 2 ? 127 : rnd_in(s, 1, 128);
    dc.mode = rnd(s) % 2 ? OC_QREQ_FP32 : OC_QREQ_FIXED;
    dc.narrow = rnd(s) % 4 == 0;
    dc.seed = rnd(s);
    return dc;
}

static void test_random(void **state)
{
    (void)state;
    oc_threadpool *pool = oc_threadpool_create(2);
    uint32_t s = 12345;
    size_t bad = 0, runs = 0;
    for (int i = 0; i < 300; i++) { /* any channel count, mostly 3x3 */
        int32_t c = rnd_in(&s, 1, 300);
        dcase dc = make_case(&s, c, rnd(&s) % 4 ? 3 : 0, 0);
        if (dc.g.oh < 1 || dc.g.ow < 1) continue;
        bad += run_case(&dc, pool);
        runs++;
    }
    assert_true(runs > 200);
    assert_int_equal(bad, 0);
    oc_threadpool_destroy(pool);
}

/* The 3x3 VNNI kernel's shapes: the channel counts it takes and their neighbours, strides 1
 * and 2, dilation 1, widths around its 64-byte chunks. */
static void test_vnni3x3(void **state)
{
    (void)state;
    static const int32_t cs[] = {1,  2,  3,  4,  5,   7,   8,   9,   12,  15,  16,  17, 24,
                                 31, 32, 33, 48, 63,  64,  65,  72,  96,  127, 128, 129,
                                 191, 192, 200, 255, 256, 257, 300};
    oc_threadpool *pool = oc_threadpool_create(2);
    uint32_t s = 777;
    size_t bad = 0;
    for (size_t ci = 0; ci < sizeof cs / sizeof cs[0]; ci++)
        for (int rep = 0; rep < 8; rep++) {
            dcase dc = make_case(&s, cs[ci], 3, 1 + rep % 2);
            dc.g.dh = dc.g.dw = 1;
            dc.g.dm = 1;
            dc.g.oc = dc.g.ic;
            dc.g.ih = rnd_in(&s, 1, 9);
            dc.g.iw = rnd_in(&s, 1, 40);
            /* SAME or VALID */
            int32_t pad = rep % 3 == 2 ? 0 : 1, st = dc.g.sh;
            if (pad) {
                dc.g.oh = (dc.g.ih + st - 1) / st;
                dc.g.ow = (dc.g.iw + st - 1) / st;
                int32_t th = (dc.g.oh - 1) * st + 3 - dc.g.ih;
                int32_t tw = (dc.g.ow - 1) * st + 3 - dc.g.iw;
                dc.g.pt = th > 0 ? th / 2 : 0;
                dc.g.pl = tw > 0 ? tw / 2 : 0;
            } else {
                dc.g.pt = dc.g.pl = 0;
                dc.g.oh = out_dim(dc.g.ih, 3, st, 1, 0);
                dc.g.ow = out_dim(dc.g.iw, 3, st, 1, 0);
            }
            if (dc.g.oh < 1 || dc.g.ow < 1) continue;
            bad += run_case(&dc, pool);
        }
    assert_int_equal(bad, 0);
    oc_threadpool_destroy(pool);
}

/* 5x5 (the int16 kernel's unrolled variant, ssd_mobilenet_v3): strides 1 and 2. */
static void test_5x5(void **state)
{
    (void)state;
    uint32_t s = 4242;
    size_t bad = 0;
    for (int i = 0; i < 40; i++) {
        dcase dc = make_case(&s, rnd_in(&s, 1, 100), 5, 1 + i % 2);
        if (dc.g.oh < 1 || dc.g.ow < 1) continue;
        bad += run_case(&dc, NULL);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_vnni3x3),
        cmocka_unit_test(test_5x5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
