/* keytable.h - per key name and per server: when each session ticket key
 * was issued, offered, accepted and rejected, and the verdicts drawn from
 * that.
 *
 * Fed one handshake at a time, normally in packet-time order (figures are
 * kept as minima and maxima, so a handshake reported late does not upset
 * them). Keeps SHA-256 digests of issued tickets (never the tickets) to
 * link an issue to its later redemption.
 *
 * How the figures are drawn (the README copies these rules):
 *
 * - Times. An offer is timed by its ClientHello (ts_client_hello), an
 *   acceptance or a rejection by the deciding ServerHello (ts_decision, or
 *   the ClientHello when that is missing), an issue by its
 *   NewSessionTicket.
 * - Offers. Every ticket of the session_ticket extension and every PSK
 *   identity is an offer of its key. Only the one the server took counts
 *   as accepted: the selected identity when resumed by PSK, the first
 *   offered ticket when resumed by ticket (TLS 1.2). When the outcome is
 *   rejected, every offered ticket counts as rejected. Offers in a
 *   handshake resumed by session id, or of unknown outcome, are neither.
 * - A key is "in use" from its first sighting (issued or offered) to its
 *   last issue or accepted redemption; 0 when seen only once, or when it
 *   was never issued or accepted. This observed span is a lower bound of
 *   the key's real life.
 * - Max accepted ticket age: an accepted ticket whose SHA-256 digest was
 *   seen issued gives its age (acceptance - issue); the key keeps the
 *   largest. At most SW_KEYTABLE_DIGEST_CAP digests are kept; the oldest
 *   are evicted first and counted. Digests issued more than the digest
 *   max age (default SW_KEYTABLE_DIGEST_MAX_AGE) before the latest
 *   handshake added are forgotten and counted as expired.
 * - A server is the SNI name, or the server's address:port when the client
 *   sent none.
 * - Ticket format per server: the guess (sw_ticket_guess_format) of the
 *   tickets it issues; offered tickets take the format their server has
 *   shown, or their own guess before it issued any. A server at which 3
 *   or more distinct tickets (issued or offered; a re-offered ticket
 *   counts once) have been seen and whose first 16 bytes never repeated
 *   carries no key id (Go >= 1.21, OpenSSL stateful TLS 1.3): its tickets
 *   are not made into keys from then on, and the entries its earlier
 *   tickets created are not listed (unless a server with key ids saw the
 *   same key). Such a server lists no keys, gets verdict unknown and the
 *   note "no key id in this server's tickets". After
 *   SW_KEYTABLE_NOKEYID_TRACK distinct tickets without a repeat the
 *   decision is final. Caveat: a server seen with only one ticket under
 *   each of 3 keys looks the same (README Limitations).
 * - Rotation seen at a server, when any of:
 *   (a) succession: a key B first sighted after key A, and A's last issue
 *       or accepted redemption is no later than B's first sighting;
 *   (b) a ticket of key A is rejected after a key B first sighted later
 *       than A had appeared (note "rotation seen: ...");
 *   (c) a resumption by a ticket of key A is renewed with a ticket of a
 *       key B first sighted later than A (note "rotation seen: ...").
 * - Observed span of a server: from the first sighting of any of its keys
 *   to the last issue or accepted redemption of any of them.
 * - Verdict against the policy's max_key_age, first rule that applies:
 *   1. no key id in the server's tickets: unknown;
 *   2. stale: any of its keys in use longer than max_key_age (a note
 *      names each such key: "key K in use for 12h 0m (43200.024 s),
 *      longer than the 12h limit");
 *   3. ok: rotation seen, or the observed span is at least max_key_age
 *      (every key then being within the limit, by rule 2);
 *   4. unknown, with a note saying what is missing: "no session tickets
 *      seen", "no key name in the 1 ticket seen (shorter than the key
 *      id)" when its tickets were all too short to name a key, or
 *      "observed for only 2h 3m, less than the 24h limit; no rotation
 *      seen".
 *   Notes compare a duration with a limit or hint as
 *   sw_text_duration_exact and sw_text_limit write them.
 * - Other notes: "ticket accepted after its lifetime hint ran out" (age
 *   above a non-zero hint); "same key name under several server names"
 *   (one stolen key opens them all).
 * - Ordering: keys by first sighting, then key name; servers by name;
 *   a server's keys by first sighting; names, addresses and lifetime
 *   hints ascending.
 */
#ifndef SW_REPORT_KEYTABLE_H
#define SW_REPORT_KEYTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/endpoint.h"
#include "common/status.h"
#include "parse/ticket.h"
#include "parse/tls.h"

struct sw_keytable;

struct sw_policy {
    int64_t max_key_age; /* ns a key may stay in use; default 24h */
};

/* Default number of issued-ticket digests kept for the issue link. */
#define SW_KEYTABLE_DIGEST_CAP 1000000

/* Default age (ns) after which an issued-ticket digest is forgotten. */
#define SW_KEYTABLE_DIGEST_MAX_AGE (7 * 24 * 3600 * 1000000000LL)

/* Distinct tickets tracked per server to decide it has no key id. */
#define SW_KEYTABLE_NOKEYID_TRACK 64

