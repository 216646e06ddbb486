/* test_packet.c - link, IP and TCP decode: every link type, VLAN stacks,
 * IPv4 options, IPv6 extension chains, fragments, padding, truncations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture/packet.h"

/* Byte arrays are laid out by hand, one header field group a line. */
/* clang-format off */

/* Reusable pieces of frames. Addresses: 192.0.2.1 -> 198.51.100.2 and
 * 2001:db8::1 -> 2001:db8::2; ports 49152 -> 443. */
#define ETH_MACS 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02
/* IPv4 header without options: total length, fragment field, protocol */
#define IP4(total, frag, proto)                                              \
    0x45, 0x00, (total) >> 8, (total) & 0xff, /* version 4, IHL 5, len */   \
    0x00, 0x01, (frag) >> 8, (frag) & 0xff,   /* id 1, flags/offset */      \
    64, (proto), 0x00, 0x00,                  /* TTL, protocol, csum */     \
    192, 0, 2, 1, 198, 51, 100, 2             /* source, destination */
/* IPv6 header: payload length, next header */
#define IP6(plen, nh)                                                        \
    0x60, 0, 0, 0, (plen) >> 8, (plen) & 0xff, (nh), 64,                     \
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,              \
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
/* TCP header with a given data-offset byte: 49152 -> 443, seq 0x01020304,
 * ack 0x0a0b0c0d, PSH|ACK, window 65535, checksum and urgent pointer 0 */
#define TCP_OFF(off)                                                         \
    0xc0, 0x00, 0x01, 0xbb,                                                  \
    0x01, 0x02, 0x03, 0x04,                                                  \
    0x0a, 0x0b, 0x0c, 0x0d,                                                  \
    (off), 0x18, 0xff, 0xff,                                                 \
    0, 0, 0, 0
#define TCP TCP_OFF(0x50)
/* 4 payload bytes: the start of a TLS handshake record */
#define PAYLOAD 0x16, 0x03, 0x01, 0x00
/* IPv4 (DF) and IPv6 carrying TCP with the 4-byte payload */
#define IP4_TCP IP4(44, 0x4000, 6), TCP, PAYLOAD
#define IP6_TCP IP6(24, 6), TCP, PAYLOAD

static const uint8_t eth_ipv4[] = {ETH_MACS, 0x08, 0x00, IP4_TCP};
static const uint8_t eth_ipv6[] = {ETH_MACS, 0x86, 0xdd, IP6_TCP};
static const uint8_t eth_vlan_stack[] = {
    ETH_MACS,
    0x88, 0xa8, 0x00, 0x64, /* 802.1ad S-tag, VLAN 100 */
    0x81, 0x00, 0x00, 0xc8, /* 802.1Q C-tag, VLAN 200 */
    0x91, 0x00, 0x01, 0x2c, /* pre-standard QinQ tag, VLAN 300 */
    0x08, 0x00,             /* then IPv4 */
    IP4_TCP};
static const uint8_t eth_vlan_cut[] = {
    ETH_MACS,
    0x81, 0x00, 0x00};      /* 802.1Q tag cut after one TCI byte */
static const uint8_t eth_short[] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0};
static const uint8_t eth_arp[] = {
    ETH_MACS,
    0x08, 0x06,             /* ARP */
    0, 1, 8, 0, 6, 4};
static const uint8_t eth_padding[] = {
    ETH_MACS,
    0x08, 0x00,
    IP4(42, 0x4000, 6),     /* total 42: 20 IP + 20 TCP + 2 payload */
    TCP,
    0x16, 0x03,             /* the 2 payload bytes */
    0, 0, 0, 0};            /* Ethernet padding, not payload */

/* Linux cooked v1: packet type 0 (to us), ARPHRD_ETHER, address length 6,
 * address padded to 8, protocol */
#define SLL1(proto)                                                          \
    0x00, 0x00, 0x00, 0x01, 0x00, 0x06,                                      \
    0x02, 0, 0, 0, 0, 0x01, 0, 0,                                            \
    (proto) >> 8, (proto) & 0xff
