/* test_events.c - the event stream: one JSON object per handshake per
 * line, parsed back with jansson; raw tickets only when asked; untrusted
 * SNI bytes escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/timefmt.h"
#include "report/events.h"

#define T0 (1764547200LL * SW_NS_PER_SEC) /* 2025-12-01T00:00:00Z */

/* Ticket issued by the server: key name 0x11 x16, IV 0x22 x16, state
 * 0x33 x8 (40 bytes). */
static const uint8_t issued_ticket[40] = {
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* key_name */
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* key_name */
    0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, /* iv */
    0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, /* iv */
    0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, /* sealed state */
};

/* PSK identities offered: an NSS ticket ("NSS!" + 12 bytes) and a ticket
 * of 8 bytes, too short for a 16-byte key name. */
static const uint8_t nss_identity[20] = {
    'N',  'S',  'S',  '!',  0x01, 0x02, 0x03, 0x04, /* key name */
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, /* key name */
    0xaa, 0xbb, 0xcc, 0xdd,                         /* state */
};
static const uint8_t short_identity[8] = {0xde, 0xad, 0xbe, 0xef,
                                          0x00, 0x01, 0x02, 0x03};

static void endpoints(struct sw_tls_handshake *hs)
{
    hs->client.family = 4;
    memcpy(hs->client.addr, "\xc6\x33\x64\x07", 4); /* 198.51.100.7 */
    hs->client.port = 40000;
    hs->server.family = 6;
    hs->server.addr[0] = 0x20; /* 2001:db8::1 */
    hs->server.addr[1] = 0x01;
    hs->server.addr[2] = 0x0d;
    hs->server.addr[3] = 0xb8;
    hs->server.addr[15] = 0x01;
    hs->server.port = 8443;
}

static json_t *write_and_parse(const struct sw_tls_handshake *hs, bool raw,
                               char **text)
{
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    json_error_t err;
    json_t *j;

    assert_non_null(f);
    assert_int_equal(sw_events_write(f, hs, raw), 0);
    fclose(f);
    /* exactly one line */
    assert_true(len > 0);
    assert_int_equal((*text)[len - 1], '\n');
    assert_null(memchr(*text, '\n', len - 1));
    j = json_loads(*text, 0, &err);
    if (!j)
        fail_msg("bad JSON: %s in %s", err.text, *text);
    return j;
}

#define STR(o, k) json_string_value(json_object_get((o), (k)))

/* TLS 1.2 full handshake issuing one ticket. */
static void test_full_with_issue(void **state)
{
    struct sw_tls_handshake hs;
    json_t *j, *iss;
    char *text;

    (void)state;
    memset(&hs, 0, sizeof(hs));
    endpoints(&hs);
    hs.ts_client_hello = T0 + 1234567; /* + 1.234567 ms */
    hs.ts_decision = T0 + 2000000;
    snprintf(hs.sni, sizeof(hs.sni), "www.example.com");
    hs.version = 0x0303;
    hs.asked_ticket = true;
    hs.outcome = SW_OUTCOME_FULL;
    hs.selected_identity = -1;
    hs.n_issued = 1;
    hs.issued[0].data = issued_ticket;
    hs.issued[0].len = sizeof(issued_ticket);
    memset(hs.issued[0].sha256, 0xab, 32); /* stands in for the digest */
    hs.issued[0].lifetime = 7200;
    j = write_and_parse(&hs, false, &text);
    assert_string_equal(STR(j, "time"), "2025-12-01T00:00:00.001234Z");
    assert_string_equal(STR(j, "client"), "198.51.100.7:40000");
    assert_string_equal(STR(j, "server"), "[2001:db8::1]:8443");
    assert_string_equal(STR(j, "sni"), "www.example.com");
    assert_string_equal(STR(j, "version"), "TLSv1.2");
    assert_string_equal(STR(j, "offered"), "none");
    assert_int_equal(json_array_size(json_object_get(j, "offered_all")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "offered_tickets")), 0);
    assert_string_equal(STR(j, "outcome"), "full");
    assert_true(json_is_null(json_object_get(j, "resumed_by")));
    assert_true(json_is_null(json_object_get(j, "selected_identity")));
    assert_true(json_is_false(json_object_get(j, "hello_retry")));
    iss = json_array_get(json_object_get(j, "issued"), 0);
    assert_non_null(iss);
    assert_string_equal(STR(iss, "key_name"),
                        "11111111111111111111111111111111");
    assert_string_equal(STR(iss, "format"), "keyname16");
    assert_int_equal(json_integer_value(json_object_get(iss, "lifetime_hint")),
                     7200);
    assert_string_equal(STR(iss, "sha256"), "abababababababababababababababab"
                                            "abababababababababababababababab");
    assert_null(json_object_get(iss, "raw")); /* never without raw */
    assert_null(strstr(text, "2222222222"));
    json_decref(j);
    free(text);

    j = write_and_parse(&hs, true, &text);
    iss = json_array_get(json_object_get(j, "issued"), 0);
    assert_string_equal(STR(iss, "raw"), "11111111111111111111111111111111"
                                         "22222222222222222222222222222222"
                                         "3333333333333333");
    json_decref(j);
    free(text);
}

