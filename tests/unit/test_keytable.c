/* test_keytable.c - key timelines, the digest link, format learning and
 * the verdict rules of report/keytable.h, on hand-built handshakes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "common/timefmt.h"
#include "report/keytable.h"

#define SEC SW_NS_PER_SEC
#define MIN (60 * SEC)
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)
#define T0 (1764547200LL * SEC) /* 2025-12-01T00:00:00Z */

/* A 48-byte ticket in the OpenSSL layout: bytes 0-15 the key name (the
 * key byte repeated), 16-31 the IV (serial then zeros), 32-47 sealed
 * state (0xee). */
struct tkt {
    uint8_t b[48];
};

static void make_ticket(struct tkt *k, uint8_t key, uint8_t serial)
{
    memset(k->b, key, 16);       /* key_name */
    memset(k->b + 16, 0, 16);    /* iv */
    k->b[16] = serial;           /* iv: distinct per ticket */
    memset(k->b + 32, 0xee, 16); /* encrypted state */
}

static void fill(struct sw_tls_ticket *t, const uint8_t *p, size_t n,
                 int64_t ts, uint32_t hint)
{
    memset(t, 0, sizeof(*t));
    t->data = p;
    t->len = n;
    SHA256(p, n, t->sha256);
    t->ts = ts;
    t->lifetime = hint;
}

/* A TLS 1.2 handshake from 198.51.100.7:40000 to 192.0.2.1:443. */
static void hs_init(struct sw_tls_handshake *hs, const char *sni, int64_t ts)
{
    memset(hs, 0, sizeof(*hs));
    hs->client.family = 4;
    memcpy(hs->client.addr, "\xc6\x33\x64\x07", 4);
    hs->client.port = 40000;
    hs->server.family = 4;
    memcpy(hs->server.addr, "\xc0\x00\x02\x01", 4);
    hs->server.port = 443;
    hs->ts_client_hello = ts;
    hs->ts_decision = ts + 10 * 1000 * 1000; /* ServerHello 10 ms later */
    snprintf(hs->sni, sizeof(hs->sni), "%s", sni);
    hs->client_version = 0x0303;
    hs->version = 0x0303;
    hs->selected_identity = -1;
    hs->accepted = -1;
    hs->outcome = SW_OUTCOME_FULL;
}

/* Full handshake at ts issuing one ticket (key, serial) with hint. */
static void issue(struct sw_keytable *kt, const char *sni, int64_t ts,
                  uint8_t key, uint8_t serial, uint32_t hint)
{
    struct sw_tls_handshake hs;
    struct tkt k;

    hs_init(&hs, sni, ts);
    hs.asked_ticket = true;
    make_ticket(&k, key, serial);
    hs.n_issued = 1;
    fill(&hs.issued[0], k.b, sizeof(k.b), ts + 20 * 1000 * 1000, hint);
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
}

/* TLS 1.2 ticket offered at ts; accepted (resumed) or rejected (full
 * handshake, no new ticket). */
static void offer(struct sw_keytable *kt, const char *sni, int64_t ts,
                  uint8_t key, uint8_t serial, bool accepted)
{
    struct sw_tls_handshake hs;
    struct tkt k;

    hs_init(&hs, sni, ts);
    make_ticket(&k, key, serial);
    hs.offered = SW_OFFER_TICKET;
    hs.n_offered = 1;
    fill(&hs.offered_tickets[0], k.b, sizeof(k.b), ts, 0);
    hs.outcome = accepted ? SW_OUTCOME_RESUMED : SW_OUTCOME_REJECTED;
    hs.resumed_by = accepted ? SW_RESUMED_TICKET : SW_RESUMED_NONE;
    hs.accepted = accepted ? 0 : -1;
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
}

static const struct sw_key_view *find_key(const struct sw_analysis *a,
                                          uint8_t key)
{
    char name[33];

    for (size_t i = 0; i < 16; i++)
        snprintf(name + 2 * i, 3, "%02x", key);
    for (size_t i = 0; i < a->n_keys; i++)
        if (strcmp(a->keys[i].name, name) == 0)
            return &a->keys[i];
    return NULL;
}

