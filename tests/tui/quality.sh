#!/usr/bin/env bash
# gof, select and compare at the workbench prompt: select's rows appear in
# the messages as the fits end and its winner becomes a mixture object;
# gof of the demo's histogram and mixture set; info of a mixture shows
# its gof against its histogram.
source "$(dirname "$0")/lib.bash"

start 200 60 "TMPDIR=$T" -- --demo
wait_ready
wait_for "octets: 5 components" 60
type_line "select h1 --grid U=1..2,L=1..2 -i 20 -O $T/sel as best"
wait_for "select \[[1-4]/4\] U=[12] L=[12] P=0: k [0-9]+, BIC" 30
wait_for "best: mixture, flows: [0-9]+ components" 30
[ -s "$T/sel/ranking.csv" ] && ok || bad "no ranking.csv"
type_line "gof h1 m1 -y flows"
wait_for "chi2_p " 20
type_line "info m1"
wait_for "gof h1: flows: ks 0\.[0-9]+, ad " 20
finish
