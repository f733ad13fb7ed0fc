/* Command line parsing for onert_run: "--opt value" (or "--opt=value"), flags without values,
 * one positional path. Unknown options and bad values are reported, never crash. */
#include "args.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

typedef enum { OPT_FLAG, OPT_INT, OPT_STR } opt_kind;

typedef struct opt_def {
    const char *name, *alias; /* alias may be NULL */
    opt_kind kind;
    const char *help;
} opt_def;

static const opt_def opts[] = {
    {"--help", "-h", OPT_FLAG, "Show this help and exit"},
    {"--version", NULL, OPT_FLAG, "Show version information and exit"},
    {"--dump:raw", NULL, OPT_STR, "Raw output filename prefix (writes <prefix>.N)"},
    {"--dump_input:raw", NULL, OPT_STR, "Raw input filename prefix for dump"},
    {"--load:raw", NULL, OPT_STR, "Raw input filename prefix (reads <prefix>.N)"},
    {"--output_sizes", NULL, OPT_STR,
     "Output buffer sizes in a JSON array, e.g. '[0, 40, 2, 80]' sets output 0 to 40 bytes and "
     "output 2 to 80 bytes"},
    {"--num_runs", "-r", OPT_INT, "The number of runs (default 1)"},
    {"--fixed_input", NULL, OPT_FLAG, "Use the same random input data on each run"},
    {"--force_float", NULL, OPT_FLAG, "Use float buffers whatever the model's I/O types"},
    {"--warmup_runs", "-w", OPT_INT, "The number of warmup runs (default 0)"},
    {"--minmax_runs", NULL, OPT_INT,
     "The number of min/max recording runs before full quantization (default 0)"},
    {"--run_delay", "--t", OPT_INT, "Delay between runs in microseconds (default -1: none)"},
    {"--gpumem_poll", "-g", OPT_FLAG, "Check gpu memory polling separately"},
    {"--mem_poll", "-m", OPT_FLAG, "Report memory use (RSS, HWM, PSS) per phase"},
    {"--write_report", "-p", OPT_FLAG,
     "Write {exec}-{nnpkg|modelfile}-{backend}.csv with the results"},
    {"--shape_prepare", NULL, OPT_STR,
     "Set input shapes before prepare, e.g. '[0, [1, 2], 2, []]' sets input 0 to [1, 2] and "
     "input 2 to a scalar"},
    {"--shape_run", NULL, OPT_STR, "Set input shapes before running (same format)"},
    {"--output_shape", NULL, OPT_STR, "Set output shapes for dump (same format)"},
    {"--verbose_level", "-v", OPT_INT,
     "0: prints the result only; 1: also a line per run; 2: everything"},
    {"--quantize", "-q", OPT_STR,
     "Quantize the model: uint8, int16 (full), int8_wo, int16_wo (weight only)"},
    {"--qpath", NULL, OPT_STR,
     "Path of the quantized model (default: next to the model, _quantized_<type>.circle)"},
    {"--codegen", "-c", OPT_STR, "Target for code generation, '<backend extension>-gen'"},
    {"--cpath", NULL, OPT_STR,
     "Path of the generated model (default: the model's path with the backend extension)"},
    {"--signature", NULL, OPT_STR, "Signature to select (default: subgraph 0)"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

void ort_print_usage(const char *prog, FILE *f)
{
    fprintf(f, "Usage: %s [options] path\n\n", prog);
    fprintf(f, "  path                  nnpackage directory or model file (.circle, .tflite)\n");
    for (size_t i = 0; i < NOPTS; i++) {
        char names[64];
        snprintf(names, sizeof names, "%s%s%s%s", opts[i].name, opts[i].alias ? ", " : "",
                 opts[i].alias ? opts[i].alias : "", opts[i].kind == OPT_FLAG ? "" : " <v>");
        fprintf(f, "  %-28s %s\n", names, opts[i].help);
    }
}

static const opt_def *find_opt(const char *name, size_t len)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
        if (opts[i].alias && strlen(opts[i].alias) == len && strncmp(opts[i].alias, name, len) == 0)
            return &opts[i];
    }
    return NULL;
}

static bool parse_int(const char *v, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE || x < INT_MIN || x > INT_MAX) return false;
    *out = (int)x;
    return true;
}

