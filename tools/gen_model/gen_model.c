/* gen_model: writes small deterministic models with our own model builder.
 *   gen_model demo_cnn <out.circle>
 * demo_cnn: float32[1,32,32,3] -> CONV_2D 3x3/1 SAME 8ch RELU -> DEPTHWISE_CONV_2D 3x3/2 SAME
 * RELU6 -> MAX_POOL_2D 2x2/2 -> CONV_2D 1x1 16ch -> MEAN(H,W) -> FULLY_CONNECTED 10 ->
 * SOFTMAX -> float32[1,10]. Weights come from a fixed formula, so every build writes the same
 * bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/model_builder.h"

/* BuiltinOperator codes and BuiltinOptions union tags used here. */
enum {
    OP_CONV_2D = 3,
    OP_DEPTHWISE_CONV_2D = 4,
    OP_FULLY_CONNECTED = 9,
    OP_MAX_POOL_2D = 17,
    OP_SOFTMAX = 25,
    OP_MEAN = 40
};
enum {
    OPT_CONV = 1,
    OPT_DEPTHWISE = 2,
    OPT_POOL = 5,
    OPT_FC = 8,
    OPT_SOFTMAX = 9,
    OPT_REDUCER = 27
};
enum { PAD_SAME = 0, PAD_VALID = 1 };
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU6 = 3 };

/* n weights: scale * sin(a*i + b), a smooth deterministic pattern of both signs. */
static float *weights(size_t n, double a, double b, double scale)
{
    float *w = malloc(n * sizeof *w);
    if (!w) return NULL;
    for (size_t i = 0; i < n; i++)
        w[i] = (float)(scale * sin(a * (double)i + b));
    return w;
}

/* A float32 constant tensor holding n formula weights. */
static int const_f32(oc_mb *mb, int sg, int rank, const int32_t *dims, double a, double b,
                     double scale, const char *name)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    float *w = weights(n, a, b, scale);
    if (!w) return -1;
    int buf = oc_mb_buffer(mb, w, n * sizeof *w);
    free(w);
    return oc_mb_tensor(mb, sg, OC_F32, rank, dims, buf, name);
}

static int act(oc_mb *mb, int sg, int rank, const int32_t *dims, const char *name)
{
    return oc_mb_tensor(mb, sg, OC_F32, rank, dims, 0, name);
}

