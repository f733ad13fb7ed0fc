/* Small helpers for tests that drive models through the public nnfw API. */
#ifndef OC_TESTS_NNFW_TEST_H
#define OC_TESTS_NNFW_TEST_H

#include <stddef.h>

#include "nnfw/nnfw.h"

/* Bytes of one element of an nnfw type. */
size_t nt_elem_size(NNFW_TYPE t);
/* Bytes of a tensor described by ti (dims taken as given). */
size_t nt_info_bytes(const nnfw_tensorinfo *ti);

/* Fails the current cmocka test with the session's last error when `call` does not return
 * NNFW_STATUS_NO_ERROR. `label` names the model in the message. */
#define NT_CHECK(session, label, call)                                                     \
    do {                                                                                   \
        NNFW_STATUS st_ = (call);                                                          \
        if (st_ != NNFW_STATUS_NO_ERROR) {                                                 \
            char msg_[1024] = "";                                                          \
            nnfw_get_last_error_message((session), msg_, sizeof msg_);                     \
            fail_msg("%s: %s failed with status %d: %s", (label), #call, (int)st_, msg_);  \
        }                                                                                  \
    } while (0)

#endif
