/* tls.c - passive TLS handshake parser: records, handshake messages,
 * tickets offered and issued, and the server's decision.
 *
 * RFC 5246 (TLS 1.2), RFC 5077 (tickets), RFC 6066 (server_name), RFC 8446
 * (TLS 1.3), RFC 8701 (GREASE), RFC 5246 E.2 (SSLv2-compatible hello).
 * Each direction runs a record reassembler feeding a handshake message
 * reassembler; a direction stops at its first encrypted record.
 */
#include "parse/tls.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "common/reader.h"
#include "common/timefmt.h"

#define REC_HDR_LEN 5
#define REC_MAX (16384 + 2048) /* ciphertext bound, RFC 5246 6.2.3 */
#define MSG_HDR_LEN 4
#define MSG_MAX (256 * 1024) /* largest message body kept */
#define SID_MAX 32
#define HUNT_WIN 6      /* record header and handshake type */
#define MBUF_FIRST 4096 /* first allocation of a message buffer */

enum content_type {
    CT_CCS = 20,
    CT_ALERT = 21,
    CT_HANDSHAKE = 22,
    CT_APPDATA = 23,
    CT_HEARTBEAT = 24
};

enum hs_type {
    HT_CLIENT_HELLO = 1,
    HT_SERVER_HELLO = 2,
    HT_NEW_SESSION_TICKET = 4,
    HT_HELLO_RETRY_DRAFT = 6, /* TLS 1.3 drafts before 22 */
    HT_CERTIFICATE = 11,
    HT_SERVER_KEY_EXCHANGE = 12,
    HT_CERTIFICATE_REQUEST = 13,
    HT_SERVER_HELLO_DONE = 14,
    HT_CLIENT_KEY_EXCHANGE = 16
};

enum ext_type {
    EXT_SERVER_NAME = 0,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_EARLY_DATA = 42,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_PSK_MODES = 45
};

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") as ServerHello.random. */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

static const char *const anomaly_names[SW_TLS_AN_COUNT] = {
    [SW_TLS_AN_RECORD_BAD_TYPE] = "record-bad-type",
    [SW_TLS_AN_RECORD_TOO_LONG] = "record-too-long",
    [SW_TLS_AN_HANDSHAKE_MALFORMED] = "handshake-malformed",
    [SW_TLS_AN_HANDSHAKE_TOO_LONG] = "handshake-too-long",
    [SW_TLS_AN_UNEXPECTED_MESSAGE] = "unexpected-message",
    [SW_TLS_AN_GAP_IN_HANDSHAKE] = "gap-in-handshake",
    [SW_TLS_AN_TOO_MANY_IDENTITIES] = "too-many-identities",
    [SW_TLS_AN_SSLV2_HELLO] = "sslv2-hello",
    [SW_TLS_AN_RECORD_BAD_VERSION] = "record-bad-version",
    [SW_TLS_AN_TOO_MANY_TICKETS] = "too-many-tickets",
    [SW_TLS_AN_BUFFERS_FULL] = "buffers-full",
};

/* One direction's reassembly state. */
struct tls_dir {
    bool seen;  /* a first record header completed */
    bool done;  /* past the handshake: further bytes ignored */
    bool sslv2; /* the current record is an SSLv2 ClientHello */
    uint8_t hdr[REC_HDR_LEN];
    size_t hdr_len;
    uint8_t type; /* content type of the current record */
    size_t rec_len, rec_got;
    uint8_t alert_level;
    bool any_msg; /* a handshake message header completed */
    uint8_t mhdr[MSG_HDR_LEN];
    size_t mhdr_len;
    uint8_t mtype;
    size_t mlen, mgot;
    uint8_t *mbuf; /* body being kept (SSLv2 record too), or NULL */
    size_t mcap;   /* bytes allocated at mbuf */
    bool mkeep;    /* the current message's body is kept */
    bool hunting;  /* first bytes were not TLS: look for a later start */
    uint8_t win[HUNT_WIN];
    size_t win_len;
};

struct sw_tls_conn {
    struct sw_endpoint ep[2];
    struct sw_tls_sink sink;
    struct sw_tls_counters *ctr;
    struct tls_dir d[2];
    int client_dir;   /* -1 until a hello tells */
    size_t hunt_left; /* bytes the hunt may still look at, both ways */
    bool done, reported, failed;
    /* What the client said. */
    unsigned n_ch;
    bool offers13;
    unsigned offered; /* SW_OFFER_TICKET / SW_OFFER_PSK */
    uint8_t cli_sid[SID_MAX];
    size_t cli_sid_len;
    int psk_first; /* offered_tickets index of PSK identity 0, or -1 */
    /* What the server said. */
    bool hrr, sh_seen, tls13, full, abbreviated, psk_selected;
    uint16_t psk_index;
    uint8_t srv_sid[SID_MAX];
    size_t srv_sid_len;
    /* Copies of ticket bytes, freed after the report. */
    uint8_t *offered_copy[SW_TLS_MAX_OFFERED];
    uint8_t *issued_copy[SW_TLS_MAX_ISSUED];
    struct sw_tls_handshake hs;
};

const char *sw_tls_anomaly_name(enum sw_tls_anomaly a)
{
    if ((unsigned)a >= SW_TLS_AN_COUNT)
        return "unknown-anomaly";
    return anomaly_names[a];
}

static bool is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static bool is_tls13(uint16_t v)
{
    return v == 0x0304 || (v >> 8) == 0x7f; /* final or draft */
}

/* TLS 1.3 drafts 0..21 (0x7f00 + n) used another ServerHello layout. */
static bool is_old_draft(uint16_t v)
{
    return (v >> 8) == 0x7f && (v & 0xff) < 22;
}

