/* DENSIFY: expands a sparse constant (TFLite SparsityParameters: traversal order, block map,
 * DENSE / SPARSE_CSR dimension metadata) into a dense tensor of the same type, following
 * TFLite's FormatConverter::SparseToDense. The metadata comes from an untrusted file: the
 * structure is checked in prepare, and every segment, index and value position is checked
 * during the walk before anything is written. The number of stored values is the input
 * tensor's byte size over its element size. */
#include <string.h>

#include "ops/layout_util.h"

#define DZ_MAX_LEVELS (2 * OC_MAX_RANK)

/* The walk: level k of the traversal visits coordinates of expanded dim order[k]. */
typedef struct dz_walk {
    oc_ctx *ctx;
    const oc_op *op;
    const oc_sparsity *sp;
    int levels;
    int64_t limit[DZ_MAX_LEVELS]; /* size of the expanded dim visited at level k */
    int64_t coef[DZ_MAX_LEVELS];  /* dense-offset step of one coordinate at level k */
    const char *src;
    size_t nvals, next, es;
    char *dst;
} dz_walk;

/* Checks the sparsity structure and fills limits and coefficients. */
static oc_status dz_plan(oc_ctx *ctx, const oc_op *op, dz_walk *w)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    const oc_sparsity *sp = in->sparsity;
    const int n = in->shape.rank;
    if (!sp) return oc_op_fail(ctx, op, "input '%s' is not sparse", in->name ? in->name : "?");
    const int k = sp->block_map_count, total = n + k;
    if (k < 0 || k > n || sp->traversal_order_count != total || sp->dim_count != total ||
        total > DZ_MAX_LEVELS || (k > 0 && !sp->block_map) || !sp->traversal_order || !sp->dims)
        return oc_op_fail(ctx, op,
                          "sparsity of rank %d with %d block dims has %d traversal "
                          "entries and %d dim metadata",
                          n, k, sp->traversal_order_count, sp->dim_count);
    /* traversal order: a permutation, original dims first */
    bool seen[DZ_MAX_LEVELS] = {false};
    for (int i = 0; i < total; i++) {
        int32_t d = sp->traversal_order[i];
        if (d < 0 || d >= total || seen[d] || (i < n) != (d < n))
            return oc_op_fail(ctx, op, "invalid traversal order entry %d at %d", d, i);
        seen[d] = true;
    }
    /* block sizes as TFLite reads them: dense_size of metadata[traversal_order[n + b]] */
    int64_t block[OC_MAX_RANK] = {0}, bsize[OC_MAX_RANK];
    for (int i = 0; i < n; i++)
        bsize[i] = 1;
    for (int b = 0; b < k; b++) {
        int32_t d = sp->block_map[b];
        if (d < 0 || d >= n || (b > 0 && d <= sp->block_map[b - 1]))
            return oc_op_fail(ctx, op, "invalid block map entry %d", d);
        int64_t size = sp->dims[sp->traversal_order[n + b]].dense_size;
        if (size < 1 || in->shape.dims[d] % size)
            return oc_op_fail(ctx, op, "block size %lld does not divide dimension %d of size %d",
                              (long long)size, d, in->shape.dims[d]);
        block[b] = size;
        bsize[d] = size;
    }
    int64_t st[OC_MAX_RANK];
    oc_lu_strides(&in->shape, st);
    w->levels = total;
    for (int i = 0; i < total; i++) {
        int32_t d = sp->traversal_order[i];
        const oc_sparse_dim *md = &sp->dims[i];
        if (d < n) { /* outer coordinate of an original dim: steps over whole blocks */
            w->limit[i] = in->shape.dims[d] / bsize[d];
            w->coef[i] = st[d] * bsize[d];
        } else { /* coordinate inside a block of original dim block_map[d - n] */
            w->limit[i] = block[d - n];
            w->coef[i] = st[sp->block_map[d - n]];
        }
        if (md->format == OC_SPARSE_DENSE) {
            if (md->dense_size < 0 || md->dense_size > w->limit[i])
                return oc_op_fail(ctx, op, "dense size %d of level %d exceeds %lld", md->dense_size,
                                  i, (long long)w->limit[i]);
        } else if (md->format == OC_SPARSE_CSR) {
            const oc_sparse_index *v[2] = {&md->segments, &md->indices};
            for (int a = 0; a < 2; a++)
                if ((v[a]->dtype != OC_I32 && v[a]->dtype != OC_U8 && v[a]->dtype != OC_I16) ||
                    v[a]->count < 0 || (v[a]->count > 0 && !v[a]->data))
                    return oc_op_fail(ctx, op, "level %d has an invalid index vector", i);
        } else {
            return oc_op_fail(ctx, op, "level %d has unknown format %d", i, md->format);
        }
    }
    w->ctx = ctx;
    w->op = op;
    w->sp = sp;
    return OC_OK;
}

