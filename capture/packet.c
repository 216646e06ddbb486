/* packet.c - link, IP and TCP decode of one frame (RFC 791, RFC 8200,
 * RFC 4302, RFC 9293), every byte read through the bounded reader. */
#include "capture/packet.h"

#include <stdbool.h>
#include <string.h>

#include "common/reader.h"

/* Link-type numbers as pcap_datalink() returns them. DLT_RAW is 12 on most
 * systems and 14 on OpenBSD; 101 is its LINKTYPE_ number, which some
 * libpcap builds hand through unchanged. */
enum {
    LINK_NULL = 0,
    LINK_EN10MB = 1,
    LINK_PPP = 9,
    LINK_RAW = 12,
    LINK_RAW_OPENBSD = 14,
    LINK_LINKTYPE_RAW = 101,
    LINK_LOOP = 108,
    LINK_LINUX_SLL = 113,
    LINK_IPV4 = 228,
    LINK_IPV6 = 229,
    LINK_LINUX_SLL2 = 276
};

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_VLAN = 0x8100,     /* 802.1Q */
    ETHERTYPE_QINQ = 0x88a8,     /* 802.1ad */
    ETHERTYPE_QINQ_OLD = 0x9100, /* pre-standard double tagging */
    ETHERTYPE_BY_VERSION = 0     /* raw IP: the version nibble decides */
};

enum {
    IPPROTO_NUM_HOPOPTS = 0,
    IPPROTO_NUM_TCP = 6,
    IPPROTO_NUM_ROUTING = 43,
    IPPROTO_NUM_FRAGMENT = 44,
    IPPROTO_NUM_AH = 51,
    IPPROTO_NUM_DSTOPTS = 60
};

/* What one decode knows beyond the reader: where to count, and how many
 * bytes stood on the wire from the IP header on. */
struct decode {
    struct sw_cap_counters *c;
    struct sw_packet *pkt;
    size_t caplen;
    size_t wirelen;
    size_t ip_wire_avail;
};

static const char *const anomaly_names[SW_CAP_AN_COUNT] = {
    [SW_CAP_AN_SNAPLEN_CUT] = "snaplen_cut",
    [SW_CAP_AN_LINK_TRUNCATED] = "link_truncated",
    [SW_CAP_AN_LINK_UNKNOWN] = "link_unknown",
    [SW_CAP_AN_IP_TRUNCATED] = "ip_truncated",
    [SW_CAP_AN_IP_BAD_HEADER] = "ip_bad_header",
    [SW_CAP_AN_IP_LEN_BEYOND] = "ip_len_beyond",
    [SW_CAP_AN_IP6_EXT_TRUNCATED] = "ip6_ext_truncated",
    [SW_CAP_AN_TCP_TRUNCATED] = "tcp_truncated",
    [SW_CAP_AN_TCP_BAD_OFFSET] = "tcp_bad_offset",
    [SW_CAP_AN_TCP_OVERLAP_DIFF] = "tcp_overlap_diff",
    [SW_CAP_AN_OOO_EVICTED] = "ooo_evicted",
    [SW_CAP_AN_FLOW_EVICTED] = "flow_evicted",
};

const char *sw_cap_anomaly_name(enum sw_cap_anomaly a)
{
    if ((unsigned)a >= SW_CAP_AN_COUNT || !anomaly_names[a])
        return "unknown_anomaly";
    return anomaly_names[a];
}

static enum sw_status anomaly(struct decode *d, enum sw_cap_anomaly a)
{
    d->c->anomalies[a]++;
    return SW_MALFORMED;
}

static enum sw_status not_tcp(struct decode *d)
{
    d->c->not_tcp++;
    return SW_UNSUPPORTED;
}

/* seg holds the captured bytes of the IP payload (never more than the IP
 * length); wire is the payload length the IP header announces. */
