#include "format/fb_writer.h"

#include <stdlib.h>
#include <string.h>

static bool reserve(fbw *w, size_t extra)
{
    if (w->oom) return false;
    if (extra > SIZE_MAX - w->len) {
        w->oom = true;
        return false;
    }
    if (w->len + extra <= w->cap) return true;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < w->len + extra) {
        if (cap > SIZE_MAX / 2) {
            w->oom = true;
            return false;
        }
        cap *= 2;
    }
    uint8_t *p = realloc(w->buf, cap);
    if (!p) {
        w->oom = true;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

void fbw_pad(fbw *w, size_t align)
{
    size_t n = (align - w->len % align) % align;
    if (!reserve(w, n)) return;
    memset(w->buf + w->len, 0, n);
    w->len += n;
}

size_t fbw_bytes(fbw *w, const void *p, size_t n)
{
    size_t pos = w->len;
    if (!reserve(w, n)) return pos;
    if (n) memcpy(w->buf + w->len, p, n);
    w->len += n;
    return pos;
}

static void put_le(fbw *w, size_t pos, uint64_t v, size_t n)
{
    if (w->oom || pos + n > w->len) return;
    for (size_t i = 0; i < n; i++)
        w->buf[pos + i] = (uint8_t)(v >> (8 * i));
}

size_t fbw_table(fbw *w, const fbw_field *fields, int n, size_t *slots)
{
    /* Inline layout: soffset at 0, then fields by decreasing size so each is aligned. */
    uint16_t off[64];
    int maxid = -1;
    size_t cur = 4, align = 4;
    if (n > 64) {
        w->oom = true; /* never with the schema's tables */
        return w->len;
    }
    for (int i = 0; i < n; i++) {
        if (fields[i].id > maxid) maxid = fields[i].id;
        if (fields[i].size > align) align = fields[i].size;
    }
    for (size_t size = 8; size >= 1; size /= 2)
        for (int i = 0; i < n; i++)
            if (fields[i].size == size) {
                cur = (cur + size - 1) / size * size;
                off[i] = (uint16_t)cur;
                cur += size;
            }
    size_t tbl_size = (cur + 3) / 4 * 4;
    size_t vt_size = 4 + 2 * (size_t)(maxid + 1);

    fbw_pad(w, 2);
    size_t vt = w->len;
    if (!reserve(w, vt_size)) return vt;
    memset(w->buf + vt, 0, vt_size);
    w->len += vt_size;
    put_le(w, vt, vt_size, 2);
    put_le(w, vt + 2, tbl_size, 2);
    for (int i = 0; i < n; i++)
        put_le(w, vt + 4 + 2 * (size_t)fields[i].id, off[i], 2);

    fbw_pad(w, align);
    size_t pos = w->len;
    if (!reserve(w, tbl_size)) return pos;
    memset(w->buf + pos, 0, tbl_size);
    w->len += tbl_size;
    put_le(w, pos, (uint32_t)(pos - vt), 4); /* soffset: vtable lies before the table */
    for (int i = 0; i < n; i++) {
        if (!fields[i].is_off) put_le(w, pos + off[i], fields[i].bits, fields[i].size);
        if (slots) slots[i] = pos + off[i];
    }
    return pos;
}

size_t fbw_vector(fbw *w, const void *data, uint32_t n, size_t elem, size_t align)
{
    /* The data, right after the 4-byte length, must be aligned. */
    fbw_pad(w, align);
    size_t pad = align - 4;
    uint8_t zero[16] = {0};
    fbw_bytes(w, zero, pad);
    size_t pos = w->len;
    uint8_t len[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    fbw_bytes(w, len, 4);
    fbw_bytes(w, data, (size_t)n * elem);
    return pos;
}

size_t fbw_offset_vector(fbw *w, uint32_t n)
{
    size_t pos = fbw_vector(w, NULL, 0, 4, 4);
    put_le(w, pos, n, 4);
    if (!reserve(w, (size_t)n * 4)) return pos;
    memset(w->buf + w->len, 0, (size_t)n * 4);
    w->len += (size_t)n * 4;
    return pos;
}

size_t fbw_string(fbw *w, const char *s)
{
    size_t n = strlen(s);
    size_t pos = fbw_vector(w, s, (uint32_t)n, 1, 4);
    fbw_bytes(w, "", 1);
    return pos;
}

void fbw_patch(fbw *w, size_t slot, size_t target)
{
    put_le(w, slot, (uint32_t)(target - slot), 4);
}
