/* The packed 8-bit GEMM layer (kernels/qgemm.h) directly: every micro-kernel of every integer
 * path this CPU can run (C, AVX2, AVX-VNNI, AVX-512 VNNI) against a straightforward
 * reference written here, over M/N/K around the tile edges, for uint8 x uint8 (asymmetric
 * weights: row terms), int8 x int8 (symmetric, and asymmetric as FC allows), both
 * requantization rules (TFLite fixed point, XNNPACK fp32) and fused clamps; plain and
 * provider-supplied rows; GEMV; 2 threads equal to 1; kernel selection; the vector
 * requantization on extreme accumulators, multipliers and shifts. The plain-A "rows" kernels
 * (oc_qgemm_kernel.rows) also with the row terms summed in the kernel (oc_qgemm_ep.rs_eb), on
 * the depths with their own code, C wider than the output (bytes outside stay untouched) and
 * scales beyond the fast epilogue's bound; 1x1 convolutions on them against the C path. */
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
#include "core/fixedpoint.h"
#include "core/mem.h"
#include "kernels/qconv.h"
#include "kernels/qgemm.h"

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Kernel tables this CPU can execute. */
static const oc_qgemm_kernel *usable(oc_qisa isa, size_t *n)
{
    const oc_cpu *cpu = oc_cpu_get();
    *n = 0;
    switch (isa) {
    case OC_QISA_AVX512VNNI:
        return cpu->avx512_vnni && cpu->avx512 ? oc_qgemm_kernels_avx512vnni(n) : NULL;
    case OC_QISA_AVXVNNI: return cpu->avx_vnni ? oc_qgemm_kernels_avxvnni(n) : NULL;
    case OC_QISA_AVX2: return cpu->avx2_fma ? oc_qgemm_kernels_avx2(n) : NULL;
    default: return oc_qgemm_kernels_c(n);
    }
}

typedef struct qcase {
    size_t m, n, k;
    size_t ldc; /* C row stride (0: n) */
    bool act_i8, w_u8;
    int32_t za, zw, zo;
    oc_qreq_mode mode;
    int32_t lo, hi;
    bool bias;
    bool big_scales; /* every third scale >= 0.5: no fast epilogue */
    bool in_kernel;  /* row terms summed by a rows kernel (only kernels with one, plain A) */
    unsigned seed;
} qcase;

static size_t ldc_of(const qcase *q)
{
    return q->ldc ? q->ldc : q->n;
}

/* Independent reference: the quantized dot product and the two requantization rules. */
static int32_t ref_requant(int64_t acc, int32_t mult, int shift, float scale, const qcase *q)
{
    int32_t a32 = (int32_t)(uint32_t)(uint64_t)acc;
    if (q->mode == OC_QREQ_FP32) {
        float f = (float)a32 * scale;
        f = fminf(fmaxf(f, (float)(q->lo - q->zo)), (float)(q->hi - q->zo));
        return (int32_t)nearbyintf(f) + q->zo;
    }
    /* TFLite: RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << l, m), r) */
    int l = shift > 0 ? shift : 0, r = shift > 0 ? 0 : -shift;
    int64_t x = (int64_t)(int32_t)((uint32_t)a32 << l) * mult;
    int64_t hm = (x + (x >= 0 ? (1 << 30) : 1 - (1 << 30))) / ((int64_t)1 << 31);
    /* RoundingDivideByPOT: nearest, ties away from zero */
    int64_t v = hm;
    if (r > 0) {
        int64_t h = (int64_t)1 << (r - 1);
        v = hm >= 0 ? (hm + h) >> r : -((-hm + h) >> r);
    }
    int32_t y = (int32_t)v + q->zo;
    return y < q->lo ? q->lo : y > q->hi ? q->hi : y;
}

typedef struct data {
    size_t kpad;
    uint8_t *a; /* m x kpad raw activation bytes (pad columns hold junk) */
    uint8_t *w; /* n x k raw weight bytes */
    int32_t *bias, *mult, *shift, *rs;
    float *scale;
} data;