static enum sw_status decode_tcp(struct decode *d, struct sw_reader *seg,
                                 size_t wire, bool snap_cut)
{
    struct sw_packet *pkt = d->pkt;
    uint8_t off, flags;
    size_t hlen;

    if (!sw_rd_u16(seg, &pkt->src.port) || !sw_rd_u16(seg, &pkt->dst.port) ||
        !sw_rd_u32(seg, &pkt->seq) || !sw_rd_u32(seg, &pkt->ack) ||
        !sw_rd_u8(seg, &off) || !sw_rd_u8(seg, &flags) ||
        !sw_rd_u16(seg, &pkt->window) || !sw_rd_skip(seg, 4))
        return anomaly(d, SW_CAP_AN_TCP_TRUNCATED);
    hlen = (size_t)(off >> 4) * 4;
    if (hlen < 20 || hlen > wire)
        return anomaly(d, SW_CAP_AN_TCP_BAD_OFFSET);
    if (!sw_rd_skip(seg, hlen - 20))
        return anomaly(d, SW_CAP_AN_TCP_TRUNCATED);
    pkt->flags = flags;
    pkt->payload_len = sw_rd_left(seg);
    pkt->payload = pkt->payload_len ? sw_rd_ptr(seg) : NULL;
    pkt->payload_wire_len = wire - hlen;
    if (snap_cut && pkt->payload_len < pkt->payload_wire_len)
        d->c->anomalies[SW_CAP_AN_SNAPLEN_CUT]++;
    d->c->tcp_packets++;
    return SW_OK;
}

/* Hand the IP payload to TCP: trim Ethernet padding to the IP length, and
 * tell a snaplen cut (the wire had the bytes) from an IP length that runs
 * past the frame. hdr_consumed is the IP header and extension bytes. */
static enum sw_status ip_payload(struct decode *d, struct sw_reader *r,
                                 size_t ip_total, size_t hdr_consumed)
{
    struct sw_reader seg;
    size_t wire = ip_total - hdr_consumed;
    size_t have = sw_rd_left(r);
    bool snap_cut = false;

    if (have > wire)
        have = wire;
    if (have < wire) {
        if (ip_total <= d->ip_wire_avail && d->caplen < d->wirelen)
            snap_cut = true;
        else
            d->c->anomalies[SW_CAP_AN_IP_LEN_BEYOND]++;
    }
    sw_rd_sub(r, have, &seg);
    return decode_tcp(d, &seg, wire, snap_cut);
}

static enum sw_status decode_ipv4(struct decode *d, struct sw_reader *r)
{
    struct sw_packet *pkt = d->pkt;
    uint8_t vihl, proto;
    uint16_t total, frag;
    size_t hlen;

    if (!sw_rd_peek_u8(r, 0, &vihl))
        return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
    hlen = (size_t)(vihl & 0x0f) * 4;
    if (vihl >> 4 != 4 || hlen < 20)
        return anomaly(d, SW_CAP_AN_IP_BAD_HEADER);
    if (sw_rd_left(r) < hlen)
        return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
    if (!sw_rd_skip(r, 2) || !sw_rd_u16(r, &total) || !sw_rd_skip(r, 2) ||
        !sw_rd_u16(r, &frag) || !sw_rd_skip(r, 1) || !sw_rd_u8(r, &proto) ||
        !sw_rd_skip(r, 2) || !sw_rd_copy(r, pkt->src.addr, 4) ||
        !sw_rd_copy(r, pkt->dst.addr, 4) || !sw_rd_skip(r, hlen - 20))
        return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
    if (total < hlen)
        return anomaly(d, SW_CAP_AN_IP_BAD_HEADER);
    pkt->src.family = pkt->dst.family = 4;
    if ((frag & 0x1fff) != 0) {
        d->c->ip_fragments_later++;
        return SW_UNSUPPORTED;
    }
    if (frag & 0x2000)
        d->c->ip_fragments_first++;
    if (proto != IPPROTO_NUM_TCP)
        return not_tcp(d);
    return ip_payload(d, r, total, hlen);
}

/* Walk the extension chain (RFC 8200 section 4, RFC 4302 for AH) inside
 * the IP payload until TCP or something else. *consumed grows by the
 * extension bytes stepped over. */
