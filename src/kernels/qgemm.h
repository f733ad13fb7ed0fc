/* Packed 8-bit GEMM with a fused requantizing epilogue: the engine under quantized CONV_2D
 * and FULLY_CONNECTED (uint8 and int8).
 *
 *     C[M,N] = requant(sum_k (a[m,k] - za) * (w[n,k] - zw) + bias[n])      (uint8 or int8 C)
 *
 * Arithmetic. The micro-kernels compute an exact int32 dot product of unsigned bytes A' with
 * signed bytes B, 4 depths per 32-bit lane (x86 vpdpbusd's contract): A' = a + xa (xa = 128
 * for int8 activations: a XOR 0x80, done in the kernel), B = w - xb (xb = 128 for uint8
 * weights, done at pack time). With ea = xa + za and eb = xb - zw:
 *     sum (a - za)(w - zw) = sum A'B + eb * sum A' - ea * sum B - K * ea * eb
 * The column terms (bias - ea * sum B - K ea eb) are packed with the weights; the row term
 * eb * sum A' exists only for asymmetric weights (uint8 models) and is computed by the caller
 * (qconv.c) into an int32 array, or for a plain A by the kernel's rows function itself
 * (oc_qgemm_ep.rs_eb). The epilogue adds both and requantizes per column:
 *   - OC_QREQ_FIXED: TFLite's MultiplyByQuantizedMultiplier (double rounding), + zero point;
 *   - OC_QREQ_FP32: XNNPACK's fp32 requantization: (float)acc * scale, clamped, rounded to
 *     nearest even, + zero point (what TFLite's default XNNPACK delegate computes);
 * then clamps to [lo, hi] and stores bytes.
 *
 * Packing. B is packed once into panels of NR columns; panel j holds a header of per-column
 * int32 values (column term, multiplier, left shift, right shift, right-shift mask, float
 * scale; see OC_QGEMM_HDR) followed by the weights: for each group g of 4 depths, NR columns
 * of 4 bytes (the vpdpbusd layout) or, for kernels of layout OC_QGEMM_I16, NR columns of 2+2
 * int16 (vpmaddwd on AVX2 without VNNI: vpmaddubsw would saturate). K is padded to a multiple
 * of 4 with zero weights.
 *
 * A is always read through row pointers and a table of byte offsets, one per depth group
 * (element group g of row r is the 4 bytes at rows[r] + off[g]): a plain matrix uses offsets
 * 0, 4, 8, ...; a convolution points rows at window origins and offsets at its taps (implicit
 * GEMM, no im2col copy). Work is split into tasks exactly as the float GEMM (sgemm.h), so
 * results never depend on the thread count. */
#ifndef OC_KERNELS_QGEMM_H
#define OC_KERNELS_QGEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include "core/fixedpoint.h"
#include "core/threadpool.h"
#include "kernels/isa.h"
#include "kernels/qref.h"
#include "kernels/sgemm.h"

#define OC_QGEMM_MAX_MR 16

typedef enum oc_qgemm_layout {
    OC_QGEMM_U8X4 = 0, /* [group][NR][4] int8 */
    OC_QGEMM_I16 = 1,  /* [group][NR][4] int16 */
} oc_qgemm_layout;

/* Integer kernel paths, best last. avxvnni: AVX2 + VEX vpdpbusd (ymm); avx512vnni: AVX-512
 * BW/VL + vpdpbusd (zmm, and EVEX ymm for narrow outputs). */
typedef enum oc_qisa {
    OC_QISA_C = 0,
    OC_QISA_AVX2 = 1,
    OC_QISA_AVXVNNI = 2,
    OC_QISA_AVX512VNNI = 3,
    OC_QISA_COUNT = 4,
} oc_qisa;

/* Per-column header entries of a panel, each NR values: */
enum {
    OC_QH_COL = 0,   /* int32 column term */
    OC_QH_MULT = 1,  /* int32 fixed-point multiplier */
    OC_QH_LSH = 2,   /* int32 left shift */
    OC_QH_RSH = 3,   /* int32 right shift */
    OC_QH_RMASK = 4, /* int32 (1 << right shift) - 1 */
    OC_QH_SCALE = 5, /* float fp32 scale */
    OC_QGEMM_HDR = 6,
};

