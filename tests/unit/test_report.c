/* test_report.c - the report's three formats on one hand-built run: JSON
 * parsed back with jansson (schema 1, key order), CSV rows and quoting,
 * text tables, and the return value that main maps to exit status 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "common/timefmt.h"
#include "report/json.h"
#include "report/report.h"

#define SEC SW_NS_PER_SEC
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)
#define T0 (1764547200LL * SEC) /* 2025-12-01T00:00:00Z */

/* A 32-byte ticket: 16-byte key name (key byte repeated), then 16 bytes
 * whose first is a serial (IV and state, all that matters here). */
static void put_ticket(struct sw_tls_ticket *t, uint8_t *buf, uint8_t key,
                       uint8_t serial, int64_t ts, uint32_t hint)
{
    memset(buf, key, 16);
    memset(buf + 16, 0, 16);
    buf[16] = serial;
    memset(t, 0, sizeof(*t));
    t->data = buf;
    t->len = 32;
    SHA256(buf, 32, t->sha256);
    t->ts = ts;
    t->lifetime = hint;
}

static void hs_init(struct sw_tls_handshake *hs, const char *sni, int64_t ts)
{
    memset(hs, 0, sizeof(*hs));
    hs->client.family = 4;
    memcpy(hs->client.addr, "\xc6\x33\x64\x07", 4); /* 198.51.100.7 */
    hs->client.port = 40000;
    hs->server.family = 4;
    memcpy(hs->server.addr, "\xc0\x00\x02\x01", 4); /* 192.0.2.1 */
    hs->server.port = 443;
    hs->ts_client_hello = ts;
    hs->ts_decision = ts + SEC / 2;
    snprintf(hs->sni, sizeof(hs->sni), "%s", sni);
    hs->version = 0x0303;
    hs->selected_identity = -1;
    hs->outcome = SW_OUTCOME_FULL;
}

static void issue(struct sw_keytable *kt, const char *sni, int64_t ts,
                  uint8_t key, uint8_t serial, uint32_t hint)
{
    struct sw_tls_handshake hs;
    uint8_t buf[32];

    hs_init(&hs, sni, ts);
    hs.n_issued = 1;
    put_ticket(&hs.issued[0], buf, key, serial, ts + SEC, hint);
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
}

static void offer(struct sw_keytable *kt, const char *sni, int64_t ts,
                  uint8_t key, uint8_t serial, bool accepted)
{
    struct sw_tls_handshake hs;
    uint8_t buf[32];

    hs_init(&hs, sni, ts);
    hs.offered = SW_OFFER_TICKET;
    hs.n_offered = 1;
    put_ticket(&hs.offered_tickets[0], buf, key, serial, ts, 0);
    hs.outcome = accepted ? SW_OUTCOME_RESUMED : SW_OUTCOME_REJECTED;
    hs.resumed_by = accepted ? SW_RESUMED_TICKET : SW_RESUMED_NONE;
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
}

/* The run: "ok.example" rotates a1 -> b2 over two days; "stale.example"
 * keeps key cc for three days; "odd,\"name" has a comma and a quote in its
 * SNI; one handshake cut short. */
static struct sw_keytable *build(void)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_tls_handshake hs;

    assert_non_null(kt);
    issue(kt, "ok.example", T0, 0xa1, 1, 7200);
    issue(kt, "ok.example", T0 + HOUR, 0xa1, 2, 7200);
    offer(kt, "ok.example", T0 + 2 * HOUR, 0xa1, 2, true);
    issue(kt, "ok.example", T0 + DAY, 0xb2, 3, 7200);
    offer(kt, "ok.example", T0 + DAY + HOUR, 0xa1, 1, false);
    issue(kt, "stale.example", T0, 0xcc, 4, 0);
    issue(kt, "stale.example", T0 + 3 * DAY, 0xcc, 5, 0);
    issue(kt, "odd,\"name", T0, 0xdd, 6, 0);
    hs_init(&hs, "ok.example", T0 + 3 * DAY);
    hs.outcome = SW_OUTCOME_UNKNOWN;
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    return kt;
}

