/* Quantized (uint8 / int8) DEPTHWISE_CONV_2D, NHWC, depth multiplier 1: a direct kernel
 * vectorized over channels (16 per zmm, 8 per ymm).
 *
 * Each tap's activations are widened to int32 lanes (zero- or sign-extended) and multiplied
 * with the weight w - zw held as int16 in the low half of an int32 lane: vpmaddwd (or AVX-512
 * VNNI vpdpwssd) then yields exactly (a)(w - zw), whatever the high half of a is. The input
 * zero point is folded into a per-channel term, bias - za * sum_taps (w - zw), so a tap
 * outside the image must read as za: border pixels use loads that fill the missing taps with
 * za. Requantization as the GEMM epilogue (qgemm.h: TFLite fixed point or XNNPACK fp32).
 *
 * Packed per channel (cpad = channels rounded up to 16): int32 term, int32 bias, the
 * requantization header entries of qgemm.h (multiplier, shifts, mask, float scale), then per
 * tap int32 weights (w - zw in the low 16 bits); then the block of the AVX-512 VNNI 3x3
 * kernel (qdwconv3_avx512vnni.c): a header (a flag word, set when that kernel runs, and a
 * word set when the weights are split over two int8 sets), then per chunk of 64 channels
 * (one chunk repeating the channels when there are fewer) per filter column one dword of 3
 * int8 weights per channel, the second set, the per-channel term on unsigned activations and the
 * requantization entries, each 64 words in the kernel's lane order (OC_QDW3_POS). */
#ifndef OC_KERNELS_QDWCONV_H
#define OC_KERNELS_QDWCONV_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/dwconv.h"
#include "kernels/qgemm.h"

enum {
    OC_QDW_TERM = 0, /* per channel: bias - za * sum (w - zw) */
    OC_QDW_BIAS = 1,
    OC_QDW_MULT = 2,
    OC_QDW_LSH = 3,
    OC_QDW_RSH = 4,
    OC_QDW_RMASK = 5,
    OC_QDW_SCALE = 6,
    OC_QDW_W = 7, /* first tap */
};

enum {
    OC_QDW3_HDR = 16,
    OC_QDW3_W = 0,       /* 3 x 64 */
    OC_QDW3_WB = 192,    /* 3 x 64, the second set */
    OC_QDW3_TERM = 384,  /* bias - za * sum (w - zw), za on the unsigned scale */
    OC_QDW3_SCALE = 448, /* then MULT, LSH, RSH, RMASK: 64 each, in that order */
    OC_QDW3_CHUNK = 768,
};
/* Word (vector k, dword d) of a 64-word entry for byte j of a chunk: vpunpck order, the
 * dwords of 128-bit lane L hold bytes 16L + 4k .. 16L + 4k + 3. */
#define OC_QDW3_POS(j) (((j) / 4 % 4) * 16 + (j) / 16 * 4 + (j) % 4)

typedef struct oc_qdw_plan {
    oc_dw_geom g;
    oc_qisa isa;
    size_t cpad;
    size_t rows, rows_per_task, ntasks;
    bool act_i8;
    int32_t za;
    oc_qgemm_ep ep;
    uint8_t *zrow; /* iw*C zero points (+ slack): the rows a window reads outside the image */
} oc_qdw_plan;

typedef void (*oc_qdw_rows_fn)(const oc_qdw_plan *p, const uint8_t *in, const int32_t *packed,
                               uint8_t *out, size_t row0, size_t row1);

/* isa is lowered to C when the geometry needs it (depth multiplier != 1). Fails (false) when
 * out of memory; call oc_qdw_plan_free after any init. */
bool oc_qdw_plan_init(oc_qdw_plan *p, const oc_dw_geom *g, oc_qisa isa, bool act_i8, int32_t za,
                      const oc_qgemm_ep *ep);
void oc_qdw_plan_free(oc_qdw_plan *p);
/* int32 words of the packed weights (0 on overflow). */
size_t oc_qdw_packed_words(const oc_qdw_plan *p);
/* w: [1, KH, KW, OC] uint8 (w_u8) or int8; zw its zero point; bias int32 or NULL; mult, shift,
 * scale per channel. dst: 64-byte aligned. */
void oc_qdw_pack(const oc_qdw_plan *p, const void *w, bool w_u8, int32_t zw, const int32_t *bias,
                 const int32_t *mult, const int32_t *shift, const float *scale, int32_t *dst);
void oc_qdw_run(const oc_qdw_plan *p, const void *in, const int32_t *packed, void *out,
                oc_threadpool *pool);

void oc_qdw_rows_c(const oc_qdw_plan *p, const uint8_t *in, const int32_t *packed, uint8_t *out,
                   size_t row0, size_t row1);
oc_qdw_rows_fn oc_qdw_rows_avx2(void);       /* NULL when not compiled in */
oc_qdw_rows_fn oc_qdw_rows_avx512vnni(void); /* NULL when not compiled in */
oc_qdw_rows_fn oc_qdw_rows_avx512vnni3(void); /* 3x3, a filter column per dword; NULL likewise */

#endif
