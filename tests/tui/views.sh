#!/usr/bin/env bash
# Objects and charts: a dataset and a histogram made at the prompt appear
# in the objects panel (the newest selected, its facts in the info
# panel); the chart panel draws the selected histogram with labelled log
# axes; 1-7 / F2-F8 switch views; `set charset` switches braille / block
# / ascii; arrows in the objects panel change the selection; e, f, d
# put a command for the selected object on the prompt, Enter shows info.
source "$(dirname "$0")/lib.bash"

flows_csv 400 > "$T/flows.csv"

start 120 40
wait_ready
type_line "load -i csv_flow flows.csv as d1"
wait_for "▸d1 +dataset 400 records" 5
wait_for "no chart for this kind of object" 2
type_line "hist d1 -x length -b 0 -O h.csv"
wait_for "hist: 400 records" 5
type_line "load h.csv as h1"
wait_for "▸h1 +histogram" 5
wait_for "object: h1" 2
wait_for "─ h1: load .*h.csv -i csv_hist as h1" 2
wait_for "[0-9]+ bins, 400 flows" 2
# view 1: PDF of flows, log axes with decade labels, braille dots
wait_for "PDF flows of h1 \(braille\)" 2
# a csv_hist loaded from a file: the x its first bin shows (issue 18)
wait_for "Flow length \[pkts\]" 2
wait_for "● flows" 2
wait_for "─ data \(from CDF\)" 2
wait_for "1e-1┤|1e-2┤" 2
wait_for "└┬.*┬" 2
wait_for "^│.*│ +1 +10 +100" 2
LC_ALL=C grep -q $'\xe2[\xa0-\xa3]' <<<"$SCREEN" || bad "no braille dots in the chart"
# views
keys F5
wait_for "CDF of h1" 2
wait_for "┄ packets" 2
wait_for "┈ octets" 1
wait_for "0\.[2468]┤" 2
keys F6
wait_for "avg of h1" 2
wait_for "● octets per flow" 2
keys F7
wait_for "pkt size of h1" 2
wait_for "┄ min / avg / max" 2
keys F8
wait_for "no time series" 2
keys F3
wait_for "PDF pkts of h1" 2
# charsets
type_line "set charset ascii"
wait_for "PDF pkts of h1 \(ascii\)" 5
wait_for "\* packets" 2
wait_for "1e-[0-9]\+" 2
type_line "set charset block"
wait_for "PDF pkts of h1 \(block\)" 5
grep -qE "▀|▄|█" <<<"$SCREEN" || bad "no block glyphs"
# selection with the arrows in the objects panel
keys Tab
wait_for "╔═ Objects" 2
keys Up
wait_for "object: d1" 2
wait_for "▸d1" 1
keys Down
wait_for "object: h1" 2
# 1-7 in a panel
keys 4
wait_for "CDF of h1 \(block\)" 2
# e puts an export command on the prompt, Enter runs it
keys e
wait_for "^fm> export h1 -O$" 2
keys -l "h1-out.csv"; keys Enter
for i in $(seq 1 100); do [ -s "$T/h1-out.csv" ] && break; sleep 0.05; done
head -n 1 "$T/h1-out.csv" | grep -q "^bin_lo" || bad "export from the e key: $(ls "$T")"
# Enter (or i) on an object shows its info
keys Tab
wait_for "╔═ Objects" 2
keys Enter
wait_for "> info h1" 2
keys Escape
# a mixture set fitted to the histogram is drawn over it
type_line "set charset braille"
type_line "fit h1 -y flows -i 50 -U 1 -L 2 as m1"
wait_for "▸m1 +mixture" 10
keys F2
wait_for "PDF flows of m1 over h1 \(braille\)" 3
wait_for "─ mixture m1" 2
wait_for "┄ components" 2
keys Tab
wait_for "╔═ Objects" 2
keys Up
wait_for "PDF flows of h1 with m1" 2
wait_for "─ mixture m1" 2
keys Escape
type_line "drop m1"
wait_for "object: h1" 5
wait_gone "mixture m1" 2
# a dropped object: the selection moves on
type_line "drop h1"
wait_for "object: d1" 5
finish
