/* onert_run: loads a model (file or nnpackage), prepares it, runs it with random or loaded
 * inputs and reports timings (and memory) in onert's format. Uses only the public nnfw API. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "benchmark.h"
#include "io_data.h"
#include "nnfw/nnfw.h"
#include "nnfw/nnfw_experimental.h"
#include "nnfw/nnfw_internal.h"

#define EXIT_RUNTIME 255 /* onert_run exits with -1 on runtime errors */

typedef struct ort {
    ort_args args;
    nnfw_session *session;
    ort_bench bench;
    uint32_t nin, nout;
    ort_buffer *inputs, *outputs;
    ort_rng rng;
    bool regenerate;
} ort;

static const char *status_name(NNFW_STATUS st)
{
    switch (st) {
    case NNFW_STATUS_NO_ERROR: return "NO_ERROR";
    case NNFW_STATUS_ERROR: return "ERROR";
    case NNFW_STATUS_UNEXPECTED_NULL: return "UNEXPECTED_NULL";
    case NNFW_STATUS_INVALID_STATE: return "INVALID_STATE";
    case NNFW_STATUS_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE: return "INSUFFICIENT_OUTPUT_SIZE";
    case NNFW_STATUS_DEPRECATED_API: return "DEPRECATED_API";
    default: return "UNKNOWN";
    }
}

static void cleanup(ort *o)
{
    nnfw_close_session(o->session);
    o->session = NULL;
    for (uint32_t i = 0; o->inputs && i < o->nin; i++)
        ort_buffer_free(&o->inputs[i]);
    for (uint32_t i = 0; o->outputs && i < o->nout; i++)
        ort_buffer_free(&o->outputs[i]);
    free(o->inputs);
    free(o->outputs);
    o->inputs = o->outputs = NULL;
    ort_bench_free(&o->bench);
    ort_free_args(&o->args);
}

static void die(ort *o, const char *msg)
{
    fprintf(stderr, "E: %s\n", msg);
    cleanup(o);
    exit(EXIT_RUNTIME);
}

/* Checks an API result: on failure prints the call and the session's last error, exits. */
static void ensure(ort *o, NNFW_STATUS st, const char *call)
{
    if (st == NNFW_STATUS_NO_ERROR) return;
    char msg[1024] = "";
    if (o->session && nnfw_get_last_error_message(o->session, msg, sizeof msg) != 0) msg[0] = 0;
    fprintf(stderr, "E: %s failed (%s)%s%s\n", call, status_name(st), msg[0] ? ": " : "", msg);
    cleanup(o);
    exit(EXIT_RUNTIME);
}
#define ENSURE(o, call) ensure((o), (call), #call)

static void *xcalloc(ort *o, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) die(o, "out of memory");
    return p;
}

/* ---- on-device compilation steps ---- */

static NNFW_QUANTIZE_TYPE quantize_type(const char *name)
{
    if (!strcmp(name, "uint8")) return NNFW_QUANTIZE_TYPE_U8_ASYM;
    if (!strcmp(name, "int16")) return NNFW_QUANTIZE_TYPE_I16_SYM;
    if (!strcmp(name, "int8_wo")) return NNFW_QUANTIZE_TYPE_WO_I8_SYM;
    if (!strcmp(name, "int16_wo")) return NNFW_QUANTIZE_TYPE_WO_I16_SYM;
    return NNFW_QUANTIZE_TYPE_NOT_SET;
}

static const char *quantize_suffix(NNFW_QUANTIZE_TYPE t)
{
    switch (t) {
    case NNFW_QUANTIZE_TYPE_U8_ASYM: return "_quantized_q8.circle";
    case NNFW_QUANTIZE_TYPE_I16_SYM: return "_quantized_q16.circle";
    case NNFW_QUANTIZE_TYPE_WO_I8_SYM: return "_quantized_q8wo.circle";
    case NNFW_QUANTIZE_TYPE_WO_I16_SYM: return "_quantized_q16wo.circle";
    default: return NULL;
    }
}

/* onert_run's default quantized path: <model up to ".circle"><suffix>, or
 * <pkgdir>/<pkgname><suffix> for a package. */
static void default_qpath(ort *o, NNFW_QUANTIZE_TYPE t, char *out, size_t n)
{
    const char *suffix = quantize_suffix(t);
    const char *path = o->args.path;
    if (!suffix) die(o, "Invalid quantization type");
    if (o->args.is_package) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        size_t len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = '\0';
        const char *slash = strrchr(dir, '/');
        int r = snprintf(out, n, "%s/%s%s", dir, slash ? slash + 1 : dir, suffix);
        if (r < 0 || (size_t)r >= n) die(o, "Quantized model path too long");
        return;
    }
    const char *ext = strstr(path, ".circle");
    if (!ext) die(o, "Input model isn't .circle.");
    int r = snprintf(out, n, "%.*s%s", (int)(ext - path), path, suffix);
    if (r < 0 || (size_t)r >= n) die(o, "Quantized model path too long");
}

