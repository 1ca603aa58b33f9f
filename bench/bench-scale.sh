#!/usr/bin/env bash
# Scale benchmark (issue 24, docs/scale.md): on gen-dataset datasets of
# each size given (default 1M, 10M and 100M records; 100M is 7.4 GB), run
# convert with a filter, hist, sort, merge and series, each once under
# bench/peakmem, and right before it `cat` of the column files it reads
# (the physical floor of this machine for that command, measured in the
# same run).  One line per command and size: wall time, CPU time (user +
# system: what to compare when the machine is shared), ns per record,
# maxrss and peak private memory, and the ratio of the time to cat's.  A
# last table gives ns per record by size for each command: linear in N
# when the column stays flat.
#   bench/bench-scale.sh [BUILD_DIR] [N...]
# Files live in $BENCH_DIR (default /tmp/fm-bench-scale), each dataset
# removed after its runs.  Everything runs nice'd (the machine may be
# shared); set NICE= to run at normal priority.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 10000000 100000000)
D=${BENCH_DIR:-/tmp/fm-bench-scale}
FM=$B/flowmodels
PM=$B/peakmem
NICE=${NICE-nice}
mkdir -p "$D"
trap 'rm -rf "$D"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem/ { print $2 }') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-9s %11s %9s %8s %7s %9s %8s %9s %10s %7s\n' command records "wall s" "cpu s" ns/rec "maxrss" private "cat s" "cat MB" ratio
ALL="af prot inif outif sa0 sa1 sa2 sa3 da0 da1 da2 da3 sp dp first first_ms last last_ms packets octets aggs"
# cols DS FIELD...: the files of those fields
cols() { local ds=$1 f; shift; for f in "$@"; do ls "$ds/$f".?; done; }
# one NAME N DS OUT "FIELDS" CMD...: cat the FIELDS' files, then CMD
one() {
  local name=$1 n=$2 ds=$3 out=$4 fields=$5 files c0 c1 mb line; shift 5
  files=$(cols "$ds" $fields)
  mb=$(du -cm $files | tail -1 | cut -f1)
  c0=$(date +%s.%N); $NICE cat $files > /dev/null; c1=$(date +%s.%N)
  [ "$out" = - ] || rm -rf "$out"
  line=$($NICE "$PM" "$@" 2>&1 > /dev/null | tail -1)
  [ "$out" = - ] || rm -rf "$out"
  awk -v t="$name" -v n="$n" -v c="$(echo "$c1 - $c0" | bc)" -v mb="$mb" '{
    printf "%-9s %11d %9.2f %8.2f %7.1f %7.0fMi %6.1fMi %9.2f %10d %7.2f\n", t, n, $2, $16, $2 * 1e9 / n, $5, $9, c, mb, $2 / c
    printf "%s %d %.3f %.3f\n", t, n, $2 * 1e9 / n, $16 * 1e9 / n >> "'"$D"'/linear" }' <<< "$line"
}
for n in "${SIZES[@]}"; do
  ds=$D/gen-$n
  $NICE "$B/gen-dataset" "$n" "$ds" 2> /dev/null
  one convert "$n" "$ds" "$D/o" "$ALL" "$FM" convert -q -i binary -o binary \
    --filter-expr '(prot == 6) & (dp == 443)' -O "$D/o" "$ds"
  one hist "$n" "$ds" - "packets octets" "$FM" hist -q -i binary -x size -b 12 "$ds"
  one sort "$n" "$ds" "$D/o" "$ALL" "$FM" sort -q -i binary -k sa3 -k first -O "$D/o" "$ds"
  one merge "$n" "$ds" "$D/o" "$ALL" "$FM" merge -q -i binary -o binary -O "$D/o" "$ds"
  one series "$n" "$ds" "$D/o" "first first_ms last last_ms packets octets" \
    "$FM" series -q -i binary -O "$D/o" "$ds"
  rm -rf "$ds"
done
echo
# table COLUMN TITLE: ns per record by size from column COLUMN of linear
table() {
  echo "$2"
  awk -v c="$1" '{ v[$1, $2] = $c; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }
         if (!($2 in sn)) { sn[$2] = 1; sizes[++m] = $2 } }
    END { printf "%-9s", "command"; for (j = 1; j <= m; j++) printf " %12d", sizes[j]; print ""
          for (i = 1; i <= k; i++) { printf "%-9s", order[i]
            for (j = 1; j <= m; j++) printf " %12.1f", v[order[i], sizes[j]]; print "" } }' "$D/linear"
}
table 3 "wall ns per record by size (linear in N: the same across a row):"
table 4 "CPU ns per record by size (what to compare on a shared machine):"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
