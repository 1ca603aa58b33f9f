#!/bin/bash
# Duration and rate histograms end to end (issue 20 item 5): hist from the
# nfcapd corpus, summary (x detected from the sums, the duration and rate
# rows), plot (a symlog x axis through 0: gnuplot's nonlinear axis, the
# .dat from 0), fit (from 0: uniform [-1, 1] holds exactly the flows of
# x = 0, finite quality figures), and plot with the fitted mixtures.
source "$(dirname "$0")/lib.bash"
D=${FM_SHARED_DATA:-}/nfcapd
[ -f "$D/v9-none.nfcapd" ] || { echo "nfcapd corpus absent: skipping"; exit 77; }

for x in duration rate; do
  "$FM" hist -q -x $x -b 6 -c $x "$D"/v*.nfcapd -O "$T/$x.csv" 2>/dev/null || bad "hist -x $x"
  expect_eq "$x: first bin" "$(sed -n 2p "$T/$x.csv" | cut -d, -f1,2)" "0,1"
  zero=$(awk -F, 'NR == 2 { print $3 }' "$T/$x.csv")
  total=$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$T/$x.csv")

  # summary: detected, its unit and the share of flows at 0
  "$FM" summary "$T/$x.csv" > "$T/$x.tex" || bad "summary $x"
  grep -q "Flows of $x up to" "$T/$x.tex" && ok || bad "summary: $x not detected"
  want=$(awk -v z="$zero" -v t="$total" 'BEGIN { printf "%.4f", 100 * z / t }')
  expect_eq "summary $x at 0" "$(grep -E '^0 & ' "$T/$x.tex" | cut -d' ' -f3)" "$want"

  # fit all three columns: the uniform [-1, 1] takes the flows at 0
  for y in flows packets octets; do
    "$FM" fit -q -y $y -i 80 -U 1 -P 1 -L 3 -O "$T/m$x" "$T/$x.csv" || bad "fit $x $y"
  done
  python3 - "$T/m$x/flows.json" "$zero" "$total" <<'PY' && ok || bad "fit $x: uniform"
import json, math, sys
m = json.load(open(sys.argv[1]))
w, d, p = m["mix"][0]
ws = sum(c[0] for c in m["mix"])
assert d == "uniform" and p == [-1, 1], p
share = int(sys.argv[2]) / int(sys.argv[3])
assert abs(w / ws - share) < 1e-3 * share, (w / ws, share)
assert math.isfinite(m["stats"]["log_likelihood"])
assert all(c[2][1] == -1 for c in m["mix"] if c[1] == "lognorm")
PY

  # plot, with and without the mixtures
  if command -v gnuplot > /dev/null; then
    "$FM" plot -q -O "$T/p$x" "$T/$x.csv" || bad "plot $x"
    grep -q '^set nonlinear x via sgn(x)\*log10(1+abs(x))' "$T/p$x/pdf-flows.gp" && ok || bad "plot $x: no symlog axis"
    grep -q "^set xtics ('0' 0, '1' 1, '10' 10" "$T/p$x/cdf.gp" && ok || bad "plot $x: symlog tics"
    label=$([ $x = duration ] && echo 'Flow duration \[ms\]' || echo 'Flow rate \[bit/s\]')
    grep -q "set xlabel '$label'" "$T/p$x/cdf.gp" && ok || bad "plot $x: x label"
    expect_eq "plot $x: points from 0" "$(awk '/^# points/ { getline; getline; print $1; exit }' "$T/p$x/pdf-flows.dat")" 0
    "$FM" plot -q -P comp -O "$T/pm$x" "$T/$x.csv" "$T/m$x" || bad "plot $x with mixtures"
    [ -s "$T/pm$x/pdf-flows.png" ] && ok || bad "plot $x: no png"
    grep -q "index 'model'" "$T/pm$x/pdf-flows.gp" && ok || bad "plot $x: no model"
  fi
done
# -x names the kind when the sums do not tell (no duration_sum column)
"$FM" hist -q -x duration -b 6 "$D"/v9-none.nfcapd -O "$T/dn.csv" 2>/dev/null
expect_fail "duration without its column" "give -x length, size, duration or rate" "$FM" summary "$T/dn.csv"
"$FM" summary -x duration "$T/dn.csv" | grep -q 'Flows of duration up to' && ok || bad "summary -x duration"
expect_fail "generate from a duration histogram" "generate draws flow lengths or sizes" \
  "$FM" generate -s 5 -o csv_flow -O "$T/g.csv" "$T/duration.csv"
finish