/* SHA-256 of a ticket. The algorithm is fetched and the context made
 * once: fetching them for every ticket cost more than hashing it. The
 * parser is single-threaded, like the rest of stekwatch. */
static void digest(const uint8_t *p, size_t n, uint8_t out[32])
{
    static EVP_MD *md;
    static EVP_MD_CTX *ctx;
    static const uint8_t none[1];
    unsigned int len = 32;

    if (!md) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
        ctx = EVP_MD_CTX_new();
    }
    if (!md || !ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
        EVP_DigestUpdate(ctx, n ? p : none, n) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1)
        memset(out, 0, 32);
}

/* ---- reporting -------------------------------------------------------- */

static bool decided(const struct sw_tls_conn *c)
{
    return c->sh_seen && (c->tls13 || c->full || c->abbreviated);
}

static bool sid_echoed(const struct sw_tls_conn *c)
{
    return c->cli_sid_len > 0 && c->cli_sid_len == c->srv_sid_len &&
           memcmp(c->cli_sid, c->srv_sid, c->cli_sid_len) == 0;
}

static void decide_tls13(struct sw_tls_conn *c, unsigned offered)
{
    struct sw_tls_handshake *hs = &c->hs;

    if (!c->psk_selected) {
        hs->outcome = offered ? SW_OUTCOME_REJECTED : SW_OUTCOME_FULL;
        return;
    }
    hs->outcome = SW_OUTCOME_RESUMED;
    hs->resumed_by = SW_RESUMED_PSK;
    hs->selected_identity = c->psk_index;
    if (c->psk_first >= 0 &&
        (size_t)c->psk_first + c->psk_index < hs->n_offered)
        hs->accepted = c->psk_first + c->psk_index;
}

static void decide_tls12(struct sw_tls_conn *c, unsigned offered)
{
    struct sw_tls_handshake *hs = &c->hs;

    if (c->full) {
        hs->outcome = offered ? SW_OUTCOME_REJECTED : SW_OUTCOME_FULL;
        return;
    }
    if (!c->abbreviated)
        return;
    hs->outcome = SW_OUTCOME_RESUMED;
    if (offered & SW_OFFER_TICKET) {
        hs->resumed_by = SW_RESUMED_TICKET;
        hs->accepted = 0; /* the session_ticket extension comes first */
    } else if (sid_echoed(c)) {
        hs->resumed_by = SW_RESUMED_SESSION_ID;
    }
}

/* Fill the derived fields of hs from what both sides said. */
static void finalize(struct sw_tls_conn *c)
{
    struct sw_tls_handshake *hs = &c->hs;
    unsigned offered = c->offered;
    int cdir = c->client_dir < 0 ? 0 : c->client_dir;

    hs->client = c->ep[cdir];
    hs->server = c->ep[1 - cdir];
    /* A session id from a TLS 1.3 client may be middlebox padding: it
     * counts as an offer only when TLS 1.3 was not offered, or when a
     * TLS <= 1.2 server resumed it. */
    if (c->cli_sid_len > 0 &&
        (!c->offers13 || (c->sh_seen && !c->tls13 && !c->full &&
                          c->abbreviated && sid_echoed(c))))
        offered |= SW_OFFER_SESSION_ID;
    hs->offered = offered;
    hs->outcome = SW_OUTCOME_UNKNOWN;
    hs->resumed_by = SW_RESUMED_NONE;
    hs->selected_identity = -1;
    hs->accepted = -1;
    if (c->sh_seen && c->tls13)
        decide_tls13(c, offered);
    else if (c->sh_seen)
        decide_tls12(c, offered);
    hs->renewal = hs->outcome == SW_OUTCOME_RESUMED && hs->n_issued > 0;
}

static void free_tickets(struct sw_tls_conn *c)
{
    size_t i;

    for (i = 0; i < SW_TLS_MAX_OFFERED; i++) {
        free(c->offered_copy[i]);
        c->offered_copy[i] = NULL;
    }
    for (i = 0; i < SW_TLS_MAX_ISSUED; i++) {
        free(c->issued_copy[i]);
        c->issued_copy[i] = NULL;
    }
}

/* Report the handshake once, if one was under way, and finish. */
static void report(struct sw_tls_conn *c)
{
    c->done = true;
    if (c->reported || c->client_dir < 0)
        return;
    c->reported = true;
    finalize(c);
    if (c->ctr)
        c->ctr->handshakes++;
    if (c->sink.handshake)
        c->sink.handshake(c->sink.ctx, &c->hs);
    free_tickets(c);
}

static void free_mbuf(struct sw_tls_conn *c, struct tls_dir *d)
{
    if (c->ctr)
        c->ctr->held_bytes -= d->mcap;
    free(d->mbuf);
    d->mbuf = NULL;
    d->mcap = 0;
}

static void drop_buffers(struct sw_tls_conn *c)
{
    unsigned i;

    for (i = 0; i < 2; i++) {
        free_mbuf(c, &c->d[i]);
        c->d[i].done = true;
    }
}

/* A counted anomaly: drop the TLS state, report what was learnt. */
static enum sw_status fail(struct sw_tls_conn *c, enum sw_tls_anomaly a)
{
    if (c->ctr)
        c->ctr->anomalies[a]++;
    SW_LOG(SW_LOG_DEBUG, "tls: %s, connection state dropped",
           sw_tls_anomaly_name(a));
    c->failed = true;
    drop_buffers(c);
    report(c);
    return SW_MALFORMED;
}

/* Not TLS (by content): quietly give up. */
static enum sw_status not_tls(struct sw_tls_conn *c)
{
    drop_buffers(c);
    report(c);
    return SW_UNSUPPORTED;
}

