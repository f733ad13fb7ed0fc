/* Integer UNIDIRECTIONAL_SEQUENCE_LSTM as TFLite's 8x8->16 kernel
 * (unidirectional_sequence_lstm.cc PopulateQuantizedLstmParams8x8_16 /
 * PopulatePrecomputedZPTimesWeightsWithBias, lstm_eval.cc LstmStepInteger8x8_16 and
 * portable_tensor_utils.cc). Per time step, for the batch rows:
 *   gate_X = sat16(rq(W_X x + b'_X) + rq(R_X h + r'_X) [+ rq(P_X . c)])   X in i, f, g, o
 *     (b', r': biases with the zero points folded in; rq: requantize to the gate's Q3.12 or,
 *      with layer norm, to the intermediate's scale, then integer layer norm + bias)
 *   i, f, o = sigmoid(Q3.12) and g = tanh(Q3.12) in gemmlowp int16 fixed point (Q0.15)
 *   c = sat16(rdbpot(f * c, 15) + rdbpot(i * g, 30 + log2(s_c)))  [clip], i = 1 - f with CIFG
 *   hidden = int8(rq(o * tanh(c)) - z_hidden); h = projection(hidden) [clip] or hidden.
 * Effective scales are computed in float like TFLite's, so the multipliers match. The state
 * tensors (18: h int8, 19: c int16) persist across runs. The intermediates give the hidden
 * state's scale (4) and, with layer norm, the gates' (0..3). */
#include "ops/lstm_quant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fixedpoint.h"

enum {
    IN_X = 0,
    IN_W = 1,  /* + gate: input weights i, f, g, o */
    IN_R = 5,  /* + gate: recurrent weights */
    IN_P = 9,  /* peephole: i, f, o (9, 10, 11) */
    IN_B = 12, /* + gate: biases */
    IN_PROJ_W = 16,
    IN_PROJ_B = 17,
    IN_H = 18,
    IN_C = 19,
    IN_LN = 20, /* + gate: layer-norm coefficients */
};
enum { G_I = 0, G_F, G_G, G_O };

struct oc_lstm_q {
    int64_t n_batch, n_time, n_input, n_cell, n_output;
    bool cifg, peephole, projection, layer_norm;
    int32_t in_mult[4], rec_mult[4], cell_mult[4], ln_mult[4], var_guard[4];
    int in_shift[4], rec_shift[4], cell_shift[4], ln_shift[4];
    int32_t hidden_mult, proj_mult, hidden_zp, h_zp;
    int hidden_shift, proj_shift, cell_log2;
    int16_t cell_clip;
    int8_t proj_clip;
    int32_t *in_bias[4], *rec_bias[4], *proj_bias; /* in `biases` */
    int32_t *biases;
    int16_t *gates;  /* 4 * n_batch * n_cell */
    int16_t *tanh_c; /* n_batch * n_cell */
    int8_t *hidden;  /* n_batch * n_cell */
    int8_t *xstage;  /* n_batch * n_input: one time step of batch-major input */
};

void oc_lstm_q_free(oc_lstm_q *q)
{
    if (!q) return;
    free(q->biases);
    free(q->gates);
    free(q->hidden);
    free(q->xstage);
    free(q);
}

static const char *in_name(int i)
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
    return names[i];
}

/* An optional or required tensor of type dt, per-tensor quantized when scaled, of shape
 * [d0] or [d0, d1]. */
static oc_status check(oc_ctx *ctx, const oc_op *op, int i, bool required, oc_dtype dt, bool scaled,
                       int rank, int64_t d0, int64_t d1)
{
    const oc_tensor *t = oc_in(ctx, op, i);
    if (!t) return required ? oc_op_fail(ctx, op, "%s is required", in_name(i)) : OC_OK;
    if (t->dtype != dt)
        return oc_op_fail(ctx, op, "%s has type %s, the int8 LSTM needs %s", in_name(i),
                          oc_dtype_name(t->dtype), oc_dtype_name(dt));
    if (scaled && (t->q.count != 1 || !(t->q.scale[0] > 0)))
        return oc_op_fail(ctx, op, "%s needs a per-tensor scale", in_name(i));
    if (t->shape.rank != rank || t->shape.dims[0] != d0 || (rank == 2 && t->shape.dims[1] != d1))
        return oc_op_fail(ctx, op, "%s has a wrong shape", in_name(i));
    return OC_OK;
}

