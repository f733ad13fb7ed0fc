/* Whole-model timing with a per-operator breakdown, through the internal executor (not built
 * by CMake; not a test):
 *   gcc -std=gnu11 -O2 -Isrc -Iinclude bench/bench_model.c <build>/liboc_static.a \
 *       -lcjson -lpthread -lm -ldl
 *   ./bench_model model.tflite [threads=1] [runs=50] [input.bin] [ref_output0.bin]
 * Prints the median and minimum run time, per op type the sum of each op's fastest run
 * (robust on a shared machine; BENCH_PER_OP=1 lists every op), and the max abs difference of
 * output 0 against a reference file when one is given. BENCH_DUMP_OP=i writes op i's output 0
 * to /tmp/bench_op_out.bin. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/exec.h"
#include "format/model_reader.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define MAXOPS 4096
static double g_last, g_op_time[MAXOPS], g_op_min[MAXOPS];
static const oc_subgraph *g_sg;

static void observe(void *user, const oc_subgraph *sg, int32_t sgi, int32_t op, const oc_op *o)
{
    (void)user;
    double t = now();
    static int dump = -2;
    if (dump == -2) dump = getenv("BENCH_DUMP_OP") ? atoi(getenv("BENCH_DUMP_OP")) : -1;
    if (sgi == 0 && op >= 0 &&
        op == dump) { /* output 0 of that op, for debugging against a reference */
        const oc_tensor *ot = &sg->tensors[o->outputs[0]];
        FILE *f = fopen("/tmp/bench_op_out.bin", "wb");
        if (f) {
            fwrite(ot->data, 1, ot->bytes, f);
            fclose(f);
        }
    }
    if (sgi == 0 && op >= 0 && op < MAXOPS) {
        g_op_time[op] += t - g_last;
        if (g_op_min[op] == 0 || t - g_last < g_op_min[op]) g_op_min[op] = t - g_last;
        g_sg = sg;
    }
    g_last = t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(*n ? *n : 1);
    if (fread(p, 1, *n, f) != *n) *n = 0;
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    int threads = argc > 2 ? atoi(argv[2]) : 1, runs = argc > 3 ? atoi(argv[3]) : 50;
    oc_err err;
    oc_graph *g;
    if (oc_model_load_file(argv[1], &g, &err) != OC_OK) {
        fprintf(stderr, "load: %s\n", err.msg);
        return 1;
    }
    oc_exec_options opt = {.num_threads = threads};
    oc_exec *e;
    double t0 = now();
    if (oc_exec_create(g, &opt, &e, &err) != OC_OK) {
        fprintf(stderr, "prepare: %s\n", err.msg);
        return 1;
    }
    printf("prepare %.2f ms\n", (now() - t0) * 1e3);
    oc_tensor *in = oc_exec_input(e, 0);
    size_t n = 0;
    void *data = argc > 4 ? read_file(argv[4], &n) : NULL;
    if (data && n == in->bytes) {
        memcpy(in->data, data, n);
    } else {
        if (argc > 4) printf("input file not used (%zu bytes, input has %zu)\n", n, in->bytes);
        for (size_t i = 0; i < in->bytes / 4; i++)
            ((float *)in->data)[i] = (float)(i % 255) / 255.f;
    }
    /* the arena may reuse the input's bytes during a run: write it before every run */
    void *input = malloc(in->bytes ? in->bytes : 1);
    memcpy(input, in->data, in->bytes);
    free(data);
    double *times = malloc(sizeof(double) * (size_t)runs);
    oc_exec_set_observer(e, observe, NULL);
    for (int w = 0; w < 3; w++) {
        memcpy(in->data, input, in->bytes);
        oc_exec_run(e, &err);
    }
    memset(g_op_time, 0, sizeof g_op_time);
    memset(g_op_min, 0, sizeof g_op_min);
    for (int r = 0; r < runs; r++) {
        memcpy(in->data, input, in->bytes);
        t0 = now();
        g_last = t0;
        if (oc_exec_run(e, &err) != OC_OK) {
            fprintf(stderr, "run: %s\n", err.msg);
            return 1;
        }
        times[r] = now() - t0;
    }
    qsort(times, (size_t)runs, sizeof *times, cmp);
    printf("%s threads=%d: median %.3f ms, min %.3f ms (observer on)\n", argv[1], threads,
           times[runs / 2] * 1e3, times[0] * 1e3);
    /* per op type: the sum of each op's fastest run (robust to a busy machine) */
    if (g_sg) {
        double total = 0;
        for (int32_t i = 0; i < g_sg->nops && i < MAXOPS; i++)
            total += g_op_min[i];
        printf("sum of per-op minima %.3f ms\n", total * 1e3);
        const char *names[256];
        double tt[256];
        int nt = 0;
        for (int32_t i = 0; i < g_sg->nops && i < MAXOPS; i++) {
            const oc_op *op = &g_sg->ops[i];
            const char *nm = op->custom_name ? op->custom_name : op->def->name;
            int j = 0;
            while (j < nt && strcmp(names[j], nm))
                j++;
            if (j == nt) {
                names[nt] = nm;
                tt[nt++] = 0;
            }
            tt[j] += g_op_min[i];
        }
        for (int j = 0; j < nt; j++)
            printf("  %-28s %8.3f ms\n", names[j], tt[j] * 1e3);
        if (getenv("BENCH_PER_OP"))
            for (int32_t i = 0; i < g_sg->nops && i < MAXOPS; i++) {
                const oc_op *op = &g_sg->ops[i];
                if (op->folded) continue;
                const oc_tensor *o = &g_sg->tensors[op->outputs[0]];
                char sb[96];
                printf("  op %3d %-22s %8.1f us  out %s\n", i,
                       op->custom_name ? op->custom_name : op->def->name, g_op_min[i] * 1e6,
                       oc_shape_str(&o->shape, sb, sizeof sb));
            }
    }
    if (argc > 5) {
        size_t rn;
        float *ref = read_file(argv[5], &rn);
        oc_tensor *out = oc_exec_output(e, 0);
        if (ref && rn == out->bytes) {
            double md = 0, mr = 0;
            for (size_t i = 0; i < rn / 4; i++) {
                double d = fabs((double)((float *)out->data)[i] - ref[i]);
                md = d > md ? d : md;
                mr = fabs(ref[i]) > mr ? fabs(ref[i]) : mr;
            }
            printf("output 0 vs reference: max abs diff %.3g (max |ref| %.3g)\n", md, mr);
        } else {
            printf("reference size mismatch (%zu vs %zu)\n", rn, out->bytes);
        }
        free(ref);
    }
    free(times);
    free(input);
    oc_exec_destroy(e);
    oc_graph_destroy(g);
    return 0;
}
