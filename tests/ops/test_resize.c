/* RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: TensorFlow's published small cases, every
 * flag combination against a per-pixel oracle, threads, dtypes, rejections, parsing.
 * Quantized bilinear: outputs recorded from TFLite (tfjs-tflite: XNNPACK for uint8 / int8,
 * TFLite's integer kernel for int16) and a float oracle within 1 LSB. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "fbt_build.h"
#include "ops/misc_params.h"

static void setup(ot_case *c, const oc_op_def *def, const oc_resize_params *p, oc_dtype dt,
                  const int32_t *dims, const void *x, int32_t oh, int32_t ow, bool size_const)
{
    ot_init(c, def);
    c->op.params = p;
    ot_input(c, dt, 4, dims, x, false);
    int32_t two[1] = {2}, hw[2] = {oh, ow};
    ot_input(c, OC_I32, 1, two, hw, size_const);
    ot_output(c, dt);
}

static const float g_2x2[4] = {1, 2, 3, 4};
static const int32_t g_d2x2[4] = {1, 2, 2, 1};

static void check_bilinear(const oc_resize_params *p, int32_t oh, int32_t ow, const float *want)
{
    ot_case c;
    setup(&c, &oc_op_RESIZE_BILINEAR, p, OC_F32, g_d2x2, g_2x2, oh, ow, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    oc_tensor *o = ot_out(&c, 0);
    assert_int_equal(o->shape.dims[1], oh);
    assert_int_equal(o->shape.dims[2], ow);
    ot_assert_near_f32(o->data, want, (size_t)(oh * ow), 4 * FLT_EPSILON);
    ot_free(&c);
}

static void test_bilinear_hand(void **state)
{
    (void)state;
    oc_resize_params none = {false, false}, align = {true, false}, half = {false, true};
    const float w_half[16] = {1,    1.25f, 1.75f, 2,    1.5f, 1.75f, 2.25f, 2.5f,
                              2.5f, 2.75f, 3.25f, 3.5f, 3,    3.25f, 3.75f, 4};
    check_bilinear(&half, 4, 4, w_half);
    const float w_align[9] = {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4};
    check_bilinear(&align, 3, 3, w_align);
    /* no flags, 2 -> 3: sources 0, 2/3, 4/3 (clamped to the last row/column) */
    float t = 2.f / 3.f;
    const float w_none[9] = {1, 1 + t, 2, 1 + 2 * t, 1 + 3 * t, 2 + 2 * t, 3, 3 + t, 4};
    check_bilinear(&none, 3, 3, w_none);
    /* 2 -> 1 with align_corners: out size 1 falls back to in/out scale */
    const float w_one[1] = {1};
    check_bilinear(&align, 1, 1, w_one);
}

static void check_nearest(const oc_resize_params *p, int32_t in, int32_t out,
                          const int32_t *want_idx)
{
    /* a 1 x in row of values 0..in-1 resized along width, so values are source indices */
    float x[16];
    for (int i = 0; i < in; i++)
        x[i] = (float)i;
    int32_t dims[4] = {1, 1, in, 1};
    ot_case c;
    setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, p, OC_F32, dims, x, 1, out, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float *y = ot_out(&c, 0)->data;
    for (int i = 0; i < out; i++)
        assert_int_equal((int)y[i], want_idx[i]);
    ot_free(&c);
}

static void test_nearest_hand(void **state)
{
    (void)state;
    oc_resize_params none = {false, false}, align = {true, false}, half = {false, true},
                     both = {true, true};
    check_nearest(&none, 2, 4, (const int32_t[]){0, 0, 1, 1});
    check_nearest(&none, 4, 2, (const int32_t[]){0, 2});
    check_nearest(&none, 3, 5, (const int32_t[]){0, 0, 1, 1, 2});
    check_nearest(&align, 2, 3, (const int32_t[]){0, 1, 1}); /* round(0.5) = 1 */
    check_nearest(&align, 3, 5, (const int32_t[]){0, 1, 1, 2, 2});
    check_nearest(&half, 2, 4, (const int32_t[]){0, 0, 1, 1});
    check_nearest(&half, 4, 2, (const int32_t[]){1, 3});
    check_nearest(&half, 3, 2, (const int32_t[]){0, 2});
    check_nearest(&both, 2, 3, (const int32_t[]){0, 1, 1});
}

