/* The first-layer 8-bit convolution kernel (kernels/qconv_first.h) against the reference
 * convolution (qref.h), byte for byte: random stems (3x3 filter, 3 channels, stride 2 along x)
 * around the 16-pixel block edges and pairs (odd and even block counts, partial blocks),
 * vertical strides 1-3, leading and trailing padding (image edges, the end of the input),
 * batches, 8 and 16 output channels, uint8 (weights that fit int8 after the zero point, and
 * wide ones: row terms) and int8 (per-channel scales), the fast fp32 epilogue (the other
 * rules must be refused), clamps, with and without bias, 1 and 2 threads. Skipped
 * where the CPU lacks AVX-512 VNNI. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fixedpoint.h"
#include "core/mem.h"
#include "core/threadpool.h"
#include "kernels/qconv_first.h"
#include "kernels/qref.h"

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int32_t urange(uint32_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(rnd(s) % (uint32_t)(hi - lo + 1));
}

/* One random case; returns false when the kernel does not take the drawn geometry. */
static bool run_case(uint32_t seed, oc_threadpool *pool, bool *ran)
{
    uint32_t s = seed;
    oc_conv_geom g = {.n = urange(&s, 1, 2),
                      .ic = 3,
                      .kh = 3,
                      .kw = 3,
                      .sh = urange(&s, 1, 3),
                      .sw = 2,
                      .dh = 1,
                      .dw = 1};
    g.oc = rnd(&s) % 2 ? 16 : 8;
    g.ih = urange(&s, 1, 40);
    g.iw = urange(&s, 1, rnd(&s) % 4 ? 70 : 140);
    g.pt = urange(&s, 0, 2);
    g.pl = urange(&s, 0, 2);
    int32_t pb = urange(&s, 0, 2), pr = urange(&s, 0, 2);
    if (g.ih + g.pt + pb < g.kh || g.iw + g.pl + pr < g.kw) return false;
    g.oh = (g.ih + g.pt + pb - g.kh) / g.sh + 1;
    g.ow = (g.iw + g.pl + pr - g.kw) / g.sw + 1;

    const bool i8 = rnd(&s) % 2, wide = rnd(&s) % 2, bias_on = rnd(&s) % 4 != 0;
    const oc_qreq_mode mode = rnd(&s) % 4 ? OC_QREQ_FP32 : OC_QREQ_FIXED;
    const size_t k = (size_t)g.kh * g.kw * g.ic, oc = (size_t)g.oc;
    const size_t nin = (size_t)g.n * g.ih * g.iw * g.ic, nout = (size_t)g.n * g.oh * g.ow * oc;
    int32_t tlo = i8 ? -128 : 0, thi = i8 ? 127 : 255;
    int32_t za = urange(&s, tlo, thi), zo = urange(&s, tlo, thi);
    int32_t zw = i8 ? 0 : urange(&s, 0, 255);
    int32_t lo = rnd(&s) % 2 ? tlo : urange(&s, tlo, zo),
            hi = rnd(&s) % 2 ? thi : urange(&s, zo, thi);

    uint8_t *in = oc_aligned_alloc(nin), *w = malloc(oc * k);
    uint8_t *ref = malloc(nout), *out = oc_aligned_alloc(nout + 64);
    int32_t bias[16], mult[16], shift[16];
    float scale[16];
    for (size_t i = 0; i < nin; i++)
        in[i] = (uint8_t)rnd(&s);
    for (size_t i = 0; i < oc * k; i++) {
        /* narrow uint8 weights fit int8 around their zero point (no row term) */
        int32_t v = i8 || wide ? (int32_t)(rnd(&s) & 255) : zw + urange(&s, -128, 127);
        w[i] = (uint8_t)(i8 || wide ? v : v < 0 ? 0 : v > 255 ? 255 : v);
    }
    const bool big = rnd(&s) % 8 == 0; /* scales >= 0.5: no fast fp32 epilogue */
    for (size_t c = 0; c < oc; c++) {
        bias[c] = urange(&s, -40000, 40000);
        double real = big ? ldexp(1.0 + (rnd(&s) % 1000) / 1000.0, urange(&s, -1, 3))
                          : ldexp(1.0 + (rnd(&s) % 1000) / 1000.0, -urange(&s, 8, 14));
        if (!i8 && c > 0) real = (double)scale[0]; /* uint8: per-tensor */
        scale[c] = (float)real;
        int sh;
        oc_quantize_multiplier((double)scale[c], &mult[c], &sh);
        shift[c] = sh;
    }

    oc_qreq req = {.in_t = i8 ? OC_I8 : OC_U8,
                   .w_t = i8 ? OC_I8 : OC_U8,
                   .out_t = i8 ? OC_I8 : OC_U8,
                   .bias_t = bias_on ? OC_I32 : OC_F32,
                   .in_zp = za,
                   .w_zp = zw,
                   .out_zp = zo,
                   .lo = lo,
                   .hi = hi,
                   .mode = mode,
                   .mult = mult,
                   .shift = shift,
                   .fscale = scale};
    oc_qconv_q q = {.act_i8 = i8,
                    .w_u8 = !i8,
                    .za = za,
                    .zw = zw,
                    .ep = {.out_zp = zo,
                           .lo = lo,
                           .hi = hi,
                           .flo = (float)(lo - zo),
                           .fhi = (float)(hi - zo),
                           .a_xor = i8 ? 0x80808080u : 0,
                           .mode = mode,
                           .out_u8 = !i8},
                    .bias = bias_on ? bias : NULL,
                    .mult = mult,
                    .shift = shift,
                    .scale = scale};
    q.ep.fast = oc_qgemm_fast_ok(mode, scale, oc);
    oc_qref_conv(&g, &req, in, w, bias_on ? bias : NULL, ref, 0, (size_t)g.n * g.oh);

    oc_qfirst_plan p;
    bool took = oc_qfirst_plan_init(&p, &g, &q, oc_qisa_best(NULL));
    if (!q.ep.fast) assert_false(took); /* other rules stay on the implicit GEMM */
    if (took) {
        *ran = true;
        void *pk = oc_aligned_alloc(oc_qfirst_packed_bytes(&p));
        oc_qfirst_pack(&p, w, &q, pk);
        for (int t = 0; t < 2; t++) {
            memset(out, 0xA5, nout + 64);
            oc_qfirst_run(&p, in, pk, &q, out, t ? pool : NULL);
            for (size_t i = 0; i < nout; i++)
                if (out[i] != ref[i])
                    fail_msg("seed %u: n%d %dx%dx%d -> %dx%dx%d k%dx%d s%dx%d p%d,%d %s %s %s "
                             "fast %d: byte %zu is %u, expected %u",
                             seed, g.n, g.ih, g.iw, g.ic, g.oh, g.ow, g.oc, g.kh, g.kw, g.sh, g.sw,
                             g.pt, g.pl, i8 ? "i8" : "u8", wide ? "wide" : "narrow",
                             mode == OC_QREQ_FP32 ? "fp32" : "fixed", q.ep.fast, i, out[i], ref[i]);
            for (size_t i = nout; i < nout + 64; i++)
                assert_int_equal(out[i], 0xA5); /* nothing written past the output */
        }
        oc_aligned_free(pk);
    }
    oc_aligned_free(in);
    free(w);
    free(ref);
    oc_aligned_free(out);
    return took;
}