static enum sw_status ipv6_chain(struct decode *d, struct sw_reader *r,
                                 uint8_t nh, size_t *consumed)
{
    uint8_t next, len;
    uint16_t fragoff;
    size_t ext;

    for (;;) {
        switch (nh) {
        case IPPROTO_NUM_TCP:
            return SW_OK;
        case IPPROTO_NUM_HOPOPTS:
        case IPPROTO_NUM_ROUTING:
        case IPPROTO_NUM_DSTOPTS:
        case IPPROTO_NUM_AH:
            if (!sw_rd_peek_u8(r, 0, &next) || !sw_rd_peek_u8(r, 1, &len))
                return anomaly(d, SW_CAP_AN_IP6_EXT_TRUNCATED);
            ext = nh == IPPROTO_NUM_AH ? ((size_t)len + 2) * 4
                                       : ((size_t)len + 1) * 8;
            break;
        case IPPROTO_NUM_FRAGMENT:
            if (!sw_rd_peek_u8(r, 0, &next) || !sw_rd_peek_u16(r, 2, &fragoff))
                return anomaly(d, SW_CAP_AN_IP6_EXT_TRUNCATED);
            if ((fragoff & 0xfff8) != 0) {
                d->c->ip_fragments_later++;
                return SW_UNSUPPORTED;
            }
            if (fragoff & 1)
                d->c->ip_fragments_first++;
            ext = 8;
            break;
        default: /* UDP, ICMPv6, ESP, no next header... */
            return not_tcp(d);
        }
        if (!sw_rd_skip(r, ext))
            return anomaly(d, SW_CAP_AN_IP6_EXT_TRUNCATED);
        *consumed += ext;
        nh = next;
    }
}

static enum sw_status decode_ipv6(struct decode *d, struct sw_reader *r)
{
    struct sw_packet *pkt = d->pkt;
    struct sw_reader body;
    uint8_t v, nh;
    uint16_t plen;
    size_t total, have, consumed = 40;
    enum sw_status st;

    if (!sw_rd_peek_u8(r, 0, &v))
        return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
    if (v >> 4 != 6)
        return anomaly(d, SW_CAP_AN_IP_BAD_HEADER);
    if (!sw_rd_skip(r, 4) || !sw_rd_u16(r, &plen) || !sw_rd_u8(r, &nh) ||
        !sw_rd_skip(r, 1) || !sw_rd_copy(r, pkt->src.addr, 16) ||
        !sw_rd_copy(r, pkt->dst.addr, 16))
        return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
    pkt->src.family = pkt->dst.family = 6;
    /* A zero payload length is a jumbogram or a segmentation-offload
     * capture: the frame is all there is. */
    total = 40 + (plen ? plen : sw_rd_left(r));
    /* The chain is read inside the IP length, so padding never parses as
     * an extension header. */
    have = sw_rd_left(r);
    if (have > total - 40)
        have = total - 40;
    sw_rd_sub(r, have, &body);
    st = ipv6_chain(d, &body, nh, &consumed);
    if (st != SW_OK)
        return st;
    return ip_payload(d, &body, total, consumed);
}

static enum sw_status decode_ip(struct decode *d, struct sw_reader *r,
                                uint16_t ethertype)
{
    uint8_t v;

    d->ip_wire_avail = d->wirelen - (d->caplen - sw_rd_left(r));
    if (ethertype == ETHERTYPE_BY_VERSION) {
        if (!sw_rd_peek_u8(r, 0, &v))
            return anomaly(d, SW_CAP_AN_IP_TRUNCATED);
        if (v >> 4 == 4)
            return decode_ipv4(d, r);
        if (v >> 4 == 6)
            return decode_ipv6(d, r);
        return anomaly(d, SW_CAP_AN_IP_BAD_HEADER);
    }
    if (ethertype == ETHERTYPE_IPV4)
        return decode_ipv4(d, r);
    if (ethertype == ETHERTYPE_IPV6)
        return decode_ipv6(d, r);
    return not_tcp(d);
}

static bool is_vlan(uint16_t t)
{
    return t == ETHERTYPE_VLAN || t == ETHERTYPE_QINQ ||
           t == ETHERTYPE_QINQ_OLD;
}

/* Step over any stack of VLAN tags (tag control, then the next type). */
static enum sw_status after_ethertype(struct decode *d, struct sw_reader *r,
                                      uint16_t type)
{
    while (is_vlan(type)) {
        if (!sw_rd_skip(r, 2) || !sw_rd_u16(r, &type))
            return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
    }
    return decode_ip(d, r, type);
}

/* PPP (RFC 1661), with or without the HDLC-like address and control bytes
 * (RFC 1662): a 2-byte protocol number. */
static enum sw_status decode_ppp(struct decode *d, struct sw_reader *r)
{
    uint16_t proto;
    uint8_t b;