/* An even-length JSON array of (unsigned key, value) pairs. */
static cJSON *parse_pairs(const char *json, const char *opt)
{
    cJSON *root = cJSON_Parse(json);
    if (!root) {
        fprintf(stderr, "Invalid JSON format for %s \"%s\"\n", opt, json);
        return NULL;
    }
    if (!cJSON_IsArray(root) || cJSON_GetArraySize(root) % 2 != 0) {
        fprintf(stderr, "JSON argument of %s must be an even-sized array\n", opt);
        cJSON_Delete(root);
        return NULL;
    }
    int n = cJSON_GetArraySize(root);
    for (int i = 0; i < n; i += 2) {
        const cJSON *k = cJSON_GetArrayItem(root, i);
        if (!cJSON_IsNumber(k) || k->valuedouble < 0 || k->valuedouble > UINT32_MAX ||
            k->valuedouble != (double)(uint32_t)k->valuedouble) {
            fprintf(stderr, "Key values (values in even indices) of %s must be unsigned integers\n",
                    opt);
            cJSON_Delete(root);
            return NULL;
        }
    }
    return root;
}

bool ort_parse_shape_map(const char *json, const char *opt, ort_shape_map *out)
{
    cJSON *root = parse_pairs(json, opt);
    if (!root) return false;
    int n = cJSON_GetArraySize(root) / 2;
    ort_shape_entry *e = calloc((size_t)n + 1, sizeof *e);
    if (!e) {
        cJSON_Delete(root);
        return false;
    }
    for (int i = 0; i < n; i++) {
        const cJSON *shape = cJSON_GetArrayItem(root, 2 * i + 1);
        e[i].index = (uint32_t)cJSON_GetArrayItem(root, 2 * i)->valuedouble;
        if (!cJSON_IsArray(shape) || cJSON_GetArraySize(shape) > ORT_MAX_DIMS) {
            fprintf(stderr, "All the values of %s must be lists of at most %d dims: %s\n", opt,
                    ORT_MAX_DIMS, json);
            goto fail;
        }
        e[i].rank = cJSON_GetArraySize(shape);
        for (int d = 0; d < e[i].rank; d++) {
            const cJSON *dim = cJSON_GetArrayItem(shape, d);
            if (!cJSON_IsNumber(dim) || dim->valuedouble < 0 || dim->valuedouble > INT32_MAX ||
                dim->valuedouble != (double)(int32_t)dim->valuedouble) {
                fprintf(stderr, "All the dims of %s should be integers >= 0: %s\n", opt, json);
                goto fail;
            }
            e[i].dims[d] = (int32_t)dim->valuedouble;
        }
    }
    cJSON_Delete(root);
    /* A later entry for the same index wins, as with onert's map. */
    free(out->entries);
    out->entries = e;
    out->count = n;
    return true;
fail:
    free(e);
    cJSON_Delete(root);
    return false;
}

bool ort_parse_size_map(const char *json, ort_size_map *out)
{
    cJSON *root = parse_pairs(json, "--output_sizes");
    if (!root) return false;
    int n = cJSON_GetArraySize(root) / 2;
    uint32_t *idx = calloc((size_t)n + 1, sizeof *idx),
             *bytes = calloc((size_t)n + 1, sizeof *bytes);
    if (!idx || !bytes) goto fail;
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(root, 2 * i + 1);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > UINT32_MAX ||
            v->valuedouble != (double)(uint32_t)v->valuedouble) {
            fprintf(stderr, "All the values in `output_sizes` must be unsigned integers\n");
            goto fail;
        }
        idx[i] = (uint32_t)cJSON_GetArrayItem(root, 2 * i)->valuedouble;
        bytes[i] = (uint32_t)v->valuedouble;
    }
    cJSON_Delete(root);
    free(out->index);
    free(out->bytes);
    out->index = idx;
    out->bytes = bytes;
    out->count = n;
    return true;
fail:
    free(idx);
    free(bytes);
    cJSON_Delete(root);
    return false;
}