/* Linux cooked v2: protocol, reserved, ifindex 2, ARPHRD_ETHER, packet
 * type 0, address length 6, address padded to 8 */
#define SLL2(proto)                                                          \
    (proto) >> 8, (proto) & 0xff, 0, 0,                                      \
    0, 0, 0, 2,                                                              \
    0x00, 0x01, 0x00, 0x06,                                                  \
    0x02, 0, 0, 0, 0, 0x01, 0, 0
static const uint8_t sll_ipv4[] = {SLL1(0x0800), IP4_TCP};
static const uint8_t sll_vlan_ipv6[] = {
    SLL1(0x8100),
    0x00, 0x0a,             /* VLAN 10 */
    0x86, 0xdd,             /* then IPv6 */
    IP6_TCP};
static const uint8_t sll2_ipv6[] = {SLL2(0x86dd), IP6_TCP};
static const uint8_t sll2_vlan_ipv4[] = {
    SLL2(0x8100),
    0x00, 0x0a,             /* VLAN 10 */
    0x08, 0x00,             /* then IPv4 */
    IP4_TCP};
static const uint8_t sll2_short[] = {0x08, 0x00, 0, 0, 0, 0, 0, 2};

static const uint8_t raw_ipv4[] = {IP4_TCP};
static const uint8_t raw_ipv6[] = {IP6_TCP};
static const uint8_t raw_v5[] = {0x55, 0, 0, 20}; /* IP version 5 */

/* BSD loopback: a 4-byte address family, little- or big-endian */
static const uint8_t null_af2_le[] = {2, 0, 0, 0, IP4_TCP};
static const uint8_t null_af24_le[] = {24, 0, 0, 0, IP6_TCP};
static const uint8_t null_af24_be[] = {0, 0, 0, 24, IP6_TCP};
static const uint8_t null_af28_le[] = {28, 0, 0, 0, IP6_TCP};
static const uint8_t null_af28_be[] = {0, 0, 0, 28, IP6_TCP};
static const uint8_t null_af30_le[] = {30, 0, 0, 0, IP6_TCP};
static const uint8_t null_af30_be[] = {0, 0, 0, 30, IP6_TCP};
static const uint8_t null_af7[] = {7, 0, 0, 0, IP4_TCP}; /* AF_ISO */
static const uint8_t null_short[] = {2, 0, 0};

/* PPP: with the HDLC-like address 0xff and control 0x03, or without */
static const uint8_t ppp_hdlc_ipv4[] = {0xff, 0x03, 0x00, 0x21, IP4_TCP};
static const uint8_t ppp_ipv6[] = {0x00, 0x57, IP6_TCP};
static const uint8_t ppp_lcp[] = {0xc0, 0x21, 0x01, 0x01}; /* LCP request */
static const uint8_t ppp_short[] = {0xff, 0x03, 0x00};

static const uint8_t ipv4_options[] = {
    0x46, 0x00, 0, 48,      /* IHL 6: 4 option bytes; total 48 */
    0x00, 0x01, 0x40, 0x00,
    64, 6, 0, 0,
    192, 0, 2, 1, 198, 51, 100, 2,
    0x01, 0x01, 0x01, 0x00, /* NOP NOP NOP EOL */
    TCP, PAYLOAD};
static const uint8_t ipv4_options_cut[] = {
    0x4f, 0x00, 0, 80,      /* IHL 15: 40 option bytes... */
    0x00, 0x01, 0x40, 0x00,
    64, 6, 0, 0,
    192, 0, 2, 1, 198, 51, 100, 2,
    0x01, 0x01, 0x01, 0x01}; /* ...of which 4 are here */
static const uint8_t ipv4_hl4[] = {
    0x44, 0x00, 0, 44,      /* IHL 4: less than the fixed header */
    0x00, 0x01, 0x40, 0x00,
    64, 6, 0, 0,
    192, 0, 2, 1, 198, 51, 100, 2,
    TCP, PAYLOAD};
static const uint8_t ipv4_short[] = {
    0x45, 0x00, 0, 44, 0, 1, 0x40, 0, 64, 6}; /* 10 of 20 header bytes */
