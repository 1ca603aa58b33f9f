#!/bin/bash
# bench-fit.sh - whole-process timing of `flowmodels fit` on the reference
# histograms (best of 5 runs each), with peak RSS.
#   bench/bench-fit.sh [FLOWMODELS_BINARY] [DATA_DIR]
# Targets (issue 8): length fit (-i 400 -U 6 -L 4) < 0.2 s, size fit
# (-i 400 -L 8) < 0.5 s.  The reference needs 4.4 s and 10.3 s.
set -eu
BIN=${1:-build/flowmodels}
DATA=${2:-${FM_SHARED_DATA:-../shared/data}}/agh_2015061019_IPv4_anon/histograms/all
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
best() { # label args...
	local label=$1 b=999 rss=0 cpu=999
	shift
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f '%e %M %U %S' -o "$OUT/t" "$BIN" fit -q -O "$OUT" "$@" >/dev/null
		read -r t m u s < "$OUT/t"
		b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (a < b) ? a : b }')
		rss=$m
		cpu=$(awk -v a="$u" -v b="$s" -v c="$cpu" 'BEGIN { x = a + b; print (x < c) ? x : c }')
	done
	printf '%-40s best %s s wall, %s s cpu, peak RSS %s KiB\n' "$label" "$b" "$cpu" "$rss"
}
for y in flows packets octets; do
	best "length.csv -y $y -i 400 -U 6 -L 4" -y $y -i 400 -U 6 -L 4 "$DATA/length.csv"
done
best "size.csv -y flows -i 400 -L 8" -y flows -i 400 -L 8 "$DATA/size.csv"
