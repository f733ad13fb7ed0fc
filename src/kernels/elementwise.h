/* Elementwise kernel infrastructure: broadcast iteration plans, flat parallel loops, and the
 * vectorized float kernels behind ADD/MUL/... and the activations. The portable reference
 * kernels live with their ops in src/ops/; these are the fast paths, chosen at prepare. */
#ifndef OC_KERNELS_ELEMENTWISE_H
#define OC_KERNELS_ELEMENTWISE_H

#include <stdint.h>

#include "core/cpu.h"
#include "core/tensor.h"
#include "core/threadpool.h"

#define OC_EW_MAX_IN 3    /* SELECT_V2 has three broadcast inputs */
#define OC_EW_CHUNK 16384 /* elements per parallel task */

/* A broadcast plan: the output index space with size-1 dims dropped and adjacent dims merged
 * wherever every input stays contiguous across them, so that a same-shape op is one row,
 * a scalar operand is one row with step 0, and a per-channel operand is rows of C. */
typedef struct oc_bcast {
    int nin;
    int rank; /* >= 1 */
    int64_t total;
    int64_t dims[OC_MAX_RANK];
    int64_t strides[OC_EW_MAX_IN][OC_MAX_RANK]; /* element strides; 0 = broadcast */
} oc_bcast;

/* ins[k] must broadcast to out (the caller checked it with oc_broadcast_shape). */
void oc_bcast_init(oc_bcast *b, const oc_shape *out, const oc_shape *const *ins, int nin);

/* The data the plan runs over: input k at in[k] with elements of in_esz[k] bytes (1, 2, 4
 * or 8), the output at out with out_esz-byte elements. */
typedef struct oc_bcast_io {
    const void *in[OC_EW_MAX_IN];
    size_t in_esz[OC_EW_MAX_IN];
    void *out;
    size_t out_esz;
} oc_bcast_io;

/* One row of n contiguous outputs at out; input k starts at in[k] and advances by step[k]
 * (0 or 1) elements per output. */
typedef void (*oc_bcast_row_fn)(void *arg, const void *const *in, void *out, int64_t n,
                                const int *step);
/* Calls row() over the whole output, split into tasks of OC_EW_CHUNK elements. Rows shorter
 * than OC_EW_SHORT_ROW are grouped: inputs that are not contiguous across the group (a
 * per-channel operand repeated on every row, a per-row scalar) are gathered into a small
 * buffer first, so a [N,H,W,3] + [3] op makes a few long calls instead of N*H*W short ones. */
void oc_bcast_run(oc_threadpool *pool, const oc_bcast *b, const oc_bcast_io *io,
                  oc_bcast_row_fn row, void *arg);

#define OC_EW_SHORT_ROW 64
#define OC_EW_GROUP 256 /* elements per grouped call */

/* fn(arg, begin, end) over [0, n) in chunks of OC_EW_CHUNK elements (inline when small). */
typedef void (*oc_range_fn)(void *arg, int64_t begin, int64_t end);
void oc_ew_parallel(oc_threadpool *pool, int64_t n, oc_range_fn fn, void *arg);

/* Float binary ops with a vector fast path. */
typedef enum oc_ew_fop {
    OC_EWF_ADD,
    OC_EWF_SUB,
    OC_EWF_MUL,
    OC_EWF_DIV,
    OC_EWF_MAX, /* a > b ? a : b (TFLite) */
    OC_EWF_MIN, /* a < b ? a : b */
    OC_EWF_SQDIFF,
} oc_ew_fop;

/* out[i] = min(max(a[i*sa] op b[i*sb], lo), hi); sa, sb are 0 or 1. */
typedef void (*oc_ew_binary_f32_fn)(oc_ew_fop op, const float *a, int sa, const float *b, int sb,
                                    float *out, int64_t n, float lo, float hi);
/* The fastest implementation for cpu, or NULL (use the reference loop). */
oc_ew_binary_f32_fn oc_ew_binary_f32_pick(const oc_cpu *cpu);

/* Float unary ops with a vector fast path. */
typedef enum oc_ew_uop {
    OC_EWU_RELU,
    OC_EWU_RELU6,
    OC_EWU_RELU_N1_TO_1,
    OC_EWU_LEAKY_RELU, /* param = alpha */
    OC_EWU_HARD_SWISH,
    OC_EWU_LOGISTIC,
    OC_EWU_TANH,
} oc_ew_uop;

typedef void (*oc_ew_unary_f32_fn)(oc_ew_uop op, const float *in, float *out, int64_t n,
                                   float param);
oc_ew_unary_f32_fn oc_ew_unary_f32_pick(const oc_cpu *cpu);

#if defined(__x86_64__) || defined(__i386__)
void oc_ew_binary_f32_avx2(oc_ew_fop op, const float *a, int sa, const float *b, int sb, float *out,
                           int64_t n, float lo, float hi);
void oc_ew_unary_f32_avx2(oc_ew_uop op, const float *in, float *out, int64_t n, float param);
#endif

#endif
