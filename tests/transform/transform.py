#!/usr/bin/env python3
"""transform.py - write a transformed copy of a TCP capture (issue #2).

Every copy must reassemble to the same byte streams as its input: a mode
changes the link layer, the IP version, the file format, or how the bytes
are cut into segments and ordered, never the bytes a side sends. run.sh
checks that with streamdump.

usage: transform.py --mode MODE IN OUT
       transform.py --mode list        (prints the modes, one a line)

IN is a pcap (micro- or nanosecond, either byte order) or a pcapng.
Frames that are not IP are dropped: they carry no stream bytes, and most
output link types could not hold them. Modes that do not name a link type
write plain Ethernet. IPv4 turned into IPv6 uses the mapped address
::ffff:a.b.c.d, so the flows keep their order and can be mapped back.

Exit status: 0 when OUT is written, 77 when MODE does not apply to IN
(link-ipv4 on IPv6 traffic), 1 on error.
"""

import argparse
import struct
import sys

from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop,
                                 IPv6ExtHdrRouting)
from scapy.packet import Raw

EXIT_NOT_APPLICABLE = 77
SNAPLEN = 262144
MOD32 = 1 << 32

# Initial sequence numbers for the wrap mode, per direction in order of
# appearance: the first side wraps inside its first data segment, the
# other part way through its first flight.
WRAP_ISN = (MOD32 - 100, MOD32 - 1000)

# Neighbours further apart in time than this are not swapped.
SWAP_MAX_NS = 10**9

ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD
ETH_VLAN_TAGS = (0x8100, 0x88A8, 0x9100)

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class NotApplicable(Exception):
    pass


# --- reading -------------------------------------------------------------

def read_pcap(data):
    """(linktype, [(ts_ns, frame)]) of a classic pcap file."""
    # magic -> (byte order, nanoseconds per tick of the fraction field)
    magics = {b'\xd4\xc3\xb2\xa1': ('<', 1000),
              b'\xa1\xb2\xc3\xd4': ('>', 1000),
              b'\x4d\x3c\xb2\xa1': ('<', 1),
              b'\xa1\xb2\x3c\x4d': ('>', 1)}
    if data[:4] not in magics:
        raise ValueError('not a pcap or pcapng file')
    endian, frac_ns = magics[data[:4]]
    linktype = struct.unpack(endian + 'I', data[20:24])[0] & 0x0FFFFFFF
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + 'IIII',
                                             data[off:off + 16])
        off += 16
        frames.append((sec * 10**9 + frac * frac_ns, data[off:off + caplen]))
        off += caplen
    return linktype, frames