static void make(const qcase *q, data *d)
{
    uint32_t s = q->seed * 7919u + 13u;
    d->kpad = (q->k + 3) / 4 * 4;
    d->a = malloc(q->m * d->kpad + 1);
    d->w = malloc(q->n * q->k + 1);
    d->bias = malloc((q->n + 1) * 4);
    d->mult = malloc((q->n + 1) * 4);
    d->shift = malloc((q->n + 1) * 4);
    d->scale = malloc((q->n + 1) * 4);
    d->rs = malloc((q->m + 1) * 4);
    for (size_t i = 0; i < q->m * d->kpad; i++)
        d->a[i] = (uint8_t)rnd(&s);
    for (size_t i = 0; i < q->n * q->k; i++)
        d->w[i] = (uint8_t)rnd(&s);
    for (size_t j = 0; j < q->n; j++) {
        d->bias[j] = (int32_t)(rnd(&s) % 200001) - 100000;
        /* multipliers from real scales spanning shifts -12..+1 */
        double real = ldexp(0.5 + (double)(rnd(&s) % 1000) / 2000.0,
                            -(int)(rnd(&s) % 14) + (q->seed % 2 ? -1 : 1)); /* odd: all < 0.5 */
        if (j % 5 == 4) real = ldexp(real, -8);
        if (q->big_scales && j % 3 == 1) real = ldexp(real, 7);
        int sh;
        oc_quantize_multiplier(real, &d->mult[j], &sh);
        d->shift[j] = sh;
        d->scale[j] = (float)real;
    }
}

static void unmake(data *d)
{
    free(d->a);
    free(d->w);
    free(d->bias);
    free(d->mult);
    free(d->shift);
    free(d->scale);
    free(d->rs);
}

static int32_t aval(const qcase *q, uint8_t b)
{
    return q->act_i8 ? (int32_t)(int8_t)b : (int32_t)b;
}

static int32_t wv(const qcase *q, uint8_t b)
{
    return q->w_u8 ? (int32_t)b : (int32_t)(int8_t)b;
}

static void reference(const qcase *q, const data *d, uint8_t *out)
{
    for (size_t i = 0; i < q->m; i++)
        for (size_t j = 0; j < q->n; j++) {
            int64_t acc = q->bias ? d->bias[j] : 0;
            for (size_t p = 0; p < q->k; p++)
                acc += (int64_t)(aval(q, d->a[i * d->kpad + p]) - q->za) *
                       (wv(q, d->w[j * q->k + p]) - q->zw);
            out[i * ldc_of(q) + j] =
                (uint8_t)ref_requant(acc, d->mult[j], d->shift[j], d->scale[j], q);
        }
}

typedef struct copy_arg {
    const uint8_t *a;
    size_t lda;
    const int32_t *off;
} copy_arg;

/* Provider copying rows into scratch. */
static void copy_rows(const void *vp, size_t m0, size_t m, uint8_t *scratch, oc_qgemm_a *out)
{
    const copy_arg *c = vp;
    for (size_t r = 0; r < m; r++) {
        memcpy(scratch + r * c->lda, c->a + (m0 + r) * c->lda, c->lda);
        out->rows[r] = scratch + r * c->lda;
    }
    out->off = c->off;
}

