# bench/lib.sh - sourced by the bench scripts.
#
# bench_init BUILD_DIR: sets B (the build directory, absolute), FM (its
# flowmodels), RS (its runstat) and D ($BENCH_DIR, default /tmp/fm-bench,
# where datasets and outputs live; made if missing).
bench_init() {
  B=$(cd "${1:-build}" && pwd)
  FM=$B/flowmodels
  RS=$B/runstat
  D=${BENCH_DIR:-/tmp/fm-bench}
  mkdir -p "$D"
}

# bench_dataset N [FILE...]: $D/gen-N made once by gen-dataset, then its
# field files (all, or the FILEs named) read so that they are in the page
# cache.
bench_dataset() {
  local n=$1 f; shift
  [ -d "$D/gen-$n" ] || "$B/gen-dataset" "$n" "$D/gen-$n"
  if [ $# -eq 0 ]; then
    cat "$D/gen-$n"/* > /dev/null
  else
    for f in "$@"; do cat "$D/gen-$n/$f"; done > /dev/null
  fi
}

# bench_machine: one line naming the cores, the CPU model and the load
# average, to go with every figure.
bench_machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
#
# best LABEL RECORDS OUTPUT COMMAND...: run COMMAND $RUNS times (default
# 5) under runstat, each time into a fresh OUTPUT (removed before;
# /dev/null is left alone), and print the line of the fastest run with the
# median wall time after it.  The last run's output stays.  On a virtual
# machine that hands freed memory back to its host (free page reporting),
# the first touch of fresh pages, such as a new output file's page cache,
# also costs a fault on the host, so single runs vary a lot; the best and
# the median say more.  One untimed run comes first: this VM's kernel
# pages out memory left idle for about a minute (DAMON
# proactive reclaim, up to 128 MB/s), so an input read a while ago may
# be gone from the page cache.
best() {
  local label=$1 n=$2 out=$3; shift 3
  local i
  [ "$out" = /dev/null ] || rm -rf "$out"
  "$@" > /dev/null 2>&1 || true
  for i in $(seq "${RUNS:-5}"); do
    [ "$out" = /dev/null ] || rm -rf "$out"
    "$RS" "$label" "$n" "$@"
  done | awk '{ for (i = 2; i <= NF; i++) if ($i == "s") { print $(i - 1) "\t" $0; break } }' |
    sort -n | awk -F'\t' '{ t[NR] = $1; l[NR] = $2 }
      END { printf "%s   (median %.3f s)\n", l[1], t[int((NR + 1) / 2)] }'
}
