#!/usr/bin/env bash
# nfcapd-read.sh - `-i nfcapd` and `-i nfcapd-nfdump` from the command line:
# a capture folder (corpus files plus other files, a nfcapd.current.* file,
# a subdirectory) reads in sorted order with the others skipped and named;
# a damaged file fails with one line and leaves no output; the nfdump path
# equals the native reader, warns on ZSTD files that nfdump 1.7.1 reads as
# empty, and says so plainly when nfdump is missing or lacks `-o pipe`.
set -u
: "${FLOWMODELS:?}"
D="${FM_SHARED_DATA:-}/nfcapd"
[ -f "$D/v9-none.nfcapd" ] || { echo "no nfcapd corpus: skip"; exit 77; }
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/nfcapd-read.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# a capture folder
mkdir -p "$T/caps/2015/06" "$T/caps/a-b"
cp "$D/v9-none.nfcapd" "$T/caps/2015/06/nfcapd.201506101900"
cp "$D/v9-lz4.nfcapd" "$T/caps/2015/06/nfcapd.201506101905"
cp "$D/v16-none.nfcapd" "$T/caps/a-b/nfcapd.201506101910"
cp "$D/v9-bz2.nfcapd" "$T/caps/2015/06/nfcapd.current.4242"
cp "$D/v9-none.nfcapd.csv" "$T/caps/2015/06/flows.csv"
echo "collector notes" >"$T/caps/README"
cat "$D/v9-none.nfcapd.csv" "$D/v9-lz4.nfcapd.csv" "$D/v16-none.nfcapd.csv" >"$T/expected.csv"
"$FLOWMODELS" convert -q -i nfcapd -O "$T/got.csv" "$T/caps" 2>"$T/err" || fail "folder: $(cat "$T/err")"
cmp -s "$T/expected.csv" "$T/got.csv" || fail "folder: records differ"
grep -q "nfcapd.current.4242: skipped" "$T/err" || fail "no note for nfcapd.current: $(cat "$T/err")"
grep -q "README: skipped: not an nfcapd file" "$T/err" || fail "no note for README"
grep -q "flows.csv: skipped: not an nfcapd file" "$T/err" || fail "no note for flows.csv"
echo "ok: capture folder"

# damaged: one line naming file and block, non-zero exit, no output file
head -c 3000 "$D/v9-none.nfcapd" >"$T/cut.nfcapd"
if "$FLOWMODELS" convert -q -i nfcapd -O "$T/cut.csv" "$T/cut.nfcapd" 2>"$T/err"; then
	fail "a truncated file was read without error"
fi
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line: $(cat "$T/err")"
grep -q "cut.nfcapd: block 1 of 1 (offset 40): block size .* runs past the end of the file" "$T/err" ||
	fail "unclear message: $(cat "$T/err")"
[ ! -e "$T/cut.csv" ] || fail "an output file was left behind"
echo "ok: damaged file"

# binary output of the native reader equals that of the csv path
"$FLOWMODELS" convert -q -i nfcapd -o binary -O "$T/bin" "$D/v9-lzo.nfcapd" || fail "binary output"
"$FLOWMODELS" convert -q -i binary -O "$T/bin.csv" "$T/bin" || fail "binary re-read"
cmp -s "$T/bin.csv" "$D/v9-lzo.nfcapd.csv" || fail "binary round trip differs"
echo "ok: binary output"

if command -v nfdump >/dev/null; then
	"$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/nfd.csv" "$D/v9-none.nfcapd" || fail "nfdump path"
	cmp -s "$T/nfd.csv" "$D/v9-none.nfcapd.csv" || fail "nfdump path differs"
	if nfdump -V 2>&1 | grep -q "1\.7\.[012]$"; then
		"$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/z.csv" "$D/v9-zstd.nfcapd" 2>"$T/err" ||
			fail "nfdump path on ZSTD: $(cat "$T/err")"
		grep -q "nfdump returned no flows for this ZSTD-compressed file" "$T/err" ||
			fail "no ZSTD warning: $(cat "$T/err")"
	fi
	echo "ok: nfdump path"
fi

# nfdump missing
if PATH="$T/empty" "$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/x.csv" "$D/v9-none.nfcapd" 2>"$T/err"; then
	fail "ran without nfdump"
fi
grep -q "nfdump is not installed (Debian: apt-get install nfdump)" "$T/err" || fail "missing nfdump: $(cat "$T/err")"

# an nfdump without -o pipe (as 1.7.5 and later)
mkdir -p "$T/fake"
cat >"$T/fake/nfdump" <<'EOF'
#!/bin/sh
echo "Unknown output mode: 'pipe'" >&2
exit 255
EOF
chmod +x "$T/fake/nfdump"
if PATH="$T/fake:$PATH" "$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$T/x.csv" "$D/v9-none.nfcapd" 2>"$T/err"; then
	fail "accepted an nfdump without -o pipe"
fi
grep -q "does not support '-o pipe'" "$T/err" || fail "no -o pipe message: $(cat "$T/err")"
[ ! -e "$T/x.csv" ] || fail "an output file was left behind"
echo "ok: nfdump missing / without -o pipe"
exit 0