static enum sw_status no_memory(struct sw_tls_conn *c)
{
    c->failed = true;
    drop_buffers(c);
    report(c);
    return SW_NOMEM;
}

static void count(struct sw_tls_conn *c, enum sw_tls_anomaly a)
{
    if (c->ctr)
        c->ctr->anomalies[a]++;
}

/* Room for need bytes at d->mbuf, of a body of total bytes. The buffer
 * grows with the bytes that come, doubling, not with the length the peer
 * announces: a stream announcing 256 KiB and sending 9 bytes costs little.
 * Buffers of all connections sharing the counters stay under
 * SW_TLS_HELD_MAX. SW_OK, or the status of the failure (state dropped). */
static enum sw_status reserve(struct sw_tls_conn *c, struct tls_dir *d,
                              size_t need, size_t total)
{
    size_t ncap = d->mcap ? d->mcap : MBUF_FIRST;
    uint8_t *nb;

    if (need <= d->mcap)
        return SW_OK;
    while (ncap < need)
        ncap *= 2;
    if (ncap > total)
        ncap = total;
    if (c->ctr && c->ctr->held_bytes + (ncap - d->mcap) > SW_TLS_HELD_MAX)
        return fail(c, SW_TLS_AN_BUFFERS_FULL);
    nb = realloc(d->mbuf, ncap);
    if (!nb)
        return no_memory(c);
    if (c->ctr)
        c->ctr->held_bytes += ncap - d->mcap;
    d->mbuf = nb;
    d->mcap = ncap;
    return SW_OK;
}

/* ---- tickets ---------------------------------------------------------- */

static void clear_offers(struct sw_tls_conn *c)
{
    struct sw_tls_handshake *hs = &c->hs;
    size_t i;

    for (i = 0; i < SW_TLS_MAX_OFFERED; i++) {
        free(c->offered_copy[i]);
        c->offered_copy[i] = NULL;
    }
    memset(hs->offered_tickets, 0, sizeof(hs->offered_tickets));
    hs->n_offered = 0;
    hs->sni[0] = '\0';
    hs->asked_ticket = false;
    hs->early_data = false;
    hs->psk_modes = 0;
    c->offered = 0;
    c->offers13 = false;
    c->psk_first = -1;
    c->cli_sid_len = 0;
}

/* Keep a copy of ticket bytes in slot t; false when out of memory. */
static bool keep_ticket(uint8_t **copy, struct sw_tls_ticket *t,
                        struct sw_reader *bytes, int64_t ts)
{
    size_t n = sw_rd_left(bytes);

    memset(t, 0, sizeof(*t));
    *copy = malloc(n ? n : 1);
    if (!*copy)
        return false;
    if (!sw_rd_copy(bytes, *copy, n))
        return false;
    t->data = *copy;
    t->len = n;
    t->ts = ts;
    digest(t->data, n, t->sha256);
    return true;
}

/* ---- ClientHello ------------------------------------------------------ */

static bool parse_sni(struct sw_tls_conn *c, struct sw_reader *ext)
{
    struct sw_reader list, name;
    uint8_t type, ch;
    size_t i = 0;

    if (!sw_rd_vec16(ext, &list) || !sw_rd_empty(ext))
        return false;
    while (!sw_rd_empty(&list)) {
        if (!sw_rd_u8(&list, &type) || !sw_rd_vec16(&list, &name))
            return false;
        if (type != 0 || c->hs.sni[0] != '\0')
            continue;
        /* Printable ASCII only: the name goes into reports verbatim. */
        while (i < sizeof(c->hs.sni) - 1 && sw_rd_u8(&name, &ch))
            c->hs.sni[i++] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '?';
        c->hs.sni[i] = '\0';
    }
    return true;
}

static bool parse_versions(struct sw_tls_conn *c, struct sw_reader *ext)
{
    struct sw_reader list;
    uint16_t v;

    if (!sw_rd_vec8(ext, &list) || !sw_rd_empty(ext) || sw_rd_left(&list) < 2 ||
        sw_rd_left(&list) % 2 != 0)
        return false;
    while (sw_rd_u16(&list, &v)) {
        if (!is_grease(v) && is_tls13(v))
            c->offers13 = true;
    }
    return true;
}

static bool parse_psk_modes(struct sw_tls_conn *c, struct sw_reader *ext)
{
    struct sw_reader list;
    uint8_t m;

    if (!sw_rd_vec8(ext, &list) || !sw_rd_empty(ext) || sw_rd_empty(&list))
        return false;
    while (sw_rd_u8(&list, &m)) {
        if (m == 0)
            c->hs.psk_modes |= SW_PSK_MODE_KE;
        else if (m == 1)
            c->hs.psk_modes |= SW_PSK_MODE_DHE;
    }
    return true;
}

/* Returns SW_OK, SW_MALFORMED (not yet counted) or SW_NOMEM. */
static enum sw_status parse_psk(struct sw_tls_conn *c, struct sw_reader *ext,
                                int64_t ts)
{
    struct sw_tls_handshake *hs = &c->hs;
    struct sw_reader ids, binders, id;
    uint32_t age;
    bool too_many = false;

    if (!sw_rd_vec16(ext, &ids) || !sw_rd_vec16(ext, &binders) ||
        !sw_rd_empty(ext) || sw_rd_empty(&ids) || sw_rd_empty(&binders))
        return SW_MALFORMED;
    c->offered |= SW_OFFER_PSK;
    c->psk_first = (int)hs->n_offered;
    while (!sw_rd_empty(&ids)) {
        if (!sw_rd_vec16(&ids, &id) || sw_rd_empty(&id) ||
            !sw_rd_u32(&ids, &age))
            return SW_MALFORMED;
        if (hs->n_offered == SW_TLS_MAX_OFFERED) {
            too_many = true;
            continue;
        }
        if (!keep_ticket(&c->offered_copy[hs->n_offered],
                         &hs->offered_tickets[hs->n_offered], &id, ts))
            return SW_NOMEM;
        hs->offered_tickets[hs->n_offered].age = age;
        hs->offered_tickets[hs->n_offered].kind = SW_OFFER_PSK;
        hs->n_offered++;
    }
    if (too_many)
        count(c, SW_TLS_AN_TOO_MANY_IDENTITIES);
    return SW_OK;
}

