/* Builds a one-table flatbuffer with scalar fields, to test options parsers without a model.
 * Each field gets a 4-byte slot; absent fields have vtable offset 0. */
#ifndef OC_TESTS_FBT_BUILD_H
#define OC_TESTS_FBT_BUILD_H

#include <stdint.h>
#include <string.h>

#include "core/flatbuf.h"

#define FBT_MAX_FIELDS 8

typedef struct fbt_buf {
    uint8_t bytes[4 + 4 + 2 * FBT_MAX_FIELDS + 4 + 4 * FBT_MAX_FIELDS] __attribute__((aligned(8)));
    size_t size;
} fbt_buf;

typedef struct fbt_field {
    int present;
    uint8_t raw[4]; /* little-endian value, width given by the reader */
} fbt_field;

static inline fbt_field fbt_u8(uint8_t v)
{
    fbt_field f = {1, {v, 0, 0, 0}};
    return f;
}
static inline fbt_field fbt_f32(float v)
{
    fbt_field f = {1, {0}};
    memcpy(f.raw, &v, 4);
    return f;
}
static inline fbt_field fbt_absent(void)
{
    fbt_field f = {0, {0}};
    return f;
}

/* Writes root offset | vtable | table and opens the table into *t. */
static inline void fbt_build(fbt_buf *b, const fbt_field *fields, int n, oc_fbt *t)
{
    memset(b, 0, sizeof *b);
    uint16_t vt_size = (uint16_t)(4 + 2 * n);
    uint32_t vt = 4, tbl = (uint32_t)(4 + ((vt_size + 3) & ~3u));
    uint16_t tbl_size = (uint16_t)(4 + 4 * n);
    memcpy(b->bytes, &tbl, 4);
    memcpy(b->bytes + vt, &vt_size, 2);
    memcpy(b->bytes + vt + 2, &tbl_size, 2);
    int32_t soff = (int32_t)(tbl - vt);
    memcpy(b->bytes + tbl, &soff, 4);
    for (int i = 0; i < n; i++) {
        uint16_t off = fields[i].present ? (uint16_t)(4 + 4 * i) : 0;
        memcpy(b->bytes + vt + 4 + 2 * i, &off, 2);
        memcpy(b->bytes + tbl + 4 + 4 * i, fields[i].raw, 4);
    }
    b->size = tbl + tbl_size;
    oc_err err;
    oc_status st = oc_fb_root(b->bytes, b->size, t, &err);
    (void)st;
}

#endif
