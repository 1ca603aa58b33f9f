#!/usr/bin/env bash
# Throughput of the record layer: convert binary->csv_flow (to a file and to
# /dev/null), csv_flow->binary, binary->binary (plain and filtered), and
# cut, over a generated dataset of N records.
#   bench/bench-io.sh [N] [BUILD_DIR]      (default N = 1000000, build/)
# Files live in $BENCH_DIR (default /tmp/fm-bench); inputs are read once
# first so that they are in the page cache.  Each line is the best of
# $RUNS (default 5) runs, with the median after it (bench/lib.sh).
set -euo pipefail
N=${1:-1000000}
source "$(dirname "$0")/lib.sh"
bench_init "${2:-build}"
bench_dataset "$N"
rm -rf "$D/out.bin" "$D/out.csv" "$D/cut.bin"
echo "records: $N   $(bench_machine)"
best "convert binary->csv_flow" "$N" "$D/out.csv" "$FM" convert -q -i binary -o csv_flow -O "$D/out.csv" "$D/gen-$N"
best "convert binary->csv_flow (to /dev/null)" "$N" /dev/null "$FM" convert -q -i binary -o csv_flow -O /dev/null "$D/gen-$N"
cat "$D/out.csv" > /dev/null
best "convert csv_flow->binary" "$N" "$D/out.bin" "$FM" convert -q -i csv_flow -o binary -O "$D/out.bin" "$D/out.csv"
rm -rf "$D/out.bin"
line=$(best "convert binary->binary" "$N" "$D/out.bin" "$FM" convert -q -i binary -o binary -O "$D/out.bin" "$D/gen-$N")
echo "$line"
obytes=$(du -cb "$D/out.bin"/* | tail -1 | cut -f1)
awk -v b="$obytes" '{ for (i = 2; i <= NF; i++) if ($i == "s") { printf "  binary->binary: %.0f MiB written at %.2f GB/s\n", b / 1048576, b / $(i - 1) / 1e9; exit } }' <<<"$line"
rm -rf "$D/out.bin"
F='(prot==6) & ((sp==443) | (dp==443))'
best "convert binary->binary --filter-expr '$F'" "$N" "$D/out.bin" "$FM" convert -q -i binary -o binary --filter-expr "$F" -O "$D/out.bin" "$D/gen-$N"
best "convert binary->csv_flow --filter-expr '$F' (to /dev/null)" "$N" /dev/null "$FM" convert -q -i binary -o csv_flow --filter-expr "$F" -O /dev/null "$D/gen-$N"
best "cut (skip-in 10, all the rest)" "$N" "$D/cut.bin" "$FM" cut -q --skip-in 10 -O "$D/cut.bin" "$D/gen-$N"
bytes=$(du -cb "$D/gen-$N"/* | tail -1 | cut -f1)
echo "dataset size: $((bytes / 1048576)) MiB ($((bytes / N)) bytes/record)"
rm -rf "$D/out.bin" "$D/out.csv" "$D/cut.bin"
