/* A minimal flatbuffer writer that lays objects out front to back: a parent is written before
 * its children, so every uoffset points forward, as the format requires. A field that refers
 * to a child gets a slot; once the child is written, fbw_patch stores the offset. Positions
 * are absolute byte offsets from the buffer start; every scalar is aligned to its size. */
#ifndef OC_FORMAT_FB_WRITER_H
#define OC_FORMAT_FB_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fbw {
    uint8_t *buf; /* malloc'd; taken by the caller when done */
    size_t len, cap;
    bool oom; /* sticky: an allocation failed, output is incomplete */
} fbw;

/* One table field: a scalar of size 1/2/4/8 (its bits, little-endian), or an offset to a
 * child (is_off; value written later through the slot). */
typedef struct fbw_field {
    int id;
    uint8_t size;
    bool is_off;
    uint64_t bits;
} fbw_field;

#define FBW_SCALAR(id_, size_, v_) ((fbw_field){.id = (id_), .size = (size_), .bits = (v_)})
#define FBW_OFF(id_) ((fbw_field){.id = (id_), .size = 4, .is_off = true})

/* Writes zero bytes up to a multiple of align (a power of two). */
void fbw_pad(fbw *w, size_t align);
/* Writes n bytes. Returns their position. */
size_t fbw_bytes(fbw *w, const void *p, size_t n);
/* Writes a vtable and its table; slots[i] receives the position of field i (may be NULL when
 * no field is an offset). Field ids must be distinct. Returns the table's position. */
size_t fbw_table(fbw *w, const fbw_field *fields, int n, size_t *slots);
/* A vector of n scalars of elem bytes, its data aligned to align (>= 4, power of two). Returns
 * the position of its length field (what offsets point to). */
size_t fbw_vector(fbw *w, const void *data, uint32_t n, size_t elem, size_t align);
/* A vector of n offsets (all zero); element i's slot is pos + 4 + 4 * i. */
size_t fbw_offset_vector(fbw *w, uint32_t n);
/* A NUL-terminated string. */
size_t fbw_string(fbw *w, const char *s);
/* Stores target - slot at slot (target must lie after slot). */
void fbw_patch(fbw *w, size_t slot, size_t target);

#endif
