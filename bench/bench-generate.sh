#!/bin/bash
# bench-generate.sh - whole-process timing of `flowmodels generate` of 1M
# flows to binary output (best of 5), from a histogram and from mixtures,
# with and without --full-records, with peak RSS.
#   bench/bench-generate.sh [FLOWMODELS_BINARY] [DATA_DIR] [OUT_PARENT]
# OUT_PARENT defaults to /dev/shm so that the figure is the tool's, not the
# disk's (1M binary records are 168 MB).  Target (issue 9): < 0.1 s; the
# reference needs 4.4 s (histogram) and 5.3 s (mixtures).
set -eu
BIN=${1:-build/flowmodels}
DATA=${2:-${FM_SHARED_DATA:-../shared/data}}/agh_2015061019_IPv4_anon
PARENT=${3:-/dev/shm}
OUT=$(mktemp -d "$PARENT/bench-generate.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
best() { # label args...
	local label=$1 b=999 rss=0 cpu=999
	shift
	for i in 1 2 3 4 5; do
		/usr/bin/time -f '%e %M %U %S' -o "$OUT/t" "$BIN" generate -q -s 1000000 -o binary \
			-O "$OUT/run$i" "$@" >/dev/null
		read -r t m u s < "$OUT/t"
		rm -rf "$OUT/run$i"
		b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (a < b) ? a : b }')
		rss=$m
		cpu=$(awk -v a="$u" -v b="$s" -v c="$cpu" 'BEGIN { x = a + b; print (x < c) ? x : c }')
	done
	printf '%-48s best %s s wall, %s s cpu, peak RSS %s KiB\n' "$label" "$b" "$cpu" "$rss"
}
best "1M flows from histograms/all/length.csv" "$DATA/histograms/all/length.csv"
best "1M flows from mixtures/all/length" "$DATA/mixtures/all/length"
best "1M full records from mixtures/all/length" --full-records "$DATA/mixtures/all/length"
