/* endpoint.c - formatting and ordering of address:port pairs. */
#include "common/endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

char *sw_endpoint_format(const struct sw_endpoint *ep, char *buf, size_t n)
{
    char ip[INET6_ADDRSTRLEN];

    if (ep->family == 6) {
        inet_ntop(AF_INET6, ep->addr, ip, sizeof(ip));
        snprintf(buf, n, "[%s]:%u", ip, (unsigned)ep->port);
    } else if (ep->family == 4) {
        inet_ntop(AF_INET, ep->addr, ip, sizeof(ip));
        snprintf(buf, n, "%s:%u", ip, (unsigned)ep->port);
    } else {
        snprintf(buf, n, "-");
    }
    return buf;
}

int sw_endpoint_cmp(const struct sw_endpoint *a, const struct sw_endpoint *b)
{
    int c;

    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    c = memcmp(a->addr, b->addr, sizeof(a->addr));
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return 0;
}
