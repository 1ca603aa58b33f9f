#!/usr/bin/env bash
# The chart cursor (issue 20 item 3): in the chart panel Left/Right/
# Home/End move a cursor over the bins; a line shows x and the value of
# every labelled series there.  The numbers are the chart data's (here
# the normalised PDF points, recomputed from the csv_hist by awk), not
# read back from the canvas.
source "$(dirname "$0")/lib.bash"

flows_csv 300 > "$T/flows.csv"
"$FM" hist -q -i csv_flow -x length -b 0 "$T/flows.csv" -O "$T/h.csv"
# point i = flows_i / total / (bin_lo_{i+1} - bin_lo_i), as chartdata.h
point() { # bin index (0-based) -> "x value"
	awk -F, -v k="$1" 'BEGIN { n = 0 } NR > 1 { lo[n] = $1; hi[n] = $2; f[n] = $3; t += $3; n++ }
	END { d = (k + 1 < n ? lo[k + 1] : hi[k]) - lo[k]; printf "%s %.6g\n", lo[k], f[k] / t / d }' "$T/h.csv"
}

start 140 40
wait_ready
type_line "load h.csv as h1"
wait_for "PDF flows of h1" 5
keys Tab
wait_for "╔═ Objects" 2
keys Tab
keys Home
read -r x v <<<"$(point 0)"
wait_for "x $x \| flows $v \| data \(from CDF\) [0-9.e+-]+" 3
keys Right Right
read -r x v <<<"$(point 2)"
wait_for "x $x \| flows $v \|" 3
keys End
n=$(( $(wc -l < "$T/h.csv") - 2 ))
read -r x v <<<"$(point $n)"
wait_for "x $x \| flows $v \|" 3
keys Left
read -r x v <<<"$(point $((n - 1)))"
wait_for "x $x \| flows $v \|" 3
finish
