/* Shared helpers of the data-movement operators; see layout_util.h. */
#include "ops/layout_util.h"

#include <string.h>

#ifdef __SSE2__
#include <xmmintrin.h>
#endif

bool oc_lu_copyable(oc_dtype t)
{
    return oc_dtype_size(t) != 0;
}

oc_status oc_lu_check_same(oc_ctx *ctx, const oc_op *op, const oc_tensor *in, const oc_tensor *out)
{
    if (!oc_lu_copyable(in->dtype))
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    return oc_check_dtype(ctx, op, out, in->dtype);
}

oc_status oc_lu_check_int(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what)
{
    if (t->dtype != OC_I32 && t->dtype != OC_I64)
        return oc_op_fail(ctx, op, "%s must be INT32 or INT64, not %s", what,
                          oc_dtype_name(t->dtype));
    return OC_OK;
}

int64_t oc_lu_int_at(const oc_tensor *t, int64_t i)
{
    if (t->dtype == OC_I64) {
        int64_t v;
        memcpy(&v, (const char *)t->data + i * 8, 8);
        return v;
    }
    int32_t v;
    memcpy(&v, (const char *)t->data + i * 4, 4);
    return v;
}

oc_status oc_lu_read_ints(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what,
                          int want, int max, int64_t *out, int *n)
{
    OC_TRY(oc_lu_check_int(ctx, op, t, what));
    if (t->shape.rank > 1)
        return oc_op_fail(ctx, op, "%s must be a scalar or a vector, has rank %d", what,
                          t->shape.rank);
    int64_t count = oc_tensor_count(t);
    if (want >= 0 && count != want)
        return oc_op_fail(ctx, op, "%s has %lld elements, expected %d", what, (long long)count,
                          want);
    if (count > max)
        return oc_op_fail(ctx, op, "%s has %lld elements, at most %d supported", what,
                          (long long)count, max);
    if (!t->data || t->bytes < (size_t)count * oc_dtype_size(t->dtype))
        return oc_op_fail(ctx, op, "%s has no data", what);
    for (int64_t i = 0; i < count; i++)
        out[i] = oc_lu_int_at(t, i);
    *n = (int)count;
    return OC_OK;
}

oc_status oc_lu_read_pads(oc_ctx *ctx, const oc_op *op, const oc_tensor *t, const char *what,
                          int rank, int64_t *pads)
{
    OC_TRY(oc_lu_check_int(ctx, op, t, what));
    bool ok = t->shape.rank == 2 && t->shape.dims[0] == rank && t->shape.dims[1] == 2;
    /* a [0]-shaped tensor is how converters write the paddings of a scalar */
    if (rank == 0 && oc_tensor_count(t) == 0) ok = true;
    if (!ok) {
        char buf[96];
        return oc_op_fail(ctx, op, "%s must have shape [%d,2], has %s", what, rank,
                          oc_shape_str(&t->shape, buf, sizeof buf));
    }
    if (!t->data || t->bytes < (size_t)rank * 2 * oc_dtype_size(t->dtype))
        return oc_op_fail(ctx, op, "%s has no data", what);
    for (int i = 0; i < 2 * rank; i++) {
        pads[i] = oc_lu_int_at(t, i);
        if (pads[i] < 0 || pads[i] > INT32_MAX)
            return oc_op_fail(ctx, op, "%s[%d][%d] = %lld is out of range", what, i / 2, i % 2,
                              (long long)pads[i]);
    }
    return OC_OK;
}

