/* I/O bindings and execution: nnfw_set_input/output, nnfw_run, nnfw_run_async/await,
 * nnfw_get_output. Inputs are copied into the executor's tensors before each run and outputs
 * copied out after it (transposed when the user asked for channels-first buffers). */
#include "api/session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies a rank-4 tensor between NCHW (user) and NHWC (model). nhwc_dims are the model dims. */
static void transpose4(const void *src, void *dst, const int32_t *d, size_t esize, bool to_nhwc)
{
    const size_t N = (size_t)d[0], H = (size_t)d[1], W = (size_t)d[2], C = (size_t)d[3];
    const unsigned char *s = src;
    unsigned char *o = dst;
    for (size_t n = 0; n < N; n++)
        for (size_t c = 0; c < C; c++)
            for (size_t h = 0; h < H; h++)
                for (size_t w = 0; w < W; w++) {
                    size_t nchw = ((n * C + c) * H + h) * W + w;
                    size_t nhwc = ((n * H + h) * W + w) * C + c;
                    if (to_nhwc)
                        memcpy(o + nhwc * esize, s + nchw * esize, esize);
                    else
                        memcpy(o + nchw * esize, s + nhwc * esize, esize);
                }
}

bool oc_sess_float_io_ok(const oc_tensor *t)
{
    return (t->dtype == OC_U8 || t->dtype == OC_I8 || t->dtype == OC_I16) && t->q.count == 1;
}

/* Float -> quantized as TFLite's Quantize: round half away from zero of x / scale, + zero point,
 * clamped to the type's range. */
static void quantize_buffer(const float *x, const oc_tensor *t, size_t n)
{
    const float scale = t->q.scale[0];
    const int32_t zp = (int32_t)t->q.zero_point[0];
    int32_t lo = t->dtype == OC_U8 ? 0 : t->dtype == OC_I8 ? -128 : -32768;
    int32_t hi = t->dtype == OC_U8 ? 255 : t->dtype == OC_I8 ? 127 : 32767;
    for (size_t i = 0; i < n; i++) {
        float r = roundf(x[i] / scale);
        int32_t q = r >= 2147483520.f ? INT32_MAX : r <= -2147483648.f ? INT32_MIN : (int32_t)r;
        q = q > hi - zp ? hi : q < lo - zp ? lo : q + zp;
        if (t->dtype == OC_U8) ((uint8_t *)t->data)[i] = (uint8_t)q;
        else if (t->dtype == OC_I8) ((int8_t *)t->data)[i] = (int8_t)q;
        else ((int16_t *)t->data)[i] = (int16_t)q;
    }
}

static void dequantize_buffer(const oc_tensor *t, float *y, size_t n)
{
    const float scale = t->q.scale[0];
    const int32_t zp = (int32_t)t->q.zero_point[0];
    for (size_t i = 0; i < n; i++) {
        int32_t q = t->dtype == OC_U8 ? ((const uint8_t *)t->data)[i]
                    : t->dtype == OC_I8 ? ((const int8_t *)t->data)[i]
                                        : ((const int16_t *)t->data)[i];
        y[i] = (float)(q - zp) * scale;
    }
}

/* Bytes the user's buffer must hold for tensor t. */
static size_t user_bytes(const oc_io_binding *b, const oc_tensor *t)
{
    return b->as_float ? (size_t)oc_tensor_count(t) * sizeof(float) : t->bytes;
}

static bool channels_first(const oc_io_opts *o, const oc_tensor *t)
{
    return o->layout == NNFW_LAYOUT_CHANNELS_FIRST && t->shape.rank == 4;
}

static NNFW_STATUS apply_pending_shapes(nnfw_session *s, oc_err *err)
{
    for (int32_t i = 0; i < s->nin; i++) {
        if (!s->pending[i]) continue;
        s->pending[i] = false;
        oc_err e = {{0}};
        oc_status rc = oc_exec_reshape(s->exec, i, &s->pending_shape[i], &e);
        if (rc != OC_OK) {
            char buf[96];
            oc_fail(err, OC_ERROR, "cannot apply input %d shape %s: %s", i,
                    oc_shape_str(&s->pending_shape[i], buf, sizeof buf), e.msg);
            return rc == OC_NOMEM ? NNFW_STATUS_OUT_OF_MEMORY : NNFW_STATUS_ERROR;
        }
    }
    return NNFW_STATUS_NO_ERROR;
}

