#!/usr/bin/env bash
# The interactive fit view (key f on a histogram): settings keys, an
# animated fit whose chart and mixture change between iterations while it
# runs, Esc cancels a running fit, the finished mixture equals the one
# `flowmodels fit` computes from the same histogram, and s saves it as a
# mixture set through the session.
source "$(dirname "$0")/lib.bash"

start 200 60 "TMPDIR=$T" -- --demo
wait_ready
wait_for "octets: 5 components" 60
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
# max Pareto weight: w steps up, W down (no cap = none)
wait_for "max Pareto weight \[none\]  \(w/W\)" 2
keys w
wait_for "max Pareto weight \[0\.01\]" 2
keys w w
wait_for "max Pareto weight \[0\.05\]" 2
keys W W W
wait_for "max Pareto weight \[none\]" 2
# a long fit: it animates, Esc cancels it.  U 2 L 8 on the demo's
# flows: its EM keeps moving for well over 40 000 iterations (7 s of a
# free core), unlike U 2 L 3, whose mixture reaches a fixed point after
# ~2 000 iterations (0.25 s) -- a loaded machine could capture its first
# snapshot only after that and see no change.  The check waits for
# states (a later snapshot while the fit still runs), never for a time.
keys L L L L L
wait_for "lognormals L +\[ 8\]" 2
keys I I I I I I I I I I I
wait_for "iterations +\[204800\]" 2
keys Enter
wait_for "mixture at iteration [0-9]+:" 30
# snapshot: the iteration, then the shown component lines (weights in
# full, parameters as far as the panel shows them)
snap() { sed -n 's/.*mixture at iteration \([0-9]*\):.*/\1/p' <<<"$1" | head -n 1; \
	grep -oE '\[[0-9.e-]+, "(uniform|lognorm)",[^║]*' <<<"$1"; }
# the panel may be caught between its title and its component lines:
# wait (up to 30 s) for a whole snapshot while the fit runs
s1=$(snap "$SCREEN")
end=$((SECONDS + 30))
while [ "$SECONDS" -lt "$end" ]; do
	[ "$(wc -l <<<"$s1")" -ge 11 ] && break
	s=$(screen)
	grep -q "\[Esc\] cancel" <<<"$s" || break       # the fit ended: fail below
	s1=$(snap "$s")
	sleep 0.02
done
it1=$(head -n 1 <<<"$s1")
[ "$(wc -l <<<"$s1")" -ge 11 ] || { bad "not all 10 components in the fit view's mixture: $s1"; finish; }
# wait for a later snapshot with other numbers while it runs: snapshots
# come every 0.1 s, so fail after 20 s without one, or as soon as three
# later whole snapshots all show the same mixture (a frozen fit)
changed=0 same=0 seen=$it1
end=$((SECONDS + 20))
while [ "$SECONDS" -lt "$end" ] && [ "$same" -lt 3 ]; do
	s2=$(screen)
	grep -q "\[Esc\] cancel" <<<"$s2" || break      # the fit ended: fail
	n2=$(snap "$s2")
	it2=$(head -n 1 <<<"$n2")
	if [ -n "$it2" ] && [ "$it2" -gt "$seen" ] && [ "$(wc -l <<<"$n2")" -ge 11 ]; then
		if [ "$(tail -n +2 <<<"$n2")" != "$(tail -n +2 <<<"$s1")" ]; then
			changed=1; break
		fi
		same=$((same + 1)) seen=$it2
	fi
	sleep 0.02
done
[ "$changed" = 1 ] || { bad "the mixture did not change between iterations ($it1 -> ${it2:-none})"; finish; }
grep -q "PDF flows of h1, live" <<<"$s2" || bad "no live chart title"
# the snapshot's log-likelihood while it runs
grep -qE "log-likelihood -[0-9.]+ at $it2" <<<"$s2" || bad "no log-likelihood of snapshot $it2 while running"
grep -qE "BIC [0-9.]+  ks 0\.[0-9]+" <<<"$s2" || bad "no BIC and ks while running"
grep -q "─ mixture fit" <<<"$s2" || bad "no mixture in the live chart"
keys Escape
wait_for "fit view: cancelled after [0-9]+ iterations" 10
wait_for "\[Enter\] fit  \[s\] save  \[Esc\] close" 5
keys l l l l l
wait_for "lognormals L +\[ 3\]" 2
# a short fit to the end: the same mixture as the fit command
keys i i i i i i i i i i i
wait_for "iterations +\[100\]" 2
keys Enter
wait_for "100/100  done" 60
ll=$(grep -oE "log-likelihood -?[0-9.]+" <<<"$SCREEN" | head -n 1)
ks=$(grep -oE "  ks 0\.[0-9]+" <<<"$SCREEN" | head -n 1 | grep -oE "0\.[0-9]+")
w1=$(grep -oE '\[0\.[0-9]+, "uniform", \[0, 1' <<<"$SCREEN" | head -n 1)
[ -n "$ll" ] && [ -n "$w1" ] || bad "no final mixture on screen"
# s adds the y to the set made from this histogram (the demo's m1)
wait_for "s adds flows to m1; S makes a new set" 2
keys s
wait_for "> fit h1 -y flows -i 100 -U 2 -L 3 -P 0 as m1" 5
wait_for "m1: mixture, flows: 5 components" 30
type_line "export h1 -O h1.csv"
for i in $(seq 1 600); do [ -s "$T/h1.csv" ] && break; sleep 0.05; done
"$FM" fit -y flows -i 100 -U 2 -L 3 -O "$T/mix" "$T/h1.csv" 2>"$T/fit.err" >/dev/null \
	|| bad "fit command: $(cat "$T/fit.err")"
grep -q "$ll," "$T/fit.err" || bad "log-likelihood: view '$ll', fit command: $(cat "$T/fit.err")"
grep -qF "${w1#\[}" "$T/mix/flows.json" || bad "first weight: view '$w1', fit: $(head -c 200 "$T/mix/flows.json")"
# the ks shown is gof's of that mixture (4 significant digits)
want=$("$FM" gof -q -y flows --format json "$T/h1.csv" "$T/mix" |
	python3 -c 'import json,sys; print("%.4g" % json.load(sys.stdin)["flows"]["ks"])')
[ -n "$ks" ] && [ "$ks" = "$want" ] || bad "ks: view '$ks', gof '$want'"
finish