static float scale_of(oc_ctx *ctx, const oc_op *op, int i)
{
    const oc_tensor *t = oc_in(ctx, op, i);
    return t ? t->q.scale[0] : 1.0f;
}

/* TFLite PrecomputeZeroPointTimesWeightWithBias: out = bias + zp * rowsum(W). */
static void fold_bias(const oc_tensor *w, const oc_tensor *bias, int32_t zp, int64_t rows,
                      int64_t cols, int32_t *out)
{
    const int8_t *m = w->data;
    for (int64_t r = 0; r < rows; r++) {
        int32_t row_sum = 0;
        for (int64_t c = 0; c < cols; c++)
            row_sum += m[r * cols + c];
        int32_t b = bias ? ((const int32_t *)bias->data)[r] : 0;
        out[r] = (int32_t)((uint32_t)b + (uint32_t)row_sum * (uint32_t)zp);
    }
}

static oc_status check_all(oc_ctx *ctx, const oc_op *op, oc_lstm_q *q)
{
    int64_t nc = q->n_cell, ni = q->n_input, no = q->n_output;
    for (int g = G_I; g <= G_O; g++) {
        bool req = g != G_I || !q->cifg;
        OC_TRY(check(ctx, op, IN_W + g, req, OC_I8, true, 2, nc, ni));
        OC_TRY(check(ctx, op, IN_R + g, req, OC_I8, true, 2, nc, no));
        OC_TRY(check(ctx, op, IN_B + g, req, OC_I32, false, 1, nc, 0));
        if (q->layer_norm && op->ninputs > IN_LN + g)
            OC_TRY(check(ctx, op, IN_LN + g, req, OC_I16, true, 1, nc, 0));
    }
    if (q->cifg && oc_in(ctx, op, IN_B + G_I))
        return oc_op_fail(ctx, op, "input_gate_bias must be absent with CIFG");
    for (int i = IN_P; i <= IN_P + 2; i++)
        OC_TRY(check(ctx, op, i, q->peephole && (i != IN_P || !q->cifg), OC_I16, true, 1, nc, 0));
    if (q->peephole && no != nc)
        return oc_op_fail(ctx, op, "peephole with projection is not supported for int8");
    OC_TRY(check(ctx, op, IN_PROJ_W, false, OC_I8, true, 2, no, nc));
    OC_TRY(check(ctx, op, IN_PROJ_B, false, OC_I32, false, 1, no, 0));
    if (!q->projection && oc_in(ctx, op, IN_PROJ_B))
        return oc_op_fail(ctx, op, "projection_bias without projection_weights");
    if (!q->projection && no != nc)
        return oc_op_fail(ctx, op, "without projection, output size must equal cell size");
    const oc_tensor *h = oc_in(ctx, op, IN_H), *c = oc_in(ctx, op, IN_C);
    if (!h || !c) return oc_op_fail(ctx, op, "output_state and cell_state are required");
    if (h->dtype != OC_I8 || c->dtype != OC_I16)
        return oc_op_fail(ctx, op, "the int8 LSTM needs an int8 output_state and int16 cell_state");
    if (h->q.count != 1 || c->q.count != 1)
        return oc_op_fail(ctx, op, "state tensors need per-tensor scales");
    if (oc_tensor_count(h) != q->n_batch * no || oc_tensor_count(c) != q->n_batch * nc)
        return oc_op_fail(ctx, op, "state sizes do not match batch x output / cell");
    return OC_OK;
}

/* The gates' scales and the hidden state's scale / zero point from the intermediates. */
static oc_status intermediate_scales(oc_ctx *ctx, const oc_op *op, const oc_lstm_q *q,
                                     float scale[5], int32_t *hidden_zp)
{
    if (op->nintermediates != 5)
        return oc_op_fail(ctx, op, "the int8 LSTM needs 5 intermediate tensors, has %d",
                          op->nintermediates);
    for (int i = 0; i < 5; i++) {
        if (i < 4 && !q->layer_norm) {
            scale[i] = 1.0f / 4096; /* Q3.12 into the activation functions */
            continue;
        }
        const oc_tensor *t = &ctx->tensors[op->intermediates[i]];
        if (t->q.count < 1 || !(t->q.scale[0] > 0))
            return oc_op_fail(ctx, op, "intermediate %d needs a quantization scale", i);
        scale[i] = t->q.scale[0];
        if (i == 4) *hidden_zp = (int32_t)t->q.zero_point[0];
    }
    return OC_OK;
}