static enum sw_status ch_extension(struct sw_tls_conn *c, uint16_t type,
                                   struct sw_reader *ext, int64_t ts)
{
    struct sw_tls_handshake *hs = &c->hs;

    switch (type) {
    case EXT_SERVER_NAME:
        return parse_sni(c, ext) ? SW_OK : SW_MALFORMED;
    case EXT_SUPPORTED_VERSIONS:
        return parse_versions(c, ext) ? SW_OK : SW_MALFORMED;
    case EXT_PSK_MODES:
        return parse_psk_modes(c, ext) ? SW_OK : SW_MALFORMED;
    case EXT_PRE_SHARED_KEY:
        return parse_psk(c, ext, ts);
    case EXT_EARLY_DATA:
        hs->early_data = true;
        return sw_rd_empty(ext) ? SW_OK : SW_MALFORMED;
    case EXT_SESSION_TICKET:
        if (sw_rd_empty(ext)) {
            hs->asked_ticket = true;
            return SW_OK;
        }
        c->offered |= SW_OFFER_TICKET;
        if (hs->n_offered == SW_TLS_MAX_OFFERED)
            return SW_OK; /* cannot happen: pre_shared_key comes last */
        if (!keep_ticket(&c->offered_copy[hs->n_offered],
                         &hs->offered_tickets[hs->n_offered], ext, ts))
            return SW_NOMEM;
        hs->offered_tickets[hs->n_offered].kind = SW_OFFER_TICKET;
        hs->n_offered++;
        return SW_OK;
    default:
        return SW_OK; /* GREASE and everything else: not needed */
    }
}

/* The extensions block of a ClientHello, consumed exactly. */
static enum sw_status ch_extensions(struct sw_tls_conn *c,
                                    struct sw_reader *exts, int64_t ts)
{
    struct sw_reader ext;
    uint64_t seen = 0;
    uint16_t type;
    enum sw_status st;

    while (!sw_rd_empty(exts)) {
        if (!sw_rd_u16(exts, &type) || !sw_rd_vec16(exts, &ext))
            return SW_MALFORMED;
        /* RFC 8446 4.2: no type twice; pre_shared_key last. */
        if (type < 64 && (seen & (UINT64_C(1) << type)))
            return SW_MALFORMED;
        if (type < 64)
            seen |= UINT64_C(1) << type;
        if (type == EXT_PRE_SHARED_KEY && !sw_rd_empty(exts))
            return SW_MALFORMED;
        st = ch_extension(c, type, &ext, ts);
        if (st != SW_OK)
            return st;
    }
    return SW_OK;
}

static enum sw_status parse_client_hello(struct sw_tls_conn *c,
                                         struct sw_reader *r, int64_t ts)
{
    struct sw_reader sid, suites, comp, exts;
    uint16_t version;
    enum sw_status st;

    if (!sw_rd_u16(r, &version) || !sw_rd_skip(r, 32) || !sw_rd_vec8(r, &sid) ||
        sw_rd_left(&sid) > SID_MAX || !sw_rd_vec16(r, &suites) ||
        sw_rd_left(&suites) < 2 || sw_rd_left(&suites) % 2 != 0 ||
        !sw_rd_vec8(r, &comp) || sw_rd_empty(&comp))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    /* A second ClientHello (after a HelloRetryRequest) replaces the
     * first one's offers. */
    clear_offers(c);
    c->n_ch++;
    c->hs.client_version = version;
    c->hs.ts_client_hello = ts;
    c->cli_sid_len = sw_rd_left(&sid);
    sw_rd_copy(&sid, c->cli_sid, c->cli_sid_len);
    if (sw_rd_empty(r))
        return SW_OK; /* no extensions at all: legal */
    if (!sw_rd_vec16(r, &exts) || !sw_rd_empty(r))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    st = ch_extensions(c, &exts, ts);
    if (st == SW_MALFORMED)
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    if (st == SW_NOMEM)
        return no_memory(c);
    return SW_OK;
}

/* RFC 5246 E.2: the body of an SSLv2-compatible ClientHello after its
 * version; it carries no extensions, hence no ticket. */
static enum sw_status parse_sslv2_hello(struct sw_tls_conn *c, unsigned dir,
                                        int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader r, h;
    uint16_t specs, sid, challenge, version;

    sw_rd_init(&h, d->hdr, REC_HDR_LEN);
    sw_rd_skip(&h, 3);
    sw_rd_u16(&h, &version);
    sw_rd_init(&r, d->mbuf, d->rec_len);
    if (!sw_rd_u16(&r, &specs) || !sw_rd_u16(&r, &sid) ||
        !sw_rd_u16(&r, &challenge) || specs == 0 || specs % 3 != 0 ||
        (sid != 0 && sid != 16) || challenge < 16 || challenge > 32 ||
        !sw_rd_skip(&r, (size_t)specs + sid + challenge) || !sw_rd_empty(&r))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    count(c, SW_TLS_AN_SSLV2_HELLO);
    clear_offers(c);
    c->n_ch++;
    c->hs.client_version = version;
    c->hs.ts_client_hello = ts;
    return SW_OK;
}