static void bind_random_io(ort *o);

static void run_quantize(ort *o)
{
    NNFW_QUANTIZE_TYPE t = quantize_type(o->args.quantize);
    ENSURE(o, nnfw_set_quantization_type(o->session, t));
    char qpath[PATH_MAX];
    if (o->args.qpath && o->args.qpath[0])
        snprintf(qpath, sizeof qpath, "%s", o->args.qpath);
    else
        default_qpath(o, t, qpath, sizeof qpath);
    ENSURE(o, nnfw_set_quantized_model_path(o->session, qpath));
    bool full = t == NNFW_QUANTIZE_TYPE_U8_ASYM || t == NNFW_QUANTIZE_TYPE_I16_SYM;
    if (full && o->args.minmax_runs > 0) {
        /* Record activation ranges on random inputs first. */
        ENSURE(o, nnfw_prepare(o->session));
        bind_random_io(o);
        ENSURE(o, nnfw_set_execute_config(o->session, NNFW_RUN_CONFIG_DUMP_MINMAX, NULL));
        for (int i = 0; i < o->args.minmax_runs; i++) {
            for (uint32_t k = 0; k < o->nin; k++)
                ort_fill_random(&o->rng, &o->inputs[k]);
            ENSURE(o, nnfw_run(o->session));
        }
    }
    ENSURE(o, nnfw_quantize(o->session));
}

static void run_codegen(ort *o)
{
    ENSURE(o, nnfw_set_codegen_model_path(o->session, o->args.cpath ? o->args.cpath : ""));
    ENSURE(o, nnfw_codegen(o->session, o->args.codegen, NNFW_CODEGEN_PREF_DEFAULT));
}

/* ---- I/O ---- */

static uint64_t info_bytes(ort *o, const nnfw_tensorinfo *ti, bool force_float)
{
    nnfw_tensorinfo t = *ti;
    if (force_float) t.dtype = NNFW_TYPE_TENSOR_FLOAT32;
    uint64_t elems, bytes;
    if (!ort_info_bytes(&t, &elems, &bytes) || bytes > SIZE_MAX) die(o, "invalid tensor size");
    return bytes;
}

static void set_shapes(ort *o, const ort_shape_map *map)
{
    for (int k = 0; k < map->count; k++) {
        const ort_shape_entry *e = &map->entries[k];
        nnfw_tensorinfo ti;
        ENSURE(o, nnfw_input_tensorinfo(o->session, e->index, &ti));
        bool same = ti.rank == e->rank;
        for (int32_t d = 0; same && d < e->rank; d++)
            same = ti.dims[d] == e->dims[d];
        if (same) continue;
        if (e->rank > NNFW_MAX_RANK) die(o, "shape rank exceeds NNFW_MAX_RANK (6)");
        ti.rank = e->rank;
        for (int32_t d = 0; d < e->rank; d++)
            ti.dims[d] = e->dims[d];
        ENSURE(o, nnfw_set_input_tensorinfo(o->session, e->index, &ti));
    }
}

/* Allocates input buffers from the current tensor infos and binds them. */
static void bind_inputs(ort *o)
{
    for (uint32_t i = 0; i < o->nin; i++) {
        nnfw_tensorinfo ti;
        ENSURE(o, nnfw_input_tensorinfo(o->session, i, &ti));
        NNFW_TYPE dt = o->args.force_float ? NNFW_TYPE_TENSOR_FLOAT32 : ti.dtype;
        uint64_t bytes = info_bytes(o, &ti, o->args.force_float);
        if (!ort_buffer_alloc(&o->inputs[i], (size_t)bytes, dt)) die(o, "out of memory");
        ENSURE(o, nnfw_set_input(o->session, i, dt, o->inputs[i].data, (size_t)bytes));
    }
}

/* Allocates output buffers (model sizes unless --output_sizes) and binds them. */
static void bind_outputs(ort *o)
{
    for (uint32_t i = 0; i < o->nout; i++) {
        nnfw_tensorinfo ti;
        ENSURE(o, nnfw_output_tensorinfo(o->session, i, &ti));
        NNFW_TYPE dt = o->args.force_float ? NNFW_TYPE_TENSOR_FLOAT32 : ti.dtype;
        uint64_t bytes = info_bytes(o, &ti, o->args.force_float);
        for (int k = 0; k < o->args.output_sizes.count; k++)
            if (o->args.output_sizes.index[k] == i) bytes = o->args.output_sizes.bytes[k];
        if (!ort_buffer_alloc(&o->outputs[i], (size_t)bytes, dt)) die(o, "out of memory");
        ENSURE(o, nnfw_set_output(o->session, i, dt, o->outputs[i].data, (size_t)bytes));
    }
}

