/* json.c - JSON and text escaping for the report and the event stream
 * (RFC 8259 strings, RFC 3629 UTF-8 validity). */
#include "report/json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "common/timefmt.h"

/* Length of the valid UTF-8 sequence at the reader's cursor, or 0. */
static size_t utf8_len(const struct sw_reader *r)
{
    uint8_t b0, b;
    size_t n, i;
    uint32_t cp;

    if (!sw_rd_peek_u8(r, 0, &b0))
        return 0;
    if (b0 < 0x80)
        return 1;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
        cp = b0 & 0x1fu;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        cp = b0 & 0x0fu;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        cp = b0 & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if (!sw_rd_peek_u8(r, i, &b) || (b & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (b & 0x3fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

void sw_json_str(FILE *out, const char *s)
{
    struct sw_reader r;
    const uint8_t *p;
    uint8_t c;
    size_t n;

    if (!s) {
        fputs("null", out);
        return;
    }
    sw_rd_init(&r, (const uint8_t *)s, strlen(s));
    fputc('"', out);
    while (!sw_rd_empty(&r)) {
        n = utf8_len(&r);
        if (n > 1 && sw_rd_bytes(&r, n, &p)) {
            fwrite(p, 1, n, out);
            continue;
        }
        if (!sw_rd_u8(&r, &c))
            break;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u%04x", (unsigned)c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void sw_json_hex(FILE *out, const uint8_t *p, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x", (unsigned)p[i]);
    fputc('"', out);
}

void sw_json_time(FILE *out, int64_t ns)
{
    char buf[SW_TIME_STRLEN];

    if (ns == SW_TIME_NONE)
        fputs("null", out);
    else
        fprintf(out, "\"%s\"", sw_time_rfc3339(ns, buf, sizeof(buf)));
}

/* ns as seconds with `digits` decimals (6 or 9), trailing zeros and a
 * bare decimal point dropped: "43200.024". */
static char *seconds_to(int64_t ns, int digits, char *buf, size_t n)
{
    int64_t unit = digits == 6 ? 1000 : 1, per_sec = SW_NS_PER_SEC / unit;
    int64_t v = ns / unit;
    bool neg = v < 0;
    int64_t whole, frac;

    if (neg)
        v = -v;
    whole = v / per_sec;
    frac = v % per_sec;
    if (frac == 0) {
        snprintf(buf, n, "%s%lld", neg ? "-" : "", (long long)whole);
        return buf;
    }
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(buf, n, "%s%lld.%0*lld", neg ? "-" : "", (long long)whole, digits,
             (long long)frac);
    return buf;
}

char *sw_json_seconds(int64_t ns, char *buf, size_t n)
{
    return seconds_to(ns, 6, buf, n);
}

/* Seconds to the nanosecond: "43200.024093". */
static char *seconds_ns(int64_t ns, char *buf, size_t n)
{
    return seconds_to(ns, 9, buf, n);
}

char *sw_text_limit(int64_t ns, char *buf, size_t n)
{
    static const struct {
        int64_t secs;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    char num[32];

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        int64_t u = units[i].secs * SW_NS_PER_SEC;

        if (ns <= 0 || ns % u != 0 || (ns == u && units[i].unit == 'd'))
            continue;
        snprintf(buf, n, "%lld%c", (long long)(ns / u), units[i].unit);
        return buf;
    }
    snprintf(buf, n, "%ss", seconds_ns(ns, num, sizeof(num)));
    return buf;
}

char *sw_text_duration_exact(int64_t ns, char *buf, size_t n)
{
    /* sw_duration_human shows minutes from one hour up, else seconds */
    int64_t shown =
        ns >= 3600 * SW_NS_PER_SEC ? 60 * SW_NS_PER_SEC : SW_NS_PER_SEC;
    char human[SW_TIME_STRLEN], secs[32];

    sw_duration_human(ns, human, sizeof(human));
    if (ns <= 0 || ns % shown == 0)
        snprintf(buf, n, "%s", human);
    else
        snprintf(buf, n, "%s (%s s)", human,
                 seconds_ns(ns, secs, sizeof(secs)));
    return buf;
}

void sw_json_duration(FILE *out, int64_t ns)
{
    char buf[48];

    if (ns == SW_TIME_NONE)
        fputs("null", out);
    else
        fputs(sw_json_seconds(ns, buf, sizeof(buf)), out);
}

void sw_json_endpoint(FILE *out, const struct sw_endpoint *ep)
{
    char buf[SW_ENDPOINT_STRLEN];

    if (!ep || ep->family == 0)
        fputs("null", out);
    else
        sw_json_str(out, sw_endpoint_format(ep, buf, sizeof(buf)));
}

char *sw_text_safe(const char *s)
{
    struct sw_reader r;
    size_t len = strlen(s), o = 0;
    char *d = malloc(len * 4 + 1);
    uint8_t c;

    if (!d)
        return NULL;
    sw_rd_init(&r, (const uint8_t *)s, len);
    while (sw_rd_u8(&r, &c)) {
        if (c == '\\') {
            d[o++] = '\\';
            d[o++] = '\\';
        } else if (c >= 0x20 && c < 0x7f) {
            d[o++] = (char)c;
        } else {
            snprintf(d + o, 5, "\\x%02x", (unsigned)c);
            o += 4;
        }
    }
    d[o] = '\0';
    return d;
}

char *sw_text_join(const char *const *s, size_t n, const char *sep)
{
    size_t len = 1, o = 0, k, seplen = strlen(sep);
    char *d;

    for (size_t i = 0; i < n; i++)
        len += strlen(s[i]) + seplen;
    d = malloc(len);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(d + o, sep, seplen);
            o += seplen;
        }
        k = strlen(s[i]);
        memcpy(d + o, s[i], k);
        o += k;
    }
    d[o] = '\0';
    return d;
}