/* A new empty table; NULL when out of memory. */
struct sw_keytable *sw_keytable_new(void);

/* Keep at most cap issued-ticket digests (at least 1). Call before the
 * first sw_keytable_add; later calls are ignored. */
void sw_keytable_set_digest_cap(struct sw_keytable *kt, size_t cap);

/* Forget issued-ticket digests max_age ns older than the latest
 * handshake (0: keep them until the cap evicts them). Takes effect from
 * the next sw_keytable_add. */
void sw_keytable_set_digest_max_age(struct sw_keytable *kt, int64_t max_age);

/* Account one handshake. Returns SW_OK or SW_NOMEM (the table then may
 * miss part of this handshake, but stays consistent). */
enum sw_status sw_keytable_add(struct sw_keytable *kt,
                               const struct sw_tls_handshake *hs);

/* Frees everything; NULL is ignored. */
void sw_keytable_free(struct sw_keytable *kt);

/* Counts over every handshake added. */
struct sw_keytable_totals {
    uint64_t handshakes;
    uint64_t full, resumed, rejected, unknown; /* by outcome */
    uint64_t tickets_issued;                   /* non-empty NewSessionTickets */
    uint64_t tickets_offered; /* tickets and PSK identities offered */
    uint64_t digests_evicted; /* issue links lost to the digest cap */
    uint64_t digests_expired; /* issue links lost to the digest max age */
    uint64_t no_key_name;     /* tickets shorter than their key id */
};

/* Copy the totals into *out. */
void sw_keytable_totals(const struct sw_keytable *kt,
                        struct sw_keytable_totals *out);

enum sw_verdict { SW_VERDICT_OK = 0, SW_VERDICT_STALE, SW_VERDICT_UNKNOWN };

/* "ok", "stale" or "unknown". */
const char *sw_verdict_name(enum sw_verdict v);

/* One listed key. Pointers refer into the table and stay valid until it
 * is changed or freed. Times are SW_TIME_NONE when never seen. */
struct sw_key_view {
    struct sw_keyid id;
    char name[2 * SW_KEYID_MAX + 1]; /* lowercase hex of id.bytes */
    uint64_t issued, offered, accepted, rejected;
    int64_t first_issued, last_issued;
    int64_t first_offered, last_offered;
    int64_t last_accepted, first_rejected;
    int64_t first_seen, last_used;   /* bounds of in_use */
    int64_t in_use;                  /* ns, 0 when one sighting */
    int64_t max_accepted_ticket_age; /* ns, SW_TIME_NONE without a link */
    const char *const *names;        /* SNI names, ascending */
    size_t n_names;
    const struct sw_endpoint *servers; /* address:port, ascending */
    size_t n_servers;
    const uint32_t *lifetime_hints; /* distinct, ascending; 0 unspecified */
    size_t n_hints;
};

struct sw_server_view {
    const char *name;                    /* SNI, or address:port */
    bool by_address;                     /* the client sent no SNI */
    const struct sw_endpoint *addresses; /* ascending */
    size_t n_addresses;
    uint64_t handshakes, resumed;
    size_t *keys; /* indices into sw_analysis.keys, first sighting
                           order */
    size_t n_keys;
    int64_t longest_key_in_use; /* ns; SW_TIME_NONE when no key */
    int64_t observed;           /* observed span, ns */
    bool no_key_id;
    bool rotation_seen;
    enum sw_verdict verdict;
    char **notes; /* in a fixed order, see above */
    size_t n_notes;
};

struct sw_analysis {
    struct sw_key_view *keys;
    size_t n_keys;
    struct sw_server_view *servers;
    size_t n_servers;
    size_t n_stale; /* servers whose verdict is stale */
};

/* Draw keys, servers, verdicts and notes from the table under policy pol
 * (NULL: 24h). On SW_NOMEM *out is left empty. Free with
 * sw_analysis_free. */
enum sw_status sw_keytable_analyse(const struct sw_keytable *kt,
                                   const struct sw_policy *pol,
                                   struct sw_analysis *out);

/* The whole table (keys, servers, their format guesses and rotation
 * findings, totals and the issued-ticket digests, oldest first) as one
 * self-describing byte string, for a state file. *out is malloc'd; the
 * caller frees it. SW_OK or SW_NOMEM (nothing allocated). */
enum sw_status sw_keytable_export(const struct sw_keytable *kt, uint8_t **out,
                                  size_t *len);

/* Load what sw_keytable_export wrote into kt, which must be new and
 * empty; adding handshakes afterwards goes on as if they had followed
 * those of the exported table. Every length and cross reference is
 * checked. SW_OK; SW_MALFORMED for bytes that are not a valid export;
 * SW_UNSUPPORTED for an export of another format version; SW_NOMEM. On
 * failure kt holds part of the data: free it. */
enum sw_status sw_keytable_import(struct sw_keytable *kt, const uint8_t *data,
                                  size_t len);

/* Free what sw_keytable_analyse allocated; NULL and empty are fine. */
void sw_analysis_free(struct sw_analysis *a);

#endif