static void bind_random_io(ort *o)
{
    bind_inputs(o);
    for (uint32_t i = 0; i < o->nin; i++)
        ort_fill_random(&o->rng, &o->inputs[i]);
    bind_outputs(o);
}

static void check_types(ort *o)
{
    for (uint32_t i = 0; i < o->nin + o->nout; i++) {
        nnfw_tensorinfo ti;
        bool in = i < o->nin;
        uint32_t k = in ? i : i - o->nin;
        if (in)
            ENSURE(o, nnfw_input_tensorinfo(o->session, k, &ti));
        else
            ENSURE(o, nnfw_output_tensorinfo(o->session, k, &ti));
        if ((int)ti.dtype < NNFW_TYPE_TENSOR_FLOAT32 ||
            ti.dtype > NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED)
            die(o, in ? "not supported input type" : "not supported output type");
    }
}

/* ---- phases ---- */

static bool explicit_output_size(const ort *o, uint32_t i)
{
    for (int k = 0; k < o->args.output_sizes.count; k++)
        if (o->args.output_sizes.index[k] == i) return true;
    return false;
}

/* After a run reported a too-small output buffer: outputs whose shape grew at run time (and
 * whose size the user did not fix with --output_sizes) get bigger buffers. Returns true when
 * any buffer changed, so the run can be repeated. */
static bool grow_outputs(ort *o)
{
    bool grown = false;
    for (uint32_t i = 0; i < o->nout; i++) {
        if (explicit_output_size(o, i)) continue;
        nnfw_tensorinfo ti;
        ENSURE(o, nnfw_output_tensorinfo(o->session, i, &ti));
        uint64_t bytes = info_bytes(o, &ti, o->args.force_float);
        if (bytes <= o->outputs[i].size) continue;
        if (!ort_buffer_alloc(&o->outputs[i], (size_t)bytes, o->outputs[i].dtype))
            die(o, "out of memory");
        ENSURE(o, nnfw_set_output(o->session, i, o->outputs[i].dtype, o->outputs[i].data,
                                  (size_t)bytes));
        grown = true;
    }
    return grown;
}

static void timed_run(ort *o, int phase, uint32_t nth)
{
    uint64_t t0 = ort_now_us();
    NNFW_STATUS st = nnfw_run(o->session);
    if (st == NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE && grow_outputs(o)) {
        t0 = ort_now_us(); /* dynamic output shapes: time the repeated run only */
        st = nnfw_run(o->session);
    }
    ensure(o, st, "nnfw_run(o->session)");
    uint64_t us = ort_now_us() - t0;
    if (!ort_bench_record(&o->bench, phase, us)) die(o, "out of memory");
    if (o->args.verbose >= 1)
        printf("... %s %u takes %g ms\n", phase == ORT_WARMUP ? "warmup" : "run", nth + 1,
               (double)us / 1e3);
}

static void run_phases(ort *o)
{
    for (int i = 0; i < o->args.warmup_runs; i++) {
        timed_run(o, ORT_WARMUP, (uint32_t)i);
        ort_bench_delay(&o->bench);
    }
    for (int i = 0; i < o->args.num_runs; i++) {
        timed_run(o, ORT_EXECUTE, (uint32_t)i);
        if (o->regenerate)
            for (uint32_t k = 0; k < o->nin; k++)
                ort_fill_random(&o->rng, &o->inputs[k]);
        if (i + 1 < o->args.num_runs) ort_bench_delay(&o->bench);
    }
}

static void dump_results(ort *o)
{
    if (o->regenerate && (o->args.dump_raw || o->args.dump_input_raw))
        die(o, "Fail to run by runtime error:Cannot dump input/output with inputs regeneration");
    if (o->args.dump_input_raw)
        for (uint32_t i = 0; i < o->nin; i++)
            if (!ort_dump_raw(o->args.dump_input_raw, i, o->inputs[i].data, o->inputs[i].size))
                die(o, "cannot dump inputs");
    if (!o->args.dump_raw) return;
    for (uint32_t i = 0; i < o->nout; i++) {
        /* Dynamic outputs: the last run decided the size. */
        nnfw_tensorinfo ti;
        ENSURE(o, nnfw_output_tensorinfo(o->session, i, &ti));
        uint64_t bytes = info_bytes(o, &ti, o->args.force_float);
        if (bytes > o->outputs[i].size) bytes = o->outputs[i].size;
        if (!ort_dump_raw(o->args.dump_raw, i, o->outputs[i].data, (size_t)bytes))
            die(o, "cannot dump outputs");
    }
}

