/* report.h - the run's report: key table, servers and verdicts as a
 * terminal table, one JSON document (schema 1) or CSV.
 *
 * Text: a header (sources, packets, time range, flows, handshakes by
 * outcome, tickets, anomalies, max key age, verdict counts), then the
 * servers table, the notes ("server: note"), the keys table. Times UTC to
 * the second, durations "1d 6h 5m", the max key age as sw_text_limit
 * writes it ("24h", "2d"), untrusted names escaped as \xNN.
 * JSON: schema 1 of issue 4, members in that order. Times RFC 3339 UTC
 * with microseconds or null; durations seconds (up to six decimals), null
 * when unknown (max_accepted_ticket_age without a link, longest_key_in_use
 * of a server without keys). The anomalies map holds the run's non-zero
 * counters plus the key table's own ("report_digests_evicted",
 * "report_ticket_without_key_name"), sorted by name. Digests forgotten at
 * their max age are housekeeping, not an anomaly, and are not listed.
 * CSV: a header row, then one row per server and key (servers by name,
 * keys by first sighting; a server without keys gets one row with empty
 * key cells): server, server_addresses (";"-joined), verdict, handshakes,
 * resumed, longest_key_in_use, key_name, format, issued, first_issued,
 * last_issued, offered, first_offered, last_offered, accepted, last_accepted,
 * rejected, first_rejected, max_accepted_ticket_age, lifetime_hints
 * (";"-joined), in_use, key_server_names (";"-joined), notes ("; "-joined), and
 * for a live capture kernel_received, kernel_dropped, kernel_if_dropped. Times
 * and durations as in JSON, empty when none. RFC 4180 quoting, LF line
 * ends. JSON adds "kernel": {"received", "dropped", "if_dropped"} at the
 * end of "capture" for a live capture only.
 */
#ifndef SW_REPORT_REPORT_H
#define SW_REPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "report/keytable.h"

enum sw_report_format { SW_FMT_TEXT = 0, SW_FMT_JSON, SW_FMT_CSV };

/* A named count, such as an anomaly. */
struct sw_counter {
    const char *name;
    uint64_t value;
};

/* What the capture and parse layers saw, for the report's header. */
struct sw_run_info {
    const char *const *sources; /* files or interfaces, in order */
    size_t n_sources;
    uint64_t packets, bytes;
    int64_t first_packet, last_packet; /* SW_TIME_NONE when no packet */
    uint64_t flows;
    const struct sw_counter *anomalies; /* only non-zero ones needed */
    size_t n_anomalies;
    int have_kernel_stats; /* live capture: the three below are valid */
    uint64_t kernel_recv, kernel_drop, kernel_ifdrop;
};

/* Write the report. Returns 0 when every server's verdict is ok or
 * unknown, 1 when any server is stale, -1 when writing failed. */
int sw_report_write(FILE *out, enum sw_report_format fmt,
                    const struct sw_keytable *kt, const struct sw_run_info *run,
                    const struct sw_policy *pol);

#endif
