/* BATCH_MATMUL and TF's BatchMatMulV2 (custom op):
 *   out[b..., M, N] = op(lhs[b...]) x op(rhs[b...]), op = transpose when adj_x / adj_y,
 * batch dims broadcast (numpy rules). float32: each batch is one packed SGEMM; a constant rhs
 * is packed once in prepare (one packed copy per distinct rhs batch). int8 / int16: TFLite's
 * reference kernel (kernels/qref.h), multiplier of (float)(lhs_scale * rhs_scale) / out_scale. */
#include <string.h>

#include "kernels/qref.h"
#include "kernels/sgemm.h"
#include "ops/conv_params.h"
#include "ops/conv_quant.h"
#include "ops/conv_util.h"

typedef struct bmm_state {
    const oc_sgemm_kernel *kr;
    oc_sgemm_plan plan;
    float *packed, *scratch;
    size_t packed_cap, scratch_cap;
    size_t npack; /* floats per packed rhs batch */
    bool packed_at_prepare;
    const void *rhs_data;
    size_t m, n, k, nbatch, rhs_batches;
    int32_t brank;               /* batch rank of the output */
    int32_t bdims[OC_MAX_RANK];  /* output batch dims */
    size_t lstride[OC_MAX_RANK]; /* lhs batch stride per output batch dim (0: broadcast) */
    size_t rstride[OC_MAX_RANK];
    bool adj_x, adj_y;
    bool quant; /* int8 / int16: TFLite's reference kernel */
    oc_qconv q;
} bmm_state;

/* ---- options ------------------------------------------------------------------------------ */

static oc_status bmm_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_bmm_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->adj_x = oc_fbt_bool(&op->options, 0, false);
    p->adj_y = oc_fbt_bool(&op->options, 1, false);
    op->params = p;
    return OC_OK;
}

/* Unsigned little-endian integer of width w at b[pos], if it lies inside [0, size). */
static bool fx_read(const uint8_t *b, size_t size, size_t pos, size_t w, uint64_t *v)
{
    if ((w != 1 && w != 2 && w != 4 && w != 8) || pos > size || size - pos < w) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < w; i++)
        x |= (uint64_t)b[pos + i] << (8 * i);
    *v = x;
    return true;
}

enum { FX_INT = 1, FX_UINT = 2, FX_MAP = 9, FX_BOOL = 26 };

/* Looks up `key` in a flexbuffer whose root is a map; inline int/uint/bool values only.
 * Returns true and sets *value when found. Every offset is bounds-checked. */
static bool fx_map_int(const uint8_t *b, size_t size, const char *key, int64_t *value)
{
    uint64_t off, kvoff, kw, len, x;
    if (size < 3) return false;
    size_t rw = b[size - 1], rtype = b[size - 2];
    if ((rtype >> 2) != FX_MAP || rw > size - 2) return false;
    size_t rpos = size - 2 - rw;
    if (!fx_read(b, size, rpos, rw, &off) || off > rpos) return false;
    size_t p = rpos - (size_t)off, w = (size_t)1 << (rtype & 3);
    if (p < 3 * w) return false;
    if (!fx_read(b, size, p - 3 * w, w, &kvoff) || kvoff > p - 3 * w) return false;
    if (!fx_read(b, size, p - 2 * w, w, &kw) || !fx_read(b, size, p - w, w, &len)) return false;
    size_t keys = p - 3 * w - (size_t)kvoff;
    if (len > size || w * len > size - p || len > size - p - w * len) return false;
    for (size_t i = 0; i < len; i++) {
        size_t kpos = keys + i * (size_t)kw;
        if (!fx_read(b, size, kpos, (size_t)kw, &x) || x > kpos) return false;
        size_t s = kpos - (size_t)x, klen = strlen(key);
        if (s >= size || size - s <= klen || memcmp(b + s, key, klen) != 0 || b[s + klen] != 0)
            continue;
        size_t type = b[p + len * w + i] >> 2;
        if (type != FX_INT && type != FX_UINT && type != FX_BOOL) return false;
        if (!fx_read(b, size, p + i * w, w, &x)) return false;
        if (type == FX_INT && w < 8 && (x >> (8 * w - 1))) x |= ~(uint64_t)0 << (8 * w);
        *value = (int64_t)x;
        return true;
    }
    return false;
}

static oc_status bmmv2_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_bmm_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    int64_t v;
    if (op->custom_options && fx_map_int(op->custom_options, op->custom_options_size, "adj_x", &v))
        p->adj_x = v != 0;
    if (op->custom_options && fx_map_int(op->custom_options, op->custom_options_size, "adj_y", &v))
        p->adj_y = v != 0;
    op->params = p;
    return OC_OK;
}

/* ---- kernel ------------------------------------------------------------------------------- */

