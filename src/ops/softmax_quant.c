/* Quantized SOFTMAX as TFLite runs it (tensorflow/lite/kernels/activations.cc):
 *
 * uint8 / int8 input (output uint8, int8 or int16): TFLite's default kernel is not the
 * fixed-point reference but optimized_ops::Softmax with a float lookup table
 *   table[255 - d] = expf(-s_in * beta * d),  d = max - x in [0, 255];
 *   sum = sum_j table[x_j] (in order, float);  inv = 1 / (sum * s_out);
 *   y = (int)(table[x] * inv + 0.5f) for uint8, roundf(table[x] * inv) + zp_out otherwise.
 * The XNNPACK delegate does not take quantized SOFTMAX (float only), so this is what the
 * reference runtimes (tfjs-tflite, LiteRT) computed; checked bit-exact against them on
 * single-op models.
 *
 * int16 input (output int16, scale 1/32768, zero point 0): reference_ops::SoftmaxInt16 with
 * two 513-entry interpolated Q0.15 tables (exp on [-10, 0], 1 / (1 + x) on [0, 1]) built
 * as TFLite's gen_lut. */
#include "ops/softmax_quant.h"

#include <math.h>
#include <string.h>

#include "core/fixedpoint.h"

/* TFLite gen_lut for int16 -> int16 tables: 512 segments plus the end point, each sample
 * biased by half the midpoint interpolation error. */
static void gen_lut(double (*f)(double), double lo, double hi, int16_t *lut)
{
    const int n = 512;
    const double step = (hi - lo) / n, half = step / 2, sc = 32768.0;
    for (int i = 0; i < n; i++) {
        double val = f(lo + i * step), mid = f(lo + i * step + half), next = f(lo + (i + 1) * step);
        double sample = round(val * sc);
        double interp = round((next * sc + round(val * sc)) / 2);
        double err = interp - round(mid * sc);
        double v = sample - round(err / 2);
        lut[i] = (int16_t)(v < -32768.0 ? -32768.0 : v > 32767.0 ? 32767.0 : v);
    }
    double v = round(f(hi) * sc);
    lut[n] = (int16_t)(v < -32768.0 ? -32768.0 : v > 32767.0 ? 32767.0 : v);
}

static double f_exp(double x)
{
    return exp(x);
}

static double f_recip(double x)
{
    return 1.0 / (1.0 + x);
}

/* TFLite generic_int16_table_lookup: linear interpolation between lut[256 + v/128] and the
 * next entry with the 7 low bits of v. */
static int16_t lut_lookup(int16_t v, const int16_t *lut)
{
    int idx = 256 + (v >> 7), off = v & 0x7f;
    int16_t base = lut[idx], slope = (int16_t)(lut[idx + 1] - lut[idx]);
    int32_t delta = ((int32_t)slope * off + (1 << 6)) >> 7;
    return (int16_t)(base + delta);
}

static bool near(float a, float b)
{
    return fabsf(a - b) <= 0.001f * b;
}

oc_status oc_softmax_q_prepare(oc_ctx *ctx, const oc_op *op, const oc_tensor *in,
                               const oc_tensor *out, float beta, oc_softmax_q *s)
{
    memset(s, 0, sizeof *s);
    s->in = in->dtype;
    s->out = out->dtype;
    if (in->q.count != 1 || out->q.count != 1)
        return oc_op_fail(ctx, op, "quantized softmax needs per-tensor input and output scales");
    float in_scale = in->q.scale[0], out_scale = out->q.scale[0];
    int64_t out_zp = out->q.zero_point[0];
    if (!(in_scale > 0) || !(out_scale > 0)) return oc_op_fail(ctx, op, "scales must be > 0");
    if (in->dtype == OC_I16) {
        if (out->dtype != OC_I16)
            return oc_op_fail(ctx, op, "int16 input needs an int16 output, not %s",
                              oc_dtype_name(out->dtype));
        if (out_zp != 0 || !near(out_scale, 1.f / 32768))
            return oc_op_fail(ctx, op, "int16 output must have scale 1/32768 and zero point 0");
        gen_lut(f_exp, -10.0, 0.0, s->exp_lut);
        gen_lut(f_recip, 0.0, 1.0, s->recip_lut);
        /* input differences scaled so that [-65535, 0] spans [-10, 0] */
        double m = (double)(in_scale * beta) / (10.0 / 65535.0);
        oc_quantize_multiplier(m, &s->in_mult, &s->in_shift);
        return OC_OK;
    }
    if (in->dtype != OC_U8 && in->dtype != OC_I8)
        return oc_op_fail(ctx, op, "unsupported input type %s", oc_dtype_name(in->dtype));
    switch (out->dtype) {
    case OC_U8:
        if (in->dtype != OC_U8) return oc_op_fail(ctx, op, "int8 input cannot give uint8");
        /* TFLite's uint8 rounding ignores the zero point: only 0 is meaningful */
        if (out_zp != 0) return oc_op_fail(ctx, op, "uint8 output zero point must be 0");
        break;
    case OC_I8:
        if (in->dtype != OC_I8) return oc_op_fail(ctx, op, "uint8 input cannot give int8");
        if (out_zp != -128 || !near(out_scale, 1.f / 256))
            return oc_op_fail(ctx, op, "int8 output must have scale 1/256 and zero point -128");
        break;
    case OC_I16:
        if (out_zp < -32768 || out_zp > 32767)
            return oc_op_fail(ctx, op, "int16 output zero point out of range");
        break;
    default: return oc_op_fail(ctx, op, "unsupported output type %s", oc_dtype_name(out->dtype));
    }
    s->out_scale = out_scale;
    s->out_zp = (int32_t)out_zp;
    const float scale = -in_scale * beta;
    for (int32_t v = 0; v <= 255; v++)
        s->table[255 - v] = expf(scale * (float)v);
    return OC_OK;
}

