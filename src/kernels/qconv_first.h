/* First-layer 8-bit convolution: the stem of image models, a 3x3 filter on 3 input channels
 * with stride 2 along x (any stride along y, any padding, no dilation) and 8 or 16 output
 * channels (mobilenet 224x224x3 -> 112x112x8, deeplab and ssd: 16 channels). The implicit
 * GEMM (qconv.h) wastes most of its tile on such shapes; this kernel puts 16 output pixels of
 * one output row in the lanes of a zmm instead, one accumulator per output channel:
 *
 *   - pixel p's 9 window bytes of filter row ky start at byte 6p of a 128-byte window of
 *     input row iy (two zmm): 16-bit words 3p..3p+4 (the last one carries a byte of the
 *     next pixel, which meets a zero weight);
 *   - the 27 depths go in 7 groups of 4 bytes: bytes 0-3 and 4-7 of each filter row (word
 *     permutes, vpermt2w), and byte 8 of the three rows together (three permutes, a byte
 *     shift and blends);
 *   - vpdpbusd with the group's 4 weight bytes of channel c broadcast (8 channels: two
 *     blocks of pixels share each broadcast);
 *   - requantized (qreq_x86.h) and transposed back to NHWC bytes.
 *
 * Arithmetic: the contract of qgemm.h (A' = a + xa unsigned, B = w - xb signed, column terms
 * bias - ea*sum B - K*ea*eb). xb is chosen at pack time: the weight zero point itself when
 * every w - zw fits int8 (then eb = 0 and no row term is needed), else 128 for uint8 weights;
 * with eb != 0 the row term eb * sum A' is a second vpdpbusd with weights 1. Taps outside
 * the image read the input zero point (A' = ea: they add nothing, as TFLite skips them).
 * XNNPACK's fp32 rule with the fast epilogue (oc_qgemm_ep.fast: every model here); uint8 and
 * int8. Needs AVX-512 VNNI; other rules and CPUs keep the implicit GEMM. */
#ifndef OC_KERNELS_QCONV_FIRST_H
#define OC_KERNELS_QCONV_FIRST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/threadpool.h"
#include "kernels/conv.h"
#include "kernels/qconv.h"

#define OC_QFIRST_PIX 16  /* output pixels per block (zmm lanes) */
#define OC_QFIRST_WIN 128 /* bytes of an input row one block reads */
#define OC_QFIRST_G 7     /* 4-byte depth groups */

typedef struct oc_qfirst_plan {
    oc_conv_geom g;
    size_t rowbytes, inbytes; /* bytes of an input row / of the whole input */
    size_t tasks, rows_per_task;
} oc_qfirst_plan;

/* Filter depth (ky*9 + kx*3 + c) of byte j of group g, or -1 (a zero weight). */
int oc_qfirst_depth(size_t g, size_t j);

/* False when the kernel does not apply (shape, or isa below AVX512VNNI); the caller keeps the
 * implicit GEMM. */
bool oc_qfirst_plan_init(oc_qfirst_plan *p, const oc_conv_geom *g, const oc_qconv_q *q,
                         oc_qisa isa);
size_t oc_qfirst_packed_bytes(const oc_qfirst_plan *p);
/* w: [OC][KH][KW][IC]; dst: oc_qfirst_packed_bytes(), 64-byte aligned. */
void oc_qfirst_pack(const oc_qfirst_plan *p, const void *w, const oc_qconv_q *q, void *dst);
void oc_qfirst_run(const oc_qfirst_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                   void *out, oc_threadpool *pool);

/* Packed layout (int32 words; oc = 8 or 16): */
typedef struct oc_qfirst_packed {
    int32_t eb; /* row-term factor (0: none) */
    int32_t pad_[15];
    int32_t col[16], mult[16], lsh[16], rsh[16], rmask[16];
    float scale[16];
    uint32_t w[OC_QFIRST_G][16]; /* [group][channel]: 4 weight bytes B */
} oc_qfirst_packed;

/* The AVX-512 kernel (NULL when not compiled in): output rows [r0, r1) of n*oh. */
typedef void (*oc_qfirst_rows_fn)(const oc_qfirst_plan *p, const uint8_t *in,
                                  const oc_qfirst_packed *pk, const oc_qconv_q *q, uint8_t *out,
                                  size_t r0, size_t r1);
oc_qfirst_rows_fn oc_qfirst_rows_avx512vnni(const oc_qfirst_plan *p, const oc_qconv_q *q);

#endif
