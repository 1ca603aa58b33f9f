#!/usr/bin/env bash
# select in the workbench: its ranking table fills in while the job runs
# (rows before the end), ends best first as ranking.csv; Enter opens the
# cursor's structure in the fit view, Esc returns to the table; k puts
# the fit that keeps it on the prompt, and the kept object is a mixture.
source "$(dirname "$0")/lib.bash"

start 200 60 "TMPDIR=$T" -- --demo
wait_ready
wait_for "octets: 5 components" 60
type_line "select h1 --grid U=0..2,L=1..4 -i 20000 --threads 1 -O $T/sel"
wait_for "select h1 flows: [0-9]+ fitted.*by bic; running" 20
# rows appear before the end (12 structures, one at a time).  20 000
# iterations make each fit take 0.2-0.5 s of a core (at -i 400 the whole
# select took 0.1 s on an idle machine and the check could miss the
# running state); the check waits for states, never for a time.
wait_for "select h1 flows: ([1-9]|1[01]) fitted.*running" 60
wait_for "select h1 flows: 12 fitted.*by bic; done" 120
[ -s "$T/sel/ranking.csv" ] || bad "no ranking.csv"
# the table's order is ranking.csv's (U L P k first)
want=$(awk -F, 'NR > 1 { print $1, $2, $3, $4 }' "$T/sel/ranking.csv")
got=$(screen | awk '/│ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +-?[0-9.]+/ { print $2, $3, $4, $5 }')
[ "$got" = "$want" ] && ok || bad "table order: got [$got] want [$want]"
best=$(awk -F, 'NR == 2 { print $1, $2, $3 }' "$T/sel/ranking.csv")
set -- $best
U=$1 L=$2 P=$3
# Enter: the fit view of h1 with the row's structure, fitted
keys Enter
wait_for "Fit h1" 10
wait_for "fit view: flows of h1, 20000 iterations" 60
screen | grep -qE "uniforms +U \[ *$U\]" && ok || bad "fit view U: $SCREEN"
screen | grep -qE "lognormals +L \[ *$L\]" && ok || bad "fit view L: $SCREEN"
keys Escape
wait_for "select h1 flows: 12 fitted" 10
# k: keep it
keys k
wait_for "fm> fit h1 -y flows -i 20000 -U $U -L $L -P $P as m${U}_${L}_$P" 5
keys Enter
wait_for "m${U}_${L}_$P: mixture" 60
type_line "info m${U}_${L}_$P"
wait_for "m${U}_${L}_$P: mixture" 10
wait_for "made by: +fit h1 -y flows -i 20000 -U $U -P $P -L $L as m${U}_${L}_$P" 10
# its log-likelihood is the ranking's to the last digit (the same EM)
ll=$(awk -F, 'NR == 2 { print $5 }' "$T/sel/ranking.csv")
screen | grep -qF "\"log_likelihood\": $ll," && ok || bad "kept object's log-likelihood: want $ll"
keys q
wait_gone "info m${U}_${L}_$P: [0-9]+ lines" 5
keys Tab
keys b
wait_for "sorted by bic" 5
keys Escape
wait_gone "select h1 flows" 5
finish
