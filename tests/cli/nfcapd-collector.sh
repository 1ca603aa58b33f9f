#!/usr/bin/env bash
# nfcapd-collector.sh - real-collector harness (SPEC 2): Debian's nfcapd on
# 127.0.0.1 receives known NetFlow v9 records from tests/tools/nf9send.py,
# once per compression option nfcapd offers (none, -z LZO, -y LZ4, -j BZ2);
# the files it writes, read through the native reader (-i nfcapd) and through
# nfdump (-i nfcapd-nfdump), must give exactly the records sent.  Each run
# uses a free UDP port; nfcapd is started here and stopped by its PID.
# Skips (77) when nfcapd or python3 is missing.
set -u
source "$FM_SOURCE_DIR/tests/tools/collector.bash" nfcapd-collector

# run NAME COUNT SEED [nfcapd option]
run() {
	local name=$1 count=$2 seed=$3 opt=${4:-} d="$T/$1"
	nf_collect "$d/flows" "-t 3600 -I harness $opt" --count "$count" --seed "$seed" \
		--csv "$d/sent.csv" || fail "$name: sender failed: $(cat "$T/send.log")"
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
