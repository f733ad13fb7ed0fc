/* Helpers of the quantized convolution-family op tests (test_conv_q.c, test_fc_q.c,
 * test_transpose_conv.c, test_batch_matmul.c, test_pool.c): deterministic quantized data,
 * per-channel quantization on tensors, an independent transcription of TFLite's and XNNPACK's
 * requantization, and the integer paths (C, AVX2, AVX-VNNI, AVX-512 VNNI) this CPU can run. */
#ifndef OC_TESTS_QCONV_TEST_UTIL_H
#define OC_TESTS_QCONV_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_test.h"
#include "core/cpu.h"
#include "core/fixedpoint.h"
#include "kernels/isa.h"

static inline uint32_t qc_rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static inline int32_t qc_tmin(oc_dtype t)
{
    return t == OC_U8 ? 0 : t == OC_I8 ? -128 : t == OC_I16 ? -32768 : INT32_MIN;
}

static inline int32_t qc_tmax(oc_dtype t)
{
    return t == OC_U8 ? 255 : t == OC_I8 ? 127 : t == OC_I16 ? 32767 : INT32_MAX;
}

static inline int32_t qc_get(oc_dtype t, const void *p, size_t i)
{
    switch (t) {
    case OC_U8: return ((const uint8_t *)p)[i];
    case OC_I8: return ((const int8_t *)p)[i];
    case OC_I16: return ((const int16_t *)p)[i];
    default: return ((const int32_t *)p)[i];
    }
}

static inline void qc_set(oc_dtype t, void *p, size_t i, int64_t v)
{
    switch (t) {
    case OC_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OC_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OC_I16: ((int16_t *)p)[i] = (int16_t)v; break;
    case OC_I64: ((int64_t *)p)[i] = v; break;
    default: ((int32_t *)p)[i] = (int32_t)v; break;
    }
}

/* n values of type t spread over [zp - spread, zp + spread] (clamped to the type). */
static inline void *qc_rand(oc_dtype t, size_t n, int32_t zp, int32_t spread, uint32_t seed)
{
    void *p = calloc(n ? n : 1, 8);
    uint32_t s = seed * 2654435761u + 99u;
    for (size_t i = 0; i < n; i++) {
        int64_t v = zp + (int64_t)(qc_rnd(&s) % (uint32_t)(2 * spread + 1)) - spread;
        v = v < qc_tmin(t) ? qc_tmin(t) : v > qc_tmax(t) ? qc_tmax(t) : v;
        qc_set(t, p, i, v);
    }
    return p;
}

/* Quantization attached to a test tensor (arrays owned by the case's static storage). */
#define QC_MAXQ 512
typedef struct qc_q {
    int32_t count, axis;
    float scale[QC_MAXQ];
    int64_t zp[QC_MAXQ];
} qc_q;

static inline void qc_attach(oc_tensor *t, qc_q *q)
{
    t->q.count = q->count;
    t->q.axis = q->axis;
    t->q.scale = q->scale;
    t->q.zero_point = q->zp;
}

static inline void qc_per_tensor(qc_q *q, float scale, int64_t zp)
{
    q->count = 1;
    q->axis = 0;
    q->scale[0] = scale;
    q->zp[0] = zp;
}

/* ---- requantization, written from TFLite's common.cc / XNNPACK's fp32 kernels ----------- */

/* MultiplyByQuantizedMultiplier, double rounding (int32 accumulator). */
static inline int32_t qc_mbqm(int32_t x, int32_t m, int shift)
{
    int l = shift > 0 ? shift : 0, r = shift > 0 ? 0 : -shift;
    int64_t xl = (int64_t)(int32_t)((uint32_t)x << l);
    int64_t ab = xl * m;
    int64_t hm = (ab + (ab >= 0 ? (1 << 30) : 1 - (1 << 30))) / ((int64_t)1 << 31);
    if (r == 0) return (int32_t)hm;
    int64_t h = (int64_t)1 << (r - 1);
    return (int32_t)(hm >= 0 ? (hm + h) >> r : -((-hm + h) >> r));
}