/* TLS 1.3 resumption after a HelloRetryRequest: two PSK identities, the
 * second selected; no SNI. */
static void test_psk_resumed(void **state)
{
    struct sw_tls_handshake hs;
    json_t *j, *offs;
    char *text;

    (void)state;
    memset(&hs, 0, sizeof(hs));
    endpoints(&hs);
    hs.ts_client_hello = T0;
    hs.ts_decision = T0 + 1000;
    hs.version = 0x0304;
    hs.hello_retry = true;
    hs.offered = SW_OFFER_PSK | SW_OFFER_SESSION_ID;
    hs.n_offered = 2;
    hs.offered_tickets[0].data = nss_identity;
    hs.offered_tickets[0].len = sizeof(nss_identity);
    hs.offered_tickets[1].data = short_identity;
    hs.offered_tickets[1].len = sizeof(short_identity);
    hs.outcome = SW_OUTCOME_RESUMED;
    hs.resumed_by = SW_RESUMED_PSK;
    hs.selected_identity = 1;
    j = write_and_parse(&hs, false, &text);
    assert_true(json_is_null(json_object_get(j, "sni")));
    assert_string_equal(STR(j, "version"), "TLSv1.3");
    assert_string_equal(STR(j, "offered"), "psk");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "offered_all"), 1)),
        "session-id");
    offs = json_object_get(j, "offered_tickets");
    assert_int_equal(json_array_size(offs), 2);
    assert_string_equal(STR(json_array_get(offs, 0), "format"), "nss");
    assert_string_equal(STR(json_array_get(offs, 0), "key_name"),
                        "4e5353210102030405060708090a0b0c");
    /* 8 bytes name no key: no key name, and no format either */
    assert_true(
        json_is_null(json_object_get(json_array_get(offs, 1), "key_name")));
    assert_true(
        json_is_null(json_object_get(json_array_get(offs, 1), "format")));
    assert_string_equal(STR(j, "outcome"), "resumed");
    assert_string_equal(STR(j, "resumed_by"), "psk");
    assert_int_equal(
        json_integer_value(json_object_get(j, "selected_identity")), 1);
    assert_true(json_is_true(json_object_get(j, "hello_retry")));
    assert_int_equal(json_array_size(json_object_get(j, "issued")), 0);
    json_decref(j);
    free(text);
}

/* Table: outcome and version names. */
static void test_names(void **state)
{
    static const struct {
        enum sw_tls_outcome outcome;
        uint16_t version;
        const char *want_outcome, *want_version;
    } cases[] = {
        {SW_OUTCOME_UNKNOWN, 0, "unknown", NULL},
        {SW_OUTCOME_REJECTED, 0x0303, "rejected", "TLSv1.2"},
        {SW_OUTCOME_FULL, 0x0301, "full", "TLSv1.0"},
        {SW_OUTCOME_FULL, 0x0300, "full", "SSLv3"},
        {SW_OUTCOME_FULL, 0x7f1c, "full", "0x7f1c"},
    };
    struct sw_tls_handshake hs;
    json_t *j;
    char *text;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&hs, 0, sizeof(hs));
        endpoints(&hs);
        hs.ts_client_hello = SW_TIME_NONE;
        hs.selected_identity = -1;
        hs.outcome = cases[i].outcome;
        hs.version = cases[i].version;
        j = write_and_parse(&hs, false, &text);
        assert_true(json_is_null(json_object_get(j, "time")));
        assert_string_equal(STR(j, "outcome"), cases[i].want_outcome);
        if (cases[i].want_version)
            assert_string_equal(STR(j, "version"), cases[i].want_version);
        else
            assert_true(json_is_null(json_object_get(j, "version")));
        json_decref(j);
        free(text);
    }
}

/* Untrusted SNI bytes: quote, backslash, control, invalid UTF-8, and a
 * valid two-byte sequence. */
static void test_sni_escaping(void **state)
{
    struct sw_tls_handshake hs;
    json_t *j;
    char *text;

    (void)state;
    memset(&hs, 0, sizeof(hs));
    endpoints(&hs);
    hs.selected_identity = -1;
    /* a " b \ c ESC d 0xff e U+00E9 */
    memcpy(hs.sni,
           "a\"b\\c\x1b"
           "d\xff"
           "e\xc3\xa9",
           12);
    j = write_and_parse(&hs, false, &text);
    assert_non_null(
        strstr(text, "\"sni\":\"a\\\"b\\\\c\\u001bd\\u00ffe\xc3\xa9\""));
    assert_string_equal(STR(j, "sni"), "a\"b\\c\x1b"
                                       "d\xc3\xbf"
                                       "e\xc3\xa9");
    json_decref(j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_with_issue),
        cmocka_unit_test(test_psk_resumed),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_sni_escaping),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
