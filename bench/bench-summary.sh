#!/bin/bash
# bench-summary.sh - whole-process timing of `flowmodels summary` on the
# reference histograms (best of 10), with peak RSS.
#   bench/bench-summary.sh [FLOWMODELS_BINARY] [DATA_DIR]
# Target (issue 6): < 20 ms; the reference needs 1.2 s.
set -eu
BIN=${1:-build/flowmodels}
DATA=${2:-${FM_SHARED_DATA:-../shared/data}}/agh_2015061019_IPv4_anon/histograms/all
T=$(mktemp)
trap 'rm -f "$T"' EXIT
for f in length_b0.csv length.csv size.csv; do
	b=999 cpu=999 rss=0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		/usr/bin/time -f '%e %M %U %S' -o "$T" "$BIN" summary "$DATA/$f" > /dev/null
		read -r t m u s < "$T"
		b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (a < b) ? a : b }')
		cpu=$(awk -v a="$u" -v b="$s" -v c="$cpu" 'BEGIN { x = a + b; print (x < c) ? x : c }')
		rss=$m
	done
	printf 'summary %-14s best %s s wall, %s s cpu, peak RSS %s KiB\n' "$f" "$b" "$cpu" "$rss"
done
