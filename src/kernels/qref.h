/* Quantized reference kernels: direct loops with TFLite's reference semantics
 * (reference_ops for uint8, reference_integer_ops for int8 per-channel and 16x8). They are the
 * specification the fast kernels (qgemm.h, qdwconv.h) are tested against, and the path for
 * int16 activations, transposed convolution and batch matmul.
 *
 * Every output channel c is requantized as TFLite does:
 *     acc = sum (x - in_zp) * (w - w_zp) + bias[c]
 *     y   = clamp(MultiplyByQuantizedMultiplier(acc, mult[c], shift[c]) + out_zp, lo, hi)
 * with int32 accumulation and the double-rounding multiply (oc_mul_by_qm), or, for int16
 * activations with an int64 bias (or none), int64 accumulation and oc_mul_by_qm64. Taps that
 * fall outside the image are skipped (equivalent to x = in_zp). */
#ifndef OC_KERNELS_QREF_H
#define OC_KERNELS_QREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include "core/fixedpoint.h"
#include "core/tensor.h"
#include "kernels/conv.h"
#include "kernels/dwconv.h"
#include "kernels/pool.h"

/* How accumulators become outputs: TFLite's reference kernels (fixed-point multiplier) or
 * XNNPACK's fp32 requantization (what TFLite runs by default for 8-bit conv, depthwise and
 * fully connected: its XNNPACK delegate). */
typedef enum oc_qreq_mode {
    OC_QREQ_FIXED = 0,
    OC_QREQ_FP32 = 1,
} oc_qreq_mode;

/* Requantization of a conv-like op. mult/shift have one entry per output channel (a
 * per-tensor multiplier is repeated). */
typedef struct oc_qreq {
    oc_dtype in_t, w_t, out_t; /* U8 x U8 -> U8, I8 x I8 -> I8, I16 x I8 -> I16 */
    oc_dtype bias_t;           /* OC_I32, OC_I64, or OC_F32 meaning "no bias" */
    int32_t in_zp, w_zp, out_zp;
    int32_t lo, hi;
    bool acc64; /* 64-bit accumulator and oc_mul_by_qm64 (int16 with int64 or no bias) */
    oc_qreq_mode mode;
    const int32_t *mult;
    const int32_t *shift;
    const float *fscale; /* OC_QREQ_FP32: per output channel */
} oc_qreq;

/* Requantizes one accumulator of output channel c (the 32- or 64-bit rule of q). */
static inline int32_t oc_qreq_apply(const oc_qreq *q, int64_t acc, int32_t c)
{
    if (q->mode == OC_QREQ_FP32) {
        float f = (float)(int32_t)acc * q->fscale[c];
        float lo = (float)(q->lo - q->out_zp), hi = (float)(q->hi - q->out_zp);
        f = f < lo ? lo : f > hi ? hi : f;
        return (int32_t)lrintf(f) + q->out_zp;
    }
    int32_t v = q->acc64 ? oc_mul_by_qm64(acc, q->mult[c], q->shift[c])
                         : oc_mul_by_qm((int32_t)acc, q->mult[c], q->shift[c]);
    v += q->out_zp;
    return v < q->lo ? q->lo : v > q->hi ? q->hi : v;
}

/* CONV_2D; weights [OC][KH][KW][IC]. Output rows [row0, row1) of the flattened n*oh. */
void oc_qref_conv(const oc_conv_geom *g, const oc_qreq *q, const void *in, const void *w,
                  const void *bias, void *out, size_t row0, size_t row1);
/* DEPTHWISE_CONV_2D; weights [1][KH][KW][OC], output channel c reads input channel c / dm. */
void oc_qref_dwconv(const oc_dw_geom *g, const oc_qreq *q, const void *in, const void *w,
                    const void *bias, void *out, size_t row0, size_t row1);
/* TRANSPOSE_CONV (geometry as oc_tconv_plan: ih/iw input, oh/ow output, pt/pl leading pad);
 * weights [OC][KH][KW][IC]. Output rows [row0, row1): each output element gathers its taps. */
void oc_qref_tconv(const oc_conv_geom *g, const oc_qreq *q, const void *in, const void *w,
                   const void *bias, void *out, size_t row0, size_t row1);
/* One matrix product out[M][N] = requant(sum_k (a[i][k] - in_zp) * (b[k][j] - w_zp)):
 * element (i, k) of a at a[i*a_rs + k*a_ks], (k, j) of b at b[k*b_ks + j*b_ns]. No bias,
 * per-tensor multiplier (mult[0]). a and b have type q->in_t. */
void oc_qref_matmul(const oc_qreq *q, size_t m, size_t n, size_t k, const void *a, size_t a_rs,
                    size_t a_ks, const void *b, size_t b_ks, size_t b_ns, void *out);
/* Quantized pooling of type t (U8, I8, I16), same scale in and out: max of the raw values or
 * TFLite's rounded average over the valid taps, then clamped to [lo, hi]. */
void oc_qref_pool(oc_pool_kind kind, const oc_pool_geom *g, oc_dtype t, const void *in, void *out,
                  int32_t lo, int32_t hi, size_t row0, size_t row1);

/* Vectorized 8-bit pooling rows (same results as oc_qref_pool; t is OC_U8 or OC_I8). */
typedef void (*oc_qpool_rows_fn)(oc_pool_kind kind, const oc_pool_geom *g, oc_dtype t,
                                 const void *in, void *out, int32_t lo, int32_t hi, size_t row0,
                                 size_t row1);
oc_qpool_rows_fn oc_qpool_rows_avx2(void); /* NULL when not compiled in */

/* TFLite's rounded integer average: (sum +- count/2) / count, truncating. */
static inline int32_t oc_qavg(int32_t sum, int32_t count)
{
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

#endif