static const struct sw_server_view *find_server(const struct sw_analysis *a,
                                                const char *name)
{
    for (size_t i = 0; i < a->n_servers; i++)
        if (strcmp(a->servers[i].name, name) == 0)
            return &a->servers[i];
    return NULL;
}

static bool has_note(const struct sw_server_view *s, const char *text)
{
    for (size_t i = 0; i < s->n_notes; i++)
        if (strcmp(s->notes[i], text) == 0)
            return true;
    return false;
}

/* --- verdicts, table-driven -------------------------------------------- */

/* One step at server a.example: 'I' issue, 'A' offer accepted, 'R' offer
 * rejected; key byte and ticket serial. */
struct step {
    char kind;
    int64_t t;
    uint8_t key, serial;
};

struct verdict_case {
    const char *name;
    int64_t limit;
    struct step steps[10];
    enum sw_verdict want;
    size_t n_keys;
    int64_t longest;
    const char *note; /* one note that must be there, or NULL */
};

static const struct verdict_case verdict_cases[] = {
    {"rotation over days: key 0xa1 on day 0, 0xb2 on day 1, 0xc3 day 2",
     24 * HOUR,
     {{'I', T0, 0xa1, 1},
      {'I', T0 + 6 * HOUR, 0xa1, 2},
      {'I', T0 + 12 * HOUR, 0xa1, 3},
      {'I', T0 + DAY, 0xb2, 4},
      {'R', T0 + DAY + HOUR, 0xa1, 1}, /* old key no longer opens */
      {'I', T0 + DAY + 12 * HOUR, 0xb2, 5},
      {'I', T0 + 2 * DAY, 0xc3, 6},
      {'I', T0 + 2 * DAY + 1 * HOUR, 0xc3, 7}},
     SW_VERDICT_OK,
     3,
     12 * HOUR,
     "rotation seen: key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 rejected after key "
     "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2 appeared"},
    {"one key for three days",
     24 * HOUR,
     {{'I', T0, 0xa1, 1},
      {'I', T0 + DAY, 0xa1, 2},
      {'A', T0 + 2 * DAY, 0xa1, 1},
      {'I', T0 + 3 * DAY, 0xa1, 3}},
     SW_VERDICT_STALE,
     1,
     3 * DAY,
     "key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 in use for 3d 0h 0m, longer than "
     "the 24h limit"},
    {"the same under a 2d policy: the limit as typed",
     2 * DAY,
     {{'I', T0, 0xa1, 1}, {'I', T0 + 3 * DAY, 0xa1, 2}},
     SW_VERDICT_STALE,
     1,
     3 * DAY,
     "key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 in use for 3d 0h 0m, longer than "
     "the 2d limit"},
    {"24 ms over a 12h limit: the exact seconds show why",
     12 * HOUR,
     {{'I', T0, 0xa1, 1}, {'I', T0 + 12 * HOUR + 24 * 1000 * 1000, 0xa1, 2}},
     SW_VERDICT_STALE,
     1,
     12 * HOUR + 24 * 1000 * 1000,
     "key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 in use for 12h 0m (43200.024 s), "
     "longer than the 12h limit"},
    {"90 minute policy, seen 80 min 0.5 s",
     90 * MIN,
     {{'I', T0, 0xa1, 1}, {'I', T0 + 80 * MIN + SEC / 2, 0xa1, 2}},
     SW_VERDICT_UNKNOWN,
     1,
     80 * MIN + SEC / 2,
     "observed for only 1h 20m (4800.5 s), less than the 90m limit; no "
     "rotation seen"},
    {"too few observations: one key over 2h 3m",
     24 * HOUR,
     {{'I', T0, 0xa1, 1}, {'I', T0 + 2 * HOUR + 3 * MIN, 0xa1, 2}},
     SW_VERDICT_UNKNOWN,
     1,
     2 * HOUR + 3 * MIN,
     "observed for only 2h 3m, less than the 24h limit; no rotation seen"},
    {"same figures under a 1h policy are stale",
     HOUR,
     {{'I', T0, 0xa1, 1}, {'I', T0 + 2 * HOUR + 3 * MIN, 0xa1, 2}},
     SW_VERDICT_STALE,
     1,
     2 * HOUR + 3 * MIN,
     NULL},
    {"two overlapping keys each within 24h, seen over 30h: ok by span",
     24 * HOUR,
     {{'I', T0, 0xa1, 1},
      {'I', T0 + 10 * HOUR, 0xb2, 2},
      {'I', T0 + 20 * HOUR, 0xa1, 3}, /* a1 still issued after b2 came */
      {'I', T0 + 30 * HOUR, 0xb2, 4}},
     SW_VERDICT_OK,
     2,
     20 * HOUR,
     NULL},
    {"two keys interleaved in 3h: no succession, unknown",
     24 * HOUR,
     {{'I', T0, 0xa1, 1},
      {'I', T0 + HOUR, 0xb2, 2},
      {'I', T0 + 2 * HOUR, 0xa1, 3},
      {'I', T0 + 3 * HOUR, 0xb2, 4}},
     SW_VERDICT_UNKNOWN,
     2,
     2 * HOUR,
     "observed for only 3h 0m, less than the 24h limit; no rotation seen"},
    {"offers only, all rejected: nothing in use",
     24 * HOUR,
     {{'R', T0, 0xa1, 1}, {'R', T0 + 5 * DAY, 0xa1, 2}},
     SW_VERDICT_UNKNOWN,
     1,
     0,
     "observed for only 0s, less than the 24h limit; no rotation seen"},
};