static NNFW_STATUS write_inputs(nnfw_session *s, oc_err *err)
{
    for (int32_t i = 0; i < s->nin; i++) {
        const oc_io_binding *b = &s->in_bind[i];
        oc_tensor *t = oc_exec_input(s->exec, i);
        if (!b->set) {
            oc_fail(err, OC_ERROR, "input %d is not set (call nnfw_set_input)", i);
            return NNFW_STATUS_ERROR;
        }
        if (!b->buf) { /* absent optional input */
            if (t->bytes > 0 && t->data) memset(t->data, 0, t->bytes);
            continue;
        }
        if (b->len != user_bytes(b, t)) {
            oc_fail(err, OC_ERROR,
                    "input %d: buffer size %zu bytes does not match the tensor size %zu bytes", i,
                    b->len, user_bytes(b, t));
            return NNFW_STATUS_ERROR;
        }
        if (t->bytes == 0) continue;
        if (b->as_float) {
            if (channels_first(&s->in_opts[i], t)) {
                float *tmp = malloc(b->len);
                if (!tmp) return oc_fail(err, OC_NOMEM, "out of memory"), NNFW_STATUS_OUT_OF_MEMORY;
                transpose4(b->buf, tmp, t->shape.dims, sizeof(float), true);
                quantize_buffer(tmp, t, (size_t)oc_tensor_count(t));
                free(tmp);
            } else {
                quantize_buffer(b->buf, t, (size_t)oc_tensor_count(t));
            }
        } else if (channels_first(&s->in_opts[i], t))
            transpose4(b->buf, t->data, t->shape.dims, oc_dtype_size(t->dtype), true);
        else
            memcpy(t->data, b->buf, t->bytes);
    }
    return NNFW_STATUS_NO_ERROR;
}

static NNFW_STATUS check_outputs_bound(nnfw_session *s, oc_err *err)
{
    for (int32_t i = 0; i < s->nout; i++) {
        if (s->out_bind[i].set || s->internal_output_alloc) continue;
        oc_fail(err, OC_ERROR, "output %d is not set (call nnfw_set_output)", i);
        return NNFW_STATUS_ERROR;
    }
    return NNFW_STATUS_NO_ERROR;
}

static NNFW_STATUS read_outputs(nnfw_session *s, oc_err *err)
{
    for (int32_t i = 0; i < s->nout; i++) {
        const oc_io_binding *b = &s->out_bind[i];
        const oc_tensor *t = oc_exec_output(s->exec, i);
        if (b->buf && b->len < user_bytes(b, t)) {
            oc_fail(err, OC_INSUFFICIENT,
                    "output %d: buffer of %zu bytes is smaller than the output (%zu bytes)", i,
                    b->len, user_bytes(b, t));
            return NNFW_STATUS_INSUFFICIENT_OUTPUT_SIZE;
        }
    }
    for (int32_t i = 0; i < s->nout; i++) {
        const oc_io_binding *b = &s->out_bind[i];
        const oc_tensor *t = oc_exec_output(s->exec, i);
        if (!b->buf || t->bytes == 0) continue;
        if (b->as_float) {
            size_t n = (size_t)oc_tensor_count(t);
            if (channels_first(&s->out_opts[i], t)) {
                float *tmp = malloc(n * sizeof(float));
                if (!tmp) return oc_fail(err, OC_NOMEM, "out of memory"), NNFW_STATUS_OUT_OF_MEMORY;
                dequantize_buffer(t, tmp, n);
                transpose4(tmp, b->buf, t->shape.dims, sizeof(float), false);
                free(tmp);
            } else {
                dequantize_buffer(t, b->buf, n);
            }
        } else if (channels_first(&s->out_opts[i], t))
            transpose4(t->data, b->buf, t->shape.dims, oc_dtype_size(t->dtype), false);
        else
            memcpy(b->buf, t->data, t->bytes);
    }
    return NNFW_STATUS_NO_ERROR;
}

/* The run itself, once the input shapes are final. */
static NNFW_STATUS execute_bound(nnfw_session *s, oc_err *err)
{
    NNFW_STATUS st = check_outputs_bound(s, err);
    if (st == NNFW_STATUS_NO_ERROR) st = write_inputs(s, err);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    oc_status rc = oc_exec_run(s->exec, err);
    if (rc != OC_OK) return rc == OC_NOMEM ? NNFW_STATUS_OUT_OF_MEMORY : NNFW_STATUS_ERROR;
    return read_outputs(s, err);
}

NNFW_STATUS oc_sess_execute(nnfw_session *s, oc_err *err)
{
    NNFW_STATUS st = apply_pending_shapes(s, err);
    return st == NNFW_STATUS_NO_ERROR ? execute_bound(s, err) : st;
}