static oc_status build(oc_ctx *ctx, const oc_op *op, const oc_lstm_params *p, oc_lstm_q *q)
{
    const oc_tensor *x = oc_in(ctx, op, IN_X), *out = oc_out(ctx, op, 0);
    const oc_tensor *h = oc_in(ctx, op, IN_H), *c = oc_in(ctx, op, IN_C);
    if (x->q.count != 1 || out->q.count != 1 || out->dtype != OC_I8)
        return oc_op_fail(ctx, op, "the int8 LSTM needs per-tensor quantized int8 input/output");
    float inter[5];
    OC_TRY(intermediate_scales(ctx, op, q, inter, &q->hidden_zp));
    /* tanh(c) reads c with 15 + log2(s_c) integer bits: TFLite handles 0..6 */
    if (!oc_checked_log2(c->q.scale[0], &q->cell_log2) || q->cell_log2 > -9 || q->cell_log2 < -15)
        return oc_op_fail(ctx, op, "cell_state scale must be a power of two 2^-n, n in 9..15");
    q->cell_clip = 0;
    if (p->cell_clip > 0.f) {
        float v = p->cell_clip / c->q.scale[0];
        q->cell_clip = (int16_t)(v < -32768.f ? -32768.f : v > 32767.f ? 32767.f : v);
    }
    q->proj_clip = 0;
    if (p->proj_clip > 0.f) {
        float v = p->proj_clip / out->q.scale[0];
        q->proj_clip = (int8_t)(v < -128.f ? -128.f : v > 127.f ? 127.f : v);
    }
    const float s_x = x->q.scale[0], s_h = h->q.scale[0];
    for (int g = G_I; g <= G_O; g++) {
        q->in_mult[g] = q->rec_mult[g] = q->cell_mult[g] = q->ln_mult[g] = 0;
        q->in_shift[g] = q->rec_shift[g] = q->cell_shift[g] = q->ln_shift[g] = 0;
        if (g == G_I && q->cifg) continue;
        float e_in = scale_of(ctx, op, IN_W + g) * s_x / inter[g];
        float e_rec = scale_of(ctx, op, IN_R + g) * s_h / inter[g];
        oc_quantize_multiplier(e_in, &q->in_mult[g], &q->in_shift[g]);
        oc_quantize_multiplier(e_rec, &q->rec_mult[g], &q->rec_shift[g]);
        if (q->peephole && g != G_G) {
            int pi = g == G_O ? IN_P + 2 : IN_P + g;
            float e_cell = (float)(pow(2, q->cell_log2) * scale_of(ctx, op, pi) / inter[g]);
            oc_quantize_multiplier(e_cell, &q->cell_mult[g], &q->cell_shift[g]);
        }
        float ln_scale = q->layer_norm ? scale_of(ctx, op, IN_LN + g) : 1.0f;
        oc_quantize_multiplier(ln_scale, &q->ln_mult[g], &q->ln_shift[g]);
        int32_t guard = (int32_t)(10000 * ln_scale);
        q->var_guard[g] = guard > 1 ? guard : 1;
    }
    float e_hidden = (float)(pow(2, -15) / inter[4] * pow(2, -15));
    oc_quantize_multiplier(e_hidden, &q->hidden_mult, &q->hidden_shift);
    float e_proj = (q->projection ? scale_of(ctx, op, IN_PROJ_W) : 1.0f) * inter[4] / s_h;
    oc_quantize_multiplier(e_proj, &q->proj_mult, &q->proj_shift);
    q->h_zp = (int32_t)h->q.zero_point[0];

    /* zero points folded into the biases; with layer norm the gate bias joins after it */
    int32_t *bp = q->biases;
    int32_t x_zp = (int32_t)x->q.zero_point[0];
    for (int g = G_I; g <= G_O; g++) {
        q->in_bias[g] = q->rec_bias[g] = NULL;
        if (g == G_I && q->cifg) continue;
        q->in_bias[g] = bp;
        bp += q->n_cell;
        q->rec_bias[g] = bp;
        bp += q->n_cell;
        fold_bias(oc_in(ctx, op, IN_W + g), q->layer_norm ? NULL : oc_in(ctx, op, IN_B + g), -x_zp,
                  q->n_cell, q->n_input, q->in_bias[g]);
        fold_bias(oc_in(ctx, op, IN_R + g), NULL, -q->h_zp, q->n_cell, q->n_output, q->rec_bias[g]);
    }
    q->proj_bias = NULL;
    if (q->projection) {
        q->proj_bias = bp;
        fold_bias(oc_in(ctx, op, IN_PROJ_W), oc_in(ctx, op, IN_PROJ_B), q->hidden_zp, q->n_output,
                  q->n_cell, q->proj_bias);
    }
    return OC_OK;
}

