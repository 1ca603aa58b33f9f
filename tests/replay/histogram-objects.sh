# histogram-objects.sh - histograms as session objects: loaded from
# csv_hist (guessed or -i csv_hist), facts from exact totals, exported
# byte-identical, read by name, merged with hist-merge; the reference
# histograms when present.
. "$(dirname "$0")/lib.bash"
cd "$T"
awk 'BEGIN { print "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
	for (i = 1; i <= 300; i++) printf "%d,%d,%d,%d,%.0f\n", i * 4, i * 4 + 3, 1000 - 3 * i, (1000 - 3 * i) * i * 4, (1000 - 3 * i) * i * 4 * 100 }' > h.csv
facts=$(awk -F, 'NR > 1 { n++; f += $3; p += $4; o += $5 } END { printf "%d bins, %.0f flows, %.0f packets, %.0f octets", n, f, p, o }' h.csv)
cat > s.fms <<'X'
load h.csv
load h.csv -i csv_hist as again
export h1 -O out1.csv
info again
rename again h2
export h2 -o csv_hist -O out2.csv
X
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt || { cat err.txt; fail "replay"; }
grep -qx "h1: histogram, $facts" out.txt || fail "facts: want $facts, got $(grep '^h1:' out.txt)"
grep -qx "again: histogram, $facts" out.txt || fail "facts of again"
grep -qx '  range:    \[4, 1203)' out.txt || fail "range"
cmp h.csv out1.csv || fail "export h1"
cmp h.csv out2.csv || fail "export h2"
# cutting does not apply, and a histogram is not a dataset
printf 'load h.csv as h\nfilter h "prot == 6"\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "filter of a histogram"
grep -qx "e.fms:2: filter: h is a histogram, not a dataset" err.txt || fail "$(cat err.txt)"
printf 'load h.csv --count-in 3\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "cutting a histogram"
grep -qx "e.fms:1: load: cutting applies to flow records, not histograms" err.txt || fail "$(cat err.txt)"
# a malformed csv_hist names its line, nothing is made
printf 'bin_lo,bin_hi,flows_sum\n1,2,3\n2,x,4\n' > bad.csv
printf 'load bad.csv -i csv_hist\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "bad csv_hist"
grep -q "^e.fms:1: load: .*bad.csv:3" err.txt || fail "$(cat err.txt)"
# hist-merge of two loaded histograms (unit bins of length): an object
# whose export is the bin-by-bin sum (awk's), and its one-line error
awk 'BEGIN { print "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
	for (i = 1; i <= 50; i++) printf "%d,%d,%d,%d,%d\n", i, i + 1, 60 - i, (60 - i) * i, (60 - i) * i * 90 }' > ua.csv
awk 'BEGIN { print "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"
	for (i = 30; i <= 90; i += 2) printf "%d,%d,%d,%d,%d\n", i, i + 1, 7, 7 * i, 7 * i * 64 }' > ub.csv
tail -q -n +2 ua.csv ub.csv | sort -t, -k1,1n | awk -F, '{ f[$1] += $3; p[$1] += $4; o[$1] += $5; if (!($1 in s)) { s[$1] = 1; k[++n] = $1 } }
	END { print "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"; for (i = 1; i <= n; i++) printf "%d,%d,%d,%d,%d\n", k[i], k[i] + 1, f[k[i]], p[k[i]], o[k[i]] }' > uab.csv
printf 'load ua.csv as ua\nload ub.csv as ub\nhist-merge ua ub as uab\nexport uab -O merged.csv\n' > m.fms
"$FLOWMODELS" --replay m.fms > out.txt 2> err.txt || { cat err.txt; fail "hist-merge replay"; }
grep -q "^uab: histogram, " out.txt || fail "hist-merge made no object: $(cat out.txt)"
cmp uab.csv merged.csv || fail "hist-merge of objects"
printf 'load ua.csv as ua\nload h.csv as h\nhist-merge ua h\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "hist-merge of unlike histograms"
grep -q "^e.fms:3: hist-merge: " err.txt || fail "hist-merge error: $(cat err.txt)"
# the reference histograms
ref=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon/histograms/all
if [ -n "${FM_SHARED_DATA:-}" ] && [ -d "$ref" ]; then
	for f in "$ref"/*.csv; do
		printf 'load %s as r\nexport r -O ref.csv\n' "$f" > r.fms
		"$FLOWMODELS" --replay r.fms > /dev/null 2> err.txt || { cat err.txt; fail "load $f"; }
		cmp "$f" ref.csv || fail "round trip of $f"
	done
fi
echo ok
