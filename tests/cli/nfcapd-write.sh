#!/usr/bin/env bash
# -o nfcapd (layout 2; --compress none|lzo|lz4|zstd): Debian's nfdump 1.7
# reading our files (nfdump -r FILE -q -o pipe, through -i nfcapd-nfdump)
# gives the records we wrote, and so does our own reader; several data
# blocks, IPv4 and IPv6, interfaces; values nfcapd cannot hold are errors.
# (nfdump 1.7.1 cannot read zstd: that one is compared with our reader.)
# sort -o nfcapd (and csv_flow): the sorted binary directory's records, in
# every compression, in memory and past a small --memory.
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-nfcapdw.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 25000 records (about 2.4 MB of V3 records: three data blocks), every
# 7th IPv6; aggs 0 as nfcapd input reads it (SPEC 2)
awk 'BEGIN { for (i = 0; i < 25000; i++) {
  v6 = (i % 7 == 0)
  printf "%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, 0\n",
    v6 ? 10 : 2, (i % 3 == 0) ? 17 : (i % 11 == 0 ? 58 : 6), i % 70000 * 0 + i % 300, (i * 7) % 65536,
    v6 ? 536939960 : 0, v6 ? i % 65536 : 0, v6 ? 4294967295 - i : 0, 167772160 + i,
    v6 ? 4276092928 : 0, 0, v6 ? 1 : 0, 3232235520 + i % 4096,
    (i * 37) % 65536, (i * 53) % 65536, 1433962800 + i % 3600, i % 1000,
    1433962800 + i % 3600 + i % 17, (i * 3) % 1000, 1 + i % 40, 40 + (i * 97) % 100000 } }' > "$T/in.csv"
"$FLOWMODELS" convert -q -i csv_flow "$T/in.csv" | cmp -s - "$T/in.csv" || fail "test input does not round-trip as csv"
for c in none lzo lz4 zstd; do
	"$FLOWMODELS" convert -q -i csv_flow -o nfcapd --compress $c -O "$T/$c.nfcapd" "$T/in.csv" \
		|| fail "write $c"
	"$FLOWMODELS" convert -q "$T/$c.nfcapd" | cmp -s - "$T/in.csv" || fail "$c: our reader differs"
	if command -v nfdump > /dev/null && [ $c != zstd ]; then
		"$FLOWMODELS" convert -q -i nfcapd-nfdump "$T/$c.nfcapd" | cmp -s - "$T/in.csv" \
			|| fail "$c: nfdump's reading differs"
		nfdump -r "$T/$c.nfcapd" -q -o pipe | wc -l | grep -qx 25000 || fail "$c: nfdump's count"
	fi
done
# the default is lz4 (header byte 16 = 3), with three data blocks
"$FLOWMODELS" convert -q -i csv_flow -o nfcapd -O "$T/default.nfcapd" "$T/in.csv"
cmp -s "$T/default.nfcapd" "$T/lz4.nfcapd" || fail "default is not lz4"
[ "$(od -An -tu1 -j16 -N1 "$T/default.nfcapd" | tr -d ' ')" = 3 ] || fail "compression byte"
[ "$(od -An -tu4 -j36 -N4 "$T/default.nfcapd" | tr -d ' ')" = 3 ] || fail "data blocks"
# the real capture of the corpus, through anonymize, back for nfdump
D=${FM_SHARED_DATA:-}/nfcapd
if [ -f "$D/sample.nfcapd" ]; then
	"$FLOWMODELS" anonymize -q --key boojahyoo3vaeToong0Eijee7Ahz3yee -o nfcapd \
		-O "$T/anon.nfcapd" "$D/sample.nfcapd"
	"$FLOWMODELS" anonymize -q --key boojahyoo3vaeToong0Eijee7Ahz3yee "$D/sample.nfcapd" > "$T/anon.csv"
	"$FLOWMODELS" convert -q "$T/anon.nfcapd" | cmp -s - "$T/anon.csv" || fail "anonymized nfcapd"
	if command -v nfdump > /dev/null; then
		"$FLOWMODELS" convert -q -i nfcapd-nfdump "$T/anon.nfcapd" | cmp -s - "$T/anon.csv" \
			|| fail "anonymized nfcapd through nfdump"
	fi
fi
# what nfcapd cannot hold: an error naming the record, no file left
printf '2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 70000, 443, 1433962800, 0, 1433962800, 0, 1, 40, 0\n' > "$T/bad.csv"
if "$FLOWMODELS" convert -q -i csv_flow -o nfcapd -O "$T/bad.nfcapd" "$T/bad.csv" 2> "$T/err"; then
	fail "a port of 70000 was written"
fi
grep -q "record 1: sp 70000 does not fit nfcapd's field (0..65535)" "$T/err" || fail "message: $(cat "$T/err")"
[ ! -e "$T/bad.nfcapd" ] || fail "a partial file was left"
ls "$T" | grep -q tmp && fail "a temporary file was left"
# stdout is not a place for it; unknown compression
if "$FLOWMODELS" convert -q -i csv_flow -o nfcapd "$T/bad.csv" > /dev/null 2> "$T/err"; then fail "stdout accepted"; fi
grep -q "needs a file" "$T/err" || fail "stdout message: $(cat "$T/err")"
if "$FLOWMODELS" convert -q -i csv_flow -o nfcapd --compress bz2 -O "$T/x" "$T/in.csv" 2> "$T/err"; then
	fail "--compress bz2 accepted"
fi
grep -q "unknown value 'bz2'" "$T/err" || fail "compress message: $(cat "$T/err")"
# sort -o nfcapd: the records of sort -o binary, read by nfdump and by us
"$FLOWMODELS" convert -q -i csv_flow -o binary -O "$T/in.bin" "$T/in.csv"
"$FLOWMODELS" sort -q -k dp octets --reverse -O "$T/sorted.bin" "$T/in.bin"
"$FLOWMODELS" convert -q -i binary "$T/sorted.bin" > "$T/sorted.csv"
cmp -s "$T/sorted.csv" "$T/in.csv" && fail "sort did not reorder the test input"
for c in none lzo lz4 zstd; do
	for mem in "" "--memory 64K"; do
		# shellcheck disable=SC2086
		"$FLOWMODELS" sort -q -k dp octets --reverse $mem -o nfcapd --compress $c \
			-O "$T/sorted-$c.nfcapd" "$T/in.bin" || fail "sort -o nfcapd $c $mem"
		"$FLOWMODELS" convert -q "$T/sorted-$c.nfcapd" | cmp -s - "$T/sorted.csv" \
			|| fail "sort -o nfcapd $c $mem: our reader differs"
		if command -v nfdump > /dev/null && [ $c != zstd ]; then
			"$FLOWMODELS" convert -q -i nfcapd-nfdump "$T/sorted-$c.nfcapd" |
				cmp -s - "$T/sorted.csv" || fail "sort -o nfcapd $c $mem: nfdump's reading differs"
		fi
	done
done
"$FLOWMODELS" sort -q -k dp octets --reverse -o csv_flow -O "$T/sorted2.csv" "$T/in.bin"
cmp -s "$T/sorted2.csv" "$T/sorted.csv" || fail "sort -o csv_flow"
ls -a "$T" | grep -q tmp && fail "sort left a temporary"
if "$FLOWMODELS" sort -q -k dp -o nfcapd "$T/in.bin" 2> "$T/err"; then fail "sort -o nfcapd without -O"; fi
grep -q "sort -o nfcapd writes a file: name it with -O FILE" "$T/err" || fail "message: $(cat "$T/err")"
echo ok
