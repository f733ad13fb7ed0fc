/* EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "qtest_util.h"

static const oc_op_def *const defs[6] = {&oc_op_EQUAL,      &oc_op_NOT_EQUAL, &oc_op_LESS,
                                         &oc_op_LESS_EQUAL, &oc_op_GREATER,   &oc_op_GREATER_EQUAL};

static uint8_t cmp_ref(int k, double x, double y)
{
    switch (k) {
    case 0: return x == y;
    case 1: return x != y;
    case 2: return x < y;
    case 3: return x <= y;
    case 4: return x > y;
    default: return x >= y;
    }
}

/* Runs op k on (dt, ra, da, a) and (dt, rb, db, b); copies the BOOL output to got. */
static void run_cmp(int k, oc_dtype dt, int ra, const int32_t *da, const void *a, int rb,
                    const int32_t *db, const void *b, uint8_t *got, oc_shape *shape, int nthr)
{
    ot_case c;
    ot_init(&c, defs[k]);
    ot_input(&c, dt, ra, da, a, false);
    ot_input(&c, dt, rb, db, b, false);
    ot_output(&c, OC_BOOL);
    assert_int_equal(ot_run(&c, nthr), OC_OK);
    memcpy(got, ot_out(&c, 0)->data, ot_out(&c, 0)->bytes);
    if (shape) *shape = ot_out(&c, 0)->shape;
    ot_free(&c);
}

static void test_float_broadcast(void **state)
{
    (void)state;
    /* [2,3] against [3]: every op, values including ties and NaN */
    const float a[6] = {1, 2, 3, NAN, -0.f, 5};
    const float b[3] = {2, 2, NAN};
    int32_t da[2] = {2, 3}, db[1] = {3};
    for (int k = 0; k < 6; k++) {
        uint8_t got[6];
        oc_shape s;
        run_cmp(k, OC_F32, 2, da, a, 1, db, b, got, &s, 1);
        assert_int_equal(s.rank, 2);
        assert_int_equal(s.dims[0], 2);
        assert_int_equal(s.dims[1], 3);
        for (int i = 0; i < 6; i++)
            assert_int_equal(got[i], cmp_ref(k, a[i], b[i % 3]));
    }
    /* scalar on the left, column on the right: [] vs [3,1] -> [3,1]; [2,1] vs [1,17] */
    const float s = 2.f, col[3] = {1, 2, 3};
    int32_t dc[2] = {3, 1};
    uint8_t got[34];
    run_cmp(2, OC_F32, 0, NULL, &s, 2, dc, col, got, NULL, 1);
    assert_memory_equal(got, ((uint8_t[]){0, 0, 1}), 3);
    const float c2[2] = {0, 10};
    float r17[17];
    for (int i = 0; i < 17; i++)
        r17[i] = (float)i - 3;
    int32_t d21[2] = {2, 1}, d117[2] = {1, 17};
    run_cmp(5, OC_F32, 2, d21, c2, 2, d117, r17, got, NULL, 1);
    for (int i = 0; i < 34; i++)
        assert_int_equal(got[i], c2[i / 17] >= r17[i % 17]);
}

static void test_int_types(void **state)
{
    (void)state;
    const int32_t a[4] = {INT32_MIN, -1, 0, INT32_MAX}, b = 0;
    const int64_t a64[3] = {INT64_MIN, 5, INT64_MAX}, b64[3] = {INT64_MIN, 6, INT64_MIN};
    int32_t d4 = 4, d3 = 3;
    for (int k = 0; k < 6; k++) {
        uint8_t got[4];
        run_cmp(k, OC_I32, 1, &d4, a, 0, NULL, &b, got, NULL, 1);
        for (int i = 0; i < 4; i++)
            assert_int_equal(got[i], cmp_ref(k, a[i], 0));
        run_cmp(k, OC_I64, 1, &d3, a64, 1, &d3, b64, got, NULL, 1);
        for (int i = 0; i < 3; i++)
            assert_int_equal(got[i], k == 0   ? a64[i] == b64[i]
                                     : k == 1 ? a64[i] != b64[i]
                                     : k == 2 ? a64[i] < b64[i]
                                     : k == 3 ? a64[i] <= b64[i]
                                     : k == 4 ? a64[i] > b64[i]
                                              : a64[i] >= b64[i]);
    }
    /* uint8 with no quantization: raw order */
    const uint8_t u[3] = {0, 128, 255}, v = 128;
    uint8_t got[3];
    run_cmp(4, OC_U8, 1, &d3, u, 0, NULL, &v, got, NULL, 1);
    assert_memory_equal(got, ((uint8_t[]){0, 0, 1}), 3);
}

static void test_bool_equal(void **state)
{
    (void)state;
    const uint8_t a[4] = {0, 1, 0, 1}, b[4] = {0, 0, 1, 1};
    int32_t d4 = 4;
    uint8_t got[4];
    run_cmp(0, OC_BOOL, 1, &d4, a, 1, &d4, b, got, NULL, 1);
    assert_memory_equal(got, ((uint8_t[]){1, 0, 0, 1}), 4);
    run_cmp(1, OC_BOOL, 1, &d4, a, 1, &d4, b, got, NULL, 1);
    assert_memory_equal(got, ((uint8_t[]){0, 1, 1, 0}), 4);
}

static void test_large_threads(void **state)
{
    (void)state;
    int32_t d[2] = {1001, 67}, dr[1] = {67};
    float *a = malloc(1001 * 67 * 4), r[67];
    for (int i = 0; i < 1001 * 67; i++)
        a[i] = (float)(i % 13);
    for (int i = 0; i < 67; i++)
        r[i] = (float)(i % 7) + 3;
    uint8_t *got = malloc(1001 * 67);
    run_cmp(2, OC_F32, 2, d, a, 1, dr, r, got, NULL, 2);
    for (int i = 0; i < 1001 * 67; i++)
        assert_int_equal(got[i], a[i] < r[i % 67]);
    free(a);
    free(got);
}

