#!/usr/bin/env bash
# Throughput of the record tools from the command line, over datasets made
# by gen-dataset: merge 1M, anonymize 1M, sort 6.5M by `first first_ms` and
# by `octets` (issue 3 targets: 0.15 s, 0.5 s, 0.6 s, 0.8 s).
#   bench/bench-records.sh [N] [SORT_N] [BUILD_DIR]   (defaults 1000000 6500000 build/)
# Files live in $BENCH_DIR (default /tmp/fm-bench; /dev/shm takes the disk
# out of the measurement).  Inputs are read once first so that they are in
# the page cache.  Each line gives wall time, records/s, peak RSS and the
# CPU seconds (runstat) of the best of $RUNS (default 5) runs, with the
# median wall time (bench/lib.sh).
# gen-dataset writes records in start-time order, so `sort -k first
# first_ms` of it finds them in order already (and copies the arrays); the
# last line sorts a copy shuffled by da3 (made once) to show the general
# case.
# bench-records (bench/bench-records.c) measures the same library calls
# in-process on a dataset with flows split on purpose.
set -euo pipefail
N=${1:-1000000}
NS=${2:-6500000}
KEY=boojahyoo3vaeToong0Eijee7Ahz3yee
source "$(dirname "$0")/lib.sh"
bench_init "${3:-build}"
for n in "$N" "$NS"; do bench_dataset "$n"; done
[ -d "$D/shuf-$NS" ] || "$FM" sort -q -k da3 -O "$D/shuf-$NS" "$D/gen-$NS"
cat "$D/shuf-$NS"/* > /dev/null
bench_machine
best "merge -I 15 -A 300" "$N" "$D/merge.bin" \
  "$FM" merge -q -i binary -o binary -O "$D/merge.bin" "$D/gen-$N"
best "anonymize" "$N" "$D/anon.bin" \
  "$FM" anonymize -q --key "$KEY" -i binary -o binary -O "$D/anon.bin" "$D/gen-$N"
best "sort -k first first_ms" "$NS" "$D/sort1.bin" \
  "$FM" sort -q -k first first_ms -O "$D/sort1.bin" "$D/gen-$NS"
best "sort -k octets" "$NS" "$D/sort2.bin" \
  "$FM" sort -q -k octets -O "$D/sort2.bin" "$D/gen-$NS"
best "sort -k first first_ms (shuffled)" "$NS" "$D/sort3.bin" \
  "$FM" sort -q -k first first_ms -O "$D/sort3.bin" "$D/shuf-$NS"
rm -rf "$D/merge.bin" "$D/anon.bin" "$D/sort1.bin" "$D/sort2.bin" "$D/sort3.bin"
