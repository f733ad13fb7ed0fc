/* TOPK_V2: the k largest values of each last-axis row, sorted descending, with their int32
 * indices; equal values keep the lower index first (TFLite). Per row a size-k heap holding the
 * current top k with the worst on top: O(n log k). */
#include <stdlib.h>

#include "ops/op.h"

typedef struct {
    int32_t *heap; /* k indices */
    int64_t cap;
} topk_state;

static void topk_release(oc_op *op)
{
    topk_state *s = op->state;
    if (s) free(s->heap);
    free(s);
    op->state = NULL;
}

static int64_t k_value(const oc_tensor *t)
{
    return t->dtype == OC_I32 ? ((const int32_t *)t->data)[0] : ((const int16_t *)t->data)[0];
}

static oc_status topk_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 2, 2, 2));
    oc_tensor *in = oc_in(ctx, op, 0), *kt = oc_in(ctx, op, 1);
    oc_tensor *vals = oc_out(ctx, op, 0), *idx = oc_out(ctx, op, 1);
    switch (in->dtype) {
    case OC_F32:
    case OC_I32:
    case OC_I64:
    case OC_U8:
    case OC_I8: break;
    default: return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    }
    OC_TRY(oc_check_dtype(ctx, op, vals, in->dtype));
    OC_TRY(oc_check_dtype(ctx, op, idx, OC_I32));
    if (kt->dtype != OC_I32 && kt->dtype != OC_I16)
        return oc_op_fail(ctx, op, "k must be int32 or int16, is %s", oc_dtype_name(kt->dtype));
    if (oc_tensor_count(kt) != 1) return oc_op_fail(ctx, op, "k must have one element");
    if (in->shape.rank < 1) return oc_op_fail(ctx, op, "input must have rank >= 1");
    if (!oc_has_data(ctx, kt)) return OC_DYNAMIC;
    int64_t k = k_value(kt), n = in->shape.dims[in->shape.rank - 1];
    if (k < 0 || k > n)
        return oc_op_fail(ctx, op, "k = %lld must be in [0, %lld]", (long long)k, (long long)n);
    oc_shape os = in->shape;
    os.dims[os.rank - 1] = (int32_t)k;
    OC_TRY(oc_set_shape(ctx, op, vals, &os));
    OC_TRY(oc_set_shape(ctx, op, idx, &os));
    topk_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    if (k > s->cap) {
        int32_t *h = realloc(s->heap, (size_t)k * sizeof *h);
        if (!h) return OC_NOMEMF(ctx->err);
        s->heap = h;
        s->cap = k;
    }
    return OC_OK;
}

/* WORSE(a, b): element a ranks after element b (smaller value, or equal value and higher
 * index). The heap keeps its worst element at the root. */
#define DEFINE_TOPK(NAME, T)                                                                       \
    static void NAME(const T *x, T *vals, int32_t *idx, int32_t *h, int64_t rows, int64_t n,       \
                     int64_t k)                                                                    \
    {                                                                                              \
        for (int64_t r = 0; r < rows; r++, x += n, vals += k, idx += k) {                          \
            int64_t m = 0;                                                                         \
            for (int64_t e = 0; e < n; e++) {                                                      \
                int64_t pos;                                                                       \
                if (m < k) { /* sift the new element up */                                         \
                    pos = m++;                                                                     \
                    while (pos > 0) {                                                              \
                        int64_t par = (pos - 1) / 2;                                               \
                        if (!WORSE(x, e, h[par])) break;                                           \
                        h[pos] = h[par];                                                           \
                        pos = par;                                                                 \
                    }                                                                              \
                    h[pos] = (int32_t)e;                                                           \
                    continue;                                                                      \
                }                                                                                  \
                if (k == 0 || !WORSE(x, h[0], e)) continue;                                        \
                pos = 0; /* replace the root and sift down */                                      \
                for (;;) {                                                                         \
                    int64_t c = 2 * pos + 1;                                                       \
                    if (c >= m) break;                                                             \
                    if (c + 1 < m && WORSE(x, h[c + 1], h[c])) c++;                                \
                    if (!WORSE(x, h[c], e)) break;                                                 \
                    h[pos] = h[c];                                                                 \
                    pos = c;                                                                       \
                }                                                                                  \
                h[pos] = (int32_t)e;                                                               \
            }                                                                                      \
            /* pop the worst into the last free output slot until empty */                         \
            for (int64_t out = m - 1; out >= 0; out--) {                                           \
                int32_t top = h[0], last = h[--m];                                                 \
                int64_t pos = 0;                                                                   \
                for (;;) {                                                                         \
                    int64_t c = 2 * pos + 1;                                                       \
                    if (c >= m) break;                                                             \
                    if (c + 1 < m && WORSE(x, h[c + 1], h[c])) c++;                                \
                    if (!WORSE(x, h[c], last)) break;                                              \
                    h[pos] = h[c];                                                                 \
                    pos = c;                                                                       \
                }                                                                                  \
                if (m > 0) h[pos] = last;                                                          \
                idx[out] = top;                                                                    \
                vals[out] = x[top];                                                                \
            }                                                                                      \
        }                                                                                          \
    }

#define WORSE(x, a, b) ((x)[a] < (x)[b] || (!((x)[b] < (x)[a]) && (a) > (b)))
DEFINE_TOPK(topk_f32, float)
DEFINE_TOPK(topk_i32, int32_t)
DEFINE_TOPK(topk_i64, int64_t)
DEFINE_TOPK(topk_u8, uint8_t)
DEFINE_TOPK(topk_i8, int8_t)
#undef WORSE

static oc_status topk_eval(oc_ctx *ctx, oc_op *op)
{
    oc_tensor *in = oc_in(ctx, op, 0), *vals = oc_out(ctx, op, 0), *idx = oc_out(ctx, op, 1);
    topk_state *s = op->state;
    int64_t n = in->shape.dims[in->shape.rank - 1];
    int64_t k = vals->shape.dims[vals->shape.rank - 1];
    int64_t rows = n ? oc_tensor_count(in) / n : 0;
    if (rows == 0 || k == 0) return OC_OK;
    switch (in->dtype) {
    case OC_F32: topk_f32(in->data, vals->data, idx->data, s->heap, rows, n, k); break;
    case OC_I32: topk_i32(in->data, vals->data, idx->data, s->heap, rows, n, k); break;
    case OC_I64: topk_i64(in->data, vals->data, idx->data, s->heap, rows, n, k); break;
    case OC_U8: topk_u8(in->data, vals->data, idx->data, s->heap, rows, n, k); break;
    case OC_I8: topk_i8(in->data, vals->data, idx->data, s->heap, rows, n, k); break;
    default: return oc_op_fail(ctx, op, "unsupported input type");
    }
    return OC_OK;
}

const oc_op_def oc_op_TOPK_V2 = {"TOPK_V2", 0, NULL, topk_prepare, topk_eval, topk_release};
