/* Phases, memory sampling and the report. Output lines match onert's benchmark library:
 * "<PHASE, width 12> takes <mean, 3 decimals> ms", "- <FIGURE, width 9>:  <value> ms". */
#include "benchmark.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const phase_names[ORT_NPHASES] = {"MODEL_LOAD", "PREPARE", "WARMUP", "EXECUTE"};
static const char *const mem_names[ORT_NMEM] = {"RSS", "HWM", "PSS"};

const char *ort_phase_name(int phase)
{
    return phase_names[phase];
}

/* Value of "<key>: N kB" in a /proc file, or 0. */
static uint32_t proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    size_t klen = strlen(key);
    uint32_t kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            kb = (uint32_t)strtoul(line + klen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

void ort_read_memory(uint32_t kb[ORT_NMEM])
{
    kb[ORT_RSS] = proc_kb("/proc/self/status", "VmRSS");
    kb[ORT_HWM] = proc_kb("/proc/self/status", "VmHWM");
    kb[ORT_PSS] = proc_kb("/proc/self/smaps_rollup", "Pss");
}

void ort_bench_init(ort_bench *b, bool mem_poll, int run_delay_us)
{
    memset(b, 0, sizeof *b);
    b->mem_poll = mem_poll;
    b->run_delay_us = run_delay_us;
}

void ort_bench_free(ort_bench *b)
{
    for (int i = 0; i < ORT_NPHASES; i++)
        free(b->phases[i].time_us);
    memset(b, 0, sizeof *b);
}

uint64_t ort_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

bool ort_bench_record(ort_bench *b, int phase, uint64_t us)
{
    ort_phase *p = &b->phases[phase];
    if (p->count == p->cap) {
        uint32_t cap = p->cap ? 2 * p->cap : 16;
        uint64_t *t = realloc(p->time_us, cap * sizeof *t);
        if (!t) return false;
        p->time_us = t;
        p->cap = cap;
    }
    p->time_us[p->count++] = us;
    if (b->mem_poll) {
        uint32_t kb[ORT_NMEM];
        ort_read_memory(kb);
        for (int m = 0; m < ORT_NMEM; m++)
            if (kb[m] > p->mem_kb[m]) p->mem_kb[m] = kb[m];
    }
    return true;
}

void ort_bench_delay(const ort_bench *b)
{
    if (b->run_delay_us > 0) usleep((useconds_t)b->run_delay_us);
}

static double mean_ms(const ort_phase *p)
{
    if (p->count == 0) return 0.0;
    double sum = 0;
    for (uint32_t i = 0; i < p->count; i++)
        sum += (double)p->time_us[i];
    return sum / p->count / 1e3;
}

static double max_ms(const ort_phase *p)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < p->count; i++)
        if (p->time_us[i] > m) m = p->time_us[i];
    return (double)m / 1e3;
}

static double min_ms(const ort_phase *p)
{
    if (p->count == 0) return 0.0;
    uint64_t m = p->time_us[0];
    for (uint32_t i = 1; i < p->count; i++)
        if (p->time_us[i] < m) m = p->time_us[i];
    return (double)m / 1e3;
}

static double geomean_ms(const ort_phase *p)
{
    if (p->count == 0) return 0.0;
    double log_sum = 0;
    for (uint32_t i = 0; i < p->count; i++)
        log_sum += log((double)p->time_us[i] / 1e3);
    return exp(log_sum / p->count);
}

static uint32_t peak_kb(const ort_bench *b, int m)
{
    uint32_t v = 0; /* WARMUP stands for EXECUTE, as onert */
    for (int i = ORT_MODEL_LOAD; i <= ORT_WARMUP; i++)
        if (b->phases[i].mem_kb[m] > v) v = b->phases[i].mem_kb[m];
    return v;
}

static const char *const line = "===================================";

void ort_print_result(const ort_bench *b, FILE *f)
{
    fprintf(f, "%s\n", line);
    for (int i = ORT_MODEL_LOAD; i <= ORT_EXECUTE; i++) {
        if (i == ORT_WARMUP) continue;
        fprintf(f, "%-12s takes %.3f ms\n", phase_names[i], mean_ms(&b->phases[i]));
    }
    const ort_phase *e = &b->phases[ORT_EXECUTE];
    fprintf(f, "- %-9s:  %.3f ms\n", "MEAN", mean_ms(e));
    fprintf(f, "- %-9s:  %.3f ms\n", "MAX", max_ms(e));
    fprintf(f, "- %-9s:  %.3f ms\n", "MIN", min_ms(e));
    fprintf(f, "- %-9s:  %.3f ms\n", "GEOMEAN", geomean_ms(e));
    fprintf(f, "%s\n", line);
    if (!b->mem_poll) return;
    for (int m = 0; m < ORT_NMEM; m++) {
        fprintf(f, "%s\n", mem_names[m]);
        fprintf(f, "- %-12s takes %u kb\n", "MODEL_LOAD", b->phases[ORT_MODEL_LOAD].mem_kb[m]);
        fprintf(f, "- %-12s takes %u kb\n", "PREPARE", b->phases[ORT_PREPARE].mem_kb[m]);
        fprintf(f, "- %-12s takes %u kb\n", "EXECUTE", b->phases[ORT_WARMUP].mem_kb[m]);
        fprintf(f, "- %-12s takes %u kb\n", "PEAK", peak_kb(b, m));
        fprintf(f, "%s\n", line);
    }
    uint32_t used =
        b->hwm_after_run > b->hwm_before_init ? b->hwm_after_run - b->hwm_before_init : 0;
    fprintf(f, "Used Peak Memory : %u kb\n", used);
    fprintf(f, "- HWM after run  : %u kb\n", b->hwm_after_run);
    fprintf(f, "- HWM before init: %u kb\n", b->hwm_before_init);
    fprintf(f, "%s\n", line);
}

bool ort_write_report(const ort_bench *b, const char *exec, const char *model, const char *backend)
{
    char name[4096];
    int n = snprintf(name, sizeof name, "%s-%s-%s.csv", exec, model, backend);
    if (n < 0 || (size_t)n >= sizeof name) return false;
    FILE *f = fopen(name, "w");
    if (!f) return false;
    const ort_phase *e = &b->phases[ORT_EXECUTE];
    fprintf(f, "%s,%s,%f,%f,%f,%f,%f", model, backend, mean_ms(&b->phases[ORT_MODEL_LOAD]),
            mean_ms(&b->phases[ORT_PREPARE]), min_ms(e), max_ms(e), mean_ms(e));
    for (int m = 0; m < ORT_NMEM; m++) {
        for (int i = ORT_MODEL_LOAD; i <= ORT_WARMUP; i++)
            fprintf(f, ",%u", b->phases[i].mem_kb[m]);
        fprintf(f, ",%u", peak_kb(b, m));
    }
    fputc('\n', f);
    return fclose(f) == 0;
}
