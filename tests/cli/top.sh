#!/usr/bin/env bash
# top: csv of `top dp` and `top port` against awk's grouping of the same
# records (sorted by flows desc, then key asc); the text table's header;
# a session's top on a dataset and a view.
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-top.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

awk 'BEGIN { for (i = 0; i < 500; i++) {
  prot = (i % 3 == 0) ? 17 : 6; sp = 1000 + (i * 7) % 13; dp = 1000 + (i * 11) % 17
  printf "2, %d, 0, 0, 0, 0, 0, %d, 0, 0, 0, %d, %d, %d, 1433962800, 0, 1433962801, 0, %d, %d, 1\n",
    prot, 167772160 + i % 5, 167772160 + i % 7, sp, dp, 1 + i % 9, 100 + i % 31 } }' > "$T/in.csv"
# expected: group rows KEY flows packets octets, then shares and order
expect() { # awk program printing "key packets octets" per counted key
	awk -F', ' "$1" "$T/in.csv" | awk '{ f[$1]++; p[$1] += $2; o[$1] += $3; tf++; tp += $2; to += $3 }
	END { for (k in f) printf "%s,%d,%d,%d,%.9g,%.9g,%.9g\n", k, f[k], p[k], o[k], f[k] / 500, p[k] / tp, o[k] / to }' |
	sort -t, -k2,2nr -k1,1n
}
{ echo "dp,flows,packets,octets,flows_share,packets_share,octets_share"; expect '{ print $14, $19, $20 }'; } > "$T/want"
"$FLOWMODELS" top -q -i csv_flow dp -n 0 --format csv "$T/in.csv" > "$T/got"
diff "$T/want" "$T/got" || fail "top dp"
# port: a flow counts for both ports (once when equal); shares of all flows
awk -F', ' '{ print $13, $19, $20; if ($13 != $14) print $14, $19, $20 }' "$T/in.csv" |
	awk '{ f[$1]++; p[$1] += $2; o[$1] += $3 } END { for (k in f) print k, f[k], p[k], o[k] }' |
	sort -k2,2nr -k1,1n | head -5 | awk '{ print $1 "," $2 "," $3 "," $4 }' > "$T/want-port"
"$FLOWMODELS" top -q -i csv_flow port -n 5 --format csv "$T/in.csv" | tail -n +2 | cut -d, -f1-4 > "$T/got-port"
diff "$T/want-port" "$T/got-port" || fail "top port"
# text: addresses, protocol names, the totals line
"$FLOWMODELS" top -q -i csv_flow sa,proto "$T/in.csv" > "$T/text"
head -1 "$T/text" | grep -q "^top 10 of 10 groups by flows; totals: 500 flows" || fail "text header: $(head -1 "$T/text")"
grep -q "^10.0.0.0 *tcp " "$T/text" || fail "text rows: $(cat "$T/text")"
# in a session: a dataset and a view
cat > "$T/s.fms" <<EOS
convert -i csv_flow -o binary -O d in.csv as d
filter d prot == udp as u
top dp -n 0 --format csv d -O top-d.csv
top dp -n 0 --format csv u -O top-u.csv
EOS
(cd "$T" && "$FLOWMODELS" --replay s.fms > /dev/null) || fail "session replay"
diff "$T/want" "$T/top-d.csv" || fail "session top on a dataset"
awk -F, 'NR > 1 { s += $2 } END { exit s != 167 }' "$T/top-u.csv" || fail "session top on a view: $(cat "$T/top-u.csv")"
# binary input, by threads (each owning a share of the key hashes):
# top sa against awk's grouping of 40000 records with IPv4 and IPv6
# sources (ties: IPv4 first, then by address; 26015 groups, most of
# one or two flows), all of them and the first N for N below and above
# the group count, and the same bytes for any thread count and for the
# one-thread scan of the same records
awk 'BEGIN { for (i = 0; i < 40000; i++) {
  v6 = i % 4 == 0; sp = 1000 + (i * 7) % 613; dp = 1000 + (i * 11) % 1217
  printf "%d, %d, 0, 0, %d, 0, 0, %d, 0, 0, 0, %d, %d, %d, 1433962800, 0, 1433962801, 0, %d, %d, 1\n",
    v6 ? 10 : 2, (i % 3 == 0) ? 17 : 6, v6 ? 536939960 : 0, v6 ? i % 1009 : 167772160 + (i * 7919) % 30011,
    167772160 + i % 7, sp, dp, 1 + i % 9, 100 + i % 31 } }' > "$T/big.csv"
awk -F', ' '{ if ($1 == 10) { fam = 6; key = $8 ? sprintf("2001:db8::%x", $8) : "2001:db8::" }
  else { fam = 4; a = $8; key = sprintf("%d.%d.%d.%d", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256) }
  k = fam "," $8 "," key; f[k]++; p[k] += $19; o[k] += $20; tp += $19; to += $20 }
  END { for (k in f) printf "%s,%d,%d,%d,%.9g,%.9g,%.9g\n", k, f[k], p[k], o[k], f[k] / 40000, p[k] / tp, o[k] / to }' "$T/big.csv" |
	sort -t, -k4,4nr -k1,1n -k2,2n | cut -d, -f3- > "$T/want-sa"
sed -i '1i sa,flows,packets,octets,flows_share,packets_share,octets_share' "$T/want-sa"
"$FLOWMODELS" convert -q -i csv_flow -o binary -O "$T/big" "$T/big.csv"
for th in 1 2 3; do
	for n in 0 7 26014 50000; do
		"$FLOWMODELS" top -q -i binary sa -n $n --format csv --threads $th "$T/big" > "$T/got-sa"
		head -n $((n ? n + 1 : 999999)) "$T/want-sa" > "$T/want-n"
		diff "$T/want-n" "$T/got-sa" > /dev/null ||
			fail "top sa -n $n --threads $th: $(diff "$T/want-n" "$T/got-sa" | head -5)"
	done
done
for k in sa,dp port proto dp,prot; do
	"$FLOWMODELS" top -q -i csv_flow $k -n 0 --format csv "$T/big.csv" > "$T/scan"
	for th in 1 2 3; do
		"$FLOWMODELS" top -q -i binary $k -n 0 --format csv --threads $th "$T/big" > "$T/thr"
		cmp -s "$T/scan" "$T/thr" || fail "top $k --threads $th differs from the scan"
	done
done
# the counters pick the same records on both paths
"$FLOWMODELS" top -q -i csv_flow sa -n 20 --skip-in 1000 --count-in 20000 "$T/big.csv" > "$T/scan"
"$FLOWMODELS" top -q -i binary sa -n 20 --skip-in 1000 --count-in 20000 --threads 2 "$T/big" > "$T/thr"
cmp -s "$T/scan" "$T/thr" || fail "top with --skip-in/--count-in: threads differ from the scan"
"$FLOWMODELS" top -q -i binary sa --threads 0 "$T/big" 2> "$T/err" && fail "--threads 0 accepted"
grep -q "threads: expected 1..64" "$T/err" || fail "--threads 0: $(cat "$T/err")"
echo ok
