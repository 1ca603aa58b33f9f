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
echo ok
