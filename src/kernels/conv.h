/* Convolutions as GEMM on the packed SGEMM layer (sgemm.h), NHWC float32.
 *
 * Conv2D: A = im2col(input) [N*OH*OW, KH*KW*IC], B = weights [OC][KH][KW][IC] (exactly the
 * [N,K] layout the packer wants), C = output [N*OH*OW, OC]. A 1x1 stride-1 unpadded conv
 * reads the input in place. Others read each pixel's window in place through a table of tap
 * offsets (implicit GEMM); a padded conv first copies its input into a zero-padded buffer so
 * every window is inside. Only when offsets would overflow int32 are MR rows at a time
 * gathered into per-task scratch (im2col).
 *
 * Transposed conv: col = input [N*IH*IW, IC] x W^T -> [N*IH*IW, KH*KW*OC] by the same GEMM,
 * then each output row is assembled from col (rows split over tasks: no write races; every
 * element adds its taps in a fixed order), plus the bias, clamped. */
#ifndef OC_KERNELS_CONV_H
#define OC_KERNELS_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/sgemm.h"

typedef struct oc_conv_geom {
    int32_t n, ih, iw, ic; /* input NHWC */
    int32_t oh, ow, oc;    /* output NHWC (batch = n) */
    int32_t kh, kw;        /* filter */
    int32_t sh, sw, dh, dw;
    int32_t pt, pl; /* leading padding */
} oc_conv_geom;

typedef struct oc_conv_plan {
    oc_conv_geom g;
    const oc_sgemm_kernel *kr;
    oc_sgemm_plan gemm;
    size_t k;     /* GEMM depth: KH*KW*IC */
    bool direct;  /* A is the input itself */
    int32_t *off; /* tap offsets (floats from the window origin) for the indirect path, or NULL */
    int32_t *pos; /* per GEMM row panel: (batch, oy, ox) of its first pixel, or NULL */
    /* The geometry the A side reads: g itself, or (pad_copy) a zero-padded copy of the input
     * (pt = pl = 0) so that every window lies inside and no panel needs an im2col copy. */
    oc_conv_geom ag;
    bool pad_copy;
    size_t pad_floats;              /* size of the padded copy */
    int32_t oy_a, oy_b, ox_a, ox_b; /* output rows/cols whose whole window is inside ag */
} oc_conv_plan;

/* Fails (returns false) on size overflow or allocation failure. Call oc_conv_plan_free on
 * every plan initialized (even after a failure). max_tasks: see oc_sgemm_plan_init. */
bool oc_conv_plan_init(oc_conv_plan *p, const oc_conv_geom *g, oc_isa isa, size_t max_tasks);
void oc_conv_plan_free(oc_conv_plan *p);
/* Forces the im2col path (no tap offsets, no padded copy); for tests of that path. */
void oc_conv_plan_force_im2col(oc_conv_plan *p);
size_t oc_conv_packed_floats(const oc_conv_plan *p);
/* w: [OC][KH][KW][IC]; bias may be NULL. */
void oc_conv_pack(const oc_conv_plan *p, const float *w, const float *bias, float *dst);
size_t oc_conv_scratch_floats(const oc_conv_plan *p);
void oc_conv_run(const oc_conv_plan *p, const float *in, const float *packed, float *out, float lo,
                 float hi, float *scratch, oc_threadpool *pool);

/* im2col A-provider (internal): a panel whose windows all lie inside the image is handed over
 * as indirect rows (window origins + tap offsets); other panels are copied (im2col). `in` is
 * laid out as p->ag. */
typedef struct oc_im2col_arg {
    const oc_conv_plan *p;
    const float *in;
} oc_im2col_arg;
oc_sgemm_a_fn oc_conv_im2col_avx512(void); /* NULL when not compiled in */

/* Transposed convolution (TFLite TRANSPOSE_CONV geometry: output = input * stride, shifted
 * by the leading padding pt/pl). g->ih/iw are the input, g->oh/ow the output; dilation 1. */
typedef struct oc_tconv_plan {
    oc_conv_geom g;
    const oc_sgemm_kernel *kr;
    oc_sgemm_plan gemm;
    size_t ncol;                        /* KH*KW*OC */
    size_t col_floats;                  /* N*IH*IW*ncol */
    size_t rows, rows_per_task, ntasks; /* output rows for the gather */
} oc_tconv_plan;

bool oc_tconv_plan_init(oc_tconv_plan *p, const oc_conv_geom *g, oc_isa isa);
size_t oc_tconv_packed_floats(const oc_tconv_plan *p);
/* w: [OC][KH][KW][IC]. tmp: KH*KW*OC*IC floats of work space. */
void oc_tconv_pack(const oc_tconv_plan *p, const float *w, float *tmp, float *dst);
/* Scratch: the col buffer (64-byte aligned). */
size_t oc_tconv_scratch_floats(const oc_tconv_plan *p);
/* bias: OC floats or NULL. */
void oc_tconv_run(const oc_tconv_plan *p, const float *in, const float *packed, const float *bias,
                  float *out, float lo, float hi, float *scratch, oc_threadpool *pool);

#endif
