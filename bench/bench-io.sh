#!/usr/bin/env bash
# Throughput of the record layer: convert binary->csv_flow (to a file and to
# /dev/null), csv_flow->binary, binary->binary (plain and filtered), and
# cut, over a generated dataset of N records.
#   bench/bench-io.sh [N] [BUILD_DIR]      (default N = 1000000, build/)
# Files live in $BENCH_DIR (default /tmp/fm-bench); inputs are read once
# first so that they are in the page cache.  Each line is the best of
# $RUNS (default 5) runs, with the median after it: on a virtual machine
# that hands freed memory back to its host (free page reporting), the first
# touch of fresh pages, such as a new output file's page cache, costs a
# fault on the host too, so single runs vary a lot.
set -euo pipefail
N=${1:-1000000}
B=$(cd "${2:-build}" && pwd)
D=${BENCH_DIR:-/tmp/fm-bench}
FM=$B/flowmodels
RS=$B/runstat
mkdir -p "$D"
if [ ! -d "$D/gen-$N" ]; then
  "$B/gen-dataset" "$N" "$D/gen-$N"
fi
cat "$D/gen-$N"/* > /dev/null
RUNS=${RUNS:-5}
rm -rf "$D/out.bin" "$D/out.csv" "$D/cut.bin"
# best LABEL OUTPUT COMMAND...: the best of $RUNS runs, each into a fresh
# OUTPUT; the last run's output stays
best() {
  local label=$1 out=$2; shift 2
  for i in $(seq "$RUNS"); do
    [ "$out" = /dev/null ] || rm -rf "$out"
    "$RS" "$label" "$N" "$@"
  done | awk '{ for (i = 2; i <= NF; i++) if ($i == "s") { print $(i - 1) "\t" $0; break } }' |
    sort -n | awk -F'\t' '{ t[NR] = $1; l[NR] = $2 } END { printf "%s   (median %.3f s)\n", l[1], t[int((NR + 1) / 2)] }'
}
echo "records: $N   machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
best "convert binary->csv_flow" "$D/out.csv" "$FM" convert -q -i binary -o csv_flow -O "$D/out.csv" "$D/gen-$N"
best "convert binary->csv_flow (to /dev/null)" /dev/null "$FM" convert -q -i binary -o csv_flow -O /dev/null "$D/gen-$N"
cat "$D/out.csv" > /dev/null
best "convert csv_flow->binary" "$D/out.bin" "$FM" convert -q -i csv_flow -o binary -O "$D/out.bin" "$D/out.csv"
rm -rf "$D/out.bin"
best "convert binary->binary" "$D/out.bin" "$FM" convert -q -i binary -o binary -O "$D/out.bin" "$D/gen-$N"
rm -rf "$D/out.bin"
F='(prot==6) & ((sp==443) | (dp==443))'
best "convert binary->binary --filter-expr '$F'" "$D/out.bin" "$FM" convert -q -i binary -o binary --filter-expr "$F" -O "$D/out.bin" "$D/gen-$N"
best "convert binary->csv_flow --filter-expr '$F' (to /dev/null)" /dev/null "$FM" convert -q -i binary -o csv_flow --filter-expr "$F" -O /dev/null "$D/gen-$N"
best "cut (skip-in 10, all the rest)" "$D/cut.bin" "$FM" cut -q --skip-in 10 -O "$D/cut.bin" "$D/gen-$N"
bytes=$(du -cb "$D/gen-$N"/* | tail -1 | cut -f1)
echo "dataset size: $((bytes / 1048576)) MiB ($((bytes / N)) bytes/record)"
rm -rf "$D/out.bin" "$D/out.csv" "$D/cut.bin"
