#!/usr/bin/env bash
# nfcapd-collector.sh - real-collector harness (SPEC 2): Debian's nfcapd on
# 127.0.0.1 receives known NetFlow v9 records from tests/tools/nf9send.py,
# once per compression option nfcapd offers (none, -z LZO, -y LZ4, -j BZ2);
# the files it writes, read through the native reader (-i nfcapd) and through
# nfdump (-i nfcapd-nfdump), must give exactly the records sent.  Each run
# uses a free UDP port; nfcapd is started here and stopped by its PID.
# Skips (77) when nfcapd or python3 is missing.
set -u
command -v nfcapd >/dev/null || { echo "nfcapd not installed: skip"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skip"; exit 77; }
: "${FLOWMODELS:?}" "${FM_SOURCE_DIR:?}"
SEND="$FM_SOURCE_DIR/tests/tools/nf9send.py"
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/nfcapd-collector.XXXXXX")
PID=
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/nfcapd.log" ] && tail -5 "$T/nfcapd.log"; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop nfcapd (it then closes and renames its file) and wait at most 10 s
stop_nfcapd() {
	kill -TERM "$PID" 2>/dev/null || return 1
	for _ in $(seq 100); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID"
		wait "$PID" 2>/dev/null
		PID=
		return 1
	fi
	wait "$PID" 2>/dev/null
	PID=
}

# run NAME COUNT SEED [nfcapd option]
run() {
	local name=$1 count=$2 seed=$3 opt=${4:-} d="$T/$1" try port rc
	mkdir -p "$d/flows"
	for try in 1 2 3; do
		port=$(free_port)
		nfcapd -w "$d/flows" -p "$port" -b 127.0.0.1 -t 3600 -I harness $opt \
			>"$T/nfcapd.log" 2>&1 &
		PID=$!
		python3 "$SEND" --port "$port" --count "$count" --seed "$seed" \
			--csv "$d/sent.csv" --wait-bound 5 2>"$d/send.log"
		rc=$?
		if [ $rc -eq 2 ] && ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID" 2>/dev/null; PID=
			continue    # the port was taken meanwhile: another one
		fi
		break
	done
	[ $rc -eq 0 ] || fail "$name: sender failed: $(cat "$d/send.log")"
	stop_nfcapd || fail "$name: nfcapd did not stop"
	ls "$d/flows"/nfcapd.2* >/dev/null 2>&1 || fail "$name: nfcapd wrote no file"
	"$FLOWMODELS" convert -q -i nfcapd -O "$d/native.csv" "$d/flows" 2>"$d/native.err" ||
		fail "$name: native reader: $(cat "$d/native.err")"
	cmp -s "$d/sent.csv" "$d/native.csv" ||
		fail "$name: native reader: records differ from those sent ($(wc -l <"$d/native.csv") of $count lines)"
	if command -v nfdump >/dev/null; then
		"$FLOWMODELS" convert -q -i nfcapd-nfdump -O "$d/nfdump.csv" "$d/flows" 2>"$d/nfdump.err" ||
			fail "$name: nfdump path: $(cat "$d/nfdump.err")"
		cmp -s "$d/sent.csv" "$d/nfdump.csv" ||
			fail "$name: nfdump path: records differ from those sent"
	fi
	echo "ok: $name ($count flows, nfcapd ${opt:-uncompressed})"
}

# one multi-block file (nfcapd starts a block after ~1 MiB of records)
run none 16000 11
run lzo 4000 12 -z
run lz4 4000 13 -y
run bz2 4000 14 -j
# the uncompressed capture really spans several blocks
if command -v nfdump >/dev/null; then
	blocks=$(nfdump -v "$T"/none/flows/nfcapd.2* 2>/dev/null | awk '/^Data blks/ {print $NF; exit}')
	[ "${blocks:-0}" -gt 1 ] || fail "the 16000-flow capture has ${blocks:-?} data blocks, expected several"
	echo "ok: uncompressed capture has $blocks data blocks"
fi
exit 0
