/* endpoint.h - an IP address and TCP port, as the layers hand them on. */
#ifndef SW_COMMON_ENDPOINT_H
#define SW_COMMON_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

struct sw_endpoint {
    uint8_t family;   /* 4 or 6; 0 for unset */
    uint8_t addr[16]; /* IPv4 in the first 4 bytes, rest zero */
    uint16_t port;
};

/* Longest text sw_endpoint_format() writes, with its NUL. */
#define SW_ENDPOINT_STRLEN 56

/* Write "192.0.2.1:443" or "[2001:db8::1]:443" into buf (at least
 * SW_ENDPOINT_STRLEN bytes). Returns buf. */
char *sw_endpoint_format(const struct sw_endpoint *ep, char *buf, size_t n);

/* Order endpoints (family, address, port) like memcmp: <0, 0, >0. */
int sw_endpoint_cmp(const struct sw_endpoint *a, const struct sw_endpoint *b);

#endif
