#!/usr/bin/env python3
"""Generate the hostile-input captures of issue #7 (standard library only).

usage: gen_hostile.py OUT_DIR [CASE...]

Writes OUT_DIR/CASE.pcap (or .pcapng, or a raw file) for each case named,
or for every case in CASES. run_hostile.py calls make() the same way and
checks each result against expected.tsv. The frames are Ethernet, IPv4 and
TCP unless a case says otherwise; checksums are left zero (stekwatch does
not check them, as captures often hold offloaded checksums).
"""
import os
import random
import struct
import sys

# --- capture files -------------------------------------------------------

LINK_EN10MB = 1
LINK_RAW = 101
LINK_USER0 = 147  # a link type stekwatch does not decode


def pcap_header(linktype=LINK_EN10MB, snaplen=262144):
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(ts_us, frame, snaplen=None, wirelen=None):
    """One record; the frame is cut to snaplen, its original length kept."""
    orig = len(frame) if wirelen is None else wirelen
    if snaplen is not None:
        frame = frame[:snaplen]
    return struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000,
                       len(frame), orig) + frame


class PcapWriter:
    """Streams records to a file, so the flood cases never sit in memory."""

    def __init__(self, path, linktype=LINK_EN10MB, snaplen=262144):
        self.f = open(path, "wb")
        self.snaplen = snaplen
        self.f.write(pcap_header(linktype, snaplen))

    def add(self, ts_us, frame):
        self.f.write(pcap_record(ts_us, frame, self.snaplen))

    def close(self):
        self.f.close()


def write_frames(path, frames, linktype=LINK_EN10MB, snaplen=262144):
    """A pcap of frames, 1 ms apart from T0."""
    w = PcapWriter(path, linktype, snaplen)
    ts = T0
    for fr in frames:
        w.add(ts, fr)
        ts += 1000
    w.close()


