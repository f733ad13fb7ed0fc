/* Helpers shared by the quantized elementwise op tests (test_binary_q.c, test_activation_q.c,
 * test_quantize.c, test_compare.c, test_unary.c): tensors described by a small spec, a runner
 * that checks 2 threads against 1 bit for bit, raw value access and a float-simulated
 * reference (dequantize, float op, requantize). */
#ifndef OC_TESTS_QTEST_UTIL_H
#define OC_TESTS_QTEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"

typedef struct qt_spec {
    oc_dtype t;
    int rank;
    int32_t dims[6];
    float scale; /* 0: no quantization */
    int64_t zp;
} qt_spec;

static inline int64_t qt_count(const qt_spec *s)
{
    int64_t n = 1;
    for (int i = 0; i < s->rank; i++)
        n *= s->dims[i];
    return n;
}

static inline double qt_get(oc_dtype t, const void *p, int64_t i)
{
    switch (t) {
    case OC_U8: return ((const uint8_t *)p)[i];
    case OC_I8: return ((const int8_t *)p)[i];
    case OC_I16: return ((const int16_t *)p)[i];
    case OC_I32: return ((const int32_t *)p)[i];
    case OC_BOOL: return ((const uint8_t *)p)[i];
    default: return ((const float *)p)[i];
    }
}

static inline void qt_set(oc_dtype t, void *p, int64_t i, double v)
{
    switch (t) {
    case OC_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OC_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OC_I16: ((int16_t *)p)[i] = (int16_t)v; break;
    case OC_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    default: ((float *)p)[i] = (float)v; break;
    }
}

static inline void qt_range(oc_dtype t, double *lo, double *hi)
{
    *lo = t == OC_U8 ? 0 : t == OC_I8 ? -128 : t == OC_I16 ? -32768 : -2147483648.0;
    *hi = t == OC_U8 ? 255 : t == OC_I8 ? 127 : t == OC_I16 ? 32767 : 2147483647.0;
}

static inline uint32_t qt_next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Uniform in [lo, hi). */
static inline double qt_uniform(uint32_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)qt_next(s) / 16777216.0;
}

/* A buffer of n raw values spread over the whole range of t (floats in [-8, 8)). */
static inline void *qt_rand(oc_dtype t, int64_t n, uint32_t seed)
{
    void *p = malloc((size_t)(n > 0 ? n : 1) * 4);
    double lo, hi;
    qt_range(t, &lo, &hi);
    for (int64_t i = 0; i < n; i++) {
        double v = t == OC_F32 ? qt_uniform(&seed, -8, 8) : floor(qt_uniform(&seed, lo, hi + 1));
        qt_set(t, p, i, v);
    }
    return p;
}

static inline double qt_deq(const qt_spec *s, double raw)
{
    return s->scale * (raw - (double)s->zp);
}

/* round(v / scale) + zp clamped to [lo, hi] (the type when lo > hi). */
static inline double qt_quant(const qt_spec *s, double v, double lo, double hi)
{
    double tlo, thi;
    qt_range(s->t, &tlo, &thi);
    if (lo > hi) lo = tlo, hi = thi;
    double q = round(v / s->scale) + (double)s->zp;
    return q < lo ? lo : q > hi ? hi : q;
}

/* Flat index into input shape `in` for flat output index i (numpy broadcasting). */
static inline int64_t qt_bidx(int64_t i, const qt_spec *out, const qt_spec *in)
{
    int64_t idx = 0, stride = 1;
    for (int k = out->rank - 1; k >= 0; k--) {
        int64_t coord = i % out->dims[k];
        i /= out->dims[k];
        int kk = in->rank - out->rank + k;
        if (kk >= 0) {
            if (in->dims[kk] != 1) idx += coord * stride;
            stride *= in->dims[kk];
        }
    }
    return idx;
}

static inline void qt_apply_q(oc_tensor *t, const qt_spec *s)
{
    if (s->scale != 0.f) t->q = (oc_qparams){1, 0, (float *)&s->scale, (int64_t *)&s->zp};
}

/* Runs def (params set directly) on nin inputs; copies the output (shape `out`) into got.
 * With nthreads > 1 the op also runs single-threaded and both results must be identical.
 * Returns the status of the first run; msg (may be NULL) receives the error message. */
static inline oc_status qt_run(const oc_op_def *def, const void *params, int nin, const qt_spec *in,
                               const void *const *data, const qt_spec *out, void *got, int nthreads,
                               char *msg)
{
    size_t bytes = (size_t)qt_count(out) * oc_dtype_size(out->t);
    void *first = NULL;
    for (int pass = 0; pass < (nthreads > 1 ? 2 : 1); pass++) {
        ot_case c;
        ot_init(&c, def);
        c.op.params = params;
        for (int k = 0; k < nin; k++) {
            int ti = ot_input(&c, in[k].t, in[k].rank, in[k].dims, data[k], false);
            qt_apply_q(&c.tensors[ti], &in[k]);
        }
        int to = ot_output(&c, out->t);
        qt_apply_q(&c.tensors[to], out);
        oc_status st = ot_run(&c, pass == 0 ? nthreads : 1);
        if (st != OC_OK) {
            if (msg) snprintf(msg, 256, "%.200s", c.err.msg);
            ot_free(&c);
            free(first);
            return st;
        }
        assert_int_equal(ot_out(&c, 0)->bytes, bytes);
        if (pass == 0) {
            memcpy(got, ot_out(&c, 0)->data, bytes);
            first = malloc(bytes ? bytes : 1);
            memcpy(first, got, bytes);
        } else if (memcmp(first, ot_out(&c, 0)->data, bytes) != 0) {
            fail_msg("%s: multi-threaded result differs from single-threaded", def->name);
        }
        ot_free(&c);
    }
    free(first);
    return OC_OK;
}

/* Prepare only; returns the status and copies the error message into msg. */
static inline oc_status qt_prepare(const oc_op_def *def, const void *params, int nin,
                                   const qt_spec *in, const qt_spec *out, char *msg)
{
    ot_case c;
    ot_init(&c, def);
    c.op.params = params;
    for (int k = 0; k < nin; k++) {
        int ti = ot_input(&c, in[k].t, in[k].rank, in[k].dims, NULL, false);
        qt_apply_q(&c.tensors[ti], &in[k]);
    }
    int to = ot_output(&c, out->t);
    qt_apply_q(&c.tensors[to], out);
    oc_status st = ot_prepare(&c);
    if (msg) snprintf(msg, 256, "%.200s", c.err.msg);
    ot_free(&c);
    return st;
}

/* A random scale, log-uniform in [lo, hi]. */
static inline float qt_rscale(uint32_t *s, double lo, double hi)
{
    return (float)exp(qt_uniform(s, log(lo), log(hi)));
}

/* A random zero point for t (0 for int16). */
static inline int64_t qt_rzp(uint32_t *s, oc_dtype t)
{
    if (t == OC_I16) return 0;
    double lo, hi;
    qt_range(t, &lo, &hi);
    return (int64_t)floor(qt_uniform(s, lo, hi + 1));
}

#endif
