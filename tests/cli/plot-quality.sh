#!/bin/bash
# plot --gof and plot --compare: the four figures as PNG with their .gp
# and .dat; the data against gof's and compare's own figures (the P-P
# curve's largest gap is gof's ks over the bin edges, the ratio panel is
# compare -O's file); errors leave nothing behind.
source "$(dirname "$0")/lib.bash"
command -v gnuplot > /dev/null || { echo "gnuplot not installed: skip"; exit 77; }
command -v python3 > /dev/null || { echo "python3 absent: skip"; exit 77; }

mkdir -p "$T/m"
echo '{"sum": 1, "mix": [[0.35, "uniform", [0, 1]], [0.65, "lognorm", [1.1, 0, 12]]]}' > "$T/m/flows.json"
cp "$T/m/flows.json" "$T/m/packets.json"
cp "$T/m/flows.json" "$T/m/octets.json"
for s in 1 2; do
  "$FM" generate -q -s 20000 --seed $s -o binary -O "$T/g$s" "$T/m" || bad "generate"
  "$FM" hist -q -i binary -x length -b 12 -O "$T/h$s.csv" "$T/g$s" || bad "hist"
done

"$FM" plot -q --gof -O "$T/pg" "$T/h1.csv" "$T/m" || bad "plot --gof"
for f in cdf gof-residual gof-pp; do
  [ -s "$T/pg/$f.png" ] && [ -s "$T/pg/$f.gp" ] && [ -s "$T/pg/$f.dat" ] && ok || bad "gof figure $f"
done
"$FM" gof -q --format json "$T/h1.csv" "$T/m" > "$T/gof.json" || bad "gof"
python3 - "$T/pg/gof-pp.dat" "$T/gof.json" "$T/h1.csv" <<'PY' && ok || bad "P-P data against gof's ks"
import json, sys
blocks, cur = {}, None
for line in open(sys.argv[1]):
    if line.startswith("#"):
        name = line[1:].strip()
        if name in ("flows", "packets", "octets"):
            cur = blocks.setdefault(name, [])
        continue
    if line.strip() and cur is not None:
        cur.append([float(v) for v in line.split()])
g = json.load(open(sys.argv[2]))
nbins = sum(1 for _ in open(sys.argv[3])) - 1
for y, rows in blocks.items():
    assert len(rows) == nbins, (y, len(rows))
    assert abs(rows[-1][1] - 1) < 1e-12
    gap = max(abs(m - d) for m, d, _ in rows)
    # gof's ks also looks at the lower edge of the first bin and the gaps
    assert gap <= g[y]["ks"] + 1e-9 and gap > 0.5 * g[y]["ks"], (y, gap, g[y]["ks"])
assert sorted(blocks) == ["flows", "octets", "packets"]
PY

"$FM" plot -q --compare -O "$T/pc" "$T/h1.csv" "$T/h2.csv" || bad "plot --compare"
for f in compare-cdf compare-ratio; do
  [ -s "$T/pc/$f.png" ] && [ -s "$T/pc/$f.gp" ] && [ -s "$T/pc/$f.dat" ] && ok || bad "compare figure $f"
done
[ ! -e "$T/pc/cdf.png" ] && ok || bad "--compare drew the histogram figures too"
"$FM" compare -q -y flows -O "$T/r.csv" "$T/h1.csv" "$T/h2.csv" > /dev/null || bad "compare"
python3 - "$T/pc/compare-ratio.dat" "$T/r.csv" <<'PY' && ok || bad "ratio panel against compare -O"
import csv, math, sys
rows, on = [], False
for line in open(sys.argv[1]):
    if line.startswith("# "):
        on = line.strip() == "# flows" if line[2:].strip() in ("flows", "packets", "octets") else on
        continue
    if on and line.strip():
        rows.append(line.split())
want = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(want)
for got, w in zip(rows, want):
    assert int(got[0]) == int(w["bin_lo"])
    a, b = float(got[1]), float(w["flows"])
    # not finite (no share in A): NaN, not drawn
    assert (math.isnan(a) and not math.isfinite(b)) or a == b or abs(a - b) <= 1e-11 * abs(b), (got, w)
PY

# errors
expect_fail "--gof without mixtures" "needs a second argument" "$FM" plot --gof -O "$T/e" "$T/h1.csv"
expect_fail "both" "not both" "$FM" plot --gof --compare -O "$T/e" "$T/h1.csv" "$T/m"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,5,3,3,300\n' > "$T/w.csv"
expect_fail "different bins" "different bins" "$FM" plot --compare -O "$T/e" "$T/h1.csv" "$T/w.csv"
[ -z "$(ls -A "$T/e" 2>/dev/null)" ] && ok || bad "files left by failed plots: $(ls -A "$T/e")"
finish
