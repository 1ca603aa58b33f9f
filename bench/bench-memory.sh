#!/usr/bin/env bash
# Peak memory of every record tool as a function of input size
# (docs/scale.md): each tool runs once under bench/peakmem on gen-dataset
# datasets of the given sizes, and a line gives its wall time, maxrss
# (what /usr/bin/time -v calls "Maximum resident set size": it counts the
# pages of memory-mapped input files, which the kernel drops under memory
# pressure) and its peak private memory (anonymous pages: what the tool
# itself holds).
#   bench/bench-memory.sh [BUILD_DIR] [N...]   (defaults build/ 1000000 4000000 16000000)
# Files live in $BENCH_DIR (default /tmp/fm-bench-mem; removed at the end
# unless KEEP=1).  Runs nice'd.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 4000000 16000000)
D=${BENCH_DIR:-/tmp/fm-bench-mem}
FM=$B/flowmodels
PM=$B/peakmem
KEY=boojahyoo3vaeToong0Eijee7Ahz3yee
mkdir -p "$D"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$D"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %10s %9s %11s %13s\n' tool records "wall s" "maxrss MiB" "private MiB"
# one NAME N OUT CMD...: run CMD under peakmem, print a table line (OUT,
# removed before and after, is - when CMD writes to stdout)
one() {
  local name=$1 n=$2 out=$3 line; shift 3
  [ "$out" = - ] || rm -rf "$out"
  line=$(nice "$PM" "$@" 2>&1 > /dev/null | tail -1)
  [ "$out" = - ] || rm -rf "$out"
  awk -v t="$name" -v n="$n" '{ printf "%-10s %10d %9.2f %11.1f %13.1f\n", t, n, $2, $5, $9 }' <<< "$line"
}
for n in "${SIZES[@]}"; do
  ds=$D/gen-$n
  [ -d "$ds" ] || nice "$B/gen-dataset" "$n" "$ds" 2> /dev/null
  nice "$FM" hist -q -i binary -x size -b 12 "$ds" > "$D/size.csv"
  one convert "$n" "$D/o" "$FM" convert -q -i binary -o binary --filter-expr '(prot == 6) & (dp == 443)' -O "$D/o" "$ds"
  one cut "$n" "$D/o" "$FM" cut -q --skip-in $((n / 4)) --count-in $((n / 2)) -O "$D/o" "$ds"
  one merge "$n" "$D/o" "$FM" merge -q -i binary -o binary -O "$D/o" "$ds"
  one sort "$n" "$D/o" "$FM" sort -q -i binary -k sa3 -k first -O "$D/o" "$ds"
  one anonymize "$n" "$D/o" "$FM" anonymize -q --key "$KEY" -i binary -o binary -O "$D/o" "$ds"
  one hist "$n" - "$FM" hist -q -i binary -x size -b 12 -c duration -c rate "$ds"
  one series "$n" "$D/o" "$FM" series -q -i binary -O "$D/o" "$ds"
  one top "$n" - "$FM" top -q -i binary dp "$ds"
  one generate "$n" "$D/o" "$FM" generate -q -s "$n" -x size -o binary -O "$D/o" "$D/size.csv"
  rm -rf "$ds"
done