/* The int64-accumulator variant (16x8 kernels). */
static inline int32_t qc_mbqm64(int64_t x, int32_t m, int shift)
{
    int32_t reduced = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    return (int32_t)((x * reduced + ((int64_t)1 << (total - 1))) >> total);
}

/* TFLite CalculateActivationRangeQuantized. */
static inline void qc_act_tflite(int act, oc_dtype t, float scale, int32_t zp, int32_t *lo,
                                 int32_t *hi)
{
    int32_t l = qc_tmin(t), h = qc_tmax(t);
#define QC_Q(f) (zp + (int32_t)roundf((f) / scale))
    if (act == OC_ACT_RELU) l = QC_Q(0.f) > l ? QC_Q(0.f) : l;
    if (act == OC_ACT_RELU6) {
        l = QC_Q(0.f) > l ? QC_Q(0.f) : l;
        h = QC_Q(6.f) < h ? QC_Q(6.f) : h;
    }
    if (act == OC_ACT_RELU_N1_TO_1) {
        l = QC_Q(-1.f) > l ? QC_Q(-1.f) : l;
        h = QC_Q(1.f) < h ? QC_Q(1.f) : h;
    }
#undef QC_Q
    *lo = l;
    *hi = h;
}

/* XNNPACK's clamp from a fused activation (xnn_qs8_quantize of the float bounds). */
static inline void qc_act_xnn(int act, oc_dtype t, float scale, int32_t zp, int32_t *lo,
                              int32_t *hi)
{
    float l = -INFINITY, h = INFINITY;
    if (act == OC_ACT_RELU) l = 0.f;
    if (act == OC_ACT_RELU6) l = 0.f, h = 6.f;
    if (act == OC_ACT_RELU_N1_TO_1) l = -1.f, h = 1.f;
    float ql = fminf(fmaxf(l / scale + (float)zp, (float)qc_tmin(t)), (float)qc_tmax(t));
    float qh = fminf(fmaxf(h / scale + (float)zp, (float)qc_tmin(t)), (float)qc_tmax(t));
    *lo = (int32_t)lrintf(ql);
    *hi = (int32_t)lrintf(qh);
}

/* XNNPACK's fp32 requantization of an int32 accumulator. */
static inline int32_t qc_fp32(int32_t acc, float scale, int32_t zp, int32_t lo, int32_t hi)
{
    float f = (float)acc * scale;
    f = fminf(fmaxf(f, (float)(lo - zp)), (float)(hi - zp));
    return (int32_t)lrintf(f) + zp;
}

/* ---- integer kernel paths ------------------------------------------------------------------ */

static const oc_cpu qc_cpu_c = {0};
static const oc_cpu qc_cpu_avx2 = {.avx2_fma = true};
static const oc_cpu qc_cpu_avxvnni = {.avx2_fma = true, .avx_vnni = true};
static const oc_cpu qc_cpu_avx512vnni = {.avx2_fma = true, .avx512 = true, .avx512_vnni = true};

/* Masked CPU descriptions of the integer paths this machine can execute. */
static inline int qc_isas(const oc_cpu *out[4], const char *names[4])
{
    const oc_cpu *real = oc_cpu_get();
    int n = 0;
    names[n] = "c";
    out[n++] = &qc_cpu_c;
    if (real->avx2_fma) {
        names[n] = "avx2";
        out[n++] = &qc_cpu_avx2;
    }
    if (real->avx_vnni) {
        names[n] = "avxvnni";
        out[n++] = &qc_cpu_avxvnni;
    }
    if (real->avx512 && real->avx512_vnni) {
        names[n] = "avx512vnni";
        out[n++] = &qc_cpu_avx512vnni;
    }
    return n;
}

#endif