    if (sw_rd_peek_u8(r, 0, &b) && b == 0xff && !sw_rd_skip(r, 2))
        return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
    if (!sw_rd_u16(r, &proto))
        return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
    switch (proto) {
    case 0x0021: /* IPv4 */
        return decode_ip(d, r, ETHERTYPE_IPV4);
    case 0x0057: /* IPv6 */
        return decode_ip(d, r, ETHERTYPE_IPV6);
    default:
        return not_tcp(d);
    }
}

/* BSD loopback: a 4-byte address family, host order for DLT_NULL and
 * big-endian for DLT_LOOP, though writers get both wrong: try both. */
static enum sw_status decode_null(struct decode *d, struct sw_reader *r)
{
    struct sw_reader le = *r;
    uint32_t af, af_le;

    if (!sw_rd_u32(r, &af) || !sw_rd_u32_le(&le, &af_le))
        return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
    if (af > 0xffff)
        af = af_le;
    switch (af) {
    case 2: /* AF_INET everywhere */
        return decode_ip(d, r, ETHERTYPE_IPV4);
    case 24: /* AF_INET6: NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* Darwin */
        return decode_ip(d, r, ETHERTYPE_IPV6);
    default:
        return not_tcp(d);
    }
}

static enum sw_status decode_link(struct decode *d, int dlt,
                                  struct sw_reader *r)
{
    uint16_t type;

    switch (dlt) {
    case LINK_EN10MB: /* dst, src, type */
        if (!sw_rd_skip(r, 12) || !sw_rd_u16(r, &type))
            return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
        return after_ethertype(d, r, type);
    case LINK_LINUX_SLL: /* packet type, ARPHRD, addr len, addr[8], type */
        if (!sw_rd_skip(r, 14) || !sw_rd_u16(r, &type))
            return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
        return after_ethertype(d, r, type);
    case LINK_LINUX_SLL2: /* type, reserved, ifindex, ARPHRD, pkttype,
                             addr len, addr[8] */
        if (!sw_rd_u16(r, &type) || !sw_rd_skip(r, 18))
            return anomaly(d, SW_CAP_AN_LINK_TRUNCATED);
        return after_ethertype(d, r, type);
    case LINK_RAW:
    case LINK_RAW_OPENBSD:
    case LINK_LINKTYPE_RAW:
        return decode_ip(d, r, ETHERTYPE_BY_VERSION);
    case LINK_IPV4:
        return decode_ip(d, r, ETHERTYPE_IPV4);
    case LINK_IPV6:
        return decode_ip(d, r, ETHERTYPE_IPV6);
    case LINK_NULL:
    case LINK_LOOP:
        return decode_null(d, r);
    case LINK_PPP:
        return decode_ppp(d, r);
    default:
        d->c->anomalies[SW_CAP_AN_LINK_UNKNOWN]++;
        return SW_UNSUPPORTED;
    }
}

enum sw_status sw_packet_decode_wire(int dlt, const uint8_t *frame,
                                     size_t caplen, size_t wirelen, int64_t ts,
                                     struct sw_packet *pkt,
                                     struct sw_cap_counters *c)
{
    struct decode d;
    struct sw_reader r;

    if (wirelen < caplen)
        wirelen = caplen;
    c->packets++;
    c->bytes += wirelen;
    memset(pkt, 0, sizeof(*pkt));
    pkt->ts = ts;
    d.c = c;
    d.pkt = pkt;
    d.caplen = caplen;
    d.wirelen = wirelen;
    d.ip_wire_avail = wirelen;
    sw_rd_init(&r, frame, caplen);
    return decode_link(&d, dlt, &r);
}

enum sw_status sw_packet_decode(int dlt, const uint8_t *frame, size_t caplen,
                                int64_t ts, struct sw_packet *pkt,
                                struct sw_cap_counters *c)
{
    return sw_packet_decode_wire(dlt, frame, caplen, caplen, ts, pkt, c);
}

bool sw_packet_dlt_known(int dlt)
{
    switch (dlt) {
    case LINK_NULL:
    case LINK_EN10MB:
    case LINK_PPP:
    case LINK_RAW:
    case LINK_RAW_OPENBSD:
    case LINK_LINKTYPE_RAW:
    case LINK_LOOP:
    case LINK_LINUX_SLL:
    case LINK_IPV4:
    case LINK_IPV6:
    case LINK_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}
