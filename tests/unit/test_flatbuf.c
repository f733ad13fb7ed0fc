/* The bounds-checked flatbuffer reader (src/core/flatbuf.h) on hand-made buffers, valid and
 * corrupted, and the writer (src/format/fb_writer.h) read back through it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/flatbuf.h"
#include "format/fb_writer.h"

static void put32(uint8_t *b, size_t pos, uint32_t v)
{
    memcpy(b + pos, &v, 4);
}
static void put16(uint8_t *b, size_t pos, uint16_t v)
{
    memcpy(b + pos, &v, 2);
}

/* A 60-byte model-like buffer:
 *   0: root uoffset -> table at 20          4: identifier "TEST"
 *   8: vtable (12 bytes): vt_size 12, tbl_size 16, field offsets {4, 8, 12, 0}
 *  20: table: soffset 12, f0 int32 = -7 at 24, f1 uoffset -> vector at 40 (from 28),
 *      f2 uoffset -> string at 52 (from 32)
 *  40: vector [2]: 11, 22                  52: string "abc\0" */
#define GOOD_SIZE 60
static void make_good(uint8_t *b)
{
    memset(b, 0, GOOD_SIZE);
    put32(b, 0, 20);
    memcpy(b + 4, "TEST", 4);
    put16(b, 8, 12);
    put16(b, 10, 16);
    put16(b, 12, 4);
    put16(b, 14, 8);
    put16(b, 16, 12);
    put16(b, 18, 0);
    put32(b, 20, 12);
    put32(b, 24, (uint32_t)-7);
    put32(b, 28, 40 - 28);
    put32(b, 32, 52 - 32);
    put32(b, 40, 2);
    put32(b, 44, 11);
    put32(b, 48, 22);
    put32(b, 52, 3);
    memcpy(b + 56, "abc", 4);
}

static void test_good_buffer(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    make_good(b);
    oc_err err = {{0}};
    oc_fbt root;
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    char id[5];
    oc_fb_identifier(b, sizeof b, id);
    assert_string_equal(id, "TEST");
    assert_int_equal(oc_fbt_i32(&root, 0, 0), -7);
    assert_int_equal(oc_fbt_u32(&root, 0, 0), (uint32_t)-7);
    assert_true(oc_fbt_has(&root, 0));
    assert_false(oc_fbt_has(&root, 3)); /* offset 0 in the vtable */
    assert_false(oc_fbt_has(&root, 4)); /* beyond the vtable */
    assert_int_equal(oc_fbt_i32(&root, 3, 99), 99);
    assert_int_equal(oc_fbt_i32(&root, 4, 98), 98);
    assert_int_equal(oc_fbt_i32(&root, -1, 97), 97);
    oc_fbv v;
    assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_OK);
    assert_int_equal(v.len, 2);
    assert_int_equal(oc_fbv_i32(&v, 0), 11);
    assert_int_equal(oc_fbv_i32(&v, 1), 22);
    const char *s = NULL;
    assert_int_equal(oc_fbt_string(&root, 2, &s, &err), OC_OK);
    assert_string_equal(s, "abc");
    /* Absent vector/string/table fields read as empty, not as errors. */
    assert_int_equal(oc_fbt_vector(&root, 3, 4, &v, &err), OC_OK);
    assert_int_equal(v.len, 0);
    assert_int_equal(oc_fbt_string(&root, 5, &s, &err), OC_OK);
    assert_null(s);
    oc_fbt sub;
    assert_int_equal(oc_fbt_table(&root, 3, &sub, &err), OC_OK);
    assert_false(oc_fbt_is_present(&sub));
    assert_int_equal(oc_fbt_i64(&sub, 0, -5), -5); /* absent table: defaults */
}

static void expect_root_error(const uint8_t *b, size_t n)
{
    oc_err err = {{0}};
    oc_fbt root;
    assert_int_equal(oc_fb_root(b, n, &root, &err), OC_ERROR);
    assert_true(err.msg[0] != 0);
    assert_false(oc_fbt_is_present(&root));
}

