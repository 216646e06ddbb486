/* test_common.c - the bounded reader, time and duration formats,
 * endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/endpoint.h"
#include "common/reader.h"
#include "common/status.h"
#include "common/timefmt.h"

/* A TLS-like vector: u16 length 3, then 3 bytes, then one trailing byte. */
static const uint8_t vec[] = {0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x7f};

static void test_reader_integers(void **state)
{
    static const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05,
                                0x06, 0x07, 0x08, 0x09, 0x0a};
    struct sw_reader r;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;

    (void)state;
    sw_rd_init(&r, b, sizeof(b));
    assert_true(sw_rd_u8(&r, &u8));
    assert_int_equal(u8, 0x01);
    assert_true(sw_rd_u16(&r, &u16));
    assert_int_equal(u16, 0x0203);
    assert_true(sw_rd_u24(&r, &u32));
    assert_int_equal(u32, 0x040506);
    assert_true(sw_rd_u32(&r, &u32));
    assert_int_equal(u32, 0x0708090a);
    assert_true(sw_rd_empty(&r));
    assert_false(sw_rd_u8(&r, &u8));
}

static void test_reader_little_endian(void **state)
{
    static const uint8_t b[] = {0x18, 0x00, 0x00, 0x00, 0x02, 0x00};
    struct sw_reader r;
    uint32_t u32;
    uint16_t u16;

    (void)state;
    sw_rd_init(&r, b, sizeof(b));
    assert_true(sw_rd_u32_le(&r, &u32));
    assert_int_equal(u32, 24); /* AF_INET6 on BSD, as DLT_NULL stores */
    assert_true(sw_rd_u16_le(&r, &u16));
    assert_int_equal(u16, 2);
}

/* A failed read leaves the cursor and the count exactly as they were. */
static void test_reader_failure_leaves_cursor(void **state)
{
    static const uint8_t b[] = {0xde, 0xad, 0xbe};
    struct sw_reader r, sub;
    const uint8_t *p;
    uint32_t u32;
    uint8_t buf[4];

    (void)state;
    sw_rd_init(&r, b, sizeof(b));
    assert_false(sw_rd_u32(&r, &u32));
    assert_false(sw_rd_skip(&r, 4));
    assert_false(sw_rd_bytes(&r, 4, &p));
    assert_false(sw_rd_copy(&r, buf, 4));
    assert_false(sw_rd_sub(&r, 4, &sub));
    /* 0xdead as a u16 length: far beyond the one byte that follows */
    assert_false(sw_rd_vec16(&r, &sub));
    assert_int_equal(sw_rd_left(&r), 3);
    assert_ptr_equal(sw_rd_ptr(&r), b);
}

static void test_reader_vectors(void **state)
{
    struct sw_reader r, sub;
    uint8_t u8;

    (void)state;
    sw_rd_init(&r, vec, sizeof(vec));
    assert_true(sw_rd_vec16(&r, &sub));
    assert_int_equal(sw_rd_left(&sub), 3);
    assert_true(sw_rd_u8(&sub, &u8));
    assert_int_equal(u8, 0xaa);
    assert_int_equal(sw_rd_left(&r), 1);
    assert_true(sw_rd_u8(&r, &u8));
    assert_int_equal(u8, 0x7f);

    /* u8 length 5 over 4 remaining bytes: overrun, nothing consumed */
    static const uint8_t short8[] = {0x05, 0x01, 0x02, 0x03, 0x04};
    sw_rd_init(&r, short8, sizeof(short8));
    assert_false(sw_rd_vec8(&r, &sub));
    assert_int_equal(sw_rd_left(&r), 5);

    /* u24 length 2 then 2 bytes: exactly consumed */
    static const uint8_t ok24[] = {0x00, 0x00, 0x02, 0x11, 0x22};
    sw_rd_init(&r, ok24, sizeof(ok24));
    assert_true(sw_rd_vec24(&r, &sub));
    assert_int_equal(sw_rd_left(&sub), 2);
    assert_true(sw_rd_empty(&r));
}

