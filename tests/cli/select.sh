#!/bin/bash
# select: finds the structure of a planted mixture (flows generated from
# U=1, L=2), ranks by the criterion with the documented ties, lists the
# structures that cannot be fitted, gives the same output for every
# thread count, writes a winner that gof and fit --initial accept, and
# rejects bad grids with one-line errors.
source "$(dirname "$0")/lib.bash"

mkdir -p "$T/pm"
echo '{"sum": 1, "mix": [[0.3, "uniform", [0, 1]], [0.45, "lognorm", [0.5, 0, 30]], [0.25, "lognorm", [1.0, 0, 1000]]]}' > "$T/pm/flows.json"
cp "$T/pm/flows.json" "$T/pm/packets.json"
cp "$T/pm/flows.json" "$T/pm/octets.json"
"$FM" generate -q -s 100000 --seed 11 -o binary -O "$T/gen" "$T/pm" || bad "generate"
"$FM" hist -q -i binary -x length -b 12 -O "$T/h.csv" "$T/gen" || bad "hist"

"$FM" select -q --grid 'U=0..3,L=1..3,P=0..1' -i 150 --threads 1 -O "$T/s1" "$T/h.csv" 2> "$T/err1" || bad "select: $(cat "$T/err1")"
expect_eq "winner" "$(sed -n 2p "$T/s1/ranking.csv" | cut -d, -f1-4)" "1,2,0,6"
expect_eq "header" "$(head -1 "$T/s1/ranking.csv")" "U,L,P,k,log_likelihood,aic,bic,ks,iterations,seconds"
# 4 x 3 x 2 structures; P >= 1 with U = 0 cannot be fitted on length data
expect_eq "ranked rows" "$(($(wc -l < "$T/s1/ranking.csv") - 1))" 21
expect_eq "skipped" "$(tail -n +2 "$T/s1/skipped.csv" | cut -d, -f1-3 | tr '\n' ' ')" "0,1,1 0,2,1 0,3,1 "
grep -q '^0,1,1,"a Pareto at location 0 <= 0: P >= 1 needs U >= 1 here"$' "$T/s1/skipped.csv" && ok || bad "reason: $(cat "$T/s1/skipped.csv")"
expect_eq "skips on stderr" "$(grep -c 'skipped U=0 L=. P=1' "$T/err1")" 3
python3 - "$T/s1/ranking.csv" <<'PY' && ok || bad "ranking order"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
key = [(float(r["bic"]), int(r["k"]), int(r["U"]), int(r["L"]), int(r["P"])) for r in rows]
assert key == sorted(key), key
assert all(r["iterations"] == "150" for r in rows)
for r in rows:
    k, ll = int(r["k"]), float(r["log_likelihood"])
    assert float(r["aic"]) == 2 * k - 2 * ll
PY
# the winner is a fit result: same as fit -U 1 -L 2 with the same iterations
"$FM" fit -q -i 150 -U 1 -L 2 -O "$T/fit" "$T/h.csv" || bad "fit"
if cmp -s "$T/fit/flows.json" "$T/s1/flows.json"; then ok; else bad "winner differs from fit's"; fi
expect_eq "mode" "$(sed 's/"in_file": "[^"]*"/IN/' "$T/s1/flows.mode")" \
  '{IN, "x_value": "length", "y_value": "flows", "max_iter": 150, "initial": {"U": 1, "L": 2}, "max_pareto_w": null}'
"$FM" gof -q -y flows "$T/h.csv" "$T/s1" > /dev/null && ok || bad "gof of the winner"

# determinism across thread counts (all but the seconds column)
for n in 2 5; do
  "$FM" select -q --grid 'U=0..3,L=1..3,P=0..1' -i 150 --threads $n -O "$T/s$n" "$T/h.csv" 2> /dev/null || bad "threads $n"
  if cmp -s <(cut -d, -f1-9 "$T/s1/ranking.csv") <(cut -d, -f1-9 "$T/s$n/ranking.csv") &&
     cmp -s "$T/s1/flows.json" "$T/s$n/flows.json" && cmp -s "$T/s1/skipped.csv" "$T/s$n/skipped.csv"; then
    ok
  else
    bad "--threads $n gives another result"
  fi
done
# other criteria
"$FM" select -q --grid 'U=1,L=1..3' -i 50 --criterion ks -O "$T/ks" "$T/h.csv" || bad "ks"
python3 - "$T/ks/ranking.csv" <<'PY' && ok || bad "ks order"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
v = [float(r["ks"]) for r in rows]
assert v == sorted(v) and len(v) == 3
PY
"$FM" select -q --grid 'L=2..3,U=1' -i 20 --criterion aic -y packets -O "$T/aic" "$T/h.csv" || bad "aic"
[ -s "$T/aic/packets.json" ] && [ -s "$T/aic/packets.mode" ] && ok || bad "packets outputs"

# bad input
expect_fail "no grid" "--grid is required" "$FM" select -O "$T/e" "$T/h.csv"
expect_fail "empty grid" "empty grid" "$FM" select --grid '' -O "$T/e" "$T/h.csv"
expect_fail "empty range" "'U=3..1': empty range" "$FM" select --grid 'U=3..1,L=1' -O "$T/e" "$T/h.csv"
expect_fail "unknown letter" "'Q=1': expected U=, L= or P=" "$FM" select --grid 'U=1,Q=1' -O "$T/e" "$T/h.csv"
expect_fail "twice" "U given twice" "$FM" select --grid 'U=1,U=2' -O "$T/e" "$T/h.csv"
expect_fail "not a count" "'L=a': expected a count" "$FM" select --grid 'L=a' -O "$T/e" "$T/h.csv"
expect_fail "bad range" "'L=1...3': expected a count" "$FM" select --grid 'L=1...3' -O "$T/e" "$T/h.csv"
expect_fail "not a range" "'L=1.5': expected a count or a range a..b" "$FM" select --grid 'L=1.5' -O "$T/e" "$T/h.csv"
expect_fail "too large" "counts go from 0 to 100" "$FM" select --grid 'L=1..1000' -O "$T/e" "$T/h.csv"
expect_fail "trailing comma" "trailing ','" "$FM" select --grid 'L=1,' -O "$T/e" "$T/h.csv"
expect_fail "nothing fits" "no structure of the grid can be fitted" "$FM" select --grid 'U=0,L=0,P=0..2' -O "$T/e" "$T/h.csv"
expect_fail "criterion" "expected bic, aic or ks" "$FM" select --grid 'L=1' --criterion mdl -O "$T/e" "$T/h.csv"
cut -d, -f1-3 "$T/h.csv" > "$T/h2.csv"
expect_fail "y absent" "h2.csv:1: missing required column 'octets_sum'" "$FM" select --grid 'L=1' -y octets -O "$T/e" "$T/h2.csv"
[ ! -e "$T/e" ] && ok || bad "output left behind by a failed select"
finish