static void run_kernel(const oc_qgemm_kernel *kr, const qcase *q, const data *d, bool provider,
                       int threads, uint8_t *out)
{
    const int32_t xa = q->act_i8 ? 128 : 0, xb = q->w_u8 ? 128 : 0;
    const int32_t ea = xa + q->za, eb = xb - q->zw;
    oc_qgemm_b b = {.n = q->n,
                    .k = q->k,
                    .kpad = d->kpad,
                    .w = d->w,
                    .w_u8 = q->w_u8,
                    .sn = q->k,
                    .sk = 1,
                    .bias = q->bias ? d->bias : NULL,
                    .ea = ea,
                    .eb = eb,
                    .mult = d->mult,
                    .shift = d->shift,
                    .scale = d->scale};
    size_t bytes = oc_qgemm_packed_bytes(kr, q->n, d->kpad);
    assert_true(bytes > 0);
    void *packed = oc_aligned_alloc(bytes);
    oc_qgemm_pack(kr, &b, packed);
    int32_t *rs = NULL;
    if (eb != 0 && !q->in_kernel) {
        rs = d->rs;
        for (size_t i = 0; i < q->m; i++) {
            int64_t sum = 0;
            for (size_t p = 0; p < q->k; p++)
                sum += aval(q, d->a[i * d->kpad + p]) + xa;
            rs[i] = (int32_t)(eb * sum);
        }
    }
    oc_qgemm_ep ep = {.out_zp = q->zo,
                      .lo = q->lo,
                      .hi = q->hi,
                      .flo = (float)(q->lo - q->zo),
                      .fhi = (float)(q->hi - q->zo),
                      .a_xor = q->act_i8 ? 0x80808080u : 0,
                      .mode = q->mode,
                      .out_u8 = !q->act_i8,
                      .fast = oc_qgemm_fast_ok(q->mode, d->scale, q->n),
                      .rs_eb = q->in_kernel ? eb : 0};
    oc_qgemm_plan plan;
    oc_qgemm_plan_init(&plan, kr, q->m, q->n, d->kpad, provider, threads > 1 ? 3 : 0);
    int32_t *off = oc_qgemm_plain_offsets(d->kpad / 4);
    copy_arg ca = {d->a, d->kpad, off};
    uint8_t *scratch = NULL;
    if (provider) scratch = oc_aligned_alloc(oc_qgemm_plan_scratch(&plan) + 64);
    oc_qgemm_args args = {.a = provider ? NULL : d->a,
                          .lda = d->kpad,
                          .off = off,
                          .get_a = copy_rows,
                          .a_arg = &ca,
                          .packed = packed,
                          .c = out,
                          .ldc = ldc_of(q),
                          .rs = rs,
                          .ep = &ep,
                          .scratch = scratch};
    oc_threadpool *pool = threads > 1 ? oc_threadpool_create(threads) : NULL;
    oc_kernels_force_parallel(threads > 1);
    oc_qgemm_run(&plan, &args, pool);
    oc_kernels_force_parallel(false);
    oc_threadpool_destroy(pool);
    oc_aligned_free(scratch);
    oc_aligned_free(packed);
    free(off);
}

static void check_case(const qcase *q)
{
    data d;
    make(q, &d);
    const size_t bytes = q->m * ldc_of(q) + 64;
    uint8_t *want = malloc(bytes), *got = malloc(bytes);
    memset(want, 0xA5, bytes);
    reference(q, &d, want);
    for (int isa = 0; isa < OC_QISA_COUNT; isa++) {
        size_t nk = 0;
        const oc_qgemm_kernel *t = usable((oc_qisa)isa, &nk);
        for (size_t i = 0; i < nk; i++)
            for (int variant = 0; variant < 3; variant++) {
                /* rs_eb is a contract of the rows functions only (plain A, m > 1) */
                if (q->in_kernel && (!t[i].rows || variant == 1 || q->m == 1)) continue;
                memset(got, 0xA5, bytes);
                run_kernel(&t[i], q, &d, variant == 1, variant == 2 ? 2 : 1, got);
                for (size_t e = 0; e < bytes; e++)
                    if (got[e] != want[e])
                        fail_msg("%s m%zu n%zu k%zu ldc%zu %s%s zw %d mode %d big %d kern %d "
                                 "variant %d: byte %zu got %d want %d",
                                 t[i].name, q->m, q->n, q->k, ldc_of(q), q->act_i8 ? "i8" : "u8",
                                 q->w_u8 ? "xu8" : "xi8", q->zw, (int)q->mode, q->big_scales,
                                 q->in_kernel, variant, e, got[e], want[e]);
            }
    }
    free(want);
    free(got);
    unmake(&d);
}

static void type_range(bool i8, int32_t *lo, int32_t *hi)
{
    *lo = i8 ? -128 : 0;
    *hi = i8 ? 127 : 255;
}

static void test_shapes(void **state)
{
    (void)state;
    static const size_t ms[] = {1, 2, 5, 6, 12, 13, 16, 17, 29};
    static const size_t ns[] = {1, 3, 8, 9, 16, 17, 32, 33, 64, 65, 100};
    static const size_t ks[] = {1, 3, 4, 7, 16, 33, 96};
    unsigned seed = 1;
    for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
        for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
            size_t k = ks[(mi + ni) % (sizeof ks / sizeof ks[0])];
            for (int kind = 0; kind < 3; kind++) {
                qcase q = {.m = ms[mi], .n = ns[ni], .k = k, .seed = seed++, .bias = true};
                q.act_i8 = kind != 0;
                q.w_u8 = kind == 0;
                q.za = q.act_i8 ? -5 : 131;
                q.zw = kind == 0 ? 140 : kind == 2 ? 3 : 0;
                q.zo = q.act_i8 ? 7 : 120;
                q.mode = (mi + ni + (size_t)kind) % 2 ? OC_QREQ_FP32 : OC_QREQ_FIXED;
                type_range(q.act_i8, &q.lo, &q.hi);
                check_case(&q);
            }
        }
}

