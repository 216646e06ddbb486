#!/usr/bin/env python3
"""Write seed corpora for the fuzz harnesses from the captures in pcaps/.

usage: make_seeds.py OUT_DIR PCAP_DIR...

OUT_DIR/fuzz_packet: each distinct frame, re-framed for every link type the
decoder knows (selector byte, 2-byte wire extra, frame; see fuzz_packet.c).
OUT_DIR/fuzz_tls: each TCP connection's payload in packet order as chunks
(see fuzz_tls.c). OUT_DIR/fuzz_pipeline: each capture file under 200 KB as
it is, and each connection as its own pcap.
Standard library only. The seeds are then minimised into tests/fuzz/corpus
with libFuzzer's -merge=1 (see the README).
"""
import hashlib
import os
import struct
import sys

# Selector indexes in fuzz_packet.c's dlts[].
SEL = {"null": 0, "en10mb": 1, "raw": 2, "raw14": 3, "raw101": 4,
       "loop": 5, "sll": 6, "ipv4": 7, "ipv6": 8, "sll2": 9, "unknown": 10}


def read_pcap(path):
    """(linktype, [(sec, usec, frame)]) of a classic little-endian pcap."""
    data = open(path, "rb").read()
    if len(data) < 24:
        return None, []
    magic, = struct.unpack("<I", data[:4])
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        return None, []
    linktype, = struct.unpack("<I", data[20:24])
    off, frames = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack("<IIII", data[off:off + 16])
        frames.append((sec, usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return linktype, frames


def write(folder, blob):
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(blob)


def link_variants(eth):
    """The same IP packet under each link header."""
    etype = eth[12:14]
    ip = eth[14:]
    af = 2 if etype == b"\x08\x00" else 30
    yield SEL["en10mb"], eth
    yield SEL["raw"], ip
    yield SEL["raw14"], ip
    yield SEL["raw101"], ip
    yield SEL["ipv4" if af == 2 else "ipv6"], ip
    yield SEL["null"], struct.pack("<I", af) + ip
    yield SEL["loop"], struct.pack(">I", af) + ip
    yield SEL["sll"], struct.pack(">HHH8s", 0, 1, 6, eth[6:12]) + etype + ip
    yield SEL["sll2"], (etype + b"\0\0" + struct.pack(">IHBB8s", 1, 1, 0, 6,
                                                     eth[6:12]) + ip)
    # An 802.1Q tag.
    yield SEL["en10mb"], eth[:12] + b"\x81\x00\x00\x05" + eth[12:]
    yield SEL["unknown"], eth


def tcp_of(eth):
    """(src, dst, flags, payload) of an Ethernet/IPv4/TCP frame, or None."""
    if len(eth) < 54 or eth[12:14] != b"\x08\x00" or eth[23] != 6:
        return None
    ip = eth[14:]
    ihl = (ip[0] & 15) * 4
    total, = struct.unpack(">H", ip[2:4])
    tcp = ip[ihl:total]
    if len(tcp) < 20:
        return None
    doff = (tcp[12] >> 4) * 4
    src = (ip[12:16], tcp[0:2])
    dst = (ip[16:20], tcp[2:4])
    return src, dst, tcp[13], tcp[doff:]


def tls_chunks(conn_frames):
    """Chunked input for fuzz_tls from one connection's segments."""
    out = bytearray(b"\x00")
    opener = None
    for _sec, _usec, eth in conn_frames:
        src, _dst, _flags, payload = tcp_of(eth)
        if opener is None:
            opener = src
        d = 0 if src == opener else 1
        while payload:
            piece, payload = payload[:256], payload[256:]
            out += bytes([d | 0x10, len(piece) - 1]) + piece
    return bytes(out)


def pcap_bytes(frames):
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for sec, usec, fr in frames:
        out += struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr
    return bytes(out)


def main():
    out_dir, src_dirs = sys.argv[1], sys.argv[2:]
    seen = set()
    paths = sorted(os.path.join(d, n) for d in src_dirs
                   for n in os.listdir(d) if n.endswith((".pcap", ".pcapng")))
    for path in paths:
        if os.path.getsize(path) > 1000000:
            continue
        if os.path.getsize(path) < 200000:
            with open(path, "rb") as f:
                write(os.path.join(out_dir, "fuzz_pipeline"), f.read())
        linktype, frames = read_pcap(path)
        if linktype != 1:
            continue
        conns = {}
        for fr in frames:
            eth = fr[2]
            if eth not in seen:
                seen.add(eth)
                for sel, body in link_variants(eth):
                    write(os.path.join(out_dir, "fuzz_packet"),
                          bytes([sel, 0, 0]) + body)
            t = tcp_of(eth)
            if t is None:
                continue
            key = tuple(sorted([t[0], t[1]]))
            conns.setdefault(key, []).append(fr)
        for cf in conns.values():
            seg = [f for f in cf if tcp_of(f[2])[3]]
            if not seg:
                continue
            write(os.path.join(out_dir, "fuzz_tls"), tls_chunks(seg))
            write(os.path.join(out_dir, "fuzz_pipeline"), pcap_bytes(cf))
    write(os.path.join(out_dir, "fuzz_tls"), b"\xff" + bytes(8))


if __name__ == "__main__":
    main()
