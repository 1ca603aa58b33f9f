#!/usr/bin/env bash
# Bounded memory (issue 24): hist, sort, merge, series and generate on the
# 6.5M-record dataset (bench/gen-dataset, made here; 480 MB) inside a
# memory cgroup of 32 MB that this test makes (cgroup v2 memory.max or
# v1 memory.limit_in_bytes, as a child of the test's own cgroup), with
# outputs identical to unlimited runs: merge also with --memory 16K (its
# cached records wait on disk) and with 500K records waiting there; sort
# also reusing its -I index, which is not loaded; series-days: series of
# 1M records over 40 days (110 MB of days: more than the limit), in time
# order, and of 300K in random day order (sorted by sa3), against the
# series a session keeps whole in memory, unlimited.  Skipped (77),
# saying why, where no such cgroup can be made (not root, no memory
# controller) and in the ASan build (ASan alone needs more than 32 MB).
source "$(dirname "$0")/../cli/lib.bash"
GEN=${FM_BUILD_DIR:?}/gen-dataset
LIMIT=$((32 << 20))
N=${FM_SCALE_RECORDS:-6517484}
# the tools that run inside the limit (FM_SCALE_TOOLS picks some)
TOOLS=${FM_SCALE_TOOLS:-"hist sort sort-reuse merge series series-days generate"}

if [ "${FM_SANITIZE:-OFF}" = ON ]; then
  echo "SKIP: sanitizer build (ASan alone needs more than 32 MB)"; exit 77
