/* Reductions over a set of axes: MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN (TFLite
 * reference semantics). The reduced shape is collapsed into alternating groups of kept and
 * reduced dims. The common outer x reduced x inner layout (MEAN over H,W of NHWC, reduction of
 * the last axis) runs a vectorized kernel that streams contiguous rows; large inputs split the
 * reduced rows into fixed chunks folded in parallel into partial results, then combined in
 * chunk order (the split never depends on the thread count). Other layouts use a generic
 * odometer. Quantized MEAN / SUM (uint8, int8, int16) sum raw values in int64 and requantize
 * as TFLite (see the quantized section below); REDUCE_MAX / MIN pass values through. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixedpoint.h"
#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

typedef enum { R_MEAN, R_SUM, R_PROD, R_MAX, R_MIN } rkind;

/* Requantization of a quantized MEAN / SUM (see quant_finish). */
typedef enum { Q_NONE, Q_MEAN_XNN, Q_MEAN_SAME, Q_MEAN_F, Q_SUM_F, Q_SUM_WRAP } qmode;

/* Collapsed layout computed by prepare. */
typedef struct {
    int ngroups;
    int64_t gdims[OC_MAX_RANK];
    bool gred[OC_MAX_RANK];
    int64_t nreduced; /* elements folded into each output (product of reduced dims) */
    void *part;       /* partial results of chunked reductions */
    size_t part_cap;
    qmode qm;
    float qscale, qbias;
    int32_t zin, zout;
    int64_t *acc; /* quantized sums, one per output */
    size_t acc_cap;
} reduce_state;

static oc_status reduce_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_reduce_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->keep_dims = oc_fbt_bool(&op->options, 0, false);
    op->params = p;
    return OC_OK;
}

static void reduce_release(oc_op *op)
{
    reduce_state *s = op->state;
    if (s) {
        free(s->part);
        free(s->acc);
    }
    free(s);
    op->state = NULL;
}

static bool dtype_ok(rkind k, oc_dtype t)
{
    switch (t) {
    case OC_F32:
    case OC_I32:
    case OC_I64: return true;
    case OC_U8:
    case OC_I8:
    case OC_I16: return k != R_PROD; /* MEAN / SUM requantize, MAX / MIN pass through */
    default: return false;
    }
}

static bool is_quant(oc_dtype t)
{
    return t == OC_U8 || t == OC_I8 || t == OC_I16;
}

/* Requantization of a quantized MEAN / SUM, matching what the reference runtimes compute
 * (checked bit-exact against tfjs-tflite on single-op models):
 *  - MEAN of a 4-D uint8 / int8 tensor over exactly H and W (axes {1, 2}) with keep_dims: the
 *    XNNPACK delegate takes it: q = lrintf((sum - zp_in * n) * (s_in / (s_out * n))) + zp_out
 *    (float math, round half to even; without keep_dims the float rule below gives the same);
 *  - other MEANs with equal input / output quantization: TFLite's plain integer mean,
 *    q = sum / n truncated toward zero;
 *  - other MEANs: TFLite's QuantizedMeanOrSum: q = roundf((float)sum / n * r - zp_in * r) +
 *    zp_out, r = s_in / s_out in float, clamped;
 *  - SUM with different quantization (uint8 / int8 only, TFLite fails on int16):
 *    q = roundf(sum * r - zp_in * r * n) + zp_out, converted to the element type without
 *    clamping (TFLite wraps);
 *  - SUM with equal quantization: TFLite sums raw values in the element type (wrapping). */
