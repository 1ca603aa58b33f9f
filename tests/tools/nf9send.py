#!/usr/bin/env python3
"""nf9send.py - a small deterministic NetFlow v9 exporter for the tests.

Sends COUNT pseudo-random flows (IPv4 and IPv6, seeded) to a collector on
HOST:PORT over UDP and optionally writes the records it sent as csv_flow
(the 21 fields of SPEC 1, aggs = 0), which is exactly what reading the
collector's nfcapd file must give back.

Templates: 256 (IPv4) and 257 (IPv6), re-sent every 64 packets; fields
src/dst address, ports, protocol, input/output interface (4 bytes),
in packets/bytes (8 bytes), flowStart/EndMilliseconds (152/153, absolute
epoch milliseconds, so the collector stores the times unchanged), and
ICMP_TYPE (32: type * 256 + code, which nfcapd stores as the destination
port of ICMP flows; it zeroes that port when the field is absent).

Pacing: before each burst the sender reads the collector socket's receive
queue from /proc/net/udp and waits while it is above a threshold, so the
collector never drops a datagram however fast it is; at the end it waits
until the queue is empty and fails (exit 3) if the kernel counted drops
on that socket.  Standard library only.

With --quirks, the records carry what real exporters get wrong: the
templates add OUT_PKTS (24) and OUT_BYTES (23) (the reverse direction of
a bidirectional flow, as nfcapd stores it in its cntFlow element), every
4th flow has its last time before its first (as softflowd's IPFIX), every
3rd has 0 forward packets and octets, and every 5th 0 reverse packets.
--csv-split FILE then writes the records reading with `--biflow split`
must give: per flow the forward record if it has packets, then the
reverse one (addresses, ports and interfaces swapped, reverse counters)
if it has packets.

  nf9send.py --port P [--host 127.0.0.1] --count N [--seed S]
             [--csv FILE] [--wait-bound SECONDS] [--quirks]
             [--csv-split FILE]
"""
import argparse
import random
import socket
import struct
import sys
import time

V4_FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (10, 4), (14, 4),
             (2, 8), (1, 8), (152, 8), (153, 8), (32, 2)]
V6_FIELDS = [(27, 16), (28, 16)] + V4_FIELDS[2:]
REC4 = struct.Struct(">IIHHBIIQQQQH")
REC6 = struct.Struct(">16s16sHHBIIQQQQH")
MAX_PAYLOAD = 1400


def udp_stats(port):
    """(rx_queue bytes, drops) of the UDP socket bound to port, or None."""
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    c = line.split()
                    if int(c[1].split(":")[1], 16) == port:
                        rx = int(c[4].split(":")[1], 16)
                        return rx, int(c[-1])
        except OSError:
            pass
    return None


QUIRK_FIELDS = [(24, 8), (23, 8)]
QREC = struct.Struct(">QQ")


def templates(quirks=False):
    body = b""
    extra = QUIRK_FIELDS if quirks else []
    for tid, fields in ((256, V4_FIELDS + extra), (257, V6_FIELDS + extra)):
        body += struct.pack(">HH", tid, len(fields))
        for t, n in fields:
            body += struct.pack(">HH", t, n)
    return struct.pack(">HH", 0, 4 + len(body)) + body, 2


