/* test_source.c - capture files through libpcap: microsecond and
 * nanosecond pcap, pcapng with per-interface timestamp resolutions, and
 * the one-line errors for a missing file, a truncated file and a pcapng
 * whose second interface has another link type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/source.h"

/* Byte arrays are laid out by hand, one field a line or group. */
/* clang-format off */

/* pcap file header, little-endian: magic, version 2.4, zone, sigfigs,
 * snaplen 65535, link type 1 (Ethernet) */
#define PCAP_HDR(m0, m1, m2, m3)                                             \
    m0, m1, m2, m3,                                                          \
    0x02, 0x00, 0x04, 0x00,                                                  \
    0, 0, 0, 0, 0, 0, 0, 0,                                                  \
    0xff, 0xff, 0x00, 0x00,                                                  \
    0x01, 0x00, 0x00, 0x00
/* A 16-byte frame: 6 + 6 MAC bytes, type 0x0800, two more bytes */
#define FRAME16 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45, 0x00
/* pcap record: seconds 1, fraction 2 (us or ns by the magic), 16 of 60
 * bytes captured */
#define PCAP_REC                                                             \
    0x01, 0, 0, 0,                                                           \
    0x02, 0, 0, 0,                                                           \
    16, 0, 0, 0,                                                             \
    60, 0, 0, 0,                                                             \
    FRAME16

static const uint8_t pcap_usec[] = {
    PCAP_HDR(0xd4, 0xc3, 0xb2, 0xa1), /* microsecond magic */
    PCAP_REC, PCAP_REC};
static const uint8_t pcap_nsec[] = {
    PCAP_HDR(0x4d, 0x3c, 0xb2, 0xa1), /* nanosecond magic */
    PCAP_REC};
static const uint8_t pcap_truncated[] = {
    PCAP_HDR(0xd4, 0xc3, 0xb2, 0xa1),
    PCAP_REC,
    0x01, 0, 0, 0, 0x02, 0, 0, 0};    /* second record header cut */

/* pcapng section header: type, length 28, byte-order magic, version 1.0,
 * section length unknown, length again */
#define SHB                                                                  \
    0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,                                     \
    0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,                                      \
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,                          \
    28, 0, 0, 0
/* interface description, no options: type 1, length 20, link type,
 * reserved, snaplen 65535, length */
#define IDB(linktype)                                                        \
    1, 0, 0, 0, 20, 0, 0, 0,                                                 \
    (linktype) & 0xff, (linktype) >> 8, 0, 0,                                \
    0xff, 0xff, 0, 0,                                                        \
    20, 0, 0, 0
/* interface description with if_tsresol 9 (nanoseconds): length 32 */
#define IDB_NS                                                               \
    1, 0, 0, 0, 32, 0, 0, 0,                                                 \
    1, 0, 0, 0,                                                              \
    0xff, 0xff, 0, 0,                                                        \
    9, 0, 1, 0, 9, 0, 0, 0,           /* if_tsresol = 9, padded */           \
    0, 0, 0, 0,                       /* opt_endofopt */                     \
    32, 0, 0, 0
/* enhanced packet: type 6, length 48, interface, 64-bit time in the
 * interface's units (high, low), 16 of 60 bytes, the frame, length */
#define EPB(ifid, lo0, lo1, lo2, lo3)                                        \
    6, 0, 0, 0, 48, 0, 0, 0,                                                 \
    (ifid), 0, 0, 0,                                                         \
    0, 0, 0, 0, lo0, lo1, lo2, lo3,                                          \
    16, 0, 0, 0, 60, 0, 0, 0,                                                \
    FRAME16,                                                                 \
    48, 0, 0, 0

static const uint8_t pcapng_two_resolutions[] = {
    SHB,
    IDB(1),                           /* interface 0: microseconds */
    IDB_NS,                           /* interface 1: nanoseconds */
    EPB(0, 0x42, 0x42, 0x0f, 0x00),   /* 1000002 us = 1.000002 s */
    EPB(1, 0x02, 0xca, 0x9a, 0x3b)};  /* 1000000002 ns = 1.000000002 s */
static const uint8_t pcapng_mixed_links[] = {
    SHB,
    IDB(1),                           /* interface 0: Ethernet */
    EPB(0, 0x42, 0x42, 0x0f, 0x00),
    IDB(113),                         /* interface 1: Linux cooked */
    EPB(1, 0x42, 0x42, 0x0f, 0x00)};

