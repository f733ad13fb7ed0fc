/* Convolutions as GEMM on the packed SGEMM layer (sgemm.h), NHWC float32.
 *
 * Conv2D: A = im2col(input) [N*OH*OW, KH*KW*IC], B = weights [OC][KH][KW][IC] (exactly the
 * [N,K] layout the packer wants), C = output [N*OH*OW, OC]. A 1x1 stride-1 unpadded conv
 * reads the input in place; others gather MR rows at a time into per-task scratch.
 *
 * Transposed conv: col = input [N*IH*IW, IC] x W^T -> [N*IH*IW, KH*KW*OC] by the same GEMM,
 * then each output pixel gathers (not scatters: no write races, fixed order) its
 * contributions from col, adds the bias and clamps. */
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
    size_t k;    /* GEMM depth: KH*KW*IC */
    bool direct; /* A is the input itself */
} oc_conv_plan;

/* Fails (returns false) only on size overflow. max_tasks: see oc_sgemm_plan_init. */
bool oc_conv_plan_init(oc_conv_plan *p, const oc_conv_geom *g, oc_isa isa, size_t max_tasks);
size_t oc_conv_packed_floats(const oc_conv_plan *p);
/* w: [OC][KH][KW][IC]; bias may be NULL. */
void oc_conv_pack(const oc_conv_plan *p, const float *w, const float *bias, float *dst);
size_t oc_conv_scratch_floats(const oc_conv_plan *p);
void oc_conv_run(const oc_conv_plan *p, const float *in, const float *packed, float *out,
                 float lo, float hi, float *scratch, oc_threadpool *pool);

/* Transposed convolution (TFLite TRANSPOSE_CONV geometry: output = input * stride, shifted
 * by the leading padding pt/pl). g->ih/iw are the input, g->oh/ow the output; dilation 1. */
typedef struct oc_tconv_plan {
    oc_conv_geom g;
    const oc_sgemm_kernel *kr;
    oc_sgemm_plan gemm;
    size_t ncol;        /* KH*KW*OC */
    size_t col_floats;  /* N*IH*IW*ncol */
    size_t rows, rows_per_task, ntasks; /* output rows for the gather */
} oc_tconv_plan;

bool oc_tconv_plan_init(oc_tconv_plan *p, const oc_conv_geom *g, oc_isa isa);
size_t oc_tconv_packed_floats(const oc_tconv_plan *p);
/* w: [OC][KH][KW][IC]. tmp: KH*KW*OC*IC floats of work space. */
void oc_tconv_pack(const oc_tconv_plan *p, const float *w, float *tmp, float *dst);
/* Scratch: the col buffer (64-byte aligned). */
size_t oc_tconv_scratch_floats(const oc_tconv_plan *p);
/* bias: OC floats or NULL. */
void oc_tconv_run(const oc_tconv_plan *p, const float *in, const float *packed,
                  const float *bias, float *out, float lo, float hi, float *scratch,
                  oc_threadpool *pool);

#endif
