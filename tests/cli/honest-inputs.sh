#!/usr/bin/env bash
# Honest inputs (docs/formats.md "Honest inputs"): a directory that
# expands to no capture files is an error; a pcap given as nfcapd is named
# for what it is; --skip-damaged goes on past a damaged capture file with a
# warning and a count, and its records equal those of the good files alone.
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-honest.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error NAME MESSAGE ARGS...: non-zero exit, MESSAGE on stderr, no stdout
expect_error() {
	local name=$1 msg=$2
	shift 2
	if "$FLOWMODELS" "$@" > "$T/out" 2> "$T/err"; then
		fail "$name: exit status 0"
	fi
	grep -qF -- "$msg" "$T/err" || fail "$name: message: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$name: output written"
}

mkdir -p "$T/empty" "$T/logs"
echo "nfcapd: started" > "$T/logs/collector.log"
expect_error "empty dir" "$T/empty: no files in this directory" \
	hist -x length -b 0 "$T/empty"
expect_error "empty dir, csv" "$T/empty: no files in this directory" \
	convert -i csv_flow "$T/empty"
expect_error "logs only" "$T/logs: no capture files in this directory (1 other file skipped)" \
	hist -x length -b 0 "$T/logs"
# a pcap (classic and ng magic), named or in the directory
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$T/x.pcap"
printf '\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a' > "$T/y.pcapng"
expect_error "pcap" "$T/x.pcap: this is a pcap capture: make flows from it with nfpcapd or softflowd first" \
	convert "$T/x.pcap"
expect_error "pcapng" "this is a pcapng capture" convert "$T/y.pcapng"
cp "$T/x.pcap" "$T/logs/"
expect_error "logs and pcap" "(2 other files skipped)" convert "$T/logs"
grep -qF "$T/logs/x.pcap: skipped: this is a pcap capture" "$T/err" || fail "pcap in a directory: $(cat "$T/err")"

D=${FM_SHARED_DATA:-}/nfcapd
[ -f "$D/sample.nfcapd" ] || { echo "nfcapd corpus absent: skipping the rest"; exit 77; }
mkdir -p "$T/coll" "$T/good"
cp "$D/sample.nfcapd" "$T/coll/nfcapd.201506101900"
cp "$D/v5-none.nfcapd" "$T/coll/nfcapd.201506101910"
head -c 3000 "$D/sample.nfcapd" > "$T/coll/nfcapd.201506101905"   # truncated block
cp "$T/coll/nfcapd.201506101900" "$T/coll/nfcapd.201506101910" "$T/good/"
# strict by default: the damaged file stops the run, naming it
expect_error "strict" "nfcapd.201506101905: block 1 of 1" convert "$T/coll"
# --skip-damaged: the good files' records, one warning per file and a count
"$FLOWMODELS" convert --skip-damaged "$T/coll" > "$T/got" 2> "$T/err" || fail "skip-damaged: $(cat "$T/err")"
"$FLOWMODELS" convert -q "$T/good" > "$T/want"
[ -s "$T/want" ] || fail "the good files hold no records"
cmp -s "$T/want" "$T/got" || fail "skip-damaged: records differ from the good files'"
grep -qF "warning: skipped a damaged input: $T/coll/nfcapd.201506101905: block 1 of 1" "$T/err" \
	|| fail "damaged warning: $(cat "$T/err")"
grep -qF "warning: 1 damaged input skipped of 3 (--skip-damaged)" "$T/err" || fail "count: $(cat "$T/err")"
# the same through hist (the scan path) and with every input damaged
"$FLOWMODELS" hist -q --skip-damaged -x length -b 0 "$T/coll" > "$T/h1" 2>/dev/null || fail "hist --skip-damaged"
"$FLOWMODELS" hist -q -x length -b 0 "$T/good" | cmp -s - "$T/h1" || fail "hist --skip-damaged: histogram differs"
mkdir -p "$T/bad"
head -c 3000 "$D/sample.nfcapd" > "$T/bad/nfcapd.1"
head -c 100 "$D/sample.nfcapd" > "$T/bad/nfcapd.2"
expect_error "all damaged" "every input was damaged (2 skipped): no records" convert --skip-damaged "$T/bad"
# a damaged csv in a directory of csv files: the same rules
mkdir -p "$T/csv"
printf '2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1\n' > "$T/csv/a.csv"
printf '2, 6, 0, 0\n' > "$T/csv/b.csv"
expect_error "csv strict" "b.csv:1" convert -i csv_flow "$T/csv"
"$FLOWMODELS" convert -q -i csv_flow --skip-damaged "$T/csv" 2>/dev/null | cmp -s - "$T/csv/a.csv" \
	|| fail "csv --skip-damaged"
echo ok
