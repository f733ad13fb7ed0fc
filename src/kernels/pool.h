/* 2-D max / average pooling, NHWC float32, vectorized over channels. Windows are clipped to
 * the image; the average divides by the number of valid taps (TFLite semantics). */
#ifndef OC_KERNELS_POOL_H
#define OC_KERNELS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/threadpool.h"
#include "kernels/isa.h"

typedef struct oc_pool_geom {
    int32_t n, ih, iw, c;
    int32_t oh, ow;
    int32_t kh, kw, sh, sw;
    int32_t pt, pl;
} oc_pool_geom;

typedef enum oc_pool_kind { OC_POOL_MAX = 0, OC_POOL_AVG = 1 } oc_pool_kind;

/* Output rows [row0, row1) of the flattened batch*oh. */
typedef void (*oc_pool_rows_fn)(oc_pool_kind kind, const oc_pool_geom *g, const float *in,
                                float *out, size_t row0, size_t row1, float lo, float hi);

void oc_pool_run(oc_isa isa, oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out,
                 float lo, float hi, oc_threadpool *pool);

void oc_pool_rows_c(oc_pool_kind kind, const oc_pool_geom *g, const float *in, float *out,
                    size_t row0, size_t row1, float lo, float hi);
oc_pool_rows_fn oc_pool_rows_avx2(void);   /* NULL when not compiled in */
oc_pool_rows_fn oc_pool_rows_avx512(void); /* NULL when not compiled in */

/* Clipped window [lo, hi) of filter taps for output position o (may be empty). */
static inline void oc_pool_window(int32_t o, int32_t s, int32_t pad, int32_t k, int32_t in,
                                  int32_t *lo, int32_t *hi)
{
    int32_t origin = o * s - pad;
    *lo = origin < 0 ? -origin : 0;
    *hi = in - origin < k ? in - origin : k;
    if (*hi < *lo) *hi = *lo;
}

#endif