static const uint8_t ipv4_total_short[] = {
    IP4(16, 0x4000, 6),     /* total length 16 < header length 20 */
    TCP};
static const uint8_t ipv4_udp[] = {
    IP4(28, 0x4000, 17),    /* UDP */
    0x30, 0x39, 0, 53, 0, 8, 0, 0};
static const uint8_t ipv4_frag_first[] = {
    IP4(44, 0x2000, 6),     /* MF, offset 0: first fragment */
    TCP, PAYLOAD};
static const uint8_t ipv4_frag_later[] = {
    IP4(24, 0x00b9, 6),     /* offset 185 (1480 bytes): later fragment */
    PAYLOAD};
static const uint8_t ipv4_len_beyond[] = {
    IP4(100, 0x4000, 6),    /* total length 100; 44 bytes captured */
    TCP, PAYLOAD};

static const uint8_t ipv6_chain[] = {
    IP6(60, 0),             /* 36 extension + 20 TCP + 4 payload bytes */
    43, 0, 1, 4, 0, 0, 0, 0,             /* hop-by-hop: PadN */
    60, 0, 0, 0, 0, 0, 0, 0,             /* routing type 0, 0 left */
    51, 0, 1, 4, 0, 0, 0, 0,             /* destination options: PadN */
    6, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,  /* AH: length 1, SPI 1, seq 1 */
    TCP, PAYLOAD};
static const uint8_t ipv6_frag_first[] = {
    IP6(32, 44),
    6, 0, 0x00, 0x01, 0, 0, 0, 7,        /* fragment: offset 0, M, id 7 */
    TCP, PAYLOAD};
static const uint8_t ipv6_frag_later[] = {
    IP6(12, 44),
    6, 0, 0x05, 0xa8, 0, 0, 0, 7,        /* fragment: offset 181, id 7 */
    PAYLOAD};
static const uint8_t ipv6_ext_cut[] = {
    IP6(8, 0),
    6, 2, 1, 4, 0, 0, 0, 0};             /* hop-by-hop says 24 bytes */
static const uint8_t ipv6_icmp[] = {
    IP6(8, 58),
    128, 0, 0, 0, 0, 1, 0, 1};           /* ICMPv6 echo request */
static const uint8_t ipv6_short[] = {
    0x60, 0, 0, 0, 0, 24, 6, 64, 0x20, 1}; /* 10 of 40 header bytes */
static const uint8_t ipv6_plen0[] = {
    IP6(0, 6),              /* length 0 (offload): the frame is all */
    TCP, PAYLOAD};

static const uint8_t tcp_short[] = {
    IP4(30, 0x4000, 6),
    0xc0, 0x00, 0x01, 0xbb, 0, 0, 0, 1, 0, 0}; /* 10 of 20 TCP bytes */
static const uint8_t tcp_off4[] = {
    IP4(44, 0x4000, 6),
    TCP_OFF(0x40),          /* data offset 4 words < 5 */
    PAYLOAD};
static const uint8_t tcp_off_beyond[] = {
    IP4(44, 0x4000, 6),
    TCP_OFF(0xf0),          /* 60-byte header in a 24-byte IP payload */
    PAYLOAD};
static const uint8_t tcp_opts_cut[] = {
    IP4(56, 0x4000, 6),
    TCP_OFF(0x80),          /* 12 option bytes announced... */
    0x01, 0x01, 0x08};      /* ...snaplen cut after 3 */

/* clang-format on */

enum expect {
    EX_TCP,        /* SW_OK, TCP fields checked */
    EX_NOT_TCP,    /* SW_UNSUPPORTED, not_tcp counted */
    EX_FRAG_LATER, /* SW_UNSUPPORTED, ip_fragments_later counted */
    EX_LINK,       /* SW_UNSUPPORTED, link_unknown counted */
    EX_BROKEN      /* SW_MALFORMED, the anomaly counted */
};

struct dcase {
    const char *name;
    int dlt;
    const uint8_t *frame;
    size_t len;
    size_t wirelen; /* 0: same as len */
    enum expect ex;
    int anomaly;    /* the one anomaly expected, or -1 */
    uint8_t family; /* EX_TCP: 4 or 6 */
    size_t plen;    /* EX_TCP: captured payload bytes */
    size_t pwire;   /* EX_TCP: payload bytes per the IP length */
    int frag_first; /* ip_fragments_first expected */
};

