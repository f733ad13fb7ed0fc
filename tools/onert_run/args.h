/* onert_run command line (onert's flags and defaults). */
#ifndef ONERT_RUN_ARGS_H
#define ONERT_RUN_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define ORT_MAX_DIMS 16

/* "[0, [1, 2], 2, []]": input index -> shape. */
typedef struct ort_shape_entry {
    uint32_t index;
    int32_t rank;
    int32_t dims[ORT_MAX_DIMS];
} ort_shape_entry;

typedef struct ort_shape_map {
    int count;
    ort_shape_entry *entries; /* heap */
} ort_shape_map;

/* "[0, 40, 2, 80]": output index -> buffer bytes. */
typedef struct ort_size_map {
    int count;
    uint32_t *index, *bytes; /* heap */
} ort_size_map;

typedef struct ort_args {
    const char *path; /* positional: model file or nnpackage directory */
    bool is_package;
    const char *load_raw, *dump_raw, *dump_input_raw;
    ort_size_map output_sizes;
    ort_shape_map shape_prepare, shape_run, output_shape;
    int num_runs, warmup_runs, minmax_runs, run_delay, verbose;
    bool fixed_input, force_float, mem_poll, gpumem_poll, write_report;
    bool version, help;
    const char *quantize, *qpath, *codegen, *cpath, *signature;
} ort_args;

/* Parses argv. On a bad command line prints the reason and the usage to stderr and returns
 * false. */
bool ort_parse_args(int argc, char **argv, ort_args *a);
void ort_free_args(ort_args *a);
void ort_print_usage(const char *prog, FILE *f);

/* JSON parsers (exposed for tests of the tool). Return false with a message on stderr. */
bool ort_parse_shape_map(const char *json, const char *opt, ort_shape_map *out);
bool ort_parse_size_map(const char *json, ort_size_map *out);

#endif