def pcapng_block(btype, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return (struct.pack("<II", btype, total) + body + b"\0" * pad +
            struct.pack("<I", total))


def pcapng_shb():
    return pcapng_block(0x0A0D0D0A,
                        struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def pcapng_idb(linktype, snaplen=262144):
    return pcapng_block(1, struct.pack("<HHI", linktype, 0, snaplen))


def pcapng_epb(ifid, ts_us, frame):
    return pcapng_block(6, struct.pack("<IIIII", ifid, ts_us >> 32,
                                       ts_us & 0xffffffff, len(frame),
                                       len(frame)) + frame)


# --- packets -------------------------------------------------------------

MAC_C = b"\x02\x00\x00\x00\x00\x01"
MAC_S = b"\x02\x00\x00\x00\x00\x02"
SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04


def ipv4_tcp(src, dst, sport, dport, seq, ack, flags, payload=b"",
             window=65535):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xffffffff,
                      ack & 0xffffffff, 5 << 4, flags, window, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                     0, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
    return ip + tcp + payload


def ether(ip, src_mac=MAC_C, dst_mac=MAC_S):
    return dst_mac + src_mac + b"\x08\x00" + ip


class Conn:
    """One TCP connection: frames with consistent sequence numbers.

    Client 10.0.0.1:sport, server 10.0.0.2:443 unless given. Each send
    returns the Ethernet frames; the caller times and writes them."""

    def __init__(self, sport=40000, dport=443, cli=(10, 0, 0, 1),
                 srv=(10, 0, 0, 2), mss=1400):
        self.ep = [(cli, sport), (srv, dport)]
        self.seq = [1000, 500000]
        self.mss = mss

    def frame(self, d, flags, payload=b"", seq=None):
        (sa, sp), (da, dp) = self.ep[d], self.ep[1 - d]
        s = self.seq[d] if seq is None else seq
        ip = ipv4_tcp(sa, da, sp, dp, s, self.seq[1 - d], flags | ACK
                      if flags != SYN else SYN, payload)
        macs = (MAC_C, MAC_S) if d == 0 else (MAC_S, MAC_C)
        return ether(ip, *macs)

    def handshake(self):
        out = [self.frame(0, SYN)]
        self.seq[0] += 1
        out.append(self.frame(1, SYN | ACK))
        self.seq[1] += 1
        out.append(self.frame(0, ACK))
        return out

    def send(self, d, data, seg=None):
        seg = seg or self.mss
        out = []
        for i in range(0, len(data), seg):
            piece = data[i:i + seg]
            out.append(self.frame(d, PSH, piece))
            self.seq[d] += len(piece)
        return out

    def close(self):
        out = [self.frame(0, FIN)]
        self.seq[0] += 1
        out.append(self.frame(1, FIN))
        self.seq[1] += 1
        out.append(self.frame(0, ACK))
        return out


# --- TLS -----------------------------------------------------------------

def u8(n):
    return struct.pack(">B", n)


def u16(n):
    return struct.pack(">H", n)


def u24(n):
    return struct.pack(">I", n)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def record(body, rtype=22, version=0x0303):
    return u8(rtype) + u16(version) + u16(len(body)) + body


def records(body, rtype=22, size=16384):
    """A handshake stream split into records of at most size bytes."""
    return b"".join(record(body[i:i + size], rtype)
                    for i in range(0, len(body), size))


def handshake(htype, body):
    return u8(htype) + u24(len(body)) + body


def ext(etype, body):
    return u16(etype) + vec16(body)


def sni_ext(name=b"hostile.test"):
    return ext(0, vec16(u8(0) + vec16(name)))


def client_hello(exts=b"", suites=b"\x13\x01\xc0\x2f", sid=b"",
                 raw_exts=None):
    body = (u16(0x0303) + bytes(range(32)) + vec8(sid) + vec16(suites) +
            vec8(b"\x00"))
    body += vec16(exts) if raw_exts is None else raw_exts
    return handshake(1, body)


def server_hello(exts=b"", sid=b"", suite=0xc02f):
    body = (u16(0x0303) + bytes(range(100, 132)) + vec8(sid) + u16(suite) +
            u8(0) + vec16(exts))
    return handshake(2, body)


def nst12(ticket, lifetime=7200):
    return handshake(4, struct.pack(">I", lifetime) + vec16(ticket))


KEY_A = b"A" * 16


def ticket(key=KEY_A, n=48, fill=0x55):
    return key + bytes([fill]) * (n - len(key))


def server_flight_full(tkt=None):
    """ServerHello (ticket extension echoed), NST, CCS: TLS 1.2 full."""
    hs = server_hello(ext(0x23, b"")) + handshake(14, b"")
    hs += nst12(tkt if tkt is not None else ticket())
    return record(hs) + record(b"\x01", 20)


# --- cases ---------------------------------------------------------------

T0 = 1764780000 * 1000000  # 2025-12-03 16:40 UTC, in microseconds


def write_conn(path, client, server, snaplen=262144, linktype=LINK_EN10MB,
               client_seg=None, server_seg=None):
    """A whole connection: handshake, client bytes, server bytes, close."""
    c = Conn()
    frames = c.handshake() + c.send(0, client, client_seg)
    frames += c.send(1, server, server_seg) + c.close()
    write_frames(path, frames, linktype, snaplen)


def ch_with(exts):
    return record(client_hello(sni_ext() + exts))


def overrun_record(path):
    # After a good ClientHello, a record announcing 2^14 + 2049 bytes:
    # beyond any record's bound. (As a stream's first bytes it would not
    # be taken for TLS at all.)
    hdr = u8(22) + u16(0x0303) + u16(16384 + 2049)
    write_conn(path, ch_with(b"") + hdr + bytes(100), b"")


def record_cut_by_fin(path):
    # A record announcing 300 bytes whose stream ends (FIN) after 45.
    hdr = u8(22) + u16(0x0301) + u16(300)
    write_conn(path, hdr + client_hello()[:40], b"")


def overrun_handshake(path):
    # A handshake header announcing more than its record holds, then an
    # alert record: the message cannot continue across a record of
    # another type.
    ch = client_hello(sni_ext())
    bad = u8(1) + u24(len(ch) + 500) + ch[4:]
    write_conn(path, record(bad) + record(b"\x02\x28", 21), b"")


def overrun_extension(path):
    # One extension whose length runs past the extensions block.
    exts = sni_ext() + u16(0x23) + u16(200) + b"\x00" * 10
    write_conn(path, record(client_hello(raw_exts=vec16(exts))), b"")


def overrun_vector(path):
    # The session id vector claims 200 bytes.
    body = u16(0x0303) + bytes(32) + u8(200) + bytes(40)
    write_conn(path, record(handshake(1, body)), b"")


def overrun_psk_identity(path):
    ident = u16(400) + ticket()          # identity length past the list
    ids = vec16(ident + struct.pack(">I", 0))
    psk = ext(41, ids + vec16(vec8(bytes(32))))
    vers = ext(43, vec8(u16(0x0304)))
    write_conn(path, ch_with(vers + ext(45, vec8(b"\x01")) + psk), b"")


def overrun_ticket(path):
    # The NewSessionTicket's ticket vector runs past the message.
    nst = handshake(4, struct.pack(">I", 300) + u16(500) + ticket())
    srv = record(server_hello(ext(0x23, b"")) + handshake(14, b"") + nst)
    write_conn(path, ch_with(ext(0x23, b"")), srv)


def odd_suites(path):
    write_conn(path, record(client_hello(sni_ext(),
                                         suites=b"\x13\x01\xc0")), b"")


def empty_hello(path):
    write_conn(path, record(handshake(1, b"")), b"")


def one_byte_records(path):
    # A full TLS 1.2 handshake whose handshake bytes come one per record.
    ch = client_hello(sni_ext() + ext(0x23, b""))
    srv_hs = (server_hello(ext(0x23, b"")) + handshake(14, b"") +
              nst12(ticket()))
    write_conn(path, records(ch, size=1),
               records(srv_hs, size=1) + record(b"\x01", 20))


def many_records(path):
    # 10,000 records in one stream: a ClientHello of 10,000 bytes (a
    # padding extension fills it) sent one byte per record.
    pad = ext(21, bytes(10000 - 4 - 4 - 2 - 40 - 6 - len(sni_ext()) - 4))
    ch = client_hello(sni_ext() + pad)
    write_conn(path, records(ch, size=1), server_flight_full())


def big_ticket(path):
    # A TLS 1.2 server issues a 65535-byte ticket (the largest its 16-bit
    # vector holds; the message spans 5 records); a second client offers
    # the largest ticket a ClientHello's extensions block can carry.
    tkt = ticket(n=65535, fill=0x66)
    c = Conn()
    srv_hs = (server_hello(ext(0x23, b"")) + handshake(14, b"") +
              nst12(tkt))
    frames = c.handshake() + c.send(0, ch_with(ext(0x23, b"")))
    frames += c.send(1, records(srv_hs) + record(b"\x01", 20)) + c.close()
    c = Conn(sport=40001)
    room = 65535 - len(sni_ext()) - 4
    ch = client_hello(sni_ext() + ext(0x23, ticket(n=room, fill=0x67)))
    frames += c.handshake() + c.send(0, records(ch)) + c.close()
    write_frames(path, frames)


def conflicting_overlap(path):
    # The ClientHello's tail arrives first, out of order, twice over the
    # same sequence numbers with one byte different; then its head fills
    # the hole. The first copy wins and the second is counted.
    c = Conn()
    ch = ch_with(ext(0x23, b""))
    frames = c.handshake()
    start = c.seq[0]
    evil = bytearray(ch)
    evil[60] ^= 0xff
    frames.append(c.frame(0, PSH, ch[10:], seq=start + 10))
    frames.append(c.frame(0, PSH, bytes(evil[10:]), seq=start + 10))
    frames.append(c.frame(0, PSH, ch[:10], seq=start))
    c.seq[0] += len(ch)
    frames += c.send(1, server_flight_full()) + c.close()
    write_frames(path, frames)


def resent_conflict(path):
    # A segment already delivered is sent again with other bytes: the
    # bytes handed on are kept no longer, so this goes uncounted (see the
    # README's Limitations); the parse is not disturbed.
    c = Conn()
    ch = ch_with(ext(0x23, b""))
    frames = c.handshake()
    start = c.seq[0]
    frames += c.send(0, ch)
    evil = bytearray(ch)
    evil[60] ^= 0xff
    frames.append(c.frame(0, PSH, bytes(evil), seq=start))
    frames += c.send(1, server_flight_full()) + c.close()
    write_frames(path, frames)


def one_direction(path):
    # Only the client's packets were captured.
    w = PcapWriter(path)
    c = Conn()
    ts = T0
    frames = c.handshake() + c.send(0, ch_with(ext(0x23, b""))) + c.close()
    for fr in frames:
        if fr[6:12] == MAC_C:
            w.add(ts, fr)
        ts += 1000
    w.close()


def syn_flood(path, n=1000000):
    # n SYN-only flows, each from its own address and port.
    w = PcapWriter(path)
    for i in range(n):
        src = (10, 1 + (i >> 16 & 0xff), i >> 8 & 0xff, i & 0xff)
        ip = ipv4_tcp(src, (10, 0, 0, 2), 1024 + i % 60000, 443, i, 0, SYN)
        w.add(T0 + i, ether(ip))
    w.close()


def dup_flood(path, n=50000):
    # 50,000 copies of one out-of-order segment, never acknowledged, after
    # a hole the client never fills.
    w = PcapWriter(path)
    c = Conn()
    ts = T0
    for fr in c.handshake():
        w.add(ts, fr)
        ts += 1
    seg = c.frame(0, PSH, bytes(1000), seq=c.seq[0] + 5000)
    for _ in range(n):
        w.add(ts, seg)
        ts += 1
    w.close()


def ooo_flood(path, n=50000):
    # 50,000 distinct out-of-order segments beyond a hole: the held bytes
    # hit the per-flow cap and are evicted, never all kept.
    w = PcapWriter(path)
    c = Conn()
    ts = T0
    for fr in c.handshake():
        w.add(ts, fr)
        ts += 1
    base = c.seq[0] + 100
    for i in range(n):
        w.add(ts, c.frame(0, PSH, bytes(1000), seq=base + 1000 * (i + 1)))
        ts += 1
    w.close()


def ooo_tiny_reverse(path, n=50000):
    # 50,000 1-byte segments past a hole, in descending sequence order:
    # each lands before every piece held, the worst order for a sorted
    # list of held pieces.
    w = PcapWriter(path)
    c = Conn()
    ts = T0
    for fr in c.handshake():
        w.add(ts, fr)
        ts += 1
    base = c.seq[0] + 100
    for i in range(n, 0, -1):
        w.add(ts, c.frame(0, PSH, b"x", seq=base + i))
        ts += 1
    w.close()


def never_end(path, n=2000):
    # n TLS flows that never close: handshakes reported at end of input.
    w = PcapWriter(path)
    ts = T0
    for i in range(n):
        c = Conn(sport=10000 + i % 50000,
                 cli=(10, 2 + (i >> 16), i >> 8 & 0xff, i & 0xff))
        for fr in c.handshake() + c.send(0, ch_with(ext(0x23, b""))):
            w.add(ts, fr)
            ts += 10
    w.close()


def big_announce(path, n=20000):
    # n flows whose ClientHello announces 256 KiB - 1 (the most stekwatch
    # keeps) in a 9-byte stream that then stops: memory must follow the
    # bytes that came, not the lengths announced.
    w = PcapWriter(path)
    ts = T0
    head = u8(22) + u16(0x0301) + u16(16384) + u8(1) + u24(256 * 1024 - 1)
    for i in range(n):
        c = Conn(sport=10000 + i % 50000,
                 cli=(10, 3 + (i >> 16), i >> 8 & 0xff, i & 0xff))
        for fr in c.handshake() + c.send(0, head):
            w.add(ts, fr)
            ts += 10
    w.close()


def snaplen(path, n):
    ch = ch_with(ext(0x23, ticket()))
    srv_hs = (server_hello(ext(0x23, b"")) + handshake(14, b"") +
              nst12(ticket()))
    write_conn(path, ch, record(srv_hs) + record(b"\x01", 20), snaplen=n)


def cut_last(path):
    write_conn(path, ch_with(ext(0x23, b"")), server_flight_full())
    with open(path, "rb+") as f:
        f.seek(0, 2)
        f.truncate(f.tell() - 20)


def empty_file(path):
    open(path, "wb").close()


def not_capture(path):
    with open(path, "wb") as f:
        f.write(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n" * 4)


def mixed_links(path, upfront=False):
    # A whole connection on an Ethernet interface, then a second interface
    # of raw IP and one packet on it; or both interfaces declared first.
    c = Conn()
    frames = c.handshake() + c.send(0, ch_with(ext(0x23, b"")))
    frames += c.send(1, server_flight_full()) + c.close()
    out = pcapng_shb() + pcapng_idb(LINK_EN10MB)
    if upfront:
        out += pcapng_idb(LINK_RAW)
    ts = T0
    for fr in frames:
        out += pcapng_epb(0, ts, fr)
        ts += 1000
    if not upfront:
        out += pcapng_idb(LINK_RAW)
    out += pcapng_epb(1, ts, frames[0][14:])
    with open(path, "wb") as f:
        f.write(out)


def unknown_link(path):
    c = Conn()
    w = PcapWriter(path, LINK_USER0)
    ts = T0
    for fr in c.handshake() + c.send(0, ch_with(b"")):
        w.add(ts, fr)
        ts += 1000
    w.close()


def random_bytes(path):
    # A valid pcap header over random frames.
    rnd = random.Random(7)
    w = PcapWriter(path)
    for i in range(2000):
        w.add(T0 + i, bytes(rnd.getrandbits(8)
                            for _ in range(rnd.randrange(0, 200))))
    w.close()


# name: (function, extension)
CASES = {
    "overrun-record": (overrun_record, "pcap"),
    "record-cut-by-fin": (record_cut_by_fin, "pcap"),
    "overrun-handshake": (overrun_handshake, "pcap"),
    "overrun-extension": (overrun_extension, "pcap"),
    "overrun-vector": (overrun_vector, "pcap"),
    "overrun-psk-identity": (overrun_psk_identity, "pcap"),
    "overrun-ticket": (overrun_ticket, "pcap"),
    "odd-cipher-suites": (odd_suites, "pcap"),
    "empty-hello": (empty_hello, "pcap"),
    "one-byte-records": (one_byte_records, "pcap"),
    "10000-records": (many_records, "pcap"),
    "ticket-65535": (big_ticket, "pcap"),
    "overlap-conflict": (conflicting_overlap, "pcap"),
    "resent-conflict": (resent_conflict, "pcap"),
    "one-direction": (one_direction, "pcap"),
    "syn-flood": (syn_flood, "pcap"),
    "dup-flood": (dup_flood, "pcap"),
    "ooo-flood": (ooo_flood, "pcap"),
    "ooo-tiny-reverse": (ooo_tiny_reverse, "pcap"),
    "never-end": (never_end, "pcap"),
    "big-announce": (big_announce, "pcap"),
    "snaplen-64": (lambda p: snaplen(p, 64), "pcap"),
    "snaplen-128": (lambda p: snaplen(p, 128), "pcap"),
    "cut-last": (cut_last, "pcap"),
    "empty-file": (empty_file, "pcap"),
    "not-a-capture": (not_capture, "pcap"),
    "mixed-links": (mixed_links, "pcapng"),
    "mixed-links-upfront": (lambda p: mixed_links(p, True), "pcapng"),
    "unknown-link": (unknown_link, "pcap"),
    "random-frames": (random_bytes, "pcap"),
}


def make(out_dir, name):
    """Write case name into out_dir; returns its path."""
    fn, ext_ = CASES[name]
    path = os.path.join(out_dir, name + "." + ext_)
    fn(path)
    return path


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name in sys.argv[2:] or CASES:
        print(make(out_dir, name))


if __name__ == "__main__":
    main()
