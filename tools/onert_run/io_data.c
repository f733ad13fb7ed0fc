/* Buffers, random data and raw files for onert_run. */
#include "io_data.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t ort_type_size(NNFW_TYPE t)
{
    switch (t) {
    case NNFW_TYPE_TENSOR_FLOAT32:
    case NNFW_TYPE_TENSOR_INT32: return 4;
    case NNFW_TYPE_TENSOR_QUANT8_ASYMM:
    case NNFW_TYPE_TENSOR_BOOL:
    case NNFW_TYPE_TENSOR_UINT8:
    case NNFW_TYPE_TENSOR_QUANT8_ASYMM_SIGNED: return 1;
    case NNFW_TYPE_TENSOR_INT64: return 8;
    case NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED: return 2;
    default: return 0;
    }
}

bool ort_info_bytes(const nnfw_tensorinfo *ti, uint64_t *elems, uint64_t *bytes)
{
    uint64_t n = 1;
    if (ti->rank < 0 || ti->rank > NNFW_MAX_RANK) return false;
    for (int32_t i = 0; i < ti->rank; i++) {
        if (ti->dims[i] < 0) return false;
        if (__builtin_mul_overflow(n, (uint64_t)ti->dims[i], &n)) return false;
    }
    size_t es = ort_type_size(ti->dtype);
    if (es == 0 || __builtin_mul_overflow(n, (uint64_t)es, bytes)) return false;
    *elems = n;
    return true;
}

bool ort_buffer_alloc(ort_buffer *b, size_t size, NNFW_TYPE dtype)
{
    void *p = calloc(size ? size : 1, 1);
    if (!p) return false;
    free(b->data);
    b->data = p;
    b->size = size;
    b->dtype = dtype;
    return true;
}

void ort_buffer_free(ort_buffer *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void ort_rng_init(ort_rng *r, uint64_t seed)
{
    r->state = seed;
}

/* splitmix64 */
static uint64_t next_u64(ort_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static double next_unit(ort_rng *r)
{
    return ((double)(next_u64(r) >> 11) + 1.0) / 9007199254740992.0;
}

/* N(0, 2) by Box-Muller. */
static double next_normal(ort_rng *r)
{
    double u1 = next_unit(r), u2 = next_unit(r);
    return 2.0 * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* A normal value spread over [lo, hi] (most values land in [-5, 5] before scaling). */
static double spread(ort_rng *r, double lo, double hi)
{
    double v = lo + (next_normal(r) + 5.0) * (hi - lo) / 10.0;
    return v < lo ? lo : v > hi ? hi : v;
}

void ort_fill_random(ort_rng *r, ort_buffer *b)
{
    size_t es = ort_type_size(b->dtype);
    size_t n = es ? b->size / es : 0;
    for (size_t i = 0; i < n; i++) {
        switch (b->dtype) {
        case NNFW_TYPE_TENSOR_FLOAT32: ((float *)b->data)[i] = (float)next_normal(r); break;
        case NNFW_TYPE_TENSOR_INT32: ((int32_t *)b->data)[i] = (int32_t)(next_u64(r) % 4097); break;
        case NNFW_TYPE_TENSOR_INT64: ((int64_t *)b->data)[i] = (int64_t)next_normal(r); break;
        case NNFW_TYPE_TENSOR_QUANT8_ASYMM:
        case NNFW_TYPE_TENSOR_UINT8: ((uint8_t *)b->data)[i] = (uint8_t)spread(r, 0, 255); break;
        case NNFW_TYPE_TENSOR_QUANT8_ASYMM_SIGNED:
            ((int8_t *)b->data)[i] = (int8_t)spread(r, -128, 127);
            break;
        case NNFW_TYPE_TENSOR_QUANT16_SYMM_SIGNED:
            ((int16_t *)b->data)[i] = (int16_t)spread(r, -32768, 32767);
            break;
        case NNFW_TYPE_TENSOR_BOOL: ((uint8_t *)b->data)[i] = (uint8_t)(next_u64(r) & 1); break;
        default: break;
        }
    }
}

static void file_name(char *out, size_t n, const char *prefix, uint32_t index)
{
    snprintf(out, n, "%s.%u", prefix, index);
}

bool ort_load_raw(const char *prefix, uint32_t index, ort_buffer *b)
{
    char name[4096];
    file_name(name, sizeof name, prefix, index);
    FILE *f = fopen(name, "rb");
    if (!f) {
        fprintf(stderr, "E: cannot open input file %s: %s\n", name, strerror(errno));
        return false;
    }
    bool ok = false;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "E: cannot read input file %s\n", name);
    } else if ((uint64_t)size != b->size) {
        fprintf(stderr, "E: Input %u size does not match: %zu expected, but %ld provided.\n", index,
                b->size, size);
    } else if (b->size > 0 && fread(b->data, 1, b->size, f) != b->size) {
        fprintf(stderr, "E: cannot read input file %s\n", name);
    } else {
        ok = true;
    }
    fclose(f);
    return ok;
}

bool ort_dump_raw(const char *prefix, uint32_t index, const void *data, size_t size)
{
    char name[4096], tmp[4200];
    file_name(name, sizeof name, prefix, index);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", name, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "E: cannot write %s: %s\n", tmp, strerror(errno));
        return false;
    }
    bool ok = (size == 0 || fwrite(data, 1, size, f) == size);
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, name) != 0) ok = false;
    if (!ok) {
        fprintf(stderr, "E: cannot write %s: %s\n", name, strerror(errno));
        remove(tmp);
        return false;
    }
    fprintf(stderr, "%s is generated.\n", name);
    return true;
}