oc_status oc_lu_axis(oc_ctx *ctx, const oc_op *op, int64_t axis, int rank, int *out)
{
    if (axis < -(int64_t)rank || axis >= rank)
        return oc_op_fail(ctx, op, "axis %lld is out of range for rank %d", (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return OC_OK;
}

void oc_lu_strides(const oc_shape *s, int64_t *strides)
{
    int64_t st = 1;
    for (int i = s->rank - 1; i >= 0; i--) {
        strides[i] = st;
        st *= s->dims[i];
    }
}

void oc_lu_fill(void *dst, const void *value, size_t esize, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *v = value;
    bool uniform = true;
    for (size_t b = 1; b < esize; b++)
        uniform &= v[b] == v[0];
    if (uniform) {
        memset(d, v[0], n * esize);
        return;
    }
    switch (esize) {
    case 2:
        for (size_t i = 0; i < n; i++)
            memcpy(d + 2 * i, v, 2);
        break;
    case 4:
        for (size_t i = 0; i < n; i++)
            memcpy(d + 4 * i, v, 4);
        break;
    case 8:
        for (size_t i = 0; i < n; i++)
            memcpy(d + 8 * i, v, 8);
        break;
    default:
        for (size_t i = 0; i < n; i++)
            memcpy(d + esize * i, v, esize);
        break;
    }
}

void oc_lu_zero_value(const oc_tensor *t, unsigned char value[8])
{
    memset(value, 0, 8);
    if (t->q.count < 1 || !t->q.zero_point) return;
    int64_t zp = t->q.zero_point[0];
    switch (t->dtype) {
    case OC_U8: value[0] = (unsigned char)zp; break;
    case OC_I8: value[0] = (unsigned char)(int8_t)zp; break;
    case OC_I16: {
        int16_t z = (int16_t)zp;
        memcpy(value, &z, 2);
        break;
    }
    case OC_I32: {
        int32_t z = (int32_t)zp;
        memcpy(value, &z, 4);
        break;
    }
    default: break;
    }
}

/* ---- the n-d copy engine -------------------------------------------------------------- */

/* Drops size-1 dims and merges neighbours that are contiguous in the input too. */
static void view_simplify(oc_view *v)
{
    int r = 0;
    for (int i = 0; i < v->rank; i++) {
        if (v->dims[i] == 1) continue;
        if (r > 0 && v->stride[r - 1] == v->stride[i] * v->dims[i]) {
            v->dims[r - 1] *= v->dims[i];
            v->stride[r - 1] = v->stride[i];
            continue;
        }
        v->dims[r] = v->dims[i];
        v->stride[r] = v->stride[i];
        r++;
    }
    v->rank = r;
}

enum { MODE_ROWS, MODE_T2D, MODE_STRIDED };
#define TILE 32              /* block edge of the 2-D transpose */
#define TASK_ELEMS (1 << 15) /* elements per parallel task, at least */

typedef struct copy_job {
    const oc_view *v;
    char *out;
    const char *in;
    size_t es;
    int mode;
    int outer_rank; /* dims [0, outer_rank) are iterated as rows / batches */
    int64_t row;    /* MODE_ROWS / MODE_STRIDED: elements per row */
    int64_t rows_per_task;
    int64_t nrows;
    /* MODE_T2D: out[b][m][n] = in[off(b) + m + n * sn] */
    int64_t m, n, sn, mgroup, mtasks, nchunk, nchunks;
} copy_job;

/* Input offset of the outer coordinate `idx` (row-major over dims [0, outer_rank)). */
static int64_t outer_offset(const oc_view *v, int outer_rank, int64_t idx, int64_t *coord)
{
    int64_t off = v->base;
    for (int k = outer_rank - 1; k >= 0; k--) {
        coord[k] = idx % v->dims[k];
        idx /= v->dims[k];
        off += coord[k] * v->stride[k];
    }
    return off;
}

/* Advances coord by one row and returns the offset change. */
static int64_t outer_next(const oc_view *v, int outer_rank, int64_t *coord)
{
    int64_t delta = 0;
    for (int k = outer_rank - 1; k >= 0; k--) {
        delta += v->stride[k];
        if (++coord[k] < v->dims[k]) return delta;
        delta -= v->stride[k] * v->dims[k];
        coord[k] = 0;
    }
    return delta;
}

static void copy_strided(char *o, const char *i, int64_t n, int64_t s, size_t es)
{
    switch (es) {
    case 1:
        for (int64_t j = 0; j < n; j++)
            o[j] = i[j * s];
        break;
    case 2:
        for (int64_t j = 0; j < n; j++)
            memcpy(o + 2 * j, i + 2 * j * s, 2);
        break;
    case 4:
        for (int64_t j = 0; j < n; j++)
            memcpy(o + 4 * j, i + 4 * j * s, 4);
        break;
    case 8:
        for (int64_t j = 0; j < n; j++)
            memcpy(o + 8 * j, i + 8 * j * s, 8);
        break;
    default:
        for (int64_t j = 0; j < n; j++)
            memcpy(o + es * j, i + (int64_t)es * j * s, es);
        break;
    }
}

static void rows_task(void *arg, size_t task)
{
    const copy_job *j = arg;
    int64_t r0 = (int64_t)task * j->rows_per_task;
    int64_t r1 = r0 + j->rows_per_task < j->nrows ? r0 + j->rows_per_task : j->nrows;
    int64_t coord[OC_MAX_RANK];
    int64_t off = outer_offset(j->v, j->outer_rank, r0, coord);
    int64_t s = j->v->stride[j->v->rank - 1];
    size_t es = j->es;
    for (int64_t r = r0; r < r1; r++) {
        char *o = j->out + (size_t)(r * j->row) * es;
        const char *i = j->in + off * (int64_t)es;
        if (j->mode == MODE_ROWS)
            memcpy(o, i, (size_t)j->row * es);
        else
            copy_strided(o, i, j->row, s, es);
        off += outer_next(j->v, j->outer_rank, coord);
    }
}

/* Plain loops over a block of the 2-D transpose out[m * N + n] = in[m + n * sn]; the inner
 * loop runs along the longer side (contiguous reads along m, contiguous writes along n). */
#define T2D_LOOPS(ES)                                                                              \
    do {                                                                                           \
        if (m1 - m0 >= n1 - n0) {                                                                  \
            for (int64_t n = n0; n < n1; n++) {                                                    \
                const char *ip = i + (m0 + n * sn) * ES;                                           \
                char *op = o + (m0 * N + n) * ES;                                                  \
                for (int64_t m = m0; m < m1; m++, ip += ES, op += N * ES)                          \
                    memcpy(op, ip, ES);                                                            \
            }                                                                                      \
        } else {                                                                                   \
            for (int64_t m = m0; m < m1; m++) {                                                    \
                const char *ip = i + (m + n0 * sn) * ES;                                           \
                char *op = o + (m * N + n0) * ES;                                                  \
                for (int64_t n = n0; n < n1; n++, ip += sn * ES, op += ES)                         \
                    memcpy(op, ip, ES);                                                            \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* 4-byte elements with 2..4 rows (deinterleave, e.g. NHWC->NCHW with 3 channels) or 2..4
 * columns (interleave): the short side is a compile-time constant so the loop unrolls. */
#define DEINTERLEAVE(K)                                                                            \
    for (int64_t n = n0; n < n1; n++) {                                                            \
        const char *ip = i + (m0 + n * sn) * 4;                                                    \
        for (int k = 0; k < K; k++)                                                                \
            memcpy(o + ((m0 + k) * N + n) * 4, ip + 4 * k, 4);                                     \
    }
#define INTERLEAVE(K)                                                                              \
    for (int64_t m = m0; m < m1; m++) {                                                            \
        char *op = o + (m * N + n0) * 4;                                                           \
        for (int k = 0; k < K; k++)                                                                \
            memcpy(op + 4 * k, i + (m + (n0 + k) * sn) * 4, 4);                                    \
    }

static bool t2d_narrow_f32(char *o, const char *i, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                           int64_t N, int64_t sn)
{
    switch (m1 - m0 < n1 - n0 ? m1 - m0 : 0) {
    case 2: DEINTERLEAVE(2) return true;
    case 3: DEINTERLEAVE(3) return true;
    case 4: DEINTERLEAVE(4) return true;
    default: break;
    }
    switch (n1 - n0 < m1 - m0 ? n1 - n0 : 0) {
    case 2: INTERLEAVE(2) return true;
    case 3: INTERLEAVE(3) return true;
    case 4: INTERLEAVE(4) return true;
    default: return false;
    }
}

static void t2d_loops(char *o, const char *i, size_t es, int64_t m0, int64_t m1, int64_t n0,
                      int64_t n1, int64_t N, int64_t sn)
{
    if (m0 >= m1 || n0 >= n1) return;
    if (es == 4 && t2d_narrow_f32(o, i, m0, m1, n0, n1, N, sn)) return;
    switch (es) {
    case 1: T2D_LOOPS(1); break;
    case 2: T2D_LOOPS(2); break;
    case 4: T2D_LOOPS(4); break;
    case 8: T2D_LOOPS(8); break;
    default:
        for (int64_t m = m0; m < m1; m++)
            for (int64_t n = n0; n < n1; n++)
                memcpy(o + (size_t)(m * N + n) * es, i + (m + n * sn) * (int64_t)es, es);
        break;
    }
}

/* One block of the 2-D transpose; 4-byte elements go through 4x4 SSE tiles. */
static void t2d_block(char *o, const char *i, size_t es, int64_t m0, int64_t m1, int64_t n0,
                      int64_t n1, int64_t N, int64_t sn)
{
#ifdef __SSE2__
    if (es == 4 && m1 - m0 >= 4 && n1 - n0 >= 4) {
        int64_t me = m0 + ((m1 - m0) & ~(int64_t)3), ne = n0 + ((n1 - n0) & ~(int64_t)3);
        for (int64_t m = m0; m < me; m += 4) {
            for (int64_t n = n0; n < ne; n += 4) {
                const char *ip = i + (m + n * sn) * 4;
                __m128 r0 = _mm_loadu_ps((const float *)(const void *)ip);
                __m128 r1 = _mm_loadu_ps((const float *)(const void *)(ip + sn * 4));
                __m128 r2 = _mm_loadu_ps((const float *)(const void *)(ip + sn * 8));
                __m128 r3 = _mm_loadu_ps((const float *)(const void *)(ip + sn * 12));
                _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
                char *op = o + (m * N + n) * 4;
                _mm_storeu_ps((float *)(void *)op, r0);
                _mm_storeu_ps((float *)(void *)(op + N * 4), r1);
                _mm_storeu_ps((float *)(void *)(op + N * 8), r2);
                _mm_storeu_ps((float *)(void *)(op + N * 12), r3);
            }
        }
        t2d_loops(o, i, es, m0, me, ne, n1, N, sn);
        t2d_loops(o, i, es, me, m1, n0, n1, N, sn);
        return;
    }
#endif
    t2d_loops(o, i, es, m0, m1, n0, n1, N, sn);
}

/* Task = (batch, a group of TILE-row blocks along m, a chunk of n). */
static void t2d_task(void *arg, size_t task)
{
    const copy_job *j = arg;
    int64_t per_batch = j->mtasks * j->nchunks;
    int64_t b = (int64_t)task / per_batch, rest = (int64_t)task % per_batch;
    int64_t mt = rest / j->nchunks, nc = rest % j->nchunks;
    int64_t coord[OC_MAX_RANK];
    int64_t off = outer_offset(j->v, j->outer_rank, b, coord);
    const int64_t N = j->n, sn = j->sn;
    char *o = j->out + (size_t)(b * j->m * N) * j->es;
    const char *i = j->in + off * (int64_t)j->es;
    int64_t mstart = mt * j->mgroup * TILE;
    int64_t mend = mstart + j->mgroup * TILE < j->m ? mstart + j->mgroup * TILE : j->m;
    int64_t n0 = nc * j->nchunk, n1 = n0 + j->nchunk < N ? n0 + j->nchunk : N;
    /* a side that is short anyway needs no blocking: keep the other side's runs long */
    int64_t bm = N <= TILE ? mend - mstart : TILE, bn = j->m <= TILE ? n1 - n0 : TILE;
    for (int64_t m0 = mstart; m0 < mend; m0 += bm) {
        int64_t m1 = m0 + bm < mend ? m0 + bm : mend;
        for (int64_t nb = n0; nb < n1; nb += bn)
            t2d_block(o, i, j->es, m0, m1, nb, nb + bn < n1 ? nb + bn : n1, N, sn);
    }
}

void oc_view_copy(oc_threadpool *pool, void *out, const void *in, size_t esize, const oc_view *view)
{
    oc_view v = *view;
    int64_t total = 1;
    for (int k = 0; k < v.rank; k++)
        total *= v.dims[k];
    if (total == 0) return;
    view_simplify(&v);
    if (v.rank == 0) {
        memcpy(out, (const char *)in + v.base * (int64_t)esize, esize);
        return;
    }
    copy_job j = {.v = &v, .out = out, .in = in, .es = esize};
    int64_t want_tasks = total / TASK_ELEMS + 1;
    int r = v.rank;
    if (r >= 2 && v.stride[r - 1] != 1 && v.stride[r - 2] == 1) {
        /* the input is contiguous along the output's second-to-last dim: blocked transpose */
        j.mode = MODE_T2D;
        j.outer_rank = r - 2;
        j.m = v.dims[r - 2];
        j.n = v.dims[r - 1];
        j.sn = v.stride[r - 1];
        int64_t mblocks = (j.m + TILE - 1) / TILE, nblocks = (j.n + TILE - 1) / TILE;
        int64_t batches = total / (j.m * j.n);
        if (batches * mblocks >= want_tasks) { /* enough rows: group m-blocks, whole n */
            j.mgroup = (batches * mblocks + want_tasks - 1) / want_tasks;
            if (j.mgroup > mblocks) j.mgroup = mblocks;
            j.nchunk = j.n;
        } else { /* few rows: split n as well */
            j.mgroup = 1;
            int64_t per = batches * mblocks;
            int64_t chunks = (want_tasks + per - 1) / per;
            if (chunks > nblocks) chunks = nblocks;
            j.nchunk = ((nblocks + chunks - 1) / chunks) * TILE;
        }
        j.mtasks = (mblocks + j.mgroup - 1) / j.mgroup;
        j.nchunks = (j.n + j.nchunk - 1) / j.nchunk;
        oc_parallel_for(pool, (size_t)(batches * j.mtasks * j.nchunks), t2d_task, &j);
        return;
    }
    j.mode = v.stride[r - 1] == 1 ? MODE_ROWS : MODE_STRIDED;
    j.outer_rank = r - 1;
    j.row = v.dims[r - 1];
    j.nrows = total / j.row;
    int64_t ntasks = want_tasks < j.nrows ? want_tasks : j.nrows;
    j.rows_per_task = (j.nrows + ntasks - 1) / ntasks;
    ntasks = (j.nrows + j.rows_per_task - 1) / j.rows_per_task;
    oc_parallel_for(pool, (size_t)ntasks, rows_task, &j);
}
