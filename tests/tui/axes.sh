#!/usr/bin/env bash
# Axis control (issue 20 item 2): in a panel, x and y toggle log/linear,
# + - zoom on x, > < on y, Shift-arrows pan, 0 resets; 1-7 choose the
# view.  Every key runs a recorded command (view, set xscale/xrange ...)
# shown in the messages, so `save` writes them and a replay restores the
# same view, scales and ranges (`view` prints them).
source "$(dirname "$0")/lib.bash"

flows_csv 300 > "$T/flows.csv"

start 120 40
wait_ready
type_line "load -i csv_flow flows.csv as d1"
wait_for "d1 +dataset 300 records" 5
type_line "hist d1 -x length -b 0 as h1"
wait_for "PDF flows of h1" 5
wait_for "^│.*│ +1 +10 +100" 2
keys Tab
wait_for "╔═ Objects" 2
# x: log -> linear (the chart's x labels become linear), and back
keys x
wait_for "> set xscale lin" 2
wait_gone "│ +1 +10 +100" 2
keys x
wait_for "> set xscale auto" 2
wait_for "│ +1 +10 +100" 2
# zoom in on x twice: a range inside the data, recorded
keys +
# the data's decades 1..10k, halved around their middle in log10
wait_for "> set xrange 10:1000" 2
keys Escape
type_line "view"
wait_for "view pdf-flows, xscale auto, yscale auto, xrange 10:1000, yrange auto" 3
wait_for "│ +10 +100 +1k│" 2
keys Tab
wait_for "╔═ Objects" 2
# Shift-Right: a quarter of the width to the right (in log10)
keys S-Right
wait_for "> set xrange 31.6228:3162.28" 2
keys y
wait_for "> set yscale lin" 2
keys '>'
wait_for "> set yrange " 2
keys 0
wait_for "> set yrange auto" 2
# 4: the CDF view, recorded; its axes are its own (pdf-flows keeps its)
keys 4
wait_for "> view cdf" 2
wait_for "CDF of h1" 2
keys x
wait_for "> set xscale lin" 2
keys Escape
type_line "view"
wait_for "view cdf, xscale lin, yscale auto, xrange auto, yrange auto" 3
type_line "save s.fms"
wait_for "saved" 5
grep -qx "view cdf" "$T/s.fms" || bad "view not saved: $(cat "$T/s.fms")"
grep -qx "set xscale lin" "$T/s.fms" || bad "xscale not saved"
grep -qE "^set xrange [0-9.e+]+:[0-9.e+]+$" "$T/s.fms" || bad "xrange not saved"
# the replay restores the same state, per view
printf 'view\nview pdf-flows\nview\n' >> "$T/s.fms"
(cd "$T" && "$FM" --replay s.fms > replay.txt 2>&1) || bad "replay: $(cat "$T/replay.txt")"
grep -qx "view cdf, xscale lin, yscale auto, xrange auto, yrange auto" "$T/replay.txt" ||
	bad "replayed cdf axes: $(cat "$T/replay.txt")"
grep -qx "view pdf-flows, xscale auto, yscale lin, xrange auto, yrange auto" "$T/replay.txt" ||
	bad "replayed pdf-flows axes: $(cat "$T/replay.txt")"
type_line "set xrange 5:1"
wait_for "xrange: bad value '5:1'" 3
type_line "view nope"
wait_for "unknown view 'nope'" 3
finish