def flows(count, seed, quirks=False, base=None, big_ok=True):
    """Yield (template id, csv rows, packed data record, split rows);
    without big_ok no flow has 2^32 more packets or interfaces >= 64."""
    rng = random.Random(seed)
    if base is None:
        base = 1700000000000 + seed * 1000
    for k in range(count):
        v6 = rng.random() < 0.15
        prot = rng.choice((6, 6, 17, 17, 1))
        if prot == 1:
            prot = 58 if v6 else 1
            sp, dp = 0, rng.choice((0x0800, 0x0000, 0x0303)) if not v6 else 0x8000
        else:
            sp, dp = rng.randrange(1024, 65536), rng.choice((80, 443, 53, 22, 123))
        icmp = dp if prot in (1, 58) else 0
        big = rng.random() < 0.02 and big_ok
        inif = rng.randrange(0, 1 << 20) if big else rng.randrange(0, 64)
        outif = rng.randrange(0, 1 << 20) if big else rng.randrange(0, 64)
        packets = rng.randrange(1, 2000)
        if big:
            packets += 1 << 32
        octets = packets * rng.randrange(40, 1500)
        first = base + k * 7 + rng.randrange(0, 5)
        last = first + (0 if packets == 1 else rng.randrange(0, 120000))
        opk = oct_ = 0
        if quirks:
            opk = rng.randrange(1, 500)
            oct_ = opk * rng.randrange(40, 1500)
            if k % 4 == 0:
                last = first - rng.randrange(1, 60000)
            if k % 3 == 0:
                packets = octets = 0
            if k % 5 == 0:
                opk = oct_ = 0
        if v6:
            sa = [rng.getrandbits(32) for _ in range(4)]
            da = [rng.getrandbits(32) for _ in range(4)]
            sab = struct.pack(">4I", *sa)
            dab = struct.pack(">4I", *da)
            rec = REC6.pack(sab, dab, sp, dp, prot, inif, outif, packets,
                            octets, first, last, icmp)
        else:
            sa = [0, 0, 0, rng.getrandbits(32)]
            da = [0, 0, 0, rng.getrandbits(32)]
            rec = REC4.pack(sa[3], da[3], sp, dp, prot, inif, outif, packets,
                            octets, first, last, icmp)
        if quirks:
            rec += QREC.pack(opk, oct_)
        times = [first // 1000, first % 1000, last // 1000, last % 1000]
        row = [10 if v6 else 2, prot, inif, outif] + sa + da + [
            sp, dp] + times + [packets, octets, 0]
        split = [row] if packets else []
        if opk:
            split.append([10 if v6 else 2, prot, outif, inif] + da + sa +
                         [dp if prot not in (1, 58) else 0,
                          sp if prot not in (1, 58) else dp] +
                         times + [opk, oct_, 0])
        yield (257 if v6 else 256), row, rec, split


def packets(count, seed, out_rows, quirks=False, split_rows=None, base=None,
            big_ok=True):
    """Yield NetFlow v9 datagrams holding the flows in order (flow k
    starting near base + 7k ms when base is given)."""
    tmpl, ntmpl = templates(quirks)
    seq = 0
    cur = []          # [(template id, [records])]
    size = 20
    nrec = 0

    def finish():
        nonlocal seq, cur, size, nrec
        body = b""
        count_field = nrec
        if seq % 64 == 0:
            body += tmpl
            count_field += ntmpl
        for tid, recs in cur:
            data = b"".join(recs)
            pad = (-(4 + len(data))) % 4
            body += struct.pack(">HH", tid, 4 + len(data) + pad) + data + b"\0" * pad
        now = time.time()
        hdr = struct.pack(">HHIIII", 9, count_field, 1000000, int(now), seq, 1)
        seq += 1
        cur, size, nrec = [], 20, 0
        return hdr + body

    for tid, row, rec, split in flows(count, seed, quirks, base, big_ok):
        if out_rows is not None:
            out_rows.write(", ".join(map(str, row)) + "\n")
        if split_rows is not None:
            for r in split:
                split_rows.write(", ".join(map(str, r)) + "\n")
        extra = len(rec) + (0 if cur and cur[-1][0] == tid else 8)
        tmpl_room = len(tmpl) if seq % 64 == 0 else 0
        if cur and size + tmpl_room + extra > MAX_PAYLOAD:
            yield finish()
            extra = len(rec) + 8
        if cur and cur[-1][0] == tid:
            cur[-1][1].append(rec)
        else:
            cur.append((tid, [rec]))
        size += extra
        nrec += 1
    if cur:
        yield finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv")
    ap.add_argument("--quirks", action="store_true")
    ap.add_argument("--csv-split")
    ap.add_argument("--wait-bound", type=float, default=0,
                    help="first wait up to this many seconds for the collector's socket")
    ap.add_argument("--max-queue", type=int, default=65536,
                    help="pause while the collector's receive queue holds more bytes")
    a = ap.parse_args()

    if a.wait_bound > 0:
        end = time.time() + a.wait_bound
        while udp_stats(a.port) is None:
            if time.time() > end:
                print("nf9send: nothing listens on UDP port %d" % a.port, file=sys.stderr)
                return 2
            time.sleep(0.02)
    st = udp_stats(a.port)
    drops0 = st[1] if st else 0
    out = open(a.csv, "w") if a.csv else None
    split = open(a.csv_split, "w") if a.csv_split else None
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.host, a.port))
    sent = 0
    for i, pkt in enumerate(packets(a.count, a.seed, out, a.quirks, split)):
        if i % 8 == 0:
            while True:
                st = udp_stats(a.port)
                if st is None or st[0] <= a.max_queue:
                    break
                time.sleep(0.0005)
        s.send(pkt)
        sent += 1
    if out:
        out.close()
    if split:
        split.close()
    # wait until the collector has taken every datagram off its socket
    end = time.time() + 30
    while True:
        st = udp_stats(a.port)
        if st is None or st[0] == 0 or time.time() > end:
            break
        time.sleep(0.005)
    if st is not None and st[1] > drops0:
        print("nf9send: the kernel dropped %d datagrams for port %d" %
              (st[1] - drops0, a.port), file=sys.stderr)
        return 3
    print("nf9send: %d flows in %d datagrams" % (a.count, sent), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
