#!/usr/bin/env bash
# A session file is data, not code (issue 17, items 1 and 2): it cannot
# run a program (plot/series-plot --gnuplot is refused in sessions and
# never saved), and a replay writes only inside the file's directory
# tree unless --allow-outside is given (zip-slip protection: absolute
# paths, .. and symlinks leading out are refused with FILE:LINE).
source "$(dirname "$0")/lib.bash"

S=$T/share
mkdir -p "$S/sub" "$T/elsewhere"
gen_csv 50 7 > "$S/flows.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,3,3,300\n2,3,1,2,1000\n' > "$S/h.csv"
# an executable shipped beside the session file
printf '#!/bin/sh\ntouch "%s/PWNED"\nexit 0\n' "$T" > "$S/evil"
chmod +x "$S/evil"

# expect_refused NAME PATTERN: replay $S/NAME.fms fails with PATTERN
expect_refused() {
	if "$FLOWMODELS" --replay "$S/$1.fms" > "$T/out" 2> "$T/err"; then
		fail "$1: replay succeeded: $(cat "$T/out")"
	fi
	grep -q -- "$2" "$T/err" || fail "$1: stderr lacks '$2': $(cat "$T/err")"
}

# ---- 1. no program runs ----
printf 'plot h.csv --gnuplot ./evil -O figs\n' > "$S/gp.fms"
expect_refused gp "gp.fms:1: plot: --gnuplot names a program to run"
grep -q "FLOWMODELS_GNUPLOT" "$T/err" || fail "no pointer to FLOWMODELS_GNUPLOT: $(cat "$T/err")"
printf 'series-plot sub --gnuplot %s/evil -O figs\n' "$S" > "$S/sgp.fms"
expect_refused sgp "sgp.fms:1: series-plot: --gnuplot names a program to run"
[ -e "$T/PWNED" ] && fail "the program beside the session file ran"
# replay from the prompt's command (replay FILE) refuses it the same way
printf 'replay gp.fms\n' > "$S/outer.fms"
expect_refused outer "outer.fms:1: replay: .*gp.fms:1: plot: --gnuplot names a program"
[ -e "$T/PWNED" ] && fail "the program ran through a nested replay"
# the one-shot command line keeps the option
"$FLOWMODELS" plot -q --gnuplot "$S/evil" -O "$T/figs" "$S/h.csv" > /dev/null 2>&1 || true
[ -e "$T/PWNED" ] || fail "one-shot plot --gnuplot did not run the program it was given"
rm -f "$T/PWNED"

# ---- 2. outputs stay in the file's tree ----
printf 'load flows.csv as d\nconvert d -o csv_flow -O %s/elsewhere/abs.csv\n' "$T" > "$S/abs.fms"
expect_refused abs "abs.fms:2: convert: --output $T/elsewhere/abs.csv: writes outside the session file's directory"
grep -q -- "--allow-outside" "$T/err" || fail "no pointer to --allow-outside: $(cat "$T/err")"
printf 'load flows.csv as d\nconvert d -o csv_flow -O ../elsewhere/up.csv\n' > "$S/up.fms"
expect_refused up "up.fms:2: convert: --output ../elsewhere/up.csv: writes outside"
# a symlink shipped beside the file that leads out
ln -s "$T/elsewhere" "$S/link"
printf 'load flows.csv as d\nexport d -o csv_flow -O link/via-link.csv\n' > "$S/link.fms"
expect_refused link "link.fms:2: export: --output link/via-link.csv: writes outside"
# a dangling symlink (the write would follow it out)
ln -s "$T/elsewhere/new.csv" "$S/dangling.csv"
printf 'load flows.csv as d\nconvert d -o csv_flow -O dangling.csv\n' > "$S/dang.fms"
expect_refused dang "dang.fms:2: convert: --output dangling.csv: writes outside"
# ... climbing out below a directory that does not exist yet
printf 'load flows.csv as d\nconvert d -o csv_flow -O new/../../elsewhere/x.csv\n' > "$S/new.fms"
expect_refused new "new.fms:2: convert: --output new/../../elsewhere/x.csv: writes outside"
# sort -I and save
printf 'load flows.csv -i csv_flow as d\nsort d -k sp -O sorted -I ../elsewhere/idx\n' > "$S/idx.fms"
expect_refused idx "idx.fms:2: sort: --index-file ../elsewhere/idx: writes outside"
printf 'load flows.csv as d\nsave ../elsewhere/copy.fms\n' > "$S/save.fms"
expect_refused save "save.fms:2: save: file ../elsewhere/copy.fms: writes outside"
# nothing was written outside
[ -z "$(ls -A "$T/elsewhere")" ] || fail "files written outside: $(ls -A "$T/elsewhere")"
# a nested file cannot lift the restriction
printf 'replay --allow-outside up.fms\n' > "$S/lift.fms"
expect_refused lift "lift.fms:1: replay: .*--allow-outside inside a replayed file"