NNFW_STATUS oc_sess_run(nnfw_session *s)
{
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::run : run should be called after prepare");
    oc_err err = {{0}};
    NNFW_STATUS st = oc_sess_execute(s, &err);
    if (st != NNFW_STATUS_NO_ERROR)
        return oc_sess_fail(s, st, "Error during Session::run : %s", err.msg);
    s->state = OC_SESS_FINISHED_RUN;
    return NNFW_STATUS_NO_ERROR;
}

static void *async_main(void *arg)
{
    nnfw_session *s = arg;
    /* Only the worker touches these until nnfw_await joins it; shapes were applied before. */
    s->async_status = execute_bound(s, &s->async_err);
    return NULL;
}

NNFW_STATUS oc_sess_run_async(nnfw_session *s)
{
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::run_async : run_async should be called after "
                            "prepare");
    /* Input shapes change here, in the caller's thread, so that nnfw_input_tensorinfo stays
     * valid while the run is in flight. */
    oc_err err = {{0}};
    NNFW_STATUS st = apply_pending_shapes(s, &err);
    if (st != NNFW_STATUS_NO_ERROR)
        return oc_sess_fail(s, st, "Error during Session::run_async : %s", err.msg);
    s->state_before_run = s->state;
    s->async_status = NNFW_STATUS_NO_ERROR;
    s->async_err.msg[0] = '\0';
    s->state = OC_SESS_RUNNING;
    if (pthread_create(&s->thread, NULL, async_main, s) != 0) {
        s->state = s->state_before_run;
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::run_async : cannot start a thread");
    }
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_await(nnfw_session *s)
{
    if (s->state != OC_SESS_RUNNING)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::run_await : run_await should be called after "
                            "run_async");
    pthread_join(s->thread, NULL);
    if (s->async_status != NNFW_STATUS_NO_ERROR) {
        s->state = s->state_before_run;
        return oc_sess_fail(s, s->async_status, "Error during Session::run_async : %s",
                            s->async_err.msg);
    }
    s->state = OC_SESS_FINISHED_RUN;
    return NNFW_STATUS_NO_ERROR;
}

static NNFW_STATUS bind(nnfw_session *s, bool input, uint32_t index, NNFW_TYPE type,
                        const void *buf, size_t len)
{
    const char *what = input ? "set_input" : "set_output";
    if (!oc_sess_prepared_or_finished(s))
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Invalid state", what);
    if (!buf && len != 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : buffer is NULL but the length is not 0",
                            what);
    uint32_t n = (uint32_t)(input ? s->nin : s->nout);
    if (index >= n)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : index %u is out of range (%u %s)", what,
                            index, n, input ? "inputs" : "outputs");
    oc_io_binding *b = input ? &s->in_bind[index] : &s->out_bind[index];
    b->buf = (void *)buf; /* inputs are only read */
    b->len = len;
    b->set = true;
    const oc_tensor *t = input ? oc_exec_input(s->exec, (int32_t)index)
                               : oc_exec_output(s->exec, (int32_t)index);
    const oc_io_opts *o = input ? &s->in_opts[index] : &s->out_opts[index];
    b->as_float = oc_sess_float_io_ok(t) && (type == NNFW_TYPE_TENSOR_FLOAT32 || o->float_type);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_input(nnfw_session *s, uint32_t index, NNFW_TYPE type, const void *buf,
                              size_t len)
{
    return bind(s, true, index, type, buf, len);
}

NNFW_STATUS oc_sess_set_output(nnfw_session *s, uint32_t index, NNFW_TYPE type, void *buf,
                               size_t len)
{
    return bind(s, false, index, type, buf, len);
}

NNFW_STATUS oc_sess_get_output(nnfw_session *s, uint32_t index, nnfw_tensorinfo *ti,
                               const void **buf)
{
    if (!ti)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::get_output : tensorinfo is NULL");
    if (!buf)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::get_output : output buffer is NULL");
    if (s->state != OC_SESS_FINISHED_RUN)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::get_output : Invalid state");
    if (index >= (uint32_t)s->nout)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::get_output : index is out of range : %u >= %d",
                            index, s->nout);
    if (!s->internal_output_alloc)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::get_output : internal output allocation is "
                            "not enabled : Call nnfw_set_prepare_config(session, "
                            "NNFW_ENABLE_INTERNAL_OUTPUT_ALLOC, \"true\") before nnfw_prepare()");
    const oc_tensor *t = oc_exec_output(s->exec, (int32_t)index);
    NNFW_STATUS st = oc_sess_fill_info(s, t, &t->shape, ti, "Session::get_output");
    if (st != NNFW_STATUS_NO_ERROR) return st;
    *buf = t->data;
    return NNFW_STATUS_NO_ERROR;
}
