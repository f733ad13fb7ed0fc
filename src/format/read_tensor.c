/* Reads one Tensor table: shape, signature, type, quantization, sparsity and the constant data,
 * checking every value before it is stored. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "format/reader_impl.h"

/* Upper bound on one tensor's byte size (1 TiB): larger shapes are corrupt, not models. */
#define TENSOR_MAX_BYTES ((uint64_t)1 << 40)

/* Tensor field ids (TFLite/circle schema). */
enum {
    T_SHAPE = 0,
    T_TYPE = 1,
    T_BUFFER = 2,
    T_NAME = 3,
    T_QUANT = 4,
    T_VARIABLE = 5,
    T_SPARSITY = 6,
    T_SIGNATURE = 7,
    T_COMPRESSION = 10
};

typedef struct tctx {
    rd_ctx *r;
    int32_t sgi, index;
    const char *name;
} tctx;

static oc_status tfail(const tctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static oc_status tfail(const tctx *c, const char *fmt, ...)
{
    char msg[OC_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return OC_ERRF(c->r->err, "subgraph %d tensor %d ('%.64s'): %s", c->sgi, c->index,
                   c->name ? c->name : "", msg);
}

/* Wraps a failure of the flatbuffer layer (whose message is in r->err) with the tensor. */
#define TTRY(c, expr)                                                                              \
    do {                                                                                           \
        oc_status st_ = (expr);                                                                    \
        if (st_ == OC_NOMEM) return st_;                                                           \
        if (st_ != OC_OK) return tfail((c), "%s", (c)->r->err->msg);                               \
    } while (0)

static oc_status read_dims(const tctx *c, const oc_fbt *t, int id, int32_t min_dim, oc_shape *s)
{
    oc_fbv v;
    TTRY(c, oc_fbt_vector(t, id, 4, &v, c->r->err));
    if (v.len > OC_MAX_RANK) return tfail(c, "rank %u exceeds the limit %d", v.len, OC_MAX_RANK);
    s->rank = (int32_t)v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        int32_t d = oc_fbv_i32(&v, i);
        if (d < min_dim) return tfail(c, "dimension %u is %d", i, d);
        s->dims[i] = d;
    }
    return OC_OK;
}

static oc_status read_quant(const tctx *c, const oc_fbt *t, oc_tensor *out)
{
    rd_ctx *r = c->r;
    oc_fbt q;
    TTRY(c, oc_fbt_table(t, T_QUANT, &q, r->err));
    if (!oc_fbt_is_present(&q)) return OC_OK;
    if (oc_fbt_u8(&q, 4, 0) != 0) return tfail(c, "custom quantization is not supported");
    oc_fbv scale, zp;
    TTRY(c, oc_fbt_vector(&q, 2, 4, &scale, r->err));
    TTRY(c, oc_fbt_vector(&q, 3, 8, &zp, r->err));
    if (scale.len == 0) return OC_OK; /* min/max only, or empty: not quantized */
    if (zp.len != 0 && zp.len != scale.len)
        return tfail(c, "%u scales but %u zero points", scale.len, zp.len);
    int32_t axis = oc_fbt_i32(&q, 6, 0);
    if (scale.len > 1) {
        /* Some converters (person_detect) leave the filter's axis on 1-D biases: the only
         * axis there can be is meant. */
        if (out->shape.rank == 1 && (uint32_t)out->shape.dims[0] == scale.len) axis = 0;
        if (axis < 0 || axis >= out->shape.rank)
            return tfail(c, "quantized dimension %d out of range for rank %d", axis,
                         out->shape.rank);
        if ((uint32_t)out->shape.dims[axis] != scale.len)
            return tfail(c, "%u scales for dimension %d of size %d", scale.len, axis,
                         out->shape.dims[axis]);
    } else if (axis < 0 || axis >= (out->shape.rank > 0 ? out->shape.rank : 1)) {
        axis = 0; /* irrelevant for one scale */
    }
    OC_TRY(rd_spend(r, (size_t)scale.len * 2));
    out->q.scale = oc_mem_calloc(&r->g->mem, scale.len, sizeof(float));
    out->q.zero_point = oc_mem_calloc(&r->g->mem, scale.len, sizeof(int64_t));
    if (!out->q.scale || !out->q.zero_point) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < scale.len; i++) {
        float s = oc_fbv_f32(&scale, i);
        if (!isfinite(s) || s < 0.f) return tfail(c, "invalid quantization scale %g", (double)s);
        out->q.scale[i] = s;
        out->q.zero_point[i] = zp.len ? oc_fbv_i64(&zp, i) : 0;
    }
    out->q.count = (int32_t)scale.len;
    out->q.axis = axis;
    return OC_OK;
}

