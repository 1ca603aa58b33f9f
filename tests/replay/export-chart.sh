#!/usr/bin/env bash
# export chart in a replay (issue 20 item 4): a session with a view
# change, scales, ranges, overlays (show) and exports in every format,
# replayed twice in two directories, writes byte-identical files (PNG,
# SVG, PDF, TeX, text, scripts, data); the .txt is the 80x24 canvas by
# default; the .dat holds the chart data (the normalised PDF points
# recomputed here by awk from the csv_hist, every overlaid object's
# block, and the range the chart was set to); bad input gives one line
# naming the problem and writes nothing.
source "$(dirname "$0")/lib.bash"
command -v gnuplot > /dev/null || { echo "SKIP: no gnuplot (gnuplot-nox)"; exit 77; }

S=$T/s1
mkdir -p "$S"
gen_csv 2000 7 > "$S/flows.csv"
gen_csv 1500 9 > "$S/flows2.csv"
cat > "$S/chart.fms" << 'EOF2'
load flows.csv as d
load flows2.csv as d2
hist d -x length -b 0 as h
fit h -y flows -i 10 -U 0 -P 0 -L 2 as m
export chart h -O pdf.png
export h -O h.csv
view cdf
set xscale lin
set xrange 1:300
export chart -O out/cdf.png --size 800x500
export chart -O out/cdf.svg
export chart -O out/cdf.pdf
export chart -O out/cdf.tex
export chart -O out/cdf.txt
set charset ascii
export chart h -O out/cdf-ascii.txt --size 60x16
set charset braille
view pdf-flows
show h d2 m
export chart -O out/overlay.png
export chart -O out/overlay.txt --size 100x30
show
series d as s
view series
export chart -O out/series.txt
EOF2
cp -r "$S" "$T/s2"
for d in s1 s2; do
	(cd "$T" && "$FLOWMODELS" --replay "$d/chart.fms") > "$T/$d.out" 2> "$T/$d.err" ||
		fail "replay $d: $(cat "$T/$d.err")"
done
files="out/series.txt pdf.png pdf.gp pdf.dat out/overlay.png out/overlay.dat out/overlay.gp out/overlay.txt out/cdf.png out/cdf.gp out/cdf.dat out/cdf.svg out/cdf.pdf out/cdf.tex out/cdf.txt out/cdf-ascii.txt"
for f in $files; do
	[ -s "$S/$f" ] || fail "$f not written: $(ls -R "$S")"
	cmp -s "$S/$f" "$T/s2/$f" || fail "two replays differ in $f"
done
ls -a "$S" "$S/out" | grep -q flowmodels && fail "a temporary file was left: $(ls -a "$S" "$S/out")"
# the image sizes asked
python3 - "$S/out/cdf.png" 800 500 "$S/pdf.png" 1344 816 << 'PY' || fail "PNG sizes"
import struct, sys
a = sys.argv[1:]
for i in range(0, len(a), 3):
    d = open(a[i], 'rb').read(24)
    assert d[:8] == b'\x89PNG\r\n\x1a\n', a[i]
    assert struct.unpack('>II', d[16:24]) == (int(a[i + 1]), int(a[i + 2])), a[i]
PY
# the text charts: 80x24 (default) and 60x16, the CDF on a linear x
[ "$(wc -l < "$S/out/cdf.txt")" -eq 24 ] || fail "cdf.txt: $(wc -l < "$S/out/cdf.txt") rows, not 24"
python3 -c 'import sys; sys.exit(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) > 80)' \
	"$S/out/cdf.txt" || fail "cdf.txt wider than 80"
[ "$(wc -l < "$S/out/cdf-ascii.txt")" -eq 16 ] || fail "cdf-ascii.txt is not 16 rows"
grep -q "^CDF" "$S/out/cdf.txt" || fail "no y title: $(head -2 "$S/out/cdf.txt")"
grep -q "300" "$S/out/cdf.txt" || fail "the x range 1:300 is not on the text chart"
LC_ALL=C grep -q '[^ -~]' "$S/out/cdf-ascii.txt" && fail "ascii chart has non-ASCII"
# the figure's window is the range set; the scale linear
grep -q '^set xrange \[1:300\]' "$S/out/cdf.gp" || fail "xrange: $(grep xrange "$S/out/cdf.gp")"
grep -q '^set logscale x' "$S/out/cdf.gp" && fail "x is linear, not log"
grep -q "^set logscale x 10" "$S/pdf.gp" || fail "pdf-flows: log x"
# pdf.dat 'series 1: flows': the normalised points of the csv_hist
awk -F, 'BEGIN { n = 0 } NR > 1 { lo[n] = $1; hi[n] = $2; f[n] = $3; t += $3; n++ }
	END { for (k = 0; k < n; k++) { d = (k + 1 < n ? lo[k + 1] : hi[k]) - lo[k]; printf "%s %.9g\n", lo[k], f[k] / t / d } }' \
	"$S/h.csv" > "$T/points.want"