static void test_bad_roots(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    make_good(b);
    expect_root_error(NULL, 0);
    expect_root_error(b, 0);
    expect_root_error(b, 7);
    char id[5];
    oc_fb_identifier(b, 7, id);
    assert_string_equal(id, "");
    /* Root offset past the end. */
    put32(b, 0, GOOD_SIZE);
    expect_root_error(b, sizeof b);
    put32(b, 0, 0xfffffffcu);
    expect_root_error(b, sizeof b);
    /* Truncated right after the root's vtable: table runs past the end. */
    make_good(b);
    expect_root_error(b, 22);
    /* vtable before the buffer start (soffset larger than the position). */
    make_good(b);
    put32(b, 20, 24);
    expect_root_error(b, sizeof b);
    /* vtable beyond the end (negative soffset). */
    put32(b, 20, (uint32_t)-100);
    expect_root_error(b, sizeof b);
    /* Bad vtable sizes: odd, too small, past the end; table size too small or past the end. */
    static const uint16_t bad_vt[] = {3, 2, 0, 13, 0xfffe};
    for (size_t i = 0; i < sizeof bad_vt / sizeof bad_vt[0]; i++) {
        make_good(b);
        put16(b, 8, bad_vt[i]);
        expect_root_error(b, sizeof b);
    }
    static const uint16_t bad_tbl[] = {0, 2, 41, 0xffff};
    for (size_t i = 0; i < sizeof bad_tbl / sizeof bad_tbl[0]; i++) {
        make_good(b);
        put16(b, 10, bad_tbl[i]);
        expect_root_error(b, sizeof b);
    }
}

static void test_field_beyond_table(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    make_good(b);
    /* Field 0 claims offset 14 in a 16-byte table: a 4-byte read would cross the end, so the
     * field reads as the default instead of from outside the table. */
    put16(b, 12, 14);
    oc_err err = {{0}};
    oc_fbt root;
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_i32(&root, 0, 5), 5);
    assert_int_equal(oc_fbt_u16(&root, 0, 0), 0);               /* 2 bytes at 14 fit */
    assert_int_equal(oc_fbt_i64(&root, 2, 6), 6);               /* 8 bytes at 12 cross the end */
    assert_int_equal(oc_fbt_u64(&root, 1, 0), 0x140000000cULL); /* 8 bytes at 8 fit */
    put16(b, 12, 2);                                            /* inside the soffset: invalid */
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_i32(&root, 0, 5), 5);
}

static void test_bad_vectors(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    oc_err err = {{0}};
    oc_fbt root;
    oc_fbv v;
    /* Length runs past the end; huge length whose byte size overflows 32 bits. */
    static const uint32_t lens[] = {5, 0x40000001u, 0xffffffffu};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        make_good(b);
        put32(b, 40, lens[i]);
        assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
        err.msg[0] = 0;
        assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_ERROR);
        assert_true(err.msg[0] != 0);
    }
    /* 8-byte elements: 2 elements no longer fit. */
    make_good(b);
    put32(b, 40, 3);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_vector(&root, 1, 8, &v, &err), OC_ERROR);
    /* Offset to the vector points outside; the length field itself is cut off. */
    make_good(b);
    put32(b, 28, 1000);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_ERROR);
    make_good(b);
    put32(b, 28, GOOD_SIZE - 2 - 28);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_ERROR);
    /* An offset field that is itself only partly inside the table is treated as absent. */
    make_good(b);
    put16(b, 14, 14);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_OK);
    assert_int_equal(v.len, 0);
}

static void test_bad_strings(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    oc_err err = {{0}};
    oc_fbt root;
    const char *s = (const char *)1;
    /* Unterminated: the byte after the characters is not NUL. */
    make_good(b);
    b[59] = 'd';
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_string(&root, 2, &s, &err), OC_ERROR);
    assert_null(s);
    /* Length reaching exactly the end: no room for the terminator. */
    make_good(b);
    put32(b, 52, 4);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_string(&root, 2, &s, &err), OC_ERROR);
    /* Length past the end. */
    put32(b, 52, 1000);
    assert_int_equal(oc_fbt_string(&root, 2, &s, &err), OC_ERROR);
    /* A string whose terminator is the buffer's last byte is fine. */
    make_good(b);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_string(&root, 2, &s, &err), OC_OK);
    assert_string_equal(s, "abc");
}

static void test_bad_subtables(void **state)
{
    (void)state;
    uint8_t b[GOOD_SIZE];
    oc_err err = {{0}};
    oc_fbt root, sub;
    /* Field 1 read as a table: the "table" at 40 has soffset 2 -> vtable at 38, whose sizes
     * (0, 0) are invalid. */
    make_good(b);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    assert_int_equal(oc_fbt_table(&root, 1, &sub, &err), OC_ERROR);
    assert_false(oc_fbt_is_present(&sub));
    /* Table offset past the end. */
    put32(b, 28, 0x7ffffff0u);
    assert_int_equal(oc_fbt_table(&root, 1, &sub, &err), OC_ERROR);
    /* Vector of tables whose element offsets point outside. */
    make_good(b);
    assert_int_equal(oc_fb_root(b, sizeof b, &root, &err), OC_OK);
    oc_fbv v;
    assert_int_equal(oc_fbt_vector(&root, 1, 4, &v, &err), OC_OK);
    assert_int_equal(oc_fbv_table(&v, 0, &sub, &err), OC_ERROR); /* 44 + 11 -> 55: bad */
    assert_int_equal(oc_fbv_table(&v, 1, &sub, &err), OC_ERROR); /* 48 + 22 -> 70: outside */
    const char *s;
    assert_int_equal(oc_fbv_string(&v, 1, &s, &err), OC_ERROR);
    assert_null(s);
}