static void test_verdicts(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(verdict_cases) / sizeof(verdict_cases[0]);
         c++) {
        const struct verdict_case *vc = &verdict_cases[c];
        struct sw_policy pol = {vc->limit};
        struct sw_keytable *kt = sw_keytable_new();
        const struct sw_server_view *s;
        struct sw_analysis a;

        print_message("case: %s\n", vc->name);
        assert_non_null(kt);
        for (size_t i = 0; i < 10 && vc->steps[i].kind; i++) {
            const struct step *st = &vc->steps[i];

            if (st->kind == 'I')
                issue(kt, "a.example", st->t, st->key, st->serial, 0);
            else
                offer(kt, "a.example", st->t, st->key, st->serial,
                      st->kind == 'A');
        }
        assert_int_equal(sw_keytable_analyse(kt, &pol, &a), SW_OK);
        assert_int_equal(a.n_servers, 1);
        s = &a.servers[0];
        assert_string_equal(s->name, "a.example");
        assert_int_equal(s->verdict, vc->want);
        assert_int_equal(s->n_keys, vc->n_keys);
        assert_int_equal(s->longest_key_in_use, vc->longest);
        assert_int_equal(a.n_stale, vc->want == SW_VERDICT_STALE);
        if (vc->note && !has_note(s, vc->note)) {
            for (size_t i = 0; i < s->n_notes; i++)
                print_message("  note: %s\n", s->notes[i]);
            fail_msg("missing note: %s", vc->note);
        }
        sw_analysis_free(&a);
        sw_keytable_free(kt);
    }
}

