/* UNIDIRECTIONAL_SEQUENCE_LSTM, float32, as TFLite's float kernel (lstm_eval.cc EvalFloat):
 * per time step and batch row, with h = output_state and c = cell_state,
 *   gate_X = act_X(W_X x + R_X h [+ P_X . c] + b_X)       X in {i, f, g, o}; P_o uses new c
 *   i = 1 - f when the input gate is absent (CIFG)
 *   c = clip(f . c + i . g, cell_clip);  h = proj(o . act(c)) (clip proj_clip), out_t = h
 * where act_i/f/o is the sigmoid and act_g / act(c) the fused activation. With layer norm the
 * pre-activation (bias excluded) is normalized to zero mean / unit variance per row, scaled by
 * the coefficients, then biased. Inputs 18/19 are the variable state tensors: read at the start
 * of a run and left holding the final state (persisting across runs, as in TFLite).
 * The int8 (8x8->16) integer LSTM is in lstm_quant.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "ops/lstm_quant.h"
#include "ops/misc_params.h"
#include "ops/op.h"

enum {
    IN_X = 0,
    IN_WI = 1,
    IN_WF,
    IN_WC,
    IN_WO, /* input weights [n_cell, n_input] */
    IN_RI = 5,
    IN_RF,
    IN_RC,
    IN_RO, /* recurrent weights [n_cell, n_output] or diagonal [n_cell] */
    IN_PI = 9,
    IN_PF,
    IN_PO, /* peephole [n_cell] */
    IN_BI = 12,
    IN_BF,
    IN_BC,
    IN_BO, /* gate biases [n_cell] */
    IN_PROJ_W = 16,
    IN_PROJ_B = 17,
    IN_H = 18,
    IN_C = 19,
    IN_LI = 20,
    IN_LF,
    IN_LC,
    IN_LO, /* layer-norm coefficients [n_cell] */
};

typedef struct {
    int64_t n_batch, n_time, n_input, n_cell, n_output;
    bool cifg, peephole, layer_norm, projection;
    float *gates;  /* 4 * n_batch * n_cell: i, f, g, o */
    float *hidden; /* n_batch * n_cell: o . act(c) */
    int64_t cap;   /* floats allocated in gates + hidden */
    oc_lstm_q *q;  /* int8 LSTM, else NULL */
} lstm_state;

static oc_status lstm_parse(oc_op *op, oc_mem *mem, oc_err *err)
{
    oc_lstm_params *p = oc_mem_alloc(mem, sizeof *p);
    if (!p) return OC_NOMEMF(err);
    const oc_fbt *o = &op->options;
    p->activation = oc_fbt_i8(o, 0, OC_ACT_NONE);
    p->cell_clip = oc_fbt_f32(o, 1, 0.f);
    p->proj_clip = oc_fbt_f32(o, 2, 0.f);
    p->time_major = oc_fbt_bool(o, 3, false);
    p->asymmetric_quantize_inputs = oc_fbt_bool(o, 4, false);
    p->diagonal_recurrent_tensors = oc_fbt_bool(o, 5, false);
    op->params = p;
    return OC_OK;
}

static void lstm_release(oc_op *op)
{
    lstm_state *s = op->state;
    if (s) {
        free(s->gates);
        oc_lstm_q_free(s->q);
    }
    free(s);
    op->state = NULL;
}

