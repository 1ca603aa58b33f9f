#!/usr/bin/env python3
"""Pure-python3 oracle for `flowmodels hist` (SPEC 6), for tests and goldens.

    hist_ref.py gen N SEED            random csv_flow records (edge cases mixed in)
    hist_ref.py gen-series N SEED     records for series (fewer packets, flows
                                      crossing midnight, a negative duration)
    hist_ref.py series FILE.csv DIR   csv_series files of the records, as the
                                      reference's `series` computes them
    hist_ref.py hist [-x X] [-b B] [-c COL]... FILE.csv
                                      csv_hist of the records, as the reference's
                                      pure `hist` computes it (python ints, float
                                      rate = (8000 * octets) / duration summed in
                                      record order), except that rate is binned by
                                      floor(rate) (SPEC 9.5) and duration/rate x
                                      always use the real times.

Written for flowmodels from the formulas of SPEC 1 and 6; needs only python3.
"""
import math
import random
import sys


def gen(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        kind = rnd.random()
        first = 1433962800 + rnd.randrange(3600)
        first_ms = rnd.randrange(1000)
        if kind < 0.4:
            packets = 1
        elif kind < 0.8:
            packets = rnd.randrange(2, 40)
        elif kind < 0.97:
            packets = int(2 ** rnd.uniform(1, 24))
        else:
            packets = rnd.choice([0, 2 ** 32 + 7, 2 ** 40 + 1])
        size = rnd.randrange(40, 1500)
        octets = packets * size if packets else rnd.randrange(100)
        if rnd.random() < 0.01:
            # big values (sums stay below 2^64, rates below 2^64 bit/s)
            octets = rnd.choice([2 ** 50 + 3, 2 ** 48 + 11])
        dur = 0 if packets == 1 else int(2 ** rnd.uniform(0, 22))
        if rnd.random() < 0.02:
            dur = -rnd.randrange(1, 200000)     # last before first
        if 8000 * octets >= 2 ** 62 * max(1, abs(dur)) and packets != 1:
            dur = 10 ** 7       # keep |rate| below 2^62: csv_hist edges are 64-bit
        last_total = first * 1000 + first_ms + dur
        last, last_ms = divmod(last_total, 1000)
        if rnd.random() < 0.01:
            last, last_ms = first, first_ms     # zero duration, several packets
        aggs = rnd.choice([0, 1, 1, 1, 2, 3, 4000000000])
        rec = [2, rnd.choice([6, 17, 1]), rnd.randrange(4), rnd.randrange(4),
               0, 0, 0, rnd.randrange(2 ** 32), 0, 0, 0, rnd.randrange(2 ** 32),
               rnd.randrange(65536), rnd.randrange(65536),
               first, first_ms, last, last_ms, packets, octets, aggs]
        out.append(', '.join(str(v) for v in rec))
    return '\n'.join(out) + '\n'


def gen_series(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        first = 1433980800 - 600 + rnd.randrange(1200)   # around a midnight
        first_ms = rnd.randrange(1000)
        packets = rnd.choice([0, 1, 1, 1, 2, 3, 5, 17, rnd.randrange(1, 3000)])
        octets = packets * rnd.randrange(40, 1500) if packets else 0
        if packets > 1 and rnd.random() < 0.1:
            octets += rnd.randrange(packets)                 # uneven sizes
        dur = rnd.choice([0, 1, 999, rnd.randrange(600000), rnd.randrange(3 * 86400000)])
        if rnd.random() < 0.02:
            dur = -rnd.randrange(1, 5000)
        last, last_ms = divmod(first * 1000 + first_ms + dur, 1000)
        rec = [2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2,
               first, first_ms, last, last_ms, packets, octets, 1]
        out.append(', '.join(str(v) for v in rec))
    return '\n'.join(out) + '\n'


def series(path, outdir):
    import collections
    import os
    dd = collections.defaultdict(lambda: [[0, 0, 0] for _ in range(86400)])
    with open(path) as f:
        for line in f:
            v = [int(t) for t in line.split(',')]
            first, first_ms, last, last_ms, packets, octets = v[14:20]
            day, sec = first // 86400, first % 86400
            d = dd[day]
            d[sec][0] += 1
            if packets == 1:
                d[sec][1] += 1
                d[sec][2] += octets
                continue
            if packets == 0:     # the reference divides by zero here
                continue
            t = sec + first_ms / 1000
            duration = last - first + (last_ms - first_ms) / 1000
            step = duration / packets
            avg = octets / packets
            isz = int(avg)
            for n in range(packets):
                size = isz + int(octets - isz - avg * (packets - 1 - n))
                s = d[int(t)]
                s[1] += 1
                s[2] += size
                octets -= size
                t += step
                while t >= 86400.0:
                    day += 1
                    t -= 86400.0
                    d = dd[day]
            assert octets == 0
    os.makedirs(outdir, exist_ok=True)
    for day in dd:
        for k, ext in enumerate(['flows', 'packets', 'octets']):
            with open(os.path.join(outdir, '%d.%s' % (day, ext)), 'w') as f:
                f.write(''.join('%d\n' % dd[day][s][k] for s in range(86400)))


def bin_of(x, b):
    if b == 0:
        return x, x + 1
    w = 1 << max(0, x.bit_length() - b)
    lo = (x // w) * w
    return lo, lo + w


def hist(path, xv, b, cols):
    bins = {}
    with open(path) as f:
        for line in f:
            v = [int(t) for t in line.split(',')]
            first, first_ms, last, last_ms, packets, octets, aggs = v[14:21]
            if packets == 0:
                continue    # not a flow: hist skips it
            duration = 0 if packets == 1 else (last - first) * 1000 + last_ms - first_ms
            rate = 0 if duration == 0 else (8000 * octets) / duration
            x = {'length': packets, 'size': octets, 'duration': duration,
                 'rate': math.floor(rate)}[xv]
            lo, hi = bin_of(x, b)
            if lo not in bins:
                bins[lo] = [lo, hi, 0, 0, 0, 0, 0, 0]
            e = bins[lo]
            e[2] += 1
            e[3] += packets
            e[4] += octets
            e[5] += duration
            e[6] += rate
            e[7] += aggs
    idx = {'duration': 5, 'rate': 6, 'aggs': 7}
    lines = [','.join(['bin_lo', 'bin_hi', 'flows_sum', 'packets_sum', 'octets_sum'] +
                      [c + '_sum' for c in cols])]
    for lo in sorted(bins):
        e = bins[lo]
        lines.append(','.join(str(int(t)) for t in e[:5] + [e[idx[c]] for c in cols]))
    return '\n'.join(lines) + '\n'


def main(argv):
    if argv[0] == 'gen':
        sys.stdout.write(gen(int(argv[1]), int(argv[2])))
        return
    if argv[0] == 'gen-series':
        sys.stdout.write(gen_series(int(argv[1]), int(argv[2])))
        return
    if argv[0] == 'series':
        series(argv[1], argv[2])
        return
    xv, b, cols, i = 'length', 0, [], 1
    while i < len(argv) - 1:
        if argv[i] == '-x':
            xv = argv[i + 1]
        elif argv[i] == '-b':
            b = int(argv[i + 1])
        elif argv[i] == '-c':
            cols.append(argv[i + 1])
        else:
            raise SystemExit('bad argument ' + argv[i])
        i += 2
    sys.stdout.write(hist(argv[-1], xv, b, cols))


if __name__ == '__main__':
    main(sys.argv[1:])