static const char *const sources[] = {"a.pcap", "b.pcapng"};
static const struct sw_counter anomalies[] = {
    {"tls_record_bad_type", 2}, {"tcp_bad_checksum", 0}, {"ip_truncated", 5}};

static void run_info(struct sw_run_info *run)
{
    memset(run, 0, sizeof(*run));
    run->sources = sources;
    run->n_sources = 2;
    run->packets = 1234;
    run->bytes = 567890;
    run->first_packet = T0;
    run->last_packet = T0 + 3 * DAY + 1500 * 1000; /* + 1.5 ms */
    run->flows = 9;
    run->anomalies = anomalies;
    run->n_anomalies = 3;
}

/* Write the report in fmt to a string (free it). */
static char *render(enum sw_report_format fmt, int *rc)
{
    struct sw_keytable *kt = build();
    struct sw_policy pol = {24 * HOUR};
    struct sw_run_info run;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    run_info(&run);
    *rc = sw_report_write(f, fmt, kt, &run, &pol);
    fclose(f);
    sw_keytable_free(kt);
    return buf;
}

static void test_json(void **state)
{
    static const char *const key_members[] = {
        "key_name",       "format",         "names",
        "servers",        "issued",         "first_issued",
        "last_issued",    "offered",        "first_offered",
        "last_offered",   "accepted",       "last_accepted",
        "rejected",       "first_rejected", "max_accepted_ticket_age",
        "lifetime_hints", "in_use"};
    static const char *const top[] = {"schema", "generator", "capture",
                                      "totals", "keys",      "servers"};
    json_error_t err;
    json_t *doc, *keys, *k, *s, *tot, *cap;
    const char *name;
    json_t *v;
    size_t i = 0;
    int rc;
    char *text = render(SW_FMT_JSON, &rc);

    (void)state;
    assert_int_equal(rc, 1); /* stale.example is stale */
    doc = json_loads(text, JSON_PRESERVE_ORDER, &err);
    if (!doc)
        fail_msg("bad JSON at line %d: %s\n%s", err.line, err.text, text);
    json_object_foreach(doc, name, v)
    {
        assert_true(i < 6);
        assert_string_equal(name, top[i++]);
    }
    assert_int_equal(json_integer_value(json_object_get(doc, "schema")), 1);
    assert_string_equal(json_string_value(json_object_get(doc, "generator")),
                        "stekwatch " SW_VERSION);
    cap = json_object_get(doc, "capture");
    assert_int_equal(json_array_size(json_object_get(cap, "sources")), 2);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(cap, "sources"), 1)),
        "b.pcapng");
    assert_int_equal(json_integer_value(json_object_get(cap, "packets")), 1234);
    assert_int_equal(json_integer_value(json_object_get(cap, "bytes")), 567890);
    assert_string_equal(json_string_value(json_object_get(cap, "first_packet")),
                        "2025-12-01T00:00:00.000000Z");
    assert_string_equal(json_string_value(json_object_get(cap, "last_packet")),
                        "2025-12-04T00:00:00.001500Z");

    tot = json_object_get(doc, "totals");
    assert_int_equal(json_integer_value(json_object_get(tot, "flows")), 9);
    assert_int_equal(json_integer_value(json_object_get(tot, "tls_handshakes")),
                     9);
    assert_int_equal(json_integer_value(json_object_get(tot, "tickets_issued")),
                     6);
    assert_int_equal(
        json_integer_value(json_object_get(tot, "tickets_offered")), 2);
    assert_int_equal(json_integer_value(json_object_get(tot, "resumed")), 1);
    assert_int_equal(json_integer_value(json_object_get(tot, "rejected")), 1);
    assert_int_equal(json_integer_value(json_object_get(tot, "unknown")), 1);
    v = json_object_get(tot, "anomalies");
    assert_int_equal(json_object_size(v), 2); /* zero counts left out */
    assert_int_equal(
        json_integer_value(json_object_get(v, "tls_record_bad_type")), 2);
    assert_int_equal(json_integer_value(json_object_get(v, "ip_truncated")), 5);

    keys = json_object_get(doc, "keys");
    assert_int_equal(json_array_size(keys), 4);
    k = json_array_get(keys, 0); /* first sighting T0 + 1 s; a1 < cc < dd */
    i = 0;
    json_object_foreach(k, name, v)
    {
        assert_true(i < 17);
        assert_string_equal(name, key_members[i++]);
    }
    assert_int_equal(i, 17);
    assert_string_equal(json_string_value(json_object_get(k, "key_name")),
                        "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    assert_string_equal(json_string_value(json_object_get(k, "format")),
                        "keyname16");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(k, "names"), 0)),
        "ok.example");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(k, "servers"), 0)),
        "192.0.2.1:443");
    assert_int_equal(json_integer_value(json_object_get(k, "issued")), 2);
    assert_string_equal(json_string_value(json_object_get(k, "first_issued")),
                        "2025-12-01T00:00:01.000000Z");
    assert_string_equal(json_string_value(json_object_get(k, "last_issued")),
                        "2025-12-01T01:00:01.000000Z");
    assert_int_equal(json_integer_value(json_object_get(k, "offered")), 2);
    assert_int_equal(json_integer_value(json_object_get(k, "accepted")), 1);
    assert_string_equal(json_string_value(json_object_get(k, "last_accepted")),
                        "2025-12-01T02:00:00.500000Z");
    assert_int_equal(json_integer_value(json_object_get(k, "rejected")), 1);
    assert_string_equal(json_string_value(json_object_get(k, "first_rejected")),
                        "2025-12-02T01:00:00.500000Z");
    /* issued 01:00:01, accepted 02:00:00.5: 3599.5 s */
    assert_true(json_is_real(json_object_get(k, "max_accepted_ticket_age")));
    assert_true(json_real_value(
                    json_object_get(k, "max_accepted_ticket_age")) == 3599.5);
    assert_int_equal(json_integer_value(json_array_get(
                         json_object_get(k, "lifetime_hints"), 0)),
                     7200);
    /* T0 + 1 s to 02:00:00.5 */
    assert_true(json_real_value(json_object_get(k, "in_use")) == 7199.5);
    k = json_array_get(keys, 1);
    assert_string_equal(json_string_value(json_object_get(k, "key_name")),
                        "cccccccccccccccccccccccccccccccc");
    assert_int_equal(json_integer_value(json_object_get(k, "in_use")),
                     3 * 86400);
    assert_true(json_is_null(json_object_get(k, "first_offered")));
    assert_true(json_is_null(json_object_get(k, "max_accepted_ticket_age")));

    s = json_object_get(doc, "servers");
    assert_int_equal(json_array_size(s), 3);
    /* sorted by name: "odd,\"name" < "ok.example" < "stale.example" */
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(s, 0), "name")),
        "odd,\"name");
    v = json_array_get(s, 1);
    assert_string_equal(json_string_value(json_object_get(v, "name")),
                        "ok.example");
    assert_int_equal(json_integer_value(json_object_get(v, "handshakes")), 6);
    assert_int_equal(json_integer_value(json_object_get(v, "resumed")), 1);
    assert_int_equal(json_array_size(json_object_get(v, "key_names")), 2);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(v, "key_names"), 1)),
        "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2");
    assert_string_equal(json_string_value(json_object_get(v, "verdict")), "ok");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(v, "notes"), 0)),
        "rotation seen: key a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 rejected after "
        "key b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2 appeared");
    v = json_array_get(s, 2);
    assert_string_equal(json_string_value(json_object_get(v, "verdict")),
                        "stale");
    assert_int_equal(
        json_integer_value(json_object_get(v, "longest_key_in_use")),
        3 * 86400);
    json_decref(doc);
    free(text);
}

