/* status.c - names of the status codes. */
#include "common/status.h"

static const char *const names[] = {
    [SW_OK] = "ok",
    [SW_NEED_MORE] = "need-more",
    [SW_MALFORMED] = "malformed",
    [SW_UNSUPPORTED] = "unsupported",
    [SW_NOMEM] = "out-of-memory",
    [SW_IO] = "io-error",
};

const char *sw_status_str(enum sw_status st)
{
    if ((unsigned)st >= sizeof(names) / sizeof(names[0]))
        return "unknown-status";
    return names[st];
}
