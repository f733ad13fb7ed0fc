/* SVDF: a fully connected layer factored into feature and time filters, with a memory of the
 * last `memory_size` feature activations per filter (TFLite svdf.cc / reference svdf.h).
 * Inputs: x [batch, n_input], weights_feature [n_filter, n_input], weights_time
 * [n_filter, memory], bias [n_unit] (optional), state [batch, memory * n_filter] (variable:
 * kept across runs). n_unit = n_filter / rank. Per run and batch row:
 *   state[f] <- shift left by one, newest = W_feature[f] . x
 *   out[u] = act(bias[u] + sum_{r < rank} W_time[u*rank + r] . state[u*rank + r])
 * float32, and the full-integer variant (int8 x / W_feature, int16 W_time / state, int32 bias,
 * int8 out, RELU only, as TFLite): the feature product is requantized with
 * s_x * s_wf / s_state to int16 state, the time product (int32, wrapping like TFLite's) with
 * s_state * s_wt / s_out to int8. Both scales are computed in float, as TFLite does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixedpoint.h"
#include "core/mem.h"
#include "ops/misc_params.h"
#include "ops/op.h"

enum { IN_X = 0, IN_WF = 1, IN_WT = 2, IN_BIAS = 3, IN_STATE = 4 };

typedef struct {
    int64_t n_batch, n_input, n_filter, n_unit, n_memory;
    int32_t rank;
    bool integer;
    int32_t mult1, mult2; /* integer: feature -> state, time -> output */
    int shift1, shift2;
    int32_t in_zp, out_zp;
    void *scratch; /* n_batch * n_filter time products (float or int32) */
    int64_t cap;
} svdf_state;

static oc_status svdf_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_svdf_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    p->rank = oc_fbt_i32(&op->options, 0, 0);
    p->activation = oc_fbt_i8(&op->options, 1, OC_ACT_NONE);
    p->asymmetric_quantize_inputs = oc_fbt_bool(&op->options, 2, false);
    op->params = p;
    return OC_OK;
}

static void svdf_release(oc_op *op)
{
    svdf_state *s = op->state;
    if (s) free(s->scratch);
    free(s);
    op->state = NULL;
}

static bool per_tensor(const oc_tensor *t)
{
    return t->q.count == 1 && t->q.scale[0] > 0;
}

static oc_status prepare_integer(oc_ctx *ctx, oc_op *op, const oc_svdf_params *p, svdf_state *s)
{
    oc_tensor *x = oc_in(ctx, op, IN_X), *wf = oc_in(ctx, op, IN_WF), *wt = oc_in(ctx, op, IN_WT);
    oc_tensor *b = oc_in(ctx, op, IN_BIAS), *st = oc_in(ctx, op, IN_STATE);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (wf->dtype != OC_I8 || wt->dtype != OC_I16 || st->dtype != OC_I16 || out->dtype != OC_I8 ||
        (b && b->dtype != OC_I32))
        return oc_op_fail(ctx, op,
                          "integer SVDF needs int8 weights_feature, int16 weights_time and "
                          "state, int32 bias and int8 output");
    if (p->activation != OC_ACT_RELU)
        return oc_op_fail(ctx, op, "integer SVDF supports only the RELU activation (as TFLite)");
    if (!per_tensor(x) || !per_tensor(wf) || !per_tensor(wt) || !per_tensor(st) || !per_tensor(out))
        return oc_op_fail(ctx, op, "integer SVDF needs per-tensor scales on every tensor");
    if (st->q.zero_point[0] != 0) return oc_op_fail(ctx, op, "state zero point must be 0");
    /* float products, as TFLite's Prepare */
    float e1 = x->q.scale[0] * wf->q.scale[0] / st->q.scale[0];
    float e2 = st->q.scale[0] * wt->q.scale[0] / out->q.scale[0];
    oc_quantize_multiplier((double)e1, &s->mult1, &s->shift1);
    oc_quantize_multiplier((double)e2, &s->mult2, &s->shift2);
    s->in_zp = (int32_t)x->q.zero_point[0];
    s->out_zp = (int32_t)out->q.zero_point[0];
    return OC_OK;
}