static oc_status prep(int k, oc_dtype ta, int32_t na, oc_dtype tb, int32_t nb, oc_dtype to,
                      char *msg)
{
    ot_case c;
    ot_init(&c, defs[k]);
    ot_input(&c, ta, 1, &na, NULL, false);
    ot_input(&c, tb, 1, &nb, NULL, false);
    ot_output(&c, to);
    oc_status st = ot_prepare(&c);
    strcpy(msg, c.err.msg);
    ot_free(&c);
    return st;
}

static void test_rejections(void **state)
{
    (void)state;
    char msg[OC_ERR_MSG_MAX];
    assert_int_equal(prep(0, OC_F32, 3, OC_F32, 3, OC_F32, msg), OC_ERROR); /* output not BOOL */
    assert_non_null(strstr(msg, "EQUAL"));
    assert_int_equal(prep(2, OC_F32, 3, OC_I32, 3, OC_BOOL, msg), OC_ERROR);
    assert_non_null(strstr(msg, "differ"));
    assert_int_equal(prep(2, OC_BOOL, 3, OC_BOOL, 3, OC_BOOL, msg), OC_ERROR); /* LESS on bool */
    assert_non_null(strstr(msg, "BOOL"));
    assert_int_equal(prep(4, OC_F32, 3, OC_F32, 4, OC_BOOL, msg), OC_ERROR);
    assert_non_null(strstr(msg, "broadcast"));
    assert_int_equal(prep(4, OC_F16, 3, OC_F16, 3, OC_BOOL, msg), OC_ERROR);
    assert_int_equal(prep(1, OC_I64, 3, OC_I64, 1, OC_BOOL, msg), OC_OK);
    /* int16 inputs must share their parameters; int8 ones are rescaled; an 8-bit input
     * quantized against an unquantized one is an error */
    float s1 = 0.5f, s2 = 0.25f;
    int64_t zp = 0;
    int32_t d3 = 3;
    oc_dtype ts[2] = {OC_I16, OC_I8};
    for (int i = 0; i < 2; i++) {
        ot_case c;
        ot_init(&c, &oc_op_GREATER);
        int ia = ot_input(&c, ts[i], 1, &d3, NULL, false);
        int ib = ot_input(&c, ts[i], 1, &d3, NULL, false);
        ot_output(&c, OC_BOOL);
        c.tensors[ia].q = (oc_qparams){1, 0, &s1, &zp};
        c.tensors[ib].q = (oc_qparams){1, 0, &s2, &zp};
        assert_int_equal(ot_prepare(&c), ts[i] == OC_I16 ? OC_ERROR : OC_OK);
        c.tensors[ib].q.scale = &s1;
        assert_int_equal(ot_prepare(&c), OC_OK);
        c.tensors[ib].q.count = 0;
        assert_int_equal(ot_prepare(&c), OC_ERROR);
        ot_free(&c);
    }
}

/* uint8/int8 with different quantization against the real values (TFLite rescales both sides
 * to ((x - zp) << 8) * scale in fixed point): exact wherever the real values differ by more
 * than the rounding of that scaling. */
static void test_quantized_rescale(void **state)
{
    (void)state;
    uint32_t seed = 42;
    for (int rep = 0; rep < 24; rep++) {
        int k = rep % 6;
        oc_dtype t = rep % 2 ? OC_U8 : OC_I8;
        int32_t n = 301;
        qt_spec in[2] = {{t, 1, {n}, qt_rscale(&seed, 0.01, 0.2), qt_rzp(&seed, t)},
                         {t, 1, {n}, qt_rscale(&seed, 0.01, 0.2), qt_rzp(&seed, t)}};
        qt_spec o = {OC_BOOL, 1, {n}, 0.f, 0};
        void *da = qt_rand(t, n, seed), *db = qt_rand(t, n, seed + 3);
        const void *data[2] = {da, db};
        uint8_t got[301];
        assert_int_equal(qt_run(defs[k], NULL, 2, in, data, &o, got, 2, NULL), OC_OK);
        for (int i = 0; i < n; i++) {
            double x = qt_deq(&in[0], qt_get(t, da, i)), y = qt_deq(&in[1], qt_get(t, db, i));
            /* the rescaled values have 1/256 resolution: far apart values decide exactly */
            if (fabs(x - y) > 0.01) assert_int_equal(got[i], cmp_ref(k, x, y));
        }
        free(da);
        free(db);
    }
    /* hand-picked: 0.5 * (3 - 1) == 0.25 * (4 - 0), and 1.0 > 0.75 */
    int8_t a[2] = {3, 3}, b[2] = {4, 3};
    qt_spec in[2] = {{OC_I8, 1, {2}, 0.5f, 1}, {OC_I8, 1, {2}, 0.25f, 0}};
    qt_spec o = {OC_BOOL, 1, {2}, 0.f, 0};
    const void *data[2] = {a, b};
    uint8_t got[2];
    assert_int_equal(qt_run(&oc_op_EQUAL, NULL, 2, in, data, &o, got, 1, NULL), OC_OK);
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], 0);
    assert_int_equal(qt_run(&oc_op_GREATER, NULL, 2, in, data, &o, got, 1, NULL), OC_OK);
    assert_int_equal(got[0], 0);
    assert_int_equal(got[1], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_broadcast), cmocka_unit_test(test_int_types),
        cmocka_unit_test(test_bool_equal),      cmocka_unit_test(test_large_threads),
        cmocka_unit_test(test_rejections),      cmocka_unit_test(test_quantized_rescale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
