#!/usr/bin/python3
"""Oracle for test-chartdata: the chart numbers of the reference's figures
for histograms/all/length.csv with mixtures/all/length, computed with
numpy/scipy following the formulas of flow-models 2.2 (lib/plot.py,
lib/data.py, lib/mix.py) as SPEC section 7 describes them.

Run (Debian 12: python3-numpy 1.24, python3-scipy 1.10):
    /usr/bin/python3 make-golden.py DATA/agh_2015061019_IPv4_anon > length-lines.txt

Output: one row per grid point: x, then for flows, packets, octets the
data CDF line, the data PDF line, the mixture CDF and the mixture PDF;
then the avg lines (packets, octets, packet size) from the data and from
the mixtures.  17 significant digits.
"""
import json
import sys

import numpy as np
import scipy.interpolate
import scipy.stats

base = sys.argv[1]
rows = np.loadtxt(f'{base}/histograms/all/length.csv', delimiter=',', skiprows=1, dtype=np.int64)
lo = rows[:, 0]
cols = {'flows': rows[:, 2], 'packets': rows[:, 3], 'octets': rows[:, 4]}
mix = {w: json.load(open(f'{base}/mixtures/all/length/{w}.json')) for w in cols}

idx = np.unique(np.rint(np.geomspace(lo.min(), lo.max(), 128)).astype(np.int64))


def data_cdf(w):
    c = np.cumsum(cols[w]) / cols[w].sum()
    return scipy.interpolate.interp1d(lo, c, 'linear', bounds_error=False)(idx)


def data_pdf(w):
    c = data_cdf(w)
    return np.hstack((c[0], np.diff(c) / np.diff(idx)))


def mix_cdf(m, x):
    ws = np.array([c[0] for c in m['mix']])
    ws = ws / ws.sum()
    return sum(ws[k] * getattr(scipy.stats, d).cdf(x, *a) for k, (_, d, a) in enumerate(m['mix']))


def mix_pdf(m, x):
    ws = np.array([c[0] for c in m['mix']])
    ws = ws / ws.sum()
    x = np.asarray(x, dtype=float)
    out = np.zeros(len(x))
    small = x < 1024
    prev = x[small] - 1.0
    prev[x[small] == 1] = 0.0
    for k, (_, d, a) in enumerate(m['mix']):
        dist = getattr(scipy.stats, d)
        out[small] += ws[k] * (dist.cdf(x[small], *a) - dist.cdf(prev, *a))
        out[~small] += ws[k] * dist.pdf(x[~small], *a)
    return out


out = [idx.astype(float)]
for w in cols:
    out += [data_cdf(w), data_pdf(w), mix_cdf(mix[w], idx), mix_pdf(mix[w], idx)]
tot = {w: cols[w].sum() for w in cols}
pdf = {w: data_pdf(w) for w in cols}
mp = {w: mix_pdf(mix[w], idx) for w in cols}
for w in ['packets', 'octets']:
    out.append(tot[w] / tot['flows'] * pdf[w] / pdf['flows'])
out.append(tot['octets'] / tot['packets'] * pdf['octets'] / pdf['packets'])
for w in ['packets', 'octets']:
    out.append(mix[w]['sum'] / mix['flows']['sum'] * mp[w] / mp['flows'])
out.append(mix['octets']['sum'] / mix['packets']['sum'] * mp['octets'] / mp['packets'])

print('# x, (data cdf, data pdf, mix cdf, mix pdf) x (flows packets octets), '
      'avg packets/octets/packet size from data, then from mixtures')
for r in np.array(out).T:
    print(' '.join(repr(float(v)) for v in r))
