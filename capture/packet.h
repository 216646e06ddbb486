/* packet.h - link, IP and TCP decode of one captured frame.
 *
 * Link types: Ethernet with any stack of 802.1Q/802.1ad tags, Linux cooked
 * capture v1 and v2, raw IP (DLT_RAW and its numeric aliases), BSD
 * loopback/NULL, PPP (RFC 1661/1662), IPv4 and IPv6 link types. IPv4 options;
 * IPv6 extension header chains (RFC 8200: hop-by-hop, routing, destination
 * options, fragment; RFC 4302 AH). TCP per RFC 9293.
 */
#ifndef SW_CAPTURE_PACKET_H
#define SW_CAPTURE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/endpoint.h"
#include "common/status.h"

/* TCP flag bits as they stand in the header. */
#define SW_TCP_FIN 0x01
#define SW_TCP_SYN 0x02
#define SW_TCP_RST 0x04
#define SW_TCP_PSH 0x08
#define SW_TCP_ACK 0x10

/* Named anomalies of the capture layer, counted, never fatal. */
enum sw_cap_anomaly {
    SW_CAP_AN_SNAPLEN_CUT,       /* frame cut by the snaplen before the
                                    TCP payload ended */
    SW_CAP_AN_LINK_TRUNCATED,    /* link header longer than the frame */
    SW_CAP_AN_LINK_UNKNOWN,      /* link type stekwatch cannot decode */
    SW_CAP_AN_IP_TRUNCATED,      /* IP header cut short */
    SW_CAP_AN_IP_BAD_HEADER,     /* bad version or header length */
    SW_CAP_AN_IP_LEN_BEYOND,     /* IP length beyond the captured bytes */
    SW_CAP_AN_IP6_EXT_TRUNCATED, /* IPv6 extension chain cut short */
    SW_CAP_AN_TCP_TRUNCATED,     /* TCP header cut short */
    SW_CAP_AN_TCP_BAD_OFFSET,    /* data offset < 5 or beyond the packet */
    SW_CAP_AN_TCP_OVERLAP_DIFF,  /* overlapping segment with other bytes */
    SW_CAP_AN_OOO_EVICTED,       /* held out-of-order bytes dropped: cap */
    SW_CAP_AN_FLOW_EVICTED,      /* flow dropped: flow or memory cap */
    SW_CAP_AN_COUNT
};

/* Stable snake_case name of an anomaly, for reports. */
const char *sw_cap_anomaly_name(enum sw_cap_anomaly a);

/* Counters the decoder and the flow table add to. */
struct sw_cap_counters {
    uint64_t packets;            /* frames seen */
    uint64_t bytes;              /* their original (wire) lengths */
    uint64_t tcp_packets;        /* frames decoded to TCP */
    uint64_t not_tcp;            /* frames that were not IP/TCP: ignored */
    uint64_t ip_fragments_first; /* first fragments: header read */
    uint64_t ip_fragments_later; /* later fragments: ignored */
    uint64_t anomalies[SW_CAP_AN_COUNT];
    uint64_t dropped_nomem; /* segments the flow table could not keep:
                               an allocation failed */
};

/* One frame decoded down to its TCP payload. Pointers point into the
 * caller's frame buffer. */
struct sw_packet {
    int64_t ts; /* nanoseconds since the epoch */
    struct sw_endpoint src, dst;
    uint32_t seq, ack;
    uint16_t window;
    uint8_t flags;
    const uint8_t *payload;
    size_t payload_len;      /* captured payload bytes, within the IP length */
    size_t payload_wire_len; /* payload bytes the IP length announces */
};

/* Decode one frame of link type dlt (a DLT_ value as pcap_datalink gives).
 * Returns SW_OK and fills *pkt for a TCP segment; SW_UNSUPPORTED for a
 * well-formed frame that is not TCP over IP (counted in not_tcp), a later
 * fragment (counted in ip_fragments_later) or an unknown link type
 * (anomaly link_unknown); SW_MALFORMED when the frame is broken, after
 * counting the anomaly in c. Adds 1 to c->packets and caplen to c->bytes:
 * it cannot tell a snaplen cut from a lying IP length, so an IP length
 * beyond the frame counts ip_len_beyond. Never reads beyond caplen. A
 * payload cut short still gives SW_OK, with payload_len < payload_wire_len.
 */
enum sw_status sw_packet_decode(int dlt, const uint8_t *frame, size_t caplen,
                                int64_t ts, struct sw_packet *pkt,
                                struct sw_cap_counters *c);

/* The same, knowing the frame's original length (struct sw_frame wirelen):
 * adds wirelen to c->bytes, and an IP length beyond the captured bytes but
 * within wirelen counts snaplen_cut (when the cut falls in the TCP
 * payload) instead of ip_len_beyond. Prefer this one for real captures. */
enum sw_status sw_packet_decode_wire(int dlt, const uint8_t *frame,
                                     size_t caplen, size_t wirelen, int64_t ts,
                                     struct sw_packet *pkt,
                                     struct sw_cap_counters *c);

/* True when sw_packet_decode can read frames of link type dlt. */
bool sw_packet_dlt_known(int dlt);

#endif
