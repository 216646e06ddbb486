#!/usr/bin/env python3
"""gen-flows.py: a pcap of N TCP flows that never close, for memory.

    python3 tests/bench/gen-flows.py N OUT.pcap

Each flow is a client SYN to port 443 followed by one data segment that
holds the first 200 bytes of a ClientHello whose record announces 512, so
a reader that follows TLS must keep every flow and buffer its partial
record. No flow sends more, none closes. Flows come from distinct client
addresses and ports in 10.0.0.0/8 (IPv4, Ethernet), one packet every
10 microseconds, all within 20 seconds, so no idle timeout of a minute or
more expires any of them. Written with the standard library only.
"""

import struct
import sys

SERVER = bytes([192, 0, 2, 1])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def partial_client_hello():
    # Record header: handshake, TLS 1.0 record version, length 512.
    rec = bytes([0x16, 0x03, 0x01]) + struct.pack("!H", 512)
    # Handshake header: ClientHello, length 508; then version 1.2, random.
    hs = bytes([0x01]) + (508).to_bytes(3, "big") + bytes([0x03, 0x03])
    hs += bytes(range(32))
    body = rec + hs
    return body + b"\xab" * (200 - len(body))


def frame(src, sport, seq, flags, payload):
    tcp = struct.pack("!HHIIBBHHH", sport, 443, seq, 0, 5 << 4, flags,
                      65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                     0, 0x4000, 64, 6, 0, src, SERVER)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + tcp + payload


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    hello = partial_client_hello()
    t = 1_700_000_000 * 1_000_000
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        buf = []
        for i in range(n):
            src = bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
            sport = 1024 + (i % 60000)
            isn = (i * 2654435761) & 0xFFFFFFFF
            for flags, seq, payload in ((0x02, isn, b""),
                                        (0x18, (isn + 1) & 0xFFFFFFFF,
                                         hello)):
                pkt = frame(src, sport, seq, flags, payload)
                buf.append(struct.pack("<IIII", t // 1_000_000,
                                       t % 1_000_000, len(pkt), len(pkt)))
                buf.append(pkt)
                t += 10
            if len(buf) >= 20000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


if __name__ == "__main__":
    main()
