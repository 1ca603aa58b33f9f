#!/usr/bin/env bash
# The workbench on a live collector: Debian's nfcapd on 127.0.0.1 rotates
# every 2 s (-t 2); `load --follow DIR as live` and `hist live as h` make
# a histogram that follows the directory.  Each burst nf9send.py sends
# must show up in h's facts (flows), in its chart and in the status line
# (the last file, records/s), without a command, and a histogram of the
# live view tcp (filter live 'prot == 6') follows the TCP flows; a
# damaged capture file
# appearing is reported in the messages and skipped, and the follow goes
# on.  Skips (77) without nfcapd, python3 or tmux.
source "$(dirname "$0")/lib.bash"
live_collector

# the chart panel: the screen below the status line, right of the objects
chart() { screen >/dev/null; sed -n '2,30p' <<<"$SCREEN" | cut -c40-; }

start 120 40 "TMPDIR=$T" --
wait_ready
type_line "load --follow $F as live"
wait_for "live: live, following .*flows: 0 files" 10
type_line "filter live 'prot == 6' as tcp"
wait_for "tcp: live, view of live \(prot == 6\)" 10
type_line "hist tcp -b 2 as ht"
wait_for "ht: histogram, 0 bins" 10
type_line "hist live -b 2 as h"
wait_for "h: histogram, 0 bins" 10
before=$(chart)
python3 "$SEND" --port "$port" --wait-bound 5 --count 300 --seed 1 2>>"$T/send.log" ||
	bad "sender: $(cat "$T/send.log")"
# no command typed: the histogram follows (nfcapd closes the file <= 2 s)
wait_for "^│ [0-9]+ bins, 300 flows" 20
wait_for "live: nfcapd\.[0-9]{14}, [0-9]+ records/s, window all" 5
after=$(chart)
[ "$before" != "$after" ] || bad "the chart did not change when the file arrived"
python3 "$SEND" --port "$port" --wait-bound 5 --count 200 --seed 2 2>>"$T/send.log" ||
	bad "sender: $(cat "$T/send.log")"
wait_for "^│ [0-9]+ bins, 500 flows" 20
[ "$after" != "$(chart)" ] || bad "the chart did not change with the second file"
# a damaged file: reported, skipped, and the follow goes on
big=$(ls -S "$F"/nfcapd.2* | head -1)
head -c 700 "$big" >"$T/cut"
mv "$T/cut" "$F/nfcapd.202001010000"
wait_for "skipped: .*nfcapd\.202001010000: block" 10
python3 "$SEND" --port "$port" --wait-bound 5 --count 100 --seed 3 2>>"$T/send.log" ||
	bad "sender: $(cat "$T/send.log")"
wait_for "^│ [0-9]+ bins, 600 flows" 20
# the histogram is the hist of the closed files
type_line "export h -O h.csv"
for i in $(seq 1 100); do [ -f "$T/h.csv" ] && break; sleep 0.1; done
"$FM" hist -q -b 2 "$F"/nfcapd.2????????????? >"$T/want.csv" 2>/dev/null
cmp -s "$T/want.csv" "$T/h.csv" || bad "h is not the hist of the closed files"
# the view's histogram followed too: the hist of the closed files' TCP
type_line "export ht -O ht.csv"
for i in $(seq 1 100); do [ -f "$T/ht.csv" ] && break; sleep 0.1; done
"$FM" hist -q -b 2 --filter-expr 'prot == 6' "$F"/nfcapd.2????????????? >"$T/want-tcp.csv" 2>/dev/null
cmp -s "$T/want-tcp.csv" "$T/ht.csv" || bad "ht is not the hist of the closed files' TCP flows"
[ "$(wc -l <"$T/ht.csv")" -gt 1 ] && ! cmp -s "$T/ht.csv" "$T/h.csv" || bad "ht: empty or not filtered"
finish
