/* A bounds-checked flatbuffer reader. Nothing is read before its offset, length and size
 * product have been checked against the buffer: a table is verified when it is opened (its
 * vtable and inline size), a vector or string when it is opened (length * element size within
 * the buffer, strings NUL-terminated). Scalar fields outside a table's declared inline size
 * read as the default. Everything here is schema-agnostic: callers name fields by id. */
#ifndef OC_CORE_FLATBUF_H
#define OC_CORE_FLATBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/status.h"

/* A verified table. An absent table has buf == NULL: all its fields read as defaults. */
typedef struct oc_fbt {
    const uint8_t *buf;
    size_t size;
    uint32_t pos;      /* table start */
    uint32_t vt;       /* vtable start */
    uint16_t vt_size;  /* vtable byte size */
    uint16_t tbl_size; /* table inline byte size */
} oc_fbt;

/* A verified vector: len elements starting at data (not necessarily aligned). */
typedef struct oc_fbv {
    const uint8_t *buf;
    size_t size;
    uint32_t pos; /* offset of the first element */
    uint32_t len;
    const uint8_t *data;
} oc_fbv;

/* Opens the root table. Fails if the buffer is too small or the root is out of bounds. */
oc_status oc_fb_root(const uint8_t *buf, size_t size, oc_fbt *root, oc_err *err);
/* The 4-byte file identifier at bytes 4..7 (copied into id[0..3], id[4] = 0). */
void oc_fb_identifier(const uint8_t *buf, size_t size, char id[5]);

static inline bool oc_fbt_is_present(const oc_fbt *t) { return t->buf != NULL; }
/* Byte offset of field `id` inside the table, or 0 when the field is absent. */
uint32_t oc_fbt_field_offset(const oc_fbt *t, int id, size_t scalar_size);
bool oc_fbt_has(const oc_fbt *t, int id);

uint8_t oc_fbt_u8(const oc_fbt *t, int id, uint8_t def);
int8_t oc_fbt_i8(const oc_fbt *t, int id, int8_t def);
uint16_t oc_fbt_u16(const oc_fbt *t, int id, uint16_t def);
int16_t oc_fbt_i16(const oc_fbt *t, int id, int16_t def);
uint32_t oc_fbt_u32(const oc_fbt *t, int id, uint32_t def);
int32_t oc_fbt_i32(const oc_fbt *t, int id, int32_t def);
uint64_t oc_fbt_u64(const oc_fbt *t, int id, uint64_t def);
int64_t oc_fbt_i64(const oc_fbt *t, int id, int64_t def);
float oc_fbt_f32(const oc_fbt *t, int id, float def);
static inline bool oc_fbt_bool(const oc_fbt *t, int id, bool def)
{
    return oc_fbt_u8(t, id, def) != 0;
}

/* Sub-table / vector / string fields. Absent fields give an absent table, an empty vector
 * (len 0) or a NULL string and OC_OK; malformed ones give OC_ERROR with a message. */
oc_status oc_fbt_table(const oc_fbt *t, int id, oc_fbt *out, oc_err *err);
oc_status oc_fbt_vector(const oc_fbt *t, int id, size_t elem_size, oc_fbv *out, oc_err *err);
oc_status oc_fbt_string(const oc_fbt *t, int id, const char **out, oc_err *err);

/* Element i (< v->len) of a vector of tables / strings. */
oc_status oc_fbv_table(const oc_fbv *v, uint32_t i, oc_fbt *out, oc_err *err);
oc_status oc_fbv_string(const oc_fbv *v, uint32_t i, const char **out, oc_err *err);

/* Unaligned little-endian element reads; i must be < v->len (checked by the caller's loop). */
static inline int32_t oc_fbv_i32(const oc_fbv *v, uint32_t i)
{
    int32_t x;
    memcpy(&x, v->data + (size_t)i * 4, 4);
    return x;
}
static inline int64_t oc_fbv_i64(const oc_fbv *v, uint32_t i)
{
    int64_t x;
    memcpy(&x, v->data + (size_t)i * 8, 8);
    return x;
}
static inline float oc_fbv_f32(const oc_fbv *v, uint32_t i)
{
    float x;
    memcpy(&x, v->data + (size_t)i * 4, 4);
    return x;
}
static inline uint8_t oc_fbv_u8(const oc_fbv *v, uint32_t i) { return v->data[i]; }

#endif
