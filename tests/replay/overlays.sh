# overlays.sh - the objects shown together (`show`, issue 20 item 1) are
# part of the session's chart state with the view and the axis settings:
# `save` writes the commands, and replaying the saved file restores the
# same state (`view` prints view, scales, ranges and the set; `export
# chart -O FILE.txt` writes the same text chart) - also
# after renames (the set holds the objects) and in a replay that starts
# with another set (a replay starts with none).  A refused `show` is not
# recorded.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir data mixes
gen_csv 400 11 > data/flows.csv
for y in flows packets octets; do
	printf '{"sum": 400, "mix": [[0.5, "uniform", [0, 1]], [0.5, "lognorm", [1.5, 0, 30.0]]]}\n' > mixes/$y.json
done
cat > s.fms <<'X'
load data/flows.csv as d1
hist d1 -x length -b 0 as h1
hist d1 -x length -b 3 as h2
hist d1 -x size -b 0 as hs
load mixes as m
show h1 h2 d1 m
set xrange 2:100
view cdf
set yrange 0.2:0.9
show h1 hs
rename h2 coarse
view
export chart -O chart.txt
save saved.fms
X
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt && fail "show h1 hs accepted"
grep -qx "s.fms:10: show: hs is a histogram of size, h1 of length: the objects shown together share one x axis" err.txt ||
	fail "show of two x: $(cat err.txt)"
# without the refused line the file replays; the set follows the rename
sed -i '/^show h1 hs$/d' s.fms
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt || { cat err.txt; fail "replay"; }
want="view cdf, xscale auto, yscale auto, xrange auto, yrange 0.2:0.9, show h1 coarse d1 m"
grep -qx "$want" out.txt || fail "state: $(grep '^view ' out.txt)"
grep -qx "show h1 h2 d1 m" saved.fms || fail "show not saved: $(cat saved.fms)"
grep -q "^show h1 hs" saved.fms && fail "a refused show was recorded"
# the chart drawn: two histograms, the binned dataset and the mixtures
cp chart.txt chart-first.txt
grep -q "coarse" chart-first.txt && grep -q "d1" chart-first.txt ||
	fail "export chart lacks the overlay: $(cat chart-first.txt)"
# the saved file restores the same state and the same chart (pdf-flows
# keeps its xrange)
printf 'replay saved.fms\nview\nexport chart -O again.txt\nview pdf-flows\nview\n' > r.fms
"$FLOWMODELS" --replay r.fms > out2.txt 2> err.txt || { cat err.txt; fail "replay saved"; }
cmp chart-first.txt again.txt || fail "the replayed chart differs: $(diff chart-first.txt again.txt)"
grep -qx "$want" out2.txt || fail "replayed state: $(grep '^view ' out2.txt)"
grep -qx "view pdf-flows, xscale auto, yscale auto, xrange 2:100, yrange auto, show h1 coarse d1 m" out2.txt ||
	fail "pdf-flows state: $(grep '^view ' out2.txt)"
# show alone clears the set, and is recorded
printf 'replay saved.fms\nshow\nview\nhistory\n' > c.fms
"$FLOWMODELS" --replay c.fms > out3.txt 2> err.txt || { cat err.txt; fail "show alone"; }
grep -qx "view cdf, xscale auto, yscale auto, xrange auto, yrange 0.2:0.9" out3.txt ||
	fail "show alone: $(grep '^view ' out3.txt)"
grep -Eq '^ +[0-9]+  show$' out3.txt || fail "show alone not recorded"
# the errors of what cannot be shown
refused() { # LINE MESSAGE
	printf 'load data/flows.csv as d1\nload mixes as m\nseries d1 as s1\n%s\n' "$1" > e.fms
	"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "'$1' accepted"
	[ "$(tail -n 1 err.txt)" = "e.fms:4: show: $2" ] || fail "'$1': $(tail -n 1 err.txt)"
}
refused "show d1 m" "d1 needs a histogram in the list (its records are binned with the first histogram's bins)"
refused "show s1 m" "s1 is a series: only histograms, datasets and mixture sets are drawn together"
refused "show m m" "m is named twice"
refused "show m nosuch" "unknown object 'nosuch' (objects: d1, m, s1)"
echo "all checks passed"
