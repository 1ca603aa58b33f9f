#!/bin/bash
# compare: ks, Wasserstein-1 of log10(x), Jensen-Shannon divergence and
# the ratio file against the plain-Python oracle (quality_oracle.py), over
# bins present in one histogram only; the formats; bad input.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "python3 absent: skipping"; exit 77; }
O="python3 $(dirname "$0")/quality_oracle.py"
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon

agree() { # A B Y...: JSON and -O ratios equal the oracle's
  local a=$1 b=$2; shift 2
  local ys=() y
  for y in "$@"; do ys+=(-y "$y"); done
  rm -f "$T/r.csv"
  if ! "$FM" compare -q "${ys[@]}" --format json -O "$T/r.csv" "$a" "$b" > "$T/got.json"; then
    bad "compare $a $b failed"; return
  fi
  $O compare "$a" "$b" "$@" > "$T/want.json"
  if $O check "$T/got.json" "$T/want.json" 1e-9; then ok; else bad "compare $a $b differs from the oracle"; fi
  if $O ratios "$a" "$b" "$T/r.csv" "$@"; then ok; else bad "ratios of $a $b"; fi
}

{
  echo "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
  for x in $(seq 1 150); do echo "$x,$((x + 1)),$(( 9000 / x + 1 )),$(( 9000 + x )),$(( 400000 + x * 77 ))"; done
  echo "256,512,4,3000,900000"
} > "$T/a.csv"
{
  echo "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
  for x in $(seq 1 2 170); do echo "$x,$((x + 1)),$(( 7000 / x + 3 )),$(( 8000 + 3 * x )),$(( 300000 + x * 91 ))"; done
  echo "512,1024,2,3000,800000"
} > "$T/b.csv"
agree "$T/a.csv" "$T/b.csv" flows packets octets
agree "$T/b.csv" "$T/a.csv" packets
# the same histogram: all zero, ratios 1
"$FM" compare -q --format json -O "$T/self.csv" "$T/a.csv" "$T/a.csv" > "$T/self.json"
python3 - "$T/self.json" "$T/self.csv" <<'PY' && ok || bad "a histogram against itself"
import csv, json, sys
g = json.load(open(sys.argv[1]))
assert list(g) == ["flows", "packets", "octets"]
for v in g.values():
    assert v == {"ks": 0.0, "wasserstein_log10": 0.0, "js_divergence": 0.0}, v
rows = list(csv.reader(open(sys.argv[2])))
assert rows[0] == ["bin_lo", "bin_hi", "flows", "packets", "octets"]
assert all(r[2:] == ["1.0"] * 3 for r in rows[1:])
PY
# inf where A has no bin, nan where neither has weight (a zero column)
printf 'bin_lo,bin_hi,flows_sum\n1,2,3\n2,3,0\n' > "$T/z1.csv"
printf 'bin_lo,bin_hi,flows_sum\n1,2,1\n3,4,1\n' > "$T/z2.csv"
"$FM" compare -q -O "$T/z.csv" "$T/z1.csv" "$T/z2.csv" > /dev/null || bad "zero bins"
expect_eq "ratios" "$(tail -n +2 "$T/z.csv" | tr '\n' ' ')" "1,2,0.5 2,3,nan 3,4,inf "
"$FM" compare -q "$T/a.csv" "$T/b.csv" > "$T/c.txt"
expect_eq "text header" "$(head -1 "$T/c.txt" | tr -s ' ')" "y ks wasserstein_log10 js_divergence"
"$FM" compare -q --format tex -y flows "$T/a.csv" "$T/b.csv" | grep -q '^flows & \$0.' && ok || bad "tex row"

# record directories are binned on the fly (-b, default 12), as hist does
mkdir -p "$T/pm"
echo '{"sum": 1, "mix": [[0.4, "uniform", [0, 2]], [0.6, "lognorm", [1.2, 0, 40]]]}' > "$T/pm/flows.json"
cp "$T/pm/flows.json" "$T/pm/packets.json"
cp "$T/pm/flows.json" "$T/pm/octets.json"
for s in 1 2; do
  "$FM" generate -q -s 5000 --seed $s -o binary -O "$T/d$s" "$T/pm" || bad "generate"
  "$FM" hist -q -i binary -x length -b 12 -O "$T/d$s-12.csv" "$T/d$s" || bad "hist"
  "$FM" hist -q -i binary -x length -b 0 -O "$T/d$s-0.csv" "$T/d$s" || bad "hist"
done
"$FM" compare -q --format json "$T/d1-12.csv" "$T/d2-12.csv" > "$T/want.json"
"$FM" compare -q --format json "$T/d1" "$T/d2" > "$T/got.json" || bad "compare of directories"
cmp -s "$T/got.json" "$T/want.json" && ok || bad "directories binned on the fly"
"$FM" compare -q --format json -b 0 "$T/d1-0.csv" "$T/d2" > "$T/got.json" || bad "compare -b 0"
"$FM" compare -q --format json "$T/d1-0.csv" "$T/d2-0.csv" > "$T/want.json"
cmp -s "$T/got.json" "$T/want.json" && ok || bad "a histogram against a directory, -b 0"
expect_fail "bins of another -b" "different bins" "$FM" compare -b 4 "$T/d1-0.csv" "$T/d2"

# --- errors ---
printf 'bin_lo,bin_hi,flows_sum\n1,4,3\n' > "$T/w.csv"
expect_fail "different bins" "different bins: .*a.csv \[1, 2) against .*w.csv \[1, 4)" "$FM" compare "$T/a.csv" "$T/w.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n64,65,3,3,192\n' > "$T/s.csv"
expect_fail "different x" "a.csv is length data but .*s.csv is size data" "$FM" compare "$T/a.csv" "$T/s.csv"
expect_fail "y absent" "z1.csv:1: missing required column 'octets_sum'" "$FM" compare -y octets "$T/z1.csv" "$T/a.csv"
printf 'bin_lo,bin_hi,flows_sum\n1,2,0\n' > "$T/zero.csv"
expect_fail "zero column" "zero.csv: flows_sum is 0 in every bin" "$FM" compare "$T/zero.csv" "$T/z1.csv"
printf 'bin_lo,bin_hi,packets_sum\n1,2,5\n' > "$T/p.csv"
expect_fail "nothing in common" "no flows_sum, packets_sum or octets_sum column in common" "$FM" compare "$T/p.csv" "$T/z1.csv"
expect_fail "bad format" "expected text, json or tex" "$FM" compare --format csv "$T/a.csv" "$T/b.csv"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ ! -w "$T/ro" ]; then
  expect_fail "unwritable ratio file" "ro/r.csv" "$FM" compare -O "$T/ro/r.csv" "$T/a.csv" "$T/b.csv"
fi

# --- the shipped histogram against flows generated from its mixtures ---
if [ -d "$D/mixtures/all/length" ]; then
  "$FM" generate -q -s 200000 --seed 3 -o binary -O "$T/gen" "$D/mixtures/all/length" || bad "generate"
  "$FM" hist -q -i binary -x length -b 12 -O "$T/gen.csv" "$T/gen" || bad "hist"
  agree "$D/histograms/all/length.csv" "$T/gen.csv" flows packets octets
else
  echo "reference data absent: shipped-data checks skipped"
fi
finish
