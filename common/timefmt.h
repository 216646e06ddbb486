/* timefmt.h - packet times and durations as stekwatch prints and parses
 * them.
 *
 * A time is nanoseconds since the Unix epoch, UTC, taken from the packets
 * and never from the wall clock. SW_TIME_NONE marks "never seen".
 */
#ifndef SW_COMMON_TIMEFMT_H
#define SW_COMMON_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define SW_TIME_NONE INT64_MIN
#define SW_NS_PER_SEC 1000000000LL

/* Longest text the formatters below write, with its NUL. */
#define SW_TIME_STRLEN 40

/* RFC 3339 UTC with microseconds: "2026-12-03T16:28:47.123456Z".
 * SW_TIME_NONE gives "-". Returns buf. */
char *sw_time_rfc3339(int64_t ns, char *buf, size_t n);

/* A duration in nanoseconds as "1d 6h 5m", "42s", "0s"; rounds down to
 * the largest units that matter. Returns buf. */
char *sw_duration_human(int64_t ns, char *buf, size_t n);

/* Parse "90", "90s", "15m", "24h", "7d" (a positive whole number and one
 * optional unit) into nanoseconds. Returns 0 on success, -1 when the text is
 * not such a duration or overflows. */
int sw_duration_parse(const char *text, int64_t *ns);

#endif