oc_status oc_lstm_q_prepare(oc_ctx *ctx, const oc_op *op, const oc_lstm_params *p, oc_lstm_q **qp)
{
    const oc_tensor *x = oc_in(ctx, op, IN_X), *wo = oc_in(ctx, op, IN_W + G_O);
    const oc_tensor *ro = oc_in(ctx, op, IN_R + G_O);
    if (!wo || !ro) return oc_op_fail(ctx, op, "input and output weights are required");
    if (x->shape.rank != 3) return oc_op_fail(ctx, op, "input must be 3-D");
    if (wo->shape.rank != 2 || ro->shape.rank != 2)
        return oc_op_fail(ctx, op, "output gate weights must be 2-D");
    if (p->diagonal_recurrent_tensors)
        return oc_op_fail(ctx, op, "diagonal recurrent weights are not supported for int8");
    oc_lstm_q *q = *qp;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q) return OC_NOMEMF(ctx->err);
        *qp = q;
    }
    q->n_time = p->time_major ? x->shape.dims[0] : x->shape.dims[1];
    q->n_batch = p->time_major ? x->shape.dims[1] : x->shape.dims[0];
    q->n_input = x->shape.dims[2];
    q->n_cell = wo->shape.dims[0];
    q->n_output = ro->shape.dims[1];
    q->cifg = !oc_in(ctx, op, IN_W + G_I);
    if (q->cifg != !oc_in(ctx, op, IN_R + G_I))
        return oc_op_fail(ctx, op, "input gate weights must be both present or both absent");
    q->peephole = oc_in(ctx, op, IN_P + 1) || oc_in(ctx, op, IN_P + 2) || oc_in(ctx, op, IN_P);
    q->projection = oc_in(ctx, op, IN_PROJ_W) != NULL;
    q->layer_norm = op->ninputs == 24 && oc_in(ctx, op, IN_LN + G_F) != NULL;
    OC_TRY(check_all(ctx, op, q));

    size_t nbc = (size_t)(q->n_batch * q->n_cell);
    free(q->biases);
    free(q->gates);
    free(q->hidden);
    free(q->xstage);
    q->biases = malloc(((size_t)q->n_cell * 8 + (size_t)q->n_output + 1) * sizeof(int32_t));
    q->gates = malloc((nbc * 5 + 1) * sizeof(int16_t));
    q->hidden = malloc(nbc + 1);
    q->xstage = malloc((size_t)(q->n_batch * q->n_input) + 1);
    if (!q->biases || !q->gates || !q->hidden || !q->xstage) return OC_NOMEMF(ctx->err);
    q->tanh_c = q->gates + 4 * nbc;
    return build(ctx, op, p, q);
}

/* ---- kernels (portable_tensor_utils.cc) ---------------------------------------------------- */

/* out[b][r] = sat16(out[b][r] + rq(bias[r] + W[r] . v[b])). */
static void matmul_acc16(const int8_t *v, const int32_t *bias, const int8_t *w, int32_t mult,
                         int shift, int64_t nb, int64_t ncol, int64_t nrow, int16_t *out)
{
    for (int64_t b = 0; b < nb; b++)
        for (int64_t r = 0; r < nrow; r++) {
            uint32_t sum = (uint32_t)bias[r]; /* wraps like TFLite's int32 */
            const int8_t *wr = w + r * ncol, *vb = v + b * ncol;
            for (int64_t k = 0; k < ncol; k++)
                sum += (uint32_t)((int32_t)vb[k] * wr[k]);
            int32_t acc = oc_mul_by_qm((int32_t)sum, mult, shift) + out[b * nrow + r];
            out[b * nrow + r] = (int16_t)oc_clamp_i32(acc, INT16_MIN, INT16_MAX);
        }
}