/* The rotation case in detail: every figure of key 0xa1. */
static void test_rotation_figures(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    const struct sw_key_view *a1, *b2;
    struct sw_keytable_totals tot;
    struct sw_analysis a;

    (void)state;
    issue(kt, "a.example", T0, 0xa1, 1, 7200);
    issue(kt, "a.example", T0 + 6 * HOUR, 0xa1, 2, 7200);
    offer(kt, "a.example", T0 + 7 * HOUR, 0xa1, 2, true);
    issue(kt, "a.example", T0 + DAY, 0xb2, 3, 300);
    issue(kt, "a.example", T0 + DAY + HOUR, 0xb2, 4, 7200);
    offer(kt, "a.example", T0 + DAY + 2 * HOUR, 0xa1, 1, false);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 2);
    a1 = &a.keys[0];
    b2 = &a.keys[1];
    assert_string_equal(a1->name, "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    assert_string_equal(b2->name, "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2");
    assert_int_equal(a1->id.format, SW_TKT_KEYNAME16);
    assert_int_equal(a1->issued, 2);
    assert_int_equal(a1->first_issued, T0 + 20 * 1000 * 1000);
    assert_int_equal(a1->last_issued, T0 + 6 * HOUR + 20 * 1000 * 1000);
    assert_int_equal(a1->offered, 2);
    assert_int_equal(a1->first_offered, T0 + 7 * HOUR);
    assert_int_equal(a1->last_offered, T0 + DAY + 2 * HOUR);
    assert_int_equal(a1->accepted, 1);
    assert_int_equal(a1->last_accepted, T0 + 7 * HOUR + 10 * 1000 * 1000);
    assert_int_equal(a1->rejected, 1);
    assert_int_equal(a1->first_rejected, T0 + DAY + 2 * HOUR + 10000000);
    /* in use: first issue (T0 + 20 ms) to the acceptance (7 h + 10 ms) */
    assert_int_equal(a1->in_use, 7 * HOUR - 10 * 1000 * 1000);
    /* the ticket issued at 6 h + 20 ms came back at 7 h + 10 ms */
    assert_int_equal(a1->max_accepted_ticket_age, HOUR - 10 * 1000 * 1000);
    assert_int_equal(a1->n_hints, 1);
    assert_int_equal(a1->lifetime_hints[0], 7200);
    assert_int_equal(b2->n_hints, 2);
    assert_int_equal(b2->lifetime_hints[0], 300);
    assert_int_equal(b2->lifetime_hints[1], 7200);
    assert_int_equal(b2->max_accepted_ticket_age, SW_TIME_NONE);
    assert_int_equal(a1->n_names, 1);
    assert_string_equal(a1->names[0], "a.example");
    assert_int_equal(a1->n_servers, 1);
    assert_int_equal(a1->servers[0].port, 443);
    assert_int_equal(a.servers[0].verdict, SW_VERDICT_OK);
    assert_true(a.servers[0].rotation_seen);
    assert_int_equal(a.servers[0].handshakes, 6);
    assert_int_equal(a.servers[0].resumed, 1);
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.handshakes, 6);
    assert_int_equal(tot.full, 4);
    assert_int_equal(tot.resumed, 1);
    assert_int_equal(tot.rejected, 1);
    assert_int_equal(tot.unknown, 0);
    assert_int_equal(tot.tickets_issued, 4);
    assert_int_equal(tot.tickets_offered, 2);
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* Issued at T0 with a 2h hint (7200 s), redeemed 1h and 5h later. */
static void test_digest_link_and_hint(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    const struct sw_server_view *s;
    struct sw_analysis a;

    (void)state;
    issue(kt, "a.example", T0, 0xa1, 1, 7200);
    issue(kt, "a.example", T0 + 10 * MIN, 0xa1, 2, 7200);
    offer(kt, "a.example", T0 + HOUR, 0xa1, 2, true);     /* 50 min old */
    offer(kt, "a.example", T0 + 5 * HOUR, 0xa1, 1, true); /* 5 h old */
    offer(kt, "a.example", T0 + 6 * HOUR, 0xa1, 9, true); /* never seen
                                                             issued */
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 1);
    assert_int_equal(a.keys[0].accepted, 3);
    /* accepted at 5 h + 10 ms, issued at 20 ms */
    assert_int_equal(a.keys[0].max_accepted_ticket_age, 5 * HOUR - 10000000);
    s = &a.servers[0];
    assert_true(has_note(s, "ticket accepted after its lifetime hint ran out: "
                            "1 time, the oldest 4h 59m (17999.99 s) old "
                            "against a hint of 2h"));
    sw_analysis_free(&a);

    /* A second late redemption (3 h 50 min old): plural. */
    offer(kt, "a.example", T0 + 4 * HOUR, 0xa1, 2, true);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_true(has_note(&a.servers[0],
                         "ticket accepted after its lifetime hint ran out: "
                         "2 times, the oldest 4h 59m (17999.99 s) old "
                         "against a hint of 2h"));
    sw_analysis_free(&a);
    sw_keytable_free(kt);

    /* A hint of 0 is unspecified: no note however old the ticket. */
    kt = sw_keytable_new();
    issue(kt, "a.example", T0, 0xa1, 1, 0);
    offer(kt, "a.example", T0 + 5 * DAY, 0xa1, 1, true);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.keys[0].max_accepted_ticket_age, 5 * DAY - 10000000);
    for (size_t i = 0; i < a.servers[0].n_notes; i++)
        assert_null(strstr(a.servers[0].notes[i], "lifetime hint"));
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* Digest cap 2: the third issue evicts the first, whose redemption then
 * has no link. */