/* One output from its probability p: clamped in float, since a tiny output scale or an
 * overflowing table gives huge or NaN probabilities, which must saturate (NaN gives lo). */
static inline int32_t lut_out(const oc_softmax_q *s, float p, float lo, float hi)
{
    float f = s->out == OC_U8 ? p + 0.5f : roundf(p) + (float)s->out_zp;
    return (int32_t)(f >= lo ? (f <= hi ? f : hi) : lo);
}

/* One row with the float table: TI is the input element type, TO the output. The output
 * depends only on the input value, so long rows map each value once into a byte table. */
#define LUT_ROW(NAME, TI, TO, TMIN, LO, HI)                                                        \
    static void NAME(const oc_softmax_q *s, const void *xv, void *yv, int64_t n)                   \
    {                                                                                              \
        const TI *x = xv;                                                                          \
        TO *y = yv;                                                                                \
        int32_t mx = x[0];                                                                         \
        for (int64_t j = 1; j < n; j++)                                                            \
            if (x[j] > mx) mx = x[j];                                                              \
        const float *t = s->table + 255 - mx;                                                      \
        float sum = 0.f;                                                                           \
        for (int64_t j = 0; j < n; j++)                                                            \
            sum += t[x[j]];                                                                        \
        const float inv = 1.0f / (sum * s->out_scale);                                             \
        if (n <= 256) {                                                                            \
            for (int64_t j = 0; j < n; j++)                                                        \
                y[j] = (TO)lut_out(s, t[x[j]] * inv, (float)LO, (float)HI);                        \
            return;                                                                                \
        }                                                                                          \
        TO ytab[256];                                                                              \
        for (int32_t v = TMIN; v <= mx; v++)                                                       \
            ytab[v - TMIN] = (TO)lut_out(s, t[v] * inv, (float)LO, (float)HI);                     \
        for (int64_t j = 0; j < n; j++)                                                            \
            y[j] = ytab[x[j] - TMIN];                                                              \
    }

LUT_ROW(row_u8_u8, uint8_t, uint8_t, 0, 0, 255)
LUT_ROW(row_u8_i16, uint8_t, int16_t, 0, -32768, 32767)
LUT_ROW(row_i8_i8, int8_t, int8_t, -128, -128, 127)
LUT_ROW(row_i8_i16, int8_t, int16_t, -128, -32768, 32767)

static void row_i16(const oc_softmax_q *s, const void *xv, void *yv, int64_t n)
{
    const int16_t *x = xv;
    int16_t *y = yv; /* holds the exps until the reciprocal is known, as the reference */
    int16_t mx = x[0];
    for (int64_t j = 1; j < n; j++)
        if (x[j] > mx) mx = x[j];
    int32_t sum = 0; /* Q16.15 */
    for (int64_t j = 0; j < n; j++) {
        int32_t d = oc_mul_by_qm((int32_t)x[j] - mx, s->in_mult, s->in_shift) + 32767;
        y[j] = lut_lookup((int16_t)oc_clamp_i32(d, -32768, 32767), s->exp_lut);
        sum += y[j];
    }
    int headroom_plus_one = oc_clz32((uint32_t)sum);
    int32_t shifted = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    int32_t sym = shifted - ((1 << 15) + (1 << 16));
    int16_t recip = lut_lookup((int16_t)oc_clamp_i32(sym, -32768, 32767), s->recip_lut);
    int right = 31 - headroom_plus_one;
    int64_t round_bit = (int64_t)1 << (right - 1);
    for (int64_t j = 0; j < n; j++) {
        int64_t r = ((int64_t)y[j] * recip + round_bit) >> right;
        y[j] = (int16_t)(r < 0 ? 0 : r > 32767 ? 32767 : r);
    }
}

typedef void (*row_fn)(const oc_softmax_q *, const void *, void *, int64_t);

typedef struct {
    const oc_softmax_q *s;
    row_fn fn;
    const uint8_t *x;
    uint8_t *y;
    size_t xsz, ysz;
    int64_t n, rows, per_task;
} smq_job;

static void smq_task(void *arg, size_t task)
{
    const smq_job *j = arg;
    int64_t r0 = (int64_t)task * j->per_task;
    int64_t r1 = r0 + j->per_task < j->rows ? r0 + j->per_task : j->rows;
    for (int64_t r = r0; r < r1; r++)
        j->fn(j->s, j->x + (size_t)(r * j->n) * j->xsz, j->y + (size_t)(r * j->n) * j->ysz, j->n);
}

void oc_softmax_q_eval(const oc_softmax_q *s, const oc_tensor *in, oc_tensor *out,
                       oc_threadpool *pool)
{
    int64_t total = oc_tensor_count(in);
    int64_t n = in->shape.dims[in->shape.rank - 1];
    if (total == 0 || n == 0) return;
    smq_job j = {.s = s,
                 .x = in->data,
                 .y = out->data,
                 .xsz = oc_dtype_size(in->dtype),
                 .ysz = oc_dtype_size(out->dtype),
                 .n = n,
                 .rows = total / n};
    if (s->in == OC_I16)
        j.fn = row_i16;
    else if (s->in == OC_U8)
        j.fn = s->out == OC_U8 ? row_u8_u8 : row_u8_i16;
    else
        j.fn = s->out == OC_I8 ? row_i8_i8 : row_i8_i16;
    int64_t per = 8192 / n;
    j.per_task = per < 1 ? 1 : per;
    size_t ntasks = (size_t)((j.rows + j.per_task - 1) / j.per_task);
    oc_parallel_for(total >= 16384 ? pool : NULL, ntasks, smq_task, &j);
}
