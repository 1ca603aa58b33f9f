#!/bin/bash
# fit: Y.json + Y.mode from the command line, agreement with the reference
# mixture (by value), --initial, quality figures, and errors leaving no
# output behind.
set -u
: "${FLOWMODELS:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/fit.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- self-contained ---
{
	echo "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
	for x in $(seq 1 300); do
		f=$(( 100000 / (x * x) + (x == 1 ? 50000 : 0) + 1 ))
		echo "$x,$((x + 1)),$f,$((f * x)),$((f * x * 500))"
	done
} > "$T/h.csv"
"$FLOWMODELS" fit -y flows -i 50 -U 1 -L 2 -O "$T/out/a" "$T/h.csv" 2> "$T/err" || fail "fit: $(cat "$T/err")"
[ -s "$T/out/a/flows.json" ] && [ -s "$T/out/a/flows.mode" ] || fail "outputs missing"
grep -q 'log-likelihood .*AIC .*BIC' "$T/err" || fail "quality line: $(cat "$T/err")"
[ "$(cat "$T/out/a/flows.mode")" = "{\"in_file\": \"$T/h.csv\", \"x_value\": \"length\", \"y_value\": \"flows\", \"max_iter\": 50, \"initial\": {\"U\": 1, \"L\": 2}, \"max_pareto_w\": null}" ] \
	|| fail "mode: $(cat "$T/out/a/flows.mode")"
python3 - "$T/out/a/flows.json" <<'PY' || fail "json"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["sum"] == sum(100000 // (x * x) + (50000 if x == 1 else 0) + 1 for x in range(1, 301))
assert [c[1] for c in m["mix"]] == ["uniform", "lognorm", "lognorm"]
assert m["mix"][0][2] == [0, 1] and isinstance(m["mix"][1][2][1], int)
assert abs(sum(c[0] for c in m["mix"]) - 1) < 1e-9
assert m["stats"]["k"] == 2 + 4 and m["stats"]["iterations"] == 50
assert m["stats"]["aic"] == 2 * 6 - 2 * m["stats"]["log_likelihood"]
PY
# --initial from the result (a bare list works too), --mpw recorded
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['mix']))" "$T/out/a/flows.json" > "$T/init.json"
"$FLOWMODELS" fit -q -y packets -i 5 --initial "$T/init.json" --mpw 0.25 -O "$T/out/b" "$T/h.csv" || fail "--initial"
grep -q "\"initial\": \"$T/init.json\", \"max_pareto_w\": 0.25}" "$T/out/b/packets.mode" || fail "mode of --initial"

# a gamma component recovers the gamma the histogram was made from (shape
# 3, scale 20; bins of width 1 hold the density at their middle, the fit
# sees bin_lo: a few per cent of bias), from a start far off
python3 - > "$T/g.csv" <<'PY'
import math
a, sc, n = 3.0, 20.0, 10**7
print("bin_lo,bin_hi,flows_sum,packets_sum,octets_sum")
for x in range(1, 801):
    y = (x + 0.5) / sc
    f = round(n * math.exp((a - 1) * math.log(y) - y - math.lgamma(a)) / sc)
    if f:
        print(f"{x},{x + 1},{f},{f * x},{f * x * 100}")
PY
echo '[[1, "gamma", [1.5, 0, 5]]]' > "$T/g-init.json"
"$FLOWMODELS" fit -q -y flows -i 200 --initial "$T/g-init.json" -O "$T/out/g" "$T/g.csv" || fail "gamma fit"
python3 - "$T/out/g/flows.json" <<'PY' || fail "gamma fit: $(cat "$T/out/g/flows.json")"
import json, sys
w, d, (a, loc, scale) = json.load(open(sys.argv[1]))["mix"][0]
assert d == "gamma" and loc == 0 and abs(w - 1) < 1e-9
assert abs(a - 3) < 0.15 and abs(scale - 20) < 1, (a, scale)
PY

# errors: one line, exit 1, nothing written
err_case() { # expected-message args...
	local want=$1
	shift
	rm -rf "$T/out/e"
	"$FLOWMODELS" fit -O "$T/out/e" "$@" > /dev/null 2> "$T/err" && fail "accepted: $*"
	grep -q -- "$want" "$T/err" || fail "message for $*: $(cat "$T/err")"
	[ ! -e "$T/out/e/flows.json" ] || fail "output left behind by $*"
}
err_case "no initial mixture" -i 5 "$T/h.csv"
err_case "give one start" -U 1 --initial "$T/init.json" "$T/h.csv"
err_case "genpareto location 0 <= 0" -P 1 "$T/h.csv"
err_case "expected flows, packets or octets" -y rate -U 1 "$T/h.csv"
cut -d, -f1-4 "$T/h.csv" > "$T/h2.csv"
err_case "h2.csv:1: missing required column 'octets_sum'" -y octets -U 1 "$T/h2.csv"
echo '[[1, "pareto", [1, 2, 3]]]' > "$T/bad.json"
err_case "unknown distribution 'pareto'" --initial "$T/bad.json" "$T/h.csv"
err_case "no such file\|cannot open" -U 1 "$T/none.csv"

# --- against the reference ---
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon
[ -d "$D/mixtures/all/length" ] || { echo "reference data absent: skipping the rest"; exit 77; }
for y in flows packets octets; do
	"$FLOWMODELS" fit -q -y $y -i 400 -U 6 -L 4 -O "$T/ref" "$D/histograms/all/length.csv" || fail "fit $y"
	python3 - "$T/ref/$y.json" "$D/mixtures/all/length/$y.json" <<'PY' || fail "$y differs from the reference"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["sum"] == b["sum"] and len(a["mix"]) == len(b["mix"])
worst = 0
for ca, cb in zip(a["mix"], b["mix"]):
    assert ca[1] == cb[1] and len(ca[2]) == len(cb[2])
    for u, v in [(ca[0], cb[0])] + list(zip(ca[2], cb[2])):
        assert type(u) == type(v), (u, v)
        worst = max(worst, abs(u - v) / abs(v) if v else abs(u))
assert worst < 1e-9, worst
print(sys.argv[2].split("/")[-1], "worst relative error", worst)
PY
done
echo ok
