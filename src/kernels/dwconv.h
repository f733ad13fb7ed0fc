/* Depthwise convolution, NHWC, float32: a direct kernel vectorized over channels (no GEMM).
 * Weights [1, KH, KW, C*dm] are packed once into [bias | tap 0 | tap 1 | ...], each row
 * padded to a multiple of 16 channels so vector loops need no scalar tail for the weights.
 * Rows of the output are split into tasks; interior pixels run without bounds checks and
 * 3x3 / 5x5 filters keep their weights in registers. Vector paths need depth_multiplier 1;
 * other multipliers use the C path. */
#ifndef OC_KERNELS_DWCONV_H
#define OC_KERNELS_DWCONV_H

#include <stddef.h>
#include <stdint.h>

#include "core/threadpool.h"
#include "kernels/isa.h"

typedef struct oc_dw_geom {
    int32_t n, ih, iw, ic; /* input NHWC */
    int32_t oh, ow, oc;    /* output; oc = ic * dm */
    int32_t kh, kw, sh, sw, dh, dw;
    int32_t pt, pl; /* leading padding */
    int32_t dm;     /* depth multiplier */
} oc_dw_geom;

typedef struct oc_dw_plan {
    oc_dw_geom g;
    oc_isa isa;
    size_t cpad; /* oc rounded up to 16 */
    size_t rows, rows_per_task, ntasks;
} oc_dw_plan;

typedef void (*oc_dw_rows_fn)(const oc_dw_plan *p, const float *in, const float *packed, float *out,
                              size_t row0, size_t row1, float lo, float hi);

/* isa is lowered to C when the geometry needs it (dm != 1). */
void oc_dw_plan_init(oc_dw_plan *p, const oc_dw_geom *g, oc_isa isa);
/* Floats of the packed weights (0 on overflow). */
size_t oc_dw_packed_floats(const oc_dw_plan *p);
/* w: [1, KH, KW, oc]; bias may be NULL. dst: 64-byte aligned. */
void oc_dw_pack(const oc_dw_plan *p, const float *w, const float *bias, float *dst);
void oc_dw_run(const oc_dw_plan *p, const float *in, const float *packed, float *out, float lo,
               float hi, oc_threadpool *pool);

/* Row kernels per ISA (rows = flattened batch*oh); the vector ones return NULL when the ISA
 * is not compiled in. */
void oc_dw_rows_c(const oc_dw_plan *p, const float *in, const float *packed, float *out,
                  size_t row0, size_t row1, float lo, float hi);
oc_dw_rows_fn oc_dw_rows_avx2(void);
oc_dw_rows_fn oc_dw_rows_avx512(void);

/* Valid tap range [lo, hi) of one spatial dim for output position o. */
static inline void oc_dw_tap_range(int32_t o, int32_t s, int32_t pad, int32_t d, int32_t k,
                                   int32_t in, int32_t *lo, int32_t *hi)
{
    int32_t base = o * s - pad, a = 0, b = k;
    while (a < k && base + a * d < 0)
        a++;
    while (b > a && base + (b - 1) * d >= in)
        b--;
    *lo = a;
    *hi = b;
}

#endif