def read_pcapng(path):
    """(linktype, [(ts_ns, frame)]) of a pcapng with one link type."""
    from scapy.utils import RawPcapNgReader

    linktypes, frames = set(), []
    reader = RawPcapNgReader(path)
    try:
        for raw, meta in reader:
            linktypes.add(meta.linktype)
            ticks = (meta.tshigh << 32) | meta.tslow
            frames.append((ticks * 10**9 // meta.tsresol, raw))
    finally:
        reader.close()
    if len(linktypes) > 1:
        raise ValueError('pcapng with several link types')
    return (linktypes.pop() if linktypes else 1), frames


def skip_vlans(frame, off, etype):
    while etype in ETH_VLAN_TAGS and off + 4 <= len(frame):
        etype = struct.unpack('>H', frame[off + 2:off + 4])[0]
        off += 4
    return off, etype


def strip_link(linktype, frame):
    """The IP packet inside a frame, trimmed to its IP length; None when
    the frame holds no IP."""
    if linktype == 1:                           # Ethernet
        off, _ = skip_vlans(frame, 14, struct.unpack('>H', frame[12:14])[0])
    elif linktype == 113:                       # Linux cooked v1
        off, _ = skip_vlans(frame, 16, struct.unpack('>H', frame[14:16])[0])
    elif linktype == 276:                       # Linux cooked v2
        off, _ = skip_vlans(frame, 20, struct.unpack('>H', frame[0:2])[0])
    elif linktype in (12, 14, 101, 228, 229):   # raw IP
        off = 0
    elif linktype in (0, 108):                  # BSD null, OpenBSD loop
        off = 4
    else:
        raise ValueError('link type %d not handled' % linktype)
    ip = frame[off:]
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        return ip[:struct.unpack('>H', ip[2:4])[0]]
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        return ip[:40 + struct.unpack('>H', ip[4:6])[0]]
    return None


def read_packets(path):
    """[(ts_ns, ip_bytes)] of every IP frame in the capture."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] == b'\x0a\x0d\x0d\x0a':
        linktype, frames = read_pcapng(path)
    else:
        linktype, frames = read_pcap(data)
    out = []
    for ts, frame in frames:
        ip = strip_link(linktype, frame)
        if ip is not None:
            out.append((ts, ip))
    return out


# --- packet transforms: [(ts, ip_bytes)] -> [(ts, ip_bytes)] -------------

def parse(ip):
    return IP(ip) if ip[0] >> 4 == 4 else IPv6(ip)


def rebuild(p):
    """Bytes of a changed packet, with lengths and checksums recomputed."""
    if IP in p:
        del p[IP].len
        del p[IP].chksum
    else:
        del p[IPv6].plen
    if TCP in p:
        del p[TCP].chksum
    return bytes(p)


def tcp_data(p):
    """(tcp layer, payload bytes), or (None, b'') for other packets."""
    if TCP not in p:
        return None, b''
    return p[TCP], bytes(p[TCP].payload)


def direction(p):
    ip = p[IP] if IP in p else p[IPv6]
    return (ip.src, p[TCP].sport, ip.dst, p[TCP].dport)


def with_segment(p, seq, flags, data):
    """A copy of TCP packet p carrying data at seq, with other flags."""
    q = p.copy()
    t = q[TCP]
    t.seq = seq % MOD32
    t.flags = flags
    t.remove_payload()
    if data:
        t.add_payload(Raw(data))
    return rebuild(q)


def to_ipv6(ip, chain):
    """IPv6 form of a packet; with chain, behind a hop-by-hop, routing and
    destination options header."""
    p = parse(ip)
    if IP in p:
        v4 = p[IP]
        hdr = IPv6(src='::ffff:' + v4.src, dst='::ffff:' + v4.dst,
                   tc=v4.tos, hlim=v4.ttl)
        upper = v4.payload.copy()
    else:
        v6 = p[IPv6]
        hdr = IPv6(src=v6.src, dst=v6.dst, tc=v6.tc, fl=v6.fl, hlim=v6.hlim)
        upper = v6.payload.copy()
    if chain:
        hdr = (hdr / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(segleft=0) /
               IPv6ExtHdrDestOpt())
    return rebuild(hdr / upper)


def xf_ipv6(pkts):
    return [(ts, to_ipv6(ip, True)) for ts, ip in pkts]


def xf_plain_ipv6(pkts):
    return [(ts, ip if ip[0] >> 4 == 6 else to_ipv6(ip, False))
            for ts, ip in pkts]


def xf_ipv4_only(pkts):
    if any(ip[0] >> 4 != 4 for _, ip in pkts):
        raise NotApplicable('capture holds IPv6')
    return pkts


def xf_seg7(pkts):
    out = []
    for ts, ip in pkts:
        p = parse(ip)
        t, data = tcp_data(p)
        if t is None or len(data) <= 7 or int(t.flags) & SYN:
            out.append((ts, ip))
            continue
        flags = int(t.flags)
        for off in range(0, len(data), 7):
            last = off + 7 >= len(data)
            out.append((ts, with_segment(
                p, t.seq + off, flags if last else flags & ~(FIN | PSH),
                data[off:off + 7])))
    return out


def is_rst(ip):
    t, _ = tcp_data(parse(ip))
    return t is not None and bool(int(t.flags) & RST)


def xf_swap(pkts):
    # The frames trade places; the timestamps stay where they were, so
    # the copy still reads like a capture, with times that never go back.
    # Some pairs stay as they are, because the flow table is right to
    # treat them differently once swapped: a reset ends its flow at once,
    # so bytes moved behind it open a new flow; and a frame moved across
    # a long pause in the capture would be seen to idle out its flow.
    frames = [ip for _, ip in pkts]
    for i in range(0, len(frames) - 1, 2):
        if (pkts[i + 1][0] - pkts[i][0] <= SWAP_MAX_NS and
                not is_rst(frames[i]) and not is_rst(frames[i + 1])):
            frames[i], frames[i + 1] = frames[i + 1], frames[i]
    return [(ts, ip) for (ts, _), ip in zip(pkts, frames)]


def xf_dup(pkts):
    out = []
    for ts, ip in pkts:
        out.append((ts, ip))
        if tcp_data(parse(ip))[1]:
            out.append((ts, ip))
    return out


def xf_overlap(pkts):
    # After each data segment comes a copy of its second half joined to
    # the first half of the next segment of that direction, when the two
    # are contiguous: every byte arrives twice, the copies straddling
    # segment edges.
    parsed = [parse(ip) for _, ip in pkts]
    nxt, last = {}, {}
    for i, p in enumerate(parsed):
        t, data = tcp_data(p)
        if data:
            d = direction(p)
            if d in last:
                nxt[last[d]] = i
            last[d] = i
    out = []
    for i, (ts, ip) in enumerate(pkts):
        out.append((ts, ip))
        t, data = tcp_data(parsed[i])
        if not data:
            continue
        half = len(data) // 2
        extra = b''
        if i in nxt:
            t2, data2 = tcp_data(parsed[nxt[i]])
            if t2.seq == (t.seq + len(data)) % MOD32:
                extra = data2[:len(data2) // 2]
        out.append((ts, with_segment(parsed[i], t.seq + half,
                                     int(t.flags) & ~(FIN | SYN | PSH),
                                     data[half:] + extra)))
    return out


def shift_sack(t, delta):
    opts = []
    for kind, val in t.options:
        if kind == 'SAck':
            val = tuple((v + delta) % MOD32 for v in val)
        opts.append((kind, val))
    t.options = opts


def xf_wrap(pkts):
    # One shift per direction, taken from its first packet (its SYN when
    # the capture has it); acks and SACK blocks follow the other side's.
    parsed = [parse(ip) for _, ip in pkts]
    shift = {}
    for p in parsed:
        if TCP in p:
            d = direction(p)
            if d not in shift:
                rev = (d[2], d[3], d[0], d[1])
                isn = WRAP_ISN[1 if rev in shift else 0]
                shift[d] = (isn - p[TCP].seq) % MOD32
    out = []
    for (ts, ip), p in zip(pkts, parsed):
        if TCP in p:
            d = direction(p)
            back = shift.get((d[2], d[3], d[0], d[1]), 0)
            t = p[TCP]
            t.seq = (t.seq + shift[d]) % MOD32
            if int(t.flags) & ACK or t.ack:
                t.ack = (t.ack + back) % MOD32
            shift_sack(t, back)
            ip = rebuild(p)
        out.append((ts, ip))
    return out


# --- link layers: ip_bytes -> frame --------------------------------------

def ethertype(ip):
    return ETH_IPV4 if ip[0] >> 4 == 4 else ETH_IPV6


def link_ether(ip):
    return b'\0' * 12 + struct.pack('>H', ethertype(ip)) + ip


def link_ether_vlan(ip):
    # 802.1ad service tag (VLAN 100) outside an 802.1Q tag (VLAN 200).
    return (b'\0' * 12 + struct.pack('>HHHHH', 0x88A8, 100, 0x8100, 200,
                                     ethertype(ip)) + ip)


def sll_header(proto):
    # Sent by us (4), ARPHRD_LOOPBACK (772), a 6-byte all-zero address.
    return struct.pack('>HHH8sH', 4, 772, 6, b'', proto)


def link_sll(ip):
    return sll_header(ethertype(ip)) + ip


def link_sll_vlan(ip):
    return sll_header(0x8100) + struct.pack('>HH', 300, ethertype(ip)) + ip


def link_sll2(ip):
    # Protocol, reserved, ifindex 1, ARPHRD_LOOPBACK, outgoing, address.
    return struct.pack('>HHIHBB8s', ethertype(ip), 0, 1, 772, 4, 6, b'') + ip


def link_raw(ip):
    return ip


def link_af(fmt, af6):
    """BSD null (host order, fmt '<') or loop (network order, '>')
    header with AF_INET or the given IPv6 address family value."""
    def wrap(ip):
        return struct.pack(fmt + 'I', 2 if ip[0] >> 4 == 4 else af6) + ip
    return wrap


# --- writers -------------------------------------------------------------

def write_pcap(path, linktype, frames, nsec=False, endian='<'):
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    unit = 1 if nsec else 1000
    with open(path, 'wb') as f:
        f.write(struct.pack(endian + 'IHHiIII', magic, 2, 4, 0, 0, SNAPLEN,
                            linktype))
        for ts, frame in frames:
            f.write(struct.pack(endian + 'IIII', ts // 10**9,
                                ts % 10**9 // unit, len(frame), len(frame)))
            f.write(frame)


def pcapng_block(btype, body):
    body += b'\0' * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def write_pcapng(path, linktype, frames, tsresols):
    """One interface per entry of tsresols (if_tsresol: power of ten);
    frames go to the interfaces in turn."""
    with open(path, 'wb') as f:
        f.write(pcapng_block(0x0A0D0D0A,
                             struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))
        for res in tsresols:
            # if_tsresol option (code 9, one byte), then opt_endofopt.
            opts = struct.pack('<HHB3x', 9, 1, res) + struct.pack('<HH', 0, 0)
            f.write(pcapng_block(1, struct.pack('<HHI', linktype, 0, SNAPLEN)
                                 + opts))
        for i, (ts, frame) in enumerate(frames):
            ifid = i % len(tsresols)
            ticks = ts // 10**(9 - tsresols[ifid])
            f.write(pcapng_block(6, struct.pack(
                '<IIIII', ifid, ticks >> 32, ticks & 0xFFFFFFFF, len(frame),
                len(frame)) + frame))


def pcap_writer(**kw):
    return lambda path, lt, frames: write_pcap(path, lt, frames, **kw)


def pcapng_writer(*tsresols):
    return lambda path, lt, frames: write_pcapng(path, lt, frames, tsresols)


# mode: (packet transform or None, link type, link encoder, writer)
PCAP = pcap_writer()
MODES = {
    'ethernet': (None, 1, link_ether, PCAP),
    'ethernet-vlan': (None, 1, link_ether_vlan, PCAP),
    'sll': (None, 113, link_sll, PCAP),
    'sll2': (None, 276, link_sll2, PCAP),
    'sll-vlan': (None, 113, link_sll_vlan, PCAP),
    'raw': (None, 101, link_raw, PCAP),
    'raw12': (None, 12, link_raw, PCAP),
    'raw14': (None, 14, link_raw, PCAP),
    'link-ipv4': (xf_ipv4_only, 228, link_raw, PCAP),
    'link-ipv6': (xf_plain_ipv6, 229, link_raw, PCAP),
    'null': (None, 0, link_af('<', 30), PCAP),
    'null6-24': (xf_plain_ipv6, 0, link_af('<', 24), PCAP),
    'null6-28': (xf_plain_ipv6, 0, link_af('<', 28), PCAP),
    'null6-30': (xf_plain_ipv6, 0, link_af('<', 30), PCAP),
    'loop': (None, 108, link_af('>', 24), PCAP),
    'loop6': (xf_plain_ipv6, 108, link_af('>', 24), PCAP),
    'ipv6': (xf_ipv6, 1, link_ether, PCAP),
    'pcapng': (None, 1, link_ether, pcapng_writer(6)),
    'pcapng-ns': (None, 1, link_ether, pcapng_writer(9)),
    'pcapng-multi': (None, 1, link_ether, pcapng_writer(6, 9)),
    'nsec': (None, 1, link_ether, pcap_writer(nsec=True)),
    'pcap-be': (None, 1, link_ether, pcap_writer(endian='>')),
    'seg7': (xf_seg7, 1, link_ether, PCAP),
    'swap': (xf_swap, 1, link_ether, PCAP),
    'dup': (xf_dup, 1, link_ether, PCAP),
    'overlap': (xf_overlap, 1, link_ether, PCAP),
    'wrap': (xf_wrap, 1, link_ether, PCAP),
    # Out of order, in small pieces, across the wrap, all at once.
    'wrap-seg7-swap': (lambda p: xf_swap(xf_seg7(xf_wrap(p))), 1, link_ether,
                       PCAP),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--mode', required=True,
                    choices=list(MODES) + ['list'])
    ap.add_argument('input', nargs='?')
    ap.add_argument('output', nargs='?')
    args = ap.parse_args()
    if args.mode == 'list':
        print('\n'.join(MODES))
        return 0
    if not args.input or not args.output:
        ap.error('IN and OUT are required')
    xf, linktype, encode, write = MODES[args.mode]
    try:
        pkts = read_packets(args.input)
        if xf:
            pkts = xf(pkts)
    except NotApplicable as e:
        print('%s: %s: %s' % (args.input, args.mode, e), file=sys.stderr)
        return EXIT_NOT_APPLICABLE
    except (OSError, ValueError) as e:
        print('%s: %s' % (args.input, e), file=sys.stderr)
        return 1
    write(args.output, linktype, [(ts, encode(ip)) for ts, ip in pkts])
    return 0


if __name__ == '__main__':
    sys.exit(main())