/* ---- ServerHello and NewSessionTicket --------------------------------- */

static bool sh_extensions(struct sw_tls_conn *c, struct sw_reader *exts,
                          uint16_t *version)
{
    struct sw_reader ext;
    uint16_t type, v;

    while (!sw_rd_empty(exts)) {
        if (!sw_rd_u16(exts, &type) || !sw_rd_vec16(exts, &ext))
            return false;
        switch (type) {
        case EXT_SUPPORTED_VERSIONS:
            if (!sw_rd_u16(&ext, &v) || !sw_rd_empty(&ext))
                return false;
            *version = v;
            break;
        case EXT_SESSION_TICKET:
            if (!sw_rd_empty(&ext))
                return false;
            c->hs.ticket_ack = true;
            break;
        case EXT_PRE_SHARED_KEY:
            if (!sw_rd_u16(&ext, &v) || !sw_rd_empty(&ext))
                return false;
            c->psk_selected = true;
            c->psk_index = v;
            break;
        default:
            break;
        }
    }
    return true;
}

static enum sw_status parse_server_hello(struct sw_tls_conn *c,
                                         struct sw_reader *r, int64_t ts)
{
    struct sw_reader sid, exts;
    const uint8_t *random;
    uint16_t version, suite;
    uint8_t comp;

    if (!sw_rd_u16(r, &version) || !sw_rd_bytes(r, 32, &random))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    sw_rd_init(&sid, NULL, 0);
    if (is_old_draft(version)) {
        /* TLS 1.3 drafts before 22: no session id, no compression. */
        if (!sw_rd_u16(r, &suite))
            return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    } else if (!sw_rd_vec8(r, &sid) || sw_rd_left(&sid) > SID_MAX ||
               !sw_rd_u16(r, &suite) || !sw_rd_u8(r, &comp)) {
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    }
    sw_rd_init(&exts, NULL, 0);
    if (!sw_rd_empty(r) && (!sw_rd_vec16(r, &exts) || !sw_rd_empty(r)))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    if (memcmp(random, hrr_random, sizeof(hrr_random)) == 0) {
        /* Not the deciding hello: the client will try again. */
        struct sw_tls_conn scratch = {0};

        if (c->hrr || !sh_extensions(&scratch, &exts, &version))
            return fail(c, c->hrr ? SW_TLS_AN_UNEXPECTED_MESSAGE
                                  : SW_TLS_AN_HANDSHAKE_MALFORMED);
        c->hrr = true;
        c->hs.hello_retry = true;
        return SW_OK;
    }
    if (!sh_extensions(c, &exts, &version))
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    c->sh_seen = true;
    c->hs.version = version;
    c->hs.ts_decision = ts;
    c->srv_sid_len = sw_rd_left(&sid);
    sw_rd_copy(&sid, c->srv_sid, c->srv_sid_len);
    if (is_tls13(version)) {
        /* Everything after this is encrypted, both ways. */
        c->tls13 = true;
        c->d[0].done = true;
        c->d[1].done = true;
    }
    return SW_OK;
}

enum sw_status sw_tls_parse_nst12(const uint8_t *p, size_t n,
                                  struct sw_tls_nst *out)
{
    struct sw_reader r, ticket;
    uint32_t lifetime;

    sw_rd_init(&r, p, n);
    if (!sw_rd_u32(&r, &lifetime) || !sw_rd_vec16(&r, &ticket) ||
        !sw_rd_empty(&r))
        return SW_MALFORMED;
    memset(out, 0, sizeof(*out));
    out->lifetime = lifetime;
    out->ticket_len = sw_rd_left(&ticket);
    out->ticket = out->ticket_len ? sw_rd_ptr(&ticket) : NULL;
    return SW_OK;
}

enum sw_status sw_tls_parse_nst13(const uint8_t *p, size_t n,
                                  struct sw_tls_nst *out)
{
    struct sw_reader r, nonce, ticket, exts, ext;
    struct sw_tls_nst v = {0};
    uint16_t type;

    sw_rd_init(&r, p, n);
    if (!sw_rd_u32(&r, &v.lifetime) || !sw_rd_u32(&r, &v.age_add) ||
        !sw_rd_vec8(&r, &nonce) || !sw_rd_vec16(&r, &ticket) ||
        sw_rd_empty(&ticket) || !sw_rd_vec16(&r, &exts) || !sw_rd_empty(&r))
        return SW_MALFORMED;
    while (!sw_rd_empty(&exts)) {
        if (!sw_rd_u16(&exts, &type) || !sw_rd_vec16(&exts, &ext))
            return SW_MALFORMED;
        if (type != EXT_EARLY_DATA)
            continue;
        if (!sw_rd_u32(&ext, &v.max_early_data) || !sw_rd_empty(&ext))
            return SW_MALFORMED;
        v.early_data = true;
    }
    v.nonce_len = sw_rd_left(&nonce);
    v.nonce = v.nonce_len ? sw_rd_ptr(&nonce) : NULL;
    v.ticket_len = sw_rd_left(&ticket);
    v.ticket = sw_rd_ptr(&ticket);
    *out = v;
    return SW_OK;
}

static enum sw_status new_session_ticket(struct sw_tls_conn *c,
                                         struct sw_reader *r, int64_t ts)
{
    struct sw_tls_handshake *hs = &c->hs;
    struct sw_tls_nst nst;
    struct sw_reader t;

