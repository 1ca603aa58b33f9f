#!/usr/bin/env bash
# Throughput of `hist` over a generated binary dataset of N records:
#   bench/bench-hist.sh [N] [BUILD_DIR]     (default N = 6500000, build/)
# Whole process (runstat: wall time, records/s, peak RSS; best of 5, files
# in the page cache) for the configurations of issue 6, then the in-process
# figures of bench-hist (best of 5 runs each, 1 thread and all CPUs).
# The dataset lives in $BENCH_DIR (default /tmp/fm-bench), made once by
# gen-dataset.  On a machine shared with other work, compare the best runs.
set -euo pipefail
N=${1:-6500000}
B=$(cd "${2:-build}" && pwd)
D=${BENCH_DIR:-/tmp/fm-bench}
FM=$B/flowmodels
RS=$B/runstat
mkdir -p "$D"
[ -d "$D/gen-$N" ] || "$B/gen-dataset" "$N" "$D/gen-$N"
cat "$D/gen-$N"/{packets.Q,octets.Q,first.I,first_ms.H,last.I,last_ms.H,aggs.I,prot.B} > /dev/null
echo "records: $N   machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
best() { # LABEL ARGS...: the best of 5 whole-process runs
  local label=$1; shift
  for i in 1 2 3 4 5; do "$RS" "$label" "$N" "$FM" hist -q -i binary "$@" -O "$D/hist.out" "$D/gen-$N"; done |
    awk '{ for (i = 2; i <= NF; i++) if ($i == "s") { print $(i - 1) "\t" $0; break } }' |
    sort -n | head -1 | cut -f2-
}
best "hist -x length -b 12" -x length -b 12
best "hist -x size -b 12" -x size -b 12
best "hist -x length -b 12 --threads 1" -x length -b 12 --threads 1
best "hist -x size -b 12 --threads 1" -x size -b 12 --threads 1
best "hist -x length -b 12 -c duration" -x length -b 12 -c duration
best "hist -x length -b 12 -c duration -c rate -c aggs" -x length -b 12 -c duration -c rate -c aggs
best "hist -x length -b 12 --filter-expr 'prot == 6'" -x length -b 12 --filter-expr 'prot == 6'
rm -f "$D/hist.out"
echo "in-process (best of 5):"
"$B/bench-hist" "$D/gen-$N" 5