static oc_status prepare_quant(oc_ctx *ctx, oc_op *op, rkind kind, bool hw, const oc_tensor *in,
                               const oc_tensor *out, reduce_state *s)
{
    s->qm = Q_NONE;
    if (kind != R_MEAN && kind != R_SUM) return OC_OK;
    if (in->q.count != 1 || out->q.count != 1 || !(in->q.scale[0] > 0) ||
        !(out->q.scale[0] > 0))
        return oc_op_fail(ctx, op, "quantized %s needs per-tensor input and output scales",
                          kind == R_MEAN ? "MEAN" : "SUM");
    for (int i = 0; i < 2; i++) { /* keeps the integer zero point arithmetic in range */
        const oc_tensor *t = i ? out : in;
        int64_t zp = t->q.zero_point[0];
        int64_t lo = t->dtype == OC_U8 ? 0 : t->dtype == OC_I8 ? INT8_MIN : INT16_MIN;
        int64_t hi = t->dtype == OC_U8 ? 255 : t->dtype == OC_I8 ? INT8_MAX : INT16_MAX;
        if (zp < lo || zp > hi)
            return oc_op_fail(ctx, op, "%s zero point %lld is out of range for %s",
                              i ? "output" : "input", (long long)zp, oc_dtype_name(t->dtype));
    }
    float si = in->q.scale[0], so = out->q.scale[0];
    s->zin = (int32_t)in->q.zero_point[0];
    s->zout = (int32_t)out->q.zero_point[0];
    bool same = si == so && s->zin == s->zout;
    float n = (float)s->nreduced;
    if (kind == R_MEAN && hw && in->dtype != OC_I16) {
        s->qm = Q_MEAN_XNN;
        s->qscale = si / (so * n);
    } else if (kind == R_MEAN) {
        s->qm = same ? Q_MEAN_SAME : Q_MEAN_F;
        s->qscale = si / so;
        s->qbias = (float)-s->zin * s->qscale;
    } else if (same) {
        s->qm = Q_SUM_WRAP;
    } else {
        if (in->dtype == OC_I16)
            return oc_op_fail(ctx, op, "int16 SUM needs equal input and output quantization");
        s->qm = Q_SUM_F;
        s->qscale = si / so;
        s->qbias = (float)-s->zin * s->qscale * n;
    }
    return OC_OK;
}

static oc_status reduce_prepare_kind(oc_ctx *ctx, oc_op *op, rkind kind)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    const oc_reduce_params *p = op->params;
    bool keep = p ? p->keep_dims : false;
    oc_tensor *in = oc_in(ctx, op, 0), *ax = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    if (!dtype_ok(kind, in->dtype))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, in->dtype));
    if ((kind == R_MAX || kind == R_MIN) && (in->q.count > 0 || out->q.count > 0) &&
        (in->q.count != out->q.count || in->q.scale[0] != out->q.scale[0] ||
         in->q.zero_point[0] != out->q.zero_point[0]))
        return oc_op_fail(ctx, op, "input and output quantization must match");
    if (ax->dtype != OC_I32 && ax->dtype != OC_I64)
        return oc_op_fail(ctx, op, "axis must be int32 or int64, is %s", oc_dtype_name(ax->dtype));
    if (ax->shape.rank > 1) return oc_op_fail(ctx, op, "axis must be a scalar or a vector");
    if (!oc_has_data(ctx, ax)) return OC_DYNAMIC;

    int rank = in->shape.rank;
    bool red[OC_MAX_RANK] = {false};
    int64_t nax = oc_tensor_count(ax);
    bool hw = keep && rank == 4 && nax == 2; /* TFLite's MEAN special case: axes {1, 2} */
    for (int64_t i = 0; i < nax; i++) {
        int64_t a =
            ax->dtype == OC_I32 ? ((const int32_t *)ax->data)[i] : ((const int64_t *)ax->data)[i];
        if (a < -rank || a >= rank)
            return oc_op_fail(ctx, op, "axis %lld out of range for rank %d", (long long)a, rank);
        red[a < 0 ? a + rank : a] = true; /* duplicates are harmless */
    }
    hw = hw && red[1] && red[2] && !red[0] && !red[3];

    oc_shape os = {0};
    for (int d = 0; d < rank; d++) {
        if (!red[d])
            os.dims[os.rank++] = in->shape.dims[d];
        else if (keep)
            os.dims[os.rank++] = 1;
    }
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    reduce_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    s->ngroups = 0;
    s->nreduced = 1;
    for (int d = 0; d < rank; d++) {
        int64_t n = in->shape.dims[d];
        if (red[d]) s->nreduced *= n;
        if (n == 1) continue; /* size-1 dims are neither kept nor reduced in effect */
        if (s->ngroups > 0 && s->gred[s->ngroups - 1] == red[d]) {
            s->gdims[s->ngroups - 1] *= n;
        } else {
            s->gdims[s->ngroups] = n;
            s->gred[s->ngroups] = red[d];
            s->ngroups++;
        }
    }
    s->qm = Q_NONE;
    if (is_quant(in->dtype)) {
        OC_TRY(prepare_quant(ctx, op, kind, hw, in, out, s));
        size_t nout = (size_t)oc_tensor_count(out);
        if (s->qm != Q_NONE && nout > s->acc_cap) {
            int64_t *a = malloc(nout * sizeof *a);
            if (!a) return OC_NOMEMF(ctx->err);
            free(s->acc);
            s->acc = a;
            s->acc_cap = nout;
        }
    }
    return OC_OK;
}