static void write_report(ort *o, const char *argv0, const char *backends)
{
    char real[PATH_MAX], exec[PATH_MAX];
    if (!realpath(o->args.path, real))
        die(o, "during getting realpath from nnpackage or model path.");
    snprintf(exec, sizeof exec, "%s", argv0);
    if (!ort_write_report(&o->bench, basename(exec), basename(real), backends ? backends : "cpu"))
        fprintf(stderr, "Writing the report failed\n");
}

int main(int argc, char **argv)
{
    ort o;
    memset(&o, 0, sizeof o);
    if (!ort_parse_args(argc, argv, &o.args)) return 1;
    if (o.args.help) {
        ort_print_usage(argv[0], stdout);
        ort_free_args(&o.args);
        return 0;
    }
    if (o.args.version) {
        uint32_t v = 0;
        ENSURE(&o, nnfw_query_info_u32(NULL, NNFW_INFO_ID_VERSION, &v));
        printf("onert_run (nnfw runtime: v%u.%u.%u)\n", v >> 24, (v & 0x0000FF00) >> 8, v & 0xFF);
        ort_free_args(&o.args);
        return 0;
    }
    struct stat st;
    if (stat(o.args.path, &st) != 0) {
        fprintf(stderr, "Cannot find: %s\n", o.args.path);
        ort_free_args(&o.args);
        return 1;
    }
    o.args.is_package = S_ISDIR(st.st_mode);
    printf("%s Filename %s\n", o.args.is_package ? "Package" : "Model", o.args.path);
    fflush(stdout);

    ort_bench_init(&o.bench, o.args.mem_poll, o.args.run_delay);
    ort_rng_init(&o.rng, 1);
    if (o.args.mem_poll) {
        uint32_t kb[ORT_NMEM];
        ort_read_memory(kb);
        o.bench.hwm_before_init = kb[ORT_HWM];
    }
    ENSURE(&o, nnfw_create_session(&o.session));

    uint64_t t0 = ort_now_us();
    ENSURE(&o, nnfw_load_model_from_file(o.session, o.args.path));
    if (!ort_bench_record(&o.bench, ORT_MODEL_LOAD, ort_now_us() - t0)) die(&o, "out of memory");

    ENSURE(&o, nnfw_input_size(o.session, &o.nin));
    ENSURE(&o, nnfw_output_size(o.session, &o.nout));
    o.inputs = xcalloc(&o, o.nin, sizeof *o.inputs);
    o.outputs = xcalloc(&o, o.nout, sizeof *o.outputs);

    if (o.args.quantize) run_quantize(&o);
    if (o.args.codegen) run_codegen(&o);

    const char *backends = getenv("BACKENDS");
    if (backends) ENSURE(&o, nnfw_set_available_backends(o.session, backends));
    if (o.args.signature) ENSURE(&o, nnfw_configure_signature(o.session, o.args.signature));

    check_types(&o);
    if (o.args.force_float) {
        for (uint32_t i = 0; i < o.nin; i++)
            ENSURE(&o, nnfw_set_input_type(o.session, i, NNFW_TYPE_TENSOR_FLOAT32));
        for (uint32_t i = 0; i < o.nout; i++)
            ENSURE(&o, nnfw_set_output_type(o.session, i, NNFW_TYPE_TENSOR_FLOAT32));
    }
    set_shapes(&o, &o.args.shape_prepare);

    t0 = ort_now_us();
    ENSURE(&o, nnfw_prepare(o.session));
    if (!ort_bench_record(&o.bench, ORT_PREPARE, ort_now_us() - t0)) die(&o, "out of memory");
    if (o.args.signature) ENSURE(&o, nnfw_set_signature_run(o.session, o.args.signature));

    set_shapes(&o, &o.args.shape_run);
    bind_inputs(&o);
    if (o.args.load_raw) {
        for (uint32_t i = 0; i < o.nin; i++)
            if (!ort_load_raw(o.args.load_raw, i, &o.inputs[i])) {
                cleanup(&o);
                return EXIT_RUNTIME;
            }
    } else {
        for (uint32_t i = 0; i < o.nin; i++)
            ort_fill_random(&o.rng, &o.inputs[i]);
        o.regenerate = o.args.num_runs > 1 && !o.args.fixed_input;
    }
    bind_outputs(&o);

    run_phases(&o);
    if (o.args.mem_poll) {
        uint32_t kb[ORT_NMEM];
        ort_read_memory(kb);
        o.bench.hwm_after_run = kb[ORT_HWM];
    }
    dump_results(&o);

    nnfw_close_session(o.session);
    o.session = NULL;
    ort_print_result(&o.bench, stdout);
    if (o.args.write_report) write_report(&o, argv[0], backends);
    cleanup(&o);
    return 0;
}