static void bmm_release(oc_op *op)
{
    bmm_state *s = op->state;
    if (!s) return;
    oc_qconv_free(&s->q);
    oc_aligned_free(s->packed);
    oc_aligned_free(s->scratch);
    free(s);
    op->state = NULL;
}

static void pack_rhs(const bmm_state *s, const float *rhs)
{
    for (size_t rb = 0; rb < s->rhs_batches; rb++) {
        const float *r = rhs + rb * s->k * s->n;
        if (s->adj_y) /* [N][K] */
            oc_sgemm_pack(s->kr, s->n, s->k, r, s->k, 1, NULL, s->packed + rb * s->npack);
        else /* [K][N] */
            oc_sgemm_pack(s->kr, s->n, s->k, r, 1, s->n, NULL, s->packed + rb * s->npack);
    }
}

static oc_status bmm_prepare(oc_ctx *ctx, oc_op *op)
{
    const oc_bmm_params *p = op->params;
    if (!p) return oc_op_fail(ctx, op, "missing options");
    OC_TRY(oc_check_io(ctx, op, 2, 2, 1));
    oc_tensor *lhs = oc_in(ctx, op, 0), *rhs = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    const bool quant = lhs->dtype == OC_I8 || lhs->dtype == OC_I16;
    if (!quant) {
        OC_TRY(oc_conv_check_f32(ctx, op, lhs, "lhs", -1));
        OC_TRY(oc_conv_check_f32(ctx, op, rhs, "rhs", -1));
        OC_TRY(oc_conv_check_f32(ctx, op, out, "output", -1));
    }
    int32_t lr = lhs->shape.rank, rr = rhs->shape.rank;
    if (lr < 2 || rr < 2) return oc_op_fail(ctx, op, "operands must have rank >= 2");
    const int32_t *ld = lhs->shape.dims, *rd = rhs->shape.dims;
    int32_t m = p->adj_x ? ld[lr - 1] : ld[lr - 2], kl = p->adj_x ? ld[lr - 2] : ld[lr - 1];
    int32_t kr = p->adj_y ? rd[rr - 1] : rd[rr - 2], n = p->adj_y ? rd[rr - 2] : rd[rr - 1];
    if (kl != kr) return oc_op_fail(ctx, op, "inner dimensions differ: %d and %d", kl, kr);
    oc_shape lb = {lr - 2, {0}}, rb = {rr - 2, {0}}, ob;
    memcpy(lb.dims, ld, sizeof(int32_t) * (size_t)(lr - 2));
    memcpy(rb.dims, rd, sizeof(int32_t) * (size_t)(rr - 2));
    OC_TRY(oc_broadcast_shape(ctx, op, &lb, &rb, &ob));
    oc_shape os = ob;
    os.rank = ob.rank + 2;
    os.dims[ob.rank] = m;
    os.dims[ob.rank + 1] = n;
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    bmm_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    bmm_state old = *s;
    s->quant = quant;
    s->adj_x = p->adj_x;
    s->adj_y = p->adj_y;
    s->m = (size_t)m;
    s->n = (size_t)n;
    s->k = (size_t)kl;
    s->brank = ob.rank;
    s->nbatch = (size_t)oc_shape_count(&ob);
    s->rhs_batches = (size_t)oc_shape_count(&rb);
    /* Batch strides; a broadcast (size-1 or missing) dim advances nothing. */
    size_t ls = 1, rs = 1;
    for (int32_t i = ob.rank - 1; i >= 0; i--) {
        int32_t li = i - (ob.rank - lb.rank), ri = i - (ob.rank - rb.rank);
        s->bdims[i] = ob.dims[i];
        int32_t ldim = li >= 0 ? lb.dims[li] : 1, rdim = ri >= 0 ? rb.dims[ri] : 1;
        s->lstride[i] = ldim == 1 ? 0 : ls;
        s->rstride[i] = rdim == 1 ? 0 : rs;
        ls *= (size_t)ldim;
        rs *= (size_t)rdim;
    }
    if (quant) /* the multiplier of lhs_scale * rhs_scale (float) / out_scale, no activation */
        return oc_qconv_init(ctx, op, OC_QRULE_BMM, 0, lhs, rhs, NULL, out, OC_ACT_NONE, 1, 0,
                             &s->q);
    s->kr = oc_sgemm_kernel_select(oc_conv_isa(ctx), s->n);
    oc_sgemm_plan_init(&s->plan, s->kr, s->m, s->n, s->k, s->adj_x, 0);
    s->npack = oc_sgemm_packed_floats(s->kr, s->n, s->k);
    size_t total;
    if ((!s->npack && n > 0) || !oc_mul_size(s->npack, s->rhs_batches, &total))
        return oc_op_fail(ctx, op, "rhs too large");
    OC_TRY(oc_conv_buf(ctx, &s->scratch, &s->scratch_cap, oc_sgemm_plan_scratch(&s->plan)));
    bool same = old.packed_at_prepare && old.rhs_data == rhs->data && old.kr == s->kr &&
                old.n == s->n && old.k == s->k && old.adj_y == s->adj_y &&
                old.rhs_batches == s->rhs_batches;
    s->packed_at_prepare = false;
    OC_TRY(oc_conv_buf(ctx, &s->packed, &s->packed_cap, total));
    if (rhs->is_const && rhs->data) {
        if (!same) pack_rhs(s, rhs->data);
        s->packed_at_prepare = true;
        s->rhs_data = rhs->data;
    }
    return OC_OK;
}