/* Checks an optional or required float tensor against a 1-D or 2-D shape. */
static oc_status check_tensor(oc_ctx *ctx, const oc_op *op, int i, bool required, int rank,
                              int64_t d0, int64_t d1)
{
    static const char *names[24] = {"input",
                                    "input_to_input_weights",
                                    "input_to_forget_weights",
                                    "input_to_cell_weights",
                                    "input_to_output_weights",
                                    "recurrent_to_input_weights",
                                    "recurrent_to_forget_weights",
                                    "recurrent_to_cell_weights",
                                    "recurrent_to_output_weights",
                                    "cell_to_input_weights",
                                    "cell_to_forget_weights",
                                    "cell_to_output_weights",
                                    "input_gate_bias",
                                    "forget_gate_bias",
                                    "cell_gate_bias",
                                    "output_gate_bias",
                                    "projection_weights",
                                    "projection_bias",
                                    "output_state",
                                    "cell_state",
                                    "input_layer_norm_coefficients",
                                    "forget_layer_norm_coefficients",
                                    "cell_layer_norm_coefficients",
                                    "output_layer_norm_coefficients"};
    const oc_tensor *t = oc_in(ctx, op, i);
    if (!t) return required ? oc_op_fail(ctx, op, "%s is required", names[i]) : OC_OK;
    if (t->dtype != OC_F32)
        return oc_op_fail(ctx, op, "%s has type %s: only float32 LSTM is supported", names[i],
                          oc_dtype_name(t->dtype));
    bool ok =
        t->shape.rank == rank && t->shape.dims[0] == d0 && (rank == 1 || t->shape.dims[1] == d1);
    if (!ok) {
        char buf[96];
        return oc_op_fail(ctx, op, "%s has shape %s, expected [%lld%s%lld]", names[i],
                          oc_shape_str(&t->shape, buf, sizeof buf), (long long)d0,
                          rank == 2 ? "," : "", rank == 2 ? (long long)d1 : 0LL);
    }
    return OC_OK;
}

static oc_status prepare_int8(oc_ctx *ctx, oc_op *op, const oc_lstm_params *p)
{
    lstm_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    OC_TRY(oc_lstm_q_prepare(ctx, op, p, &s->q));
    oc_tensor *x = oc_in(ctx, op, IN_X);
    oc_shape os = x->shape;
    os.dims[2] = (int32_t)oc_in(ctx, op, IN_RO)->shape.dims[1];
    return oc_set_shape(ctx, op, oc_out(ctx, op, 0), &os);
}

