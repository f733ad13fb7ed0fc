/* RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: TensorFlow's published small cases, every
 * flag combination against a per-pixel oracle, threads, dtypes, rejections, parsing. */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