    if (sw_tls_parse_nst12(sw_rd_ptr(r), sw_rd_left(r), &nst) != SW_OK)
        return fail(c, SW_TLS_AN_HANDSHAKE_MALFORMED);
    if (nst.ticket_len == 0)
        return SW_OK; /* the server declined to issue one */
    if (hs->n_issued == SW_TLS_MAX_ISSUED) {
        count(c, SW_TLS_AN_TOO_MANY_TICKETS);
        return SW_OK;
    }
    sw_rd_init(&t, nst.ticket, nst.ticket_len);
    if (!keep_ticket(&c->issued_copy[hs->n_issued], &hs->issued[hs->n_issued],
                     &t, ts))
        return no_memory(c);
    hs->issued[hs->n_issued].lifetime = nst.lifetime;
    hs->n_issued++;
    return SW_OK;
}

/* ---- message dispatch ------------------------------------------------- */

static enum sw_status client_message(struct sw_tls_conn *c, uint8_t type,
                                     struct sw_reader *body, int64_t ts)
{
    switch (type) {
    case HT_CLIENT_HELLO:
        if (c->n_ch == 0 || (c->n_ch == 1 && c->hrr && !c->sh_seen))
            return parse_client_hello(c, body, ts);
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    case HT_SERVER_HELLO:
    case HT_NEW_SESSION_TICKET:
    case HT_SERVER_KEY_EXCHANGE:
    case HT_CERTIFICATE_REQUEST:
    case HT_SERVER_HELLO_DONE:
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    default:
        return SW_OK;
    }
}

static enum sw_status server_message(struct sw_tls_conn *c, uint8_t type,
                                     struct sw_reader *body, int64_t ts)
{
    switch (type) {
    case HT_SERVER_HELLO:
        if (c->sh_seen)
            return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
        return parse_server_hello(c, body, ts);
    case HT_HELLO_RETRY_DRAFT:
        if (c->sh_seen || c->hrr)
            return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
        c->hrr = true;
        c->hs.hello_retry = true;
        return SW_OK;
    case HT_CERTIFICATE:
    case HT_SERVER_KEY_EXCHANGE:
    case HT_CERTIFICATE_REQUEST:
    case HT_SERVER_HELLO_DONE:
        if (!c->sh_seen)
            return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
        c->full = true;
        return SW_OK;
    case HT_NEW_SESSION_TICKET:
        if (!c->sh_seen)
            return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
        return new_session_ticket(c, body, ts);
    case HT_CLIENT_HELLO:
    case HT_CLIENT_KEY_EXCHANGE:
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    default:
        return SW_OK;
    }
}

/* The first handshake message of a direction tells who is the client. */
static enum sw_status first_message(struct sw_tls_conn *c, unsigned dir,
                                    uint8_t type)
{
    int client;

    if (type == HT_CLIENT_HELLO)
        client = (int)dir;
    else if (type == HT_SERVER_HELLO || type == HT_HELLO_RETRY_DRAFT)
        client = (int)(1 - dir);
    else if (c->client_dir < 0)
        return not_tls(c); /* mid-stream, or not TLS at all */
    else
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    if (c->client_dir < 0) {
        c->client_dir = client;
        if (c->ctr)
            c->ctr->connections++;
    } else if (c->client_dir != client) {
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    }
    return SW_OK;
}

static bool keeps_body(uint8_t type)
{
    return type == HT_CLIENT_HELLO || type == HT_SERVER_HELLO ||
           type == HT_NEW_SESSION_TICKET;
}

static enum sw_status message_end(struct sw_tls_conn *c, unsigned dir,
                                  int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader body;
    enum sw_status st;

    sw_rd_init(&body, d->mbuf, d->mkeep ? d->mlen : 0);
    if ((int)dir == c->client_dir)
        st = client_message(c, d->mtype, &body, ts);
    else
        st = server_message(c, d->mtype, &body, ts);
    free_mbuf(c, d);
    d->mkeep = false;
    d->mhdr_len = 0;
    d->mgot = 0;
    return st;
}

static enum sw_status message_start(struct sw_tls_conn *c, unsigned dir,
                                    int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader h;
    uint32_t len;
    enum sw_status st;

    sw_rd_init(&h, d->mhdr, MSG_HDR_LEN);
    sw_rd_u8(&h, &d->mtype);
    sw_rd_u24(&h, &len);
    d->mlen = len;
    d->mgot = 0;
    if (!d->any_msg) {
        d->any_msg = true;
        st = first_message(c, dir, d->mtype);
        if (st != SW_OK)
            return st;
    }
    if (keeps_body(d->mtype) && d->mlen > MSG_MAX)
        return fail(c, SW_TLS_AN_HANDSHAKE_TOO_LONG);
    d->mkeep = keeps_body(d->mtype) && d->mlen > 0;
    if (d->mlen == 0)
        return message_end(c, dir, ts);
    return SW_OK;
}

/* Handshake record bytes: message headers and bodies, in any split. */
static enum sw_status handshake_bytes(struct sw_tls_conn *c, unsigned dir,
                                      struct sw_reader *r, int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    enum sw_status st = SW_OK;
    size_t k;

    while (st == SW_OK && !d->done && !sw_rd_empty(r)) {
        if (d->mhdr_len < MSG_HDR_LEN) {
            sw_rd_u8(r, &d->mhdr[d->mhdr_len++]);
            if (d->mhdr_len == MSG_HDR_LEN)
                st = message_start(c, dir, ts);
            continue;
        }
        k = d->mlen - d->mgot;
        if (k > sw_rd_left(r))
            k = sw_rd_left(r);
        if (d->mkeep) {
            st = reserve(c, d, d->mgot + k, d->mlen);
            if (st != SW_OK)
                return st;
            sw_rd_copy(r, d->mbuf + d->mgot, k);
        } else {
            sw_rd_skip(r, k);
        }
        d->mgot += k;
        if (d->mgot == d->mlen)
            st = message_end(c, dir, ts);
    }
    return st;
}