/* ---- kernels ------------------------------------------------------------------------------ */

/* The outer x nred x inner layout and its split: inner == 1 reduces contiguous rows, tasks
 * take rows_per_task outputs; inner > 1 folds rows of `inner` elements, tasks take `chunk`
 * rows of one outer index (nchunks per outer index, partials combined afterwards). */
typedef struct {
    const void *in;
    void *out, *part;
    int64_t outer, nred, inner;
    int64_t rows_per_task;
    int64_t chunk, nchunks;
} fast_job;

/* acc[i] += x[i] for float rows, 8 lanes at a time (GCC vector extension: SSE/AVX/NEON). */
typedef float v4f __attribute__((vector_size(16)));

static void add_row_f32(float *restrict acc, const float *restrict x, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v4f a0, a1, x0, x1;
        memcpy(&a0, acc + i, 16);
        memcpy(&a1, acc + i + 4, 16);
        memcpy(&x0, x + i, 16);
        memcpy(&x1, x + i + 4, 16);
        a0 += x0;
        a1 += x1;
        memcpy(acc + i, &a0, 16);
        memcpy(acc + i + 4, &a1, 16);
    }
    for (; i < n; i++)
        acc[i] += x[i];
}

/* Sum of a contiguous float row with 8 partial sums (fixed order). */
static float sum_row_f32(const float *x, int64_t n)
{
    v4f s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v4f x0, x1;
        memcpy(&x0, x + i, 16);
        memcpy(&x1, x + i + 4, 16);
        s0 += x0;
        s1 += x1;
    }
    s0 += s1;
    float s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
    for (; i < n; i++)
        s += x[i];
    return s;
}

/* Element combine rules per type; integer sum/product wrap (two's complement) instead of UB. */
#define OP_SUM(T, U, a, b) ((T)((U)(a) + (U)(b)))
#define OP_PROD(T, U, a, b) ((T)((U)(a) * (U)(b)))
#define OP_MAX(T, U, a, b) ((a) < (b) ? (b) : (a))
#define OP_MIN(T, U, a, b) ((b) < (a) ? (b) : (a))

/* Where task `task` of an inner > 1 job folds its rows: straight into the output when there is
 * one chunk, else into its partial slot. */
static void chunk_range(const fast_job *j, size_t task, size_t esz, int64_t *o, int64_t *r0,
                        int64_t *r1, void **dst)
{
    *o = (int64_t)task / j->nchunks;
    int64_t c = (int64_t)task % j->nchunks;
    *r0 = c * j->chunk;
    *r1 = *r0 + j->chunk < j->nred ? *r0 + j->chunk : j->nred;
    *dst = j->nchunks == 1 ? (char *)j->out + (size_t)(*o * j->inner) * esz
                           : (char *)j->part + (size_t)(task * (size_t)j->inner) * esz;
}

/* Row, chunk, combine and generic odometer kernels for one type and combine rule;
 * accumulators start at the rule's identity as TFLite's do (max starts at the lowest value). */
