#include "core/flatbuf.h"

static inline uint32_t rd_u32(const uint8_t *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
}
static inline uint16_t rd_u16(const uint8_t *p)
{
    uint16_t x;
    memcpy(&x, p, 2);
    return x;
}

/* Opens the table at absolute position pos. */
static oc_status open_table(const uint8_t *buf, size_t size, uint64_t pos, oc_fbt *out,
                            oc_err *err)
{
    memset(out, 0, sizeof *out);
    if (pos + 4 > size) return OC_ERRF(err, "flatbuffer: table offset %llu out of bounds",
                                       (unsigned long long)pos);
    int32_t soff;
    memcpy(&soff, buf + pos, 4);
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || (uint64_t)vt + 4 > size)
        return OC_ERRF(err, "flatbuffer: vtable offset out of bounds");
    uint16_t vt_size = rd_u16(buf + vt), tbl_size = rd_u16(buf + vt + 2);
    if (vt_size < 4 || (vt_size & 1) || (uint64_t)vt + vt_size > size)
        return OC_ERRF(err, "flatbuffer: bad vtable size %u", vt_size);
    if (tbl_size < 4 || pos + tbl_size > size)
        return OC_ERRF(err, "flatbuffer: table size %u out of bounds", tbl_size);
    out->buf = buf;
    out->size = size;
    out->pos = (uint32_t)pos;
    out->vt = (uint32_t)vt;
    out->vt_size = vt_size;
    out->tbl_size = tbl_size;
    return OC_OK;
}

oc_status oc_fb_root(const uint8_t *buf, size_t size, oc_fbt *root, oc_err *err)
{
    memset(root, 0, sizeof *root);
    if (!buf || size < 8 || size > 0x7fffffffu)
        return OC_ERRF(err, "flatbuffer: size %zu is not a valid model size", size);
    return open_table(buf, size, rd_u32(buf), root, err);
}

void oc_fb_identifier(const uint8_t *buf, size_t size, char id[5])
{
    memset(id, 0, 5);
    if (buf && size >= 8) memcpy(id, buf + 4, 4);
}

uint32_t oc_fbt_field_offset(const oc_fbt *t, int id, size_t scalar_size)
{
    if (!t->buf || id < 0) return 0;
    uint32_t vo = 4 + 2 * (uint32_t)id;
    if (vo + 2 > t->vt_size) return 0;
    uint16_t off = rd_u16(t->buf + t->vt + vo);
    if (off == 0 || off < 4 || (uint32_t)off + scalar_size > t->tbl_size) return 0;
    return off;
}

bool oc_fbt_has(const oc_fbt *t, int id)
{
    return oc_fbt_field_offset(t, id, 1) != 0;
}

#define SCALAR_GETTER(name, type)                                                      \
    type oc_fbt_##name(const oc_fbt *t, int id, type def)                              \
    {                                                                                  \
        uint32_t off = oc_fbt_field_offset(t, id, sizeof(type));                       \
        if (!off) return def;                                                          \
        type x;                                                                        \
        memcpy(&x, t->buf + t->pos + off, sizeof x);                                   \
        return x;                                                                      \
    }
SCALAR_GETTER(u8, uint8_t)
SCALAR_GETTER(i8, int8_t)
SCALAR_GETTER(u16, uint16_t)
SCALAR_GETTER(i16, int16_t)
SCALAR_GETTER(u32, uint32_t)
SCALAR_GETTER(i32, int32_t)
SCALAR_GETTER(u64, uint64_t)
SCALAR_GETTER(i64, int64_t)
SCALAR_GETTER(f32, float)

/* Follows the uoffset stored at absolute position at; returns the target position. */
static oc_status follow(const uint8_t *buf, size_t size, uint64_t at, uint64_t *target,
                        oc_err *err)
{
    if (at + 4 > size) return OC_ERRF(err, "flatbuffer: offset field out of bounds");
    uint64_t tgt = at + rd_u32(buf + at);
    if (tgt >= size) return OC_ERRF(err, "flatbuffer: offset points outside the buffer");
    *target = tgt;
    return OC_OK;
}

oc_status oc_fbt_table(const oc_fbt *t, int id, oc_fbt *out, oc_err *err)
{
    memset(out, 0, sizeof *out);
    uint32_t off = oc_fbt_field_offset(t, id, 4);
    if (!off) return OC_OK;
    uint64_t tgt = 0;
    OC_TRY(follow(t->buf, t->size, (uint64_t)t->pos + off, &tgt, err));
    return open_table(t->buf, t->size, tgt, out, err);
}

static oc_status open_vector(const uint8_t *buf, size_t size, uint64_t at, size_t elem_size,
                             oc_fbv *out, oc_err *err)
{
    uint64_t tgt = 0;
    OC_TRY(follow(buf, size, at, &tgt, err));
    if (tgt + 4 > size) return OC_ERRF(err, "flatbuffer: vector length out of bounds");
    uint32_t len = rd_u32(buf + tgt);
    uint64_t bytes = (uint64_t)len * elem_size;
    if (bytes > size || tgt + 4 + bytes > size)
        return OC_ERRF(err, "flatbuffer: vector of %u elements runs past the buffer", len);
    out->buf = buf;
    out->size = size;
    out->pos = (uint32_t)(tgt + 4);
    out->len = len;
    out->data = buf + tgt + 4;
    return OC_OK;
}

oc_status oc_fbt_vector(const oc_fbt *t, int id, size_t elem_size, oc_fbv *out, oc_err *err)
{
    memset(out, 0, sizeof *out);
    uint32_t off = oc_fbt_field_offset(t, id, 4);
    if (!off) return OC_OK;
    return open_vector(t->buf, t->size, (uint64_t)t->pos + off, elem_size, out, err);
}

static oc_status open_string(const uint8_t *buf, size_t size, uint64_t at, const char **out,
                             oc_err *err)
{
    oc_fbv v;
    OC_TRY(open_vector(buf, size, at, 1, &v, err));
    if ((uint64_t)v.pos + v.len >= size || buf[v.pos + v.len] != 0)
        return OC_ERRF(err, "flatbuffer: string is not NUL-terminated");
    *out = (const char *)v.data;
    return OC_OK;
}

oc_status oc_fbt_string(const oc_fbt *t, int id, const char **out, oc_err *err)
{
    *out = NULL;
    uint32_t off = oc_fbt_field_offset(t, id, 4);
    if (!off) return OC_OK;
    return open_string(t->buf, t->size, (uint64_t)t->pos + off, out, err);
}

oc_status oc_fbv_table(const oc_fbv *v, uint32_t i, oc_fbt *out, oc_err *err)
{
    uint64_t tgt = 0;
    memset(out, 0, sizeof *out);
    OC_TRY(follow(v->buf, v->size, (uint64_t)v->pos + (uint64_t)i * 4, &tgt, err));
    return open_table(v->buf, v->size, tgt, out, err);
}

oc_status oc_fbv_string(const oc_fbv *v, uint32_t i, const char **out, oc_err *err)
{
    *out = NULL;
    return open_string(v->buf, v->size, (uint64_t)v->pos + (uint64_t)i * 4, out, err);
}
