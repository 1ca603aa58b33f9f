#!/usr/bin/env bash
# nfcapd-tunnels.sh - tunnelled flows and nfdump's silent errors on the
# nfdump path (-i nfcapd-nfdump):
# - Debian's nfpcapd turns a pcap of GRE, IP-in-IP and 6in4 packets (and
#   plain flows) written by tests/tools/tunpcap.py into an nfcapd file;
#   nfdump's pipe output has an extra tunnel line per tunnelled flow, and
#   both read paths must give the same records (the inner flows only);
# - a line of tunnel shape that is not followed by a line of the same times
#   (or ends the output) stays a record (a fake nfdump prints them);
# - a truncated capture, which nfdump 1.7.1 reads as 0 flows with exit 0
#   and "appendix offset error" on stderr, is an error naming the file.
# Skips (77) when nfpcapd, nfdump or python3 is missing.
set -u
: "${FLOWMODELS:?}" "${FM_SOURCE_DIR:?}"
for t in nfpcapd nfdump python3; do
	command -v $t >/dev/null || { echo "$t not installed: skip"; exit 77; }
done
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/nfcapd-tunnels.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$FM_SOURCE_DIR/tests/tools/tunpcap.py" "$T/t.pcap" || fail "tunpcap.py"
mkdir -p "$T/flows"
nfpcapd -r "$T/t.pcap" -w "$T/flows" >"$T/nfpcapd.log" 2>&1 ||
	fail "nfpcapd: $(tail -3 "$T/nfpcapd.log")"
F=$(ls "$T"/flows/nfcapd.2* 2>/dev/null | head -1)
[ -n "$F" ] || fail "nfpcapd wrote no file: $(tail -3 "$T/nfpcapd.log")"

# the raw pipe output really has tunnel lines: protocol 4, 41 or 47, zeros
nfdump -r "$F" -q -o pipe >"$T/raw.pipe" 2>/dev/null || fail "nfdump -r"
tun=$(awk -F'|' '($4 == 4 || $4 == 41 || $4 == 47) && $5 $6 $7 $8 $9 $10 $11 $12 $13 $14 $21 $22 == "000000000000"' "$T/raw.pipe" | wc -l)
[ "$tun" -ge 3 ] || fail "expected tunnel lines in nfdump's output, found $tun"
for p in 47 4; do
	awk -F'|' -v p=$p '$4 == p && $5 == 0' "$T/raw.pipe" | grep -q . ||
		fail "no tunnel line of protocol $p"
done
lines=$(wc -l <"$T/raw.pipe")

"$FLOWMODELS" convert -q -i nfcapd -O "$T/native.csv" "$F" 2>"$T/err" ||
	fail "native reader: $(cat "$T/err")"
"$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/nfdump.csv" "$F" 2>"$T/err" ||
	fail "nfdump path: $(cat "$T/err")"
cmp -s "$T/native.csv" "$T/nfdump.csv" ||
	fail "the two read paths differ: $(diff "$T/native.csv" "$T/nfdump.csv" | head -5)"
n=$(wc -l <"$T/native.csv")
[ "$n" -eq $((lines - tun)) ] || fail "$n records, expected $lines - $tun"
# the inner flows: GRE 10.1.0.1 -> 10.2.0.1, IP-in-IP 10.3.0.1 -> 10.4.0.1,
# 6in4 2001:db8:2::1 -> 2001:db8:3::1 (words 0x20010db8 0x00020000 0 1)
grep -q "^2, 17, 0, 0, 0, 0, 0, 167837697, 0, 0, 0, 167903233, 1000, 53," "$T/native.csv" ||
	fail "no inner GRE flow"
grep -q "^2, 6, 0, 0, 0, 0, 0, 167968769, 0, 0, 0, 168034305, 41000, 443," "$T/native.csv" ||
	fail "no inner IP-in-IP flow"
grep -q "^10, 17, 0, 0, 536939960, 131072, 0, 1, 536939960, 196608, 0, 1, 6000, 123," "$T/native.csv" ||
	fail "no inner 6in4 flow"
# histograms agree too (the extra line was a 0-packet bin)
"$FLOWMODELS" hist -q -i nfcapd -x length -O "$T/h1.csv" "$F" || fail "hist native"
"$FLOWMODELS" hist -q -i nfcapd-nfdump -x length -O "$T/h2.csv" "$F" || fail "hist nfdump"
cmp -s "$T/h1.csv" "$T/h2.csv" || fail "histograms differ between the read paths"
echo "ok: nfpcapd capture with GRE, IP-in-IP and 6in4: $n records on both paths, $tun tunnel lines dropped"

# lines of tunnel shape that are not tunnel lines stay records
mkdir -p "$T/fake"
cat >"$T/fake/nfdump" <<'EOF'
#!/bin/sh
cat <<'END'
2|1000|2000|47|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0
2|1000|2000|6|0|0|0|1|10|0|0|0|2|20|0|0|0|0|0|0|5|500
2|3000|4000|47|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0
2|3001|4000|6|0|0|0|1|10|0|0|0|2|20|0|0|0|0|0|0|5|500
2|5000|6000|41|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0
END
EOF
chmod +x "$T/fake/nfdump"
PATH="$T/fake:$PATH" "$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/fake.csv" "$F" 2>"$T/err" ||
	fail "fake nfdump: $(cat "$T/err")"
cat >"$T/fake.want" <<'EOF'
2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 1, 0, 2, 0, 5, 500, 0
2, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0
2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 3, 1, 4, 0, 5, 500, 0
2, 41, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0
EOF
cmp -s "$T/fake.csv" "$T/fake.want" || fail "tunnel-shaped lines: $(diff "$T/fake.want" "$T/fake.csv")"
# skipping through the same stream (convert --skip-in) counts the same records
PATH="$T/fake:$PATH" "$FLOWMODELS" convert -q -i nfcapd-nfdump --skip-in 3 -O "$T/skip.csv" "$F" 2>"$T/err" ||
	fail "fake nfdump with --skip-in: $(cat "$T/err")"
tail -1 "$T/fake.want" | cmp -s - "$T/skip.csv" || fail "--skip-in 3: $(cat "$T/skip.csv")"
echo "ok: tunnel-shaped lines without their flow stay records"

# truncated captures: nfdump exits 0 with an error on stderr ("appendix
# offset error" when the cut is in the data, "Short read" in the appendix)
sz=$(stat -c %s "$F")
for cut in 40 400; do
	head -c $((sz - cut)) "$F" >"$T/cut.nfcapd"
	if "$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/cut.csv" "$T/cut.nfcapd" 2>"$T/err"; then
		fail "a capture cut by $cut bytes read through nfdump gave no error"
	fi
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line: $(cat "$T/err")"
	grep -q "cut.nfcapd: nfdump reported an error (and exited 0 after [0-9]* records): .*\(appendix offset error\|Short read\)" "$T/err" ||
		fail "unclear message: $(cat "$T/err")"
	[ ! -e "$T/cut.csv" ] || fail "an output file was left behind"
done
echo "ok: nfdump's stderr errors on truncated captures are errors"
exit 0
