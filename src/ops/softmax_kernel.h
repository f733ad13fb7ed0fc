/* Row kernels of SOFTMAX / LOG_SOFTMAX, one per ISA (softmax_vec.h is their common body). */
#ifndef OC_OPS_SOFTMAX_KERNEL_H
#define OC_OPS_SOFTMAX_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

/* y[0..n) = softmax(beta * x) or, with logsm, log_softmax(x). x and y must not overlap. */
typedef void (*oc_softmax_row_fn)(const float *x, float *y, int64_t n, float beta, bool logsm);

void oc_softmax_row_vec(const float *x, float *y, int64_t n, float beta, bool logsm);
void oc_softmax_row_avx2(const float *x, float *y, int64_t n, float beta, bool logsm);

#endif
