#!/usr/bin/env python3
"""tunpcap.py - write a small deterministic pcap of tunnelled and plain flows.

The packets are plain bytes (Ethernet II, IPv4/IPv6, TCP/UDP, checksums
filled in), no capture library needed.  Flows, each of PACKETS packets one
millisecond apart, flow k starting k * 10 ms after 2024-01-01 00:00:00 UTC:

  plain IPv4 TCP      10.0.0.1:40000 -> 10.0.0.2:80
  plain IPv6 UDP      2001:db8::1:5000 -> 2001:db8:1::2:53
  GRE (proto 47)      outer 192.0.2.1 -> 192.0.2.2, GRE key-less header,
                      inner IPv4 UDP 10.1.0.1:1000 -> 10.2.0.1:53
  IP-in-IP (proto 4)  outer 198.51.100.1 -> 198.51.100.2,
                      inner IPv4 TCP 10.3.0.1:41000 -> 10.4.0.1:443
  6in4 (proto 41)     outer 203.0.113.1 -> 203.0.113.2,
                      inner IPv6 UDP 2001:db8:2::1:6000 -> 2001:db8:3::1:123

With --many N the tool adds N plain IPv4 and N plain IPv6 UDP flows with
pseudo-random addresses (seed --seed), for address tests.

  tunpcap.py OUT.pcap [--packets 3] [--many 0] [--seed 1]

Standard library only; two runs with the same arguments give identical
bytes.
"""
import argparse
import random
import socket
import struct

T0 = 1704067200  # 2024-01-01 00:00:00 UTC


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0,
                      64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(src, dst, nxt, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def pseudo(af, src, dst, proto, length):
    if af == 4:
        return struct.pack("!4s4sBBH", socket.inet_aton(src),
                           socket.inet_aton(dst), 0, proto, length)
    return struct.pack("!16s16sIxxxB",
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst), length, proto)


def udp(af, src, dst, sp, dp, data):
    seg = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
    c = csum(pseudo(af, src, dst, 17, len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(af, src, dst, sp, dp, seq, data):
    seg = struct.pack("!HHIIBBHHH", sp, dp, seq, 0, 5 << 4, 0x18, 65535, 0,
                      0) + data
    c = csum(pseudo(af, src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def ether(payload, v6=False):
    return (b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" +
            struct.pack("!H", 0x86DD if v6 else 0x0800) + payload)


def flows(npk, many, seed):
    """A list of (name, function packet_number -> frame bytes)."""
    def plain4(i):
        return ether(ipv4("10.0.0.1", "10.0.0.2", 6,
                          tcp(4, "10.0.0.1", "10.0.0.2", 40000, 80, i * 100,
                              b"x" * 100)))

    def plain6(i):
        s, d = "2001:db8::1", "2001:db8:1::2"
        return ether(ipv6(s, d, 17, udp(6, s, d, 5000, 53, b"q" * 40)), True)

    def gre(i):
        inner = ipv4("10.1.0.1", "10.2.0.1", 17,
                     udp(4, "10.1.0.1", "10.2.0.1", 1000, 53, b"g" * 30))
        return ether(ipv4("192.0.2.1", "192.0.2.2", 47,
                          struct.pack("!HH", 0, 0x0800) + inner, i + 1))

    def ipip(i):
        inner = ipv4("10.3.0.1", "10.4.0.1", 6,
                     tcp(4, "10.3.0.1", "10.4.0.1", 41000, 443, i * 50,
                         b"t" * 50))
        return ether(ipv4("198.51.100.1", "198.51.100.2", 4, inner, i + 1))

    def six4(i):
        s, d = "2001:db8:2::1", "2001:db8:3::1"
        inner = ipv6(s, d, 17, udp(6, s, d, 6000, 123, b"n" * 48))
        return ether(ipv4("203.0.113.1", "203.0.113.2", 41, inner, i + 1))

    out = [("plain4", plain4), ("plain6", plain6), ("gre", gre),
           ("ipip", ipip), ("6in4", six4)]
    rnd = random.Random(seed)
    for k in range(many):
        a4 = [socket.inet_ntoa(struct.pack("!I", rnd.getrandbits(32)))
              for _ in range(2)]
        a6 = [socket.inet_ntop(socket.AF_INET6,
                               rnd.getrandbits(128).to_bytes(16, "big"))
              for _ in range(2)]
        sp, dp = 1024 + k, 2000 + k

        def f4(i, a=a4, sp=sp, dp=dp):
            return ether(ipv4(a[0], a[1], 17,
                              udp(4, a[0], a[1], sp, dp, b"r" * 20)))

        def f6(i, a=a6, sp=sp, dp=dp):
            return ether(ipv6(a[0], a[1], 17,
                              udp(6, a[0], a[1], sp, dp, b"s" * 20)), True)
        out += [("rand4-%d" % k, f4), ("rand6-%d" % k, f6)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--packets", type=int, default=3)
    ap.add_argument("--many", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    pkts = []
    for k, (_, fn) in enumerate(flows(a.packets, a.many, a.seed)):
        for i in range(a.packets):
            usec = k * 10000 + i * 1000
            pkts.append((T0 + usec // 1000000, usec % 1000000, fn(i)))
    pkts.sort(key=lambda p: (p[0], p[1]))
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, frame in pkts:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