/* Per-pixel oracle written from TensorFlow's formulas (no tables). */
static float oracle_bilinear(const float *x, const int32_t *d, int32_t oh, int32_t ow,
                             const oc_resize_params *p, int b, int oy, int ox, int ch)
{
    float sy =
        p->align_corners && oh > 1 ? (float)(d[1] - 1) / (float)(oh - 1) : (float)d[1] / (float)oh;
    float sx =
        p->align_corners && ow > 1 ? (float)(d[2] - 1) / (float)(ow - 1) : (float)d[2] / (float)ow;
    float fy = p->half_pixel_centers ? (oy + 0.5f) * sy - 0.5f : oy * sy;
    float fx = p->half_pixel_centers ? (ox + 0.5f) * sx - 0.5f : ox * sx;
    int y0 = (int)fmaxf(floorf(fy), 0), y1 = (int)fminf(ceilf(fy), (float)(d[1] - 1));
    int x0 = (int)fmaxf(floorf(fx), 0), x1 = (int)fminf(ceilf(fx), (float)(d[2] - 1));
#define AT(yy, xx) x[(((int64_t)b * d[1] + (yy)) * d[2] + (xx)) * d[3] + ch]
    double wy = fy - y0, wx = fx - x0;
    return (float)(AT(y0, x0) * (1 - wy) * (1 - wx) + AT(y1, x0) * wy * (1 - wx) +
                   AT(y0, x1) * (1 - wy) * wx + AT(y1, x1) * wy * wx);
#undef AT
}

static int oracle_nearest(int32_t in, int32_t out, const oc_resize_params *p, int i)
{
    float s =
        p->align_corners && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
    float v = (i + (p->half_pixel_centers ? 0.5f : 0.f)) * s;
    int r = p->align_corners ? (int)roundf(v) : (int)floorf(v);
    r = r < in - 1 ? r : in - 1;
    return p->half_pixel_centers && r < 0 ? 0 : r;
}

static void test_oracle_all_flags(void **state)
{
    (void)state;
    int32_t dims[][4] = {{2, 5, 7, 3}, {1, 16, 16, 17}, {1, 1, 1, 2}, {3, 9, 4, 1}};
    int32_t sizes[][2] = {{10, 14}, {3, 5}, {7, 7}, {1, 1}, {33, 17}, {128, 128}};
    oc_resize_params flags[4] = {{false, false}, {true, false}, {false, true}, {true, true}};
    srand(3);
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
        const int32_t *d = dims[di];
        int64_t n = (int64_t)d[0] * d[1] * d[2] * d[3];
        float *x = malloc((size_t)n * sizeof *x);
        for (int64_t i = 0; i < n; i++)
            x[i] = (float)rand() / RAND_MAX * 10 - 5;
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int32_t oh = sizes[si][0], ow = sizes[si][1];
            int64_t on = (int64_t)d[0] * oh * ow * d[3];
            for (int f = 0; f < 4; f++) {
                ot_case c;
                if (f < 3) { /* bilinear excludes align_corners + half_pixel_centers */
                    setup(&c, &oc_op_RESIZE_BILINEAR, &flags[f], OC_F32, d, x, oh, ow, true);
                    assert_int_equal(ot_run(&c, 2), OC_OK);
                    const float *y = ot_out(&c, 0)->data;
                    for (int b = 0; b < d[0]; b++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                                for (int ch = 0; ch < d[3]; ch++) {
                                    float w =
                                        oracle_bilinear(x, d, oh, ow, &flags[f], b, oy, ox, ch);
                                    int64_t i = (((int64_t)b * oh + oy) * ow + ox) * d[3] + ch;
                                    ot_assert_near_f32(&y[i], &w, 1, 1e-5f);
                                }
                    ot_free(&c);
                }
                setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, &flags[f], OC_F32, d, x, oh, ow, true);
                assert_int_equal(ot_run(&c, 2), OC_OK);
                const float *y = ot_out(&c, 0)->data;
                for (int64_t i = 0; i < on; i++) {
                    int64_t ch = i % d[3], ox = i / d[3] % ow, oy = i / d[3] / ow % oh;
                    int64_t b = i / d[3] / ow / oh;
                    int sy = oracle_nearest(d[1], oh, &flags[f], (int)oy);
                    int sx = oracle_nearest(d[2], ow, &flags[f], (int)ox);
                    assert_true(y[i] == x[((b * d[1] + sy) * d[2] + sx) * d[3] + ch]);
                }
                ot_free(&c);
            }
        }
        free(x);
    }
}

