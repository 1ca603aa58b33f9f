#!/usr/bin/env bash
# Overlays (issue 20 item 1): `show h1 h2 m1` draws two histograms and a
# mixture set together, the legend names them with their glyphs, the
# objects panel marks them; a dataset is binned with the first
# histogram's bins; Space in the objects panel takes the selected
# object off the chart or puts it back by running (and recording) `show`;
# `show` alone goes back to the selected object; bad sets get one-line
# errors.  The cursor readout (item 3) names every object and every
# component, and in the packet-size view gives min / avg / max in bytes;
# its numbers are chartdata's as `plot` writes them (.dat, .gp).
source "$(dirname "$0")/lib.bash"
command -v gnuplot >/dev/null || { echo "SKIP: no gnuplot (the reference numbers come from plot's files)"; exit 77; }

flows_csv 300 > "$T/flows.csv"
"$FM" hist -q -i csv_flow -x length -b 0 "$T/flows.csv" -O "$T/h.csv"
"$FM" hist -q -i csv_flow -x length -b 2 "$T/flows.csv" -O "$T/h2.csv"
"$FM" hist -q -i csv_flow -x size -b 0 "$T/flows.csv" -O "$T/hs.csv"
mkdir "$T/lm"
for y in flows packets octets; do
	printf '{"sum": 300, "mix": [[0.5, "uniform", [0, 1]], [0.5, "lognorm", [1.0, 0, 20.0]]]}\n' > "$T/lm/$y.json"
done
# the reference numbers: plot's data files (chartdata) for h.csv and lm
"$FM" plot -q -P comp -O "$T/pl" "$T/h.csv" "$T/lm" || bad "plot failed"
g6() { awk -v v="$1" 'BEGIN { printf "%.6g", v }'; }
# row 1 of block B of a .dat file: "x v1 v2 ..."
first_row() { awk -v b="# $2" '$0 == b { f = 1; getline; next } f && NF { print; exit }' "$1"; }
read -r x0 c1 c2 <<<"$(first_row "$T/pl/pdf-flows.dat" comp-flows)"
read -r _ ps0 <<<"$(first_row "$T/pl/avg-packet_size.dat" points)"
guide() { sed -n "s/^set label '$1 = [^']*' at [^,]*, \([^ ]*\) .*/\1/p" "$T/pl/avg-packet_size.gp"; }
gmin=$(g6 "$(guide min)"); gavg=$(g6 "$(guide avg)"); gmax=$(g6 "$(guide max)")
[ -n "$gmin" ] && [ -n "$gavg" ] && [ -n "$gmax" ] || bad "no guides in avg-packet_size.gp"

start 200 44
wait_ready
type_line "load h.csv as h1"
wait_for "▸h1 +histogram" 5
type_line "load h2.csv as h2"
wait_for "▸h2 +histogram" 5
type_line "load lm as m1"
wait_for "▸m1 +mixture" 5
type_line "load hs.csv as hs"
wait_for "▸hs +histogram" 5
# the errors: another x, a time series is not an overlay, unknown names
type_line "show h1 hs"
wait_for "hs is a histogram of size, h1 of length: the objects shown together share one x axis" 3
type_line "show h1 nosuch"
wait_for "unknown object 'nosuch'" 3
# a dataset binned on the fly with h2's bins (hist -b 2, found from the
# bin widths) is h2 again: the same numbers at the first and last bin
type_line "load -i csv_flow flows.csv as d1"
wait_for "▸d1 +dataset" 5
type_line "show h2 d1"
wait_for "PDF flows of h2, d1 \(braille\)" 5
keys Tab
wait_for "╔═ Objects" 2
keys Tab
for k in Home End; do
	keys $k
	wait_for "x [0-9.e+-]+ \| h2 ([0-9.e+-]+) \| h2 \(from CDF\) ([0-9.e+-]+) \| d1 \1 \| d1 \(from CDF\) \2 *[│║]$" 3
done
keys Escape
type_line "drop d1"
# three objects together: title, legend with the glyphs, marks
type_line "show h1 h2 m1"
wait_for "PDF flows of h1, h2 with m1 \(braille\)" 3
wait_for "● h1 " 2
wait_for "○ h2 " 1
wait_for "─ mixture m1" 1
wait_for "[│║]▶h1 " 1
wait_for "[│║]•h2 " 1
wait_for "[│║]•m1 " 1
# the readout names every object and every component: at the first bin
# (x 1) the components are plot's comp-flows row
keys Tab
wait_for "╔═ Objects" 2
keys Tab
keys Home
wait_for "x $x0 \| h1 [0-9.e+-]+ \| h1 \(from CDF\) [0-9.e+-]+ \| h2 [0-9.e+-]+ \| h2 \(from CDF\) [0-9.e+-]+ \| m1 c1 uniform $(g6 "$c1") \| m1 c2 lognorm $(g6 "$c2") \| mixture m1 " 3
# Space in the objects panel: h2 off the chart (recorded as show), on again
keys Escape
type_line "show h2 h1 m1"
wait_for "[│║]▶h2 " 3
keys Tab
wait_for "╔═ Objects" 2
keys Space
wait_for "> show h1 m1" 3
wait_for "PDF flows of h1 with m1 \(braille\)" 2
wait_for "[│║]▸h2 " 2
keys Space
wait_for "> show h1 m1 h2" 3
wait_for "PDF flows of h1, h2 with m1 " 2
# the other charsets draw the glyphs too (the readout, wrapped over
# the chart's top rows, covers the legend's first line)
keys Escape
type_line "set charset ascii"
wait_for "o h2 " 3
wait_for "- mixture m1" 1
type_line "set charset block"
wait_for "○ h2 " 3
# packet size: min / avg / max in bytes at the cursor, as plot's guides
type_line "show h1 m1"
type_line "view pkt-size"
wait_for "pkt size of h1 with m1" 3
keys Tab
wait_for "╔═ Objects" 2
keys Tab
keys Home
wait_for "x $x0 \| octets per packet $(g6 "$ps0") B \| min $gmin B \| avg $gavg B \| max $gmax B \| mixture m1 [0-9.e+-]+ B" 3
# show alone: back to the selected object (h2, one down from h1)
keys Escape
keys Tab
wait_for "╔═ Objects" 2
keys Down
wait_for "[│║]▸h2 " 2
keys Escape
type_line "show"
wait_for "pkt size of h2 with m1 \(block\)" 3
# the commands are recorded: save writes them
type_line "save ov.fms"
wait_for "> save ov.fms" 2
for _ in $(seq 50); do [ -s "$T/ov.fms" ] && break; sleep 0.1; done
grep -qx "show h1 m1 h2" "$T/ov.fms" || bad "Space's show not saved"
grep -qx "show" "$T/ov.fms" || bad "show alone not saved"
finish
