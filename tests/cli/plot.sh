#!/bin/bash
# plot and series-plot: every figure rendered as PNG (valid header, size
# from IHDR) for a generated histogram and for the reference histogram
# with its mixtures (skipped when absent); data files checked numerically
# against values computed here with awk; re-running a kept script;
# formats; quoting of hostile titles and file names; errors (missing
# gnuplot, gnuplot failure, bad options) leave no partial output.
source "$(dirname "$0")/lib.bash"

command -v gnuplot >/dev/null || { echo "gnuplot not installed: skip"; exit 77; }

# png_size FILE -> "WxH" from the IHDR chunk, "bad" when not a PNG
png_size() {
  local h
  h=$(od -An -tx1 -N24 "$1" 2>/dev/null | tr -d ' \n')
  if [ "${h:0:16}" != "89504e470d0a1a0a" ] || [ "${h:24:8}" != "49484452" ]; then
    echo bad; return
  fi
  echo "$((16#${h:32:8}))x$((16#${h:40:8}))"
}
FIGS="cdf pdf-flows pdf-packets pdf-octets avg-packets avg-octets avg-packet_size"

# block FILE NAME: the rows of the named block of a data file
block() { awk -v n="# $2" '$0 == n {on = 1; next} on && /^#/ {next} on && NF == 0 {exit} on {print}' "$1"; }
# numeq WHAT GOT WANT: equal to 1e-9 relative
numeq() {
  if awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= 1e-9 * (m > 1 ? m : 1)) }'; then ok
  else bad "$1: got $2, want $3"; fi
}

# ---- a generated histogram (log-binned above 16) ----
awk 'BEGIN {
  print "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
  x = 1
  while (x < 5000) {
    w = x < 16 ? 1 : int(x / 16)
    f = int(100000 / (x * x)) + 1
    printf "%d,%d,%d,%d,%d\n", x, x + w, f, f * x, f * x * (60 + (x * 7) % 1400)
    x += w
  }
}' > "$T/gen.csv"
"$FM" plot -q -O "$T/gen" "$T/gen.csv" || bad "plot generated"
for f in $FIGS; do
  expect_eq "gen $f.png" "$(png_size "$T/gen/$f.png")" 1344x816
  [ -s "$T/gen/$f.gp" ] && [ -s "$T/gen/$f.dat" ] && ok || bad "gen $f: script or data missing"
done
[ ! -e "$T/gen/single.png" ] && ok || bad "single without --single"
expect_eq "no temporary directory left" "$(ls -A "$T/gen" | grep -c '^\.')" 0
# the data files, numerically: first point of pdf-flows = flows/total/width,
# packet size points = octets/packets per bin, cdf ends at 1
tot=$(awk -F, 'NR > 1 {s += $3} END {print s}' "$T/gen.csv")
f1=$(awk -F, 'NR == 2 {print $3}' "$T/gen.csv")
numeq "pdf-flows first point" "$(block "$T/gen/pdf-flows.dat" points | awk 'NR == 1 {print $2}')" \
  "$(awk -v a="$f1" -v t="$tot" 'BEGIN {printf "%.17g", a / t}')"