/* TFLite ApplyLayerNorm (integer): normalize each row, scale by the coefficients, add the bias. */
static void layer_norm(int16_t *x, const int16_t *w, const int32_t *bias, int32_t mult, int shift,
                       int32_t guard, int64_t nb, int64_t n)
{
    const int32_t two20 = 1 << 20;
    for (int64_t b = 0; b < nb; b++) {
        int16_t *row = x + b * n;
        int64_t sum = 0, sum_sq = 0;
        for (int64_t j = 0; j < n; j++) {
            sum += row[j];
            sum_sq += (int32_t)row[j] * row[j];
        }
        int32_t mean = (int32_t)(sum * 1024 / n);
        int32_t temp = two20 / (int32_t)n;
        int64_t variance = sum_sq * temp - (int64_t)mean * mean;
        int32_t var2 = (int32_t)(variance / two20);
        if (var2 < 1) var2 = guard;
        int32_t inv_a;
        int inv_b;
        oc_inv_sqrt_multiplier_exp(var2, -1, &inv_a, &inv_b);
        for (int64_t j = 0; j < n; j++) {
            int32_t shifted = 1024 * row[j] - mean;
            int32_t rescaled = oc_mul_by_qm(shifted, inv_a, inv_b);
            int64_t v3 =
                (int32_t)((uint32_t)rescaled * (uint32_t)(int32_t)w[j] + (uint32_t)bias[j]);
            int32_t v4 = (int32_t)((v3 > 0 ? v3 + 512 : v3 - 512) / 1024);
            int32_t v5 = oc_mul_by_qm(v4, mult, shift + 12);
            row[j] = (int16_t)oc_clamp_i32(v5, INT16_MIN, INT16_MAX);
        }
    }
}

static void gate(const oc_lstm_q *q, int g, const int8_t *x, const int8_t *h, const int16_t *c,
                 const int8_t *w, const int8_t *r, const int16_t *peep, const int16_t *ln,
                 const int32_t *bias, int16_t *out)
{
    int64_t nb = q->n_batch, nc = q->n_cell;
    memset(out, 0, (size_t)(nb * nc) * sizeof *out);
    matmul_acc16(x, q->in_bias[g], w, q->in_mult[g], q->in_shift[g], nb, q->n_input, nc, out);
    matmul_acc16(h, q->rec_bias[g], r, q->rec_mult[g], q->rec_shift[g], nb, q->n_output, nc, out);
    if (peep) {
        for (int64_t b = 0; b < nb; b++)
            for (int64_t k = 0; k < nc; k++) {
                int32_t prod = oc_mul_by_qm((int32_t)peep[k] * c[b * nc + k], q->cell_mult[g],
                                            q->cell_shift[g]);
                out[b * nc + k] =
                    (int16_t)oc_clamp_i32(prod + out[b * nc + k], INT16_MIN, INT16_MAX);
            }
    }
    if (ln) layer_norm(out, ln, bias, q->ln_mult[g], q->ln_shift[g], q->var_guard[g], nb, nc);
    for (int64_t k = 0; k < nb * nc; k++)
        out[k] = g == G_G ? oc_fp16_tanh(out[k], 3) : oc_fp16_logistic(out[k], 3);
}

static const void *data_of(oc_ctx *ctx, const oc_op *op, int i)
{
    const oc_tensor *t = oc_in(ctx, op, i);
    return t ? t->data : NULL;
}

