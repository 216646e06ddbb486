/* test_ticket.c - ticket formats: names, guesses and key id extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse/ticket.h"

/* 20 bytes: the ASCII "NSS!", then 0x10..0x1f. An NSS key name is the
 * first 16 bytes (prefix plus a 12-byte variable part). */
static const uint8_t nss_ticket[] = {'N',  'S',  'S',  '!',  0x10, 0x11, 0x12,
                                     0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
                                     0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

/* 18 bytes: 0x00..0x11 (an RFC 5077 key_name and two more bytes). */
static const uint8_t plain_ticket[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
                                       0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                       0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11};

static void test_format_names(void **state)
{
    static const struct {
        enum sw_ticket_format f;
        const char *name;
    } cases[] = {
        {SW_TKT_KEYNAME16, "keyname16"},
        {SW_TKT_NSS, "nss"},
        {SW_TKT_KEYID4, "keyid4"},
        {SW_TKT_S2N, "s2n"},
        {SW_TKT_NO_KEY_ID, "no-key-id"},
        {SW_TKT_FORMAT_COUNT, "unknown-format"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(sw_ticket_format_name(cases[i].f), cases[i].name);
}

static void test_guess(void **state)
{
    static const uint8_t nss_short[] = {'N', 'S', 'S'};      /* 3 bytes only */
    static const uint8_t nss_lower[] = {'n', 's', 's', '!'}; /* case counts */

    (void)state;
    assert_int_equal(sw_ticket_guess_format(nss_ticket, sizeof(nss_ticket)),
                     SW_TKT_NSS);
    assert_int_equal(sw_ticket_guess_format(plain_ticket, sizeof(plain_ticket)),
                     SW_TKT_KEYNAME16);
    assert_int_equal(sw_ticket_guess_format(nss_short, sizeof(nss_short)),
                     SW_TKT_KEYNAME16);
    assert_int_equal(sw_ticket_guess_format(nss_lower, sizeof(nss_lower)),
                     SW_TKT_KEYNAME16);
    assert_int_equal(sw_ticket_guess_format(NULL, 0), SW_TKT_KEYNAME16);
}

struct keyid_case {
    const char *what;
    const uint8_t *t;
    size_t n;
    enum sw_ticket_format f;
    uint8_t len;   /* expected key id length */
    size_t offset; /* where the key id starts in t */
};

static void test_keyid_table(void **state)
{
    static const struct keyid_case cases[] = {
        {"keyname16: first 16", plain_ticket, 18, SW_TKT_KEYNAME16, 16, 0},
        {"keyname16: exactly 16", plain_ticket, 16, SW_TKT_KEYNAME16, 16, 0},
        {"keyname16: 15 is too short", plain_ticket, 15, SW_TKT_KEYNAME16, 0,
         0},
        {"nss: prefix and 12 bytes", nss_ticket, 20, SW_TKT_NSS, 16, 0},
        {"nss: too short", nss_ticket, 10, SW_TKT_NSS, 0, 0},
        {"keyid4: first 4", plain_ticket, 18, SW_TKT_KEYID4, 4, 0},
        {"keyid4: 3 is too short", plain_ticket, 3, SW_TKT_KEYID4, 0, 0},
        {"s2n: after the version byte", plain_ticket, 18, SW_TKT_S2N, 16, 1},
        {"s2n: 16 bytes is too short", plain_ticket, 16, SW_TKT_S2N, 0, 0},
        {"s2n: exactly 17", plain_ticket, 17, SW_TKT_S2N, 16, 1},
        {"no key id", plain_ticket, 18, SW_TKT_NO_KEY_ID, 0, 0},
        {"empty ticket", NULL, 0, SW_TKT_KEYNAME16, 0, 0},
    };
    static const uint8_t zero[SW_KEYID_MAX];
    struct sw_keyid id;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct keyid_case *k = &cases[i];

        memset(&id, 0xee, sizeof(id));
        sw_ticket_keyid(k->t, k->n, k->f, &id);
        print_message("%s\n", k->what);
        assert_int_equal(id.format, k->f);
        assert_int_equal(id.len, k->len);
        if (k->len)
            assert_memory_equal(id.bytes, k->t + k->offset, k->len);
        else
            assert_memory_equal(id.bytes, zero, sizeof(zero));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_keyid_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
