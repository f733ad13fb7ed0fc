// The public headers compile as C++ (this file) and as C11 (the library itself), declare C
// linkage, and keep onert's values and layouts. Returns 0 on success.
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"
#include "nnfw/nnfw_version.h"

#include <cstddef>
#include <cstdio>
#include <type_traits>

static_assert(NNFW_VERSION == 0x01001e00, "version");
static_assert(sizeof(nnfw_tensorinfo) == 32, "nnfw_tensorinfo layout");
static_assert(offsetof(nnfw_train_info, num_of_trainable_ops) == 20, "nnfw_train_info layout");
static_assert(NNFW_STATUS_DEPRECATED_API == 6, "status values");
static_assert(NNFW_RUN_CONFIG_PROFILE == 2, "run config values");
static_assert(std::is_standard_layout<nnfw_custom_kernel_params>::value, "C layout");

// The functions have C linkage: taking their address as a C-declared function pointer type.
extern "C" typedef NNFW_STATUS (*run_fn)(nnfw_session *);

int main()
{
    run_fn f = nnfw_run;
    uint32_t v = 0;
    if (nnfw_query_info_u32(nullptr, NNFW_INFO_ID_VERSION, &v) != NNFW_STATUS_NO_ERROR ||
        v != NNFW_VERSION) {
        std::printf("nnfw_query_info_u32 failed\n");
        return 1;
    }
    nnfw_session *s = nullptr;
    if (nnfw_create_session(&s) != NNFW_STATUS_NO_ERROR || !s) return 1;
    if (f(s) != NNFW_STATUS_INVALID_STATE) return 1;
    // The C++ convenience overload for onert's default argument.
    if (nnfw_prepare_pipeline(s) != NNFW_STATUS_DEPRECATED_API) return 1;
    nnfw_train_info info = NNFW_TRAIN_INFO_DEFAULT;
    if (info.batch_size != 1 || info.opt != NNFW_TRAIN_OPTIMIZER_SGD) return 1;
    if (nnfw_train(s, false) != NNFW_STATUS_INVALID_STATE) return 1;
    nnfw_close_session(s);
    std::printf("headers OK as C++\n");
    return 0;
}