/* Stores one option value. Returns false (after a message) on a bad value. */
static bool set_opt(ort_args *a, const opt_def *o, const char *v)
{
    const char *n = o->name;
    if (o->kind == OPT_FLAG) {
        if (!strcmp(n, "--help"))
            a->help = true;
        else if (!strcmp(n, "--version"))
            a->version = true;
        else if (!strcmp(n, "--fixed_input"))
            a->fixed_input = true;
        else if (!strcmp(n, "--force_float"))
            a->force_float = true;
        else if (!strcmp(n, "--gpumem_poll"))
            a->gpumem_poll = true;
        else if (!strcmp(n, "--mem_poll"))
            a->mem_poll = true;
        else if (!strcmp(n, "--write_report"))
            a->write_report = true;
        return true;
    }
    if (o->kind == OPT_INT) {
        int x;
        if (!parse_int(v, &x)) {
            fprintf(stderr, "Invalid value for %s: '%s' is not an integer\n", n, v);
            return false;
        }
        if (!strcmp(n, "--num_runs"))
            a->num_runs = x;
        else if (!strcmp(n, "--warmup_runs"))
            a->warmup_runs = x;
        else if (!strcmp(n, "--minmax_runs"))
            a->minmax_runs = x;
        else if (!strcmp(n, "--run_delay"))
            a->run_delay = x;
        else if (!strcmp(n, "--verbose_level"))
            a->verbose = x;
        return true;
    }
    if (!strcmp(n, "--dump:raw"))
        a->dump_raw = v;
    else if (!strcmp(n, "--dump_input:raw"))
        a->dump_input_raw = v;
    else if (!strcmp(n, "--load:raw"))
        a->load_raw = v;
    else if (!strcmp(n, "--output_sizes"))
        return ort_parse_size_map(v, &a->output_sizes);
    else if (!strcmp(n, "--shape_prepare"))
        return ort_parse_shape_map(v, "--shape_prepare", &a->shape_prepare);
    else if (!strcmp(n, "--shape_run"))
        return ort_parse_shape_map(v, "--shape_run", &a->shape_run);
    else if (!strcmp(n, "--output_shape"))
        return ort_parse_shape_map(v, "--output_shape", &a->output_shape);
    else if (!strcmp(n, "--quantize"))
        a->quantize = v;
    else if (!strcmp(n, "--qpath"))
        a->qpath = v;
    else if (!strcmp(n, "--codegen"))
        a->codegen = v;
    else if (!strcmp(n, "--cpath"))
        a->cpath = v;
    else if (!strcmp(n, "--signature"))
        a->signature = v;
    return true;
}

static bool check_ranges(ort_args *a)
{
    if (a->num_runs < 1) {
        fprintf(stderr, "Invalid value for --num_runs: %d (must be >= 1)\n", a->num_runs);
        return false;
    }
    if (a->warmup_runs < 0 || a->minmax_runs < 0) {
        fprintf(stderr, "Invalid value for --%s: must be >= 0\n",
                a->warmup_runs < 0 ? "warmup_runs" : "minmax_runs");
        return false;
    }
    return true;
}

bool ort_parse_args(int argc, char **argv, ort_args *a)
{
    memset(a, 0, sizeof *a);
    a->num_runs = 1;
    a->run_delay = -1;
    const char *prog = argc > 0 ? argv[0] : "onert_run";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->path) {
                fprintf(stderr, "Too many positional arguments: '%s' after '%s'\n", arg, a->path);
                goto usage;
            }
            a->path = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const opt_def *o = find_opt(arg, len);
        if (!o) {
            fprintf(stderr, "Unknown option: %.*s\n", (int)len, arg);
            goto usage;
        }
        const char *v = NULL;
        if (o->kind == OPT_FLAG) {
            if (eq) {
                fprintf(stderr, "Option %s takes no value\n", o->name);
                goto usage;
            }
        } else if (eq) {
            v = eq + 1;
        } else if (i + 1 < argc) {
            v = argv[++i];
        } else {
            fprintf(stderr, "Option %s requires a value\n", o->name);
            goto usage;
        }
        if (!set_opt(a, o, v)) goto usage;
    }
    if (a->help || a->version) return true;
    if (!check_ranges(a)) goto usage;
    if (!a->path) {
        fprintf(stderr, "Require a model file or nnpackage path\n");
        goto usage;
    }
    /* Memory is measured during warmup (as onert), so polling needs one. */
    if (a->mem_poll && a->warmup_runs == 0) a->warmup_runs = 1;
    return true;
usage:
    fputc('\n', stderr);
    ort_print_usage(prog, stderr);
    ort_free_args(a);
    return false;
}

void ort_free_args(ort_args *a)
{
    free(a->output_sizes.index);
    free(a->output_sizes.bytes);
    free(a->shape_prepare.entries);
    free(a->shape_run.entries);
    free(a->output_shape.entries);
    memset(&a->output_sizes, 0, sizeof a->output_sizes);
    memset(&a->shape_prepare, 0, sizeof a->shape_prepare);
    memset(&a->shape_run, 0, sizeof a->shape_run);
    memset(&a->output_shape, 0, sizeof a->output_shape);
}