/* One SparseIndexVector union value (type 1 Int32Vector, 2 Uint16Vector, 3 Uint8Vector). */
static oc_status read_sparse_index(const tctx *c, const oc_fbt *dim, int type_id,
                                   oc_sparse_index *out)
{
    static const oc_dtype types[] = {OC_I32, OC_I16, OC_U8};
    static const size_t sizes[] = {4, 2, 1};
    rd_ctx *r = c->r;
    uint8_t type = oc_fbt_u8(dim, type_id, 0);
    oc_fbt vt;
    TTRY(c, oc_fbt_table(dim, type_id + 1, &vt, r->err));
    if (type < 1 || type > 3 || !oc_fbt_is_present(&vt))
        return tfail(c, "sparse dimension without a valid index vector");
    oc_fbv v;
    TTRY(c, oc_fbt_vector(&vt, 0, sizes[type - 1], &v, r->err));
    if (v.len > INT32_MAX) return tfail(c, "sparse index vector too long");
    OC_TRY(rd_spend(r, v.len / 4));
    out->dtype = types[type - 1];
    out->count = (int32_t)v.len;
    out->data = rd_aligned(r, v.data, (size_t)v.len * sizes[type - 1], sizes[type - 1]);
    if (!out->data) return OC_NOMEMF(r->err);
    return OC_OK;
}

static oc_status read_sparsity(const tctx *c, const oc_fbt *sp, oc_tensor *out)
{
    rd_ctx *r = c->r;
    oc_fbv order, block_map, dims;
    TTRY(c, oc_fbt_vector(sp, 0, 4, &order, r->err));
    TTRY(c, oc_fbt_vector(sp, 1, 4, &block_map, r->err));
    TTRY(c, oc_fbt_vector(sp, 2, 4, &dims, r->err));
    int32_t rank = out->shape.rank;
    if (order.len != dims.len || order.len != (uint64_t)rank + block_map.len ||
        order.len > 2 * OC_MAX_RANK)
        return tfail(c,
                     "inconsistent sparsity: %u traversal dims, %u block dims, %u dim "
                     "metadata, rank %d",
                     order.len, block_map.len, dims.len, rank);
    OC_TRY(rd_spend(r, (size_t)order.len * 3 + block_map.len));
    oc_sparsity *s = oc_mem_alloc(&r->g->mem, sizeof *s);
    oc_mem *m = &r->g->mem;
    if (!s) return OC_NOMEMF(r->err);
    s->traversal_order_count = s->dim_count = (int32_t)order.len;
    s->block_map_count = (int32_t)block_map.len;
    s->traversal_order = oc_mem_calloc(m, order.len ? order.len : 1, sizeof(int32_t));
    s->block_map = oc_mem_calloc(m, block_map.len ? block_map.len : 1, sizeof(int32_t));
    s->dims = oc_mem_calloc(m, order.len ? order.len : 1, sizeof(oc_sparse_dim));
    if (!s->traversal_order || !s->block_map || !s->dims) return OC_NOMEMF(r->err);
    for (uint32_t i = 0; i < order.len; i++) {
        int32_t o = oc_fbv_i32(&order, i);
        if (o < 0 || (uint32_t)o >= order.len) return tfail(c, "bad sparse traversal order");
        s->traversal_order[i] = o;
    }
    for (uint32_t i = 0; i < block_map.len; i++) {
        int32_t b = oc_fbv_i32(&block_map, i);
        if (b < 0 || b >= rank) return tfail(c, "bad sparse block map");
        s->block_map[i] = b;
    }
    for (uint32_t i = 0; i < dims.len; i++) {
        oc_fbt d;
        TTRY(c, oc_fbv_table(&dims, i, &d, r->err));
        int8_t format = oc_fbt_i8(&d, 0, 0);
        int32_t dense = oc_fbt_i32(&d, 1, 0);
        if (format != OC_SPARSE_DENSE && format != OC_SPARSE_CSR)
            return tfail(c, "unknown sparse dimension format %d", format);
        if (dense < 0) return tfail(c, "negative sparse dense size %d", dense);
        s->dims[i].format = (oc_sparse_dim_format)format;
        s->dims[i].dense_size = dense;
        if (format == OC_SPARSE_CSR) {
            OC_TRY(read_sparse_index(c, &d, 2, &s->dims[i].segments));
            OC_TRY(read_sparse_index(c, &d, 4, &s->dims[i].indices));
        }
    }
    out->sparsity = s;
    return OC_OK;
}

