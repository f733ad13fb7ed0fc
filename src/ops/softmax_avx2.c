/* SOFTMAX rows with 8-lane AVX2+FMA vectors (built with -mavx2 -mfma, chosen at run time). */
#include "ops/softmax_kernel.h"

#define SMX_VW 8
#define SMX_FN softmax_row8
#include "ops/softmax_vec.h"

void oc_softmax_row_avx2(const float *x, float *y, int64_t n, float beta, bool logsm)
{
    softmax_row8(x, y, n, beta, logsm);
}