want=$(awk -F, 'NR > 1 {printf "%d %.17g\n", $1, $5 / $4}' "$T/gen.csv")
got=$(block "$T/gen/avg-packet_size.dat" points)
expect_eq "packet size points count" "$(wc -l <<<"$got")" "$(wc -l <<<"$want")"
bads=$(paste -d' ' <(echo "$got") <(echo "$want") | awk '{d = $2 - $4; if (d < 0) d = -d; if ($1 != $3 || d > 1e-9 * $4) n++} END {print n + 0}')
expect_eq "packet size points values" "$bads" 0
expect_eq "cdf line ends at 1" "$(block "$T/gen/cdf.dat" line | tail -1 | cut -d' ' -f2-)" "1 1 1"
# the normalised points: last bin divided by its own width, others by the
# distance to the next bin_lo
bads=$(paste -d' ' <(block "$T/gen/pdf-packets.dat" points) \
  <(awk -F, -v OFS=' ' 'NR > 1 {lo[NR] = $1; hi[NR] = $2; p[NR] = $4; t += $4; n = NR}
       END {for (i = 2; i <= n; i++) {d = (i < n ? lo[i + 1] : hi[i]) - lo[i]; printf "%.17g\n", p[i] / d / t}}' "$T/gen.csv") |
  awk '{d = $2 - $3; if (d < 0) d = -d; if (d > 1e-9 * $3) n++} END {print n + 0}')
expect_eq "normalised packets points" "$bads" 0
# grid: unique ascending integers from the first to the last bin_lo
g=$(block "$T/gen/cdf.dat" line | cut -d' ' -f1)
expect_eq "grid first" "$(head -1 <<<"$g")" 1
expect_eq "grid last" "$(tail -1 <<<"$g")" "$(tail -1 "$T/gen.csv" | cut -d, -f1)"
expect_eq "grid unique ascending" "$(sort -n -u <<<"$g" | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$g")"
# ... and geometrically spaced: 128 points from the first to the last
# bin_lo, equal steps of log10, each rounded half to even, repeats dropped
if command -v python3 >/dev/null; then
  want=$(python3 - "$(tail -1 "$T/gen.csv" | cut -d, -f1)" <<'PY'
import math, sys
a, b, n = 1.0, float(sys.argv[1]), 128
la, lb = math.log10(a), math.log10(b)
out = []
for i in range(n):
    g = a if i == 0 else b if i == n - 1 else 10.0 ** (la + i * (lb - la) / (n - 1))
    g = round(g)
    if not out or g != out[-1]:
        out.append(g)
print(" ".join(str(int(x)) for x in out))
PY
)
  expect_eq "grid geometric" "$(tr '\n' ' ' <<<"$g" | sed 's/ $//')" "$want"
fi
# the kept script re-creates its image
rm "$T/gen/pdf-flows.png"
(cd "$T/gen" && gnuplot pdf-flows.gp) && ok || bad "gnuplot pdf-flows.gp re-run"
expect_eq "re-run image" "$(png_size "$T/gen/pdf-flows.png")" 1344x816

# --single, --size, --no-normalize, modes without mixtures
"$FM" plot -q --single --size 640x400 --no-normalize -O "$T/small" "$T/gen.csv" || bad "plot --single"
expect_eq "single size" "$(png_size "$T/small/single.png")" 1280x800
expect_eq "small size" "$(png_size "$T/small/cdf.png")" 640x400
grep -q "log-binned" "$T/small/pdf-flows.gp" && ok || bad "--no-normalize label"
bads=$(paste -d' ' <(block "$T/small/pdf-flows.dat" points | cut -d' ' -f2) \
  <(awk -F, 'NR > 1 {f[NR] = $3; t += $3; n = NR} END {for (i = 2; i <= n; i++) printf "%.17g\n", f[i] / t}' "$T/gen.csv") |
  awk '{d = $1 - $2; if (d < 0) d = -d; if (d > 1e-9 * $2) n++} END {print n + 0}')
expect_eq "raw points" "$bads" 0

# formats
"$FM" plot -q --format svg -O "$T/svg" "$T/gen.csv" || bad "svg"
head -c 400 "$T/svg/cdf.svg" | grep -q "<svg" && ok || bad "svg content"
"$FM" plot -q --format pdf -O "$T/pdf" "$T/gen.csv" || bad "pdf"
expect_eq "pdf magic" "$(head -c 4 "$T/pdf/pdf-octets.pdf")" "%PDF"
"$FM" plot -q --format tex -O "$T/tex" "$T/gen.csv" || bad "tex"
grep -q 'includegraphics' "$T/tex/cdf.tex" && ok || bad "tex picture"
expect_eq "tex pdf part" "$(head -c 4 "$T/tex/cdf.pdf")" "%PDF"

