/* Input/output buffers of onert_run: random generation, raw loading and atomic raw dumps. */
#ifndef ONERT_RUN_IO_DATA_H
#define ONERT_RUN_IO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnfw/nnfw.h"

typedef struct ort_buffer {
    void *data;
    size_t size;
    NNFW_TYPE dtype;
} ort_buffer;

/* Element size of an nnfw type (0 for unknown values). */
size_t ort_type_size(NNFW_TYPE t);
/* Element count and byte size of a tensorinfo; false on overflow or negative dims. */
bool ort_info_bytes(const nnfw_tensorinfo *ti, uint64_t *elems, uint64_t *bytes);
/* (Re)allocates b to `size` zeroed bytes. */
bool ort_buffer_alloc(ort_buffer *b, size_t size, NNFW_TYPE dtype);
void ort_buffer_free(ort_buffer *b);

/* Deterministic generator (fixed seed): same sequence on every machine. */
typedef struct ort_rng {
    uint64_t state;
} ort_rng;
void ort_rng_init(ort_rng *r, uint64_t seed);
/* Fills b with random data of its dtype: float ~ N(0, 2), uint8 / int8 spread over their
 * range, int32 in [0, 4096], int64 and int16 small integers, bool 0/1. */
void ort_fill_random(ort_rng *r, ort_buffer *b);

/* Reads <prefix>.<index> into b; its size must equal b->size exactly. */
bool ort_load_raw(const char *prefix, uint32_t index, ort_buffer *b);
/* Writes `size` bytes to <prefix>.<index> through a temporary file and a rename, so a failure
 * never leaves a partial file. */
bool ort_dump_raw(const char *prefix, uint32_t index, const void *data, size_t size);

#endif
