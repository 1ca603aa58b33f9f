#!/usr/bin/env bash
# `top` against `hist -b 0` over the same N records (binary, and nfcapd):
#   bench/bench-top.sh [N] [BUILD_DIR]   (default N = 2000000, build/)
# Two datasets of gen-dataset, made once in $BENCH_DIR (default
# /tmp/fm-bench):
#   gen-N      IPv4 only; half the flows go to a random server address,
#              so `top sa` has about half as many groups as records;
#   capture-N  addresses as a real capture has them (gen-dataset's
#              `capture`): a fifth IPv6, hosts of power-law popularity,
#              about a third as many `sa` groups as records;
#   capture-N.nfcapd  the same records as an nfcapd file (LZ4, as nfcapd
#              writes them; `convert -o nfcapd`): what an operator points
#              `top` at, where both commands decompress and decode first.
# Each dataset gets $RUNS rounds (default 5); a round runs every command
# once, in turn, under runstat, so that a change of the shared machine's
# load hits all of them.  Printed for each command: its least wall time
# and least CPU time (user + sys) over the rounds, each as a ratio to
# hist's (issue 28's goal: within 2x), and its peak RSS.  Files in the
# page cache.  Then the floor under `top sa` on each dataset (bench-topfloor:
# the least a hash aggregation of its groups costs, in-process).  Note the
# load average printed before and after.
set -euo pipefail
N=${1:-2000000}
source "$(dirname "$0")/lib.sh"
bench_init "${2:-build}"
[ -d "$D/gen-$N" ] || "$B/gen-dataset" "$N" "$D/gen-$N"
[ -d "$D/capture-$N" ] || "$B/gen-dataset" "$N" "$D/capture-$N" 1 capture
[ -f "$D/capture-$N.nfcapd" ] ||
  "$FM" convert -q -i binary -o nfcapd -O "$D/capture-$N.nfcapd" "$D/capture-$N"
echo "records: $N   $(bench_machine) (before)"
cmds=(
  "hist -b 0|hist -q -i binary -b 0"
  "top proto|top -q -i binary proto"
  "top sa --threads 1|top -q -i binary sa --threads 1"
  "top sa --threads 2|top -q -i binary sa --threads 2"
  "top sa|top -q -i binary sa"
  "top da --threads 1|top -q -i binary da --threads 1"
  "top sa,dp --threads 1|top -q -i binary sa,dp --threads 1"
  "top sa,dp --threads 2|top -q -i binary sa,dp --threads 2"
)
for set in gen capture capture.nfcapd; do
  in="$D/${set%.*}-$N" fmt=binary
  [ "$set" = capture.nfcapd ] && in="$D/capture-$N.nfcapd" fmt=nfcapd
  cat "$in" "$in"/* > /dev/null 2>&1 || true
  echo "dataset $set-$N: $("$FM" top -i "$fmt" sa -n 1 "$in" 2>&1 >/dev/null | sed 's/ in .*//')"
  for round in $(seq "${RUNS:-5}"); do
    for c in "${cmds[@]}"; do
      c=${c/-i binary/-i $fmt}
      rm -f "$D/top.out"
      # shellcheck disable=SC2086
      "$RS" "${c%%|*}" "$N" "$FM" ${c#*|} -O "$D/top.out" "$in" | sed "s/^/$round|/"
    done
  done | awk '
    { split($0, a, "|"); line = a[2]; label = substr(line, 1, 34); sub(/ +$/, "", label)
      n = split(line, f, " +"); wall = cpu = rss = 0
      for (i = 1; i <= n; i++) {
        if (f[i] == "s" && !wall) wall = f[i - 1]
        if (f[i] == "RSS") rss = f[i + 1]
        if (f[i] == "user") cpu += f[i + 1]
        if (f[i] == "sys") cpu += f[i + 1]
      }
      if (!(label in w)) { order[++k] = label; w[label] = wall; c[label] = cpu; r[label] = rss }
      if (wall < w[label]) w[label] = wall
      if (cpu < c[label]) c[label] = cpu
      if (rss > r[label]) r[label] = rss }
    END {
      h = order[1]
      printf "  %-22s %8s %8s %9s %9s %10s\n", "least of the rounds", "wall s", "cpu s", "wall/hist", "cpu/hist", "RSS MiB"
      for (i = 1; i <= k; i++) { l = order[i]
        printf "  %-22s %8.3f %8.3f %9.2f %9.2f %10.1f\n", l, w[l], c[l], w[l] / w[h], (c[h] > 0 ? c[l] / c[h] : 0), r[l] }
    }'
done
for set in gen capture; do
  echo "floor, $set-$N (bench-topfloor):"
  "$B/bench-topfloor" "$D/$set-$N" "${RUNS:-5}"
done
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
rm -f "$D/top.out"
