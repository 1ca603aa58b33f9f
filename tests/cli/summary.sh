#!/bin/bash
# summary: the statistics table text-identical to the reference's TeX
# output for the shipped histograms (apart from the added "Average flow
# size" row, SPEC 9.3); the CDF table exact where the bins tell (computed
# here by awk), the reference's interpolation elsewhere (equal to the
# reference's rows); dataset options, TeX escaping, detection errors.
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
# cdf (unit bins 1, 2, 8): 1 -> 3/5 flows; 2 -> 4/5; 4 lies between the
# bins [2,3) and [8,9): exactly 4/5 (the reference interpolates 86.6667);
# past the last bin 100 (the reference prints nan)
grep -qx '1 & 60.0000 & 23.0769 & 13.0435 \\\\' "$T/out.tex" || fail "cdf at 1"
grep -qx '4 & 80.0000 & 38.4615 & 56.5217 \\\\' "$T/out.tex" || fail "cdf at 4"
grep -qx '16 & 100.0000 & 100.0000 & 100.0000 \\\\' "$T/out.tex" || fail "100 beyond the last bin"
grep -q 'nan' "$T/out.tex" && fail "nan in the table"
# before the first bin 0; inside a wide bin the reference's interpolation
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n2,3,1,2,200\n4,8,1,5,500\n8,16,2,20,2000\n' > "$T/w.csv"
"$FLOWMODELS" summary -x length "$T/w.csv" > "$T/w.tex" || fail "summary w.csv"
grep -qx '1 & 0.0000 & 0.0000 & 0.0000 \\\\' "$T/w.tex" || fail "0 before the first bin"
grep -qx '4 & 50.0000 & 25.9259 & 25.9259 \\\\' "$T/w.tex" || fail "on a wide bin's bin_lo"
grep -qx '8 & 100.0000 & 100.0000 & 100.0000 \\\\' "$T/w.tex" || fail "on the last bin_lo"
"$FLOWMODELS" summary --raw-tex --name '\emph{x}' "$T/h.csv" | grep -qx '\\textbf{Dataset name} & \\emph{x} & \\\\' \
	|| fail "raw tex"
# size detection and errors
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n5,6,1,1,7\n' > "$T/odd.csv"
"$FLOWMODELS" summary "$T/odd.csv" > /dev/null 2> "$T/err" && fail "undetectable x accepted"
grep -q 'give -x length, size, duration or rate' "$T/err" || fail "detect message: $(cat "$T/err")"
# detection from the sums: the mean x of every bin lies inside it; a size
# histogram starting at 53 bytes (real captures) and one whose first
# bin_lo is 1 but whose octets fit (size), a duration one starting at 0
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n53,54,2,2,106\n64,128,1,1,100\n' > "$T/s53.csv"
"$FLOWMODELS" summary "$T/s53.csv" | grep -q 'Flows of size up to' || fail "size from 53 not detected"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,1,3,1\n2,4,1,1,3\n' > "$T/s1.csv"
"$FLOWMODELS" summary "$T/s1.csv" | grep -q 'Flows of size up to' || fail "size from 1 not detected"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,duration_sum\n0,1,5,5,300,0\n2,4,2,9,900,5\n' > "$T/d.csv"
"$FLOWMODELS" summary "$T/d.csv" > "$T/d.tex" || fail "duration summary"
grep -q 'Flows of duration up to' "$T/d.tex" || fail "duration not detected"
grep -qx '\\multicolumn{1}{c}{(milliseconds)} & of flows & of packets & of octets \\\\' "$T/d.tex" || fail "duration unit"
# duration points: 0, 1 2 5 10 ... 10^7 (23 rows); 0 ms holds 5 of 7 flows
expect_rows=$(grep -cE '^[0-9]+ & ' "$T/d.tex")
[ "$expect_rows" = 23 ] || fail "duration rows: $expect_rows"
grep -qx '0 & 71.4286 & 35.7143 & 25.0000 \\\\' "$T/d.tex" || fail "duration at 0"
grep -qx '2 & 100.0000 & 100.0000 & 100.0000 \\\\' "$T/d.tex" || fail "duration at 2"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,rate_sum\n0,1,5,5,300,0\n1000,2000,2,9,900,3000.5\n' > "$T/r.csv"
"$FLOWMODELS" summary "$T/r.csv" > "$T/r.tex" || fail "rate summary"
grep -qF '{(bps)} & of flows' "$T/r.tex" || fail "rate unit"
grep -qx '100 & 71.4286 & 35.7143 & 25.0000 \\\\' "$T/r.tex" || fail "rate at 100"
grep -qx '10000000000 & 100.0000 & 100.0000 & 100.0000 \\\\' "$T/r.tex" || fail "rate at 10^10"
"$FLOWMODELS" summary -x rate "$T/odd.csv" | grep -q 'Flows of rate up to' || fail "-x rate"
"$FLOWMODELS" summary -x size "$T/odd.csv" | grep -q 'Flows of size up to' || fail "-x size"
printf 'bin_lo,bin_hi,flows_sum,packets_sum\n1,2,1,1\n' > "$T/bad.csv"
"$FLOWMODELS" summary "$T/bad.csv" > /dev/null 2> "$T/err" && fail "missing column accepted"
grep -q "bad.csv:1: missing required column 'octets_sum'" "$T/err" || fail "missing column message: $(cat "$T/err")"
"$FLOWMODELS" summary -x bogus "$T/h.csv" > /dev/null 2>&1 && fail "-x bogus accepted"