/* Element i of a sparse index vector (int32, uint8 or uint16 as stored). */
static int64_t sparse_at(const oc_sparse_index *v, int64_t i)
{
    switch (v->dtype) {
    case OC_U8: return ((const uint8_t *)v->data)[i];
    case OC_I16: {
        uint16_t x;
        memcpy(&x, (const char *)v->data + 2 * i, 2);
        return x;
    }
    default: {
        int32_t x;
        memcpy(&x, (const char *)v->data + 4 * i, 4);
        return x;
    }
    }
}

/* Visits level `level`; prev is the position in the previous level (the segment to read for a
 * CSR level), off the dense offset accumulated so far. */
static oc_status dz_visit(dz_walk *w, int level, int64_t prev, int64_t off)
{
    if (level == w->levels) {
        if (w->next >= w->nvals)
            return oc_op_fail(w->ctx, w->op,
                              "sparse metadata addresses more than the %zu "
                              "stored values",
                              w->nvals);
        memcpy(w->dst + (size_t)off * w->es, w->src + w->next * w->es, w->es);
        w->next++;
        return OC_OK;
    }
    const oc_sparse_dim *md = &w->sp->dims[level];
    if (md->format == OC_SPARSE_DENSE) {
        for (int64_t i = 0; i < md->dense_size; i++)
            OC_TRY(dz_visit(w, level + 1, prev * md->dense_size + i, off + i * w->coef[level]));
        return OC_OK;
    }
    if (prev + 1 >= md->segments.count)
        return oc_op_fail(w->ctx, w->op, "level %d: segment %lld is out of range (%d entries)",
                          level, (long long)prev, md->segments.count);
    int64_t s0 = sparse_at(&md->segments, prev), s1 = sparse_at(&md->segments, prev + 1);
    if (s0 < 0 || s1 < s0 || s1 > md->indices.count)
        return oc_op_fail(w->ctx, w->op,
                          "level %d: segment [%lld, %lld) is invalid for %d "
                          "indices",
                          level, (long long)s0, (long long)s1, md->indices.count);
    for (int64_t i = s0; i < s1; i++) {
        int64_t x = sparse_at(&md->indices, i);
        if (x < 0 || x >= w->limit[level])
            return oc_op_fail(w->ctx, w->op, "level %d: index %lld is out of range [0, %lld)",
                              level, (long long)x, (long long)w->limit[level]);
        OC_TRY(dz_visit(w, level + 1, i, off + x * w->coef[level]));
    }
    return OC_OK;
}

static oc_status densify_prepare(oc_ctx *ctx, oc_op *op)
{
    OC_TRY(oc_check_io(ctx, op, 1, 1, 1));
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    OC_TRY(oc_lu_check_same(ctx, op, in, out));
    dz_walk w;
    OC_TRY(dz_plan(ctx, op, &w));
    return oc_set_shape(ctx, op, out, &in->shape);
}

static oc_status densify_eval(oc_ctx *ctx, oc_op *op)
{
    const oc_tensor *in = oc_in(ctx, op, 0);
    oc_tensor *out = oc_out(ctx, op, 0);
    dz_walk w;
    OC_TRY(dz_plan(ctx, op, &w));
    w.es = oc_dtype_size(in->dtype);
    w.src = in->data;
    w.nvals = in->data ? in->bytes / w.es : 0;
    w.next = 0;
    w.dst = out->data;
    memset(out->data, 0, out->bytes); /* all-zero bits are 0 for every supported type */
    return dz_visit(&w, 0, 0, 0);
}

const oc_op_def oc_op_DENSIFY = {"DENSIFY", 0, NULL, densify_prepare, densify_eval, NULL};
