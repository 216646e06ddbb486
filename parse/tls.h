/* tls.h - passive TLS handshake parser: tickets issued, tickets offered,
 * and whether the server resumed.
 *
 * Follows RFC 5246 (TLS 1.2), RFC 5077 (session tickets), RFC 8446 (TLS
 * 1.3) and RFC 8701 (GREASE). Fed the two reassembled byte streams of one
 * TCP connection; detects TLS by content, never by port. Each direction
 * stops at its first encrypted record. No libpcap here: this folder is
 * tested and fuzzed on its own.
 */
#ifndef SW_PARSE_TLS_H
#define SW_PARSE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/endpoint.h"
#include "common/status.h"
#include "parse/ticket.h"

/* Named anomalies of the TLS layer: counted, the flow's TLS state dropped,
 * processing goes on. */
enum sw_tls_anomaly {
    SW_TLS_AN_RECORD_BAD_TYPE,     /* record type not 20..24 mid-stream */
    SW_TLS_AN_RECORD_TOO_LONG,     /* record length > 2^14 + 2048 */
    SW_TLS_AN_HANDSHAKE_MALFORMED, /* a handshake message breaks its
                                      layout (a length overruns) */
    SW_TLS_AN_HANDSHAKE_TOO_LONG,  /* message larger than the buffer cap */
    SW_TLS_AN_UNEXPECTED_MESSAGE,  /* message out of protocol order */
    SW_TLS_AN_GAP_IN_HANDSHAKE,    /* TCP gap before the decision */
    SW_TLS_AN_TOO_MANY_IDENTITIES, /* PSK identities beyond what is kept */
    SW_TLS_AN_SSLV2_HELLO,         /* SSLv2-compatible ClientHello (counted
                                      only; the handshake goes on) */
    SW_TLS_AN_RECORD_BAD_VERSION,  /* record version major not 3 */
    SW_TLS_AN_TOO_MANY_TICKETS,    /* NewSessionTickets beyond those kept */
    SW_TLS_AN_BUFFERS_FULL,        /* message buffers of all connections
                                      at SW_TLS_HELD_MAX */
    SW_TLS_AN_COUNT
};

/* Stable lowercase name of an anomaly ("record-bad-type", ...), for
 * reports; never NULL. */
const char *sw_tls_anomaly_name(enum sw_tls_anomaly a);

struct sw_tls_counters {
    uint64_t connections; /* connections recognised as TLS */
    uint64_t handshakes;  /* handshakes reported */
    uint64_t anomalies[SW_TLS_AN_COUNT];
    size_t held_bytes; /* message buffers allocated now, in all the
                          connections counting here */
};

/* Handshake messages are buffered as their bytes come, up to 256 KiB each;
 * the buffers of all connections sharing one sw_tls_counters stay under
 * this many bytes (anomaly buffers-full drops the connection that would
 * pass it). */
#define SW_TLS_HELD_MAX ((size_t)256 * 1024 * 1024)

/* What the client offered to resume with. Several may be set. */
#define SW_OFFER_TICKET 0x01 /* non-empty session_ticket extension */
#define SW_OFFER_PSK 0x02    /* pre_shared_key identities */
#define SW_OFFER_SESSION_ID                                                    \
    0x04 /* a non-empty legacy session id that is                              \
            not TLS 1.3 middlebox padding: set when                            \
            the client does not offer TLS 1.3, or                              \
            when TLS <= 1.2 was negotiated and the                             \
            server resumed that session id */

enum sw_tls_outcome {
    SW_OUTCOME_UNKNOWN = 0, /* cut before the decision */
    SW_OUTCOME_FULL,        /* nothing offered, full handshake */
    SW_OUTCOME_RESUMED,     /* server accepted what was offered */
    SW_OUTCOME_REJECTED     /* offered, and the server did a full one */
};

enum sw_tls_resumed_by {
    SW_RESUMED_NONE = 0,
    SW_RESUMED_TICKET,    /* TLS <= 1.2 session_ticket */
    SW_RESUMED_PSK,       /* TLS 1.3 pre_shared_key */
    SW_RESUMED_SESSION_ID /* TLS <= 1.2 session id cache, no ticket */
};

#define SW_TLS_MAX_OFFERED 8
#define SW_TLS_MAX_ISSUED 8

/* One ticket as seen on the wire. data is valid only during the sink
 * callback; keep the digest, not the bytes. */
struct sw_tls_ticket {
    const uint8_t *data;
    size_t len;
    uint8_t sha256[32];
    int64_t ts;        /* packet that completed the message */
    uint32_t lifetime; /* NST lifetime hint (s); 0 unspecified */
    uint32_t age;      /* PSK obfuscated_ticket_age, offered only */
    unsigned kind;     /* offered: SW_OFFER_TICKET (session_ticket
                          extension) or SW_OFFER_PSK; issued: 0 */
};

/* One handshake, reported once: when both sides are past it, or when the
 * connection ends first (then the outcome may be unknown). */
