#!/usr/bin/env bash
# A replayed command without -O (plot, series-plot, select: "." by
# default) writes into the session file's directory, not into the working
# directory the replay was started from (issue 17, item 2: a replay writes
# only inside its file's tree); series-plot without DIR reads there too.
# The working directory stays the default for typed commands, one-shot
# tools and `--replay -`.
source "$(dirname "$0")/lib.bash"
command -v gnuplot > /dev/null || { echo "SKIP: no gnuplot (gnuplot-nox)"; exit 77; }

S=$T/share
W=$T/work
mkdir -p "$S" "$W" "$T/outer"
gen_csv 300 5 > "$S/flows.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,30,30,3000\n2,3,10,20,10000\n4,5,5,20,9000\n' > "$S/h.csv"

# plot, series (with -O .) and series-plot, all without -O
cat > "$S/figs.fms" << 'EOF'
load flows.csv as d
plot h.csv --format svg
series d -O .
series-plot --format svg
EOF
(cd "$W" && "$FLOWMODELS" --replay "$S/figs.fms") > "$T/out" 2> "$T/err" || fail "replay: $(cat "$T/err")"
[ -z "$(ls -A "$W")" ] || fail "the replay wrote into the working directory: $(ls -A "$W")"
[ -s "$S/cdf.svg" ] && [ -s "$S/cdf.gp" ] || fail "plot: no cdf.svg in the session's directory: $(ls "$S")"
day=$(ls "$S" | sed -n 's/^\([0-9]*\)\.flows$/\1/p' | head -1)
[ -n "$day" ] || fail "series -O .: no DAY.flows in the session's directory"
[ -s "$S/$day.bits.svg" ] || fail "series-plot: no $day.bits.svg in the session's directory: $(ls "$S")"
# the record keeps what was typed: a saved file writes beside itself too
printf 'load flows.csv as d\nplot h.csv --format svg\nsave sub/again.fms\n' > "$S/save.fms"
(cd "$W" && "$FLOWMODELS" --replay "$S/save.fms") > /dev/null 2> "$T/err" || fail "save.fms: $(cat "$T/err")"
grep -q -- "-O" "$S/sub/again.fms" && fail "save added -O: $(cat "$S/sub/again.fms")"
(cd "$W" && "$FLOWMODELS" --replay "$S/sub/again.fms") > /dev/null 2> "$T/err" || fail "again.fms: $(cat "$T/err")"
[ -s "$S/sub/cdf.svg" ] || fail "the saved file's plot did not write beside it: $(ls "$S/sub")"
[ -z "$(ls -A "$W")" ] || fail "a replay wrote into the working directory: $(ls -A "$W")"

# select without -O
printf 'select h.csv --grid U=1 -i 3\n' > "$S/sel.fms"
(cd "$W" && "$FLOWMODELS" --replay "$S/sel.fms") > /dev/null 2> "$T/err" || fail "select: $(cat "$T/err")"
[ -s "$S/ranking.csv" ] && [ -z "$(ls -A "$W")" ] || fail "select wrote $(ls -A "$W") in the working directory"

# a nested file outside the outer file's tree: its default is refused
printf 'replay ../share/figs.fms\n' > "$T/outer/outer.fms"
if (cd "$W" && "$FLOWMODELS" --replay "$T/outer/outer.fms") > /dev/null 2> "$T/err"; then
	fail "nested replay outside the tree succeeded"
fi
grep -q "outer.fms:1: replay: .*figs.fms:2: plot: the default --output .: writes outside the session file's directory" "$T/err" ||
	fail "nested default: $(cat "$T/err")"

# --replay - and typed commands: the working directory, as before
printf 'plot %s/h.csv --format svg\n' "$S" | (cd "$W" && "$FLOWMODELS" --replay -) > /dev/null 2> "$T/err" ||
	fail "--replay -: $(cat "$T/err")"
[ -s "$W/cdf.svg" ] || fail "--replay -: plot did not write into the working directory"
echo "all checks passed"
