#!/usr/bin/env python3
"""A slow, plain implementation of the gof and compare statistics
(docs/commands/gof.md, docs/commands/compare.md), for differential tests
of flowmodels' C code.  Python standard library only: the distribution
functions are written out with math.erfc, math.lgamma and series /
continued fractions, independently of GSL.

  quality_oracle.py gof HIST.csv X MIXDIR_OR_JSON Y...   -> JSON like `gof --format json`
  quality_oracle.py compare A.csv B.csv Y...             -> JSON like `compare --format json`
  quality_oracle.py check GOT.json WANT.json [TOL]       -> exit 1 on a difference
  quality_oracle.py ratios A.csv B.csv RATIO.csv Y...    -> checks `compare -O` output
"""
import csv
import json
import math
import os
import sys


# ---- the regularised incomplete gamma function (P and Q) ----

def gamma_pq(a, x):
    """(P(a, x), Q(a, x)): series below a + 1, Lentz's continued fraction above."""
    if x <= 0:
        return 0.0, 1.0
    lg = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-17:
            n += 1
            term *= x / n
            total += term
        p = total * math.exp(lg)
        return p, 1.0 - p
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 1
    while True:
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        i += 1
        if abs(delta - 1) < 1e-17 or i > 100000:
            break
    q = math.exp(lg) * h
    return 1.0 - q, q


# ---- distributions, scipy.stats' parameters ----

def dist_cdf_sf(name, p, x):
    if name in ("uniform", "norm"):
        a, loc, scale = 0.0, p[0], p[1]
    else:
        a, loc, scale = p
    y = (x - loc) / scale
    if name == "uniform":
        f = min(max(y, 0.0), 1.0)
        return f, (1.0 if y <= 0 else 0.0 if y >= 1 else 1.0 - y)
    if name == "norm":
        return 0.5 * math.erfc(-y / math.sqrt(2)), 0.5 * math.erfc(y / math.sqrt(2))
    if y <= 0:
        return 0.0, 1.0
    if name == "lognorm":
        z = math.log(y) / a
        return 0.5 * math.erfc(-z / math.sqrt(2)), 0.5 * math.erfc(z / math.sqrt(2))
    if name == "genpareto":
        if a < 0 and y >= -1 / a:
            return 1.0, 0.0
        t = -y if a == 0 else -math.log1p(a * y) / a
        return -math.expm1(t), math.exp(t)
    if name == "gamma":
        return gamma_pq(a, y)
    if name == "weibull_min":
        return -math.expm1(-y ** a), math.exp(-y ** a)
    raise ValueError(name)


def mix_cdf_sf(mix, x):
    ws = sum(c[0] for c in mix)
    cdf = sf = 0.0
    for w, name, p in mix:
        f, s = dist_cdf_sf(name, p, x)
        cdf += w / ws * f
        sf += w / ws * s
    return cdf, sf


def free_params(mix):
    per = {"uniform": 0, "genpareto": 1}
    return len(mix) - 1 + sum(per.get(c[1], 2) for c in mix)


# ---- data ----

