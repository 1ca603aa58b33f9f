#!/usr/bin/env bash
# The interactive fit view (key f on a histogram): settings keys, an
# animated fit whose chart and mixture change between iterations while it
# runs, Esc cancels a running fit, the finished mixture equals the one
# `flowmodels fit` computes from the same histogram, and s saves it as a
# mixture set through the session.
source "$(dirname "$0")/lib.bash"

start 120 40 "TMPDIR=$T" -- --demo
wait_ready
wait_for "octets: 5 components" 30
keys Tab
wait_for "╔═ Objects" 2
keys Up
wait_for "object: h1" 2
keys f
wait_for "Fit h1 -> flows" 2
wait_for "iterations +\[100\]" 1
# settings
keys y
wait_for "Fit h1 -> packets" 2
keys y y
wait_for "Fit h1 -> flows" 2
keys u
wait_for "uniforms +U +\[ 1\]" 2
keys U L p
wait_for "lognormals L +\[ 4\]" 2
keys l
wait_for "uniforms +U +\[ 2\].*|lognormals L +\[ 3\]" 2
# a long fit: it animates, Esc cancels it
keys I I I I I I I I I
wait_for "iterations +\[51200\]" 2
keys Enter
wait_for "mixture at iteration [0-9]+:" 10
first=$(grep -oE "mixture at iteration [0-9]+" <<<"$SCREEN")
json1=$(screen | grep -oE '\[0\.[0-9]+, "(uniform|lognorm)"')
wait_gone "$first:" 10
s2=$(screen)
json2=$(grep -oE '\[0\.[0-9]+, "(uniform|lognorm)"' <<<"$s2")
[ -n "$json1" ] && [ "$json1" != "$json2" ] || bad "the mixture did not change between iterations"
grep -q "PDF flows of h1, live" <<<"$s2" || bad "no live chart title"
grep -q "─ mixture fit" <<<"$s2" || bad "no mixture in the live chart"
keys Escape
wait_for "fit view: cancelled after [0-9]+ iterations" 5
wait_for "\[Enter\] fit  \[s\] save  \[Esc\] close" 2
# a short fit to the end: the same mixture as the fit command
keys i i i i i i i i i
wait_for "iterations +\[100\]" 2
keys Enter
wait_for "100/100  done" 20
ll=$(grep -oE "log-likelihood -?[0-9.]+" <<<"$SCREEN" | head -n 1)
w1=$(grep -oE '\[0\.[0-9]+, "uniform", \[0, 1' <<<"$SCREEN" | head -n 1)
[ -n "$ll" ] && [ -n "$w1" ] || bad "no final mixture on screen"
keys s
wait_for "> fit h1 -y flows -i 100 -U 2 -L 3 -P 0 as m2" 5
wait_for "▸m2 +mixture" 10
type_line "export h1 -O h1.csv"
for i in $(seq 1 100); do [ -s "$T/h1.csv" ] && break; sleep 0.05; done
"$FM" fit -y flows -i 100 -U 2 -L 3 -O "$T/mix" "$T/h1.csv" 2>"$T/fit.err" >/dev/null \
	|| bad "fit command: $(cat "$T/fit.err")"
grep -q "$ll," "$T/fit.err" || bad "log-likelihood: view '$ll', fit command: $(cat "$T/fit.err")"
grep -qF "${w1#\[}" "$T/mix/flows.json" || bad "first weight: view '$w1', fit: $(head -c 200 "$T/mix/flows.json")"
finish