static oc_status lstm_prepare(oc_ctx *ctx, oc_op *op)
{
    if (op->ninputs < 20 || op->ninputs > 24)
        return oc_op_fail(ctx, op, "expects 20 or 24 inputs, has %d", op->ninputs);
    if (op->noutputs != 1) return oc_op_fail(ctx, op, "expects 1 output, has %d", op->noutputs);
    static const oc_lstm_params defaults = {OC_ACT_NONE, 0, 0, false, false, false};
    const oc_lstm_params *p = op->params ? op->params : &defaults;
    switch (p->activation) {
    case OC_ACT_NONE:
    case OC_ACT_RELU:
    case OC_ACT_RELU_N1_TO_1:
    case OC_ACT_RELU6:
    case OC_ACT_TANH: break;
    default: return oc_op_fail(ctx, op, "unsupported activation %d", (int)p->activation);
    }
    if (p->cell_clip < 0 || p->proj_clip < 0)
        return oc_op_fail(ctx, op, "clip values must be >= 0");
    oc_tensor *x = oc_in(ctx, op, IN_X), *wo = oc_in(ctx, op, IN_WO), *ro = oc_in(ctx, op, IN_RO);
    oc_tensor *out = oc_out(ctx, op, 0);
    if (!x || !wo || !ro) return oc_op_fail(ctx, op, "input and output weights are required");
    if (x->dtype == OC_I8) return prepare_int8(ctx, op, p);
    if (x->dtype != OC_F32 || wo->dtype != OC_F32)
        return oc_op_fail(ctx, op, "only float32 LSTM is supported (input %s, weights %s)",
                          oc_dtype_name(x->dtype), oc_dtype_name(wo->dtype));
    OC_TRY(oc_check_dtype(ctx, op, out, OC_F32));
    if (x->shape.rank != 3) return oc_op_fail(ctx, op, "input must be 3-D");
    if (wo->shape.rank != 2) return oc_op_fail(ctx, op, "input_to_output_weights must be 2-D");
    int64_t n_time = p->time_major ? x->shape.dims[0] : x->shape.dims[1];
    int64_t n_batch = p->time_major ? x->shape.dims[1] : x->shape.dims[0];
    int64_t n_input = x->shape.dims[2], n_cell = wo->shape.dims[0];
    int64_t n_output = p->diagonal_recurrent_tensors ? n_cell
                       : ro->shape.rank == 2         ? ro->shape.dims[1]
                                                     : -1;
    if (n_output < 0) return oc_op_fail(ctx, op, "recurrent_to_output_weights must be 2-D");
    bool diag = p->diagonal_recurrent_tensors;
    int rrank = diag ? 1 : 2;

    bool cifg = !oc_in(ctx, op, IN_WI);
    if (cifg != !oc_in(ctx, op, IN_RI))
        return oc_op_fail(ctx, op,
                          "input_to_input and recurrent_to_input weights must be both "
                          "present or both absent");
    bool peephole = oc_in(ctx, op, IN_PF) || oc_in(ctx, op, IN_PO) || oc_in(ctx, op, IN_PI);
    if (peephole &&
        (!oc_in(ctx, op, IN_PF) || !oc_in(ctx, op, IN_PO) || (!cifg && !oc_in(ctx, op, IN_PI))))
        return oc_op_fail(ctx, op,
                          "peephole weights must be all present (cell_to_input may "
                          "be absent with CIFG) or all absent");
    if (cifg && oc_in(ctx, op, IN_BI))
        return oc_op_fail(ctx, op, "input_gate_bias must be absent with CIFG");
    bool projection = oc_in(ctx, op, IN_PROJ_W) != NULL;
    if (!projection && oc_in(ctx, op, IN_PROJ_B))
        return oc_op_fail(ctx, op, "projection_bias without projection_weights");
    if (!projection && n_output != n_cell)
        return oc_op_fail(ctx, op,
                          "without projection, output size %lld must equal cell size "
                          "%lld",
                          (long long)n_output, (long long)n_cell);
    bool layer_norm = oc_in(ctx, op, IN_LF) != NULL;
    if (layer_norm ? (!oc_in(ctx, op, IN_LC) || !oc_in(ctx, op, IN_LO) ||
                      cifg == (oc_in(ctx, op, IN_LI) != NULL))
                   : (oc_in(ctx, op, IN_LI) || oc_in(ctx, op, IN_LC) || oc_in(ctx, op, IN_LO)))
        return oc_op_fail(ctx, op,
                          "layer-norm coefficients must be all present (input only "
                          "without CIFG) or all absent");

    OC_TRY(check_tensor(ctx, op, IN_WI, !cifg, 2, n_cell, n_input));
    for (int i = IN_WF; i <= IN_WO; i++)
        OC_TRY(check_tensor(ctx, op, i, true, 2, n_cell, n_input));
    OC_TRY(check_tensor(ctx, op, IN_RI, !cifg, rrank, n_cell, n_output));
    for (int i = IN_RF; i <= IN_RO; i++)
        OC_TRY(check_tensor(ctx, op, i, true, rrank, n_cell, n_output));
    for (int i = IN_PI; i <= IN_PO; i++)
        OC_TRY(check_tensor(ctx, op, i, false, 1, n_cell, 0));
    OC_TRY(check_tensor(ctx, op, IN_BI, !cifg, 1, n_cell, 0));
    for (int i = IN_BF; i <= IN_BO; i++)
        OC_TRY(check_tensor(ctx, op, i, true, 1, n_cell, 0));
    OC_TRY(check_tensor(ctx, op, IN_PROJ_W, false, 2, n_output, n_cell));
    OC_TRY(check_tensor(ctx, op, IN_PROJ_B, false, 1, n_output, 0));
    for (int i = IN_LI; i <= IN_LO && i < op->ninputs; i++)
        OC_TRY(check_tensor(ctx, op, i, false, 1, n_cell, 0));

    /* states: any shape holding n_batch rows (TFLite checks element counts) */
    oc_tensor *h = oc_in(ctx, op, IN_H), *c = oc_in(ctx, op, IN_C);
    if (!h || !c) return oc_op_fail(ctx, op, "output_state and cell_state are required");
    if (h->dtype != OC_F32 || c->dtype != OC_F32)
        return oc_op_fail(ctx, op, "state tensors must be float32");
    if (oc_tensor_count(h) != n_batch * n_output || oc_tensor_count(c) != n_batch * n_cell)
        return oc_op_fail(ctx, op,
                          "state sizes do not match batch %lld x output %lld / cell "
                          "%lld",
                          (long long)n_batch, (long long)n_output, (long long)n_cell);

    oc_shape os = x->shape;
    os.dims[2] = (int32_t)n_output;
    OC_TRY(oc_set_shape(ctx, op, out, &os));

    lstm_state *s = op->state;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return OC_NOMEMF(ctx->err);
        op->state = s;
    }
    oc_lstm_q_free(s->q); /* float from now on */
    s->q = NULL;
    size_t need;
    if (!oc_mul_size((size_t)n_batch, (size_t)n_cell, &need) || !oc_mul_size(need, 5, &need))
        return oc_op_fail(ctx, op, "sizes overflow");
    if ((int64_t)need > s->cap) {
        float *g = malloc((need ? need : 1) * sizeof *g);
        if (!g) return OC_NOMEMF(ctx->err);
        free(s->gates);
        s->gates = g;
        s->cap = (int64_t)need;
    }
    s->hidden = s->gates + 4 * n_batch * n_cell;
    s->n_batch = n_batch;
    s->n_time = n_time;
    s->n_input = n_input;
    s->n_cell = n_cell;
    s->n_output = n_output;
    s->cifg = cifg;
    s->peephole = peephole;
    s->layer_norm = layer_norm;
    s->projection = projection;
    return OC_OK;
}

