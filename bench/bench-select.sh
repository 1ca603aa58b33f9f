#!/bin/bash
# bench-select.sh - select against single fits, and gof/compare, on the
# shipped all/length.csv (12 060 bins), measured in one run.
#   bench/bench-select.sh [FLOWMODELS_BINARY] [DATA_DIR]
# Targets (issue 19): select over U=0..6, L=1..5, P=0 (35 structures,
# -i 100) within 1.3x of (35 x one `fit -U 6 -L 4 -i 100 --threads 1`) /
# cores; gof and compare < 50 ms each.  Times are best of RUNS (default
# 3) whole-process wall times; the machine's other load shows in them.
set -eu
BIN=${1:-build/flowmodels}
D=${2:-${FM_SHARED_DATA:-../shared/data}}/agh_2015061019_IPv4_anon
H=$D/histograms/all/length.csv
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
CORES=$(nproc)
best() { # args...: the best wall time of RUNS runs and the best CPU time
	local b=999 c=999 t u s
	for _ in $(seq "${RUNS:-3}"); do
		/usr/bin/time -f '%e %U %S' -o "$OUT/t" "$BIN" "$@" > /dev/null 2>&1
		read -r t u s < "$OUT/t"
		b=$(awk -v a="$t" -v b="$b" 'BEGIN { print (a < b) ? a : b }')
		c=$(awk -v a="$u" -v s="$s" -v c="$c" 'BEGIN { x = a + s; print (x < c) ? x : c }')
	done
	echo "$b $c"
}
grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /CPU: /'
echo "cores: $CORES; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r fit fitcpu <<< "$(best fit -q -y flows -U 6 -L 4 -i 100 --threads 1 -O "$OUT/fit" "$H")"
read -r sel selcpu <<< "$(best select -q -y flows --grid 'U=0..6,L=1..5,P=0' -i 100 --threads "$CORES" -O "$OUT/sel" "$H")"
target=$(awk -v f="$fit" -v c="$CORES" 'BEGIN { printf "%.3f", 35 * f / c }')
printf 'fit -U 6 -L 4 -i 100 --threads 1:      %s s wall, %s s CPU\n' "$fit" "$fitcpu"
printf 'select U=0..6,L=1..5 -i 100 (35 fits): %s s wall on %s threads, %s s CPU\n' "$sel" "$CORES" "$selcpu"
printf '35 x fit / cores:                      %s s; select / that = %s (target <= 1.3)\n' \
	"$target" "$(awk -v s="$sel" -v t="$target" 'BEGIN { printf "%.2f", s / t }')"
printf 'CPU: select / (35 x fit) =             %s\n' \
	"$(awk -v s="$selcpu" -v f="$fitcpu" 'BEGIN { printf "%.2f", s / (35 * f) }')"
printf 'sum of the 35 fits'"'"' own seconds:         %s s\n' \
	"$(awk -F, 'NR > 1 { s += $10 } END { printf "%.3f", s }' "$OUT/sel/ranking.csv")"
printf 'gof length.csv against its 3 mixtures: %s s\n' \
	"$(best gof -q --format json "$H" "$D/mixtures/all/length" | sed 's/ / s wall, CPU /')"
"$BIN" generate -q -s 1000000 --seed 1 -o binary -O "$OUT/gen" "$D/mixtures/all/length"
"$BIN" hist -q -i binary -x length -b 12 -O "$OUT/gen.csv" "$OUT/gen"
printf 'compare length.csv with 1M generated:  %s s\n' \
	"$(best compare -q --format json -O "$OUT/r.csv" "$H" "$OUT/gen.csv" | sed 's/ / s wall, CPU /')"