/* Split text into lines (modifies it); returns the count. */
static size_t lines(char *text, char **out, size_t max)
{
    size_t n = 0;

    for (char *p = strtok(text, "\n"); p && n < max; p = strtok(NULL, "\n"))
        out[n++] = p;
    return n;
}

static void test_csv(void **state)
{
    char *line[16];
    int rc;
    char *text = render(SW_FMT_CSV, &rc);
    size_t n = lines(text, line, 16);

    (void)state;
    assert_int_equal(rc, 1);
    /* header, odd (1 key), ok (2 keys), stale (1 key) */
    assert_int_equal(n, 5);
    assert_string_equal(
        line[0], "server,server_addresses,verdict,handshakes,resumed,"
                 "longest_key_in_use,"
                 "key_name,format,issued,first_issued,last_issued,offered,"
                 "first_offered,last_offered,accepted,last_accepted,rejected,"
                 "first_rejected,max_accepted_ticket_age,lifetime_hints,"
                 "in_use,key_server_names,notes");
    /* RFC 4180: the comma and the quote force quoting, the quote doubled */
    assert_memory_equal(
        line[1], "\"odd,\"\"name\",192.0.2.1:443,unknown,1,0,0,dddd", 45);
    assert_string_equal(
        line[2],
        "ok.example,192.0.2.1:443,ok,6,1,7199.5,"
        "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1,"
        "keyname16,2,2025-12-01T00:00:01.000000Z,2025-12-01T01:00:01.000000Z,"
        "2,2025-12-01T02:00:00.000000Z,2025-12-02T01:00:00.000000Z,1,"
        "2025-12-01T02:00:00.500000Z,1,2025-12-02T01:00:00.500000Z,3599.5,"
        "7200,7199.5,ok.example,rotation seen: key "
        "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 rejected after key "
        "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2 appeared");
    assert_non_null(strstr(line[3], ",b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2,"));
    assert_memory_equal(
        line[4], "stale.example,192.0.2.1:443,stale,2,0,259200,cccc", 49);
    /* the note holds a comma: quoted */
    assert_non_null(strstr(line[4], ",\"key cccccccccccccccccccccccccccccccc "
                                    "in use for 3d 0h 0m, longer than the "
                                    "24h limit\""));
    free(text);
}

