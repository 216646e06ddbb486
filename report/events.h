/* events.h - the per-handshake event stream: one JSON object per line.
 *
 * Members, in this order:
 *   "time": the final ClientHello, RFC 3339 UTC with microseconds (null
 *           when unknown);
 *   "client", "server": "address:port";
 *   "sni": the server name, null when none was sent;
 *   "version": negotiated version ("TLSv1.2", "TLSv1.3", "SSLv3",
 *              "TLSv1.0", "TLSv1.1", "0x7f1c" for others), null if unknown;
 *   "offered": the primary thing offered to resume: "psk", else "ticket",
 *              else "session-id", else "none";
 *   "offered_all": every kind offered, in that order ([] for none);
 *   "offered_tickets": [{"key_name", "format", "sha256"[, "raw"]}], one per
 *              ticket or PSK identity, in ClientHello order;
 *   "outcome": "full", "resumed", "rejected" or "unknown";
 *   "resumed_by": "ticket", "psk", "session-id", or null;
 *   "selected_identity": the PSK index the server chose, or null;
 *   "hello_retry", "renewal": booleans;
 *   "issued": [{"key_name", "format", "lifetime_hint", "sha256"[, "raw"]}].
 * Key names are lowercase hex under the format guessed from the ticket
 * alone (sw_ticket_guess_format): the event stream is written as each
 * handshake ends, before the report has learnt each server's format.
 * "key_name" and "format" are null when the ticket is shorter than its key
 * id (or empty): it names no key, so no format applies.
 */
#ifndef SW_REPORT_EVENTS_H
#define SW_REPORT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parse/tls.h"

/* Write one line for hs. Raw ticket bytes are written (hex) only when raw
 * is true. Returns 0, or -1 when writing failed. */
int sw_events_write(FILE *out, const struct sw_tls_handshake *hs, bool raw);

/* Name of a TLS version for reports: "TLSv1.3", or "0xNNNN" for one
 * stekwatch has no name for (written into buf, at least 8 bytes); NULL for
 * 0 (unknown). */
const char *sw_events_version_name(uint16_t v, char *buf, size_t n);

#endif
