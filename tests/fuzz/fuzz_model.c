/* libFuzzer target: one model buffer through the public API, load -> prepare -> run.
 *
 * Every call must return NO_ERROR, or ERROR / INSUFFICIENT_OUTPUT_SIZE with a stored message;
 * anything else (another status, an error without a message, a crash, a leak, an ASan/UBSan
 * report, a hang) is a bug. Inputs are zero-filled with their exact sizes; outputs get generous
 * buffers because corrupted constants can change dynamic shapes. Not built by default (the name
 * has no `test_` prefix, so the CMake test glob skips it). Build and run, from the source root
 * (Debian's clang 14; libFuzzer comes with `apt-get install -y libclang-rt-14-dev`):
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
 *     -DOC_BUILD_TESTS=OFF -DOC_WERROR=OFF -DCMAKE_C_FLAGS="-g -fno-omit-frame-pointer \
 *     -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
 *   make -C build-fuzz -j2 oc_static
 *   clang -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude \
 *     tests/fuzz/fuzz_model.c -Wl,--whole-archive build-fuzz/liboc_static.a \
 *     -Wl,--no-whole-archive -lcjson -lm -lpthread -ldl -o build-fuzz/fuzz_model
 *
 * (--whole-archive keeps every object, as the CMake test targets do. OC_WERROR=OFF: clang warns
 * about GCC-only attributes.)
 *
 *   mkdir -p /tmp/fuzz-seeds /tmp/fuzz-corpus   # seeds: symlinks to the small shared models
 *   for m in ../shared/models/[a-z]*.[ct]*; do \
 *     [ $(stat -Lc %s $m) -lt 300000 ] && ln -sf $(realpath $m) /tmp/fuzz-seeds/; done
 *   build-fuzz/fuzz_model -jobs=1 -workers=1 -max_len=300000 -timeout=10 -rss_limit_mb=4096 \
 *     -max_total_time=1800 /tmp/fuzz-corpus /tmp/fuzz-seeds
 *
 * Add -fork=1 -ignore_crashes=1 to keep going after a crash and collect several.
 * A crash file replays with `build-fuzz/fuzz_model crash-<sha1>`; FUZZ_MODEL_VERBOSE=1 prints the
 * error messages of rejected models. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnfw/nnfw.h"
#include "nnfw/nnfw_internal.h"

#define MAX_IO_BYTES ((size_t)16 << 20)
#define MAX_IO 16

static void bug(const char *what, NNFW_STATUS st, const char *msg)
{
    fprintf(stderr, "fuzz_model: %s returned status %d with message \"%s\"\n", what, (int)st, msg);
    abort();
}

/* Accepts NO_ERROR, and ERROR / INSUFFICIENT_OUTPUT_SIZE with a message; aborts otherwise.
 * Returns true when the call succeeded. */
static int ok(nnfw_session *s, NNFW_STATUS st, const char *what)
{
    if (st == NNFW_STATUS_NO_ERROR) return 1;
    char msg[1024] = "";
    if (nnfw_get_last_error_message(s, msg, sizeof msg) != NNFW_STATUS_NO_ERROR)
        bug("nnfw_get_last_error_message", st, "");
    if (st != NNFW_STATUS_ERROR && st != NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE) bug(what, st, msg);
    if (!msg[0]) bug(what, st, msg);
    if (getenv("FUZZ_MODEL_VERBOSE")) fprintf(stderr, "fuzz_model: %s: %s\n", what, msg);
    return 0;
}

static size_t elem_size(NNFW_TYPE t)
{
    switch (t) {
    case NNFW_TYPE_TENSOR_FLOAT32:
    case NNFW_TYPE_TENSOR_INT32: return 4;
    case NNFW_TYPE_TENSOR_INT64: return 8;
    case NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED: return 2;
    default: return 1;
    }
}

/* Bytes of a tensor; SIZE_MAX when a dimension is unknown or the total exceeds the cap. */
static size_t info_bytes(const nnfw_tensorinfo *ti)
{
    size_t n = elem_size(ti->dtype);
    if (ti->rank < 0 || ti->rank > NNFW_MAX_RANK) return SIZE_MAX;
    for (int i = 0; i < ti->rank; i++) {
        if (ti->dims[i] < 0) return SIZE_MAX;
        if (ti->dims[i] > 0 && n > MAX_IO_BYTES / (size_t)ti->dims[i]) return SIZE_MAX;
        n *= (size_t)ti->dims[i];
    }
    return n > MAX_IO_BYTES ? SIZE_MAX : n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Tensors and arenas above 256 MB are rejected (as a device's physical memory would be) so that
 * absurd but well-formed models do not trip the fuzzer's RSS limit. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("ONERT_C_MAX_TENSOR_BYTES", "268435456", 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The runtime borrows the buffer (non-const API): give it an exact-size copy. */
    uint8_t *model = malloc(size ? size : 1);
    if (!model) return 0;
    memcpy(model, data, size);
    void *bufs[2 * MAX_IO] = {0};
    int nbufs = 0;
    nnfw_session *s = NULL;
    if (nnfw_create_session(&s) != NNFW_STATUS_NO_ERROR) abort();

    if (!ok(s, nnfw_load_circle_from_buffer(s, model, size), "load")) goto done;
    if (!ok(s, nnfw_set_config(s, "NUM_THREADS", "1"), "set_config")) abort();
    if (!ok(s, nnfw_prepare(s), "prepare")) goto done;

    uint32_t nin = 0, nout = 0;
    if (!ok(s, nnfw_input_size(s, &nin), "input_size")) abort();
    if (!ok(s, nnfw_output_size(s, &nout), "output_size")) abort();
    if (nin > MAX_IO || nout > MAX_IO) goto done;
    for (uint32_t k = 0; k < nin + nout; k++) {
        int in = k < nin;
        uint32_t idx = in ? k : k - nin;
        nnfw_tensorinfo ti;
        memset(&ti, 0, sizeof ti);
        NNFW_STATUS st =
            in ? nnfw_input_tensorinfo(s, idx, &ti) : nnfw_output_tensorinfo(s, idx, &ti);
        if (!ok(s, st, "tensorinfo")) goto done;
        size_t n = info_bytes(&ti);
        if (n == SIZE_MAX) goto done; /* too large (or unknown) to run here */
        /* outputs get room to grow: corrupted constants can change dynamic shapes */
        size_t alloc = in ? n : (n < 4096 ? 4096 : n) * 4;
        bufs[nbufs] = calloc(1, alloc ? alloc : 1);
        if (!bufs[nbufs]) goto done;
        st = in ? nnfw_set_input(s, idx, ti.dtype, bufs[nbufs], n)
                : nnfw_set_output(s, idx, ti.dtype, bufs[nbufs], alloc);
        nbufs++;
        if (!ok(s, st, in ? "set_input" : "set_output")) goto done;
    }
    if (!ok(s, nnfw_run(s), "run")) goto done;
    /* A second run exercises state reuse (LSTM variables, arena reuse, dynamic re-prepare). */
    ok(s, nnfw_run(s), "second run");

done:
    if (nnfw_close_session(s) != NNFW_STATUS_NO_ERROR) abort();
    for (int i = 0; i < nbufs; i++)
        free(bufs[i]);
    free(model);
    return 0;
}