static void test_text(void **state)
{
    int rc;
    char *text = render(SW_FMT_TEXT, &rc);

    (void)state;
    assert_int_equal(rc, 1);
    assert_non_null(strstr(text, "sources:      a.pcap, b.pcapng\n"));
    assert_non_null(strstr(text, "packets:      1234 (567890 bytes)\n"));
    assert_non_null(strstr(text, "time range:   2025-12-01 00:00:00 to "
                                 "2025-12-04 00:00:00 UTC\n"));
    assert_non_null(strstr(text, "handshakes:   9 (full 6, resumed 1, "
                                 "rejected 1, unknown 1)\n"));
    assert_non_null(strstr(text, "anomalies:    ip_truncated 5, "
                                 "tls_record_bad_type 2\n"));
    assert_non_null(strstr(text, "max key age:  24h\n"));
    assert_non_null(strstr(text, "verdicts:     1 ok, 1 stale, 1 unknown\n"));
    /* aligned: server names padded to the longest ("stale.example") */
    assert_non_null(strstr(text, "\nSERVER         VERDICT  KEYS  HANDSHAKES  "
                                 "RESUMED  LONGEST KEY IN USE  ADDRESSES\n"));
    assert_non_null(strstr(text, "\nok.example     ok          2           6"
                                 "        1  1h 59m              "
                                 "192.0.2.1:443\n"));
    assert_non_null(strstr(text, "\nstale.example  stale       1           2"
                                 "        0  3d 0h 0m            "
                                 "192.0.2.1:443\n"));
    assert_non_null(strstr(text, "\nstale.example: key "
                                 "cccccccccccccccccccccccccccccccc in use "
                                 "for 3d 0h 0m, longer than the 24h limit\n"));
    assert_non_null(strstr(text, "\ncccccccccccccccccccccccccccccccc  "
                                 "keyname16       2        0         0"
                                 "         0  2025-12-01 00:00:01  "
                                 "2025-12-04 00:00:01  3d 0h 0m  -"));
    free(text);
}