awk '/^# series 1:/ { on = 1; next } /^# / { next } /^$/ { if (on) exit } on { printf "%s %.9g\n", $1, $2 }' \
	"$S/pdf.dat" > "$T/points.got"
[ -s "$T/points.got" ] || fail "no block 'series 1' in pdf.dat: $(head -3 "$S/pdf.dat")"
cmp -s "$T/points.want" "$T/points.got" || fail "pdf.dat points differ: $(diff "$T/points.want" "$T/points.got" | head -4)"
grep -q "^# series 4: mixture m" "$S/pdf.dat" || grep -q "^# series [0-9]*: mixture m" "$S/pdf.dat" ||
	fail "no mixture block in pdf.dat"
# the overlay: h and d2 (binned with h's bins) each in the legend and the
# data file, the mixture over them; h's points are those of pdf.dat
for want in "# series 1: h" "# series 3: d2" "# series 4: d2 (from CDF)" "# series 7: mixture m"; do
	grep -qxF "$want" "$S/out/overlay.dat" || fail "overlay.dat: no '$want': $(grep '^# series' "$S/out/overlay.dat")"
done
awk '/^# series 1:/ { on = 1; next } /^# / { next } /^$/ { if (on) exit } on { printf "%s %.9g\n", $1, $2 }' \
	"$S/out/overlay.dat" | cmp -s - "$T/points.got" || fail "overlay.dat: h's points differ from pdf.dat's"
grep -q "● h" "$S/out/overlay.txt" && grep -q "d2" "$S/out/overlay.txt" || fail "overlay.txt legend: $(head -4 "$S/out/overlay.txt")"
[ "$(wc -l < "$S/out/overlay.txt")" -eq 30 ] || fail "overlay.txt is not 30 rows"
# the record: export chart as typed; the text size added where defaulted,
# and the object charted (the newest: m over h) where none was named
printf 'save again.fms\n' >> "$T/s2/chart.fms"
(cd "$T" && "$FLOWMODELS" --replay s2/chart.fms) > /dev/null 2>&1 || fail "replay with save"
grep -qx "export chart -O out/series.txt --size 80x24 --day 1 s" "$T/s2/again.fms" ||
	fail "record of the series: $(grep 'export chart' "$T/s2/again.fms")"
grep -q "Time of day" "$S/out/series.txt" || fail "series.txt: $(tail -2 "$S/out/series.txt")"
grep -qx "export chart -O out/cdf.txt --size 80x24 m" "$T/s2/again.fms" || fail "record: $(grep 'export chart' "$T/s2/again.fms")"

# bad input: one line, nothing written
bad_input() { # LINE MESSAGE
	printf 'load flows.csv as d\nhist d -x length -b 0 as h\n%s\n' "$1" > "$S/bad.fms"
	rm -rf "$S/b" && mkdir "$S/b"
	(cd "$T" && FLOWMODELS_GNUPLOT=${GP:-gnuplot} "$FLOWMODELS" --replay s1/bad.fms) > /dev/null 2> "$T/err" &&
		fail "$1: accepted"
	grep -v -e '^hist: ' -e '^series: ' "$T/err" > "$T/err1"
	[ "$(wc -l < "$T/err1")" -eq 1 ] || fail "$1: not one line: $(cat "$T/err1")"
	grep -qF -- "$2" "$T/err1" || fail "$1: $(cat "$T/err1")"
	[ -z "$(ls -A "$S/b")" ] || fail "$1: wrote $(ls -A "$S/b")"
}
bad_input "export chart -O b/c.jpg" "unknown extension (give FILE.png, .svg, .pdf, .tex or .txt)"
bad_input "export chart -O b/c" "unknown extension"
bad_input "export chart -O b/c.png --size big" "--size: expected WxH in pixels"
bad_input "export chart -O b/c.png --size 99x100" "--size: expected WxH in pixels"
bad_input "export chart -O b/c.txt --size 80x24x" "--size: expected WxH in columns x rows"
bad_input "export chart -O b/c.txt --size 11x24" "--size: expected WxH in columns x rows"
bad_input "export chart -O flows.csv/c.png" "flows.csv: not a directory"
bad_input "export chart -O flows.csv/c.txt" "flows.csv/c.txt: cannot create"
bad_input "export chart -o svg -O b/c.png" "-o does not apply"
bad_input "export chart nope -O b/c.png" "unknown object 'nope'"
bad_input "export chart d -O b/c.png" "no chart for this kind of object"
bad_input "export chart -O ../../c.png" "writes outside the session file's directory"
bad_input "$(printf 'show h d\nexport chart h -O b/c.png')" "the chart shows the \`show\` set"
bad_input "$(printf 'view series\nexport chart -O b/c.png')" "no time series"
bad_input "$(printf 'series d as s\nview series\nexport chart -O b/c.txt --day 2')" "chart: --day 2: s has 1 day"
bad_input "export chart -O b/c.txt --day 0" "--day: expected 1 or more, not 0"
bad_input "export h -O b/h.csv --day 1" "h: export takes one object (--day belongs to export chart)"
GP=false bad_input "export chart -O b/c.png" "gnuplot"
echo "all checks passed"