static void test_digest_eviction(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_keytable_totals tot;
    struct sw_analysis a;

    (void)state;
    sw_keytable_set_digest_cap(kt, 2);
    issue(kt, "a.example", T0, 0xa1, 1, 0);
    issue(kt, "a.example", T0 + MIN, 0xa1, 2, 0);
    issue(kt, "a.example", T0 + 2 * MIN, 0xa1, 3, 0);
    offer(kt, "a.example", T0 + HOUR, 0xa1, 1, true); /* evicted */
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.keys[0].max_accepted_ticket_age, SW_TIME_NONE);
    sw_analysis_free(&a);
    offer(kt, "a.example", T0 + HOUR, 0xa1, 2, true); /* still kept */
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.keys[0].max_accepted_ticket_age,
                     HOUR - MIN + 10000000 - 20000000);
    sw_analysis_free(&a);
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.digests_evicted, 1);
    sw_keytable_free(kt);
}

static void test_shared_key_names(void **state)
{
    static const char note[] = "same key name "
                               "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 under "
                               "several server names: a.example, b.example";
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_analysis a;

    (void)state;
    issue(kt, "b.example", T0, 0xa1, 1, 0);
    issue(kt, "a.example", T0 + HOUR, 0xa1, 2, 0);
    issue(kt, "a.example", T0 + 2 * HOUR, 0xa1, 3, 0);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 1);
    assert_int_equal(a.keys[0].n_names, 2);
    assert_string_equal(a.keys[0].names[0], "a.example");
    assert_string_equal(a.keys[0].names[1], "b.example");
    assert_int_equal(a.n_servers, 2);
    /* servers sorted by name */
    assert_string_equal(a.servers[0].name, "a.example");
    assert_string_equal(a.servers[1].name, "b.example");
    assert_true(has_note(&a.servers[0], note));
    assert_true(has_note(&a.servers[1], note));
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* TLS 1.3: two PSK identities offered, the server selects the second. */
static void test_psk_second_selected(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    const struct sw_key_view *a1, *b2;
    struct sw_tls_handshake hs;
    struct sw_keytable_totals tot;
    struct sw_analysis a;
    struct tkt k0, k1;

    (void)state;
    hs_init(&hs, "a.example", T0);
    hs.version = 0x0304;
    hs.offered = SW_OFFER_PSK;
    make_ticket(&k0, 0xa1, 1); /* identity 0: key a1 */
    make_ticket(&k1, 0xb2, 2); /* identity 1: key b2 */
    hs.n_offered = 2;
    fill(&hs.offered_tickets[0], k0.b, sizeof(k0.b), T0, 0);
    fill(&hs.offered_tickets[1], k1.b, sizeof(k1.b), T0, 0);
    hs.outcome = SW_OUTCOME_RESUMED;
    hs.resumed_by = SW_RESUMED_PSK;
    hs.selected_identity = 1;
    hs.accepted = 1;
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    a1 = find_key(&a, 0xa1);
    b2 = find_key(&a, 0xb2);
    assert_non_null(a1);
    assert_non_null(b2);
    assert_int_equal(a1->offered, 1);
    assert_int_equal(a1->accepted, 0);
    assert_int_equal(a1->rejected, 0);
    assert_int_equal(b2->offered, 1);
    assert_int_equal(b2->accepted, 1);
    assert_int_equal(b2->rejected, 0);
    assert_int_equal(b2->last_accepted, T0 + 10 * 1000 * 1000);
    assert_int_equal(a1->last_accepted, SW_TIME_NONE);
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.tickets_offered, 2);
    assert_int_equal(tot.resumed, 1);
    assert_int_equal(a.servers[0].resumed, 1);
    sw_analysis_free(&a);

    /* The same two offered and rejected: both count rejected. */
    hs.ts_client_hello = T0 + HOUR;
    hs.ts_decision = T0 + HOUR + SEC;
    hs.outcome = SW_OUTCOME_REJECTED;
    hs.resumed_by = SW_RESUMED_NONE;
    hs.selected_identity = -1;
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(find_key(&a, 0xa1)->rejected, 1);
    assert_int_equal(find_key(&a, 0xb2)->rejected, 1);
    assert_int_equal(find_key(&a, 0xb2)->first_rejected, T0 + HOUR + SEC);
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* Go >= 1.21 style: every issued ticket starts with fresh random bytes. */
static void test_no_key_id_server(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    const struct sw_server_view *s;
    struct sw_analysis a;

    (void)state;
    /* keys 0x11, 0x22, 0x33, 0x44: four different 16-byte prefixes */
    issue(kt, "go.example", T0, 0x11, 1, 0);
    issue(kt, "go.example", T0 + HOUR, 0x22, 2, 0);
    issue(kt, "go.example", T0 + 2 * HOUR, 0x33, 3, 0);
    issue(kt, "go.example", T0 + 3 * DAY, 0x44, 4, 0);
    offer(kt, "go.example", T0 + 4 * DAY, 0x55, 5, true);
    /* a normal server next to it keeps its keys */
    issue(kt, "a.example", T0, 0xa1, 1, 0);
    issue(kt, "a.example", T0 + HOUR, 0xa1, 2, 0);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 1);
    assert_string_equal(a.keys[0].name, "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    s = find_server(&a, "go.example");
    assert_non_null(s);
    assert_true(s->no_key_id);
    assert_int_equal(s->n_keys, 0);
    assert_int_equal(s->verdict, SW_VERDICT_UNKNOWN);
    assert_int_equal(s->handshakes, 5);
    assert_int_equal(s->longest_key_in_use, SW_TIME_NONE);
    assert_true(has_note(s, "no key id in this server's tickets"));
    s = find_server(&a, "a.example");
    assert_false(s->no_key_id);
    assert_int_equal(s->n_keys, 1);
    sw_analysis_free(&a);
    sw_keytable_free(kt);

    /* TLS 1.3 hides issued tickets: learnt from offers alone. One ticket
     * offered three times counts once; then two more distinct ones. */
    kt = sw_keytable_new();
    offer(kt, "go13.example", T0, 0x11, 1, true);
    offer(kt, "go13.example", T0 + HOUR, 0x11, 1, true);
    offer(kt, "go13.example", T0 + 2 * HOUR, 0x11, 1, true);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_false(a.servers[0].no_key_id);
    assert_int_equal(a.n_keys, 1);
    assert_int_equal(a.keys[0].accepted, 3);
    sw_analysis_free(&a);
    offer(kt, "go13.example", T0 + 3 * HOUR, 0x22, 2, true);
    offer(kt, "go13.example", T0 + 4 * HOUR, 0x33, 3, true);
    offer(kt, "go13.example", T0 + 5 * HOUR, 0x44, 4, true);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_true(a.servers[0].no_key_id);
    assert_int_equal(a.n_keys, 0);
    assert_int_equal(a.servers[0].verdict, SW_VERDICT_UNKNOWN);
    assert_true(has_note(&a.servers[0], "no key id in this server's tickets"));
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* NSS tickets: the 16-byte key name is "NSS!" plus 12 variable bytes. */
static void test_nss_format(void **state)
{
    uint8_t t[32];
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_tls_handshake hs;
    struct sw_analysis a;

    (void)state;
    memcpy(t, "NSS!", 4);     /* SESS_TICKET_KEY_NAME_PREFIX */
    memset(t + 4, 0x5a, 12);  /* rest of the key name */
    memset(t + 16, 0x01, 16); /* sealed state */
    hs_init(&hs, "nss.example", T0);
    hs.n_issued = 1;
    fill(&hs.issued[0], t, sizeof(t), T0, 0);
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 1);
    assert_int_equal(a.keys[0].id.format, SW_TKT_NSS);
    assert_string_equal(a.keys[0].name, "4e5353215a5a5a5a5a5a5a5a5a5a5a5a");
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* No SNI: the server is its address:port. A renewal under a newer key
 * after resuming with the old one is rotation. */
static void test_no_sni_and_renewal(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_tls_handshake hs;
    struct sw_analysis a;
    struct tkt old, fresh;

    (void)state;
    issue(kt, "", T0, 0xa1, 1, 0);
    issue(kt, "", T0 + MIN, 0xa1, 2, 0);
    issue(kt, "", T0 + HOUR, 0xb2, 3, 0);
    /* resume with a1's ticket, renewed with a b2 ticket */
    hs_init(&hs, "", T0 + 2 * HOUR);
    make_ticket(&old, 0xa1, 1);
    make_ticket(&fresh, 0xb2, 4);
    hs.offered = SW_OFFER_TICKET;
    hs.n_offered = 1;
    fill(&hs.offered_tickets[0], old.b, sizeof(old.b), T0 + 2 * HOUR, 0);
    hs.outcome = SW_OUTCOME_RESUMED;
    hs.resumed_by = SW_RESUMED_TICKET;
    hs.accepted = 0;
    hs.renewal = true;
    hs.n_issued = 1;
    fill(&hs.issued[0], fresh.b, sizeof(fresh.b), T0 + 2 * HOUR, 0);
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_servers, 1);
    assert_string_equal(a.servers[0].name, "192.0.2.1:443");
    assert_true(a.servers[0].by_address);
    assert_int_equal(a.keys[0].n_names, 0);
    assert_int_equal(a.servers[0].verdict, SW_VERDICT_OK);
    assert_true(has_note(&a.servers[0],
                         "rotation seen: key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 "
                         "renewed with newer key "
                         "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"));
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* A server seen only in full handshakes without tickets. */
static void test_no_tickets(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_tls_handshake hs;
    struct sw_analysis a;

    (void)state;
    hs_init(&hs, "plain.example", T0);
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.n_keys, 0);
    assert_int_equal(a.servers[0].verdict, SW_VERDICT_UNKNOWN);
    assert_true(has_note(&a.servers[0], "no session tickets seen"));
    sw_analysis_free(&a);
    sw_keytable_free(kt);
}

