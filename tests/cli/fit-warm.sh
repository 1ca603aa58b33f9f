#!/bin/bash
# fit --from MIXTURE: the warm start (docs/commands/fit.md).  A fit of a
# histogram run long enough to converge (400 iterations; 800 give the
# same mixture) is the start: a warm start from it on the same histogram
# stays on it (3 iterations, 1e-9), and on a histogram that changed a
# little (more flows in every 7th bin, as a live histogram changes) it
# reaches the new converged mixture in 40 iterations (1e-9) where a cold
# start from -U/-L counts is still far from it.  --from takes the Y.json,
# or the directory holding it (the column -y picks), or in a session the
# mixture set m1 (`fit h --from m1 as m1` replaces the set's mixture, and
# the record replays).  Errors: two starts, a directory without Y.json.
set -u
: "${FLOWMODELS:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/fit-warm.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
FM=$FLOWMODELS

# hist EXTRA: a length histogram; EXTRA more flows in every 7th bin
hist() {
	echo "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
	for x in $(seq 1 300); do
		f=$((100000 / (x * x) + (x == 1 ? 50000 : 0) + 1 + (x % 7 == 0 ? $1 : 0)))
		echo "$x,$((x + 1)),$f,$((f * x)),$((f * x * 500))"
	done
}
hist 0 >"$T/h.csv"
hist 40 >"$T/h2.csv"
# diff A B: the largest relative difference of weights and parameters
diff_mix() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p))["mix"] for p in sys.argv[1:3])
assert [c[1] for c in a] == [c[1] for c in b], "other components"
m = 0.0
for x, y in zip(a, b):
    for p, q in zip([x[0]] + x[2], [y[0]] + y[2]):
        m = max(m, abs(p - q) / max(abs(q), 1e-300))
print("%.3g" % m)
PY
}
# below X LIMIT: X < LIMIT (reals)
below() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }

"$FM" fit -q -i 400 -U 1 -L 2 -O "$T/c" "$T/h.csv" || fail "cold fit"
"$FM" fit -q -i 800 -U 1 -L 2 -O "$T/c800" "$T/h.csv" || fail "cold fit 800"
d=$(diff_mix "$T/c/flows.json" "$T/c800/flows.json")
below "$d" 1e-12 || fail "400 iterations have not converged ($d)"

# the same histogram: 3 iterations from the converged mixture stay on it
"$FM" fit -i 3 --from "$T/c/flows.json" -O "$T/w" "$T/h.csv" 2>"$T/err" || fail "--from: $(cat "$T/err")"
grep -q "3 iterations" "$T/err" || fail "summary: $(cat "$T/err")"
d=$(diff_mix "$T/w/flows.json" "$T/c/flows.json")
below "$d" 1e-9 || fail "warm start moved off the converged mixture ($d)"
grep -q "\"initial\": \"$T/c/flows.json\"" "$T/w/flows.mode" || fail "mode: $(cat "$T/w/flows.mode")"
echo "ok: a warm start from the converged mixture stays on it ($d)"

# a changed histogram: warm 40 iterations reach its converged mixture
"$FM" fit -q -i 400 -U 1 -L 2 -O "$T/c2" "$T/h2.csv" || fail "cold fit of h2"
"$FM" fit -q -i 40 --from "$T/c" -O "$T/w2" "$T/h2.csv" || fail "--from DIR"
"$FM" fit -q -i 40 -U 1 -L 2 -O "$T/k2" "$T/h2.csv" || fail "cold 40"
dw=$(diff_mix "$T/w2/flows.json" "$T/c2/flows.json")
dk=$(diff_mix "$T/k2/flows.json" "$T/c2/flows.json")
below "$dw" 1e-9 || fail "warm start on the changed histogram: $dw after 40 iterations"
below 1e-3 "$dk" || fail "a cold start converged as fast ($dk): the test proves nothing"
echo "ok: changed histogram: warm 40 iterations $dw from converged, cold $dk"

# a directory without the column's mixture; two starts
out=$("$FM" fit -y packets -i 3 --from "$T/c" -O "$T/x" "$T/h.csv" 2>&1) && fail "no packets.json: succeeded"
grep -q "no packets mixture" <<<"$out" || fail "message: $out"
out=$("$FM" fit -i 3 -U 1 --from "$T/c" -O "$T/x" "$T/h.csv" 2>&1) && fail "two starts: succeeded"
grep -q "give one start" <<<"$out" || fail "message: $out"
[ ! -e "$T/x" ] || fail "a refused fit left output"
echo "ok: errors"

# a session: the set m is re-fitted from itself; the record replays
cd "$T" || exit 1
cat >s1.fms <<'EOF'
load -i csv_hist h.csv as h
fit h -i 400 -U 1 -L 2 as m
export m -O m1
load -i csv_hist h2.csv as h
fit h -i 40 --from m as m
export m -O m2
save s2.fms
EOF
"$FM" --replay s1.fms >"$T/replay.out" 2>&1 || fail "session: $(cat "$T/replay.out")"
d=$(diff_mix m2/flows.json c2/flows.json)
below "$d" 1e-9 || fail "session warm start: $d"
grep -q '^fit h -i 40 --from m as m$' s2.fms || fail "record: $(grep '^fit' s2.fms)"
grep -q '"initial": "m"' m2/flows.mode || fail "mode: $(cat m2/flows.mode)"
rm -rf m1 m2
"$FM" --replay s2.fms >"$T/replay2.out" 2>&1 || fail "replay of the record: $(cat "$T/replay2.out")"
echo "ok: session: fit h --from m as m replaces the set's mixture and replays ($d)"
exit 0
