#!/bin/bash
# gof: every statistic against the plain-Python oracle (quality_oracle.py)
# on hand-made histograms with all six distributions, on generated flows
# (where ks must shrink like 1/sqrt(N)) and on the shipped length.csv
# with its published mixtures; the formats; bad input.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "python3 absent: skipping"; exit 77; }
O="python3 $(dirname "$0")/quality_oracle.py"
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon

# agree HIST X MIX Y...: gof --format json equals the oracle to 1e-9
agree() {
  local h=$1 x=$2 m=$3; shift 3
  local ys=() y
  for y in "$@"; do ys+=(-y "$y"); done
  if ! "$FM" gof -q -x "$x" "${ys[@]}" --format json "$h" "$m" > "$T/got.json"; then
    bad "gof $h $m failed"; return
  fi
  $O gof "$h" "$x" "$m" "$@" > "$T/want.json"
  if $O check "$T/got.json" "$T/want.json" 1e-9; then ok; else bad "gof $h $m $* differs from the oracle"; fi
}

# --- hand-made: unit bins, a gap, wide bins; six distributions ---
{
  echo "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
  for x in $(seq 1 200); do
    f=$(( 50000 / (x * x) + (x % 7) + 1 ))
    echo "$x,$((x + 1)),$f,$((f * x)),$((f * x * 300 + x))"
  done
  echo "240,256,30,7000,2100000"
  echo "256,512,25,9000,2900000"
  echo "1024,2048,3,3500,1500000"
} > "$T/h.csv"
mkdir -p "$T/m"
echo '{"sum": 1, "mix": [[0.4, "uniform", [0, 1]], [0.3, "lognorm", [1.1, 0, 3.5]], [0.3, "genpareto", [0.8, 1, 2.5]]]}' > "$T/m/flows.json"
echo '[[0.5, "gamma", [0.7, 0, 40]], [0.5, "weibull_min", [0.6, 0, 30]]]' > "$T/m/packets.json"
echo '{"mix": [[0.7, "norm", [20, 15]], [0.3, "lognorm", [2.0, 0, 60]]]}' > "$T/m/octets.json"
agree "$T/h.csv" length "$T/m" flows packets octets
# one Y.json named by its file, and by -y
agree "$T/h.csv" length "$T/m/packets.json" packets
cp "$T/m/octets.json" "$T/any.json"
agree "$T/h.csv" length "$T/any.json" octets
# size data: x from 64, the clamp at 64 in the first bin
awk -F, 'NR == 1 { print; next } { $1 += 63; $2 += 63; print }' OFS=, "$T/h.csv" > "$T/s.csv"
agree "$T/s.csv" size "$T/m" flows octets

# data where the model has no mass: L = -inf and A^2 = inf are null
mkdir -p "$T/imp"
printf 'bin_lo,bin_hi,flows_sum\n1,2,5\n5,6,3\n' > "$T/imp.csv"
echo '[[1, "uniform", [0, 1]]]' > "$T/imp/flows.json"
agree "$T/imp.csv" length "$T/imp" flows
"$FM" gof -q --format json "$T/imp.csv" "$T/imp" | grep -q '"log_likelihood": null, "aic": null, "bic": null, "ks": 0.375, "ad": null' \
  && ok || bad "impossible data: $("$FM" gof -q --format json "$T/imp.csv" "$T/imp")"

# keys and types of the JSON
"$FM" gof -q --format json "$T/h.csv" "$T/m" > "$T/g.json"
python3 - "$T/g.json" <<'PY' && ok || bad "json layout"
import json, sys
g = json.load(open(sys.argv[1]))
assert list(g) == ["flows", "packets", "octets"], list(g)
for v in g.values():
    assert list(v) == ["n", "k", "log_likelihood", "aic", "bic", "ks", "ad", "chi2", "tail"], list(v)
    assert isinstance(v["n"], int) and isinstance(v["k"], int)
    assert list(v["chi2"]) == ["stat", "df", "p"] and isinstance(v["chi2"]["df"], int)
    assert list(v["tail"]) == ["0.9", "0.99", "0.999", "0.9999"]
