/* test_tls.c - the TLS handshake parser: records, messages, offers, issued
 * tickets and outcomes, fed in whole flights and in small pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "common/status.h"
#include "common/timefmt.h"
#include "parse/tls.h"

/* ---- byte builder ----------------------------------------------------- */

/* A growing byte string with nested length fields: bb_open() reserves a
 * 1-, 2- or 3-byte length, bb_close() fills it with what came after. */
struct bb {
    uint8_t *p;
    size_t n, cap;
    size_t open_at[8];
    unsigned open_width[8];
    unsigned depth;
};

static void bb_grow(struct bb *b, size_t more)
{
    if (b->n + more <= b->cap)
        return;
    b->cap = (b->n + more) * 2 + 64;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
}

static void bb_put(struct bb *b, const void *p, size_t n)
{
    bb_grow(b, n);
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void bb_u8(struct bb *b, unsigned v)
{
    uint8_t x = (uint8_t)v;

    bb_put(b, &x, 1);
}

static void bb_u16(struct bb *b, unsigned v)
{
    bb_u8(b, v >> 8);
    bb_u8(b, v);
}

static void bb_u24(struct bb *b, unsigned long v)
{
    bb_u8(b, (unsigned)(v >> 16));
    bb_u16(b, (unsigned)(v & 0xffff));
}

static void bb_u32(struct bb *b, unsigned long v)
{
    bb_u16(b, (unsigned)(v >> 16));
    bb_u16(b, (unsigned)(v & 0xffff));
}

/* n bytes counting up from first: recognisable filler. */
static void bb_fill(struct bb *b, unsigned first, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        bb_u8(b, (unsigned)(first + i));
}

static void bb_open(struct bb *b, unsigned width)
{
    assert_true(b->depth < 8);
    b->open_at[b->depth] = b->n;
    b->open_width[b->depth++] = width;
    bb_fill(b, 0, width);
}

static void bb_close(struct bb *b)
{
    size_t at, len;
    unsigned w, i;

    assert_true(b->depth > 0);
    at = b->open_at[--b->depth];
    w = b->open_width[b->depth];
    len = b->n - at - w;
    assert_true(len < (1UL << (8 * w)));
    for (i = 0; i < w; i++)
        b->p[at + i] = (uint8_t)(len >> (8 * (w - 1 - i)));
}

static void bb_free(struct bb *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* ---- messages --------------------------------------------------------- */

enum {
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_NEW_SESSION_TICKET = 4,
    HS_CERTIFICATE = 11,
    HS_SERVER_KEY_EXCHANGE = 12,
    HS_SERVER_HELLO_DONE = 14,
    HS_CLIENT_KEY_EXCHANGE = 16
};

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

struct psk_id {
    uint8_t first; /* identity bytes count up from this */
    size_t len;
    uint32_t age;
};

struct ch_spec {
    size_t sid_len;    /* session id of bytes 0xa0.. */
    const char *sni;   /* NULL: no server_name */
    bool tls13;        /* supported_versions {1.3, 1.2} */
    bool ask_ticket;   /* empty session_ticket */
    size_t ticket_len; /* non-empty session_ticket, bytes 0x40.. */
    const struct psk_id *psk;
    size_t n_psk;
    bool grease;        /* GREASE extensions and versions */
    bool early_data;    /* early_data extension */
    bool ext_after_psk; /* padding after pre_shared_key: illegal */
};

static void ext_begin(struct bb *m, unsigned type)
{
    bb_u16(m, type);
    bb_open(m, 2);
}

static void msg_client_hello(struct bb *m, const struct ch_spec *s)
{
    size_t i;

    bb_u8(m, HS_CLIENT_HELLO);
    bb_open(m, 3);
    bb_u16(m, 0x0303);    /* legacy_version TLS 1.2 */
    bb_fill(m, 0x01, 32); /* random */
    bb_open(m, 1);        /* legacy_session_id */
    bb_fill(m, 0xa0, s->sid_len);
    bb_close(m);
    bb_open(m, 2);     /* cipher_suites */
    bb_u16(m, 0x1301); /* TLS_AES_128_GCM_SHA256 */
    bb_u16(m, 0xc02f); /* ECDHE_RSA_AES_128_GCM_SHA256 */
    bb_close(m);
    bb_u8(m, 1);   /* compression methods: 1 */
    bb_u8(m, 0);   /* null */
    bb_open(m, 2); /* extensions */
    if (s->grease) {
        ext_begin(m, 0x0a0a); /* GREASE, empty */
        bb_close(m);
    }
    if (s->sni) {
        ext_begin(m, 0); /* server_name */
        bb_open(m, 2);   /* server_name_list */
        bb_u8(m, 0);     /* host_name */
        bb_open(m, 2);
        bb_put(m, s->sni, strlen(s->sni));
        bb_close(m);
        bb_close(m);
        bb_close(m);
    }
    if (s->tls13) {
        ext_begin(m, 43); /* supported_versions */
        bb_open(m, 1);
        if (s->grease)
            bb_u16(m, 0x7a7a); /* GREASE version */
        bb_u16(m, 0x0304);
        bb_u16(m, 0x0303);
        bb_close(m);
        bb_close(m);
    }
    if (s->grease) {
        ext_begin(m, 0x3a3a); /* GREASE with a ticket-like body */
        bb_fill(m, 0x99, 5);
        bb_close(m);
    }
    if (s->ask_ticket || s->ticket_len) {
        ext_begin(m, 35); /* session_ticket */
        bb_fill(m, 0x40, s->ticket_len);
        bb_close(m);
    }
    if (s->early_data) {
        ext_begin(m, 42); /* early_data, empty */
        bb_close(m);
    }
    if (s->n_psk) {
        ext_begin(m, 45); /* psk_key_exchange_modes */
        bb_open(m, 1);
        bb_u8(m, 1); /* psk_dhe_ke */
        bb_close(m);
        bb_close(m);
        ext_begin(m, 41); /* pre_shared_key, last */
        bb_open(m, 2);    /* identities */
        for (i = 0; i < s->n_psk; i++) {
            bb_open(m, 2);
            bb_fill(m, s->psk[i].first, s->psk[i].len);
            bb_close(m);
            bb_u32(m, s->psk[i].age);
        }
        bb_close(m);
        bb_open(m, 2); /* binders: one 32-byte binder each */
        for (i = 0; i < s->n_psk; i++) {
            bb_open(m, 1);
            bb_fill(m, 0xb0, 32);
            bb_close(m);
        }
        bb_close(m);
        bb_close(m);
    }
    if (s->ext_after_psk) {
        ext_begin(m, 21); /* padding, 3 zero bytes */
        bb_u8(m, 0);
        bb_u16(m, 0);
        bb_close(m);
    }
    bb_close(m); /* extensions */
    bb_close(m); /* message */
}

struct sh_spec {
    size_t sid_len;     /* session id of bytes sid_first.. */
    unsigned sid_first; /* 0xa0 echoes the client's */
    bool tls13;         /* supported_versions: TLS 1.3 */
    bool ticket_ack;    /* empty session_ticket */
    int psk;            /* selected_identity, or -1 */
    bool hrr;           /* HelloRetryRequest random */
};

static void msg_server_hello(struct bb *m, const struct sh_spec *s)
{
    bb_u8(m, HS_SERVER_HELLO);
    bb_open(m, 3);
    bb_u16(m, 0x0303); /* legacy_version TLS 1.2 */
    if (s->hrr)
        bb_put(m, hrr_random, sizeof(hrr_random));
    else
        bb_fill(m, 0x21, 32); /* random */
    bb_open(m, 1);
    bb_fill(m, s->sid_first, s->sid_len);
    bb_close(m);
    bb_u16(m, s->tls13 ? 0x1301 : 0xc02f); /* cipher suite */
    bb_u8(m, 0);                           /* compression null */
    bb_open(m, 2);                         /* extensions */
    if (s->ticket_ack) {
        ext_begin(m, 35);
        bb_close(m);
    }
    if (s->tls13) {
        ext_begin(m, 43); /* supported_versions: selected */
        bb_u16(m, 0x0304);
        bb_close(m);
    }
    if (s->hrr) {
        ext_begin(m, 51); /* key_share: selected_group x25519 */
        bb_u16(m, 0x001d);
        bb_close(m);
    }
    if (s->psk >= 0) {
        ext_begin(m, 41); /* pre_shared_key: selected_identity */
        bb_u16(m, (unsigned)s->psk);
        bb_close(m);
    }
    bb_close(m);
    bb_close(m);
}

/* A message whose body is n filler bytes (Certificate, SKE, CKE...). */
static void msg_opaque(struct bb *m, unsigned type, size_t n)
{
    bb_u8(m, type);
    bb_u24(m, n);
    bb_fill(m, 0x30, n);
}

/* TLS 1.2 NewSessionTicket: lifetime hint, ticket of bytes first.. */
static void msg_nst12(struct bb *m, uint32_t hint, unsigned first, size_t n)
{
    bb_u8(m, HS_NEW_SESSION_TICKET);
    bb_open(m, 3);
    bb_u32(m, hint);
    bb_open(m, 2);
    bb_fill(m, first, n);
    bb_close(m);
    bb_close(m);
}

/* ---- records and scripts ---------------------------------------------- */

/* Wrap payload in records of type at most frag bytes long. */
static void records(struct bb *out, unsigned type, const struct bb *payload,
                    size_t frag)
{
    size_t off = 0, k;

    do {
        k = payload->n - off < frag ? payload->n - off : frag;
        bb_u8(out, type);
        bb_u16(out, 0x0303);
        bb_u16(out, (unsigned)k);
        bb_put(out, payload->p + off, k);
        off += k;
    } while (off < payload->n);
}

/* Handshake messages m as records of at most frag bytes; m is emptied. */
static void hs_records(struct bb *out, struct bb *m, size_t frag)
{
    records(out, 22, m, frag);
    bb_free(m);
}

static void ccs_record(struct bb *out)
{
    /* clang-format off */
    static const uint8_t ccs[] = {
        0x14, 0x03, 0x03, 0x00, 0x01, /* ChangeCipherSpec, TLS 1.2, 1 byte */
        0x01};                        /* change_cipher_spec */
    /* clang-format on */
    bb_put(out, ccs, sizeof(ccs));
}

/* What follows a CCS: an encrypted Finished, in a handshake record whose
 * bytes would not parse as a message (type 0xfe, length overrun). */
static void encrypted_finished(struct bb *out)
{
    /* clang-format off */
    static const uint8_t fin[] = {
        0x16, 0x03, 0x03, 0x00, 0x08, /* handshake record, 8 bytes */
        0xfe, 0xff, 0xff, 0xff,       /* "type 254, 16 MB": ciphertext */
        0x8a, 0x3c, 0x11, 0x05};
    /* clang-format on */
    bb_put(out, fin, sizeof(fin));
}

/* TLS 1.3 application data record: ciphertext. */
static void appdata_record(struct bb *out)
{
    /* clang-format off */
    static const uint8_t app[] = {
        0x17, 0x03, 0x03, 0x00, 0x04, /* application_data, 4 bytes */
        0xde, 0xad, 0xbe, 0xef};      /* ciphertext */
    /* clang-format on */
    bb_put(out, app, sizeof(app));
}

#define MAX_FLIGHTS 16

struct flight {
    unsigned dir; /* 0: client, 1: server (unless the script swaps) */
    bool gap;     /* a TCP gap instead of bytes */
    struct bb b;
};

struct script {
    struct flight f[MAX_FLIGHTS];
    size_t n;
    bool swap; /* the client sends in direction 1 */
};

/* Flight i is timed (i + 1) * 1000 ns. */
static int64_t flight_ts(size_t i)
{
    return (int64_t)(i + 1) * 1000;
}

static struct bb *flight(struct script *s, unsigned dir)
{
    assert_true(s->n < MAX_FLIGHTS);
    s->f[s->n].dir = dir;
    return &s->f[s->n++].b;
}

static void script_free(struct script *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        bb_free(&s->f[i].b);
}

/* ---- running ---------------------------------------------------------- */

struct seen {
    int reports;
    struct sw_tls_handshake hs; /* data pointers cleared */
    bool digests_ok;            /* every SHA-256 matched the bytes */
    uint8_t offered_first[SW_TLS_MAX_OFFERED];
    uint8_t issued_first[SW_TLS_MAX_ISSUED];
};

static bool digest_ok(const struct sw_tls_ticket *t)
{
    uint8_t md[32];
    unsigned int len = sizeof(md);

    if (EVP_Digest(t->data, t->len, md, &len, EVP_sha256(), NULL) != 1)
        return false;
    return memcmp(md, t->sha256, sizeof(md)) == 0;
}

static void on_handshake(void *ctx, const struct sw_tls_handshake *hs)
{
    struct seen *s = ctx;
    size_t i;

    s->reports++;
    s->hs = *hs;
    s->digests_ok = true;
    for (i = 0; i < hs->n_offered; i++) {
        s->digests_ok &= digest_ok(&hs->offered_tickets[i]);
        s->offered_first[i] = hs->offered_tickets[i].data[0];
        s->hs.offered_tickets[i].data = NULL;
    }
    for (i = 0; i < hs->n_issued; i++) {
        s->digests_ok &= digest_ok(&hs->issued[i]);
        s->issued_first[i] = hs->issued[i].data[0];
        s->hs.issued[i].data = NULL;
    }
}

struct run {
    struct seen seen;
    struct sw_tls_counters ctr;
    enum sw_status first_bad; /* first status other than SW_OK */
    bool done;                /* sw_tls_conn_done before the end */
    int reports_before_end;
};

static const struct sw_endpoint ep_client = {4, {192, 0, 2, 1}, 50000};
static const struct sw_endpoint ep_server = {4, {198, 51, 100, 7}, 443};

/* Feed every flight in pieces of chunk bytes (0: whole), then end. */
static void run_script(const struct script *sc, size_t chunk, struct run *r)
{
    struct sw_tls_sink sink = {&r->seen, on_handshake};
    struct sw_tls_conn *c;
    enum sw_status st;
    size_t i, off, k;
    unsigned dir;

    memset(r, 0, sizeof(*r));
    r->first_bad = SW_OK;
    if (sc->swap)
        c = sw_tls_conn_new(&ep_server, &ep_client, &sink, &r->ctr);
    else
        c = sw_tls_conn_new(&ep_client, &ep_server, &sink, &r->ctr);
    assert_non_null(c);
    for (i = 0; i < sc->n; i++) {
        const struct flight *f = &sc->f[i];

        dir = sc->swap ? 1 - f->dir : f->dir;
        if (f->gap) {
            sw_tls_conn_gap(c, dir, flight_ts(i));
            continue;
        }
        for (off = 0; off < f->b.n; off += k) {
            k = chunk && chunk < f->b.n - off ? chunk : f->b.n - off;
            st = sw_tls_conn_data(c, dir, f->b.p + off, k, flight_ts(i));
            if (st != SW_OK && r->first_bad == SW_OK)
                r->first_bad = st;
        }
    }
    r->done = sw_tls_conn_done(c);
    r->reports_before_end = r->seen.reports;
    sw_tls_conn_end(c, flight_ts(sc->n));
}

/* ---- scenarios -------------------------------------------------------- */

/* TLS 1.2 full handshake asking for a ticket; the server issues one. */
static void s_tls12_full(struct script *s)
{
    struct ch_spec ch = {.sni = "example.com", .ask_ticket = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0x60, .ticket_ack = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 1200);
    msg_opaque(&m, HS_SERVER_KEY_EXCHANGE, 300);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_opaque(&m, HS_CLIENT_KEY_EXCHANGE, 33);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    msg_nst12(&m, 7200, 0x70, 176);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
}

/* TLS 1.2: ticket offered, server accepts: SH, NST (renewal), CCS. */
static void s_tls12_ticket_resumed(struct script *s)
{
    struct ch_spec ch = {
        .sni = "example.com", .sid_len = 32, .ticket_len = 160};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .ticket_ack = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_nst12(&m, 300, 0x80, 160);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    ccs_record(flight(s, 0));
    encrypted_finished(&s->f[s->n - 1].b);
}

/* TLS 1.2: ticket offered, server does a full handshake and issues a new
 * one. */
static void s_tls12_ticket_rejected(struct script *s)
{
    struct ch_spec ch = {.ticket_len = 160};
    struct sh_spec sh = {.sid_len = 0, .ticket_ack = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 900);
    msg_opaque(&m, HS_SERVER_KEY_EXCHANGE, 200);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_opaque(&m, HS_CLIENT_KEY_EXCHANGE, 33);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    msg_nst12(&m, 0, 0x90, 160);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
}

/* TLS 1.2: resumption by session id alone. */
static void s_tls12_sid_resumed(struct script *s)
{
    struct ch_spec ch = {.sid_len = 32};
    struct sh_spec sh = {.sid_len = 32, .sid_first = 0xa0, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    ccs_record(flight(s, 0));
    encrypted_finished(&s->f[s->n - 1].b);
}

/* TLS 1.3 middlebox compatibility: a random session id, echoed. */
static void s_tls13_compat(struct script *s)
{
    struct ch_spec ch = {.sni = "tls13.example", .sid_len = 32, .tls13 = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    appdata_record(&s->f[s->n - 1].b);
    ccs_record(flight(s, 0));
    appdata_record(&s->f[s->n - 1].b);
}

/* As s_tls13_compat with the ClientHello in 1-byte records. */
static void s_ch_one_byte_records(struct script *s)
{
    struct ch_spec ch = {.sni = "tls13.example", .sid_len = 32, .tls13 = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 1);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* As s_tls13_compat with GREASE extensions and versions added. */
static void s_grease(struct script *s)
{
    struct ch_spec ch = {
        .sni = "tls13.example", .sid_len = 32, .tls13 = true, .grease = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

static const struct psk_id two_ids[] = {{0x10, 48, 1111}, {0x20, 64, 2222}};

/* TLS 1.3: two PSK identities, the second selected. */
static void s_tls13_psk_second(struct script *s)
{
    struct ch_spec ch = {
        .sid_len = 32, .tls13 = true, .psk = two_ids, .n_psk = 2};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = 1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* TLS 1.3: a PSK offered, none selected. */
static void s_tls13_psk_rejected(struct script *s)
{
    struct ch_spec ch = {.tls13 = true, .psk = two_ids, .n_psk = 1};
    struct sh_spec sh = {.tls13 = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* HelloRetryRequest, compatibility CCS both ways, a second ClientHello
 * with other identities, and resumption with the first of those. */
static void s_hrr_resumed(struct script *s)
{
    static const struct psk_id first[] = {{0x10, 48, 5}};
    static const struct psk_id second[] = {{0x50, 40, 6}, {0x60, 40, 7}};
    struct ch_spec ch1 = {.sni = "hrr.example",
                          .sid_len = 32,
                          .tls13 = true,
                          .psk = first,
                          .n_psk = 1};
    struct ch_spec ch2 = {.sni = "hrr.example",
                          .sid_len = 32,
                          .tls13 = true,
                          .psk = second,
                          .n_psk = 2};
    struct sh_spec hrr = {.sid_len = 32,
                          .sid_first = 0xa0,
                          .tls13 = true,
                          .psk = -1,
                          .hrr = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = 0};
    struct bb m = {0};

    msg_client_hello(&m, &ch1);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &hrr);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    ccs_record(flight(s, 0));
    msg_client_hello(&m, &ch2);
    hs_records(&s->f[s->n - 1].b, &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* A TLS 1.3 client offering a TLS 1.2 ticket and two PSK identities; the
 * server takes the second identity: index 2 of what was offered. */
static void s_ticket_and_psk(struct script *s)
{
    struct ch_spec ch = {
        .tls13 = true, .ticket_len = 80, .psk = two_ids, .n_psk = 2};
    struct sh_spec sh = {.tls13 = true, .psk = 1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* TLS 1.3 with 0-RTT: CH, CCS and early data (skipped), then the SH. */
static void s_early_data(struct script *s)
{
    struct ch_spec ch = {.sid_len = 32,
                         .tls13 = true,
                         .psk = two_ids,
                         .n_psk = 1,
                         .early_data = true};
    struct sh_spec sh = {
        .sid_len = 32, .sid_first = 0xa0, .tls13 = true, .psk = 0};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    appdata_record(&s->f[s->n - 1].b);
    appdata_record(&s->f[s->n - 1].b);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* A TLS 1.3 client whose session id the TLS 1.2 server resumes. */
static void s_tls13_client_sid_resumed(struct script *s)
{
    struct ch_spec ch = {.sid_len = 32, .tls13 = true};
    struct sh_spec sh = {.sid_len = 32, .sid_first = 0xa0, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    ccs_record(flight(s, 0));
    encrypted_finished(&s->f[s->n - 1].b);
}

/* A TLS 1.3 client's session id, TLS 1.2 server, full handshake: the id
 * was most likely padding, so nothing was offered. */
static void s_tls13_client_tls12_full(struct script *s)
{
    struct ch_spec ch = {.sid_len = 32, .tls13 = true};
    struct sh_spec sh = {.sid_len = 32, .sid_first = 0x60, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 300);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_opaque(&m, HS_CLIENT_KEY_EXCHANGE, 33);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    ccs_record(flight(s, 1));
    encrypted_finished(&s->f[s->n - 1].b);
}

/* An extension after pre_shared_key (RFC 8446 4.2.11: it must be last). */
static void s_psk_not_last(struct script *s)
{
    struct ch_spec ch = {
        .tls13 = true, .psk = two_ids, .n_psk = 1, .ext_after_psk = true};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
}

/* A TLS 1.3 draft-19 ServerHello: no session id, no compression. */
static void msg_draft19_server_hello(struct bb *m, int psk)
{
    bb_u8(m, HS_SERVER_HELLO);
    bb_open(m, 3);
    bb_u16(m, 0x7f13);    /* version: TLS 1.3 draft 19 */
    bb_fill(m, 0x21, 32); /* random */
    bb_u16(m, 0x1302);    /* TLS_AES_256_GCM_SHA384 */
    bb_open(m, 2);        /* extensions */
    ext_begin(m, 40);     /* key_share (draft numbering) */
    bb_u16(m, 0x001d);    /* x25519 */
    bb_open(m, 2);
    bb_fill(m, 0x77, 32);
    bb_close(m);
    bb_close(m);
    if (psk >= 0) {
        ext_begin(m, 41); /* pre_shared_key: selected_identity */
        bb_u16(m, (unsigned)psk);
        bb_close(m);
    }
    bb_close(m);
    bb_close(m);
}

/* TLS 1.3 draft 19: a draft HelloRetryRequest (message type 6), a second
 * ClientHello, and a draft ServerHello selecting the PSK. */
static void s_draft19(struct script *s)
{
    struct ch_spec ch = {.tls13 = true, .psk = two_ids, .n_psk = 1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    bb_u8(&m, 6); /* hello_retry_request (drafts before 22) */
    bb_u24(&m, 8);
    bb_u16(&m, 0x7f13); /* server_version */
    bb_u16(&m, 4);      /* extensions: 4 bytes */
    bb_u16(&m, 40);     /* key_share: selected group x25519 */
    bb_u16(&m, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_draft19_server_hello(&m, 0);
    hs_records(flight(s, 1), &m, 16384);
    appdata_record(&s->f[s->n - 1].b);
}

/* ServerHello, Certificate and ServerHelloDone in one record. */
static void s_three_in_one(struct script *s)
{
    struct ch_spec ch = {.sni = "three.example"};
    struct sh_spec sh = {.sid_len = 32, .sid_first = 0x60, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 700);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    assert_true(m.n < 16384);
    hs_records(flight(s, 1), &m, 16384);
}

/* A 17000-byte Certificate across two records, ServerHelloDone in the
 * second; the ClientHello offered a ticket, so this is a rejection. */
static void s_big_certificate(struct script *s)
{
    struct ch_spec ch = {.ticket_len = 100};
    struct sh_spec sh = {.psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 17000);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    assert_true(m.n > 16384 && m.n < 2 * 16384);
    hs_records(flight(s, 1), &m, 16384); /* two records */
}

/* Full TLS 1.2 handshake, the server sends an empty NewSessionTicket. */
static void s_empty_nst(struct script *s)
{
    struct ch_spec ch = {.ask_ticket = true};
    struct sh_spec sh = {.ticket_ack = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 500);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(flight(s, 0));
    msg_nst12(&m, 0, 0, 0);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
}

/* A 65535-byte ticket, in a message spread over five records. */
static void s_max_ticket(struct script *s)
{
    struct ch_spec ch = {.ask_ticket = true};
    struct sh_spec sh = {.ticket_ack = true, .psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 500);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(flight(s, 0));
    msg_nst12(&m, 86400, 0x05, 65535);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
}

/* The capture starts with the server direction as direction 0. */
static void s_swapped(struct script *s)
{
    s_tls12_ticket_resumed(s);
    s->swap = true;
}

/* TLS 1.2: ServerHello seen, then the capture ends: no decision. */
static void s_cut_after_sh(struct script *s)
{
    struct ch_spec ch = {.ticket_len = 64};
    struct sh_spec sh = {.psk = -1};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* TLS 1.2: a gap in the server's bytes right after the ServerHello. */
static void s_gap(struct script *s)
{
    s_cut_after_sh(s);
    flight(s, 1);
    s->f[s->n - 1].gap = true;
}

/* The server answers the ClientHello with a fatal alert. */
static void s_fatal_alert(struct script *s)
{
    /* clang-format off */
    static const uint8_t alert[] = {
        0x15, 0x03, 0x03, 0x00, 0x02, /* alert record, 2 bytes */
        0x02, 0x28};                  /* fatal, handshake_failure */
    /* clang-format on */
    struct ch_spec ch = {.sni = "alert.example", .ticket_len = 64};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    bb_put(flight(s, 1), alert, sizeof(alert));
}

/* Nine PSK identities: eight are kept, the ninth counted. */
static void s_nine_identities(struct script *s)
{
    static struct psk_id nine[9];
    struct ch_spec ch = {.tls13 = true, .psk = nine, .n_psk = 9};
    struct sh_spec sh = {.tls13 = true, .psk = 7};
    struct bb m = {0};
    unsigned i;

    for (i = 0; i < 9; i++) {
        nine[i].first = (uint8_t)(0x10 * (i + 1));
        nine[i].len = 20;
        nine[i].age = i;
    }
    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* A record longer than 2^14 + 2048 after the ClientHello. */
static void s_record_too_long(struct script *s)
{
    /* clang-format off */
    static const uint8_t big[] = {
        0x16, 0x03, 0x03, 0x48, 0x01}; /* handshake, 18433 bytes */
    /* clang-format on */
    struct ch_spec ch = {.sni = "long.example"};
    struct bb m = {0};

    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    bb_put(flight(s, 1), big, sizeof(big));
}

/* HTTP, not TLS: the hunt for a later TLS start runs out of budget in
 * the server's body. */
static void s_not_tls(struct script *s)
{
    static const char get[] = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    static const char ok[] = "HTTP/1.1 200 OK\r\n\r\n";
    struct bb *b;

    bb_put(flight(s, 0), get, sizeof(get) - 1);
    b = flight(s, 1);
    bb_put(b, ok, sizeof(ok) - 1);
    bb_fill(b, 0, SW_TLS_HUNT_MAX);
}

/* SMTP STARTTLS: text both ways, then a TLS 1.2 full handshake. */
static void s_starttls(struct script *s)
{
    static const char banner[] = "220 mx.example ESMTP\r\n";
    static const char ehlo[] = "EHLO client.example\r\n";
    static const char caps[] = "250-mx.example\r\n250 STARTTLS\r\n";
    static const char starttls[] = "STARTTLS\r\n";
    static const char go[] = "220 2.0.0 Ready to start TLS\r\n";
    struct ch_spec ch = {.sni = "mx.example", .ask_ticket = true};
    struct sh_spec sh = {.ticket_ack = true, .psk = -1};
    struct bb m = {0};

    bb_put(flight(s, 1), banner, sizeof(banner) - 1);
    bb_put(flight(s, 0), ehlo, sizeof(ehlo) - 1);
    bb_put(flight(s, 1), caps, sizeof(caps) - 1);
    bb_put(flight(s, 0), starttls, sizeof(starttls) - 1);
    bb_put(flight(s, 1), go, sizeof(go) - 1);
    msg_client_hello(&m, &ch);
    hs_records(flight(s, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 800);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_opaque(&m, HS_CLIENT_KEY_EXCHANGE, 33);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    msg_nst12(&m, 7200, 0x70, 192);
    hs_records(flight(s, 1), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
}

/* MySQL: a binary server greeting, then the client's SSLRequest and
 * its ClientHello in one segment; a TLS 1.3 server answers. */
static void s_mysql(struct script *s)
{
    /* clang-format off */
    static const uint8_t greeting[] = {
        0x0e, 0x00, 0x00, 0x00,             /* packet: 14 bytes, seq 0 */
        0x0a,                               /* protocol 10 */
        '8', '.', '0', '.', '3', '6', 0x00, /* server version */
        0x16, 0x03, 0x01, 0x00, 0x00,       /* like a record, length 0 */
        0x02};
    static const uint8_t ssl_request[] = {
        0x04, 0x00, 0x00, 0x01,  /* packet: 4 bytes, seq 1 */
        0x00, 0x0a, 0x8a, 0x00}; /* capability flags with CLIENT_SSL */
    /* clang-format on */
    struct ch_spec ch = {.sni = "db.example", .tls13 = true};
    struct sh_spec sh = {.tls13 = true, .psk = -1};
    struct bb m = {0};
    struct bb *b;

    bb_put(flight(s, 1), greeting, sizeof(greeting));
    b = flight(s, 0);
    bb_put(b, ssl_request, sizeof(ssl_request));
    msg_client_hello(&m, &ch);
    hs_records(b, &m, 16384);
    msg_server_hello(&m, &sh);
    hs_records(flight(s, 1), &m, 16384);
}

/* An SSLv2-compatible ClientHello (RFC 5246 E.2), then TLS 1.0. */
static void s_sslv2(struct script *s)
{
    /* clang-format off */
    static const uint8_t v2[] = {
        0x80, 0x32,             /* 2-byte header, 50 bytes follow */
        0x01,                   /* msg_type CLIENT-HELLO */
        0x03, 0x01,             /* version TLS 1.0 */
        0x00, 0x09,             /* cipher_spec_length 9 */
        0x00, 0x00,             /* session_id_length 0 */
        0x00, 0x20,             /* challenge_length 32 */
        0x00, 0x00, 0x2f,       /* TLS_RSA_WITH_AES_128_CBC_SHA */
        0x00, 0x00, 0x35,       /* TLS_RSA_WITH_AES_256_CBC_SHA */
        0x00, 0x00, 0x0a,       /* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, /* challenge */
        0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
        0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30};
    /* clang-format on */
    struct sh_spec sh = {.sid_len = 32, .sid_first = 0x60, .psk = -1};
    struct bb m = {0};

    bb_put(flight(s, 0), v2, sizeof(v2));
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 400);
    msg_opaque(&m, HS_SERVER_HELLO_DONE, 0);
    hs_records(flight(s, 1), &m, 16384);
    msg_opaque(&m, HS_CLIENT_KEY_EXCHANGE, 130);
    hs_records(flight(s, 0), &m, 16384);
    ccs_record(&s->f[s->n - 1].b);
    encrypted_finished(&s->f[s->n - 1].b);
    ccs_record(flight(s, 1));
    encrypted_finished(&s->f[s->n - 1].b);
}

/* A minimal TLS 1.2 ClientHello record, with SNI and an empty
 * session_ticket extension, written out byte by byte. */
/* clang-format off */
static const uint8_t ch_sni_record[] = {
    0x16, 0x03, 0x01, 0x00, 0x45, /* handshake record, TLS 1.0, 69 bytes */
    0x01, 0x00, 0x00, 0x41,       /* ClientHello, 65 bytes */
    0x03, 0x03,                   /* legacy_version TLS 1.2 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* random */
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
    0x00,                         /* session id: empty */
    0x00, 0x02, 0xc0, 0x2f,       /* 1 cipher suite: ECDHE_RSA_AES128_GCM */
    0x01, 0x00,                   /* 1 compression method: null */
    0x00, 0x16,                   /* extensions: 22 bytes */
    0x00, 0x00, 0x00, 0x0e,       /* server_name, 14 bytes */
    0x00, 0x0c,                   /* server_name_list, 12 bytes */
    0x00,                         /* host_name */
    0x00, 0x09,                   /* 9 bytes: */
    'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
    0x00, 0x23, 0x00, 0x00};      /* session_ticket, empty: asks */
/* clang-format on */

static void s_sni(struct script *s)
{
    bb_put(flight(s, 0), ch_sni_record, sizeof(ch_sni_record));
}

/* ClientHello whose only extension claims 32 bytes and has none. */
/* clang-format off */
static const uint8_t ch_ext_overrun[] = {
    0x16, 0x03, 0x01, 0x00, 0x33, /* handshake record, 51 bytes */
    0x01, 0x00, 0x00, 0x2f,       /* ClientHello, 47 bytes */
    0x03, 0x03,                   /* legacy_version TLS 1.2 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* random */
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
    0x00,                         /* session id: empty */
    0x00, 0x02, 0xc0, 0x2f,       /* 1 cipher suite */
    0x01, 0x00,                   /* compression: null */
    0x00, 0x04,                   /* extensions: 4 bytes */
    0x00, 0x23, 0x00, 0x20};      /* session_ticket, 32 bytes: overrun */
/* clang-format on */

static void s_ext_overrun(struct script *s)
{
    bb_put(flight(s, 0), ch_ext_overrun, sizeof(ch_ext_overrun));
}

/* ClientHello with a 3-byte cipher_suites vector. */
/* clang-format off */
static const uint8_t ch_odd_suites[] = {
    0x16, 0x03, 0x01, 0x00, 0x2e, /* handshake record, 46 bytes */
    0x01, 0x00, 0x00, 0x2a,       /* ClientHello, 42 bytes */
    0x03, 0x03,                   /* legacy_version TLS 1.2 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* random */
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
    0x00,                         /* session id: empty */
    0x00, 0x03, 0xc0, 0x2f, 0x00, /* cipher suites: 3 bytes, odd */
    0x01, 0x00};                  /* compression: null */
/* clang-format on */

static void s_odd_suites(struct script *s)
{
    bb_put(flight(s, 0), ch_odd_suites, sizeof(ch_odd_suites));
}

/* ClientHello with an empty body. */
/* clang-format off */
static const uint8_t ch_zero[] = {
    0x16, 0x03, 0x01, 0x00, 0x04, /* handshake record, 4 bytes */
    0x01, 0x00, 0x00, 0x00};      /* ClientHello, 0 bytes */
/* clang-format on */

static void s_zero_ch(struct script *s)
{
    bb_put(flight(s, 0), ch_zero, sizeof(ch_zero));
}

/* clang-format off */
/* A ClientHello header claiming 262145 bytes: more than is kept. */
static const uint8_t ch_too_long[] = {
    0x16, 0x03, 0x01, 0x00, 0x04, /* handshake record, 4 bytes */
    0x01, 0x04, 0x00, 0x01};      /* ClientHello, 256 KiB + 1 */

/* Half a ClientHello, then a ChangeCipherSpec: records interleaved. */
static const uint8_t ch_interleaved[] = {
    0x16, 0x03, 0x01, 0x00, 0x06, /* handshake record, 6 bytes */
    0x01, 0x00, 0x00, 0x30,       /* ClientHello, 48 bytes */
    0x03, 0x03,                   /* legacy_version; the rest is missing */
    0x14, 0x03, 0x03, 0x00, 0x01, /* ChangeCipherSpec */
    0x01};
/* clang-format on */

static void s_ch_too_long(struct script *s)
{
    bb_put(flight(s, 0), ch_too_long, sizeof(ch_too_long));
}

static void s_interleaved(struct script *s)
{
    bb_put(flight(s, 0), ch_interleaved, sizeof(ch_interleaved));
}

/* ---- the table -------------------------------------------------------- */

#define NO_ANOMALY (-1)

struct scenario {
    const char *name;
    void (*build)(struct script *s);
    enum sw_status first_bad; /* first non-OK status while feeding */
    int reports;              /* handshakes reported */
    bool done;                /* sw_tls_conn_done before the end */
    enum sw_tls_outcome outcome;
    enum sw_tls_resumed_by by;
    unsigned offered;
    size_t n_offered;
    size_t n_issued;
    uint16_t version;
    int selected;
    int accepted;
    bool hello_retry;
    bool renewal;
    bool asked;
    const char *sni;
    int anomaly; /* the one anomaly counted, once; or NO_ANOMALY */
};

static const struct scenario scenarios[] = {
    {"tls12 full, ticket issued", s_tls12_full, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 1, 0x0303, -1, -1, false, false,
     true, "example.com", NO_ANOMALY},
    {"tls12 ticket resumed", s_tls12_ticket_resumed, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_TICKET,
     SW_OFFER_TICKET | SW_OFFER_SESSION_ID, 1, 1, 0x0303, -1, 0, false, true,
     false, "example.com", NO_ANOMALY},
    {"tls12 ticket rejected", s_tls12_ticket_rejected, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_REJECTED, SW_RESUMED_NONE, SW_OFFER_TICKET, 1, 1, 0x0303, -1,
     -1, false, false, false, "", NO_ANOMALY},
    {"tls12 session id resumed", s_tls12_sid_resumed, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_SESSION_ID, SW_OFFER_SESSION_ID, 0, 0,
     0x0303, -1, -1, false, false, false, "", NO_ANOMALY},
    {"tls13 compat session id not counted", s_tls13_compat, SW_UNSUPPORTED, 1,
     true, SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 0, 0x0304, -1, -1, false,
     false, false, "tls13.example", NO_ANOMALY},
    {"clienthello in 1-byte records", s_ch_one_byte_records, SW_UNSUPPORTED, 1,
     true, SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 0, 0x0304, -1, -1, false,
     false, false, "tls13.example", NO_ANOMALY},
    {"grease ignored", s_grease, SW_UNSUPPORTED, 1, true, SW_OUTCOME_FULL,
     SW_RESUMED_NONE, 0, 0, 0, 0x0304, -1, -1, false, false, false,
     "tls13.example", NO_ANOMALY},
    {"two psk identities, second selected", s_tls13_psk_second, SW_UNSUPPORTED,
     1, true, SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_PSK, 2, 0, 0x0304, 1,
     1, false, false, false, "", NO_ANOMALY},
    {"tls13 psk rejected", s_tls13_psk_rejected, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_REJECTED, SW_RESUMED_NONE, SW_OFFER_PSK, 1, 0, 0x0304, -1, -1,
     false, false, false, "", NO_ANOMALY},
    {"hello retry then resumption", s_hrr_resumed, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_PSK, 2, 0, 0x0304, 0, 0, true,
     false, false, "hrr.example", NO_ANOMALY},
    {"ticket and psk offered", s_ticket_and_psk, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_TICKET | SW_OFFER_PSK, 3, 0,
     0x0304, 1, 2, false, false, false, "", NO_ANOMALY},
    {"early data skipped", s_early_data, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_PSK, 1, 0, 0x0304, 0, 0,
     false, false, false, "", NO_ANOMALY},
    {"tls13 client, tls12 session id resumed", s_tls13_client_sid_resumed,
     SW_UNSUPPORTED, 1, true, SW_OUTCOME_RESUMED, SW_RESUMED_SESSION_ID,
     SW_OFFER_SESSION_ID, 0, 0, 0x0303, -1, -1, false, false, false, "",
     NO_ANOMALY},
    {"tls13 client, tls12 full", s_tls13_client_tls12_full, SW_UNSUPPORTED, 1,
     true, SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 0, 0x0303, -1, -1, false,
     false, false, "", NO_ANOMALY},
    {"pre_shared_key not last", s_psk_not_last, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_HANDSHAKE_MALFORMED},
    {"three messages in one record", s_three_in_one, SW_OK, 1, false,
     SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 0, 0x0303, -1, -1, false, false,
     false, "three.example", NO_ANOMALY},
    {"17000-byte certificate", s_big_certificate, SW_OK, 1, false,
     SW_OUTCOME_REJECTED, SW_RESUMED_NONE, SW_OFFER_TICKET, 1, 0, 0x0303, -1,
     -1, false, false, false, "", NO_ANOMALY},
    {"empty newsessionticket", s_empty_nst, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 0, 0x0303, -1, -1, false, false,
     true, "", NO_ANOMALY},
    {"65535-byte ticket", s_max_ticket, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_FULL, SW_RESUMED_NONE, 0, 0, 1, 0x0303, -1, -1, false, false,
     true, "", NO_ANOMALY},
    {"server in direction 0", s_swapped, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_TICKET,
     SW_OFFER_TICKET | SW_OFFER_SESSION_ID, 1, 1, 0x0303, -1, 0, false, true,
     false, "example.com", NO_ANOMALY},
    {"cut after serverhello", s_cut_after_sh, SW_OK, 1, false,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, SW_OFFER_TICKET, 1, 0, 0x0303, -1, -1,
     false, false, false, "", NO_ANOMALY},
    {"gap before the decision", s_gap, SW_OK, 1, true, SW_OUTCOME_UNKNOWN,
     SW_RESUMED_NONE, SW_OFFER_TICKET, 1, 0, 0x0303, -1, -1, false, false,
     false, "", SW_TLS_AN_GAP_IN_HANDSHAKE},
    {"fatal alert", s_fatal_alert, SW_UNSUPPORTED, 1, true, SW_OUTCOME_UNKNOWN,
     SW_RESUMED_NONE, SW_OFFER_TICKET, 1, 0, 0, -1, -1, false, false, false,
     "alert.example", NO_ANOMALY},
    {"nine psk identities", s_nine_identities, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_PSK, 8, 0, 0x0304, 7, 7,
     false, false, false, "", SW_TLS_AN_TOO_MANY_IDENTITIES},
    {"server's first record too long: hunting", s_record_too_long, SW_OK, 1,
     false, SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false,
     false, false, "long.example", NO_ANOMALY},
    {"not tls", s_not_tls, SW_UNSUPPORTED, 0, true, SW_OUTCOME_UNKNOWN,
     SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false, false, "", NO_ANOMALY},
    {"tls13 draft 19 hrr and resumption", s_draft19, SW_UNSUPPORTED, 1, true,
     SW_OUTCOME_RESUMED, SW_RESUMED_PSK, SW_OFFER_PSK, 1, 0, 0x7f13, 0, 0, true,
     false, false, "", NO_ANOMALY},
    {"smtp starttls", s_starttls, SW_UNSUPPORTED, 1, true, SW_OUTCOME_FULL,
     SW_RESUMED_NONE, 0, 0, 1, 0x0303, -1, -1, false, false, true, "mx.example",
     NO_ANOMALY},
    {"mysql sslrequest", s_mysql, SW_UNSUPPORTED, 1, true, SW_OUTCOME_FULL,
     SW_RESUMED_NONE, 0, 0, 0, 0x0304, -1, -1, false, false, false,
     "db.example", NO_ANOMALY},
    {"sslv2 hello", s_sslv2, SW_UNSUPPORTED, 1, true, SW_OUTCOME_FULL,
     SW_RESUMED_NONE, 0, 0, 0, 0x0303, -1, -1, false, false, false, "",
     SW_TLS_AN_SSLV2_HELLO},
    {"sni extraction", s_sni, SW_OK, 1, false, SW_OUTCOME_UNKNOWN,
     SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false, true, "a.example",
     NO_ANOMALY},
    {"extension overruns the message", s_ext_overrun, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_HANDSHAKE_MALFORMED},
    {"odd cipher suite length", s_odd_suites, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_HANDSHAKE_MALFORMED},
    {"clienthello over the size cap", s_ch_too_long, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_HANDSHAKE_TOO_LONG},
    {"records interleaved in a message", s_interleaved, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_UNEXPECTED_MESSAGE},
    {"zero-length clienthello", s_zero_ch, SW_MALFORMED, 1, true,
     SW_OUTCOME_UNKNOWN, SW_RESUMED_NONE, 0, 0, 0, 0, -1, -1, false, false,
     false, "", SW_TLS_AN_HANDSHAKE_MALFORMED},
};

static void check_scenario(const struct scenario *e, const struct run *r)
{
    const struct sw_tls_handshake *hs = &r->seen.hs;
    unsigned a;

    assert_int_equal(r->first_bad, e->first_bad);
    assert_int_equal(r->seen.reports, e->reports);
    assert_int_equal(r->done, e->done);
    assert_int_equal(r->ctr.handshakes, (uint64_t)e->reports);
    for (a = 0; a < SW_TLS_AN_COUNT; a++)
        assert_int_equal(r->ctr.anomalies[a], (int)a == e->anomaly ? 1 : 0);
    if (e->reports == 0) {
        assert_int_equal(r->ctr.connections, 0);
        return;
    }
    assert_int_equal(r->ctr.connections, 1);
    assert_true(r->seen.digests_ok);
    assert_int_equal(hs->outcome, e->outcome);
    assert_int_equal(hs->resumed_by, e->by);
    assert_int_equal(hs->offered, e->offered);
    assert_int_equal(hs->n_offered, e->n_offered);
    assert_int_equal(hs->n_issued, e->n_issued);
    assert_int_equal(hs->version, e->version);
    assert_int_equal(hs->selected_identity, e->selected);
    assert_int_equal(hs->accepted, e->accepted);
    assert_int_equal(hs->hello_retry, e->hello_retry);
    assert_int_equal(hs->renewal, e->renewal);
    assert_int_equal(hs->asked_ticket, e->asked);
    assert_string_equal(hs->sni, e->sni);
    /* The client is always the ClientHello's sender. */
    assert_memory_equal(&hs->client, &ep_client, sizeof(ep_client));
    assert_memory_equal(&hs->server, &ep_server, sizeof(ep_server));
}

/* Every scenario, fed whole, 1 byte at a time and in 7-byte pieces: the
 * same expectations hold and the reports are identical. */
static void test_scenarios(void **state)
{
    static const size_t chunks[] = {0, 1, 7};
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        struct script sc = {0};
        struct run whole, piece;

        print_message("scenario: %s\n", scenarios[i].name);
        scenarios[i].build(&sc);
        run_script(&sc, chunks[0], &whole);
        check_scenario(&scenarios[i], &whole);
        for (j = 1; j < sizeof(chunks) / sizeof(chunks[0]); j++) {
            run_script(&sc, chunks[j], &piece);
            check_scenario(&scenarios[i], &piece);
            assert_memory_equal(&piece.seen, &whole.seen, sizeof(whole.seen));
        }
        script_free(&sc);
    }
}

/* ---- details the table does not cover --------------------------------- */

static void run_one(void (*build)(struct script *), struct run *r)
{
    struct script sc = {0};

    build(&sc);
    run_script(&sc, 0, r);
    script_free(&sc);
}

static void test_times_and_tickets(void **state)
{
    static struct run r;
    const struct sw_tls_handshake *hs = &r.seen.hs;

    (void)state;
    run_one(s_tls12_ticket_resumed, &r);
    assert_int_equal(hs->ts_client_hello, flight_ts(0));
    assert_int_equal(hs->ts_decision, flight_ts(1));
    assert_int_equal(hs->client_version, 0x0303);
    assert_true(hs->ticket_ack);
    /* offered: the 160-byte session_ticket of bytes 0x40.. */
    assert_int_equal(hs->offered_tickets[0].len, 160);
    assert_int_equal(hs->offered_tickets[0].kind, SW_OFFER_TICKET);
    assert_int_equal(hs->offered_tickets[0].ts, flight_ts(0));
    assert_int_equal(r.seen.offered_first[0], 0x40);
    /* issued: the NST's 160 bytes of 0x80.., hint 300 s */
    assert_int_equal(hs->issued[0].len, 160);
    assert_int_equal(hs->issued[0].lifetime, 300);
    assert_int_equal(hs->issued[0].ts, flight_ts(1));
    assert_int_equal(hs->issued[0].kind, 0);
    assert_int_equal(r.seen.issued_first[0], 0x80);

    run_one(s_max_ticket, &r);
    assert_int_equal(hs->issued[0].len, 65535);
    assert_int_equal(hs->issued[0].lifetime, 86400);
    assert_int_equal(hs->issued[0].ts, flight_ts(3));
    assert_int_equal(r.seen.issued_first[0], 0x05);
    assert_true(r.seen.digests_ok);

    run_one(s_cut_after_sh, &r);
    assert_int_equal(hs->ts_decision, flight_ts(1));
    run_one(s_sni, &r);
    assert_int_equal(hs->ts_decision, SW_TIME_NONE);
}

static void test_psk_details(void **state)
{
    static struct run r;
    const struct sw_tls_handshake *hs = &r.seen.hs;

    (void)state;
    run_one(s_tls13_psk_second, &r);
    assert_int_equal(hs->offered_tickets[0].len, 48);
    assert_int_equal(hs->offered_tickets[0].age, 1111);
    assert_int_equal(hs->offered_tickets[1].len, 64);
    assert_int_equal(hs->offered_tickets[1].age, 2222);
    assert_int_equal(hs->offered_tickets[1].kind, SW_OFFER_PSK);
    assert_int_equal(r.seen.offered_first[1], 0x20);
    assert_int_equal(hs->psk_modes, SW_PSK_MODE_DHE);

    /* After the HRR the second ClientHello's identities replace the
     * first's, and its packet times the ClientHello. */
    run_one(s_hrr_resumed, &r);
    assert_int_equal(r.seen.offered_first[0], 0x50);
    assert_int_equal(r.seen.offered_first[1], 0x60);
    assert_int_equal(hs->offered_tickets[1].age, 7);
    assert_int_equal(hs->ts_client_hello, flight_ts(2));
    assert_int_equal(hs->ts_decision, flight_ts(3));

    run_one(s_ticket_and_psk, &r);
    assert_int_equal(hs->offered_tickets[0].kind, SW_OFFER_TICKET);
    assert_int_equal(hs->offered_tickets[0].len, 80);
    assert_int_equal(hs->offered_tickets[2].kind, SW_OFFER_PSK);
    assert_int_equal(r.seen.offered_first[2], 0x20);

    run_one(s_early_data, &r);
    assert_true(hs->early_data);

    run_one(s_nine_identities, &r);
    assert_int_equal(r.seen.offered_first[7], 0x80);
}

/* GREASE changes nothing in what is reported. */
static void test_grease_same_report(void **state)
{
    static struct run plain, greased;

    (void)state;
    run_one(s_tls13_compat, &plain);
    run_one(s_grease, &greased);
    assert_memory_equal(&plain.seen, &greased.seen, sizeof(plain.seen));
}

/* A second ClientHello without a HelloRetryRequest is out of order. */
static void test_second_client_hello_unexpected(void **state)
{
    static struct run r;
    struct script sc = {0};
    struct ch_spec ch = {.sni = "twice.example"};
    struct bb m = {0};

    (void)state;
    msg_client_hello(&m, &ch);
    msg_client_hello(&m, &ch);
    hs_records(flight(&sc, 0), &m, 16384);
    run_script(&sc, 0, &r);
    assert_int_equal(r.first_bad, SW_MALFORMED);
    assert_int_equal(r.ctr.anomalies[SW_TLS_AN_UNEXPECTED_MESSAGE], 1);
    assert_int_equal(r.seen.reports, 1);
    assert_string_equal(r.seen.hs.sni, "twice.example");
    script_free(&sc);
}

/* A bad record type after the handshake started is counted. */
static void test_bad_record_type(void **state)
{
    /* clang-format off */
    static const uint8_t bad[] = {
        0x63, 0x03, 0x03, 0x00, 0x01, /* record type 99, 1 byte */
        0x00};
    /* clang-format on */
    static struct run r;
    struct script sc = {0};
    struct ch_spec ch = {.ticket_len = 32};
    struct bb m = {0};

    (void)state;
    msg_client_hello(&m, &ch);
    hs_records(flight(&sc, 0), &m, 16384);
    bb_put(&sc.f[0].b, bad, sizeof(bad));
    run_script(&sc, 0, &r);
    assert_int_equal(r.first_bad, SW_MALFORMED);
    assert_int_equal(r.ctr.anomalies[SW_TLS_AN_RECORD_BAD_TYPE], 1);
    assert_int_equal(r.seen.reports, 1);
    assert_int_equal(r.seen.hs.offered, SW_OFFER_TICKET);
    assert_int_equal(r.seen.hs.outcome, SW_OUTCOME_UNKNOWN);
    script_free(&sc);
}

/* A record too long in the middle of the stream is an anomaly. */
static void test_record_too_long_midstream(void **state)
{
    /* clang-format off */
    static const uint8_t big[] = {
        0x16, 0x03, 0x03, 0x48, 0x01}; /* handshake, 18433 bytes */
    /* clang-format on */
    static struct run r;
    struct script sc = {0};
    struct ch_spec ch = {.sni = "long.example"};
    struct bb m = {0};

    (void)state;
    msg_client_hello(&m, &ch);
    hs_records(flight(&sc, 0), &m, 16384);
    bb_put(&sc.f[0].b, big, sizeof(big));
    run_script(&sc, 0, &r);
    assert_int_equal(r.first_bad, SW_MALFORMED);
    assert_int_equal(r.ctr.anomalies[SW_TLS_AN_RECORD_TOO_LONG], 1);
    assert_string_equal(r.seen.hs.sni, "long.example");
    script_free(&sc);
}

/* A decision already made survives a later malformed message. */
static void test_decided_then_malformed(void **state)
{
    static struct run r;
    struct script sc = {0};
    struct ch_spec ch = {.ticket_len = 32};
    struct sh_spec sh = {.psk = -1};
    struct bb m = {0};

    (void)state;
    msg_client_hello(&m, &ch);
    hs_records(flight(&sc, 0), &m, 16384);
    msg_server_hello(&m, &sh);
    msg_opaque(&m, HS_CERTIFICATE, 100);
    bb_u8(&m, HS_NEW_SESSION_TICKET); /* NST of 2 bytes: too short */
    bb_u24(&m, 2);
    bb_u16(&m, 0);
    hs_records(flight(&sc, 1), &m, 16384);
    run_script(&sc, 0, &r);
    assert_int_equal(r.first_bad, SW_MALFORMED);
    assert_int_equal(r.ctr.anomalies[SW_TLS_AN_HANDSHAKE_MALFORMED], 1);
    assert_int_equal(r.seen.hs.outcome, SW_OUTCOME_REJECTED);
    script_free(&sc);
}

/* Non-TLS is detected from the first byte, even fed one at a time. */
static void test_not_tls_early(void **state)
{
    static const uint8_t ssh[] = {'S', 'S', 'H', '-', '2', '.', '0', '-'};
    static const uint8_t tls_v9[] = {0x16, 0x09}; /* handshake, major 9 */
    struct sw_tls_counters ctr = {0};
    struct sw_tls_conn *c;
    static uint8_t junk[SW_TLS_HUNT_MAX];
    size_t i;

    (void)state;
    /* Not TLS from the first byte: the hunt looks at SW_TLS_HUNT_MAX
     * more bytes (both ways together, after each direction's first) and
     * then gives up. */
    memset(junk, 'x', sizeof(junk));
    c = sw_tls_conn_new(&ep_client, &ep_server, NULL, &ctr);
    assert_int_equal(sw_tls_conn_data(c, 0, ssh, sizeof(ssh), 1), SW_OK);
    assert_false(sw_tls_conn_done(c));
    assert_int_equal(sw_tls_conn_data(c, 1, junk, 101, 1), SW_OK);
    assert_int_equal(sw_tls_conn_data(c, 0, junk, SW_TLS_HUNT_MAX - 107, 1),
                     SW_OK);
    assert_false(sw_tls_conn_done(c));
    assert_int_equal(sw_tls_conn_data(c, 1, junk, 1, 1), SW_UNSUPPORTED);
    assert_true(sw_tls_conn_done(c));
    assert_int_equal(sw_tls_conn_data(c, 0, ssh, 1, 1), SW_UNSUPPORTED);
    sw_tls_conn_end(c, 2);

    /* A bad version major sends the direction hunting too. */
    c = sw_tls_conn_new(&ep_client, &ep_server, NULL, &ctr);
    assert_int_equal(sw_tls_conn_data(c, 1, tls_v9, 1, 1), SW_OK);
    assert_int_equal(sw_tls_conn_data(c, 1, tls_v9 + 1, 1, 1), SW_OK);
    for (i = 0; i < SW_TLS_HUNT_MAX; i++)
        assert_int_equal(sw_tls_conn_data(c, 1, junk, 1, 1), SW_OK);
    assert_int_equal(sw_tls_conn_data(c, 1, junk, 1, 1), SW_UNSUPPORTED);
    sw_tls_conn_end(c, 2);
    assert_int_equal(ctr.connections, 0);
    assert_int_equal(ctr.handshakes, 0);
    sw_tls_conn_end(NULL, 3);
}

/* ---- NewSessionTicket layouts ----------------------------------------- */

static void test_nst12(void **state)
{
    /* clang-format off */
    static const uint8_t ok[] = {
        0x00, 0x00, 0x1c, 0x20, /* lifetime hint 7200 s */
        0x00, 0x03,             /* ticket: 3 bytes */
        0xaa, 0xbb, 0xcc};
    static const uint8_t empty[] = {
        0x00, 0x00, 0x00, 0x00, /* hint 0: unspecified */
        0x00, 0x00};            /* no ticket: declined */
    static const uint8_t trailing[] = {
        0x00, 0x00, 0x00, 0x01, /* hint 1 s */
        0x00, 0x01, 0xaa,       /* ticket: 1 byte */
        0xff};                  /* one byte too many */
    /* clang-format on */
    struct sw_tls_nst nst;

    (void)state;
    assert_int_equal(sw_tls_parse_nst12(ok, sizeof(ok), &nst), SW_OK);
    assert_int_equal(nst.lifetime, 7200);
    assert_int_equal(nst.ticket_len, 3);
    assert_ptr_equal(nst.ticket, ok + 6);
    assert_int_equal(sw_tls_parse_nst12(empty, sizeof(empty), &nst), SW_OK);
    assert_int_equal(nst.ticket_len, 0);
    assert_null(nst.ticket);
    nst.lifetime = 42;
    assert_int_equal(sw_tls_parse_nst12(trailing, sizeof(trailing), &nst),
                     SW_MALFORMED);
    assert_int_equal(nst.lifetime, 42); /* unchanged on failure */
    assert_int_equal(sw_tls_parse_nst12(ok, 5, &nst), SW_MALFORMED);
}

struct nst13_case {
    const char *what;
    const uint8_t *p;
    size_t n;
    enum sw_status st;
    uint32_t lifetime, age_add;
    size_t nonce_len, ticket_len;
    bool early_data;
    uint32_t max_early_data;
};

/* clang-format off */
static const uint8_t nst13_full[] = {
    0x00, 0x02, 0xa3, 0x00,  /* ticket_lifetime 172800 s */
    0x12, 0x34, 0x56, 0x78,  /* ticket_age_add */
    0x02, 0x00, 0x01,        /* ticket_nonce: 2 bytes */
    0x00, 0x04,              /* ticket: 4 bytes */
    0xde, 0xad, 0xbe, 0xef,
    0x00, 0x0c,              /* extensions: 12 bytes */
    0x0a, 0x0a, 0x00, 0x00,  /* GREASE, empty */
    0x00, 0x2a, 0x00, 0x04,  /* early_data, 4 bytes */
    0x00, 0x00, 0x40, 0x00}; /* max_early_data_size 16384 */
/* clang-format on */

/* clang-format off */
static const uint8_t nst13_no_ext[] = {
    0x00, 0x00, 0x0e, 0x10, /* ticket_lifetime 3600 s */
    0x00, 0x00, 0x00, 0x01, /* ticket_age_add */
    0x00,                   /* ticket_nonce: empty */
    0x00, 0x01, 0x77,       /* ticket: 1 byte */
    0x00, 0x00};            /* extensions: none */
/* clang-format on */

/* clang-format off */
static const uint8_t nst13_empty_ticket[] = {
    0x00, 0x00, 0x0e, 0x10, /* ticket_lifetime 3600 s */
    0x00, 0x00, 0x00, 0x01, /* ticket_age_add */
    0x00,                   /* ticket_nonce: empty */
    0x00, 0x00,             /* ticket: empty, not allowed */
    0x00, 0x00};            /* extensions: none */
/* clang-format on */

/* clang-format off */
static const uint8_t nst13_ext_overrun[] = {
    0x00, 0x00, 0x0e, 0x10, /* ticket_lifetime 3600 s */
    0x00, 0x00, 0x00, 0x01, /* ticket_age_add */
    0x00,                   /* ticket_nonce: empty */
    0x00, 0x01, 0x77,       /* ticket: 1 byte */
    0x00, 0x04,             /* extensions: 4 bytes */
    0x00, 0x2a, 0x00, 0x04}; /* early_data of 4 bytes: none left */
/* clang-format on */

/* clang-format off */
static const uint8_t nst13_bad_early[] = {
    0x00, 0x00, 0x0e, 0x10, /* ticket_lifetime 3600 s */
    0x00, 0x00, 0x00, 0x01, /* ticket_age_add */
    0x00,                   /* ticket_nonce: empty */
    0x00, 0x01, 0x77,       /* ticket: 1 byte */
    0x00, 0x06,             /* extensions: 6 bytes */
    0x00, 0x2a, 0x00, 0x02, /* early_data of 2 bytes: needs 4 */
    0x00, 0x01};
/* clang-format on */

static void test_nst13(void **state)
{
    static const struct nst13_case cases[] = {
        {"with early_data", nst13_full, sizeof(nst13_full), SW_OK, 172800,
         0x12345678, 2, 4, true, 16384},
        {"no extensions", nst13_no_ext, sizeof(nst13_no_ext), SW_OK, 3600, 1, 0,
         1, false, 0},
        {"truncated", nst13_full, 15, SW_MALFORMED, 0, 0, 0, 0, false, 0},
        {"empty ticket", nst13_empty_ticket, sizeof(nst13_empty_ticket),
         SW_MALFORMED, 0, 0, 0, 0, false, 0},
        {"extension overrun", nst13_ext_overrun, sizeof(nst13_ext_overrun),
         SW_MALFORMED, 0, 0, 0, 0, false, 0},
        {"short early_data", nst13_bad_early, sizeof(nst13_bad_early),
         SW_MALFORMED, 0, 0, 0, 0, false, 0},
    };
    struct sw_tls_nst nst;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct nst13_case *k = &cases[i];

        print_message("nst13: %s\n", k->what);
        memset(&nst, 0, sizeof(nst));
        assert_int_equal(sw_tls_parse_nst13(k->p, k->n, &nst), k->st);
        if (k->st != SW_OK) {
            assert_int_equal(nst.lifetime, 0);
            continue;
        }
        assert_int_equal(nst.lifetime, k->lifetime);
        assert_int_equal(nst.age_add, k->age_add);
        assert_int_equal(nst.nonce_len, k->nonce_len);
        assert_int_equal(nst.ticket_len, k->ticket_len);
        assert_int_equal(nst.early_data, k->early_data);
        assert_int_equal(nst.max_early_data, k->max_early_data);
    }
    assert_int_equal(sw_tls_parse_nst13(nst13_full, sizeof(nst13_full), &nst),
                     SW_OK);
    assert_ptr_equal(nst.ticket, nst13_full + 13);
    assert_ptr_equal(nst.nonce, nst13_full + 9);
}

/* Message buffers grow with the bytes that come, not with the length
 * announced, and all of them together stay under SW_TLS_HELD_MAX. */
static void test_buffers_follow_bytes(void **state)
{
    /* clang-format off */
    static const uint8_t head[] = {
        0x16, 0x03, 0x01, 0x40, 0x00, /* handshake record, 16384 bytes */
        0x01, 0x03, 0xff, 0xff,       /* ClientHello of 262143 bytes */
        0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0}; /* its first 10 bytes */
    /* clang-format on */
    static const struct sw_endpoint a = {4, {192, 0, 2, 1}, 40000};
    static const struct sw_endpoint b = {4, {192, 0, 2, 2}, 443};
    const struct sw_tls_sink sink = {NULL, NULL};
    struct sw_tls_counters ctr;
    struct sw_tls_conn *c;

    (void)state;
    memset(&ctr, 0, sizeof(ctr));
    c = sw_tls_conn_new(&a, &b, &sink, &ctr);
    assert_non_null(c);
    assert_int_equal(sw_tls_conn_data(c, 0, head, sizeof(head), 1), SW_OK);
    assert_true(ctr.held_bytes > 0 && ctr.held_bytes <= 4096);
    sw_tls_conn_end(c, 2);
    assert_int_equal(ctr.held_bytes, 0);

    ctr.held_bytes = SW_TLS_HELD_MAX - 100; /* other connections' */
    c = sw_tls_conn_new(&a, &b, &sink, &ctr);
    assert_non_null(c);
    assert_int_equal(sw_tls_conn_data(c, 0, head, sizeof(head), 1),
                     SW_MALFORMED);
    assert_int_equal(ctr.anomalies[SW_TLS_AN_BUFFERS_FULL], 1);
    sw_tls_conn_end(c, 2);
    assert_int_equal(ctr.held_bytes, SW_TLS_HELD_MAX - 100);
}

static void test_anomaly_names(void **state)
{
    unsigned a;

    (void)state;
    assert_string_equal(sw_tls_anomaly_name(SW_TLS_AN_RECORD_BAD_TYPE),
                        "record-bad-type");
    assert_string_equal(sw_tls_anomaly_name(SW_TLS_AN_GAP_IN_HANDSHAKE),
                        "gap-in-handshake");
    assert_string_equal(sw_tls_anomaly_name(SW_TLS_AN_COUNT),
                        "unknown-anomaly");
    for (a = 0; a < SW_TLS_AN_COUNT; a++)
        assert_non_null(sw_tls_anomaly_name((enum sw_tls_anomaly)a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_times_and_tickets),
        cmocka_unit_test(test_psk_details),
        cmocka_unit_test(test_grease_same_report),
        cmocka_unit_test(test_second_client_hello_unexpected),
        cmocka_unit_test(test_bad_record_type),
        cmocka_unit_test(test_record_too_long_midstream),
        cmocka_unit_test(test_decided_then_malformed),
        cmocka_unit_test(test_not_tls_early),
        cmocka_unit_test(test_nst12),
        cmocka_unit_test(test_nst13),
        cmocka_unit_test(test_buffers_follow_bytes),
        cmocka_unit_test(test_anomaly_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