static oc_status svdf_prepare(oc_ctx *ctx, oc_op *op)
{
    if (op->ninputs != 5 || op->noutputs != 1)
        return oc_op_fail(ctx, op, "expects 5 inputs and 1 output, has %d and %d", op->ninputs,
                          op->noutputs);
    static const oc_svdf_params defaults = {0, OC_ACT_NONE, false};
    const oc_svdf_params *p = op->params ? op->params : &defaults;
    oc_tensor *x = oc_in(ctx, op, IN_X), *wf = oc_in(ctx, op, IN_WF), *wt = oc_in(ctx, op, IN_WT);
    oc_tensor *b = oc_in(ctx, op, IN_BIAS), *st = oc_in(ctx, op, IN_STATE);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (!x || !wf || !wt || !st)
        return oc_op_fail(ctx, op, "input, weights and state are required");
    if (x->shape.rank != 2 || wf->shape.rank != 2 || wt->shape.rank != 2 || st->shape.rank != 2)
        return oc_op_fail(ctx, op, "input, weights and state must be 2-D");
    if (p->rank <= 0) return oc_op_fail(ctx, op, "rank must be > 0, is %d", (int)p->rank);
    int64_t n_batch = x->shape.dims[0], n_input = x->shape.dims[1];
    int64_t n_filter = wf->shape.dims[0], n_memory = wt->shape.dims[1];
    if (n_filter % p->rank != 0)
        return oc_op_fail(ctx, op, "%lld filters are not a multiple of rank %d",
                          (long long)n_filter, (int)p->rank);
    int64_t n_unit = n_filter / p->rank;
    if (wf->shape.dims[1] != n_input || wt->shape.dims[0] != n_filter)
        return oc_op_fail(ctx, op, "weights shapes do not match the input / filter count");
    if (b && (b->shape.rank != 1 || b->shape.dims[0] != n_unit))
        return oc_op_fail(ctx, op, "bias must have %lld elements", (long long)n_unit);
    if (st->shape.dims[0] != n_batch || st->shape.dims[1] != n_memory * n_filter)
        return oc_op_fail(ctx, op, "state must be [%lld, %lld]", (long long)n_batch,
                          (long long)(n_memory * n_filter));
    if (n_memory < 1) return oc_op_fail(ctx, op, "memory size must be >= 1");

    svdf_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    if (x->dtype == OC_F32) {
        if (wf->dtype != OC_F32)
            return oc_op_fail(ctx, op, "hybrid SVDF (float input, %s weights) is not supported",
                              oc_dtype_name(wf->dtype));
        if (wt->dtype != OC_F32 || st->dtype != OC_F32 || (b && b->dtype != OC_F32))
            return oc_op_fail(ctx, op, "float SVDF needs float32 weights, bias and state");
        OC_TRY(oc_check_dtype(ctx, op, out, OC_F32));
        if (p->activation < OC_ACT_NONE || p->activation > OC_ACT_SIGN_BIT)
            return oc_op_fail(ctx, op, "unsupported activation %d", (int)p->activation);
        s->integer = false;
    } else if (x->dtype == OC_I8) {
        OC_TRY(prepare_integer(ctx, op, p, s));
        s->integer = true;
    } else {
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(x->dtype));
    }
    s->n_batch = n_batch;
    s->n_input = n_input;
    s->n_filter = n_filter;
    s->n_unit = n_unit;
    s->n_memory = n_memory;
    s->rank = p->rank;
    int64_t need = n_batch * n_filter;
    if (need > s->cap) {
        void *m = malloc((size_t)need * 4);
        if (!m) return OC_NOMEMF(ctx->err);
        free(s->scratch);
        s->scratch = m;
        s->cap = need;
    }
    oc_shape os = {.rank = 2, .dims = {(int32_t)n_batch, (int32_t)n_unit}};
    return oc_set_shape(ctx, op, out, &os);
}

static float act_f32(int act, float v)
{
    switch (act) {
    case OC_ACT_RELU: return v < 0.f ? 0.f : v;
    case OC_ACT_RELU_N1_TO_1: return v < -1.f ? -1.f : v > 1.f ? 1.f : v;
    case OC_ACT_RELU6: return v < 0.f ? 0.f : v > 6.f ? 6.f : v;
    case OC_ACT_TANH: return tanhf(v);
    case OC_ACT_SIGN_BIT: return signbit(v) ? 1.f : 0.f;
    default: return v;
    }
}

