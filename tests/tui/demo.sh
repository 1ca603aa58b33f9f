#!/usr/bin/env bash
# --demo: the first frame comes at once, then jobs build the demo session
# (synthetic flows from a built-in mixture, their flow-length histogram,
# mixtures fitted to it) and the chart shows data and mixture; the demo's
# files are removed at exit.
source "$(dirname "$0")/lib.bash"

t0=$(date +%s%N)
start 120 40 "TMPDIR=$T" -- --demo
wait_ready
echo "first frame after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait_for "▸m1 +mixture" 30
wait_for "octets: 5 components" 30
echo "demo built after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait_for "d1 +dataset 200000 record" 2
wait_for "h1 +histogram" 2
wait_for "PDF flows of m1" 2
wait_for "─ mixture m1" 2
wait_for "Flow length \[pkts\]" 2
ls -d "$T"/flowmodels-demo-* >/dev/null 2>&1 || bad "no demo directory while running"
# the commands that built it, at the top of the messages
keys BTab
wait_for "╔═ m1: " 2
keys Home
wait_for "> generate '.*/flowmodels-demo-.*/mix' -s 200000 --seed 7" 2
wait_for "demo: 200 000 synthetic flows" 1
keys Escape
type_line "quit"
wait_for "quit anyway" 3
keys y
wait_for "fm-exit=0" 5
ls -d "$T"/flowmodels-demo-* >/dev/null 2>&1 && bad "demo directory left behind"
finish