/* Limits as typed, durations with the seconds the rounding hid. */
static void test_duration_text(void **state)
{
    static const struct {
        int64_t ns;
        const char *limit, *exact;
    } cases[] = {
        {24 * HOUR, "24h", "1d 0h 0m"},
        {2 * DAY, "2d", "2d 0h 0m"},
        {7 * DAY, "7d", "7d 0h 0m"},
        {48 * HOUR + 30 * 60 * SEC, "2910m", "2d 0h 30m"},
        {12 * HOUR, "12h", "12h 0m"},
        {12 * HOUR + 24 * 1000 * 1000, "43200.024s", "12h 0m (43200.024 s)"},
        {HOUR + 1, "3600.000000001s", "1h 0m (3600.000000001 s)"},
        {90 * 60 * SEC, "90m", "1h 30m"},
        {3601 * SEC, "3601s", "1h 0m (3601 s)"},
        {45 * SEC, "45s", "45s"},
        {SEC / 2, "0.5s", "0s (0.5 s)"},
    };
    char buf[SW_TIME_STRLEN + 32];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(sw_text_limit(cases[i].ns, buf, sizeof(buf)),
                            cases[i].limit);
        assert_string_equal(
            sw_text_duration_exact(cases[i].ns, buf, sizeof(buf)),
            cases[i].exact);
    }
}

/* A 2d policy in the header; the digest cap's evictions are an anomaly,
 * expiry at the max ticket age is not; a server at two addresses gets
 * them ";"-joined in the CSV; "1 byte". */
static void test_policy_anomalies_addresses(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    struct sw_policy pol = {2 * DAY};
    struct sw_keytable_totals tot;
    struct sw_tls_handshake hs;
    struct sw_run_info run;
    char *buf = NULL, *line[4];
    size_t len = 0;
    FILE *f;

    (void)state;
    sw_keytable_set_digest_cap(kt, 1);
    sw_keytable_set_digest_max_age(kt, HOUR);
    issue(kt, "two.example", T0, 0xa1, 1, 0);
    issue(kt, "two.example", T0 + 2 * HOUR, 0xa1, 2, 0);     /* expires #1 */
    issue(kt, "two.example", T0 + 2 * HOUR + 1, 0xa1, 3, 0); /* evicts #2 */
    hs_init(&hs, "two.example", T0 + 3 * HOUR);
    hs.server.addr[3] = 2; /* 192.0.2.2 */
    assert_int_equal(sw_keytable_add(kt, &hs), SW_OK);
    sw_keytable_totals(kt, &tot);
    assert_int_equal(tot.digests_expired, 1);
    assert_int_equal(tot.digests_evicted, 1);
    memset(&run, 0, sizeof(run));
    run.packets = 1;
    run.bytes = 1;
    run.first_packet = run.last_packet = SW_TIME_NONE;

    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(sw_report_write(f, SW_FMT_TEXT, kt, &run, &pol), 0);
    fclose(f);
    assert_non_null(strstr(buf, "packets:      1 (1 byte)\n"));
    assert_non_null(strstr(buf, "anomalies:    report_digests_evicted 1\n"));
    assert_null(strstr(buf, "expired"));
    assert_non_null(strstr(buf, "max key age:  2d\n"));
    assert_non_null(strstr(buf, "observed for only 2h 0m (7200.000000001 s), "
                                "less than the 2d limit"));
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(sw_report_write(f, SW_FMT_CSV, kt, &run, &pol), 0);
    fclose(f);
    assert_int_equal(lines(buf, line, 4), 2);
    assert_memory_equal(line[1], "two.example,192.0.2.1:443;192.0.2.2:443,",
                        40);
    free(buf);
    sw_keytable_free(kt);
}

/* Nothing stale: 0; an empty table writes empty lists. */
static void test_empty_and_rc(void **state)
{
    struct sw_keytable *kt = sw_keytable_new();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_t *doc;

    (void)state;
    assert_int_equal(sw_report_write(f, SW_FMT_JSON, kt, NULL, NULL), 0);
    fclose(f);
    doc = json_loads(buf, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "keys")), 0);
    assert_true(json_is_null(
        json_object_get(json_object_get(doc, "capture"), "first_packet")));
    json_decref(doc);
    free(buf);
    sw_keytable_free(kt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_duration_text),
        cmocka_unit_test(test_policy_anomalies_addresses),
        cmocka_unit_test(test_empty_and_rc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