/* The writer's output read back: every scalar size, offsets, vectors, nested tables. */
static void test_writer_round_trip(void **state)
{
    (void)state;
    fbw w = {0};
    uint8_t header[8] = {0, 0, 0, 0, 'A', 'B', 'C', 'D'};
    fbw_bytes(&w, header, 8);
    fbw_field f[] = {
        FBW_SCALAR(0, 1, 0xfe),
        FBW_SCALAR(2, 2, 0xbeef),
        FBW_SCALAR(3, 4, 0xdeadbeefu),
        FBW_SCALAR(4, 8, 0x0123456789abcdefULL),
        FBW_OFF(5),
        FBW_OFF(6),
        FBW_OFF(7),
        FBW_OFF(9),
    };
    size_t slots[8];
    size_t root = fbw_table(&w, f, 8, slots);
    fbw_patch(&w, 0, root);
    const int64_t big[3] = {-1, 2, INT64_MAX};
    fbw_patch(&w, slots[4], fbw_vector(&w, big, 3, 8, 8));
    fbw_patch(&w, slots[5], fbw_string(&w, "hello"));
    fbw_field sf = FBW_SCALAR(0, 4, 77);
    fbw_patch(&w, slots[6], fbw_table(&w, &sf, 1, NULL));
    size_t ov = fbw_offset_vector(&w, 2);
    fbw_patch(&w, slots[7], ov);
    fbw_patch(&w, ov + 4, fbw_string(&w, "x"));
    fbw_patch(&w, ov + 8, fbw_string(&w, ""));
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    size_t dv = fbw_vector(&w, data, 5, 1, 16);
    assert_int_equal((dv + 4) % 16, 0);
    assert_false(w.oom);

    oc_err err = {{0}};
    oc_fbt t, sub;
    assert_int_equal(oc_fb_root(w.buf, w.len, &t, &err), OC_OK);
    char id[5];
    oc_fb_identifier(w.buf, w.len, id);
    assert_string_equal(id, "ABCD");
    assert_int_equal(oc_fbt_u8(&t, 0, 0), 0xfe);
    assert_int_equal(oc_fbt_i8(&t, 0, 0), -2);
    assert_false(oc_fbt_has(&t, 1));
    assert_int_equal(oc_fbt_u16(&t, 2, 0), 0xbeef);
    assert_int_equal(oc_fbt_u32(&t, 3, 0), 0xdeadbeefu);
    assert_int_equal(oc_fbt_u64(&t, 4, 0), 0x0123456789abcdefULL);
    assert_int_equal(oc_fbt_field_offset(&t, 4, 8) % 8, 0); /* 8-byte scalar aligned */
    assert_int_equal((t.pos + oc_fbt_field_offset(&t, 4, 8)) % 8, 0);
    oc_fbv v;
    assert_int_equal(oc_fbt_vector(&t, 5, 8, &v, &err), OC_OK);
    assert_int_equal(v.len, 3);
    assert_int_equal(v.pos % 8, 0);
    assert_int_equal(oc_fbv_i64(&v, 2), INT64_MAX);
    const char *s;
    assert_int_equal(oc_fbt_string(&t, 6, &s, &err), OC_OK);
    assert_string_equal(s, "hello");
    assert_int_equal(oc_fbt_table(&t, 7, &sub, &err), OC_OK);
    assert_int_equal(oc_fbt_i32(&sub, 0, 0), 77);
    assert_int_equal(oc_fbt_vector(&t, 9, 4, &v, &err), OC_OK);
    assert_int_equal(v.len, 2);
    assert_int_equal(oc_fbv_string(&v, 0, &s, &err), OC_OK);
    assert_string_equal(s, "x");
    assert_int_equal(oc_fbv_string(&v, 1, &s, &err), OC_OK);
    assert_string_equal(s, "");
    assert_int_equal(w.buf[dv + 4 + 4], 5);
    free(w.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_buffer),        cmocka_unit_test(test_bad_roots),
        cmocka_unit_test(test_field_beyond_table), cmocka_unit_test(test_bad_vectors),
        cmocka_unit_test(test_bad_strings),        cmocka_unit_test(test_bad_subtables),
        cmocka_unit_test(test_writer_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