struct sw_tls_handshake {
    struct sw_endpoint client, server;
    int64_t ts_client_hello; /* packet completing the (final) ClientHello */
    int64_t ts_decision;     /* packet completing the deciding ServerHello,
                                SW_TIME_NONE when not seen */
    char sni[256];           /* "" when none */
    uint16_t client_version; /* legacy_version of the ClientHello */
    uint16_t version;        /* negotiated; 0 when unknown */
    bool hello_retry;        /* a HelloRetryRequest came first */
    bool asked_ticket;       /* empty session_ticket extension sent */
    unsigned offered;        /* SW_OFFER_* bits */
    size_t n_offered;        /* tickets or PSK identities kept */
    struct sw_tls_ticket offered_tickets[SW_TLS_MAX_OFFERED];
    enum sw_tls_outcome outcome;
    enum sw_tls_resumed_by resumed_by;
    int selected_identity; /* TLS 1.3: index chosen, or -1 */
    size_t n_issued;       /* NewSessionTickets with a ticket */
    struct sw_tls_ticket issued[SW_TLS_MAX_ISSUED];
    bool renewal; /* issued in a resumed handshake */
    bool alert;   /* an alert was seen during the handshake */
    /* Added after the first draft; zero/false/-1 when not seen. */
    int accepted;       /* index in offered_tickets of the ticket the
                           server resumed with, or -1. A TLS 1.2
                           session_ticket comes before the PSK
                           identities, so this may differ from
                           selected_identity. */
    bool ticket_ack;    /* ServerHello echoed session_ticket */
    bool early_data;    /* ClientHello carried early_data */
    unsigned psk_modes; /* SW_PSK_MODE_* bits offered */
};

/* psk_key_exchange_modes offered by the client. */
#define SW_PSK_MODE_KE 0x01  /* psk_ke (0) */
#define SW_PSK_MODE_DHE 0x02 /* psk_dhe_ke (1) */

struct sw_tls_sink {
    void *ctx;
    void (*handshake)(void *ctx, const struct sw_tls_handshake *hs);
};

struct sw_tls_conn;

/* A direction whose first bytes are not TLS is searched on for a record
 * that opens with a hello (STARTTLS in SMTP, IMAP, POP3, XMPP; MySQL's
 * SSLRequest). After this many bytes searched, both directions together
 * and each direction's first byte aside, the connection is not TLS. */
#define SW_TLS_HUNT_MAX 16384

/* A NewSessionTicket body (after the 4-byte handshake header). Pointers
 * point into the parsed bytes. */
struct sw_tls_nst {
    uint32_t lifetime;    /* hint (TLS 1.2) or lifetime (1.3), seconds */
    uint32_t age_add;     /* TLS 1.3 only */
    const uint8_t *nonce; /* TLS 1.3 only */
    size_t nonce_len;
    const uint8_t *ticket;   /* NULL when empty */
    size_t ticket_len;       /* TLS 1.2: 0 means the server declined */
    bool early_data;         /* TLS 1.3 early_data extension present */
    uint32_t max_early_data; /* its max_early_data_size */
};

/* Parse a TLS 1.2 (RFC 5077 3.3) NewSessionTicket body of n bytes.
 * SW_OK and *out filled, or SW_MALFORMED with *out unchanged. */
enum sw_status sw_tls_parse_nst12(const uint8_t *p, size_t n,
                                  struct sw_tls_nst *out);

/* Parse a plaintext TLS 1.3 (RFC 8446 4.6.1) NewSessionTicket body of n
 * bytes (on the wire it is encrypted). SW_OK and *out filled, or
 * SW_MALFORMED (an empty ticket included) with *out unchanged. */
enum sw_status sw_tls_parse_nst13(const uint8_t *p, size_t n,
                                  struct sw_tls_nst *out);

/* A new connection between endpoints a (sends in direction 0) and b
 * (direction 1). Which side is the client is learnt from the bytes. NULL
 * when out of memory. */
struct sw_tls_conn *sw_tls_conn_new(const struct sw_endpoint *a,
                                    const struct sw_endpoint *b,
                                    const struct sw_tls_sink *sink,
                                    struct sw_tls_counters *counters);

/* In-order bytes of direction dir (0 or 1), completed by a packet at ts.
 * TLS is recognised by content, also when it starts later in the stream
 * (see SW_TLS_HUNT_MAX).
 * Returns SW_OK while parsing goes on, SW_UNSUPPORTED when the connection
 * is not TLS or has nothing more to tell (see sw_tls_conn_done),
 * SW_MALFORMED from the call in which a counted anomaly dropped its state
 * (SW_UNSUPPORTED on later calls), SW_NOMEM when a buffer could not be
 * allocated (state dropped too). A handshake already under way is reported
 * through the sink as soon as the connection is done. */
enum sw_status sw_tls_conn_data(struct sw_tls_conn *c, unsigned dir,
                                const uint8_t *p, size_t n, int64_t ts);

/* Bytes of direction dir were lost. Unless that direction was already
 * past its handshake, parsing stops: a handshake still undecided is
 * reported unknown (anomaly SW_TLS_AN_GAP_IN_HANDSHAKE) and the connection
 * is done. */
void sw_tls_conn_gap(struct sw_tls_conn *c, unsigned dir, int64_t ts);

/* True once nothing more can be learnt: both directions past their
 * handshakes, or not TLS, or state dropped. The capture layer may then
 * stop delivering bytes. */
bool sw_tls_conn_done(const struct sw_tls_conn *c);

/* The connection ended: report a pending handshake (unknown if undecided)
 * and free everything. NULL is ignored. */
void sw_tls_conn_end(struct sw_tls_conn *c, int64_t ts);

#endif
