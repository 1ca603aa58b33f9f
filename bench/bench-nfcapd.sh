#!/usr/bin/env bash
# Native nfcapd reader vs the nfdump path on real captures: Debian's nfcapd
# on 127.0.0.1 records N flows sent by tests/tools/nf9send.py (paced on the
# collector's receive queue, so nothing is dropped; checked), once
# uncompressed and once with LZ4 (-y).  Then, per capture:
#   - decode only (bench-nfcapd: every record through fm_reader, 21 columns)
#   - convert to binary: -i nfcapd (native) and -i nfcapd-nfdump, twice each
# Records of both paths are compared.
#   bench/bench-nfcapd.sh [N] [BUILD_DIR]     (default N = 3000000, build/)
# Captures are kept in $BENCH_DIR (default /tmp/fm-bench) and reused.
set -euo pipefail
N=${1:-3000000}
S=$(cd "$(dirname "$0")/.." && pwd)
source "$S/bench/lib.sh"
bench_init "${2:-build}"

capture() { # NAME [nfcapd option]
  local dir="$D/nfcapd-$1-$N" port pid
  if ls "$dir"/nfcapd.2* >/dev/null 2>&1; then return 0; fi
  rm -rf "$dir"; mkdir -p "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nfcapd -w "$dir" -p "$port" -b 127.0.0.1 -t 86400 -I bench -B 4000000 ${2:-} >"$D/nfcapd.log" 2>&1 &
  pid=$!
  if ! python3 "$S/tests/tools/nf9send.py" --port "$port" --count "$N" --seed 7 --wait-bound 5; then
    kill -TERM "$pid"; wait "$pid" || true
    echo "capture failed" >&2; exit 1
  fi
  kill -TERM "$pid"; wait "$pid" || true
}

echo "flows: $N   $(bench_machine)"
for c in none lz4; do
  opt=; [ $c = lz4 ] && opt=-y
  t0=$(date +%s.%N); capture $c $opt; t1=$(date +%s.%N)
  dir="$D/nfcapd-$c-$N"
  files=$(ls "$dir"/nfcapd.2*)
  bytes=$(cat $files | wc -c)
  blocks=$(nfdump -v $files 2>/dev/null | awk '/^Data blks/ {s += $NF} END {print s}')
  echo "== $c: $(echo $files | wc -w) file(s), $((bytes / 1048576)) MiB, ${blocks:-?} data blocks (capture took $(printf %.1f "$(echo "$t1 - $t0" | bc)") s)"
  cat $files >/dev/null
  "$B/bench-nfcapd" -r 3 $files
  rm -rf "$D/out-native" "$D/out-nfdump"
  # twice each (the first run of a series also pays for writeback of older
  # files); the notes about widened inif/outif columns go to $D/convert.err
  for run in 1 2; do
    rm -rf "$D/out-native" "$D/out-nfdump"
    "$RS" "convert -i nfcapd -o binary ($run)" "$N" "$FM" convert -q -i nfcapd -o binary -O "$D/out-native" $files 2>"$D/convert.err"
    "$RS" "convert -i nfcapd-nfdump -o binary ($run)" "$N" "$FM" convert -q -i nfcapd-nfdump -o binary -O "$D/out-nfdump" $files 2>"$D/convert.err"
  done
  for f in "$D/out-native"/*; do
    cmp -s "$f" "$D/out-nfdump/$(basename "$f")" || { echo "MISMATCH: $(basename "$f")"; exit 1; }
  done
  echo "   both paths give identical binary output"
  rm -rf "$D/out-native" "$D/out-nfdump"
done