#define F(a) (a), sizeof(a)

static const struct dcase cases[] = {
    {"eth ipv4", 1, F(eth_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"eth ipv6", 1, F(eth_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"eth 3 vlan tags", 1, F(eth_vlan_stack), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"eth padding trimmed", 1, F(eth_padding), 0, EX_TCP, -1, 4, 2, 2, 0},
    {"eth vlan cut", 1, F(eth_vlan_cut), 0, EX_BROKEN, SW_CAP_AN_LINK_TRUNCATED,
     0, 0, 0, 0},
    {"eth short", 1, F(eth_short), 0, EX_BROKEN, SW_CAP_AN_LINK_TRUNCATED, 0, 0,
     0, 0},
    {"eth arp", 1, F(eth_arp), 0, EX_NOT_TCP, -1, 0, 0, 0, 0},
    {"sll ipv4", 113, F(sll_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"sll vlan ipv6", 113, F(sll_vlan_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"sll2 ipv6", 276, F(sll2_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"sll2 vlan ipv4", 276, F(sll2_vlan_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"sll2 short", 276, F(sll2_short), 0, EX_BROKEN, SW_CAP_AN_LINK_TRUNCATED,
     0, 0, 0, 0},
    {"raw 12 ipv4", 12, F(raw_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"raw 12 ipv6", 12, F(raw_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"raw 14 ipv6", 14, F(raw_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"raw 101 ipv4", 101, F(raw_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"ipv4 228", 228, F(raw_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"ipv6 229", 229, F(raw_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"ipv4 228 given v6", 228, F(raw_ipv6), 0, EX_BROKEN,
     SW_CAP_AN_IP_BAD_HEADER, 0, 0, 0, 0},
    {"raw version 5", 12, F(raw_v5), 0, EX_BROKEN, SW_CAP_AN_IP_BAD_HEADER, 0,
     0, 0, 0},
    {"null af 2 le", 0, F(null_af2_le), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"null af 24 le", 0, F(null_af24_le), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 24 be", 0, F(null_af24_be), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 28 le", 0, F(null_af28_le), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 28 be", 0, F(null_af28_be), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 30 le", 0, F(null_af30_le), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 30 be", 0, F(null_af30_be), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"loop af 24 be", 108, F(null_af24_be), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"loop af 28 le", 108, F(null_af28_le), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"loop af 30 be", 108, F(null_af30_be), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"null af 7", 0, F(null_af7), 0, EX_NOT_TCP, -1, 0, 0, 0, 0},
    {"null short", 0, F(null_short), 0, EX_BROKEN, SW_CAP_AN_LINK_TRUNCATED, 0,
     0, 0, 0},
    {"ppp hdlc ipv4", 9, F(ppp_hdlc_ipv4), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"ppp ipv6", 9, F(ppp_ipv6), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"ppp lcp", 9, F(ppp_lcp), 0, EX_NOT_TCP, -1, 0, 0, 0, 0},
    {"ppp short", 9, F(ppp_short), 0, EX_BROKEN, SW_CAP_AN_LINK_TRUNCATED, 0, 0,
     0, 0},
    {"unknown link 802.11", 105, F(raw_ipv4), 0, EX_LINK,
     SW_CAP_AN_LINK_UNKNOWN, 0, 0, 0, 0},
    {"ipv4 options", 12, F(ipv4_options), 0, EX_TCP, -1, 4, 4, 4, 0},
    {"ipv4 options cut", 12, F(ipv4_options_cut), 0, EX_BROKEN,
     SW_CAP_AN_IP_TRUNCATED, 0, 0, 0, 0},
    {"ipv4 ihl 4", 12, F(ipv4_hl4), 0, EX_BROKEN, SW_CAP_AN_IP_BAD_HEADER, 0, 0,
     0, 0},
    {"ipv4 short", 12, F(ipv4_short), 0, EX_BROKEN, SW_CAP_AN_IP_TRUNCATED, 0,
     0, 0, 0},
    {"ipv4 total < header", 12, F(ipv4_total_short), 0, EX_BROKEN,
     SW_CAP_AN_IP_BAD_HEADER, 0, 0, 0, 0},
    {"ipv4 udp", 12, F(ipv4_udp), 0, EX_NOT_TCP, -1, 0, 0, 0, 0},
    {"ipv4 first fragment", 12, F(ipv4_frag_first), 0, EX_TCP, -1, 4, 4, 4, 1},
    {"ipv4 later fragment", 12, F(ipv4_frag_later), 0, EX_FRAG_LATER, -1, 0, 0,
     0, 0},
    {"ipv4 length beyond", 12, F(ipv4_len_beyond), 0, EX_TCP,
     SW_CAP_AN_IP_LEN_BEYOND, 4, 4, 60, 0},
    {"ipv4 snaplen cut", 12, F(ipv4_len_beyond), 100, EX_TCP,
     SW_CAP_AN_SNAPLEN_CUT, 4, 4, 60, 0},
    {"ipv4 length beyond wire", 12, F(ipv4_len_beyond), 60, EX_TCP,
     SW_CAP_AN_IP_LEN_BEYOND, 4, 4, 60, 0},
    {"ipv6 ext chain", 12, F(ipv6_chain), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"ipv6 first fragment", 229, F(ipv6_frag_first), 0, EX_TCP, -1, 6, 4, 4, 1},
    {"ipv6 later fragment", 229, F(ipv6_frag_later), 0, EX_FRAG_LATER, -1, 0, 0,
     0, 0},
    {"ipv6 ext cut", 229, F(ipv6_ext_cut), 0, EX_BROKEN,
     SW_CAP_AN_IP6_EXT_TRUNCATED, 0, 0, 0, 0},
    {"ipv6 icmp", 229, F(ipv6_icmp), 0, EX_NOT_TCP, -1, 0, 0, 0, 0},
    {"ipv6 short", 229, F(ipv6_short), 0, EX_BROKEN, SW_CAP_AN_IP_TRUNCATED, 0,
     0, 0, 0},
    {"ipv6 payload length 0", 229, F(ipv6_plen0), 0, EX_TCP, -1, 6, 4, 4, 0},
    {"tcp short", 12, F(tcp_short), 0, EX_BROKEN, SW_CAP_AN_TCP_TRUNCATED, 0, 0,
     0, 0},
    {"tcp offset 4", 12, F(tcp_off4), 0, EX_BROKEN, SW_CAP_AN_TCP_BAD_OFFSET, 0,
     0, 0, 0},
    {"tcp offset beyond", 12, F(tcp_off_beyond), 0, EX_BROKEN,
     SW_CAP_AN_TCP_BAD_OFFSET, 0, 0, 0, 0},
    {"tcp options cut", 12, F(tcp_opts_cut), 56, EX_BROKEN,
     SW_CAP_AN_TCP_TRUNCATED, 0, 0, 0, 0},
};

static const uint8_t want_v4_src[4] = {192, 0, 2, 1};
static const uint8_t want_v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                        0,    0,    0,    0,    0, 0, 0, 2};
static const uint8_t want_payload[4] = {PAYLOAD};

static void check_tcp(const struct dcase *c, const struct sw_packet *p)
{
    assert_int_equal(p->src.family, c->family);
    assert_int_equal(p->dst.family, c->family);
    if (c->family == 4)
        assert_memory_equal(p->src.addr, want_v4_src, 4);
    else
        assert_memory_equal(p->dst.addr, want_v6_dst, 16);
    assert_int_equal(p->src.port, 49152);
    assert_int_equal(p->dst.port, 443);
    assert_int_equal(p->seq, 0x01020304);
    assert_int_equal(p->ack, 0x0a0b0c0d);
    assert_int_equal(p->window, 0xffff);
    assert_int_equal(p->flags, SW_TCP_PSH | SW_TCP_ACK);
    assert_int_equal(p->ts, 1234);
    assert_int_equal(p->payload_len, c->plen);
    assert_int_equal(p->payload_wire_len, c->pwire);
    assert_memory_equal(p->payload, want_payload, c->plen);
}

static void test_decode_table(void **state)
{
    size_t i, a, n_anom;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct dcase *c = &cases[i];
        struct sw_cap_counters cnt;
        struct sw_packet p;
        enum sw_status st;
        size_t wire = c->wirelen ? c->wirelen : c->len;

        memset(&cnt, 0, sizeof(cnt));
        print_message("case: %s\n", c->name);
        st = sw_packet_decode_wire(c->dlt, c->frame, c->len, wire, 1234, &p,
                                   &cnt);
        assert_int_equal(cnt.packets, 1);
        assert_int_equal(cnt.bytes, wire);
        for (a = 0, n_anom = 0; a < SW_CAP_AN_COUNT; a++)
            n_anom += cnt.anomalies[a];
        assert_int_equal(n_anom, c->anomaly >= 0 ? 1 : 0);
        if (c->anomaly >= 0)
            assert_int_equal(cnt.anomalies[c->anomaly], 1);
        assert_int_equal(cnt.ip_fragments_first, c->frag_first);
        assert_int_equal(cnt.tcp_packets, c->ex == EX_TCP);
        assert_int_equal(cnt.not_tcp, c->ex == EX_NOT_TCP);
        assert_int_equal(cnt.ip_fragments_later, c->ex == EX_FRAG_LATER);
        switch (c->ex) {
        case EX_TCP:
            assert_int_equal(st, SW_OK);
            check_tcp(c, &p);
            break;
        case EX_NOT_TCP:
        case EX_FRAG_LATER:
        case EX_LINK:
            assert_int_equal(st, SW_UNSUPPORTED);
            break;
        case EX_BROKEN:
            assert_int_equal(st, SW_MALFORMED);
            break;
        }
    }
}

/* Without the wire length, a short frame is taken for a lying IP length;
 * every prefix of a frame decodes without reading past it (ASan checks). */
static void test_decode_no_wirelen_and_prefixes(void **state)
{
    struct sw_cap_counters cnt;
    struct sw_packet p;
    size_t n;

    (void)state;
    memset(&cnt, 0, sizeof(cnt));
    assert_int_equal(sw_packet_decode(12, ipv4_len_beyond,
                                      sizeof(ipv4_len_beyond), 5, &p, &cnt),
                     SW_OK);
    assert_int_equal(cnt.anomalies[SW_CAP_AN_IP_LEN_BEYOND], 1);
    assert_int_equal(cnt.bytes, sizeof(ipv4_len_beyond));
    /* Exact-size heap copies, so that a read past the end trips ASan. */
    for (n = 1; n < sizeof(ipv6_chain); n++) {
        uint8_t *copy = malloc(n);

        assert_non_null(copy);
        memcpy(copy, ipv6_chain, n);
        assert_int_not_equal(sw_packet_decode(229, copy, n, 0, &p, &cnt),
                             SW_UNSUPPORTED);
        free(copy);
    }
}

static void test_anomaly_names(void **state)
{
    int a;

    (void)state;
    for (a = 0; a < SW_CAP_AN_COUNT; a++)
        assert_string_not_equal(sw_cap_anomaly_name((enum sw_cap_anomaly)a),
                                "unknown_anomaly");
    assert_string_equal(sw_cap_anomaly_name(SW_CAP_AN_SNAPLEN_CUT),
                        "snaplen_cut");
    assert_string_equal(sw_cap_anomaly_name(SW_CAP_AN_COUNT),
                        "unknown_anomaly");
}

/* The link types the decoder reads, as the command warns about others. */
static void test_dlt_known(void **state)
{
    static const int known[] = {0, 1, 9, 12, 14, 101, 108, 113, 228, 229, 276};
    static const int unknown[] = {-1, 2, 105, 127, 147, 65535};

    (void)state;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        assert_true(sw_packet_dlt_known(known[i]));
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        assert_false(sw_packet_dlt_known(unknown[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_decode_no_wirelen_and_prefixes),
        cmocka_unit_test(test_anomaly_names),
        cmocka_unit_test(test_dlt_known),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
