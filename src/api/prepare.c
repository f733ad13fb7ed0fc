/* nnfw_prepare: checks the requested options, creates the executor, sets up I/O bindings. */
#include "api/session.h"

#include <stdlib.h>
#include <string.h>

/* Backend names onert-c answers to: everything runs on its CPU backend. */
static const char *const known_backends[] = {"cpu", "ruy", "xnnpack", "builtin"};

static bool backend_known(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof known_backends / sizeof known_backends[0]; i++)
        if (strlen(known_backends[i]) == len && strncmp(known_backends[i], name, len) == 0)
            return true;
    return false;
}

/* onert skips backends it cannot load; prepare fails only when none is left. */
static NNFW_STATUS check_backends(nnfw_session *s)
{
    if (s->backends[0] == '\0') return NNFW_STATUS_NO_ERROR;
    const char *p = s->backends;
    while (*p) {
        size_t len = strcspn(p, ";");
        if (backend_known(p, len)) return NNFW_STATUS_NO_ERROR;
        p += len;
        if (*p == ';') p++;
    }
    return oc_sess_fail(s, NNFW_STATUS_ERROR,
                        "Error during Session::prepare : none of the backends \"%s\" is "
                        "available (onert-c provides: cpu)",
                        s->backends);
}

static NNFW_STATUS check_options(nnfw_session *s)
{
    NNFW_STATUS st = check_backends(s);
    if (st != NNFW_STATUS_NO_ERROR) return st;
    if (strcmp(s->executor, "Linear") != 0 && strcmp(s->executor, "Dataflow") != 0 &&
        strcmp(s->executor, "Parallel") != 0)
        return oc_sess_fail(s, NNFW_STATUS_ERROR,
                            "Error during Session::prepare : unknown executor \"%s\"", s->executor);
    for (int32_t i = 0; i < s->nin + s->nout; i++) {
        bool in = i < s->nin;
        int32_t k = in ? i : i - s->nin;
        const oc_io_opts *o = in ? &s->in_opts[k] : &s->out_opts[k];
        const oc_tensor *t = in ? oc_sess_graph_input(s, k) : oc_sess_graph_output(s, k);
        if (o->float_type && t->dtype != OC_F32 && !oc_sess_float_io_ok(t))
            return oc_sess_fail(s, NNFW_STATUS_ERROR,
                                "Error during Session::prepare : float buffers for %s %d of type "
                                "%s are not supported (per-tensor uint8/int8/int16 only)",
                                in ? "input" : "output", k, oc_dtype_name(t->dtype));
    }
    return NNFW_STATUS_NO_ERROR;
}

NNFW_STATUS oc_sess_prepare(nnfw_session *s)
{
    if (s->state != OC_SESS_MODEL_LOADED) {
        if (s->state == OC_SESS_INITIALIZED)
            return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                                "Error during Session::prepare : prepare should be called once");
        return oc_sess_fail(s, NNFW_STATUS_INVALID_STATE,
                            "Error during Session::prepare : Invalid state");
    }
    NNFW_STATUS st = check_options(s);
    if (st != NNFW_STATUS_NO_ERROR) return st;

    size_t nin = (size_t)s->nin + 1, nout = (size_t)s->nout + 1; /* never 0-sized */
    s->in_bind = calloc(nin, sizeof *s->in_bind);
    s->out_bind = calloc(nout, sizeof *s->out_bind);
    s->pending_shape = calloc(nin, sizeof *s->pending_shape);
    s->pending = calloc(nin, sizeof *s->pending);
    /* The executor borrows the kernels: give it a snapshot that later registrations leave
     * alone. */
    s->exec_custom = calloc((size_t)s->ncustom + 1, sizeof *s->exec_custom);
    s->exec_fns = calloc((size_t)s->ncustom + 1, sizeof *s->exec_fns);
    if (!s->in_bind || !s->out_bind || !s->pending_shape || !s->pending || !s->exec_custom ||
        !s->exec_fns) {
        oc_sess_drop_exec(s);
        return oc_sess_fail(s, NNFW_STATUS_OUT_OF_MEMORY,
                            "Error during Session::prepare : out of memory");
    }
    for (int32_t i = 0; i < s->ncustom; i++) {
        s->exec_fns[i] = s->custom[i].eval;
        s->exec_custom[i].name = s->custom[i].name; /* freed only with the session */
        s->exec_custom[i].invoke = oc_sess_invoke_custom;
        s->exec_custom[i].user = &s->exec_fns[i];
    }
    s->nexec_custom = s->ncustom;

    oc_exec_options opt = {
        .num_threads = s->num_threads,
        .custom = s->exec_custom,
        .ncustom = s->nexec_custom,
    };
    oc_err err = {{0}};
    oc_status rc = oc_exec_create(s->graph, &opt, &s->exec, &err);
    if (rc != OC_OK) {
        oc_sess_drop_exec(s);
        return oc_sess_fail(s, rc == OC_NOMEM ? NNFW_STATUS_OUT_OF_MEMORY : NNFW_STATUS_ERROR,
                            "Error during Session::prepare : %s", err.msg);
    }
    s->state = OC_SESS_PREPARED;
    return NNFW_STATUS_NO_ERROR;
}

/* Describes one tensor to a user kernel; absent optional inputs get rank 0 and no data. */
static void to_operand(const oc_tensor *t, nnfw_operand *o)
{
    memset(o, 0, sizeof *o);
    if (!t) return;
    NNFW_TYPE type = NNFW_TYPE_TENSOR_FLOAT32;
    oc_sess_nnfw_type(t, &type);
    o->type.dtype = type;
    o->type.rank = t->shape.rank < NNFW_MAX_RANK ? t->shape.rank : NNFW_MAX_RANK;
    for (int32_t i = 0; i < o->type.rank; i++)
        o->type.dims[i] = t->shape.dims[i];
    o->allocation = t->data;
}

void oc_sess_invoke_custom(void *user, oc_tensor *const *inputs, int32_t ninputs,
                           oc_tensor *const *outputs, int32_t noutputs, const oc_op *op)
{
    nnfw_custom_eval fn = *(nnfw_custom_eval *)user;
    nnfw_operand ins[64], outs[64]; /* the CUSTOM op caps both counts at 64 */
    if (ninputs > 64 || noutputs > 64) return;
    for (int32_t i = 0; i < ninputs; i++)
        to_operand(inputs[i], &ins[i]);
    for (int32_t i = 0; i < noutputs; i++)
        to_operand(outputs[i], &outs[i]);
    nnfw_custom_kernel_params params = {
        .ninputs = (size_t)ninputs,
        .inputs = ins,
        .noutputs = (size_t)noutputs,
        .outputs = outs,
    };
    fn(&params, (char *)op->custom_options, op->custom_options_size);
}
