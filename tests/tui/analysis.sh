#!/usr/bin/env bash
# The whole analysis of issue 18, as a new user runs it at the prompt:
# load flows, filter TLS, length and size histograms, fit flows, packets
# and octets into one mixture set from the fit view, generate flows from
# it as an object, compare them with the data, export TeX and PNG, save,
# quit; then `flowmodels --replay` of the saved file in a clean
# directory gives identical exports.
source "$(dirname "$0")/lib.bash"

mkdir -p "$T/data"
flows_csv 600 > "$T/data/flows.csv"

start 140 45
wait_ready
type_line "load data/flows.csv as d1"
wait_for "d1 +dataset 600 records" 10
type_line 'filter d1 "(prot==6) & ((sp==443) | (dp==443))" as tls'
wait_for "tls +view 600 records" 10
type_line "hist tls -x length -b 0 as hl"
wait_for "hl +histogram" 10
type_line "hist tls -x size -b 0 as hs"
wait_for "hs +histogram" 10
wait_for "Flow size \[B\]" 2
# the fit view of hl: flows, packets and octets into one set
type_line "show hl"
wait_for "object: hl" 2
keys Tab
wait_for "╔═ Objects" 2
keys f
wait_for "Fit hl -> flows \(keys\)" 2
keys u l
keys -l "30"
wait_for "iterations +\[30_\]" 2
for y in flows packets octets; do
	wait_for "Fit hl -> $y" 2
	keys Enter
	wait_for "30/30  done" 30
	keys s
	wait_for "> fit hl -y $y -i 30 -U 1 -L 2 -P 0 as m1" 5
	wait_for "m1: mixture, .*$y: 3 components" 30
	[ "$y" = octets ] && break
	keys Tab
	wait_for "╔═ Objects" 2
	keys f
	# the view remembers hl's settings: y is still the one just saved
	wait_for "Fit hl -> $y" 2
	keys y
done
wait_for "m1: mixture, flows: 3 components, log-likelihood [-0-9.e+]+; packets: 3 components, log-likelihood [-0-9.e+]+; octets: 3 comp" 5
# s closed the view: the prompt has the keys again
wait_for "^fm>" 2
# generate as an object, compare with the data
type_line "generate m1 -s 600 --seed 5 as g1"
wait_for "g1: generated, 600 records" 30
type_line "compare tls g1 -x length -b 0"
wait_for "compare: |flows|KS" 30
# exports: TeX and PNG; then save and quit
type_line "summary hl -O out/hl.tex"
wait_for "summary: hl written to out/hl.tex" 10
type_line "plot hl m1 -O out/png"
wait_for "plot: " 60
type_line "export g1 -o csv_flow -O out/g1.csv"
wait_for "export: g1 written to out/g1.csv" 30
type_line "save analysis.fms"
wait_for "saved [0-9]+ commands to .*analysis.fms" 10
wait_for "session: analysis.fms" 2
type_line "quit"
wait_for "fm-exit=0" 10
[ -s "$T/out/hl.tex" ] || bad "no TeX export"
ls "$T/out/png" | grep -q '\.png$' || bad "no PNG export: $(ls "$T/out/png")"
[ -s "$T/out/g1.csv" ] || bad "no generated records exported"
# the saved session replays in a clean directory with identical exports
mkdir -p "$T/clean/data"
cp "$T/data/flows.csv" "$T/clean/data/"
cp "$T/analysis.fms" "$T/clean/"
(cd "$T/clean" && "$FM" --replay analysis.fms > replay.out 2> replay.err) || bad "replay: $(cat "$T/clean/replay.err")"
for f in hl.tex g1.csv; do
	cmp -s "$T/out/$f" "$T/clean/out/$f" || bad "replayed out/$f differs"
done
for f in $(cd "$T/out/png" && ls); do
	cmp -s "$T/out/png/$f" "$T/clean/out/png/$f" || bad "replayed out/png/$f differs"
done
grep -q "^fit hl -y octets -i 30 -U 1 -P 0 -L 2 as m1$" "$T/analysis.fms" || bad "fit not saved: $(cat "$T/analysis.fms")"
finish