#define DEFINE_REDUCE(NAME, T, U, OP, INIT)                                                        \
    static void rows_##NAME(const fast_job *j, size_t task)                                        \
    {                                                                                              \
        const T *in = j->in;                                                                       \
        T *out = j->out;                                                                           \
        int64_t o0 = (int64_t)task * j->rows_per_task;                                             \
        int64_t o1 = o0 + j->rows_per_task < j->outer ? o0 + j->rows_per_task : j->outer;          \
        for (int64_t o = o0; o < o1; o++) {                                                        \
            const T *x = in + o * j->nred;                                                         \
            T acc = INIT;                                                                          \
            for (int64_t r = 0; r < j->nred; r++)                                                  \
                acc = OP(T, U, acc, x[r]);                                                         \
            out[o] = acc;                                                                          \
        }                                                                                          \
    }                                                                                              \
    static void chunk_##NAME(const fast_job *j, size_t task)                                       \
    {                                                                                              \
        int64_t o, r0, r1, n = j->inner;                                                           \
        void *dst;                                                                                 \
        chunk_range(j, task, sizeof(T), &o, &r0, &r1, &dst);                                       \
        T *acc = dst;                                                                              \
        const T *x = (const T *)j->in + (o * j->nred + r0) * n;                                    \
        for (int64_t i = 0; i < n; i++)                                                            \
            acc[i] = INIT;                                                                         \
        for (int64_t r = r0; r < r1; r++, x += n)                                                  \
            for (int64_t i = 0; i < n; i++)                                                        \
                acc[i] = OP(T, U, acc[i], x[i]);                                                   \
    }                                                                                              \
    static void combine_##NAME(const fast_job *j)                                                  \
    {                                                                                              \
        const T *part = j->part;                                                                   \
        T *out = j->out;                                                                           \
        for (int64_t o = 0; o < j->outer; o++)                                                     \
            for (int64_t i = 0; i < j->inner; i++) {                                               \
                T acc = INIT;                                                                      \
                for (int64_t c = 0; c < j->nchunks; c++)                                           \
                    acc = OP(T, U, acc, part[(o * j->nchunks + c) * j->inner + i]);                \
                out[o * j->inner + i] = acc;                                                       \
            }                                                                                      \
    }                                                                                              \
    static void generic_##NAME(const reduce_state *s, const T *in, T *out, int64_t total)          \
    {                                                                                              \
        int g = s->ngroups;                                                                        \
        int64_t idx[OC_MAX_RANK] = {0}, ostride[OC_MAX_RANK] = {0};                                \
        int64_t st = 1;                                                                            \
        for (int k = g - 1; k >= 0; k--) {                                                         \
            if (!s->gred[k]) {                                                                     \
                ostride[k] = st;                                                                   \
                st *= s->gdims[k];                                                                 \
            }                                                                                      \
        }                                                                                          \
        int64_t len = s->gdims[g - 1];                                                             \
        for (int64_t base = 0; base < total; base += len) {                                        \
            int64_t off = 0;                                                                       \
            for (int k = 0; k < g - 1; k++)                                                        \
                off += idx[k] * ostride[k];                                                        \
            const T *x = in + base;                                                                \
            if (s->gred[g - 1]) {                                                                  \
                T acc = out[off];                                                                  \
                for (int64_t i = 0; i < len; i++)                                                  \
                    acc = OP(T, U, acc, x[i]);                                                     \
                out[off] = acc;                                                                    \
            } else {                                                                               \
                T *y = out + off;                                                                  \
                for (int64_t i = 0; i < len; i++)                                                  \
                    y[i] = OP(T, U, y[i], x[i]);                                                   \
            }                                                                                      \
            for (int k = g - 2; k >= 0; k--) {                                                     \
                if (++idx[k] < s->gdims[k]) break;                                                 \
                idx[k] = 0;                                                                        \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_REDUCE(sum_f32, float, float, OP_SUM, 0.f)
DEFINE_REDUCE(prod_f32, float, float, OP_PROD, 1.f)
DEFINE_REDUCE(max_f32, float, float, OP_MAX, -FLT_MAX)
DEFINE_REDUCE(min_f32, float, float, OP_MIN, FLT_MAX)
DEFINE_REDUCE(sum_i32, int32_t, uint32_t, OP_SUM, 0)
DEFINE_REDUCE(prod_i32, int32_t, uint32_t, OP_PROD, 1)
DEFINE_REDUCE(max_i32, int32_t, uint32_t, OP_MAX, INT32_MIN)
DEFINE_REDUCE(min_i32, int32_t, uint32_t, OP_MIN, INT32_MAX)
DEFINE_REDUCE(sum_i64, int64_t, uint64_t, OP_SUM, 0)
DEFINE_REDUCE(prod_i64, int64_t, uint64_t, OP_PROD, 1)
DEFINE_REDUCE(max_i64, int64_t, uint64_t, OP_MAX, INT64_MIN)
DEFINE_REDUCE(min_i64, int64_t, uint64_t, OP_MIN, INT64_MAX)
DEFINE_REDUCE(max_u8, uint8_t, uint8_t, OP_MAX, 0)
DEFINE_REDUCE(min_u8, uint8_t, uint8_t, OP_MIN, UINT8_MAX)
DEFINE_REDUCE(max_i8, int8_t, int8_t, OP_MAX, INT8_MIN)
DEFINE_REDUCE(min_i8, int8_t, int8_t, OP_MIN, INT8_MAX)
DEFINE_REDUCE(max_i16, int16_t, int16_t, OP_MAX, INT16_MIN)
DEFINE_REDUCE(min_i16, int16_t, int16_t, OP_MIN, INT16_MAX)

/* Float sums: vectorized row and chunk kernels. */
static void rows_sum_f32_vec(const fast_job *j, size_t task)
{
    const float *in = j->in;
    float *out = j->out;
    int64_t o0 = (int64_t)task * j->rows_per_task;
    int64_t o1 = o0 + j->rows_per_task < j->outer ? o0 + j->rows_per_task : j->outer;
    for (int64_t o = o0; o < o1; o++)
        out[o] = sum_row_f32(in + o * j->nred, j->nred);
}

static void chunk_sum_f32_vec(const fast_job *j, size_t task)
{
    int64_t o, r0, r1, n = j->inner;
    void *dst;
    chunk_range(j, task, sizeof(float), &o, &r0, &r1, &dst);
    float *acc = dst;
    const float *x = (const float *)j->in + (o * j->nred + r0) * n;
    memset(acc, 0, (size_t)n * sizeof *acc);
    for (int64_t r = r0; r < r1; r++, x += n)
        add_row_f32(acc, x, n);
}

typedef void (*task_fn)(const fast_job *, size_t);
typedef void (*combine_fn)(const fast_job *);
typedef void (*generic_fn)(const reduce_state *, const void *, void *, int64_t);

typedef struct {
    task_fn rows, chunk;
    combine_fn combine;
    generic_fn generic;
} kernels;

#define KS(NAME)                                                                                   \
    (kernels)                                                                                      \
    {                                                                                              \
        (task_fn) rows_##NAME, (task_fn)chunk_##NAME, (combine_fn)combine_##NAME,                  \
            (generic_fn)generic_##NAME                                                             \
    }

static kernels pick(rkind k, oc_dtype t)
{
    bool sum = k == R_SUM || k == R_MEAN;
    switch (t) {
    case OC_F32: {
        if (!sum) return k == R_PROD ? KS(prod_f32) : k == R_MAX ? KS(max_f32) : KS(min_f32);
        kernels ks = KS(sum_f32);
        ks.rows = rows_sum_f32_vec;
        ks.chunk = chunk_sum_f32_vec;
        return ks;
    }
    case OC_I32:
        return sum           ? KS(sum_i32)
               : k == R_PROD ? KS(prod_i32)
               : k == R_MAX  ? KS(max_i32)
                             : KS(min_i32);
    case OC_I64:
        return sum           ? KS(sum_i64)
               : k == R_PROD ? KS(prod_i64)
               : k == R_MAX  ? KS(max_i64)
                             : KS(min_i64);
    case OC_U8: return k == R_MAX ? KS(max_u8) : KS(min_u8);
    case OC_I16: return k == R_MAX ? KS(max_i16) : KS(min_i16);
    default: return k == R_MAX ? KS(max_i8) : KS(min_i8);
    }
}

typedef struct {
    fast_job job;
    task_fn fn;
} fast_call;

static void fast_call_task(void *arg, size_t task)
{
    const fast_call *c = arg;
    c->fn(&c->job, task);
}

/* Identity of the combine rule, written to outputs that receive no element. */
static void fill_init(rkind k, oc_tensor *out)
{
    int64_t n = oc_tensor_count(out);
    for (int64_t i = 0; i < n; i++) {
        switch (out->dtype) {
        case OC_F32:
            ((float *)out->data)[i] = k == R_PROD  ? 1.f
                                      : k == R_MAX ? -FLT_MAX
                                      : k == R_MIN ? FLT_MAX
                                                   : 0.f;
            break;
        case OC_I32:
            ((int32_t *)out->data)[i] = k == R_PROD  ? 1
                                        : k == R_MAX ? INT32_MIN
                                        : k == R_MIN ? INT32_MAX
                                                     : 0;
            break;
        case OC_I64:
            ((int64_t *)out->data)[i] = k == R_PROD  ? 1
                                        : k == R_MAX ? INT64_MIN
                                        : k == R_MIN ? INT64_MAX
                                                     : 0;
            break;
        case OC_U8: ((uint8_t *)out->data)[i] = k == R_MAX ? 0 : UINT8_MAX; break;
        case OC_I8: ((int8_t *)out->data)[i] = k == R_MAX ? INT8_MIN : INT8_MAX; break;
        case OC_I16: ((int16_t *)out->data)[i] = k == R_MAX ? INT16_MIN : INT16_MAX; break;
        default: break;
        }
    }
}

static void divide_mean(oc_tensor *out, int64_t n)
{
    int64_t cnt = oc_tensor_count(out);
    if (n <= 0) return; /* TFLite: an empty mean stays 0 */
    if (out->dtype == OC_F32) {
        float *y = out->data;
        for (int64_t i = 0; i < cnt; i++)
            y[i] = y[i] / (float)n;
    } else if (out->dtype == OC_I64) {
        int64_t *y = out->data;
        for (int64_t i = 0; i < cnt; i++)
            y[i] = y[i] / n;
    }
}

/* Integer MEAN: sums in int64 so large int32 inputs do not overflow before the division. */
static oc_status mean_i32(oc_ctx *ctx, const reduce_state *s, const int32_t *in, int32_t *out,
                          int64_t total, int64_t nout)
{
    int64_t *acc = calloc((size_t)nout, sizeof *acc);
    int g = s->ngroups;
    int64_t idx[OC_MAX_RANK] = {0}, ostride[OC_MAX_RANK] = {0}, st = 1;
    if (!acc) return OC_NOMEMF(ctx->err);
    for (int k = g - 1; k >= 0; k--) {
        if (!s->gred[k]) {
            ostride[k] = st;
            st *= s->gdims[k];
        }
    }
    for (int64_t e = 0; e < total; e++) {
        int64_t off = 0;
        for (int k = 0; k < g; k++)
            off += idx[k] * ostride[k];
        acc[off] += in[e];
        for (int k = g - 1; k >= 0; k--) {
            if (++idx[k] < s->gdims[k]) break;
            idx[k] = 0;
        }
    }
    for (int64_t i = 0; i < nout; i++)
        out[i] = (int32_t)(acc[i] / s->nreduced);
    free(acc);
    return OC_OK;
}

/* ~32K input elements per task: large enough to amortize scheduling, small enough to spread. */
#define TASK_ELEMS 32768

static oc_status run_fast(oc_ctx *ctx, reduce_state *s, kernels ks, oc_tensor *in, oc_tensor *out,
                          int red_at)
{
    int g = s->ngroups;
    int64_t total = oc_tensor_count(in);
    size_t esz = oc_dtype_size(in->dtype);
    fast_call c = {.job = {.in = in->data, .out = out->data}};
    fast_job *j = &c.job;
    j->outer = red_at > 0 ? s->gdims[0] : 1;
    j->nred = s->gdims[red_at];
    j->inner = red_at < g - 1 ? s->gdims[g - 1] : 1;
    size_t ntasks;
    if (j->inner == 1) {
        int64_t rows = (TASK_ELEMS + j->nred - 1) / j->nred;
        j->rows_per_task = rows < 1 ? 1 : rows;
        ntasks = (size_t)((j->outer + j->rows_per_task - 1) / j->rows_per_task);
        c.fn = ks.rows;
    } else {
        j->chunk = j->nred;
        if (total >= 2 * TASK_ELEMS && j->outer < 8) {
            int64_t rows = (TASK_ELEMS + j->inner - 1) / j->inner;
            j->chunk = rows < j->nred ? rows : j->nred;
        }
        j->nchunks = (j->nred + j->chunk - 1) / j->chunk;
        ntasks = (size_t)(j->outer * j->nchunks);
        if (j->nchunks > 1) {
            size_t need = ntasks * (size_t)j->inner * esz;
            if (need > s->part_cap) {
                void *p = malloc(need);
                if (!p) return OC_NOMEMF(ctx->err);
                free(s->part);
                s->part = p;
                s->part_cap = need;
            }
            j->part = s->part;
        }
        c.fn = ks.chunk;
    }
    oc_parallel_for(total >= 2 * TASK_ELEMS ? ctx->pool : NULL, ntasks, fast_call_task, &c);
    if (j->inner > 1 && j->nchunks > 1) ks.combine(j);
    return OC_OK;
}

/* ---- quantized MEAN / SUM ------------------------------------------------------------------ */

static int64_t load_q(const void *p, oc_dtype t, int64_t i)
{
    return t == OC_U8 ? ((const uint8_t *)p)[i]
           : t == OC_I8 ? ((const int8_t *)p)[i]
                        : ((const int16_t *)p)[i];
}

/* Raw sums per output with the generic odometer (s->acc). */
static void quant_sums(const reduce_state *s, const oc_tensor *in, int64_t nout)
{
    int g = s->ngroups;
    int64_t idx[OC_MAX_RANK] = {0}, ostride[OC_MAX_RANK] = {0}, st = 1;
    for (int k = g - 1; k >= 0; k--) {
        if (!s->gred[k]) {
            ostride[k] = st;
            st *= s->gdims[k];
        }
    }
    memset(s->acc, 0, (size_t)nout * sizeof *s->acc);
    int64_t total = oc_tensor_count(in);
    for (int64_t e = 0; e < total; e++) {
        int64_t off = 0;
        for (int k = 0; k < g; k++)
            off += idx[k] * ostride[k];
        s->acc[off] += load_q(in->data, in->dtype, e);
        for (int k = g - 1; k >= 0; k--) {
            if (++idx[k] < s->gdims[k]) break;
            idx[k] = 0;
        }
    }
}

static void quant_finish(const reduce_state *s, oc_tensor *out, int64_t nout)
{
    int32_t lo = out->dtype == OC_U8 ? 0 : out->dtype == OC_I8 ? INT8_MIN : INT16_MIN;
    int32_t hi = out->dtype == OC_U8 ? 255 : out->dtype == OC_I8 ? INT8_MAX : INT16_MAX;
    int64_t n = s->nreduced;
    for (int64_t i = 0; i < nout; i++) {
        int64_t sum = s->acc[i];
        int32_t q;
        switch (s->qm) {
        case Q_MEAN_XNN: {
            float v = (float)(int32_t)(sum - (int64_t)s->zin * n) * s->qscale;
            v = fminf(fmaxf(v, (float)(lo - s->zout)), (float)(hi - s->zout));
            q = (int32_t)lrintf(v) + s->zout;
            break;
        }
        case Q_MEAN_SAME: q = (int32_t)(sum / n); break;
        case Q_MEAN_F: {
            float v = roundf((float)sum / (float)n * s->qscale + s->qbias) + (float)s->zout;
            q = (int32_t)fminf(fmaxf(v, (float)lo), (float)hi);
            break;
        }
        case Q_SUM_F: { /* no clamp: the element type keeps the low bits */
            float r = roundf((float)sum * s->qscale + s->qbias);
            /* beyond int32 (absurd scales; NaN gives INT32_MIN) saturates instead of UB */
            int32_t v = r >= 2147483648.f ? INT32_MAX : r >= -2147483648.f ? (int32_t)r : INT32_MIN;
            v = (int32_t)((uint32_t)v + (uint32_t)s->zout);
            q = out->dtype == OC_U8 ? (uint8_t)v : (int8_t)v;
            break;
        }
        default: /* the element type's own wrapping sum */
            q = out->dtype == OC_U8   ? (uint8_t)sum
                : out->dtype == OC_I8 ? (int8_t)sum
                                      : (int16_t)sum;
            break;
        }
        q = oc_clamp_i32(q, lo, hi);
        if (out->dtype == OC_U8)
            ((uint8_t *)out->data)[i] = (uint8_t)q;
        else if (out->dtype == OC_I8)
            ((int8_t *)out->data)[i] = (int8_t)q;
        else
            ((int16_t *)out->data)[i] = (int16_t)q;
    }
}

static oc_status reduce_eval_kind(oc_ctx *ctx, oc_op *op, rkind kind)
{
    reduce_state *s = op->state;
    oc_tensor *in = oc_in(ctx, op, 0), *out = oc_out(ctx, op, 0);
    int64_t total = oc_tensor_count(in), nout = oc_tensor_count(out);
    size_t esz = oc_dtype_size(in->dtype);
    if (nout == 0) return OC_OK;
    if (s->qm != Q_NONE) {
        if (total > 0 && s->nreduced > 0) {
            quant_sums(s, in, nout);
            quant_finish(s, out, nout);
        } else {
            memset(out->data, 0, out->bytes); /* TFLite leaves empty reductions at 0 */
        }
        return OC_OK;
    }
    if (total == 0) {
        fill_init(kind, out);
        return OC_OK;
    }
    int g = s->ngroups, nred_groups = 0, red_at = -1;
    for (int k = 0; k < g; k++)
        if (s->gred[k]) nred_groups++, red_at = k;
    if (nred_groups == 0) { /* reducing nothing (or only size-1 dims): a copy */
        memcpy(out->data, in->data, (size_t)total * esz);
        return OC_OK;
    }
    if (kind == R_MEAN && in->dtype == OC_I32)
        return mean_i32(ctx, s, in->data, out->data, total, nout);
    kernels ks = pick(kind, in->dtype);
    if (nred_groups == 1) {
        OC_TRY(run_fast(ctx, s, ks, in, out, red_at));
    } else {
        fill_init(kind, out);
        ks.generic(s, in->data, out->data, total);
    }
    if (kind == R_MEAN) divide_mean(out, s->nreduced);
    return OC_OK;
}

#define DEFINE_REDUCE_OP(NAME, KIND)                                                               \
    static oc_status prepare_##NAME(oc_ctx *ctx, oc_op *op)                                        \
    {                                                                                              \
        return reduce_prepare_kind(ctx, op, KIND);                                                 \
    }                                                                                              \
    static oc_status eval_##NAME(oc_ctx *ctx, oc_op *op)                                           \
    {                                                                                              \
        return reduce_eval_kind(ctx, op, KIND);                                                    \
    }                                                                                              \
    const oc_op_def oc_op_##NAME = {#NAME,          0,           reduce_parse,                     \
                                    prepare_##NAME, eval_##NAME, reduce_release};

DEFINE_REDUCE_OP(MEAN, R_MEAN)
DEFINE_REDUCE_OP(SUM, R_SUM)
DEFINE_REDUCE_OP(REDUCE_PROD, R_PROD)
DEFINE_REDUCE_OP(REDUCE_MAX, R_MAX)
DEFINE_REDUCE_OP(REDUCE_MIN, R_MIN)