/* ---- records ---------------------------------------------------------- */

static enum sw_status change_cipher_spec(struct sw_tls_conn *c, unsigned dir)
{
    struct tls_dir *d = &c->d[dir];

    if ((int)dir == c->client_dir) {
        /* TLS 1.3 middlebox compatibility: a dummy CCS, still
         * plaintext (a second ClientHello may follow). */
        if (c->offers13 && (!c->sh_seen || c->tls13))
            return SW_OK;
        d->done = true; /* the encrypted Finished follows */
        return SW_OK;
    }
    if (!c->sh_seen) {
        if (c->hrr)
            return SW_OK; /* compatibility CCS after the HRR */
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    }
    if (!c->full)
        c->abbreviated = true;
    d->done = true;
    return SW_OK;
}

static void alert(struct sw_tls_conn *c, unsigned dir)
{
    c->hs.alert = true;
    if (c->d[dir].alert_level == 2) {
        /* fatal: the handshake is over, both ways */
        c->d[0].done = true;
        c->d[1].done = true;
    }
}

static enum sw_status record_end(struct sw_tls_conn *c, unsigned dir,
                                 int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    enum sw_status st = SW_OK;

    d->hdr_len = 0;
    if (d->sslv2) {
        st = parse_sslv2_hello(c, dir, ts);
        free_mbuf(c, d);
        d->sslv2 = false;
        return st;
    }
    if (d->type == CT_CCS)
        return change_cipher_spec(c, dir);
    if (d->type == CT_ALERT && d->rec_len > 0)
        alert(c, dir);
    return SW_OK;
}

/* The first bytes of direction dir are not TLS. Protocols that upgrade
 * to TLS in the middle (STARTTLS in SMTP, IMAP, POP3, XMPP; MySQL's
 * SSLRequest) start it a little later, so look on for a record that
 * opens with a hello, within a budget shared by both directions. */
static enum sw_status start_hunt(struct sw_tls_conn *c, unsigned dir)
{
    struct tls_dir *d = &c->d[dir];
    size_t i, n = d->hdr_len;

    d->hunting = true;
    d->seen = false;
    d->sslv2 = false;
    d->hdr_len = 0;
    d->win_len = 0;
    /* The bytes after the first may still open a record. */
    for (i = 1; i < n; i++)
        d->win[d->win_len++] = d->hdr[i];
    return SW_OK;
}

static enum sw_status sslv2_start(struct sw_tls_conn *c, unsigned dir)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader h;
    uint16_t len;
    enum sw_status st;

    sw_rd_init(&h, d->hdr, REC_HDR_LEN);
    sw_rd_u16(&h, &len);
    len &= 0x7fff;
    if (len < 3 + 6)
        return start_hunt(c, dir);
    d->rec_len = (size_t)len - 3; /* msg_type and version already read */
    st = reserve(c, d, d->rec_len, d->rec_len);
    if (st != SW_OK)
        return st;
    d->any_msg = true;
    return first_message(c, dir, HT_CLIENT_HELLO);
}

static enum sw_status record_start(struct sw_tls_conn *c, unsigned dir,
                                   int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader h;
    uint16_t len;
    bool first = !d->seen;

    d->seen = true;
    d->rec_got = 0;
    if (d->sslv2)
        return sslv2_start(c, dir);
    sw_rd_init(&h, d->hdr, REC_HDR_LEN);
    sw_rd_u8(&h, &d->type);
    sw_rd_skip(&h, 2);
    sw_rd_u16(&h, &len);
    d->rec_len = len;
    if (d->rec_len > REC_MAX)
        return first ? start_hunt(c, dir) : fail(c, SW_TLS_AN_RECORD_TOO_LONG);
    /* Handshake messages must not be interleaved with other records. */
    if (d->type != CT_HANDSHAKE && d->mhdr_len > 0)
        return fail(c, SW_TLS_AN_UNEXPECTED_MESSAGE);
    if (d->type == CT_APPDATA) {
        /* Encrypted. Early data from a TLS 1.3 client is skipped: a
         * plaintext second ClientHello may still come. */
        if (!((int)dir == c->client_dir && c->offers13 && !c->sh_seen))
            d->done = true;
    }
    if (d->rec_len == 0)
        return record_end(c, dir, ts);
    return SW_OK;
}

/* May the first record of direction dir start with byte b? */
static bool first_byte_ok(const struct sw_tls_conn *c, unsigned dir, uint8_t b)
{
    bool other_is_client = c->client_dir >= 0 && c->client_dir != (int)dir;

    return b == CT_HANDSHAKE || (b == CT_ALERT && other_is_client);
}

static enum sw_status record_header_byte(struct sw_tls_conn *c, unsigned dir,
                                         struct sw_reader *r, int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    uint8_t b;

    sw_rd_u8(r, &b);
    d->hdr[d->hdr_len++] = b;
    switch (d->hdr_len) {
    case 1:
        if (d->seen)
            return (b >= CT_CCS && b <= CT_HEARTBEAT)
                       ? SW_OK
                       : fail(c, SW_TLS_AN_RECORD_BAD_TYPE);
        if ((b & 0x80) && c->client_dir != (int)(1 - dir))
            d->sslv2 = true;
        else if (!first_byte_ok(c, dir, b))
            return start_hunt(c, dir);
        return SW_OK;
    case 2:
        if (d->sslv2 || b == 3)
            return SW_OK;
        return d->seen ? fail(c, SW_TLS_AN_RECORD_BAD_VERSION)
                       : start_hunt(c, dir);
    case 3: /* SSLv2: msg_type CLIENT-HELLO */
        return (!d->sslv2 || b == 1) ? SW_OK : start_hunt(c, dir);
    case 4: /* SSLv2: version major */
        return (!d->sslv2 || b == 3) ? SW_OK : start_hunt(c, dir);
    default:
        return record_start(c, dir, ts);
    }
}

