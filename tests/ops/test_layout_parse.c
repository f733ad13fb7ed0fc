/* The options parsers of the data-movement ops, on hand-built flatbuffer tables (scalar and
 * int-vector fields, absent fields, absent tables), and a malformed vector. */
#include "layout_test.h"
#include "core/flatbuf.h"
#include "ops/layout_params.h"

/* One table field: absent, a 4-byte scalar, or an int32 vector. */
typedef struct pf {
    int kind; /* 0 absent, 1 scalar, 2 vector */
    int32_t scalar;
    int n;
    const int32_t *vec;
} pf;

#define ABSENT                                                                                     \
    {                                                                                              \
        0, 0, 0, NULL                                                                              \
    }
#define SCALAR(v)                                                                                  \
    {                                                                                              \
        1, (int32_t)(v), 0, NULL                                                                   \
    }
#define VEC(a, n)                                                                                  \
    {                                                                                              \
        2, 0, (n), (a)                                                                             \
    }

typedef struct pbuf {
    uint8_t bytes[512] __attribute__((aligned(8)));
    size_t size;
} pbuf;

/* root | vtable | table (4-byte slots) | vectors; opens the table into *t. */
static void build(pbuf *b, const pf *f, int n, oc_fbt *t, int32_t bad_len)
{
    memset(b, 0, sizeof *b);
    uint16_t vt_size = (uint16_t)(4 + 2 * n), tbl_size = (uint16_t)(4 + 4 * n);
    uint32_t vt = 4, tbl = 4 + ((vt_size + 3u) & ~3u), pos = tbl + tbl_size;
    memcpy(b->bytes, &tbl, 4);
    memcpy(b->bytes + vt, &vt_size, 2);
    memcpy(b->bytes + vt + 2, &tbl_size, 2);
    int32_t soff = (int32_t)(tbl - vt);
    memcpy(b->bytes + tbl, &soff, 4);
    for (int i = 0; i < n; i++) {
        uint16_t off = f[i].kind ? (uint16_t)(4 + 4 * i) : 0;
        memcpy(b->bytes + vt + 4 + 2 * i, &off, 2);
        uint32_t slot = tbl + 4 + 4 * (uint32_t)i;
        if (f[i].kind == 1) memcpy(b->bytes + slot, &f[i].scalar, 4);
        if (f[i].kind == 2) {
            uint32_t rel = pos - slot;
            memcpy(b->bytes + slot, &rel, 4);
            int32_t len = bad_len ? bad_len : f[i].n;
            memcpy(b->bytes + pos, &len, 4);
            memcpy(b->bytes + pos + 4, f[i].vec, 4 * (size_t)f[i].n);
            pos += 4 + 4 * (uint32_t)f[i].n;
        }
    }
    b->size = pos;
    oc_err err;
    assert_int_equal(oc_fb_root(b->bytes, b->size, t, &err), OC_OK);
}

static oc_mem g_mem;

/* Parses with def into op (options from fields, or an absent table when n < 0). */
static oc_status parse(const oc_op_def *def, oc_op *op, pbuf *b, const pf *f, int n)
{
    memset(op, 0, sizeof *op);
    op->def = def;
    if (n >= 0) build(b, f, n, &op->options, 0);
    oc_err err;
    return def->parse(op, &g_mem, &err);
}

static void test_reshape_squeeze(void **state)
{
    (void)state;
    oc_op op;
    pbuf b;
    const int32_t shape[3] = {1, -1, 7};
    pf f[1] = {VEC(shape, 3)};
    assert_int_equal(parse(&oc_op_RESHAPE, &op, &b, f, 1), OC_OK);
    const oc_reshape_params *rp = op.params;
    assert_int_equal(rp->ndims, 3);
    assert_int_equal(rp->dims[1], -1);
    assert_int_equal(rp->dims[2], 7);
    assert_int_equal(parse(&oc_op_RESHAPE, &op, &b, NULL, -1), OC_OK); /* no options: scalar */
    assert_int_equal(((const oc_reshape_params *)op.params)->ndims, 0);
    const int32_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    pf f9[1] = {VEC(nine, 9)};
    assert_int_equal(parse(&oc_op_RESHAPE, &op, &b, f9, 1), OC_ERROR); /* rank > 8 */
    /* a vector whose length runs past the buffer */
    memset(&op, 0, sizeof op);
    op.def = &oc_op_RESHAPE;
    build(&b, f, 1, &op.options, 1000);
    oc_err err;
    assert_int_equal(oc_op_RESHAPE.parse(&op, &g_mem, &err), OC_ERROR);

    const int32_t axes[2] = {0, -1};
    pf s[1] = {VEC(axes, 2)};
    assert_int_equal(parse(&oc_op_SQUEEZE, &op, &b, s, 1), OC_OK);
    const oc_squeeze_params *sp = op.params;
    assert_int_equal(sp->naxes, 2);
    assert_int_equal(sp->axes[1], -1);
}

