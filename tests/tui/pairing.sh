#!/usr/bin/env bash
# Charts pair a mixture set with the histogram it was made from by
# identity (issue 18): a rename keeps the pair, a replaced histogram
# still draws under its fit (the title says so), the replacement of
# another x is not drawn with it; a mixture loaded from files pairs with
# a histogram of its x; `show H M` pairs any two.
source "$(dirname "$0")/lib.bash"

flows_csv 300 > "$T/flows.csv"
mkdir "$T/lm"
for y in flows packets octets; do
	printf '{"sum": 300, "mix": [[0.5, "uniform", [0, 1]], [0.5, "lognorm", [1.0, 0, 20.0]]]}\n' > "$T/lm/$y.json"
done

start 140 40
wait_ready
type_line "load -i csv_flow flows.csv as d1"
wait_for "▸d1 +dataset 300 records" 5
type_line "hist d1 -x length -b 0 as h1"
wait_for "▸h1 +histogram" 5
type_line "fit h1 -y flows -U 1 -L 2 -i 10 as m1"
wait_for "▸m1 +mixture" 10
wait_for "PDF flows of m1 over h1 \(braille\)" 3
wait_for "mixture m1" 2
type_line "show h1"
wait_for "PDF flows of h1 with m1 " 3
# a rename keeps the pair (the name was once looked up in the provenance)
type_line "rename h1 agh"
wait_for "renamed h1 to agh|▸agh|agh +histogram" 5
type_line "show m1"
wait_for "PDF flows of m1 over agh \(braille\)" 3
grep -q "not in the session" <<<"$SCREEN" && bad "renamed source lost"
# replaced by a histogram of another x: m1 keeps its own bins (`show`
# alone first: a shown set stays on the chart until then)
type_line "show"
type_line "hist d1 -x size -b 0 as agh"
wait_for "Flow size \[B\]" 5
wait_for "PDF flows of agh \(" 3
grep -q "mixture m1" <<<"$SCREEN" && bad "m1 drawn over the size histogram"
type_line "show m1"
wait_for "PDF flows of m1 over agh \(since replaced\)" 3
wait_for "Flow length \[pkts\]" 2
type_line "show"
# a mixture set from files (x unknown) pairs with a histogram; show pairs
type_line "load lm as lm"
wait_for "▸lm +mixture" 5
wait_for "PDF flows of lm over agh " 3
type_line "show agh lm"
wait_for "PDF flows of agh with lm " 3
wait_for "mixture lm" 2
type_line "show nosuch m1"
wait_for "unknown object 'nosuch'" 3
# the objects panel aligns names of any length; a cut name or facts line
# ends in an ellipsis
type_line "rename lm mixtures_loaded_from_files"
wait_for "mixtures_l… mixture flows" 5
wait_for "│ d1          dataset 300 records…│" 2
finish
