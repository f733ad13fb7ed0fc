/* Integer UNIDIRECTIONAL_SEQUENCE_LSTM (lstm_quant.c): int8 input / weights / output state,
 * int16 cell state, int32 biases, as TFLite's 8x8->16 integer kernel. */
#ifndef OC_OPS_LSTM_QUANT_H
#define OC_OPS_LSTM_QUANT_H

#include "ops/misc_params.h"
#include "ops/op.h"

typedef struct oc_lstm_q oc_lstm_q;

/* Validates the int8 LSTM's inputs and intermediates and (re)builds *q (created when NULL). */
oc_status oc_lstm_q_prepare(oc_ctx *ctx, const oc_op *op, const oc_lstm_params *p, oc_lstm_q **q);
void oc_lstm_q_eval(oc_ctx *ctx, const oc_op *op, const oc_lstm_params *p, const oc_lstm_q *q);
void oc_lstm_q_free(oc_lstm_q *q); /* NULL-safe */

#endif
