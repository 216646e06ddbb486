/* status.h - the one status code every layer of stekwatch returns. */
#ifndef SW_COMMON_STATUS_H
#define SW_COMMON_STATUS_H

enum sw_status {
    SW_OK = 0,
    SW_NEED_MORE,   /* input ends before the structure does; retry later */
    SW_MALFORMED,   /* input breaks the protocol's rules */
    SW_UNSUPPORTED, /* well-formed, but not something stekwatch decodes */
    SW_NOMEM,       /* an allocation or a configured cap refused */
    SW_IO           /* the environment failed: file, interface, disk */
};

/* Short lowercase name of a status, for logs; never NULL. */
const char *sw_status_str(enum sw_status st);

#endif
