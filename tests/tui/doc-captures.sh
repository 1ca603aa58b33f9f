#!/usr/bin/env bash
# tests/tools/doc-captures.sh is deterministic: two runs of its `screen`
# (data, commands, a duration in the messages) and `pager` scenarios
# give the same text, durations masked ("#.### s"), and the screens show
# what the scenarios are about.  (It does not check that the docs are up
# to date: run `tests/tools/doc-captures.sh --check` for that.)
source "$(dirname "$0")/lib.bash"
command -v perl >/dev/null 2>&1 || { echo "SKIP: no perl"; exit 77; }
S=$FM_SOURCE_DIR/tests/tools/doc-captures.sh
for run in a b; do
	FLOWMODELS=$FM FM_CAPTURES_DIR=$T/w bash "$S" --out "$T/$run" --no-doc screen pager \
		> "$T/$run.log" 2>&1 || bad "run $run: $(cat "$T/$run.log")"
done
for n in screen pager; do
	[ -s "$T/a/$n.txt" ] || bad "no $n capture"
	cmp -s "$T/a/$n.txt" "$T/b/$n.txt" || bad "$n differs between runs: $(diff "$T/a/$n.txt" "$T/b/$n.txt")"
done
grep -q "object: h1" "$T/a/screen.txt" || bad "screen: h1 not selected"
grep -qE "hist: 3000 records, [0-9]+ bins in #\.### s" "$T/a/screen.txt" || bad "screen: duration not masked: $(grep 'hist:' "$T/a/screen.txt")"
grep -qE "help fit: [0-9]+ lines" "$T/a/pager.txt" || bad "pager: not open"
[ "$(wc -l < "$T/a/pager.txt")" -eq 24 ] || bad "pager: not 24 rows"
finish