static void test_modes_clamps(void **state)
{
    (void)state;
    unsigned seed = 500;
    for (int mode = 0; mode < 2; mode++)
        for (int kind = 0; kind < 3; kind++)
            for (int clamp = 0; clamp < 3; clamp++) {
                qcase q = {.m = 23, .n = 45, .k = 70, .seed = seed++, .bias = clamp != 1};
                q.act_i8 = kind != 0;
                q.w_u8 = kind == 0;
                q.za = q.act_i8 ? 100 : 3;
                q.zw = kind == 0 ? 255 : kind == 2 ? -128 : 0;
                q.zo = q.act_i8 ? -128 : 0;
                q.mode = (oc_qreq_mode)mode;
                type_range(q.act_i8, &q.lo, &q.hi);
                if (clamp == 1) q.lo = q.zo; /* RELU */
                if (clamp == 2) {            /* RELU6-like */
                    q.lo = q.zo + 2;
                    q.hi = q.zo + 60;
                }
                check_case(&q);
            }
}

/* The vector epilogues on extreme accumulators and multipliers against the scalar rule. */
static void test_requant_extremes(void **state)
{
    (void)state;
    static const int32_t accs[] = {0,         1,          -1,          2,          -2,
                                   1 << 20,   -(1 << 20), 12345678,    -12345678,  INT32_MAX,
                                   INT32_MIN, 0x40000000, -0x40000000, 0x3FFFFFFF, 1 << 30};
    static const double reals[] = {1e-9, 1.0 / 3, 0.5, 0.999999, 1.0, 1.5, 3.25, 100.0, 2e-10};
    for (int mode = 0; mode < 2; mode++)
        for (size_t ri = 0; ri < sizeof reals / sizeof reals[0]; ri++) {
            /* one column per accumulator value: m = 1, k = 4 (a = 0 contributes nothing), the
             * accumulator is carried by the bias */
            size_t n = sizeof accs / sizeof accs[0];
            qcase q = {.m = 1,
                       .n = n,
                       .k = 4,
                       .act_i8 = true,
                       .w_u8 = false,
                       .za = -128,
                       .zo = 0,
                       .mode = (oc_qreq_mode)mode,
                       .bias = true,
                       .seed = 9};
            type_range(true, &q.lo, &q.hi);
            data d;
            make(&q, &d);
            memset(d.a, 0x80, d.kpad); /* int8 -128 = za: (a - za) = 0 */
            for (size_t j = 0; j < n; j++) {
                d.bias[j] = accs[j];
                int sh;
                oc_quantize_multiplier(reals[ri], &d.mult[j], &sh);
                d.shift[j] = sh;
                d.scale[j] = (float)reals[ri];
            }
            uint8_t want[32], got[32];
            reference(&q, &d, want);
            for (int isa = 0; isa < OC_QISA_COUNT; isa++) {
                size_t nk = 0;
                const oc_qgemm_kernel *t = usable((oc_qisa)isa, &nk);
                for (size_t i = 0; i < nk; i++) {
                    run_kernel(&t[i], &q, &d, false, 1, got);
                    for (size_t j = 0; j < n; j++)
                        if (got[j] != want[j])
                            fail_msg("%s mode %d real %g acc %d: got %d want %d", t[i].name, mode,
                                     reals[ri], accs[j], (int8_t)got[j], (int8_t)want[j]);
                }
            }
            unmake(&d);
        }
}