# ---- hostile titles and file names: nothing is executed ----
evil=$'x"y\'z`touch PWNED1`system("touch PWNED2")@a\nset output "PWNED3"'
mkdir -p "$T/ev"
cp "$T/gen.csv" "$T/ev/h\"'\`touch PWNED4\`.csv"
(cd "$T/ev" && "$FM" plot -q --title "$evil" -O "o\"'\`touch PWNED5\`system('x')" "h\"'\`touch PWNED4\`.csv") || bad "plot with hostile names"
expect_eq "nothing executed" "$(find "$T" -name 'PWNED*' | wc -l)" 0
expect_eq "hostile dir image" "$(png_size "$T/ev/o\"'\`touch PWNED5\`system('x')/cdf.png")" 1344x816
grep -qF "set title 'x\"y''z\`touch PWNED1\`system(\"touch PWNED2\")@a set output \"PWNED3\"' noenhanced" \
  "$T/ev/o\"'\`touch PWNED5\`system('x')/cdf.gp" && ok || bad "title quoted in the script"

# ---- errors: one line, no partial output ----
expect_fail "missing gnuplot" "gnuplot not found" "$FM" plot -q --gnuplot "$T/nonexistent-gnuplot" -O "$T/e1" "$T/gen.csv"
expect_eq "no files after missing gnuplot" "$(ls -A "$T/e1" | wc -l)" 0
printf '#!/bin/sh\necho "\\"cdf.gp\\" line 3: unknown terminal type" >&2\nexit 1\n' > "$T/fakegp"
chmod +x "$T/fakegp"
expect_fail "gnuplot failure" 'gnuplot failed: "cdf.gp" line 3: unknown terminal type' \
  "$FM" plot -q --gnuplot "$T/fakegp" -O "$T/e2" "$T/gen.csv"
expect_eq "no files after gnuplot failure" "$(ls -A "$T/e2" | wc -l)" 0
FLOWMODELS_GNUPLOT="$T/fakegp" expect_fail "FLOWMODELS_GNUPLOT" "gnuplot failed" "$FM" plot -q -O "$T/e3" "$T/gen.csv"
expect_fail "bad format" "expected png, pdf, svg or tex" "$FM" plot --format gif "$T/gen.csv"
expect_fail "bad size" "size" "$FM" plot --size 10x "$T/gen.csv"
expect_fail "bad -P" "unknown mode 'bogus'" "$FM" plot -P bogus "$T/gen.csv"
expect_fail "points not a CDF mode" "unknown mode 'points'" "$FM" plot -C points "$T/gen.csv"
expect_fail "bad -x" "expected length, size, duration or rate" "$FM" plot -x time "$T/gen.csv"
expect_fail "missing histogram" "nothing.csv" "$FM" plot "$T/nothing.csv"
expect_fail "missing mixture dir" "flows.json" "$FM" plot "$T/gen.csv" "$T/nodir"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n5,6,1,1,1\n' > "$T/one.csv"
expect_fail "undetectable x" "-x" "$FM" plot -O "$T/e4" "$T/one.csv"
expect_fail "single x value" "single x value" "$FM" plot -x length -O "$T/e4" "$T/one.csv"

# ---- series-plot ----
mkdir -p "$T/ser"
awk 'BEGIN {for (i = 0; i < 86400; i++) print (i % 60 == 0 ? 60 : 0)}' > "$T/ser/16596.flows"
awk 'BEGIN {for (i = 0; i < 86400; i++) print i % 7}' > "$T/ser/16596.packets"
awk 'BEGIN {for (i = 0; i < 86400; i++) print 100}' > "$T/ser/16596.octets"
cp "$T/ser/16596.octets" "$T/ser/x'\`touch PWNED6\`.octets"
"$FM" series-plot -q -O "$T/serout" "$T/ser" || bad "series-plot"
for f in 16596.flows 16596.packets 16596.bits "x'\`touch PWNED6\`.bits"; do
  expect_eq "series $f" "$(png_size "$T/serout/$f.png")" 1344x816