assert g["flows"]["k"] == 2 + 2 + 1 and g["packets"]["k"] == 1 + 4
PY
# text and tex
"$FM" gof -q "$T/h.csv" "$T/m" > "$T/g.txt"
expect_eq "text header" "$(head -1 "$T/g.txt" | tr -s ' ')" "statistic flows packets octets"
grep -q '^tail_0.9999_x ' "$T/g.txt" && ok || bad "text tail rows"
"$FM" gof -q -y flows --format tex "$T/h.csv" "$T/m" > "$T/g.tex"
grep -q '^genpareto & c~\$0.8\$, loc~\$1\$, scale~\$2.5\$ & \$0.3\$ \\\\$' "$T/g.tex" && ok || bad "tex component row: $(cat "$T/g.tex")"
grep -q '^\$A^2\$ & & ' "$T/g.tex" && ok || bad "tex statistics rows"

# --- generated flows: ks ~ 1/sqrt(N), and the oracle on them ---
mkdir -p "$T/gm"
echo '{"sum": 1, "mix": [[0.3, "uniform", [0, 2]], [0.5, "lognorm", [1.0, 0, 6]], [0.2, "lognorm", [1.8, 0, 200]]]}' > "$T/gm/flows.json"
cp "$T/gm/flows.json" "$T/gm/packets.json"
cp "$T/gm/flows.json" "$T/gm/octets.json"
prev=1
for n in 1000 10000 100000; do
  "$FM" generate -q -s $n --seed 7 -o binary -O "$T/gen$n" "$T/gm" || bad "generate $n"
  "$FM" hist -q -i binary -x length -b 12 -O "$T/gen$n.csv" "$T/gen$n" || bad "hist $n"
  ks=$("$FM" gof -q -y flows --format json "$T/gen$n.csv" "$T/gm" |
       python3 -c 'import json,sys; print(json.load(sys.stdin)["flows"]["ks"])')
  # sqrt(N) ks follows Kolmogorov's law (binning only lowers it):
  # P(> 1.95) = 0.001; seeds are fixed, so this is deterministic
  python3 -c "import math,sys; k=$ks; s=k*math.sqrt($n); sys.exit(not (0.05 < s < 1.95 and k < $prev))" \
    && ok || bad "ks $ks for N = $n (sqrt(N) ks $(python3 -c "print($ks*$n**0.5)"), previous $prev)"
  prev=$ks
done
agree "$T/gen100000.csv" length "$T/gm" flows

# --- errors: one line, non-zero exit ---
expect_fail "y absent in the mixture" "no mixture for y 'packets': .*flows.json is the flows mixture" "$FM" gof -y packets "$T/h.csv" "$T/gm/flows.json"
rm "$T/gm/octets.json"
expect_fail "y absent in the mixture dir" "no mixture for y 'octets'" "$FM" gof -y octets "$T/h.csv" "$T/gm"
cut -d, -f1-4 "$T/h.csv" > "$T/h3.csv"
expect_fail "y absent in the histogram" "h3.csv:1: missing required column 'octets_sum'" "$FM" gof "$T/h3.csv" "$T/m"
expect_fail "unnamed mixture file" "cannot tell which y" "$FM" gof "$T/h.csv" "$T/any.json"
echo '{"in_file": "hist/size.csv", "y_value": "flows"}' > "$T/m/flows.mode"
expect_fail "mixture of other x" "a mixture of size data .* against .*h.csv, length data" "$FM" gof -y flows "$T/h.csv" "$T/m"
rm "$T/m/flows.mode"
expect_fail "size on length data" "first bin_lo is 1 < 64" "$FM" gof -x size "$T/h.csv" "$T/m"
expect_fail "bad -x" "expected length or size" "$FM" gof -x rate "$T/h.csv" "$T/m"
expect_fail "bad format" "expected text, json or tex" "$FM" gof --format xml "$T/h.csv" "$T/m"
expect_fail "bad -y" "expected flows, packets or octets" "$FM" gof -y duration "$T/h.csv" "$T/m"
expect_fail "missing mixture dir" "no flows.json, packets.json or octets.json" "$FM" gof "$T/h.csv" "$T"
mkdir -p "$T/bad"
echo '[[1, "pareto", [1, 2, 3]]]' > "$T/bad/flows.json"
expect_fail "bad mixture" "unknown distribution 'pareto'" "$FM" gof "$T/h.csv" "$T/bad"

# --- the shipped data and its published mixtures ---
if [ -d "$D/mixtures/all/length" ]; then
  agree "$D/histograms/all/length.csv" length "$D/mixtures/all/length" flows packets octets
  expect_fail "length mixture on size data" "a mixture of length data" "$FM" gof "$D/histograms/all/size.csv" "$D/mixtures/all/length"
else
  echo "reference data absent: shipped-data checks skipped"
fi
finish