/* Per-GEMM epilogue constants. */
typedef struct oc_qgemm_ep {
    int32_t out_zp, lo, hi; /* output zero point and clamp (output units) */
    float flo, fhi;         /* fp32 mode: lo - zp, hi - zp */
    uint32_t a_xor;         /* 0x80808080 for int8 activations, else 0 */
    oc_qreq_mode mode;
    bool out_u8; /* uint8 output (else int8) */
    /* fp32 mode with every scale < 0.5: |acc * scale| < 2^30 converts to int32 without
     * overflow, so full tiles may round first and clamp with saturating packs (the same
     * values: the bounds are integers inside the output type) */
    bool fast;
    /* the row terms are computed in output column rs_lane (oc_qgemm_b.rs_col) of the single
     * column panel and added to each row's accumulators before requantizing */
    bool rs_in_lane;
    int32_t rs_lane;
    /* nonzero: a kernel's rows function (plain A) computes the row terms rs_eb * sum A' itself
     * (the caller passes no rs array); see oc_qgemm_kernel.rows */
    int32_t rs_eb;
} oc_qgemm_ep;

/* The fast flag for scales[0..n). */
static inline bool oc_qgemm_fast_ok(oc_qreq_mode mode, const float *scale, size_t n)
{
    if (mode != OC_QREQ_FP32) return false;
    for (size_t i = 0; i < n; i++)
        if (!(scale[i] >= 0.f && scale[i] < 0.5f)) return false;
    return true;
}

/* C tile [m x n] (m <= MR, n <= NR) at c (row stride ldc) from rows[0..m) (rows >= m are never
 * read) or, when rows is NULL, the plain rows a + r*lda; kg depth groups, panel pb; rs: the row
 * terms of these m rows, or NULL. */
typedef void (*oc_qgemm_ukernel_fn)(size_t kg, const uint8_t *const *rows, const uint8_t *a,
                                    size_t lda, const int32_t *off, const void *pb, uint8_t *c,
                                    size_t ldc, size_t m, size_t n, const int32_t *rs,
                                    const oc_qgemm_ep *ep);

/* Rows [0, m) of a plain A (row r at a + r*lda, offsets off = 0, 4, 8, ...) against the
 * np consecutive panels at pb (pstride bytes apart), n <= np*NR columns: a whole task's block
 * in one call (no per-tile call, row pointers or row-term pass). Row terms from rs, or computed
 * here when ep->rs_eb is nonzero. */
typedef void (*oc_qgemm_rows_fn)(size_t kg, const uint8_t *a, size_t lda, const int32_t *off,
                                 const void *pb, size_t pstride, size_t np, uint8_t *c, size_t ldc,
                                 size_t m, size_t n, const int32_t *rs, const oc_qgemm_ep *ep);

typedef struct oc_qgemm_kernel {
    const char *name;
    oc_qisa isa;
    int mr, nr;
    int eff; /* relative throughput in percent */
    oc_qgemm_layout layout;
    oc_qgemm_ukernel_fn gemm;
    oc_qgemm_ukernel_fn gemv; /* m == 1 (several accumulators per column instead of rows) */
    oc_qgemm_rows_fn rows;    /* optional, m > 1 with plain A (NULL: gemm per tile) */
} oc_qgemm_kernel;

/* The best integer path the CPU supports (cpu NULL: oc_cpu_get()). */
oc_qisa oc_qisa_best(const oc_cpu *cpu);
const char *oc_qisa_name(oc_qisa isa);

/* The kernel of `isa` (or the best compiled-in path below it) suited to n columns. */
const oc_qgemm_kernel *oc_qgemm_kernel_select(oc_qisa isa, size_t n);
/* Per-path tables for tests (count via *n; NULL/0 when not compiled in). */
const oc_qgemm_kernel *oc_qgemm_kernels_c(size_t *n);
const oc_qgemm_kernel *oc_qgemm_kernels_avx2(size_t *n);
const oc_qgemm_kernel *oc_qgemm_kernels_avxvnni(size_t *n);
const oc_qgemm_kernel *oc_qgemm_kernels_avx512vnni(size_t *n);

/* Weights to pack. Element (col j, depth p) is w[j*sn + p*sk] for p < k (a depth index may be
 * remapped: see k_map). */