static void eval_float(const svdf_state *s, int act, const float *x, const float *wf,
                       const float *wt, const float *bias, float *state, float *out)
{
    int64_t nf = s->n_filter, nm = s->n_memory, total = s->n_batch * nf * nm;
    float *scratch = s->scratch;
    /* every filter's memory moves one step left; the newest slot is overwritten below */
    memmove(state, state + 1, (size_t)(total - 1) * sizeof *state);
    for (int64_t b = 0; b < s->n_batch; b++) {
        const float *xb = x + b * s->n_input;
        for (int64_t f = 0; f < nf; f++) {
            const float *w = wf + f * s->n_input;
            float acc = 0.f;
            for (int64_t i = 0; i < s->n_input; i++)
                acc += w[i] * xb[i];
            state[(b * nf + f) * nm + nm - 1] = acc;
        }
        for (int64_t f = 0; f < nf; f++) {
            const float *w = wt + f * nm, *m = state + (b * nf + f) * nm;
            float acc = 0.f;
            for (int64_t i = 0; i < nm; i++)
                acc += w[i] * m[i];
            scratch[b * nf + f] = acc;
        }
        for (int64_t u = 0; u < s->n_unit; u++) {
            float v = bias ? bias[u] : 0.f;
            for (int32_t r = 0; r < s->rank; r++)
                v += scratch[b * nf + u * s->rank + r];
            out[b * s->n_unit + u] = act_f32(act, v);
        }
    }
}

static void eval_integer(const svdf_state *s, const int8_t *x, const int8_t *wf, const int16_t *wt,
                         const int32_t *bias, int16_t *state, int8_t *out)
{
    int64_t nf = s->n_filter, nm = s->n_memory, total = s->n_batch * nf * nm;
    int32_t *scratch = s->scratch;
    memmove(state, state + 1, (size_t)(total - 1) * sizeof *state);
    for (int64_t b = 0; b < s->n_batch; b++) {
        const int8_t *xb = x + b * s->n_input;
        for (int64_t f = 0; f < nf; f++) {
            const int8_t *w = wf + f * s->n_input;
            uint32_t acc = 0; /* int32 accumulation that wraps, like TFLite's */
            for (int64_t i = 0; i < s->n_input; i++)
                acc += (uint32_t)((int32_t)w[i] * ((int32_t)xb[i] - s->in_zp));
            int32_t v =
                oc_clamp_i32(oc_mul_by_qm((int32_t)acc, s->mult1, s->shift1), INT16_MIN, INT16_MAX);
            state[(b * nf + f) * nm + nm - 1] = (int16_t)v;
        }
        for (int64_t f = 0; f < nf; f++) {
            const int16_t *w = wt + f * nm, *m = state + (b * nf + f) * nm;
            uint32_t acc = 0; /* int32 accumulation that wraps, like TFLite's */
            for (int64_t i = 0; i < nm; i++)
                acc += (uint32_t)((int32_t)w[i] * (int32_t)m[i]);
            scratch[b * nf + f] = (int32_t)acc;
        }
        for (int64_t u = 0; u < s->n_unit; u++) {
            uint32_t v = bias ? (uint32_t)bias[u] : 0u;
            for (int32_t r = 0; r < s->rank; r++)
                v += (uint32_t)scratch[b * nf + u * s->rank + r];
            int32_t q = oc_mul_by_qm((int32_t)v, s->mult2, s->shift2) + s->out_zp;
            out[b * s->n_unit + u] = (int8_t)oc_clamp_i32(q, INT8_MIN, INT8_MAX);
        }
    }
}

static oc_status svdf_eval(oc_ctx *ctx, oc_op *op)
{
    const svdf_state *s = op->state;
    const oc_svdf_params *p = op->params;
    oc_tensor *b = oc_in(ctx, op, IN_BIAS);
    if (s->n_batch == 0 || s->n_filter == 0) return OC_OK;
    const void *x = oc_in(ctx, op, IN_X)->data, *wf = oc_in(ctx, op, IN_WF)->data;
    const void *wt = oc_in(ctx, op, IN_WT)->data;
    void *st = oc_in(ctx, op, IN_STATE)->data, *out = oc_out(ctx, op, 0)->data;
    if (s->integer)
        eval_integer(s, x, wf, wt, b ? b->data : NULL, st, out);
    else
        eval_float(s, p ? p->activation : OC_ACT_NONE, x, wf, wt, b ? b->data : NULL, st, out);
    return OC_OK;
}

const oc_op_def oc_op_SVDF = {"SVDF",       OC_OPF_NO_FOLD, svdf_parse,
                              svdf_prepare, svdf_eval,      svdf_release};