def read_hist(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    first = list(rows[0].keys())[0] if rows else "bin_lo"
    lo = [int(r[first]) for r in rows]
    hi = [int(r["bin_hi"]) for r in rows]
    return lo, hi, rows


def column(rows, y):
    return [float(int(r[y + "_sum"])) for r in rows]


# ---- gof ----

def below_above(mix, xmin, v):
    """P(X < v), P(X >= v) for X = max(trunc(D) + 1, xmin), D ~ mix."""
    if v <= xmin:
        return 0.0, 1.0
    return mix_cdf_sf(mix, v - 1.0)


def gof(lo, hi, w, mix, xmin):
    n_total = sum(w)
    k = free_params(mix)
    # fit's log-likelihood
    ll = 0.0
    for i in range(len(lo)):
        if w[i] == 0:
            continue
        a = 0.0 if i == 0 else lo[i] - 1.0
        fa, sa = mix_cdf_sf(mix, a)
        fb, sb = mix_cdf_sf(mix, hi[i] - 1.0)
        prob = sa - sb if fa > 0.5 else fb - fa
        ll += w[i] * math.log(prob) if prob > 0 else -math.inf
    # cells: (end or None for +inf, observed)
    cells = [(lo[0], 0.0)]
    for i in range(len(lo)):
        cells.append((hi[i], w[i]))
        if i + 1 < len(lo) and hi[i] < lo[i + 1]:
            cells.append((lo[i + 1], 0.0))
    cells.append((None, 0.0))
    H, S, C = [], [], []
    cum = 0.0
    for end, o in cells:
        cum += o
        C.append(cum)
        if end is None:
            H.append(1.0)
            S.append(0.0)
        else:
            b, a = below_above(mix, xmin, end)
            H.append(b)
            S.append(a)

    def diff(j):
        if H[j] <= 0.5:
            return C[j] / n_total - H[j]
        return S[j] - (n_total - C[j]) / n_total

    def prob(j):
        if j == 0:
            return H[0]
        return H[j] - H[j - 1] if H[j - 1] <= 0.5 else S[j - 1] - S[j]

    ks = max(abs(diff(j)) for j in range(len(cells)))
    ad = 0.0
    for j in range(len(cells) - 1):
        hs = H[j] * S[j]
        if hs > 0:
            ad += diff(j) ** 2 * 0.5 * (prob(j) + prob(j + 1)) / hs
        elif diff(j) != 0:
            ad = math.inf
    ad *= n_total
    # chi-square over groups of cells expecting >= 5
    groups = []
    go = ge = 0.0
    for j in range(len(cells)):
        go += cells[j][1]
        ge += n_total * prob(j)
        if ge >= 5:
            groups.append([go, ge])
            go = ge = 0.0
    if not groups:
        groups = [[go, ge]]
    elif go > 0 or ge > 0:
        groups[-1][0] += go
        groups[-1][1] += ge
    stat = 0.0
    for o, e in groups:
        stat += (o - e) ** 2 / e if e > 0 else (math.inf if o > 0 else 0.0)
    df = max(len(groups) - 1 - k, 0)
    p = gamma_pq(df / 2.0, stat / 2.0)[1] if df > 0 else None
    # tails
    tail = {}
    for q in ("0.9", "0.99", "0.999", "0.9999"):
        target = float(q) * n_total
        cum = 0.0
        i = 0
        while i + 1 < len(lo) and cum + w[i] < target:
            cum += w[i]
            i += 1
        tail[q] = below_above(mix, xmin, lo[i])[1] / ((n_total - cum) / n_total) - 1
    return {"n": int(n_total), "k": k, "log_likelihood": ll,
            "aic": 2 * k - 2 * ll, "bic": k * math.log(n_total) - 2 * ll,
            "ks": ks, "ad": ad, "chi2": {"stat": stat, "df": df, "p": p},
            "tail": tail}


# ---- compare ----

def union(a_lo, a_hi, b_lo, b_hi):
    bins = sorted(set(zip(a_lo, a_hi)) | set(zip(b_lo, b_hi)))
    for (l1, h1), (l2, h2) in zip(bins, bins[1:]):
        if l2 < h1:
            raise SystemExit("different bins")
    return bins


def compare_one(bins, a, b):
    ta, tb = sum(a.values()), sum(b.values())
    pa = [a.get(x, 0.0) / ta for x in bins]
    pb = [b.get(x, 0.0) / tb for x in bins]
    ks = wd = js = 0.0
    ca = cb = 0.0
    for i in range(len(bins)):
        ca += a.get(bins[i], 0.0)
        cb += b.get(bins[i], 0.0)
        d = abs(ca / ta - cb / tb)
        ks = max(ks, d)
        if i + 1 < len(bins):
            wd += d * (math.log10(bins[i + 1][0]) - math.log10(bins[i][0]))
        m = 0.5 * (pa[i] + pb[i])
        for p in (pa[i], pb[i]):
            if p > 0:
                js += 0.5 * p * math.log2(p / m)
    ratio = [(y / x if x > 0 else (math.inf if y > 0 else math.nan))
             for x, y in zip(pa, pb)]
    return {"ks": ks, "wasserstein_log10": wd, "js_divergence": js}, ratio


def compare(path_a, path_b, ys):
    a_lo, a_hi, ra = read_hist(path_a)
    b_lo, b_hi, rb = read_hist(path_b)
    bins = union(a_lo, a_hi, b_lo, b_hi)
    out, ratios = {}, {}
    for y in ys:
        a = dict(zip(zip(a_lo, a_hi), column(ra, y)))
        b = dict(zip(zip(b_lo, b_hi), column(rb, y)))
        out[y], ratios[y] = compare_one(bins, a, b)
    return out, bins, ratios


def finite_or_none(v):
    """Non-finite numbers as null, as flowmodels writes them."""
    if isinstance(v, dict):
        return {k: finite_or_none(x) for k, x in v.items()}
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


# ---- checking ----

def close(got, want, tol, where, errors):
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            errors.append("%s: keys %s, want %s" % (where, sorted(got) if isinstance(got, dict) else got, sorted(want)))
            return
        for key in want:
            close(got[key], want[key], tol, where + "." + key, errors)
        return
    if want is None or got is None:
        if want is not got:
            errors.append("%s: %r, want %r" % (where, got, want))
        return
    if isinstance(want, int) and not isinstance(got, int):
        errors.append("%s: %r is not an integer" % (where, got))
    if math.isinf(want) or math.isinf(got):
        if want != got:
            errors.append("%s: %r, want %r" % (where, got, want))
        return
    if abs(got - want) > tol * max(abs(got), abs(want)) + 1e-12:
        errors.append("%s: %r, want %r (relative %.3g)" % (
            where, got, want, abs(got - want) / max(abs(want), 1e-300)))


def main(argv):
    cmd = argv[1]
    if cmd == "gof":
        path, x, mix, ys = argv[2], argv[3], argv[4], argv[5:]
        lo, hi, rows = read_hist(path)
        xmin = 64 if x == "size" else 1
        out = {}
        for y in ys:
            f = os.path.join(mix, y + ".json") if os.path.isdir(mix) else mix
            m = json.load(open(f))
            out[y] = gof(lo, hi, column(rows, y), m["mix"] if isinstance(m, dict) else m, xmin)
        json.dump(finite_or_none(out), sys.stdout, indent=1)
        print()
    elif cmd == "compare":
        out, _, _ = compare(argv[2], argv[3], argv[4:])
        json.dump(finite_or_none(out), sys.stdout, indent=1)
        print()
    elif cmd == "ratios":
        _, bins, ratios = compare(argv[2], argv[3], argv[5:])
        with open(argv[4]) as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["bin_lo", "bin_hi"] + argv[5:], rows[0]
        assert len(rows) == len(bins) + 1, (len(rows), len(bins))
        errors = []
        for i, r in enumerate(rows[1:]):
            assert (int(r[0]), int(r[1])) == bins[i], (r, bins[i])
            for j, y in enumerate(argv[5:]):
                g, want = float(r[2 + j]), ratios[y][i]
                if math.isnan(want):
                    if not math.isnan(g):
                        errors.append("bin %d %s: %r, want nan" % (i, y, g))
                else:
                    close(g, want, 1e-12, "bin %d %s" % (i, y), errors)
        if errors:
            print("\n".join(errors[:20]), file=sys.stderr)
            return 1
    elif cmd == "check":
        got, want = json.load(open(argv[2])), json.load(open(argv[3]))
        tol = float(argv[4]) if len(argv) > 4 else 1e-9
        errors = []
        close(got, want, tol, "", errors)
        if errors:
            print("\n".join(errors[:20]), file=sys.stderr)
            return 1
    else:
        raise SystemExit("unknown command " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
