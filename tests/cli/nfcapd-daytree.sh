#!/usr/bin/env bash
# nfcapd-daytree.sh - a day directory of capture files as nfcapd writes them:
# tests/tools/daytree.py runs Debian's nfcapd with -t 2 (48 collectors at
# once, one NetFlow v9 burst per file from nf9send.py's generator) and
# renames the 288 files into 2024/01/01/nfcapd.202401010000 .. 2355, one
# 5-minute slot each.  The tree (with a nfcapd.current.* file in it) must
# read in time order into convert, series, hist and the workbench's load,
# each equal to the same tool over the records sent (csv); the files as
# nfcapd named them (nfcapd.YYYYMMDDhhmmss, rotation under a minute) read
# in time order too.  About 25 s (the rotations take 2 s each).
# Skips (77) when nfcapd or python3 is missing.
set -u
command -v nfcapd >/dev/null || { echo "nfcapd not installed: skip"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skip"; exit 77; }
: "${FLOWMODELS:?}" "${FM_SOURCE_DIR:?}"
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/nfcapd-daytree.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
FM=$FLOWMODELS

# a burst split by a late rotation (a stalled machine) fails the check in
# daytree.py: one more try then
for try in 1 2; do
	rm -rf "$T/tree" "$T/raw"
	python3 "$FM_SOURCE_DIR/tests/tools/daytree.py" --flowmodels "$FM" --out "$T/tree" \
		--csv "$T/sent.csv" --raw "$T/raw" --files 288 --flows 40 --parallel 48 \
		2>"$T/daytree.err" && break
	[ $try -eq 2 ] && fail "daytree.py: $(cat "$T/daytree.err")"
done
D="$T/tree/2024/01/01"
[ "$(ls "$D" | wc -l)" -eq 288 ] || fail "$(ls "$D" | wc -l) files in the day directory"
[ -f "$D/nfcapd.202401010000" ] && [ -f "$D/nfcapd.202401012355" ] || fail "file names"
cp "$D/nfcapd.202401011200" "$D/nfcapd.current.4711"
echo "ok: 288 capture files from nfcapd -t 2 in $D"

"$FM" convert -i nfcapd -O "$T/got.csv" "$T/tree" 2>"$T/err" || fail "convert: $(cat "$T/err")"
cmp -s "$T/got.csv" "$T/sent.csv" || fail "convert: the records of the tree are not those sent, in time order"
grep -q "nfcapd.current.4711: skipped: capture file still being written" "$T/err" ||
	fail "no note for nfcapd.current: $(cat "$T/err")"
awk -F', ' '{ t = $15 * 1000 + $16; s = int((t - 1704067200000) / 300000);
	if (s < p) { print "slot " s " after " p; exit 1 } p = s }' "$T/got.csv" ||
	fail "records out of time order"
echo "ok: convert reads the tree in time order ($(wc -l <"$T/got.csv") records)"

"$FM" series -q -i nfcapd -O "$T/s1" "$T/tree" 2>/dev/null || fail "series"
"$FM" series -q -i csv_flow -O "$T/s2" "$T/sent.csv" || fail "series csv"
diff -r "$T/s1" "$T/s2" >/dev/null || fail "series of the tree differs"
[ -f "$T/s1/19723.flows" ] || fail "series: no file for day 19723 (2024-01-01): $(ls "$T/s1")"
for x in length duration; do
	"$FM" hist -q -i nfcapd -x $x -b 2 -O "$T/h1.csv" "$T/tree" 2>/dev/null || fail "hist $x"
	"$FM" hist -q -i csv_flow -x $x -b 2 -O "$T/h2.csv" "$T/sent.csv" || fail "hist csv $x"
	cmp -s "$T/h1.csv" "$T/h2.csv" || fail "hist -x $x of the tree differs"
done
echo "ok: series and hist of the tree equal those of the records sent"

cat >"$T/s.fms" <<X
set echo off
load tree -i nfcapd as day
export day -o csv_flow -O load.csv
hist day -x size -b 3 -O lh.csv
X
(cd "$T" && "$FM" --replay s.fms >replay.out 2>replay.err) || fail "load: $(cat "$T/replay.err")"
cmp -s "$T/load.csv" "$T/sent.csv" || fail "load: records differ"
"$FM" hist -q -i csv_flow -x size -b 3 -O "$T/lh2.csv" "$T/sent.csv"
cmp -s "$T/lh.csv" "$T/lh2.csv" || fail "hist of the loaded day differs"
echo "ok: the workbench's load reads the tree in time order"

# as nfcapd named them: collector 0 had the first slots, in its file order
n0=$(ls "$T/raw/c00" | grep -c "^nfcapd\.[0-9]\{14\}$")
[ "$n0" -ge 6 ] || fail "raw names: $(ls "$T/raw/c00" | head -3)"
"$FM" convert -q -i nfcapd -O "$T/raw.csv" "$T/raw/c00" || fail "raw convert"
head -n "$(wc -l <"$T/raw.csv")" "$T/sent.csv" | cmp -s - "$T/raw.csv" ||
	fail "files named nfcapd.YYYYMMDDhhmmss do not read in time order"
echo "ok: nfcapd.YYYYMMDDhhmmss names ($n0 files) read in time order"
exit 0