done
expect_eq "series nothing executed" "$(find "$T" -name 'PWNED*' | wc -l)" 0
grep -q "2015-06-10 (day 16596)" "$T/serout/16596.flows.gp" && ok || bad "series date title"
# rolling 30-second mean: 60 flows every minute -> 2 per second over the
# windows that contain one start, 0 otherwise; second 0 has only itself
expect_eq "series first" "$(block "$T/serout/16596.flows.dat" rate | awk 'NR == 1 {print $2}')" 60
expect_eq "series at 29" "$(block "$T/serout/16596.flows.dat" rate | awk 'NR == 30 {print $2}')" 2
expect_eq "series at 30" "$(block "$T/serout/16596.flows.dat" rate | awk 'NR == 31 {print $2}')" 0
expect_eq "bits = 8 * octets" "$(block "$T/serout/16596.bits.dat" rate | awk 'NR == 500 {print $2}')" 800
"$FM" series-plot -q --gnuplot true --window 7 -O "$T/ser7" "$T/ser" || bad "series-plot --window"
expect_eq "window 7" "$(block "$T/ser7/16596.packets.dat" rate | awk 'NR == 100 {print $2}')" 3
expect_fail "series empty dir" "no csv_series files" "$FM" series-plot "$T/gen"
printf '1\nx\n' > "$T/bad.flows"; mkdir -p "$T/badser"; mv "$T/bad.flows" "$T/badser/"
expect_fail "series bad line" "bad.flows:2" "$FM" series-plot -O "$T/e5" "$T/badser"
expect_fail "series bad window" "window" "$FM" series-plot --window 0 "$T/ser"

# ---- the reference histogram with its mixtures ----
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon
if [ -f "$D/histograms/all/length.csv" ] && [ -f "$D/mixtures/all/length/flows.json" ]; then
  "$FM" plot -q --single -P comp -P comp_stack -P comp_labels -C comp -O "$T/ref" \
    "$D/histograms/all/length.csv" "$D/mixtures/all/length" || bad "plot reference"
  for f in $FIGS; do
    expect_eq "ref $f.png" "$(png_size "$T/ref/$f.png")" 1344x816
  done
  expect_eq "ref single.png" "$(png_size "$T/ref/single.png")" 2688x1632
  # first point: 2910706 one-packet flows of 6517484 (bin width 1)
  numeq "ref pdf-flows first point" "$(block "$T/ref/pdf-flows.dat" points | awk 'NR == 1 {print $2}')" \
    "$(awk 'BEGIN {printf "%.17g", 2910706 / 6517484}')"
  # the model line: mixture pdf at x = 1 is cdf(1) - cdf(0): the weights of
  # uniform [0,1] (all), [0,2] (half), [0,3] (a third) ... plus lognorm mass
  m1=$(block "$T/ref/pdf-flows.dat" model | awk 'NR == 1 {print $2}')
  awk -v m="$m1" 'BEGIN {exit !(m > 0.44 && m < 0.46)}' && ok || bad "ref model at 1: $m1"
  expect_eq "ref components" "$(block "$T/ref/pdf-flows.dat" comp-flows | head -1 | wc -w)" 11
  grep -q "lognorm \[0.4936, 0, 7.38\]" "$T/ref/pdf-flows.gp" && ok || bad "component labels"
  # every column of the stack's top row is the model
  bads=$(paste -d' ' <(block "$T/ref/pdf-octets.dat" stack-octets | awk '{print $NF}') \
    <(block "$T/ref/pdf-octets.dat" model | cut -d' ' -f2) |
    awk '{d = $1 - $2; if (d < 0) d = -d; if (d > 1e-9 * $2 + 1e-300) n++} END {print n + 0}')
  expect_eq "stack top = model" "$bads" 0
  # min/avg/max guides: 64, octets/packets total, the largest bin average
  grep -q "label 'avg = 803.93'" "$T/ref/avg-packet_size.gp" && ok || bad "avg guide"
  grep -q "label 'min = 64.00'" "$T/ref/avg-packet_size.gp" && ok || bad "min guide"
else
  echo "reference data absent: reference checks skipped"
fi

finish
