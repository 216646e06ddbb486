/* timefmt.c - RFC 3339 times and human durations. */
#include "common/timefmt.h"

#include <stdio.h>
#include <time.h>

char *sw_time_rfc3339(int64_t ns, char *buf, size_t n)
{
    struct tm tm;
    time_t secs;
    int64_t frac;

    if (ns == SW_TIME_NONE) {
        snprintf(buf, n, "-");
        return buf;
    }
    secs = (time_t)(ns / SW_NS_PER_SEC);
    frac = ns % SW_NS_PER_SEC;
    if (frac < 0) {
        frac += SW_NS_PER_SEC;
        secs -= 1;
    }
    if (!gmtime_r(&secs, &tm)) {
        snprintf(buf, n, "-");
        return buf;
    }
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(frac / 1000));
    return buf;
}

char *sw_duration_human(int64_t ns, char *buf, size_t n)
{
    int64_t s = ns > 0 ? ns / SW_NS_PER_SEC : 0;
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

    if (d > 0)
        snprintf(buf, n, "%lldd %lldh %lldm", (long long)d, (long long)h,
                 (long long)m);
    else if (h > 0)
        snprintf(buf, n, "%lldh %lldm", (long long)h, (long long)m);
    else if (m > 0)
        snprintf(buf, n, "%lldm %llds", (long long)m, (long long)(s % 60));
    else
        snprintf(buf, n, "%llds", (long long)s);
    return buf;
}

int sw_duration_parse(const char *text, int64_t *ns)
{
    int64_t v = 0, unit = 1;
    const char *p = text;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX / SW_NS_PER_SEC / 86400 - 9) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    switch (*p) {
    case '\0':
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    default:
        return -1;
    }
    if (*p != '\0' && p[1] != '\0')
        return -1;
    if (v == 0)
        return -1;
    *ns = v * unit * SW_NS_PER_SEC;
    return 0;
}
