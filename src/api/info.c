/* Model I/O information and per-I/O options: sizes, tensor infos, input shapes, layouts,
 * float I/O types, lookup by name. */
#include "api/session.h"

#include <string.h>

NNFW_STATUS oc_sess_io_size(nnfw_session *s, bool input, uint32_t *number)
{
    const char *what = input ? "input_size" : "output_size";
    if (s->state == OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Model is not loaded", what);
    if (!number)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL,
                            "Error during Session::%s : number is NULL", what);
    *number = (uint32_t)(input ? s->nin : s->nout);
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_tensorinfo(nnfw_session *s, bool input, uint32_t index, nnfw_tensorinfo *ti)
{
    const char *what = input ? "Session::input_tensorinfo" : "Session::output_tensorinfo";
    /* onert checks the state before the pointer. */
    if (s->state == OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE, "Error during %s : Model is not loaded",
                            what);
    if (!ti)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Error during %s : tensorinfo is NULL",
                            what);
    uint32_t n = (uint32_t)(input ? s->nin : s->nout);
    if (index >= n)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during %s : index is out of range", what);
    /* Output shapes change while a run is in flight: read them after nnfw_await. */
    if (!input && s->state == OC_SESS_RUNNING)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during %s : a run is in progress (call nnfw_await first)", what);
    int32_t i = (int32_t)index;
    const oc_tensor *t;
    const oc_shape *shape;
    if (s->state == OC_SESS_MODEL_LOADED) {
        t = input ? oc_sess_graph_input(s, i) : oc_sess_graph_output(s, i);
        shape = &t->shape;
    } else {
        t = input ? oc_exec_input(s->exec, i) : oc_exec_output(s->exec, i);
        shape = input && s->pending[i] ? &s->pending_shape[i] : &t->shape;
    }
    NNFW_STATUS st = oc_sess_fill_info(s, t, shape, ti, what);
    /* After nnfw_set_{input,output}_type(FLOAT32) the application sees a float tensor. */
    const oc_io_opts *o = input ? &s->in_opts[i] : &s->out_opts[i];
    if (st == NNFW_STATUS_NO_ERROR && o->float_type && oc_sess_float_io_ok(t))
        ti->dtype = NNFW_TYPE_TENSOR_FLOAT32;
    return st;
}

NNFW_STATUS oc_sess_set_input_tensorinfo(nnfw_session *s, uint32_t index, const nnfw_tensorinfo *ti)
{
    const char *what = "Session::set_input_tensorinfo";
    if (s->state == OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE, "Error during %s : Model is not loaded",
                            what);
    if (!ti)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Error during %s : tensorinfo is NULL",
                            what);
    if (ti->rank < 0 || ti->rank > NNFW_MAX_RANK)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during %s : Unsupported rank : %d", what,
                            ti->rank);
    for (int32_t i = 0; i < ti->rank; i++)
        if (ti->dims[i] <= 0)
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during %s : dim must be positive integer but was %d", what,
                                ti->dims[i]);
    if (index >= (uint32_t)s->nin)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during %s : index %u is out of range",
                            what, index);
    if (s->state == OC_SESS_RUNNING)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during %s : a run is in progress (call nnfw_await first)", what);
    oc_shape shape = {.rank = ti->rank};
    for (int32_t i = 0; i < ti->rank; i++)
        shape.dims[i] = ti->dims[i];
    if (s->state == OC_SESS_MODEL_LOADED) {
        /* Static shape inference at prepare starts from the graph's input shapes. */
        oc_sess_graph_input(s, (int32_t)index)->shape = shape;
    } else {
        s->pending_shape[index] = shape;
        s->pending[index] = true;
    }
    return NNFW_STATUS_NO_ERROR;
}

/* The per-I/O setters are MODEL_LOADED only. */
static NNFW_STATUS check_loaded(nnfw_session *s, const char *what)
{
    if (s->state != OC_SESS_MODEL_LOADED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::%s : Model is not loaded", what);
    return NNFW_STATUS_NO_ERROR;
}

static NNFW_STATUS io_index(nnfw_session *s, bool input, uint32_t index, const char *what,
                            oc_io_opts **out)
{
    if (s->signature >= 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : %s after signature selection is not "
                            "supported yet",
                            what, what);
    uint32_t n = (uint32_t)(input ? s->nin : s->nout);
    if (index >= n)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::%s : index %u is out of range", what, index);
    *out = input ? &s->in_opts[index] : &s->out_opts[index];
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_layout(nnfw_session *s, bool input, uint32_t index, NNFW_LAYOUT layout)
{
    const char *what = input ? "set_input_layout" : "set_output_layout";
    oc_io_opts *o = NULL;
    NNFW_STATUS st = check_loaded(s, what);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    if (layout != NNFW_LAYOUT_NONE && layout != NNFW_LAYOUT_CHANNELS_FIRST &&
        layout != NNFW_LAYOUT_CHANNELS_LAST)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during Session::%s : Not supported layout",
                            what);
    st = io_index(s, input, index, what, &o);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    o->layout = layout;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_set_io_type(nnfw_session *s, bool input, uint32_t index, NNFW_TYPE type)
{
    const char *what = input ? "set_input_type" : "set_output_type";
    oc_io_opts *o = NULL;
    NNFW_STATUS st = check_loaded(s, what);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    if (type != NNFW_TYPE_TENSOR_FLOAT32)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during Session::%s : Not supported type",
                            what);
    st = io_index(s, input, index, what, &o);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    o->float_type = true;
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_tensorindex(nnfw_session *s, bool input, const char *name, uint32_t *index)
{
    const char *what = "Session::getTensorIndexImpl";
    if (!name)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Error during %s : tensorname is NULL",
                            what);
    if (!index)
        return oc_sess_fail(s, NNFW_STATUS_UNEXPECTED_NULL, "Error during %s : index is NULL",
                            what);
    /* onert dereferences a missing model here; we report the state instead. */
    if (s->state == OC_SESS_INITIALIZED)
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE, "Error during %s : Model is not loaded",
                            what);
    if (strnlen(name, OC_MAX_TENSOR_NAME_LENGTH) >= OC_MAX_TENSOR_NAME_LENGTH)
        return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during %s : tensorname is too long", what);
    const oc_subgraph *sg = &s->graph->subgraphs[0];
    int32_t n = input ? sg->ninputs : sg->noutputs;
    for (int32_t i = 0; i < n; i++) {
        const oc_tensor *t = &sg->tensors[input ? sg->inputs[i] : sg->outputs[i]];
        if (t->name && strcmp(t->name, name) == 0) {
            *index = (uint32_t)i;
            return NNFW_STATUS_NO_ERROR;
        }
    }
    return oc_sess_fail(s, NNFW_STATUS_ERROR, "Error during %s : Tensor not found", what);
}