/* clang-format on */

/* Write bytes to a new temporary file; its name goes into path. */
static void write_temp(char *path, size_t n, const uint8_t *b, size_t len)
{
    int fd;

    snprintf(path, n, "/tmp/sw_test_source_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b, len), (ssize_t)len);
    close(fd);
}

struct scase {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    size_t frames;      /* frames read before the end */
    int64_t ts[2];      /* times of the first two frames */
    enum sw_status end; /* SW_UNSUPPORTED: clean end; SW_IO: error */
    const char *err;    /* text the error line must hold */
};

#define B(a) (a), sizeof(a)

static const struct scase cases[] = {
    {"pcap microseconds",
     B(pcap_usec),
     2,
     {1000002000, 1000002000},
     SW_UNSUPPORTED,
     NULL},
    {"pcap nanoseconds",
     B(pcap_nsec),
     1,
     {1000000002, 0},
     SW_UNSUPPORTED,
     NULL},
    {"pcap truncated",
     B(pcap_truncated),
     1,
     {1000002000, 0},
     SW_IO,
     "(after 1 packets)"},
    {"pcapng two resolutions",
     B(pcapng_two_resolutions),
     2,
     {1000002000, 1000000002},
     SW_UNSUPPORTED,
     NULL},
    {"pcapng mixed link types",
     B(pcapng_mixed_links),
     1,
     {1000002000, 0},
     SW_IO,
     "(after 1 packets)"},
};

static void run_case(const struct scase *c)
{
    char path[64], err[512] = "";
    struct sw_source *s;
    struct sw_frame fr;
    enum sw_status st;
    uint64_t a, b, d;
    size_t n = 0;

    write_temp(path, sizeof(path), c->bytes, c->len);
    s = sw_source_open_file(path, err, sizeof(err));
    assert_non_null(s);
    assert_string_equal(sw_source_name(s), path);
    assert_int_equal(sw_source_stats(s, &a, &b, &d), -1);
    while ((st = sw_source_next(s, &fr, err, sizeof(err))) == SW_OK) {
        assert_true(n < 2);
        assert_int_equal(fr.ts, c->ts[n]);
        assert_int_equal(fr.dlt, 1);
        assert_int_equal(fr.caplen, 16);
        assert_int_equal(fr.wirelen, 60);
        assert_int_equal(fr.data[12], 0x08);
        n++;
    }
    assert_int_equal(st, c->end);
    assert_int_equal(n, c->frames);
    if (c->err) {
        /* one line: the file, libpcap's reason, the packets read */
        assert_non_null(strstr(err, path));
        assert_non_null(strstr(err, c->err));
        assert_null(strchr(err, '\n'));
    }
    sw_source_close(s);
    unlink(path);
}

static void test_files(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].name);
        run_case(&cases[i]);
    }
}

/* "-" reads standard input through the same libpcap call. */
static void test_stdin(void **state)
{
    char path[64], err[512] = "";
    struct sw_source *s;
    struct sw_frame fr;

    (void)state;
    write_temp(path, sizeof(path), pcap_nsec, sizeof(pcap_nsec));
    assert_non_null(freopen(path, "rb", stdin));
    s = sw_source_open_file("-", err, sizeof(err));
    assert_non_null(s);
    assert_string_equal(sw_source_name(s), "-");
    assert_int_equal(sw_source_next(s, &fr, err, sizeof(err)), SW_OK);
    assert_int_equal(fr.ts, 1000000002);
    assert_int_equal(sw_source_next(s, &fr, err, sizeof(err)), SW_UNSUPPORTED);
    sw_source_close(s);
    unlink(path);
}

static void test_open_errors(void **state)
{
    char path[64], err[512] = "";
    static const uint8_t junk[] = {'n', 'o', 't', ' ', 'p', 'c', 'a', 'p'};

    (void)state;
    assert_null(sw_source_open_file("/nonexistent/x.pcap", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/x.pcap"));
    write_temp(path, sizeof(path), junk, sizeof(junk));
    assert_null(sw_source_open_file(path, err, sizeof(err)));
    assert_non_null(strstr(err, path));
    unlink(path);
    assert_null(sw_source_open_live("sw-no-such-if0", "tcp", 0, 0, 0, err,
                                    sizeof(err)));
    assert_non_null(strstr(err, "sw-no-such-if0"));
    sw_source_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_open_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