# --- against the reference outputs ---
D=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon
[ -d "$D/histograms/all" ] || { echo "reference data absent: skipping the rest"; exit 77; }
# the rule of fm_summary_share, slowly: for each point the share and how
# it was found (exact, or "interp" inside a wide bin / "lo" on one's bin_lo)
shares() { # histogram multiplier
	awk -F, -v mult="$2" 'NR > 1 { n++; lo[n] = $1; hi[n] = $2
		for (c = 0; c < 3; c++) { v[c, n] = $(3 + c); tot[c] += $(3 + c) } }
	END {
		for (c = 0; c < 3; c++) { cum = 0
			for (i = 1; i <= n; i++) { cum += v[c, i]; cdf[c, i] = cum / tot[c] } }
		for (e = 0; e < 25; e++) {
			p = 2 ^ e * mult; k = 0
			for (i = 1; i <= n; i++) if (lo[i] <= p) k = i
			how = "exact"
			if (k > 0 && k < n && lo[k] < p && hi[k] - 1 > p) how = "interp"
			if (k > 0 && lo[k] == p && hi[k] - lo[k] > 1) how = "lo"
			line = sprintf("%.0f", p)
			for (c = 0; c < 3; c++) {
				if (k == 0) y = 0
				else if (how != "interp") y = cdf[c, k]
				else { slope = (cdf[c, k + 1] - cdf[c, k]) / (lo[k + 1] - lo[k])
				       y = slope * (p - lo[k]) + cdf[c, k] }
				line = line sprintf(" & %.4f", y * 100)
			}
			print how, line " \\\\"
		}
	}' "$1"
}
check() { # histogram expected
	"$FLOWMODELS" summary "$D/$1" > "$T/got.tex" || fail "summary $1"
	grep -v '^\\textbf{Average flow size}' "$T/got.tex" > "$T/got-ref.tex"
	# the statistics table: the reference's text
	sed -n '1,/end{tabular}/p' "$T/got-ref.tex" > "$T/got-stats"
	sed -n '1,/end{tabular}/p' "$D/$2" | cmp - "$T/got-stats" || fail "$1: statistics table differs from $2"
	# the CDF table: awk's shares; the reference's rows where it is not exact
	mult=1; case $1 in *size*) mult=64;; esac
	shares "$D/$1" "$mult" > "$T/want"
	grep -E '^[0-9]+ & ' "$T/got-ref.tex" > "$T/got-rows"
	cut -d' ' -f2- "$T/want" | cmp - "$T/got-rows" || { cut -d' ' -f2- "$T/want" | diff - "$T/got-rows" | head; fail "$1: CDF rows differ from the exact shares"; }
	grep -E '^[0-9]+ & ' "$D/$2" > "$T/ref-rows"
	paste -d'|' "$T/want" "$T/ref-rows" | awk -F'|' '$1 !~ /^exact/ { sub(/^[a-z]+ /, "", $1); if ($1 != $2) { print "differs from the reference: " $1 " vs " $2; bad = 1 } } END { exit bad }' \
		|| fail "$1: interpolated rows differ from $2"
	[ "$(grep -c '^exact' "$T/want")" -gt 0 ] || fail "$1: no exact rows"
	[ "$(grep -c nan "$T/got.tex")" = 0 ] || fail "$1: nan printed"
	[ "$(grep -c '^\\textbf{Average flow size} & 83986.754073 & bytes \\\\$' "$T/got.tex")" = 1 ] \
		|| fail "average flow size row of $1"
	# the row sits right after "Average flow length"
	grep -A1 'Average flow length' "$T/got.tex" | grep -q 'Average flow size' || fail "row order"
}
check histograms/all/length_b0.csv summary/all/length.tex
check histograms/all/length.csv reference-outputs/summary_all_length.tex
check histograms/all/size.csv reference-outputs/summary_all_size.tex
"$FLOWMODELS" summary -x length "$D/histograms/all/length.csv" | grep -v 'Average flow size' \
	| cmp - <("$FLOWMODELS" summary "$D/histograms/all/length.csv" | grep -v 'Average flow size') \
	|| fail "-x length"
# at 16384 packets the reference interpolates across empty bins (30.4998
# of packets); the exact share is 30.4987
"$FLOWMODELS" summary "$D/histograms/all/length_b0.csv" | grep -q '^16384 & 99.8861 & 30.4987 & ' || fail "exact share at 16384"
# a log-binned histogram's exact rows equal the unit-binned one's
"$FLOWMODELS" summary "$D/histograms/all/length_b0.csv" | grep -E '^[0-9]+ & ' > "$T/b0-rows"
"$FLOWMODELS" summary "$D/histograms/all/length.csv" | grep -E '^[0-9]+ & ' > "$T/b12-rows"
shares "$D/histograms/all/length.csv" 1 | paste -d'|' - "$T/b0-rows" "$T/b12-rows" \
	| awk -F'|' '/^exact/ && $2 != $3 { print; bad = 1 } END { exit bad }' || fail "exact rows of length.csv differ from length_b0.csv"
echo ok