static void test_scalar_options(void **state)
{
    (void)state;
    oc_op op;
    pbuf b;
    pf cf[2] = {SCALAR(-1), SCALAR(OC_ACT_RELU6)};
    assert_int_equal(parse(&oc_op_CONCATENATION, &op, &b, cf, 2), OC_OK);
    const oc_concat_params *cp = op.params;
    assert_int_equal(cp->axis, -1);
    assert_int_equal(cp->activation, OC_ACT_RELU6);

    pf sf[1] = {SCALAR(3)};
    assert_int_equal(parse(&oc_op_SPLIT, &op, &b, sf, 1), OC_OK);
    assert_int_equal(((const oc_split_params *)op.params)->num_splits, 3);
    assert_int_equal(parse(&oc_op_SPLIT_V, &op, &b, sf, 1), OC_OK);
    assert_int_equal(((const oc_split_params *)op.params)->num_splits, 3);

    pf pk[2] = {SCALAR(4), SCALAR(-2)};
    assert_int_equal(parse(&oc_op_PACK, &op, &b, pk, 2), OC_OK);
    assert_int_equal(((const oc_pack_params *)op.params)->count, 4);
    assert_int_equal(((const oc_pack_params *)op.params)->axis, -2);
    assert_int_equal(parse(&oc_op_UNPACK, &op, &b, pk, 2), OC_OK);
    assert_int_equal(((const oc_pack_params *)op.params)->axis, -2);

    pf ss[6] = {SCALAR(1), SCALAR(2), SCALAR(4), SCALAR(8), SCALAR(16), SCALAR(1)};
    assert_int_equal(parse(&oc_op_STRIDED_SLICE, &op, &b, ss, 6), OC_OK);
    const oc_strided_slice_params *sp = op.params;
    assert_int_equal(sp->begin_mask, 1);
    assert_int_equal(sp->end_mask, 2);
    assert_int_equal(sp->ellipsis_mask, 4);
    assert_int_equal(sp->new_axis_mask, 8);
    assert_int_equal(sp->shrink_axis_mask, 16);
    assert_true(sp->offset);
    pf ss5[5] = {SCALAR(1), ABSENT, ABSENT, ABSENT, SCALAR(2)}; /* older schema: no offset */
    assert_int_equal(parse(&oc_op_STRIDED_SLICE, &op, &b, ss5, 5), OC_OK);
    sp = op.params;
    assert_int_equal(sp->end_mask, 0);
    assert_int_equal(sp->shrink_axis_mask, 2);
    assert_false(sp->offset);

    pf g[2] = {SCALAR(2), SCALAR(1)};
    assert_int_equal(parse(&oc_op_GATHER, &op, &b, g, 2), OC_OK);
    assert_int_equal(((const oc_gather_params *)op.params)->axis, 2);
    assert_int_equal(((const oc_gather_params *)op.params)->batch_dims, 1);

    pf m[1] = {SCALAR(OC_MIRROR_SYMMETRIC)};
    assert_int_equal(parse(&oc_op_MIRROR_PAD, &op, &b, m, 1), OC_OK);
    assert_int_equal(((const oc_mirror_pad_params *)op.params)->mode, OC_MIRROR_SYMMETRIC);

    pf bs[1] = {SCALAR(4)};
    assert_int_equal(parse(&oc_op_SPACE_TO_DEPTH, &op, &b, bs, 1), OC_OK);
    assert_int_equal(((const oc_block_params *)op.params)->block_size, 4);
    assert_int_equal(parse(&oc_op_DEPTH_TO_SPACE, &op, &b, bs, 1), OC_OK);
    assert_int_equal(((const oc_block_params *)op.params)->block_size, 4);

    pf sh[1] = {SCALAR(OC_I64)};
    assert_int_equal(parse(&oc_op_SHAPE, &op, &b, sh, 1), OC_OK);
    assert_true(((const oc_shape_params *)op.params)->has_out_type);
    assert_int_equal(((const oc_shape_params *)op.params)->out_type, OC_I64);
    assert_int_equal(parse(&oc_op_SHAPE, &op, &b, NULL, -1), OC_OK);
    assert_false(((const oc_shape_params *)op.params)->has_out_type);
}

static void test_absent_tables_give_defaults(void **state)
{
    (void)state;
    oc_op op;
    pbuf b;
    assert_int_equal(parse(&oc_op_CONCATENATION, &op, &b, NULL, -1), OC_OK);
    assert_int_equal(((const oc_concat_params *)op.params)->axis, 0);
    assert_int_equal(parse(&oc_op_GATHER, &op, &b, NULL, -1), OC_OK);
    assert_int_equal(((const oc_gather_params *)op.params)->batch_dims, 0);
    assert_int_equal(parse(&oc_op_MIRROR_PAD, &op, &b, NULL, -1), OC_OK);
    assert_int_equal(((const oc_mirror_pad_params *)op.params)->mode, OC_MIRROR_REFLECT);
    assert_int_equal(parse(&oc_op_STRIDED_SLICE, &op, &b, NULL, -1), OC_OK);
    assert_false(((const oc_strided_slice_params *)op.params)->offset);
    /* ops without options have no parser */
    const oc_op_def *none[] = {&oc_op_TRANSPOSE,
                               &oc_op_SLICE,
                               &oc_op_PAD,
                               &oc_op_PADV2,
                               &oc_op_TILE,
                               &oc_op_BROADCAST_TO,
                               &oc_op_EXPAND_DIMS,
                               &oc_op_GATHER_ND,
                               &oc_op_SPACE_TO_BATCH_ND,
                               &oc_op_BATCH_TO_SPACE_ND,
                               &oc_op_RANK,
                               &oc_op_FILL,
                               &oc_op_RANGE,
                               &oc_op_REVERSE_V2,
                               &oc_op_DEQUANTIZE,
                               &oc_op_DENSIFY};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        assert_null(none[i]->parse);
        assert_non_null(none[i]->prepare);
        assert_non_null(none[i]->eval);
    }
}

static int teardown(void **state)
{
    (void)state;
    oc_mem_free_all(&g_mem);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_squeeze),
        cmocka_unit_test(test_scalar_options),
        cmocka_unit_test(test_absent_tables_give_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
