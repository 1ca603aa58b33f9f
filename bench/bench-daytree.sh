#!/usr/bin/env bash
# A day of capture files, as nfcapd writes them, read by the record tools:
# tests/tools/daytree.py has Debian's nfcapd (-t 2, 48 collectors) record
# 288 bursts of F flows (default 3500: about a million records) and names
# the files 2024/01/01/nfcapd.YYYYMMDDhhmm.  Then, over the whole tree
# (each checked against the records sent):
#   - convert -i nfcapd -o binary (what the workbench's load does)
#   - hist -i nfcapd -o none (length, and rate: every time field read)
#   - series -i nfcapd (and -i binary over the same records)
# The goal of issue 23: under a second per million records.
#   bench/bench-daytree.sh [F] [BUILD_DIR]     (default F = 3500, build/)
# The tree is kept in $BENCH_DIR (default /tmp/fm-bench) and reused.
set -euo pipefail
F=${1:-3500}
S=$(cd "$(dirname "$0")/.." && pwd)
. "$S/bench/lib.sh"
bench_init "${2:-build}"
tree="$D/daytree-$F"
if [ ! -f "$tree.csv" ]; then
  rm -rf "$tree" "$tree.csv"
  t0=$(date +%s.%N)
  python3 "$S/tests/tools/daytree.py" --flowmodels "$FM" --out "$tree" \
    --csv "$tree.csv.tmp" --files 288 --flows "$F" --parallel 48
  mv "$tree.csv.tmp" "$tree.csv"
  echo "tree made by nfcapd in $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
n=$(wc -l <"$tree.csv")
echo "records: $n in $(find "$tree" -type f | wc -l) files ($(du -sm "$tree" | cut -f1) MiB)   $(bench_machine)"

best "convert -i nfcapd -o binary (load)" "$n" "$D/daytree.bin" \
  "$FM" convert -q -i nfcapd -o binary -O "$D/daytree.bin" "$tree"
"$FM" convert -q -i binary -O "$D/daytree.check.csv" "$D/daytree.bin"
cmp -s "$D/daytree.check.csv" "$tree.csv" || { echo "records differ from those sent" >&2; exit 1; }
best "hist -i nfcapd -x length -o none" "$n" /dev/null \
  "$FM" hist -q -i nfcapd -x length -o none "$tree"
best "hist -i nfcapd -x rate -b 8 -o none" "$n" /dev/null \
  "$FM" hist -q -i nfcapd -x rate -b 8 -o none "$tree"
# series spreads every flow's packets over the seconds it lasts (up to
# 120 s here): its cost is that, not reading; the same records from a
# binary dataset show it.  One run each (RUNS_SERIES, default 1).
RUNS=${RUNS_SERIES:-1} best "series -i nfcapd" "$n" "$D/daytree.series" \
  "$FM" series -q -i nfcapd -O "$D/daytree.series" "$tree"
RUNS=${RUNS_SERIES:-1} best "series -i binary (same records)" "$n" "$D/daytree.series.bin" \
  "$FM" series -q -i binary -O "$D/daytree.series.bin" "$D/daytree.bin"
"$FM" series -q -i csv_flow -O "$D/daytree.series.csv" "$tree.csv"
diff -r "$D/daytree.series" "$D/daytree.series.csv" >/dev/null ||
  { echo "series differs from that of the records sent" >&2; exit 1; }
rm -rf "$D/daytree.bin" "$D/daytree.check.csv" "$D/daytree.series" "$D/daytree.series.csv" \
  "$D/daytree.series.bin"