/* TLS 1.3 PSK identities shorter than a key name (as in Zeek's
 * tls13_psk_succesfull.pcap): counted, no key, and the note says tickets
 * were seen rather than "no session tickets seen"; a state keeps it. */
static void test_short_psk_identity(void **state)
{
    static const uint8_t ident[2][8] = {
        {0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x01}, /* opaque id */
        {0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x02}, /* opaque id */
    };
    struct sw_keytable *kt = sw_keytable_new(), *cp = sw_keytable_new();
    struct sw_keytable_totals tot;
    struct sw_tls_handshake hs;
    struct sw_analysis a;
    uint8_t *b;
    size_t n;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        hs_init(&hs, "psk.example", T0 + (int64_t)i * HOUR);
        hs.version = 0x0304;
        hs.offered = SW_OFFER_PSK;
        hs.n_offered = 1;
        fill(&hs.offered_tickets[0], ident[i], sizeof(ident[i]), T0, 0);
        hs.outcome = SW_OUTCOME_RESUMED;
        hs.resumed_by = SW_RESUMED_PSK;
        hs.selected_identity = 0;
        hs.accepted = 0;
        assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
        assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
        assert_int_equal(a.n_keys, 0);
        assert_int_equal(a.servers[0].verdict, SW_VERDICT_UNKNOWN);
        assert_false(has_note(&a.servers[0], "no session tickets seen"));
        assert_true(has_note(&a.servers[0],
                             i == 0 ? "no key name in the 1 ticket seen "
                                      "(shorter than the key id)"
                                    : "no key name in the 2 tickets seen "
                                      "(shorter than the key id)"));
        sw_analysis_free(&a);
    }
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.no_key_name, 2);
    assert_int_equal(sw_keytable_export(kt, &b, &n), SW_OK);
    assert_int_equal(sw_keytable_import(cp, b, n), SW_OK);
    assert_int_equal(sw_keytable_analyse(cp, NULL, &a), SW_OK);
    assert_true(has_note(&a.servers[0], "no key name in the 2 tickets seen "
                                        "(shorter than the key id)"));
    sw_analysis_free(&a);
    free(b);
    sw_keytable_free(cp);
    sw_keytable_free(kt);
}