typedef struct lhs_t_arg {
    const float *a; /* one lhs batch, [K][M] */
    size_t m, k;
} lhs_t_arg;

/* Rows of op(lhs) = lhs^T: row i is column i of the stored [K][M] matrix. */
static void lhs_transposed(const void *vp, size_t m0, size_t m, float *scratch, oc_sgemm_a *out)
{
    const lhs_t_arg *t = vp;
    for (size_t kk = 0; kk < t->k; kk++) {
        const float *src = t->a + kk * t->m + m0;
        for (size_t r = 0; r < m; r++)
            scratch[r * t->k + kk] = src[r];
    }
    out->a = scratch;
    out->lda = t->k;
    out->off = NULL;
}

/* Batch ob's operand offsets (elements). */
static void batch_offsets(const bmm_state *s, size_t ob, size_t *li, size_t *ri)
{
    size_t rem = ob;
    *li = *ri = 0;
    for (int32_t i = s->brank - 1; i >= 0; i--) {
        size_t idx = rem % (size_t)s->bdims[i];
        rem /= (size_t)s->bdims[i];
        *li += idx * s->lstride[i];
        *ri += idx * s->rstride[i];
    }
}

typedef struct qbmm_ctx {
    const bmm_state *s;
    const uint8_t *l, *r;
    uint8_t *o;
    size_t esize;
} qbmm_ctx;

static void qbmm_task(void *arg, size_t ob)
{
    const qbmm_ctx *c = arg;
    const bmm_state *s = c->s;
    size_t li, ri;
    batch_offsets(s, ob, &li, &ri);
    const size_t m = s->m, n = s->n, k = s->k;
    oc_qref_matmul(&s->q.req, m, n, k, c->l + li * m * k * c->esize, s->adj_x ? 1 : k,
                   s->adj_x ? m : 1, c->r + ri * k * n * c->esize, s->adj_y ? 1 : n,
                   s->adj_y ? k : 1, c->o + ob * m * n * c->esize);
}

static oc_status bmm_eval(oc_ctx *ctx, oc_op *op)
{
    bmm_state *s = op->state;
    oc_tensor *lhs = oc_in(ctx, op, 0), *rhs = oc_in(ctx, op, 1), *out = oc_out(ctx, op, 0);
    if (oc_tensor_count(out) == 0) return OC_OK;
    if (s->quant) {
        qbmm_ctx c = {s, lhs->data, rhs->data, out->data, oc_dtype_size(lhs->dtype)};
        double macs = (double)oc_tensor_count(out) * (double)s->k;
        oc_parallel_for(oc_kernels_parallel_ok(macs, OC_PAR_MIN_DIRECT_MACS) ? ctx->pool : NULL,
                        s->nbatch, qbmm_task, &c);
        return OC_OK;
    }
    if (!s->packed_at_prepare) pack_rhs(s, rhs->data);
    const float *l = lhs->data;
    float *o = out->data;
    for (size_t ob = 0; ob < s->nbatch; ob++) {
        size_t rem = ob, li = 0, ri = 0;
        for (int32_t i = s->brank - 1; i >= 0; i--) {
            size_t idx = rem % (size_t)s->bdims[i];
            rem /= (size_t)s->bdims[i];
            li += idx * s->lstride[i];
            ri += idx * s->rstride[i];
        }
        lhs_t_arg ta = {l + li * s->m * s->k, s->m, s->k};
        oc_sgemm_args args = {
            .a = s->adj_x ? NULL : ta.a,
            .lda = s->k,
            .get_a = lhs_transposed,
            .a_arg = &ta,
            .packed = s->packed + ri * s->npack,
            .c = o + ob * s->m * s->n,
            .ldc = s->n,
            .lo = -__builtin_inff(),
            .hi = __builtin_inff(),
            .scratch = s->scratch,
        };
        oc_sgemm_run(&s->plan, &args, ctx->pool);
    }
    return OC_OK;
}

const oc_op_def oc_op_BATCH_MATMUL = {"BATCH_MATMUL", 0,        bmm_parse,
                                      bmm_prepare,    bmm_eval, bmm_release};
const oc_op_def oc_op_BatchMatMulV2 = {"BatchMatMulV2", 0,        bmmv2_parse,
                                       bmm_prepare,     bmm_eval, bmm_release};