static void test_scalar_rule_matches_tflite(void **state)
{
    (void)state;
    /* oc_qgemm_requant's fixed rule is oc_mul_by_qm; the reference above is an independent
     * transcription of TFLite's formula */
    uint32_t s = 77;
    qcase q = {.mode = OC_QREQ_FIXED, .lo = INT32_MIN, .hi = INT32_MAX};
    oc_qgemm_ep ep = {.lo = INT32_MIN, .hi = INT32_MAX, .mode = OC_QREQ_FIXED};
    for (int i = 0; i < 200000; i++) {
        int32_t acc = (int32_t)(rnd(&s) << 8 ^ rnd(&s));
        double real = ldexp(0.5 + (double)(rnd(&s) % 100000) / 200000.0, (int)(rnd(&s) % 40) - 32);
        int32_t m;
        int sh;
        oc_quantize_multiplier(real, &m, &sh);
        if (sh > 0 && i % 2) acc >>= 8; /* keep most left shifts in range */
        int32_t a = oc_qgemm_requant(acc, m, sh, 0.f, &ep), b = ref_requant(acc, m, sh, 0.f, &q);
        if (a != b) fail_msg("acc %d m %d shift %d: %d vs %d", acc, m, sh, a, b);
    }
}

/* The rows kernels over depths with and without their own code, rows around the tile
 * heights, columns around the panel widths, C wider than the output; uint8 (weight zero
 * points giving eb = 0, 128 and others) and int8 (asymmetric weights, as FC allows). */
static void test_rows_shapes(void **state)
{
    (void)state;
    static const size_t ks[] = {4, 8, 12, 16, 24, 32, 40, 64, 68, 128, 264};
    static const size_t ns[] = {1, 8, 15, 16, 17, 32, 33, 64, 96, 130};
    static const size_t ms[] = {2, 5, 6, 12, 16, 17, 25, 49, 100};
    unsigned seed = 1000;
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
            for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++, seed++) {
                if ((ki + ni + mi) % 3 != 0 && ms[mi] > 17) continue; /* keep it quick */
                qcase q = {.m = ms[mi],
                           .n = ns[ni],
                           .k = ks[ki],
                           .ldc = ns[ni] + (seed % 4 == 0 ? 7 : 0),
                           .act_i8 = seed % 2 == 1,
                           .w_u8 = seed % 2 == 0,
                           .za = (int32_t)(seed * 37 % 256) - (seed % 2 ? 128 : 0),
                           .zw = seed % 2 ? (int32_t)(seed % 5) - 2 : (int32_t)(seed * 11 % 256),
                           .zo = (int32_t)(seed % 7) - 3 + (seed % 2 ? 0 : 128),
                           .mode = OC_QREQ_FP32,
                           .bias = true,
                           .in_kernel = seed % 3 != 0,
                           .seed = seed};
                type_range(q.act_i8, &q.lo, &q.hi);
                q.lo += (int32_t)(seed % 3) * 20;
                q.hi -= (int32_t)(seed % 2) * 60;
                check_case(&q);
            }
}

/* Fixed-point rule, scales >= 0.5 (no fast epilogue), eb = 0 and eb = 128 (zw 128 / 0). */
static void test_rows_modes(void **state)
{
    (void)state;
    static const size_t ks[] = {8, 16, 32, 64, 96};
    unsigned seed = 3000;
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (int v = 0; v < 8; v++, seed++) {
            qcase q = {.m = 12 + (size_t)v * 5,
                       .n = v % 2 ? 32 : 16,
                       .k = ks[ki],
                       .act_i8 = v >= 6,
                       .w_u8 = v < 6,
                       .za = v >= 6 ? -5 : 131,
                       .zw = v == 3 ? 128 : v == 2 || v >= 6 ? 0 : 77,
                       .zo = v >= 6 ? 1 : 120,
                       .mode = v == 4 || v == 6 ? OC_QREQ_FIXED : OC_QREQ_FP32,
                       .bias = true,
                       .big_scales = v == 5 || v == 7,
                       .in_kernel = true,
                       .seed = seed};
            type_range(q.act_i8, &q.lo, &q.hi);
            check_case(&q);
        }
}

