/* Packed single-precision GEMM: the engine under CONV_2D, FULLY_CONNECTED, BATCH_MATMUL and
 * TRANSPOSE_CONV.
 *
 *     C[M,N] = clamp(A[M,K] * B[N,K]^T + bias[N], lo, hi)
 *
 * B (the weights) is packed once into panels of NR columns: panel j holds NR bias values then
 * K rows of NR weights ([K][NR], zero-padded past N), so a micro-kernel streams one panel
 * contiguously. A is read in place, row-major with a row stride (activations in NHWC are
 * already [pixels, channels]); when it is not a plain matrix an A-provider hands over MR rows
 * at a time: as row pointers plus a table of offsets (a convolution's windows, read in place:
 * implicit GEMM), or copied into a small per-task scratch buffer (im2col, transposed operand).
 *
 * A micro-kernel computes an MR x NR tile of C with MR*NR/VL accumulator registers,
 * broadcasting A and loading B vectors; bias and activation clamp are its epilogue. M = 1 uses
 * a GEMV kernel (memory-bound: several independent accumulators per panel instead of rows).
 *
 * Work is split into tasks of (MR-panel range, NR-panel group); each C element is produced by
 * one task with a fixed summation order, so results never depend on the thread count.
 *
 * Quantized (int8, VNNI) GEMM will follow the same shape: its own kernel table with a K
 * packing granularity of 4, the same plan/task split, a requantizing epilogue. */
#ifndef OC_KERNELS_SGEMM_H
#define OC_KERNELS_SGEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/threadpool.h"
#include "kernels/isa.h"

/* C tile [m x n] = clamp(A[m x k] * panel + panel bias). m <= MR, n <= NR; A rows at
 * a + r*lda for r < m (rows >= m are never read); C rows at c + r*ldc; only the m x n tile is
 * written. pb is one packed panel (NR bias values then [k][NR]). */
typedef void (*oc_sgemm_ukernel_fn)(size_t k, const float *a, size_t lda, const float *pb, float *c,
                                    size_t ldc, size_t m, size_t n, float lo, float hi);
/* One row: c[0..n) = clamp(a[0..k) * panel + bias), n <= NR. */
typedef void (*oc_sgemv_fn)(size_t k, const float *a, const float *pb, float *c, size_t n, float lo,
                            float hi);
/* Indirect forms ("implicit GEMM"): element (r, p) of A is rows[r][off[p]], so a convolution
 * reads its input in place through a table of tap offsets instead of an im2col copy. */
typedef void (*oc_sgemm_ukernel_ind_fn)(size_t k, const float *const *rows, const int32_t *off,
                                        const float *pb, float *c, size_t ldc, size_t m, size_t n,
                                        float lo, float hi);
typedef void (*oc_sgemv_ind_fn)(size_t k, const float *row, const int32_t *off, const float *pb,
                                float *c, size_t n, float lo, float hi);

#define OC_SGEMM_MAX_MR 16

typedef struct oc_sgemm_kernel {
    const char *name;
    oc_isa isa;
    int mr, nr;
    int eff; /* relative throughput in percent, to trade padding waste against tile width */
    oc_sgemm_ukernel_fn gemm;
    oc_sgemv_fn gemv;
    oc_sgemm_ukernel_ind_fn gemm_ind;
    oc_sgemv_ind_fn gemv_ind;
} oc_sgemm_kernel;

/* The kernel of `isa` best suited to an n-column output. Never NULL (falls back to C). */
const oc_sgemm_kernel *oc_sgemm_kernel_select(oc_isa isa, size_t n);
/* Per-ISA tables (count via *n); NULL/0 when the ISA is not compiled in. For tests. */
const oc_sgemm_kernel *oc_sgemm_kernels_c(size_t *n);
const oc_sgemm_kernel *oc_sgemm_kernels_avx2(size_t *n);
const oc_sgemm_kernel *oc_sgemm_kernels_avx512(size_t *n);

/* Floats needed by a packed B of n columns and depth k (0 on overflow). */
size_t oc_sgemm_packed_floats(const oc_sgemm_kernel *kr, size_t n, size_t k);
/* Packs B: element (col j, depth p) is w[j*sn + p*sk]; bias may be NULL (zeros). dst must
 * hold oc_sgemm_packed_floats() floats, 64-byte aligned. */
void oc_sgemm_pack(const oc_sgemm_kernel *kr, size_t n, size_t k, const float *w, size_t sn,
                   size_t sk, const float *bias, float *dst);

/* Rows [m0, m0+m) (m <= MR) of A as an A-provider hands them over: either plain rows
 * (a + r*lda; off NULL), possibly written into the caller's scratch (MR*k floats, plus 16
 * floats of slack a provider may overwrite), or indirect rows (off non-NULL, element (r, p) at
 * rows[r][off[p]], r < m). */
typedef struct oc_sgemm_a {
    size_t panel; /* in: set by the driver, the panel index (m0 / MR) */
    const float *a;
    size_t lda;
    const int32_t *off;
    const float *rows[OC_SGEMM_MAX_MR];
} oc_sgemm_a;

typedef void (*oc_sgemm_a_fn)(const void *arg, size_t m0, size_t m, float *scratch,
                              oc_sgemm_a *out);

/* The task split shared by the float and the integer GEMM: tasks of (row-panel range,
 * column-panel group), column groups sized so their packed B stays in L2. */
typedef struct oc_gemm_split {
    size_t mpanels, npanels;       /* ceil(m/MR), ceil(n/NR) */
    size_t m_per_task, n_per_task; /* panels */
    size_t mtasks, ntasks_n, ntasks;
} oc_gemm_split;

/* panel_bytes: packed bytes of one column panel; work: m*n*k scaled to float multiply-adds
 * (cheaper integer MACs count less); max_tasks 0 = default. */
void oc_gemm_split_init(oc_gemm_split *s, size_t mr, size_t nr, size_t panel_bytes, size_t m,
                        size_t n, double work, size_t max_tasks);

typedef struct oc_sgemm_plan {
    const oc_sgemm_kernel *kr;
    size_t m, n, k;
    size_t mpanels, npanels;       /* ceil(m/MR), ceil(n/NR) */
    size_t m_per_task, n_per_task; /* panels */
    size_t mtasks, ntasks_n, ntasks;
    size_t scratch_per_task; /* floats; 0 when A is read in place */
} oc_sgemm_plan;

/* Chooses the task split. a_scratch: the A-provider needs scratch. max_tasks bounds the
 * number of tasks (and so of scratch slots); 0 = default. */
void oc_sgemm_plan_init(oc_sgemm_plan *p, const oc_sgemm_kernel *kr, size_t m, size_t n, size_t k,
                        bool a_scratch, size_t max_tasks);
/* Total scratch floats run() needs (ntasks * scratch_per_task). */
size_t oc_sgemm_plan_scratch(const oc_sgemm_plan *p);

typedef struct oc_sgemm_args {
    const float *a; /* plain A (row stride lda), or NULL and get_a */
    size_t lda;
    oc_sgemm_a_fn get_a;
    const void *a_arg;
    const float *packed; /* oc_sgemm_pack output */
    float *c;
    size_t ldc;
    float lo, hi;
    float *scratch; /* oc_sgemm_plan_scratch floats, when the plan needs it */
} oc_sgemm_args;

void oc_sgemm_run(const oc_sgemm_plan *p, const oc_sgemm_args *args, oc_threadpool *pool);

#endif
