#!/usr/bin/env bash
# The one-key re-fit of a live model (r, docs/live.md): Debian's nfcapd
# on 127.0.0.1 rotates every 2 s (-t 2); h follows the directory, m is
# a fit of h.  After a second burst of flows h has changed; r on m runs
# `fit h -y flows -i 60 --from m as m` as a job (echoed, recorded): m is
# then exactly what the one-shot `fit -i 60 --from` the earlier m gives
# on the hist of the closed files, and the saved session holds the line.
# Skips (77) without nfcapd, python3 or tmux.
source "$(dirname "$0")/lib.bash"
live_collector
# wait_file PATH: until a command of the workbench wrote it
wait_file() { for i in $(seq 1 100); do [ -e "$1" ] && return 0; sleep 0.1; done; bad "no $1"; }

start 120 40 "TMPDIR=$T" --
wait_ready
type_line "load --follow $F as live"
wait_for "live: live, following" 10
type_line "hist live -b 2 as h"
wait_for "h: histogram, 0 bins" 10
python3 "$SEND" --port "$port" --wait-bound 5 --count 300 --seed 1 2>>"$T/send.log" ||
	bad "sender: $(cat "$T/send.log")"
wait_for "^│ [0-9]+ bins, 300 flows" 20
type_line "fit h -i 60 -U 1 -L 2 as m"
wait_for "m: mixture" 10
type_line "export m -O m0"
wait_file "$T/m0/flows.json"
python3 "$SEND" --port "$port" --wait-bound 5 --count 200 --seed 2 2>>"$T/send.log" ||
	bad "sender: $(cat "$T/send.log")"
# the closed files hold the 500 flows, and the workbench took them in
# (the status names the newest file; m's facts are in the info panel)
for i in $(seq 1 100); do
	"$FM" hist -q -b 2 "$F"/nfcapd.2????????????? 2>/dev/null |
		awk -F, 'NR > 1 { s += $3 } END { exit s != 500 }' && break
	sleep 0.2
done
newest=$(ls "$F"/nfcapd.2????????????? | sort | tail -1)
wait_for "live: ${newest##*/}" 10
# r on m (selected in the objects panel)
keys Tab
wait_for "╔═ Objects" 2
select_object m Down
keys r
wait_for "> fit h -y flows -i 60 --from m as m" 5
wait_for "fit: flows: 3 components, 60 iterations" 10
keys Escape # back to the prompt
# the one-shot warm start from the earlier m on the hist of the closed files
type_line "export h -O h.csv"
wait_file "$T/h.csv"
type_line "export m -O m1"
wait_file "$T/m1/flows.json"
"$FM" hist -q -b 2 "$F"/nfcapd.2????????????? >"$T/want-h.csv" 2>/dev/null
cmp -s "$T/want-h.csv" "$T/h.csv" || bad "h is not the hist of the closed files"
"$FM" fit -q -i 60 --from "$T/m0" -O "$T/want" "$T/h.csv" || bad "one-shot fit --from"
python3 - "$T/want/flows.json" "$T/m1/flows.json" "$T/m0/flows.json" <<'PY' || bad "m after r is not the warm-start fit"
import json, sys
w, g, old = (json.load(open(p)) for p in sys.argv[1:4])
assert w["mix"] == g["mix"], (w["mix"], g["mix"])
assert g["sum"] == 500 and old["sum"] == 300, (g["sum"], old["sum"])
PY
type_line "save s.fms"
wait_file "$T/s.fms"
grep -q "^fit h -y flows -i 60 --from m as m$" "$T/s.fms" || bad "not recorded: $(grep '^fit' "$T/s.fms")"
# r where there is nothing to re-fit: a message, no command
keys Tab
wait_for "╔═ Objects" 2
select_object live Up
keys r
wait_for "r re-fits a mixture set" 3
finish
