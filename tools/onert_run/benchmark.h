/* Phase timing, memory polling and the result report of onert_run (onert's format). */
#ifndef ONERT_RUN_BENCHMARK_H
#define ONERT_RUN_BENCHMARK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { ORT_MODEL_LOAD, ORT_PREPARE, ORT_WARMUP, ORT_EXECUTE, ORT_NPHASES } ort_phase_id;
typedef enum { ORT_RSS, ORT_HWM, ORT_PSS, ORT_NMEM } ort_mem_type;

typedef struct ort_phase {
    uint64_t *time_us; /* one entry per run */
    uint32_t count, cap;
    uint32_t mem_kb[ORT_NMEM]; /* sampled at the end of the phase */
} ort_phase;

typedef struct ort_bench {
    ort_phase phases[ORT_NPHASES];
    bool mem_poll;
    int run_delay_us;
    uint32_t hwm_before_init, hwm_after_run;
} ort_bench;

const char *ort_phase_name(int phase);

/* Current memory figures of this process, in kB (0 when unavailable). */
void ort_read_memory(uint32_t kb[ORT_NMEM]);

void ort_bench_init(ort_bench *b, bool mem_poll, int run_delay_us);
void ort_bench_free(ort_bench *b);
/* Monotonic microseconds. */
uint64_t ort_now_us(void);
/* Records one run of a phase (and samples memory when polling). Returns false when out of
 * memory. */
bool ort_bench_record(ort_bench *b, int phase, uint64_t us);
/* Sleeps for the run delay, if any. */
void ort_bench_delay(const ort_bench *b);

/* Prints the result block (and the memory blocks when polling) to f. */
void ort_print_result(const ort_bench *b, FILE *f);
/* Writes the CSV report <exec>-<model>-<backend>.csv in the current directory. */
bool ort_write_report(const ort_bench *b, const char *exec, const char *model, const char *backend);

#endif