static void test_random(void **state)
{
    (void)state;
    oc_threadpool *pool = oc_threadpool_create(2);
    bool ran = false;
    size_t taken = 0;
    for (uint32_t seed = 1; seed <= 2000; seed++)
        taken += run_case(seed, pool, &ran);
    oc_threadpool_destroy(pool);
    if (!ran) {
        skip(); /* no AVX-512 VNNI (or a lower path forced) */
        return;
    }
    assert_true(taken > 1000);
}

/* The mobilenet stem exactly (224x224x3 -> 112x112x8, SAME: trailing pad only) and the
 * deeplab one (513 -> 257, 16 channels, leading pad). */
static void test_models(void **state)
{
    (void)state;
    const oc_conv_geom gs[] = {
        {.n = 1,
         .ih = 224,
         .iw = 224,
         .ic = 3,
         .oh = 112,
         .ow = 112,
         .oc = 8,
         .kh = 3,
         .kw = 3,
         .sh = 2,
         .sw = 2,
         .dh = 1,
         .dw = 1,
         .pt = 0,
         .pl = 0},
        {.n = 1,
         .ih = 513,
         .iw = 513,
         .ic = 3,
         .oh = 257,
         .ow = 257,
         .oc = 16,
         .kh = 3,
         .kw = 3,
         .sh = 2,
         .sw = 2,
         .dh = 1,
         .dw = 1,
         .pt = 1,
         .pl = 1},
    };
    uint32_t s = 77;
    for (size_t gi = 0; gi < 2; gi++)
        for (int wide = 0; wide < 2; wide++) {
            const oc_conv_geom *g = &gs[gi];
            const size_t k = 27, oc = (size_t)g->oc;
            const size_t nin = (size_t)g->ih * g->iw * 3, nout = (size_t)g->oh * g->ow * oc;
            uint8_t *in = oc_aligned_alloc(nin), *w = malloc(oc * k);
            uint8_t *ref = malloc(nout), *out = oc_aligned_alloc(nout);
            for (size_t i = 0; i < nin; i++)
                in[i] = (uint8_t)rnd(&s);
            for (size_t i = 0; i < oc * k; i++)
                w[i] = (uint8_t)(wide ? rnd(&s) : 100 + rnd(&s) % 60);
            int32_t bias[16], mult[16], shift[16];
            float scale[16];
            for (size_t c = 0; c < oc; c++) {
                bias[c] = urange(&s, -5000, 5000);
                scale[c] = 0.0007f;
                int sh;
                oc_quantize_multiplier((double)scale[c], &mult[c], &sh);
                shift[c] = sh;
            }
            oc_qreq req = {.in_t = OC_U8,
                           .w_t = OC_U8,
                           .out_t = OC_U8,
                           .bias_t = OC_I32,
                           .in_zp = 128,
                           .w_zp = 130,
                           .out_zp = 0,
                           .lo = 0,
                           .hi = 255,
                           .mode = OC_QREQ_FP32,
                           .mult = mult,
                           .shift = shift,
                           .fscale = scale};
            oc_qconv_q q = {.za = 128,
                            .zw = 130,
                            .w_u8 = true,
                            .bias = bias,
                            .mult = mult,
                            .shift = shift,
                            .scale = scale,
                            .ep = {.out_zp = 0,
                                   .lo = 0,
                                   .hi = 255,
                                   .flo = 0.f,
                                   .fhi = 255.f,
                                   .mode = OC_QREQ_FP32,
                                   .out_u8 = true,
                                   .fast = true}};
            oc_qref_conv(g, &req, in, w, bias, ref, 0, (size_t)g->oh);
            oc_qfirst_plan p;
            if (oc_qfirst_plan_init(&p, g, &q, oc_qisa_best(NULL))) {
                void *pk = oc_aligned_alloc(oc_qfirst_packed_bytes(&p));
                oc_qfirst_pack(&p, w, &q, pk);
                assert_int_equal(((const oc_qfirst_packed *)pk)->eb != 0, wide);
                oc_qfirst_run(&p, in, pk, &q, out, NULL);
                assert_memory_equal(out, ref, nout);
                oc_aligned_free(pk);
            }
            oc_aligned_free(in);
            free(w);
            free(ref);
            oc_aligned_free(out);
        }
}

static void test_rejects(void **state)
{
    (void)state;
    oc_conv_geom g = {.n = 1,
                      .ih = 8,
                      .iw = 8,
                      .ic = 3,
                      .oh = 4,
                      .ow = 4,
                      .oc = 8,
                      .kh = 3,
                      .kw = 3,
                      .sh = 2,
                      .sw = 2,
                      .dh = 1,
                      .dw = 1};
    oc_qconv_q q = {.w_u8 = true, .ep = {.mode = OC_QREQ_FP32, .fast = true}};
    oc_qfirst_plan p;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX2));
    g.oc = 12;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    g.oc = 8, g.ic = 4;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    g.ic = 3, g.dw = 2;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    g.dw = 1, g.sw = 1;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    g.sw = 2, g.kw = 4;
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    g.kw = 3, q.ep.fast = false; /* the stem, without the fast epilogue */
    assert_false(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI));
    q.ep.fast = true; /* the stem itself */
    assert_int_equal(oc_qfirst_plan_init(&p, &g, &q, OC_QISA_AVX512VNNI),
                     oc_qfirst_rows_avx512vnni(&p, &q) != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
