#include "nnfw_test.h"

size_t nt_elem_size(NNFW_TYPE t)
{
    switch (t) {
    case NNFW_TYPE_TENSOR_FLOAT32: case NNFW_TYPE_TENSOR_INT32: return 4;
    case NNFW_TYPE_TENSOR_INT64: return 8;
    case NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED: return 2;
    default: return 1;
    }
}

size_t nt_info_bytes(const nnfw_tensorinfo *ti)
{
    size_t n = nt_elem_size(ti->dtype);
    for (int i = 0; i < ti->rank; i++) n *= (size_t)ti->dims[i];
    return n;
}