static oc_status build_demo_cnn(uint8_t **out, size_t *size, oc_err *err)
{
    oc_mb *mb = oc_mb_create();
    if (!mb) return OC_NOMEMF(err);
    oc_mb_description(mb, "onert-c demo CNN (gen_model demo_cnn)");
    int sg = oc_mb_subgraph(mb, "main");

    int input = act(mb, sg, 4, (int32_t[]){1, 32, 32, 3}, "input");

    /* CONV_2D 3x3, stride 1, SAME, 8 channels, RELU. Filter OHWI. */
    int w1 = const_f32(mb, sg, 4, (int32_t[]){8, 3, 3, 3}, 0.37, 0.1, 0.35, "conv1/filter");
    int b1 = const_f32(mb, sg, 1, (int32_t[]){8}, 1.1, 0.5, 0.1, "conv1/bias");
    int t1 = act(mb, sg, 4, (int32_t[]){1, 32, 32, 8}, "conv1/relu");
    oc_mb_opts *o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, PAD_SAME);
    oc_mb_opts_i32(o, 1, 1);
    oc_mb_opts_i32(o, 2, 1);
    oc_mb_opts_i8(o, 3, ACT_RELU);
    oc_mb_opts_i32(o, 4, 1);
    oc_mb_opts_i32(o, 5, 1);
    oc_mb_op(mb, sg, OP_CONV_2D, NULL, 3, (int32_t[]){input, w1, b1}, 1, (int32_t[]){t1}, OPT_CONV,
             o);

    /* DEPTHWISE_CONV_2D 3x3, stride 2, SAME, multiplier 1, RELU6. Filter 1HWC. */
    int w2 = const_f32(mb, sg, 4, (int32_t[]){1, 3, 3, 8}, 0.53, 0.7, 0.45, "dw/filter");
    int b2 = const_f32(mb, sg, 1, (int32_t[]){8}, 0.9, 1.5, 0.05, "dw/bias");
    int t2 = act(mb, sg, 4, (int32_t[]){1, 16, 16, 8}, "dw/relu6");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, PAD_SAME);
    oc_mb_opts_i32(o, 1, 2);
    oc_mb_opts_i32(o, 2, 2);
    oc_mb_opts_i32(o, 3, 1);
    oc_mb_opts_i8(o, 4, ACT_RELU6);
    oc_mb_opts_i32(o, 5, 1);
    oc_mb_opts_i32(o, 6, 1);
    oc_mb_op(mb, sg, OP_DEPTHWISE_CONV_2D, NULL, 3, (int32_t[]){t1, w2, b2}, 1, (int32_t[]){t2},
             OPT_DEPTHWISE, o);

    /* MAX_POOL_2D 2x2, stride 2, VALID. */
    int t3 = act(mb, sg, 4, (int32_t[]){1, 8, 8, 8}, "pool");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, PAD_VALID);
    oc_mb_opts_i32(o, 1, 2);
    oc_mb_opts_i32(o, 2, 2);
    oc_mb_opts_i32(o, 3, 2);
    oc_mb_opts_i32(o, 4, 2);
    oc_mb_opts_i8(o, 5, ACT_NONE);
    oc_mb_op(mb, sg, OP_MAX_POOL_2D, NULL, 1, (int32_t[]){t2}, 1, (int32_t[]){t3}, OPT_POOL, o);

    /* CONV_2D 1x1, 16 channels, no activation. */
    int w4 = const_f32(mb, sg, 4, (int32_t[]){16, 1, 1, 8}, 0.29, 2.0, 0.4, "conv2/filter");
    int b4 = const_f32(mb, sg, 1, (int32_t[]){16}, 0.7, 0.3, 0.1, "conv2/bias");
    int t4 = act(mb, sg, 4, (int32_t[]){1, 8, 8, 16}, "conv2");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, PAD_VALID);
    oc_mb_opts_i32(o, 1, 1);
    oc_mb_opts_i32(o, 2, 1);
    oc_mb_opts_i8(o, 3, ACT_NONE);
    oc_mb_op(mb, sg, OP_CONV_2D, NULL, 3, (int32_t[]){t3, w4, b4}, 1, (int32_t[]){t4}, OPT_CONV, o);

    /* MEAN over H and W (constant axes), keep_dims false. */
    int32_t axes[2] = {1, 2};
    int ab = oc_mb_buffer(mb, axes, sizeof axes);
    int ta = oc_mb_tensor(mb, sg, OC_I32, 1, (int32_t[]){2}, ab, "mean/axes");
    int t5 = act(mb, sg, 2, (int32_t[]){1, 16}, "mean");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_bool(o, 0, false);
    oc_mb_op(mb, sg, OP_MEAN, NULL, 2, (int32_t[]){t4, ta}, 1, (int32_t[]){t5}, OPT_REDUCER, o);

    /* FULLY_CONNECTED 16 -> 10. Weights [out, in]. */
    int w6 = const_f32(mb, sg, 2, (int32_t[]){10, 16}, 0.61, 0.9, 0.5, "fc/weights");
    int b6 = const_f32(mb, sg, 1, (int32_t[]){10}, 1.3, 0.2, 0.1, "fc/bias");
    int t6 = act(mb, sg, 2, (int32_t[]){1, 10}, "fc");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_i8(o, 0, ACT_NONE);
    oc_mb_op(mb, sg, OP_FULLY_CONNECTED, NULL, 3, (int32_t[]){t5, w6, b6}, 1, (int32_t[]){t6},
             OPT_FC, o);

    /* SOFTMAX, beta 1. */
    int output = act(mb, sg, 2, (int32_t[]){1, 10}, "output");
    o = oc_mb_opts_new(mb);
    oc_mb_opts_f32(o, 0, 1.0f);
    oc_mb_op(mb, sg, OP_SOFTMAX, NULL, 1, (int32_t[]){t6}, 1, (int32_t[]){output}, OPT_SOFTMAX, o);

    oc_mb_io(mb, sg, 1, (int32_t[]){input}, 1, (int32_t[]){output});
    oc_status st = oc_mb_finish(mb, "CIR0", out, size, err);
    oc_mb_destroy(mb);
    return st;
}

static int usage(void)
{
    fprintf(stderr, "usage: gen_model demo_cnn <out.circle>\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3) return usage();
    oc_err err = {{0}};
    uint8_t *bytes = NULL;
    size_t size = 0;
    oc_status st;
    if (strcmp(argv[1], "demo_cnn") == 0)
        st = build_demo_cnn(&bytes, &size, &err);
    else
        return usage();
    if (st == OC_OK) st = oc_mb_write_file(argv[2], bytes, size, &err);
    free(bytes);
    if (st != OC_OK) {
        fprintf(stderr, "gen_model: %s\n", err.msg);
        return 1;
    }
    return 0;
}
