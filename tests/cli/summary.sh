#!/bin/bash
# summary: text-identical to the reference's TeX output for the shipped
# histograms (apart from the added "Average flow size" row, SPEC 9.3);
# dataset options, TeX escaping, optional rows, detection errors.
set -u
: "${FLOWMODELS:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/summary.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- self-contained checks ---
# rate_sum is fractional: each bin's sum is truncated first (the reference's
# int()), 0.9 + 17.9 + 3.7 -> 20, not 22.5
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,duration_sum,rate_sum\n1,2,3,3,300,0,0.9\n2,3,1,2,1000,-5,17.9\n8,9,1,8,1000,1005,3.7\n' > "$T/h.csv"
"$FLOWMODELS" summary --name 'agh_2015 & co' --exporter 'Juniper MX' --l2 Ethernet \
	--sampling 1/1 --active-timeout 300 --inactive-timeout 15 -O "$T/out.tex" "$T/h.csv" \
	|| fail "summary with options"
grep -qx '\\textbf{Dataset name} & agh\\_2015 \\& co & \\\\' "$T/out.tex" || fail "escaped name row"
grep -qx '\\textbf{Active timeout} & 300 & seconds \\\\' "$T/out.tex" || fail "active timeout row"
grep -qx '\\textbf{Number of octets} & 2 300 & octets \\\\' "$T/out.tex" || fail "grouped octets"
grep -qx '\\textbf{Average flow length} & 2.600000 & packets \\\\' "$T/out.tex" || fail "avg length"
grep -qx '\\textbf{Average flow size} & 460.000000 & bytes \\\\' "$T/out.tex" || fail "avg size"
grep -qx '\\textbf{Average flow duration} & 200.000000 & milliseconds \\\\' "$T/out.tex" || fail "avg duration"
grep -qx '\\textbf{Average flow rate} & 4.000000 & bps \\\\' "$T/out.tex" || fail "avg rate"
grep -qx '\\textbf{Average packet size} & 176.923077 & bytes \\\\' "$T/out.tex" || fail "avg packet size"
# cdf: 1 -> 3/5 flows; 2 -> 4/5; 4 -> interpolated between 2 (0.8) and 8 (1.0)
grep -qx '1 & 60.0000 & 23.0769 & 13.0435 \\\\' "$T/out.tex" || fail "cdf at 1"
grep -qx '4 & 86.6667 & 58.9744 & 71.0145 \\\\' "$T/out.tex" || fail "cdf at 4"
grep -qx '16 & nan & nan & nan \\\\' "$T/out.tex" || fail "nan beyond the last bin"
"$FLOWMODELS" summary --raw-tex --name '\emph{x}' "$T/h.csv" | grep -qx '\\textbf{Dataset name} & \\emph{x} & \\\\' \
	|| fail "raw tex"
# size detection and errors
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n5,6,1,1,5\n' > "$T/odd.csv"
"$FLOWMODELS" summary "$T/odd.csv" > /dev/null 2> "$T/err" && fail "undetectable x accepted"
grep -q 'give -x length or -x size' "$T/err" || fail "detect message: $(cat "$T/err")"
"$FLOWMODELS" summary -x size "$T/odd.csv" | grep -q 'Flows of size up to' || fail "-x size"
printf 'bin_lo,bin_hi,flows_sum,packets_sum\n1,2,1,1\n' > "$T/bad.csv"
"$FLOWMODELS" summary "$T/bad.csv" > /dev/null 2> "$T/err" && fail "missing column accepted"
grep -q "bad.csv:1: missing required column 'octets_sum'" "$T/err" || fail "missing column message: $(cat "$T/err")"
"$FLOWMODELS" summary -x bogus "$T/h.csv" > /dev/null 2>&1 && fail "-x bogus accepted"

# --- against the reference outputs ---
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon
[ -d "$D/histograms/all" ] || { echo "reference data absent: skipping the rest"; exit 77; }
check() { # histogram expected
	"$FLOWMODELS" summary "$D/$1" > "$T/got.tex" || fail "summary $1"
	grep -v '^\\textbf{Average flow size}' "$T/got.tex" > "$T/got-ref.tex"
	cmp "$T/got-ref.tex" "$D/$2" || { diff "$T/got-ref.tex" "$D/$2" | head; fail "$1 differs from $2"; }
	[ "$(grep -c '^\\textbf{Average flow size} & 83986.754073 & bytes \\\\$' "$T/got.tex")" = 1 ] \
		|| fail "average flow size row of $1"
	# the row sits right after "Average flow length"
	grep -A1 'Average flow length' "$T/got.tex" | grep -q 'Average flow size' || fail "row order"
}
check histograms/all/length_b0.csv summary/all/length.tex
check histograms/all/length.csv reference-outputs/summary_all_length.tex
check histograms/all/size.csv reference-outputs/summary_all_size.tex
"$FLOWMODELS" summary -x length "$D/histograms/all/length.csv" | grep -v 'Average flow size' \
	| cmp - "$D/reference-outputs/summary_all_length.tex" || fail "-x length"
echo ok
