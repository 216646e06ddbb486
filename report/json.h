/* json.h - small writers shared by the report and the event stream: JSON
 * strings with escaping, hex, times, durations; and the escaping of
 * untrusted text for terminal and CSV output.
 */
#ifndef SW_REPORT_JSON_H
#define SW_REPORT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/endpoint.h"

/* s as a quoted JSON string; NULL gives null. Valid UTF-8 passes through;
 * a byte that is not part of valid UTF-8 is written as \u00XX (its
 * Latin-1 reading), so the document stays valid. */
void sw_json_str(FILE *out, const char *s);

/* n bytes as a quoted lowercase hex string. */
void sw_json_hex(FILE *out, const uint8_t *p, size_t n);

/* An RFC 3339 UTC time with microseconds, quoted; SW_TIME_NONE gives
 * null. */
void sw_json_time(FILE *out, int64_t ns);

/* A duration as a number of seconds with up to six decimals ("86400",
 * "1.5"); SW_TIME_NONE gives null. */
void sw_json_duration(FILE *out, int64_t ns);

/* "address:port" quoted; an unset endpoint gives null. */
void sw_json_endpoint(FILE *out, const struct sw_endpoint *ep);

/* Seconds as sw_json_duration writes them, without null: into buf. */
char *sw_json_seconds(int64_t ns, char *buf, size_t n);

/* A limit (the policy's max key age, a lifetime hint) as the user would
 * type it: the largest of d, h, m, s that divides it exactly ("2d", "90m",
 * "45s"), except that one day is "24h", the default as the options name
 * it. Less than a whole second: seconds with decimals ("0.5s"). Returns
 * buf. */
char *sw_text_limit(int64_t ns, char *buf, size_t n);

/* A measured duration for a note that compares it with a limit: the
 * rounded-down "1d 6h 5m" of sw_duration_human, followed by the exact
 * seconds to the nanosecond when the rounding dropped any ("12h 0m
 * (43200.024 s)", but "3d 0h 0m"), so that a value just over the limit
 * shows why. Returns buf. */
char *sw_text_duration_exact(int64_t ns, char *buf, size_t n);

/* Copy s for a terminal or a CSV cell: printable ASCII is kept, a
 * backslash doubled, any other byte written as \xNN. Returns a new string
 * (free it), or NULL when out of memory. */
char *sw_text_safe(const char *s);

/* The n strings joined with sep, in a new string (free it); NULL when out
 * of memory. n 0 gives "". */
char *sw_text_join(const char *const *s, size_t n, const char *sep);

#endif