static float apply_act(int act, float v)
{
    switch (act) {
    case OC_ACT_RELU: return v < 0.f ? 0.f : v;
    case OC_ACT_RELU_N1_TO_1: return v < -1.f ? -1.f : v > 1.f ? 1.f : v;
    case OC_ACT_RELU6: return v < 0.f ? 0.f : v > 6.f ? 6.f : v;
    case OC_ACT_TANH: return tanhf(v);
    default: return v;
    }
}

static float sigmoid(float v)
{
    return 1.f / (1.f + expf(-v));
}

static float dot(const float *a, const float *b, int64_t n)
{
    float s = 0.f;
    for (int64_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static const float *data_or_null(oc_ctx *ctx, const oc_op *op, int i)
{
    const oc_tensor *t = oc_in(ctx, op, i);
    return t ? t->data : NULL;
}

/* One gate for all batch rows: out[b][c] = act(norm?(W x + R h + P . c) [+ bias]). */
typedef struct {
    const float *w, *r, *peep, *bias, *ln;
    bool diag;
    int act; /* -1 = sigmoid */
} gate_def;

static void compute_gate(const lstm_state *s, const gate_def *g, const float *const *xrows,
                         const float *h, const float *c, float *out)
{
    int64_t nc = s->n_cell, ni = s->n_input, no = s->n_output;
    for (int64_t b = 0; b < s->n_batch; b++) {
        float *o = out + b * nc;
        const float *x = xrows[b], *hb = h + b * no, *cb = c + b * nc;
        for (int64_t k = 0; k < nc; k++) {
            float acc = g->ln ? 0.f : g->bias[k];
            acc += dot(g->w + k * ni, x, ni);
            acc += g->diag ? g->r[k] * hb[k] : dot(g->r + k * no, hb, no);
            if (g->peep) acc += g->peep[k] * cb[k];
            o[k] = acc;
        }
        if (g->ln) { /* mean / stddev normalization with TFLite's 1e-8 guard */
            float sum = 0.f, sq = 0.f;
            for (int64_t k = 0; k < nc; k++)
                sum += o[k];
            float mean = sum / (float)nc;
            for (int64_t k = 0; k < nc; k++)
                sq += (o[k] - mean) * (o[k] - mean);
            float inv = 1.f / sqrtf(sq / (float)nc + 1e-8f);
            for (int64_t k = 0; k < nc; k++)
                o[k] = (o[k] - mean) * inv * g->ln[k] + g->bias[k];
        }
        for (int64_t k = 0; k < nc; k++)
            o[k] = g->act < 0 ? sigmoid(o[k]) : apply_act(g->act, o[k]);
    }
}

static oc_status lstm_eval(oc_ctx *ctx, oc_op *op)
{
    static const oc_lstm_params defaults = {OC_ACT_NONE, 0, 0, false, false, false};
    const oc_lstm_params *p = op->params ? op->params : &defaults;
    const lstm_state *s = op->state;
    if (s->q) {
        oc_lstm_q_eval(ctx, op, p, s->q);
        return OC_OK;
    }
    const float *x = oc_in(ctx, op, IN_X)->data;
    float *out = oc_out(ctx, op, 0)->data;
    float *h = oc_in(ctx, op, IN_H)->data, *c = oc_in(ctx, op, IN_C)->data;
    int64_t nb = s->n_batch, nc = s->n_cell, no = s->n_output, nt = s->n_time;
    if (nb == 0 || nt == 0) return OC_OK;
    const float **xrows = malloc((size_t)nb * sizeof *xrows);
    if (!xrows) return OC_NOMEMF(ctx->err);
    float *gi = s->gates, *gf = gi + nb * nc, *gg = gf + nb * nc, *go = gg + nb * nc;
    bool diag = p->diagonal_recurrent_tensors;
    const float *ln[4] = {NULL, NULL, NULL, NULL};
    if (s->layer_norm)
        for (int k = 0; k < 4; k++)
            ln[k] = data_or_null(ctx, op, IN_LI + k);
    gate_def gdi = {data_or_null(ctx, op, IN_WI),
                    data_or_null(ctx, op, IN_RI),
                    data_or_null(ctx, op, IN_PI),
                    data_or_null(ctx, op, IN_BI),
                    ln[0],
                    diag,
                    -1};
    gate_def gdf = {data_or_null(ctx, op, IN_WF),
                    data_or_null(ctx, op, IN_RF),
                    data_or_null(ctx, op, IN_PF),
                    data_or_null(ctx, op, IN_BF),
                    ln[1],
                    diag,
                    -1};
    gate_def gdg = {data_or_null(ctx, op, IN_WC),
                    data_or_null(ctx, op, IN_RC),
                    NULL,
                    data_or_null(ctx, op, IN_BC),
                    ln[2],
                    diag,
                    p->activation};
    gate_def gdo = {data_or_null(ctx, op, IN_WO),
                    data_or_null(ctx, op, IN_RO),
                    data_or_null(ctx, op, IN_PO),
                    data_or_null(ctx, op, IN_BO),
                    ln[3],
                    diag,
                    -1};
    const float *pw = data_or_null(ctx, op, IN_PROJ_W), *pb = data_or_null(ctx, op, IN_PROJ_B);

    for (int64_t t = 0; t < nt; t++) {
        for (int64_t b = 0; b < nb; b++)
            xrows[b] = x + (p->time_major ? t * nb + b : b * nt + t) * s->n_input;
        /* i, f, g see the previous h and c */
        if (!s->cifg) compute_gate(s, &gdi, xrows, h, c, gi);
        compute_gate(s, &gdf, xrows, h, c, gf);
        compute_gate(s, &gdg, xrows, h, c, gg);
        for (int64_t k = 0; k < nb * nc; k++) {
            float in_gate = s->cifg ? 1.f - gf[k] : gi[k];
            float v = gf[k] * c[k] + gg[k] * in_gate;
            if (p->cell_clip > 0.f)
                v = v < -p->cell_clip ? -p->cell_clip : v > p->cell_clip ? p->cell_clip : v;
            c[k] = v;
        }
        /* o peeks at the new c but still the previous h */
        compute_gate(s, &gdo, xrows, h, c, go);
        for (int64_t k = 0; k < nb * nc; k++)
            s->hidden[k] = go[k] * apply_act(p->activation, c[k]);
        for (int64_t b = 0; b < nb; b++) {
            float *hb = h + b * no;
            const float *hid = s->hidden + b * nc;
            if (s->projection) {
                for (int64_t k = 0; k < no; k++) {
                    float v = (pb ? pb[k] : 0.f) + dot(pw + k * nc, hid, nc);
                    if (p->proj_clip > 0.f)
                        v = v < -p->proj_clip ? -p->proj_clip : v > p->proj_clip ? p->proj_clip : v;
                    hb[k] = v;
                }
            } else {
                memcpy(hb, hid, (size_t)no * sizeof *hb);
            }
            float *ob = out + (p->time_major ? t * nb + b : b * nt + t) * no;
            memcpy(ob, hb, (size_t)no * sizeof *ob);
        }
    }
    free(xrows);
    return OC_OK;
}

const oc_op_def oc_op_UNIDIRECTIONAL_SEQUENCE_LSTM = {"UNIDIRECTIONAL_SEQUENCE_LSTM",
                                                      OC_OPF_NO_FOLD,
                                                      lstm_parse,
                                                      lstm_prepare,
                                                      lstm_eval,
                                                      lstm_release};