static void test_reader_peek(void **state)
{
    static const uint8_t b[] = {0x16, 0x03, 0x01};
    struct sw_reader r;
    uint8_t u8;
    uint16_t u16;

    (void)state;
    sw_rd_init(&r, b, sizeof(b));
    assert_true(sw_rd_peek_u8(&r, 2, &u8));
    assert_int_equal(u8, 0x01);
    assert_false(sw_rd_peek_u8(&r, 3, &u8));
    assert_true(sw_rd_peek_u16(&r, 1, &u16));
    assert_int_equal(u16, 0x0301);
    assert_false(sw_rd_peek_u16(&r, 2, &u16));
    assert_int_equal(sw_rd_left(&r), 3);

    sw_rd_init(&r, NULL, 0);
    assert_false(sw_rd_peek_u16(&r, 0, &u16));
}

static void test_time_rfc3339(void **state)
{
    static const struct {
        int64_t ns;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {1700000000123456789LL, "2023-11-14T22:13:20.123456Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
        {SW_TIME_NONE, "-"},
    };
    char buf[SW_TIME_STRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(sw_time_rfc3339(cases[i].ns, buf, sizeof(buf)),
                            cases[i].text);
}

static void test_duration_human(void **state)
{
    static const struct {
        int64_t s;
        const char *text;
    } cases[] = {
        {0, "0s"},
        {59, "59s"},
        {61, "1m 1s"},
        {3600, "1h 0m"},
        {86400 + 6 * 3600 + 5 * 60 + 7, "1d 6h 5m"},
        {-5, "0s"},
    };
    char buf[SW_TIME_STRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(
            sw_duration_human(cases[i].s * SW_NS_PER_SEC, buf, sizeof(buf)),
            cases[i].text);
}

static void test_duration_parse(void **state)
{
    static const struct {
        const char *text;
        int ok;
        int64_t s;
    } cases[] = {
        {"90", 0, 90},     {"90s", 0, 90},    {"15m", 0, 900},
        {"24h", 0, 86400}, {"7d", 0, 604800}, {"", -1, 0},
        {"h", -1, 0},      {"-5h", -1, 0},    {"5x", -1, 0},
        {"5hh", -1, 0},    {"0", -1, 0},      {"99999999999999999d", -1, 0},
    };
    int64_t ns;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ns = -7;
        assert_int_equal(sw_duration_parse(cases[i].text, &ns), cases[i].ok);
        if (cases[i].ok == 0)
            assert_int_equal(ns, cases[i].s * SW_NS_PER_SEC);
    }
}

static void test_endpoint_format(void **state)
{
    struct sw_endpoint v4 = {4, {192, 0, 2, 1}, 443};
    struct sw_endpoint v6 = {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 8443};
    struct sw_endpoint unset = {0};
    char buf[SW_ENDPOINT_STRLEN];

    (void)state;
    assert_string_equal(sw_endpoint_format(&v4, buf, sizeof(buf)),
                        "192.0.2.1:443");
    assert_string_equal(sw_endpoint_format(&v6, buf, sizeof(buf)),
                        "[2001:db8::1]:8443");
    assert_string_equal(sw_endpoint_format(&unset, buf, sizeof(buf)), "-");
    assert_true(sw_endpoint_cmp(&v4, &v6) < 0);
    assert_int_equal(sw_endpoint_cmp(&v4, &v4), 0);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(sw_status_str(SW_OK), "ok");
    assert_string_equal(sw_status_str(SW_MALFORMED), "malformed");
    assert_string_equal(sw_status_str((enum sw_status)99), "unknown-status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_integers),
        cmocka_unit_test(test_reader_little_endian),
        cmocka_unit_test(test_reader_failure_leaves_cursor),
        cmocka_unit_test(test_reader_vectors),
        cmocka_unit_test(test_reader_peek),
        cmocka_unit_test(test_time_rfc3339),
        cmocka_unit_test(test_duration_human),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_endpoint_format),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