# inside the tree: accepted, also through ./ and sub/.. and a link inside
ln -s sub "$S/inlink"
printf 'load flows.csv as d\nconvert d -o csv_flow -O ./a.csv\nconvert d -o csv_flow -O sub/../b.csv\nexport d -o csv_flow -O inlink/c.csv\nsave sub/copy.fms\n' > "$S/ok.fms"
"$FLOWMODELS" --replay "$S/ok.fms" > "$T/out" 2> "$T/err" || fail "inside outputs refused: $(cat "$T/err")"
for f in a.csv b.csv sub/c.csv sub/copy.fms; do
	[ -s "$S/$f" ] || fail "$f not written"
done

# --allow-outside lets a trusted file write anywhere
"$FLOWMODELS" --replay --allow-outside "$S/up.fms" > /dev/null 2> "$T/err" ||
	fail "--replay --allow-outside refused: $(cat "$T/err")"
[ -s "$T/elsewhere/up.csv" ] || fail "--allow-outside: up.csv not written"
printf 'replay --allow-outside share/abs.fms\n' | (cd "$T" && "$FLOWMODELS" --replay --allow-outside -) > /dev/null 2> "$T/err" ||
	fail "replay --allow-outside under an unrestricted replay refused: $(cat "$T/err")"
[ -s "$T/elsewhere/abs.csv" ] || fail "replay --allow-outside: abs.csv not written"
# --replay -: the tree is the working directory
printf 'load share/flows.csv as d\nconvert d -o csv_flow -O share/d.csv\n' | (cd "$T" && "$FLOWMODELS" --replay -) > /dev/null 2> "$T/err" ||
	fail "--replay - inside the working directory refused: $(cat "$T/err")"
printf 'load flows.csv as d\nconvert d -o csv_flow -O ../out.csv\n' | (cd "$S" && "$FLOWMODELS" --replay -) > /dev/null 2> "$T/err" &&
	fail "--replay - wrote outside the working directory"
grep -q -- "-:2: convert: --output ../out.csv: writes outside" "$T/err" || fail "--replay - message: $(cat "$T/err")"

# typed commands are not restricted, but save warns about outputs outside
printf 'load %s/flows.csv as d\nconvert d -o csv_flow -O %s/elsewhere/typed.csv\nsave %s/typed.fms\n' "$S" "$T" "$S" > "$T/typed.fms"
"$FLOWMODELS" --replay --allow-outside "$T/typed.fms" > "$T/out" 2> "$T/err" || fail "typed session: $(cat "$T/err")"
grep -q "command 2 (convert) writes $T/elsewhere/typed.csv, outside $S: replaying the file will need --allow-outside" "$T/out" "$T/err" ||
	fail "save did not warn: $(cat "$T/out" "$T/err")"
grep -q -- "--gnuplot" "$S/typed.fms" && fail "save wrote --gnuplot"
echo "all checks passed"
