/* Compile-time pins of every public enum value and struct layout to onert's. A change here is
 * an ABI break for applications built against onert's headers. */
#include <stddef.h>

#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"
#include "nnfw/nnfw_version.h"

#define PIN(expr, val) _Static_assert((expr) == (val), #expr " must be " #val " (onert ABI)")

PIN(NNFW_VERSION, 0x01001e00);

PIN(NNFW_TYPE_TENSOR_FLOAT32, 0);
PIN(NNFW_TYPE_TENSOR_INT32, 1);
PIN(NNFW_TYPE_TENSOR_QUANT8_ASYMM, 2);
PIN(NNFW_TYPE_TENSOR_BOOL, 3);
PIN(NNFW_TYPE_TENSOR_UINT8, 4);
PIN(NNFW_TYPE_TENSOR_INT64, 5);
PIN(NNFW_TYPE_TENSOR_QUANT8_ASYMM_SIGNED, 6);
PIN(NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED, 7);

PIN(NNFW_STATUS_NO_ERROR, 0);
PIN(NNFW_STATUS_ERROR, 1);
PIN(NNFW_STATUS_UNEXPECTED_NULL, 2);
PIN(NNFW_STATUS_INVALID_STATE, 3);
PIN(NNFW_STATUS_OUT_OF_MEMORY, 4);
PIN(NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE, 5);
PIN(NNFW_STATUS_DEPRECATED_API, 6);

PIN(NNFW_LAYOUT_NONE, 0);
PIN(NNFW_LAYOUT_CHANNELS_LAST, 1);
PIN(NNFW_LAYOUT_CHANNELS_FIRST, 2);

PIN(NNFW_INFO_ID_VERSION, 0);
PIN(NNFW_MAX_RANK, 6);

PIN(sizeof(nnfw_tensorinfo), 32);
PIN(offsetof(nnfw_tensorinfo, dtype), 0);
PIN(offsetof(nnfw_tensorinfo, rank), 4);
PIN(offsetof(nnfw_tensorinfo, dims), 8);
PIN(sizeof(NNFW_TYPE), 4);
PIN(sizeof(NNFW_STATUS), 4);

PIN(NNFW_TRAIN_LOSS_UNDEFINED, 0);
PIN(NNFW_TRAIN_LOSS_MEAN_SQUARED_ERROR, 1);
PIN(NNFW_TRAIN_LOSS_CATEGORICAL_CROSSENTROPY, 2);
PIN(NNFW_TRAIN_LOSS_REDUCTION_UNDEFINED, 0);
PIN(NNFW_TRAIN_LOSS_REDUCTION_SUM_OVER_BATCH_SIZE, 1);
PIN(NNFW_TRAIN_LOSS_REDUCTION_SUM, 2);
PIN(NNFW_TRAIN_OPTIMIZER_UNDEFINED, 0);
PIN(NNFW_TRAIN_OPTIMIZER_SGD, 1);
PIN(NNFW_TRAIN_OPTIMIZER_ADAM, 2);
PIN(NNFW_TRAIN_TRAINABLE_INCORRECT_STATE, -2);
PIN(NNFW_TRAIN_TRAINABLE_ALL, -1);
PIN(NNFW_TRAIN_TRAINABLE_NONE, 0);
/* onert's layout: float, uint32, {enum, enum}, enum, int32. */
PIN(offsetof(nnfw_train_info, learning_rate), 0);
PIN(offsetof(nnfw_train_info, batch_size), 4);
PIN(offsetof(nnfw_train_info, loss_info), 8);
PIN(offsetof(nnfw_train_info, opt), 16);
PIN(offsetof(nnfw_train_info, num_of_trainable_ops), 20);
PIN(sizeof(nnfw_train_info), 24);

PIN(NNFW_QUANTIZE_TYPE_NOT_SET, 0);
PIN(NNFW_QUANTIZE_TYPE_U8_ASYM, 1);
PIN(NNFW_QUANTIZE_TYPE_I16_SYM, 2);
PIN(NNFW_QUANTIZE_TYPE_WO_I8_SYM, 3);
PIN(NNFW_QUANTIZE_TYPE_WO_I16_SYM, 4);

PIN(NNFW_CODEGEN_PREF_DEFAULT, 0);
PIN(NNFW_CODEGEN_PREF_PERFORMANCE_FIRST, 1);
PIN(NNFW_CODEGEN_PREF_MEMORY_FIRST, 2);
PIN(NNFW_CODEGEN_PREF_COMPILE_TIME_FIRST, 3);

PIN(NNFW_PREPARE_CONFIG_PROFILE, 0);
PIN(NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC, 1);
PIN(NNFW_RUN_CONFIG_DUMP_MINMAX, 0);
PIN(NNFW_RUN_CONFIG_TRACE, 1);
PIN(NNFW_RUN_CONFIG_PROFILE, 2);

PIN(offsetof(nnfw_operand, type), 0);
PIN(offsetof(nnfw_operand, allocation), 32);
PIN(offsetof(nnfw_custom_kernel_params, ninputs), 0);
PIN(offsetof(nnfw_custom_kernel_params, inputs), sizeof(size_t));
PIN(offsetof(nnfw_custom_kernel_params, noutputs), 2 * sizeof(size_t));
PIN(offsetof(nnfw_custom_kernel_params, outputs), 3 * sizeof(size_t));
PIN(sizeof(custom_kernel_registration_info), sizeof(void (*)(void)));
