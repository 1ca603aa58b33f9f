#!/bin/bash
# generate: determinism by seed from the command line, -s 0 + hist -b 0
# round trip (when hist exists), --full-records readable by convert, errors.
set -u
: "${FLOWMODELS:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/generate.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,50,50,3000\n2,3,30,60,90000\n5,6,7,35,7000\n' > "$T/h.csv"
"$FLOWMODELS" generate -q -s 1000 --seed 4 -O "$T/a.csv" "$T/h.csv" || fail "generate"
"$FLOWMODELS" generate -q -s 1000 --seed 4 > "$T/b.csv" "$T/h.csv" || fail "generate to stdout"
cmp -s "$T/a.csv" "$T/b.csv" || fail "same seed, different output"
"$FLOWMODELS" generate -q -s 1000 --seed 5 -O "$T/c.csv" "$T/h.csv" || fail "generate seed 5"
cmp -s "$T/a.csv" "$T/c.csv" && fail "different seeds, same output"
# seeds are 64-bit: 4 and 4 + 2^32 (and 2^63 - 1 and 2^63 - 1 - 2^32) differ
"$FLOWMODELS" generate -q -s 1000 --seed 4294967300 -O "$T/d.csv" "$T/h.csv" || fail "generate seed 2^32 + 4"
cmp -s "$T/a.csv" "$T/d.csv" && fail "seeds 2^32 apart give the same output"
"$FLOWMODELS" generate -q -s 1000 --seed 9223372036854775807 -O "$T/e.csv" "$T/h.csv" || fail "generate seed 2^63 - 1"
"$FLOWMODELS" generate -q -s 1000 --seed 9223372032559808511 -O "$T/f.csv" "$T/h.csv" || fail "generate seed 2^63 - 1 - 2^32"
cmp -s "$T/e.csv" "$T/f.csv" && fail "large seeds 2^32 apart give the same output"
[ "$(wc -l < "$T/a.csv")" = 1000 ] || fail "line count"
# the exact output of one seed is pinned: the derivation of the random
# streams (x, rounding, fields) from the seed is part of reproducibility
# (a change silently alters every dataset made from a seed).  Octets per
# packet are fractional here, so the rounding stream shows.  Change this
# checksum only with a deliberate change of the streams.
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,50,50,3001\n2,3,30,60,90007\n5,6,7,35,7003\n' > "$T/hf.csv"
sum=$("$FLOWMODELS" generate -q -s 300 --seed 7 "$T/hf.csv" | md5sum)
[ "${sum%% *}" = ba335de187d083a3574d40ba9b9f15bb ] || fail "seed 7 no longer gives the pinned output ($sum)"
# -s 0: exactly the histogram's flows
"$FLOWMODELS" generate -q -s 0 -O "$T/all.csv" "$T/h.csv" || fail "-s 0"
[ "$(wc -l < "$T/all.csv")" = 87 ] || fail "-s 0 count"
awk -F', ' '{ f[$19]++; o[$19] += $20 } END { exit !(f[1] == 50 && o[1] == 50 * 64 && f[2] == 30 && o[2] == 90000 && f[5] == 7 && o[5] == 7000) }' \
	"$T/all.csv" || fail "-s 0 sums"
# full records pass the csv_flow reader (convert) and round-trip to binary
"$FLOWMODELS" generate -q -s 2000 --full-records --rate 100 -O "$T/full.csv" "$T/h.csv" || fail "--full-records"
"$FLOWMODELS" convert -q -i csv_flow -o binary -O "$T/full.bin" "$T/full.csv" || fail "convert of full records"
"$FLOWMODELS" convert -q -i binary -O "$T/full2.csv" "$T/full.bin" || fail "convert back"
cmp -s "$T/full.csv" "$T/full2.csv" || fail "full records do not round-trip"
# errors
"$FLOWMODELS" generate -s -3 "$T/h.csv" > /dev/null 2> "$T/err" && fail "-s -3 accepted"
"$FLOWMODELS" generate -s 10 -o pipe "$T/h.csv" > /dev/null 2> "$T/err" && fail "-o pipe accepted"
grep -q "cannot write format" "$T/err" || fail "format message: $(cat "$T/err")"
"$FLOWMODELS" generate -s 10 "$T/none.csv" > /dev/null 2> "$T/err" && fail "missing input accepted"
grep -q "none.csv" "$T/err" || fail "missing input message"

D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon
[ -d "$D/histograms/all" ] || { echo "reference data absent: skipping the rest"; exit 77; }
"$FLOWMODELS" generate -q -s 0 -O "$T/x" "$D/mixtures/all/length" 2> "$T/err" && fail "-s 0 from mixtures accepted"
grep -q -- "-s 0" "$T/err" || fail "-s 0 message"
"$FLOWMODELS" generate -q -s 100 --seed 1 -O "$T/m.csv" "$D/mixtures/all/length" || fail "from mixtures"
# -s 0 + hist -b 0 gives back length_b0.csv (needs the hist command)
if "$FLOWMODELS" hist --help > /dev/null 2>&1; then
	"$FLOWMODELS" generate -q -s 0 -o binary -O "$T/b0" "$D/histograms/all/length_b0.csv" || fail "-s 0 binary"
	"$FLOWMODELS" hist -q -i binary -x length -b 0 -O "$T/b0.csv" "$T/b0" || fail "hist"
	cmp "$T/b0.csv" "$D/histograms/all/length_b0.csv" || fail "-s 0 + hist -b 0 differs from length_b0.csv"
else
	echo "no hist command in this build: -s 0 round trip via hist skipped (covered by test-generate)"
fi
echo ok