void oc_lstm_q_eval(oc_ctx *ctx, const oc_op *op, const oc_lstm_params *p, const oc_lstm_q *q)
{
    int64_t nb = q->n_batch, nc = q->n_cell, no = q->n_output, nt = q->n_time, ni = q->n_input;
    if (nb == 0 || nt == 0) return;
    const int8_t *x = oc_in(ctx, op, IN_X)->data;
    int8_t *out = oc_out(ctx, op, 0)->data;
    int8_t *h = oc_in(ctx, op, IN_H)->data;
    int16_t *c = oc_in(ctx, op, IN_C)->data;
    int16_t *gi = q->gates, *gf = gi + nb * nc, *gg = gf + nb * nc, *go = gg + nb * nc;
    const int16_t *peep[4] = {NULL, NULL, NULL, NULL}, *ln[4] = {NULL, NULL, NULL, NULL};
    if (q->peephole) {
        peep[G_I] = data_of(ctx, op, IN_P);
        peep[G_F] = data_of(ctx, op, IN_P + 1);
        peep[G_O] = data_of(ctx, op, IN_P + 2);
    }
    if (q->layer_norm)
        for (int g = 0; g < 4; g++)
            ln[g] = data_of(ctx, op, IN_LN + g);
    const int8_t *pw = data_of(ctx, op, IN_PROJ_W);
    /* batch rows are independent: one step handles every row (TFLite loops batch-major input
     * one row at a time, with the same result) */
    int8_t *xt = q->xstage;
    for (int64_t t = 0; t < nt; t++) {
        const int8_t *xs;
        if (p->time_major)
            xs = x + t * nb * ni;
        else if (nb == 1)
            xs = x + t * ni;
        else {
            for (int64_t b = 0; b < nb; b++)
                memcpy(xt + b * ni, x + (b * nt + t) * ni, (size_t)ni);
            xs = xt;
        }
        for (int g = G_I; g <= G_O; g++) {
            if ((g == G_I && q->cifg) || g == G_O) continue;
            int16_t *dst = g == G_I ? gi : g == G_F ? gf : gg;
            gate(q, g, xs, h, c, data_of(ctx, op, IN_W + g), data_of(ctx, op, IN_R + g), peep[g],
                 ln[g], data_of(ctx, op, IN_B + g), dst);
        }
        /* cell update */
        for (int64_t k = 0; k < nb * nc; k++) {
            int32_t fc = oc_rdbpot((int32_t)gf[k] * c[k], 15);
            int16_t ig = q->cifg ? (int16_t)(32767 - gf[k]) : gi[k];
            int32_t ic = oc_rdbpot((int32_t)ig * gg[k], 30 + q->cell_log2);
            int32_t v = oc_clamp_i32((int16_t)fc + (int16_t)ic, INT16_MIN, INT16_MAX);
            if (q->cell_clip > 0) v = oc_clamp_i32(v, -q->cell_clip, q->cell_clip);
            c[k] = (int16_t)v;
        }
        gate(q, G_O, xs, h, c, data_of(ctx, op, IN_W + G_O), data_of(ctx, op, IN_R + G_O),
             peep[G_O], ln[G_O], data_of(ctx, op, IN_B + G_O), go);
        /* hidden = o . tanh(c), then the output state */
        for (int64_t k = 0; k < nb * nc; k++) {
            int16_t tc = oc_fp16_tanh(c[k], 15 + q->cell_log2);
            int32_t v = oc_mul_by_qm((int32_t)go[k] * tc, q->hidden_mult, q->hidden_shift);
            q->hidden[k] = (int8_t)oc_clamp_i32(v - q->hidden_zp, INT8_MIN, INT8_MAX);
        }
        if (q->projection) {
            for (int64_t b = 0; b < nb; b++)
                for (int64_t r = 0; r < no; r++) {
                    uint32_t sum = (uint32_t)q->proj_bias[r];
                    for (int64_t k = 0; k < nc; k++)
                        sum += (uint32_t)((int32_t)q->hidden[b * nc + k] * pw[r * nc + k]);
                    int32_t acc = oc_mul_by_qm((int32_t)sum, q->proj_mult, q->proj_shift) + q->h_zp;
                    acc = oc_clamp_i32(acc, INT8_MIN, INT8_MAX);
                    if (q->proj_clip > 0) acc = oc_clamp_i32(acc, -q->proj_clip, q->proj_clip);
                    h[b * no + r] = (int8_t)acc;
                }
        } else {
            memcpy(h, q->hidden, (size_t)(nb * no));
        }
        if (p->time_major)
            memcpy(out + t * nb * no, h, (size_t)(nb * no));
        else
            for (int64_t b = 0; b < nb; b++)
                memcpy(out + (b * nt + t) * no, h + b * no, (size_t)no);
    }
}