/* Max age 1 h: an issue 2 h later forgets the first digest, whose
 * redemption then has no link; the loss is counted. */
static void test_digest_expiry(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_keytable_totals tot;
    struct sw_analysis a;

    (void)state;
    sw_keytable_set_digest_max_age(kt, HOUR);
    issue(kt, "a.example", T0, 0xa1, 1, 0);
    issue(kt, "a.example", T0 + 2 * HOUR, 0xa1, 2, 0);
    offer(kt, "a.example", T0 + 2 * HOUR + MIN, 0xa1, 1, true); /* expired */
    assert_int_equal(sw_keytable_analyse(kt, NULL, &a), SW_OK);
    assert_int_equal(a.keys[0].max_accepted_ticket_age, SW_TIME_NONE);
    sw_analysis_free(&a);
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.digests_expired, 1);
    assert_int_equal(tot.digests_evicted, 0);
    sw_keytable_free(kt);
}

static void export_ok(const struct sw_keytable *kt, uint8_t **b, size_t *n)
{
    assert_int_equal(sw_keytable_export(kt, b, n), SW_OK);
}

/* Two keys at two servers with a rotation, exported and imported: the
 * copy exports the same bytes, and goes on like the original. Every
 * truncation is refused, and so is another format version. */
static void test_export_import(void **state)
{
    struct sw_keytable *kt = sw_keytable_new(), *cp = sw_keytable_new();
    uint8_t *b1, *b2;
    size_t n1, n2;

    (void)state;
    issue(kt, "a.example", T0, 0xa1, 1, 7200);
    issue(kt, "b.example", T0 + MIN, 0xa1, 2, 300);
    offer(kt, "a.example", T0 + HOUR, 0xa1, 1, true);
    issue(kt, "a.example", T0 + 2 * HOUR, 0xb2, 3, 7200);
    offer(kt, "a.example", T0 + 3 * HOUR, 0xa1, 2, false);
    export_ok(kt, &b1, &n1);
    assert_int_equal(sw_keytable_import(cp, b1, n1), SW_OK);
    export_ok(cp, &b2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b2);
    offer(kt, "a.example", T0 + 4 * HOUR, 0xb2, 3, true);
    offer(cp, "a.example", T0 + 4 * HOUR, 0xb2, 3, true);
    export_ok(kt, &b2, &n2);
    free(b1);
    export_ok(cp, &b1, &n1);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    sw_keytable_free(cp);
    for (size_t cut = 0; cut < n1; cut++) {
        cp = sw_keytable_new();
        assert_int_not_equal(sw_keytable_import(cp, b1, cut), SW_OK);
        sw_keytable_free(cp);
    }
    b1[7] = 3; /* format version 3 */
    cp = sw_keytable_new();
    assert_int_equal(sw_keytable_import(cp, b1, n1), SW_UNSUPPORTED);
    sw_keytable_free(cp);
    free(b1);
    free(b2);
    sw_keytable_free(kt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_rotation_figures),
        cmocka_unit_test(test_digest_link_and_hint),
        cmocka_unit_test(test_digest_eviction),
        cmocka_unit_test(test_shared_key_names),
        cmocka_unit_test(test_psk_second_selected),
        cmocka_unit_test(test_no_key_id_server),
        cmocka_unit_test(test_nss_format),
        cmocka_unit_test(test_no_sni_and_renewal),
        cmocka_unit_test(test_no_tickets),
        cmocka_unit_test(test_digest_expiry),
        cmocka_unit_test(test_short_psk_identity),
        cmocka_unit_test(test_export_import),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