/* 1x1 stride-1 convolutions (the direct path) on the best path against the C path. */
static void test_conv1x1(void **state)
{
    (void)state;
    static const int shapes[][3] = {{13, 8, 16}, {9, 16, 32},  {7, 32, 32},  {6, 32, 64},
                                    {5, 64, 64}, {4, 64, 128}, {3, 128, 40}, {3, 12, 24},
                                    {1, 64, 64}, {11, 8, 8},   {2, 256, 33}, {5, 4, 20}};
    const oc_qisa best = oc_qisa_best(NULL);
    uint32_t s = 99;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (int i8 = 0; i8 < 2; i8++) {
            const int h = shapes[i][0], ic = shapes[i][1], oc = shapes[i][2];
            oc_conv_geom g = {2, h, h + 1, ic, h, h + 1, oc, 1, 1, 1, 1, 1, 1, 0, 0};
            int32_t *mult = malloc((size_t)oc * 4), *shift = malloc((size_t)oc * 4);
            int32_t *bias = malloc((size_t)oc * 4);
            float *scale = malloc((size_t)oc * 4);
            for (int j = 0; j < oc; j++) {
                double real = ldexp(0.5 + (double)(rnd(&s) % 1000) / 2000.0, -6 - (j % 5));
                int sh;
                oc_quantize_multiplier(real, &mult[j], &sh);
                shift[j] = sh;
                scale[j] = (float)real;
                bias[j] = (int32_t)(rnd(&s) % 2001) - 1000;
            }
            oc_qconv_q q = {.act_i8 = i8,
                            .w_u8 = !i8,
                            .za = i8 ? -3 : 119,
                            .zw = i8 ? 0 : 140,
                            .bias = bias,
                            .mult = mult,
                            .shift = shift,
                            .scale = scale};
            q.ep = (oc_qgemm_ep){.out_zp = i8 ? -2 : 125,
                                 .lo = i8 ? -128 : 0,
                                 .hi = i8 ? 127 : 255,
                                 .a_xor = i8 ? 0x80808080u : 0,
                                 .mode = OC_QREQ_FP32,
                                 .out_u8 = !i8};
            q.ep.flo = (float)(q.ep.lo - q.ep.out_zp);
            q.ep.fhi = (float)(q.ep.hi - q.ep.out_zp);
            q.ep.fast = oc_qgemm_fast_ok(q.ep.mode, scale, (size_t)oc);
            const size_t in_n = (size_t)2 * h * (h + 1) * ic, out_n = (size_t)2 * h * (h + 1) * oc;
            uint8_t *in = malloc(in_n), *w = malloc((size_t)ic * oc);
            for (size_t e = 0; e < in_n; e++)
                in[e] = (uint8_t)rnd(&s);
            for (size_t e = 0; e < (size_t)ic * oc; e++)
                w[e] = (uint8_t)rnd(&s);
            uint8_t *out[2];
            for (int pth = 0; pth < 2; pth++) {
                oc_qconv_plan p;
                assert_true(oc_qconv_plan_init(&p, &g, &q, pth ? best : OC_QISA_C));
                assert_true(p.direct);
                void *pk = oc_aligned_alloc(oc_qconv_packed_bytes(&p));
                uint8_t *scratch = oc_aligned_alloc(p.scratch_bytes + 64);
                oc_qconv_pack(&p, w, &q, pk);
                out[pth] = malloc(out_n);
                oc_qconv_run(&p, in, pk, &q, out[pth], scratch, NULL);
                oc_aligned_free(pk);
                oc_aligned_free(scratch);
                oc_qconv_plan_free(&p);
            }
            if (memcmp(out[0], out[1], out_n) != 0)
                fail_msg("conv 1x1 %dx%d %d->%d i8=%d differs from the C path", h, h + 1, ic, oc,
                         i8);
            free(out[0]);
            free(out[1]);
            free(in);
            free(w);
            free(mult);
            free(shift);
            free(bias);
            free(scale);
        }
}

static void test_selection(void **state)
{
    (void)state;
    for (int isa = 0; isa < OC_QISA_COUNT; isa++)
        for (size_t n = 1; n < 300; n += 7) {
            const oc_qgemm_kernel *k = oc_qgemm_kernel_select((oc_qisa)isa, n);
            assert_non_null(k);
            assert_true((int)k->isa <= isa);
        }
    assert_string_equal(oc_qisa_name(OC_QISA_C), "c");
    oc_cpu none = {0};
    assert_int_equal(oc_qisa_best(&none), OC_QISA_C);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalar_rule_matches_tflite),
        cmocka_unit_test(test_requant_extremes),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_modes_clamps),
        cmocka_unit_test(test_rows_shapes),
        cmocka_unit_test(test_rows_modes),
        cmocka_unit_test(test_conv1x1),
        cmocka_unit_test(test_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
