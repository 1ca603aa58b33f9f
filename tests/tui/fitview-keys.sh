#!/usr/bin/env bash
# The fit view at 80x24 (issue 18): the chart keeps at least half the
# width; numbers are wrapped, never shown cut as if whole; the prompt
# does not look active while the view has the keys, and a typed word
# changes no setting silently; digits type the iterations; settings are
# remembered per histogram; s adds the y to the set made from the
# histogram (flows + packets into one set); f on a mixture opens the fit
# view of the histogram it was fitted to; messages wrap at the panel edge.
source "$(dirname "$0")/lib.bash"
export LC_ALL=C.UTF-8     # ${#var} counts characters

flows_csv 300 > "$T/flows.csv"

start 80 24
wait_ready
type_line "load -i csv_flow flows.csv as d1"
wait_for "d1 +dataset" 5
type_line "hist d1 -x length -b 0 -O h.csv as h1"
wait_for "h1 +histogram" 5
keys Tab
wait_for "╔═ Objects" 2
keys f
wait_for "Fit h1 -> flows \(keys\)" 2
wait_for "^fm: keys go to the fit view" 1
# the chart panel starts by column 40 (at least half of 80)
line=$(grep -m1 "PDF flows of h1" <<<"$SCREEN")
before=${line%%PDF flows of h1*}
[ -n "$line" ] && [ "${#before}" -le 44 ] || bad "chart panel starts at column ${#before}"
# a typed word: a warning, not a silent change
keys -l "o"
wait_for "'o' is no key of the fit view" 2
# settings keys say what they changed
keys l
wait_for "fit view: lognormals L 2" 2
# digits type the iterations
keys -l "40"
wait_for "iterations \[40_\]" 2
keys -l "u"
wait_for "iterations \[40\]" 2
keys Enter
wait_for "40/40  done" 20
# the quality line is wrapped, its numbers whole: the same AIC as fit
"$FM" fit -y flows -i 40 -U 1 -L 2 -O "$T/mix" "$T/h.csv" 2> "$T/fit.err" > /dev/null || bad "fit"
aic=$(grep -oE "AIC [-0-9.]+" "$T/fit.err")
grep -q "$aic" <<<"$SCREEN" || bad "AIC cut: want '$aic'"
# settings remembered per histogram
keys Escape
wait_gone "Fit h1" 2
wait_for "^fm>" 1
keys Tab
wait_for "╔═ Objects" 2
keys f
wait_for "U \[ 1\] \(u/U\)  L \[ 2\] \(l/L\)" 2
wait_for "iterations \[40\]" 1
# s: a new set (none made from h1 yet), then packets into the same set
keys Enter
wait_for "40/40  done" 20
wait_for "s adds flows to a new set" 2
keys s
wait_for "> fit h1 -y flows -i 40 -U 1 -L 2 -P 0 as m1" 5
wait_for "m1: mixture, flows: 3 components" 10
# the selection follows the new set; f on it opens h1's fit view
wait_for "object: m1" 2
keys Tab
wait_for "╔═ Objects" 2
keys f
wait_for "Fit h1 -> flows" 2
keys y
wait_for "Fit h1 -> packets" 2
keys Enter
wait_for "40/40  done" 20
wait_for "s adds packets to m1" 2
keys s
wait_for "m1: fit h1 -y packets -i 40 -U 1 -P 0 -L 2 as m1" 10
wait_for "flows: 3 components, log-likelihood [-0-9.e+]+; packets: 3 components, log-li…" 5
# messages wrap instead of being cut at the panel's edge: the end of the
# fit's summary line (wider than 80 columns) is on screen
wait_for "^│ +.*\(k = 6, N = 74718\) +│$" 5
finish
