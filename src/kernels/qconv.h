/* Quantized (uint8 / int8) CONV_2D and FULLY_CONNECTED on the 8-bit GEMM (qgemm.h).
 *
 * Conv2D is an implicit GEMM: row m of A is output pixel m's window, read in place through
 * the window origin and a table of tap offsets, one per group of 4 depths. That needs the
 * groups never to straddle a tap (channels a multiple of 4) and every window inside the
 * image; when a window leaves the image the input is first copied into a buffer with the
 * spatial padding materialized as the input zero point (TFLite skips out-of-image taps:
 * x - zp = 0 is the same). A 1x1 stride-1 conv is a plain GEMM on the input itself. With a
 * channel count that is not a multiple of 4 (a first layer's 1 or 3) each filter row's run of
 * KW*IC contiguous bytes is read as a whole number of 4-byte groups (the few extra bytes,
 * belonging to the next pixel, meet zero weights) from a padded copy with some slack at the
 * end; with a dilated filter, MR windows at a time are gathered (im2col) into a small per-task
 * buffer instead.
 *
 * Asymmetric (uint8) weights need the row term eb * sum(A) of each output pixel: per-pixel
 * channel sums of A are formed first, then summed over each window's taps; for those first
 * layers (few output channels) the GEMM computes them itself in a spare output column whose
 * weights are eb (oc_qgemm_b.rs_col); a 1x1 stride-1 conv leaves them to the GEMM kernel's
 * rows function when it has one (oc_qgemm_ep.rs_eb).
 *
 * Fully connected: A is the input [M, K] (rows copied, zero-padded to a multiple of 4, when K
 * is not one); B the weights [N, K]. */
#ifndef OC_KERNELS_QCONV_H
#define OC_KERNELS_QCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/conv.h"
#include "kernels/qgemm.h"

/* Quantization of one conv-like op as the kernels need it. */
typedef struct oc_qconv_q {
    bool act_i8; /* int8 activations (else uint8) */
    bool w_u8;   /* uint8 weights (else int8) */
    int32_t za, zw;
    oc_qgemm_ep ep;
    const void *bias;            /* int32[oc] or NULL */
    const int32_t *mult, *shift; /* per output channel */
    const float *scale;          /* per output channel (fp32 rule) */
} oc_qconv_q;

typedef struct oc_qconv_plan {
    oc_conv_geom g;  /* the op */
    oc_conv_geom ag; /* what A reads: g itself, or the copy (pt = pl = 0, ic = icp) */
    const oc_qgemm_kernel *kr;
    oc_qgemm_plan gemm;
    size_t icp;        /* channels per pixel in A (= ic) */
    size_t k, kpad;    /* real depth KH*KW*IC and packed depth (multiple of 4) */
    bool copy, direct; /* A is a padded copy / a plain matrix (1x1 stride 1) */
    bool im2col;       /* windows gathered per panel */
    bool runs;         /* channels not a multiple of 4: each filter row's run of KW*IC bytes is
                        * read as runp bytes (rounded up to 4) from a padded copy; the extra
                        * bytes meet zero weights */
    bool rs_lane;      /* row terms computed by the GEMM in the spare column oc */
    size_t runp;
    bool row_terms; /* asymmetric weights */
    int32_t xa, eb;
    uint8_t pad_byte;       /* the input zero point, raw */
    int32_t *off;           /* kpad / 4 tap-group offsets (bytes from the window origin) */
    int32_t *k_map;         /* runs: real depth -> packed depth */
    int32_t *pos;           /* per row panel: (batch, oy, ox) of its first pixel */
    size_t copy_bytes, pix; /* bytes of the copy; pixels of ag */
    /* scratch layout (bytes): [copy | pixel sums | row terms | gemm task slots] */
    size_t sums_at, rs_at, gemm_at, scratch_bytes;
} oc_qconv_plan;

/* Fails (false) on size overflow or allocation failure; call oc_qconv_plan_free after any
 * init. q: only the types and zero points are read. */
bool oc_qconv_plan_init(oc_qconv_plan *p, const oc_conv_geom *g, const oc_qconv_q *q, oc_qisa isa);
void oc_qconv_plan_free(oc_qconv_plan *p);
size_t oc_qconv_packed_bytes(const oc_qconv_plan *p);
/* w: [OC][KH][KW][IC]. */
void oc_qconv_pack(const oc_qconv_plan *p, const void *w, const oc_qconv_q *q, void *dst);
/* scratch: p->scratch_bytes, 64-byte aligned. */
void oc_qconv_run(const oc_qconv_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                  void *out, uint8_t *scratch, oc_threadpool *pool);

/* Fully connected: out[M, N] = requant(in[M, K] x w[N, K]^T + bias). */
typedef struct oc_qfc_plan {
    size_t m, n, k, kpad;
    const oc_qgemm_kernel *kr;
    oc_qgemm_plan gemm;
    bool row_terms;
    int32_t xa, eb;
    int32_t *off;
    size_t rs_at, scratch_bytes; /* scratch: [gemm copies | row terms] */
} oc_qfc_plan;

bool oc_qfc_plan_init(oc_qfc_plan *p, size_t m, size_t n, size_t k, const oc_qconv_q *q,
                      oc_qisa isa);
void oc_qfc_plan_free(oc_qfc_plan *p);
size_t oc_qfc_packed_bytes(const oc_qfc_plan *p);
void oc_qfc_pack(const oc_qfc_plan *p, const void *w, const oc_qconv_q *q, void *dst);
void oc_qfc_run(const oc_qfc_plan *p, const void *in, const void *packed, const oc_qconv_q *q,
                void *out, uint8_t *scratch, oc_threadpool *pool);

/* Sums of `len` raw bytes (int8 when i8, else uint8) of `rows` rows `stride` apart (the AVX2
 * version when the CPU has it). */
void oc_qrow_sums(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8, int32_t *out);
/* Row terms: out[r] = (sum of row r + add) * mul in wrapping int32 arithmetic. */
void oc_qrow_terms(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8, int32_t add,
                   int32_t mul, int32_t *out);
typedef void (*oc_qrow_sums_fn)(const uint8_t *a, size_t rows, size_t len, size_t stride, bool i8,
                                int32_t add, int32_t mul, int32_t *out);
oc_qrow_sums_fn oc_qrow_sums_avx2(void); /* NULL when not compiled in */

#endif
