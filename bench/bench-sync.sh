#!/usr/bin/env bash
# The cost of durability (docs/safety.md#durability): convert
# binary->binary, convert binary->csv_flow and hist -O FILE over a
# generated dataset of N records, each with the default fsync of every
# output (before and after its rename) and with --no-sync.
#   bench/bench-sync.sh [N] [BUILD_DIR]      (default N = 1000000, build/)
# Files live in $BENCH_DIR (default /tmp/fm-bench); each line is the best
# of $RUNS (default 5) runs with the median after it (bench/lib.sh).  The
# figure depends on the disk more than on the CPU: a run that fsyncs waits
# until its output has reached the device.
set -euo pipefail
N=${1:-1000000}
source "$(dirname "$0")/lib.sh"
bench_init "${2:-build}"
bench_dataset "$N"
echo "records: $N   $(bench_machine)"
echo "file system of $D: $(df -T "$D" | awk 'NR == 2 { print $2 " on " $1 }')"
for sync in "" --no-sync; do
  tag=${sync:-sync}
  best "convert binary->binary ($tag)" "$N" "$D/sync.bin" "$FM" convert -q $sync -i binary -o binary -O "$D/sync.bin" "$D/gen-$N"
  best "convert binary->csv_flow ($tag)" "$N" "$D/sync.csv" "$FM" convert -q $sync -i binary -o csv_flow -O "$D/sync.csv" "$D/gen-$N"
  best "hist -O FILE ($tag)" "$N" "$D/sync-hist.csv" "$FM" hist -q $sync -i binary -O "$D/sync-hist.csv" "$D/gen-$N"
done
echo "output sizes: binary $(du -sb --apparent-size "$D/sync.bin" | cut -f1) B, csv_flow $(stat -c %s "$D/sync.csv") B"
rm -rf "$D/sync.bin" "$D/sync.csv" "$D/sync-hist.csv"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
