#!/usr/bin/env bash
# Throughput of `hist` over a generated binary dataset of N records:
#   bench/bench-hist.sh [N] [BUILD_DIR]     (default N = 6500000, build/)
# Whole process (runstat: wall time, records/s, peak RSS, CPU; best of 5
# with the median, bench/lib.sh; files in the page cache) for the
# configurations of issue 6, then the in-process figures of bench-hist
# (best of 5 runs each, 1 thread and all CPUs).
# The dataset lives in $BENCH_DIR (default /tmp/fm-bench), made once by
# gen-dataset.  On a machine shared with other work, compare the best runs.
set -euo pipefail
N=${1:-6500000}
source "$(dirname "$0")/lib.sh"
bench_init "${2:-build}"
bench_dataset "$N" packets.Q octets.Q first.I first_ms.H last.I last_ms.H aggs.I prot.B
echo "records: $N   $(bench_machine)"
hist() { # LABEL ARGS...: the best of 5 whole-process runs
  local label=$1; shift
  best "$label" "$N" "$D/hist.out" "$FM" hist -q -i binary "$@" -O "$D/hist.out" "$D/gen-$N"
}
hist "hist -x length -b 12" -x length -b 12
hist "hist -x size -b 12" -x size -b 12
hist "hist -x length -b 12 --threads 1" -x length -b 12 --threads 1
hist "hist -x size -b 12 --threads 1" -x size -b 12 --threads 1
hist "hist -x length -b 12 -c duration" -x length -b 12 -c duration
hist "hist -x length -b 12 -c duration -c rate -c aggs" -x length -b 12 -c duration -c rate -c aggs
hist "hist -x length -b 12 --filter-expr 'prot == 6'" -x length -b 12 --filter-expr 'prot == 6'
rm -f "$D/hist.out"
echo "in-process (best of 5):"
"$B/bench-hist" "$D/gen-$N" 5