static void test_nearest_dtypes(void **state)
{
    (void)state;
    const uint8_t xu[4] = {10, 20, 30, 40};
    const int64_t xl[4] = {-1, 1LL << 40, 3, 4};
    oc_resize_params none = {false, false};
    ot_case c;
    setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, &none, OC_U8, g_d2x2, xu, 4, 4, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const uint8_t *yu = ot_out(&c, 0)->data;
    assert_true(yu[0] == 10 && yu[1] == 10 && yu[2] == 20 && yu[15] == 40 && yu[8] == 30);
    ot_free(&c);
    setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, &none, OC_I64, g_d2x2, xl, 2, 4, true);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const int64_t *yl = ot_out(&c, 0)->data;
    assert_true(yl[2] == (1LL << 40) && yl[7] == 4);
    ot_free(&c);
}

static void test_dynamic_size(void **state)
{
    (void)state;
    oc_resize_params align = {true, false};
    ot_case c;
    setup(&c, &oc_op_RESIZE_BILINEAR, &align, OC_F32, g_d2x2, g_2x2, 3, 3, false);
    assert_int_equal(ot_prepare(&c), OC_DYNAMIC);
    assert_int_equal(ot_run(&c, 1), OC_OK);
    const float w[9] = {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4};
    ot_assert_near_f32(ot_out(&c, 0)->data, w, 9, 4 * FLT_EPSILON);
    ot_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    oc_resize_params none = {false, false}, both = {true, true};
    ot_case c;
    setup(&c, &oc_op_RESIZE_BILINEAR, &both, OC_F32, g_d2x2, g_2x2, 3, 3, true);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    assert_non_null(strstr(c.err.msg, "RESIZE_BILINEAR"));
    ot_free(&c);
    setup(&c, &oc_op_RESIZE_BILINEAR, &none, OC_I32, g_d2x2, NULL, 3, 3, true);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, &none, OC_F32, g_d2x2, g_2x2, 0, 3, true);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    setup(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR, &none, OC_F32, g_d2x2, g_2x2, 3, -1, true);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* 3-D input */
    ot_init(&c, &oc_op_RESIZE_BILINEAR);
    c.op.params = &none;
    int32_t d3[3] = {2, 2, 1}, two[1] = {2}, hw[2] = {3, 3}, three[1] = {3}, hw3[3] = {3, 3, 3};
    ot_input(&c, OC_F32, 3, d3, NULL, false);
    ot_input(&c, OC_I32, 1, two, hw, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    /* size of 3 elements, or float size */
    ot_init(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR);
    c.op.params = &none;
    ot_input(&c, OC_F32, 4, g_d2x2, NULL, false);
    ot_input(&c, OC_I32, 1, three, hw3, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
    ot_init(&c, &oc_op_RESIZE_NEAREST_NEIGHBOR);
    c.op.params = &none;
    const float fhw[2] = {3, 3};
    ot_input(&c, OC_F32, 4, g_d2x2, NULL, false);
    ot_input(&c, OC_F32, 1, two, fhw, true);
    ot_output(&c, OC_F32);
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

static void test_parse(void **state)
{
    (void)state;
    oc_op op;
    oc_mem mem = {0};
    oc_err err;
    fbt_buf b;
    const oc_resize_params *p;
    /* ResizeBilinearOptions: new_height 0, new_width 1 (deprecated), align 2, half 3 */
    fbt_field fb[4] = {fbt_absent(), fbt_absent(), fbt_u8(0), fbt_u8(1)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, fb, 4, &op.options);
    assert_int_equal(oc_op_RESIZE_BILINEAR.parse(&op, &mem, &err), OC_OK);
    p = op.params;
    assert_false(p->align_corners);
    assert_true(p->half_pixel_centers);
    /* ResizeNearestNeighborOptions: align 0, half 1 */
    fbt_field fn[2] = {fbt_u8(1), fbt_u8(0)};
    memset(&op, 0, sizeof op);
    fbt_build(&b, fn, 2, &op.options);
    assert_int_equal(oc_op_RESIZE_NEAREST_NEIGHBOR.parse(&op, &mem, &err), OC_OK);
    p = op.params;
    assert_true(p->align_corners);
    assert_false(p->half_pixel_centers);
    oc_mem_free_all(&mem);
}

/* ---- quantized bilinear ---------------------------------------------------------------------- */

static float g_qs = 0.1f;
static int64_t g_qz = 0;

static void setup_q(ot_case *c, const oc_resize_params *p, oc_dtype dt, const int32_t *dims,
                    const void *x, int32_t oh, int32_t ow)
{
    setup(c, &oc_op_RESIZE_BILINEAR, p, dt, dims, x, oh, ow, true);
    c->tensors[c->inputs[0]].q = (oc_qparams){1, 0, &g_qs, &g_qz};
    c->tensors[c->outputs[0]].q = (oc_qparams){1, 0, &g_qs, &g_qz};
}

static int64_t qv(const void *p, oc_dtype t, int64_t i)
{
    return t == OC_U8   ? ((const uint8_t *)p)[i]
           : t == OC_I8 ? ((const int8_t *)p)[i]
                        : ((const int16_t *)p)[i];
}

/* [1,2,3,1] -> [1,3,5,1] for each type and flag set, as TFLite computed them. */
static void test_bilinear_quant_tflite_values(void **state)
{
    (void)state;
    static const uint8_t u[6] = {0, 100, 255, 37, 200, 3};
    static const int8_t s8[6] = {-128, 100, 127, -37, 0, 3};
    static const int16_t h[6] = {-32768, 1000, 32767, -3700, 0, 333};
    static const int32_t want[3][3][15] = {
        {{0, 60, 131, 224, 255, 25, 110, 151, 103, 87, 37, 135, 161, 42, 3},
         {0, 50, 100, 178, 255, 19, 84, 150, 140, 129, 37, 119, 200, 102, 3},
         {0, 40, 100, 193, 255, 19, 71, 150, 137, 129, 37, 102, 200, 82, 3}},
        {{-128, 9, 105, 122, 127, -67, -7, 36, 42, 44, -37, -15, 1, 2, 3},
         {-128, -14, 100, 114, 127, -82, -16, 50, 58, 65, -37, -18, 0, 2, 3},
         {-128, -37, 100, 116, 127, -82, -30, 50, 59, 65, -37, -22, 0, 2, 3}},
        {{-32768, -12520, 7329, 26376, 32767, -13380, -5158, 2485, 8961, 11134, -3700, -1481, 66,
          266, 333},
         {-32768, -15884, 1000, 16884, 32767, -18234, -8867, 500, 8525, 16550, -3700, -1850, 0, 167,
          333},
         {-32768, -19281, 967, 20017, 32767, -18234, -10751, 482, 10108, 16550, -3700, -2222, -4,
          199, 333}}};
    const oc_dtype types[3] = {OC_U8, OC_I8, OC_I16};
    const void *xs[3] = {u, s8, h};
    const oc_resize_params flags[3] = {{false, false}, {true, false}, {false, true}};
    const int32_t d[4] = {1, 2, 3, 1};
    for (int t = 0; t < 3; t++)
        for (int f = 0; f < 3; f++) {
            ot_case c;
            setup_q(&c, &flags[f], types[t], d, xs[t], 3, 5);
            assert_int_equal(ot_run(&c, 1), OC_OK);
            for (int i = 0; i < 15; i++)
                if (qv(ot_out(&c, 0)->data, types[t], i) != want[t][f][i])
                    fail_msg("type %d flags %d elem %d: got %lld want %d", t, f, i,
                             (long long)qv(ot_out(&c, 0)->data, types[t], i), want[t][f][i]);
            ot_free(&c);
        }
}

/* Source position and weight of output index i, as the quantized kernels define them:
 * XNNPACK's (clamped half-pixel positions) for uint8 / int8, TFLite's 10-bit grid for int16
 * (its positions are multiples of 1/1024: on a 16-bit range the grid itself is worth more
 * than 1 LSB, so the oracle uses it and checks only the interpolation). */
static double src_pos(int32_t in, int32_t out, const oc_resize_params *p, int i, bool xnn,
                      int32_t *lo, int32_t *hi)
{
    double scale = p->align_corners && out > 1 ? (double)(in - 1) / (out - 1) : (double)in / out;
    double v = p->half_pixel_centers ? (i + 0.5) * scale - 0.5 : i * scale;
    if (!xnn) {
        int32_t s10 = p->align_corners && out > 1 ? (1024 * (in - 1) + (out - 1) / 2) / (out - 1)
                                                  : (1024 * in + out / 2) / out;
        int32_t v10 = i * s10 + (p->half_pixel_centers ? s10 / 2 - 512 : 0);
        v = v10 / 1024.0;
        *lo = v10 / 1024 > 0 ? v10 / 1024 : 0;
        *hi = (v10 + 1023) / 1024 < in - 1 ? (v10 + 1023) / 1024 : in - 1;
        return v - *lo;
    }
    if (xnn && v < 0) v = 0;
    if (xnn && v > in - 1) v = in - 1;
    *lo = (int32_t)floor(v) < 0 ? 0 : (int32_t)floor(v);
    *hi = (int32_t)ceil(v) > in - 1 ? in - 1 : (int32_t)ceil(v);
    if (*hi == *lo && xnn) *hi = *lo + 1 < in ? *lo + 1 : in - 1;
    return v - *lo;
}

/* Random images, every flag set and type, against float interpolation: within 1 LSB;
 * 2 threads equal 1. */
static void test_bilinear_quant_oracle(void **state)
{
    (void)state;
    const oc_dtype types[3] = {OC_U8, OC_I8, OC_I16};
    const oc_resize_params flags[3] = {{false, false}, {true, false}, {false, true}};
    const int32_t sizes[3][6] = {{2, 5, 7, 3, 11, 9}, {1, 8, 6, 5, 3, 4}, {1, 33, 33, 21, 129, 65}};
    for (int t = 0; t < 3; t++)
        for (int f = 0; f < 3; f++)
            for (int z = 0; z < 3; z++) {
                const int32_t *sz = sizes[z];
                int32_t d[4] = {sz[0], sz[1], sz[2], sz[3]};
                int64_t n = (int64_t)d[0] * d[1] * d[2] * d[3];
                size_t es = types[t] == OC_I16 ? 2 : 1;
                uint8_t *x = malloc((size_t)n * es);
                uint32_t st = (uint32_t)(t * 100 + f * 10 + z);
                for (int64_t i = 0; i < (int64_t)(n * (int64_t)es); i++) {
                    st = st * 1664525u + 1013904223u;
                    x[i] = (uint8_t)(st >> 24);
                }
                ot_case c1, c2;
                setup_q(&c1, &flags[f], types[t], d, x, sz[4], sz[5]);
                setup_q(&c2, &flags[f], types[t], d, x, sz[4], sz[5]);
                assert_int_equal(ot_run(&c1, 1), OC_OK);
                assert_int_equal(ot_run(&c2, 2), OC_OK);
                assert_memory_equal(ot_out(&c1, 0)->data, ot_out(&c2, 0)->data,
                                    ot_out(&c1, 0)->bytes);
                bool xnn = types[t] != OC_I16;
                const void *y = ot_out(&c1, 0)->data;
                for (int b = 0; b < d[0]; b++)
                    for (int oy = 0; oy < sz[4]; oy++)
                        for (int ox = 0; ox < sz[5]; ox++) {
                            int32_t y0, y1, x0, x1;
                            double dy = src_pos(d[1], sz[4], &flags[f], oy, xnn, &y0, &y1);
                            double dx = src_pos(d[2], sz[5], &flags[f], ox, xnn, &x0, &x1);
                            for (int ch = 0; ch < d[3]; ch++) {
#define AT(yy, xx) (double)qv(x, types[t], (((int64_t)b * d[1] + (yy)) * d[2] + (xx)) * d[3] + ch)
                                double v = AT(y0, x0) * (1 - dy) * (1 - dx) +
                                           AT(y0, x1) * (1 - dy) * dx + AT(y1, x0) * dy * (1 - dx) +
                                           AT(y1, x1) * dy * dx;
#undef AT
                                int64_t o = (((int64_t)b * sz[4] + oy) * sz[5] + ox) * d[3] + ch;
                                if (fabs((double)qv(y, types[t], o) - v) > 1.0)
                                    fail_msg("type %d flags %d size %d: out %lld = %lld, float %g",
                                             t, f, z, (long long)o, (long long)qv(y, types[t], o),
                                             v);
                            }
                        }
                ot_free(&c1);
                ot_free(&c2);
                free(x);
            }
}

static void test_bilinear_quant_rejects(void **state)
{
    (void)state;
    oc_resize_params none = {false, false};
    const uint8_t x[4] = {0};
    static float s2 = 0.2f;
    static int64_t z1 = 1;
    ot_case c;
    setup_q(&c, &none, OC_U8, g_d2x2, x, 3, 3);
    assert_int_equal(ot_prepare(&c), OC_OK);
    c.tensors[c.outputs[0]].q.scale = &s2; /* the output must keep the input's parameters */
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    c.tensors[c.outputs[0]].q.scale = &g_qs;
    c.tensors[c.outputs[0]].q.zero_point = &z1;
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    c.tensors[c.outputs[0]].q.zero_point = &g_qz;
    c.tensors[c.outputs[0]].dtype = OC_I8;
    assert_int_equal(ot_prepare(&c), OC_ERROR);
    ot_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bilinear_hand),
        cmocka_unit_test(test_nearest_hand),
        cmocka_unit_test(test_oracle_all_flags),
        cmocka_unit_test(test_nearest_dtypes),
        cmocka_unit_test(test_dynamic_size),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bilinear_quant_tflite_values),
        cmocka_unit_test(test_bilinear_quant_oracle),
        cmocka_unit_test(test_bilinear_quant_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
