#!/usr/bin/env bash
# `top` against `hist -b 0` over the same generated binary dataset of N
# records:  bench/bench-top.sh [N] [BUILD_DIR]   (default N = 2000000, build/)
# Whole process (runstat: wall time, records/s, peak RSS, CPU; best of 5
# with the median, bench/lib.sh; files in the page cache).  The two
# commands alternate, round after round, so that a change in the shared
# machine's load hits both.  `top sa` on gen-dataset data has about half
# as many groups as records (a hash table far larger than the caches);
# `top proto` a handful.  The dataset lives in $BENCH_DIR (default
# /tmp/fm-bench), made once by gen-dataset.
set -euo pipefail
N=${1:-2000000}
B=$(cd "${2:-build}" && pwd)
D=${BENCH_DIR:-/tmp/fm-bench}
FM=$B/flowmodels
RS=$B/runstat
mkdir -p "$D"
[ -d "$D/gen-$N" ] || "$B/gen-dataset" "$N" "$D/gen-$N"
cat "$D/gen-$N"/* > /dev/null
echo "records: $N   machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
source "$(dirname "$0")/lib.sh"
for round in 1 2; do
  echo "round $round:"
  best "hist -b 0" "$N" "$D/top.out" "$FM" hist -q -i binary -b 0 -O "$D/top.out" "$D/gen-$N"
  best "top sa" "$N" "$D/top.out" "$FM" top -q -i binary sa -O "$D/top.out" "$D/gen-$N"
  best "top sa --threads 1" "$N" "$D/top.out" "$FM" top -q -i binary sa --threads 1 -O "$D/top.out" "$D/gen-$N"
  best "top sa,dp" "$N" "$D/top.out" "$FM" top -q -i binary sa,dp -O "$D/top.out" "$D/gen-$N"
  best "top port" "$N" "$D/top.out" "$FM" top -q -i binary port -O "$D/top.out" "$D/gen-$N"
  best "top proto" "$N" "$D/top.out" "$FM" top -q -i binary proto -O "$D/top.out" "$D/gen-$N"
done
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
rm -f "$D/top.out"