typedef struct oc_qgemm_b {
    size_t n, k;   /* columns and real depth */
    size_t kpad;   /* packed depth (multiple of 4, >= the depths addressed) */
    const void *w; /* uint8 or int8 */
    bool w_u8;     /* uint8 weights: stored as w - 128 */
    size_t sn, sk;
    /* Optional: depth p of the weights goes to packed depth k_map[p] (padded filter rows);
     * NULL: identity. Unmapped packed depths hold zeros. */
    const int32_t *k_map;
    /* Row-sum column: column n (which must fall inside the first panel) gets the weight eb at
     * every real depth and a zero column term, so its accumulator is the row term eb * sum A'
     * (see oc_qgemm_ep.rs_lane). */
    bool rs_col;
    const void *bias;            /* int32[n] or NULL */
    int32_t ea, eb;              /* see the file comment */
    const int32_t *mult, *shift; /* per column: TFLite multiplier and exponent */
    const float *scale;          /* per column: fp32 scale */
} oc_qgemm_b;

/* Bytes of packed B (0 on overflow). */
size_t oc_qgemm_packed_bytes(const oc_qgemm_kernel *kr, size_t n, size_t kpad);
/* dst: oc_qgemm_packed_bytes() bytes, 64-byte aligned. */
void oc_qgemm_pack(const oc_qgemm_kernel *kr, const oc_qgemm_b *b, void *dst);

/* Rows [m0, m0+m) of A as a provider hands them over. */
typedef struct oc_qgemm_a {
    size_t panel; /* in: m0 / MR */
    const int32_t *off;
    const uint8_t *rows[OC_QGEMM_MAX_MR];
    const int32_t *rs; /* in: NULL; a provider may hand over the m row terms itself */
} oc_qgemm_a;

/* May write rows into scratch (MR * kpad bytes, then MR int32 for row terms, then 64 bytes of
 * slack; 64-byte aligned). */
typedef void (*oc_qgemm_a_fn)(const void *arg, size_t m0, size_t m, uint8_t *scratch,
                              oc_qgemm_a *out);

typedef struct oc_qgemm_plan {
    const oc_qgemm_kernel *kr;
    size_t m, n, kpad, kg;
    oc_gemm_split split;
    size_t scratch_per_task; /* bytes, 0 when A needs no copy */
} oc_qgemm_plan;

void oc_qgemm_plan_init(oc_qgemm_plan *p, const oc_qgemm_kernel *kr, size_t m, size_t n,
                        size_t kpad, bool a_scratch, size_t max_tasks);
size_t oc_qgemm_plan_scratch(const oc_qgemm_plan *p); /* bytes */

typedef struct oc_qgemm_args {
    /* plain A: row r at a + r*lda, read with `off` (0, 4, 8, ...; kg entries); or get_a */
    const uint8_t *a;
    size_t lda;
    const int32_t *off;
    oc_qgemm_a_fn get_a;
    const void *a_arg;
    const void *packed;
    uint8_t *c;
    size_t ldc;
    const int32_t *rs; /* M row terms, or NULL */
    const oc_qgemm_ep *ep;
    uint8_t *scratch; /* oc_qgemm_plan_scratch bytes, 64-byte aligned, when needed */
} oc_qgemm_args;

void oc_qgemm_run(const oc_qgemm_plan *p, const oc_qgemm_args *args, oc_threadpool *pool);

/* A table of offsets 0, 4, 8, ... (kg entries), malloc'd; NULL on failure. */
int32_t *oc_qgemm_plain_offsets(size_t kg);

/* The epilogue's requantization of one accumulator (scalar form; the vector kernels are
 * tested against it). shift = lsh - rsh, TFLite's exponent. */
static inline int32_t oc_qgemm_requant(int32_t acc, int32_t mult, int shift, float scale,
                                       const oc_qgemm_ep *ep)
{
    if (ep->mode == OC_QREQ_FP32) {
        float f = (float)acc * scale;
        f = f < ep->flo ? ep->flo : f;
        f = f > ep->fhi ? ep->fhi : f;
        return (int32_t)lrintf(f) + ep->out_zp; /* nearest even, like cvtps2dq */
    }
    int32_t v = oc_mul_by_qm(acc, mult, shift) + ep->out_zp;
    return v < ep->lo ? ep->lo : v > ep->hi ? ep->hi : v;
}

#endif