fi
[ -x "$GEN" ] || { echo "SKIP: no $GEN"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: making a memory cgroup needs root"; exit 77; }

# Our own memory cgroup: v2 ("0::/path" with the memory controller) or v1
# (a line "N:...memory...:/path" and where that hierarchy is mounted).
CG="" CGV=""
v2root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
v2path=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
if [ -n "$v2root" ] && [ -n "$v2path" ] && grep -qw memory "$v2root$v2path/cgroup.controllers" 2>/dev/null; then
  parent=$v2root${v2path%/}
  if grep -qw memory "$parent/cgroup.subtree_control" 2>/dev/null ||
     echo +memory > "$parent/cgroup.subtree_control" 2>/dev/null; then
    CG=$parent/fm-scale-$$ CGV=2
  fi
fi
if [ -z "$CG" ]; then
  v1root=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ { print $5; exit }' /proc/self/mountinfo)
  v1path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
  if [ -n "$v1root" ] && [ -n "$v1path" ] && [ -d "$v1root$v1path" ]; then
    CG=$v1root${v1path%/}/fm-scale-$$ CGV=1
  fi
fi
[ -n "$CG" ] || { echo "SKIP: no cgroup v2 memory controller or v1 memory hierarchy to make a memory cgroup in"; exit 77; }
mkdir "$CG" 2>/dev/null || { echo "SKIP: cannot make the cgroup $CG"; exit 77; }
trap 'rmdir "$CG" 2>/dev/null; rm -rf "$T"' EXIT
if [ $CGV = 2 ]; then
  echo $LIMIT > "$CG/memory.max" || { echo "SKIP: cannot set $CG/memory.max"; exit 77; }
  [ -e "$CG/memory.swap.max" ] && echo 0 > "$CG/memory.swap.max"
else
  echo $LIMIT > "$CG/memory.limit_in_bytes" || { echo "SKIP: cannot set $CG/memory.limit_in_bytes"; exit 77; }
  [ -e "$CG/memory.memsw.limit_in_bytes" ] && echo $LIMIT > "$CG/memory.memsw.limit_in_bytes" 2>/dev/null
fi
# limited CMD...: run CMD inside the cgroup
limited() { bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG" "$@"; }
# the limit holds: 64 MB of anonymous memory is refused there
if limited python3 -c 'x = b"x" * (64 << 20)' 2>/dev/null; then
  echo "SKIP: the cgroup $CG does not limit memory (64 MB allocated under a 32 MB limit)"; exit 77
fi
echo "cgroup v$CGV: $CG, limit $LIMIT bytes; tools: $TOOLS"

t0=$(date +%s)
"$GEN" "$N" "$T/ds" 2>/dev/null
# run NAME OUT CMD...: CMD unlimited into OUT.free (unless REF names the
# unlimited output to compare with), limited into OUT.lim
run() {
  local name=$1 out=$2 ref=${REF:-$2.free}; shift 2
  rm -rf "$out.lim"
  if [ -z "${REF:-}" ]; then
    rm -rf "$out.free"
    "$@" "$out.free" > /dev/null 2>&1 || { bad "$name: failed without a limit"; return; }
  fi
  local rc=0 s=$SECONDS
  limited "$@" "$out.lim" > /dev/null 2> "$T/$name.err" || rc=$?
  if [ $rc -ne 0 ]; then
    bad "$name: exit $rc under the 32 MB limit ($( [ $rc = 137 ] && echo killed || tail -1 "$T/$name.err"))"
    return
  fi
  if diff -r "$ref" "$out.lim" > /dev/null; then ok; else bad "$name: output under the limit differs"; fi
  echo "$name: $((SECONDS - s)) s under the limit"
}
for tool in $TOOLS; do
  case $tool in
    hist) run hist "$T/h" "$FM" hist -q -i binary -x size -b 12 -c duration -c rate -c aggs "$T/ds" -O ;;
    sort) run sort "$T/so" "$FM" sort -q -i binary -k sa3 -k first "$T/ds" -O ;;
    sort-reuse)
      # the unlimited run saves the index (26 MB), the limited one reuses
      # it without loading it (its inverse, then the external sort)
      rm -f "$T"/idx.*
      run sort-reuse "$T/sr" "$FM" sort -i binary -k sa3 -k first -I "$T/idx" "$T/ds" -O
      grep -q "reused index $T/idx.I" "$T/sort-reuse.err" && ok || bad "sort-reuse: the index was not reused: $(cat "$T/sort-reuse.err")"
      rm -f "$T"/idx.* ;;
    merge)
      run merge "$T/m" "$FM" merge -q -i binary -o binary "$T/ds" -O
      # a budget of 40 records: most cached records wait on disk
      REF=$T/m.free run merge-spill "$T/ms" "$FM" merge -q -i binary -o binary --memory 16K "$T/ds" -O
      # active = inactive timeout: every record waits in the cache, 500K
      # of them; with --memory 4M nearly all on disk (an index of 24 MB
      # in memory before: killed here)
      rm -rf "$T"/*.free
      "$FM" merge -q -i binary -o binary -I 15 -A 15 --count-in 500000 "$T/ds" -O "$T/mb.ref" ||
        bad "merge-spill-big: failed without a limit"
      REF=$T/mb.ref run merge-spill-big "$T/mb" "$FM" merge -q -i binary -o binary -I 15 -A 15 --count-in 500000 --memory 4M "$T/ds" -O
      rm -rf "$T/mb.ref" ;;
    series) run series "$T/s" "$FM" series -q -i binary "$T/ds" -O ;;
    series-days)
      # (in random day order a day moves out for almost every record:
      # fewer records keep that case short)
      "$GEN" 1000000 "$T/ds40" 1 960 2>/dev/null
      "$GEN" 300000 "$T/ds40s" 2 960 2>/dev/null
      "$FM" sort -q -i binary -k sa3 "$T/ds40s" -O "$T/ds40r"
      # the references: a session's series object, every day in memory
      for d in ds40 ds40r; do
        printf 'set echo off\nseries -i binary %s -O %s\n' "$T/$d" "$T/$d.ref" > "$T/s40.fms"
        "$FM" --replay --allow-outside "$T/s40.fms" > /dev/null 2>&1 || bad "series-days: the session's series of $d failed"
        [ "$(ls "$T/$d.ref" | wc -l)" -ge 120 ] && ok || bad "series-days: not 40 days in $T/$d.ref"
      done
      REF=$T/ds40.ref run series-days "$T/s40" "$FM" series -q -i binary "$T/ds40" -O
      REF=$T/ds40r.ref run series-days-random "$T/s40r" "$FM" series -q -i binary "$T/ds40r" -O
      rm -rf "$T"/ds40* ;;
    generate)
      "$FM" hist -q -i binary -x size -b 12 "$T/ds" -O "$T/size.csv"
      run generate "$T/g" "$FM" generate -q -s "$N" --seed 7 -x size -o binary "$T/size.csv" -O ;;
    *) bad "unknown tool $tool" ;;
  esac
  # keep the disk use down: the free run's output stays for no later step
  rm -rf "$T"/*.free "$T"/*.lim
done
echo "total $(($(date +%s) - t0)) s"
finish