static enum sw_status record_body(struct sw_tls_conn *c, unsigned dir,
                                  struct sw_reader *r, int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader chunk;
    enum sw_status st = SW_OK;
    size_t k = d->rec_len - d->rec_got;

    if (k > sw_rd_left(r))
        k = sw_rd_left(r);
    sw_rd_init(&chunk, NULL, 0);
    sw_rd_sub(r, k, &chunk);
    if (d->sslv2)
        sw_rd_copy(&chunk, d->mbuf + d->rec_got, k);
    else if (d->type == CT_HANDSHAKE)
        st = handshake_bytes(c, dir, &chunk, ts);
    else if (d->type == CT_ALERT && d->rec_got == 0)
        sw_rd_u8(&chunk, &d->alert_level);
    d->rec_got += k;
    if (st == SW_OK && !d->done && d->rec_got == d->rec_len)
        st = record_end(c, dir, ts);
    return st;
}

/* Does the hunt window hold the start of a hello record? */
static bool hunt_match(const struct sw_tls_conn *c, unsigned dir)
{
    const struct tls_dir *d = &c->d[dir];
    struct sw_reader r;
    uint8_t type, major, minor, hs;
    uint16_t len;
    bool want;

    sw_rd_init(&r, d->win, d->win_len);
    if (!sw_rd_u8(&r, &type) || !sw_rd_u8(&r, &major) ||
        !sw_rd_u8(&r, &minor) || !sw_rd_u16(&r, &len) || !sw_rd_u8(&r, &hs))
        return false;
    if (c->client_dir < 0)
        want = hs == HT_CLIENT_HELLO || hs == HT_SERVER_HELLO;
    else if ((int)dir == c->client_dir)
        want = hs == HT_CLIENT_HELLO;
    else
        want = hs == HT_SERVER_HELLO;
    return want && type == CT_HANDSHAKE && major == 3 && minor <= 4 &&
           len >= MSG_HDR_LEN && len <= REC_MAX;
}

static enum sw_status hunt_byte(struct sw_tls_conn *c, unsigned dir,
                                struct sw_reader *r, int64_t ts)
{
    struct tls_dir *d = &c->d[dir];
    struct sw_reader first;
    enum sw_status st;

    if (c->hunt_left == 0)
        return not_tls(c);
    c->hunt_left--;
    if (d->win_len == HUNT_WIN) {
        memmove(d->win, d->win + 1, HUNT_WIN - 1);
        d->win_len--;
    }
    sw_rd_u8(r, &d->win[d->win_len++]);
    if (!hunt_match(c, dir))
        return SW_OK;
    d->hunting = false;
    memcpy(d->hdr, d->win, REC_HDR_LEN);
    d->hdr_len = REC_HDR_LEN;
    st = record_start(c, dir, ts);
    if (st != SW_OK || d->done)
        return st;
    sw_rd_init(&first, d->win + REC_HDR_LEN, 1); /* the handshake type */
    return record_body(c, dir, &first, ts);
}

/* ---- public ----------------------------------------------------------- */

struct sw_tls_conn *sw_tls_conn_new(const struct sw_endpoint *a,
                                    const struct sw_endpoint *b,
                                    const struct sw_tls_sink *sink,
                                    struct sw_tls_counters *counters)
{
    struct sw_tls_conn *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->ep[0] = *a;
    c->ep[1] = *b;
    if (sink)
        c->sink = *sink;
    c->ctr = counters;
    c->client_dir = -1;
    c->hunt_left = SW_TLS_HUNT_MAX;
    c->psk_first = -1;
    c->hs.ts_client_hello = SW_TIME_NONE;
    c->hs.ts_decision = SW_TIME_NONE;
    c->hs.selected_identity = -1;
    c->hs.accepted = -1;
    return c;
}

enum sw_status sw_tls_conn_data(struct sw_tls_conn *c, unsigned dir,
                                const uint8_t *p, size_t n, int64_t ts)
{
    struct sw_reader r;
    struct tls_dir *d;
    enum sw_status st = SW_OK;

    assert(c && dir < 2);
    if (c->done)
        return SW_UNSUPPORTED;
    d = &c->d[dir];
    sw_rd_init(&r, p, n);
    while (st == SW_OK && !d->done && !sw_rd_empty(&r)) {
        if (d->hunting)
            st = hunt_byte(c, dir, &r, ts);
        else if (d->hdr_len < REC_HDR_LEN)
            st = record_header_byte(c, dir, &r, ts);
        else
            st = record_body(c, dir, &r, ts);
    }
    if (!c->done && c->d[0].done && c->d[1].done)
        report(c);
    if (st != SW_OK)
        return st;
    return c->done ? SW_UNSUPPORTED : SW_OK;
}

void sw_tls_conn_gap(struct sw_tls_conn *c, unsigned dir, int64_t ts)
{
    (void)ts;
    assert(c && dir < 2);
    if (c->done || c->d[dir].done)
        return;
    /* No way to find the next record boundary: give up either way. */
    if (c->client_dir >= 0 && !decided(c))
        count(c, SW_TLS_AN_GAP_IN_HANDSHAKE);
    drop_buffers(c);
    report(c);
}

bool sw_tls_conn_done(const struct sw_tls_conn *c)
{
    return c->done;
}

void sw_tls_conn_end(struct sw_tls_conn *c, int64_t ts)
{
    (void)ts;
    if (!c)
        return;
    report(c);
    drop_buffers(c);
    free_tickets(c);
    free(c);
}