/* The constant bytes of buffer b (NULL/0 when empty). */
static oc_status buffer_data(const tctx *c, uint32_t b, const uint8_t **data, size_t *n)
{
    rd_ctx *r = c->r;
    *data = NULL;
    *n = 0;
    if (b == 0) return OC_OK; /* the empty sentinel */
    if (b >= r->buffers.len)
        return tfail(c, "buffer index %u out of range (%u buffers)", b, r->buffers.len);
    oc_fbt bt;
    oc_fbv v;
    TTRY(c, oc_fbv_table(&r->buffers, b, &bt, r->err));
    TTRY(c, oc_fbt_vector(&bt, 0, 1, &v, r->err));
    if (v.len) {
        *data = v.data;
        *n = v.len;
        return OC_OK;
    }
    /* Large models keep data outside the flatbuffer, at an offset from the file start. */
    uint64_t off = oc_fbt_u64(&bt, 1, 0), size = oc_fbt_u64(&bt, 2, 0);
    if (off <= 1) return OC_OK;
    if (off > r->size || size > r->size - off)
        return tfail(c, "buffer %u data [%llu, +%llu) lies outside the file", b,
                     (unsigned long long)off, (unsigned long long)size);
    *data = r->buf + off;
    *n = (size_t)size;
    return OC_OK;
}

oc_status rd_tensor(rd_ctx *r, int32_t sgi, int32_t index, const oc_fbt *t, oc_tensor *out)
{
    tctx c = {r, sgi, index, NULL};
    TTRY(&c, oc_fbt_string(t, T_NAME, &c.name, r->err));
    out->name = c.name ? c.name : "";

    int8_t type = oc_fbt_i8(t, T_TYPE, 0);
    if (type < 0 || type >= OC_DTYPE_COUNT) return tfail(&c, "unsupported tensor type %d", type);
    out->dtype = (oc_dtype)type;
    if (oc_fbt_i8(t, T_COMPRESSION, 0) != 0)
        return tfail(&c, "compressed tensors are not supported");

    OC_TRY(read_dims(&c, t, T_SHAPE, 0, &out->shape));
    OC_TRY(rd_spend(r, 1 + (size_t)out->shape.rank));
    if (oc_fbt_has(t, T_SIGNATURE)) {
        OC_TRY(read_dims(&c, t, T_SIGNATURE, -1, &out->signature));
        if (out->signature.rank != out->shape.rank)
            return tfail(&c, "shape_signature rank %d differs from shape rank %d",
                         out->signature.rank, out->shape.rank);
        out->has_signature = true;
        OC_TRY(rd_spend(r, (size_t)out->signature.rank));
    }

    /* Element count and byte size, overflow-checked and capped. */
    uint64_t count = 1;
    size_t elem = oc_dtype_size(out->dtype);
    for (int i = 0; i < out->shape.rank; i++) {
        if (__builtin_mul_overflow(count, (uint64_t)out->shape.dims[i], &count) ||
            count > TENSOR_MAX_BYTES)
            return tfail(&c, "shape too large");
    }
    if (count * (elem ? elem : 1) > TENSOR_MAX_BYTES) return tfail(&c, "shape too large");
    size_t want = (size_t)(count * elem);

    OC_TRY(read_quant(&c, t, out));
    out->is_variable = oc_fbt_bool(t, T_VARIABLE, false);

    oc_fbt sp;
    TTRY(&c, oc_fbt_table(t, T_SPARSITY, &sp, r->err));
    if (oc_fbt_is_present(&sp)) OC_TRY(read_sparsity(&c, &sp, out));

    const uint8_t *data;
    size_t n;
    OC_TRY(buffer_data(&c, oc_fbt_u32(t, T_BUFFER, 0), &data, &n));
    if (out->sparsity && !data) return tfail(&c, "sparse tensor without data");
    if (!data) {
        out->bytes = want;
        return OC_OK;
    }
    if (out->sparsity) {
        if (elem && n % elem)
            return tfail(&c, "sparse data of %zu bytes is not a multiple of %zu", n, elem);
    } else if (elem && n != want) {
        return tfail(&c, "constant data has %zu bytes, expected %zu", n, want);
    }
    size_t align = elem > 4 ? elem : 4;
    const void *p = rd_aligned(r, data, n, align);
    if (!p) return OC_NOMEMF(r->err);
    out->data = (void *)(uintptr_t)p; /* read-only: OC_STORE_CONST */
    out->bytes = n;
    out->storage = OC_STORE_CONST;
    out->is_const = !out->is_variable; /* a variable's data is only its initial value */
    return OC_OK;
}
