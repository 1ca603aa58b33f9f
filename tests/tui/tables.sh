#!/usr/bin/env bash
# The workbench's tables (src/tui/table*.c): `show records` pages through
# a dataset's records (the same texts as `convert -o text`; End reaches
# the last record, Home the first; a view shows its filter's records),
# `top` opens a table of the groups (counts as awk counts them; f p o
# sort; Enter on a row makes a view filtered to its key), Esc closes.
source "$(dirname "$0")/lib.bash"

# 3000 records: protocols 6, 17 and 1; 40 source addresses; ports; the
# packets and octets of each, so that the orders by flows, packets and
# octets differ
awk 'BEGIN {
	for (i = 0; i < 3000; i++) {
		prot = (i % 5 == 0) ? 17 : (i % 7 == 0) ? 1 : 6
		pk = (prot == 17) ? 40 + i % 50 : 1 + i % 9
		oc = pk * ((prot == 1) ? 1400 : 60 + i % 30)
		printf "2, %d, 0, 0, 0, 0, 0, %d, 0, 0, 0, 3232235694, %d, %d, %d, %d, %d, %d, %d, %d, 1\n", \
			prot, 167772160 + i % 40, 1024 + i % 3000, (i % 4) ? 443 : 53, \
			1433962800 + int(i / 10), i % 1000, 1433962801 + int(i / 10), (i * 7) % 1000, pk, oc
	}
}' > "$T/f.csv"
"$FM" convert -q -i csv_flow -o text -O "$T/f.txt" "$T/f.csv" || bad "convert -o text"
# a text line's words without the arrow, one blank apart
words() { sed 's/->//; s/│//g; s/^ *//; s/ *$//; s/  */ /g'; }

start 160 40 "TMPDIR=$T" --
wait_ready
type_line "load $T/f.csv -i csv_flow as d1"
wait_for "d1: dataset, 3000 records" 20

# ---- show records: open, rows as the text format, scroll, Esc
type_line "show records d1"
wait_for "─ records of d1 " 10
wait_for " 1/3000 " 5
want=$(sed -n 2p "$T/f.txt" | words)
screen | words | grep -qxF -- "$want" && ok || bad "first record: want '$want' on: $SCREEN"
keys End
wait_for " 3000/3000 " 5
want=$(tail -n 1 "$T/f.txt" | words)
screen | words | grep -qxF -- "$want" && ok || bad "last record: want '$want'"
keys PPage
keys Home
wait_for " 1/3000 " 5
for i in 1 2 3; do keys Down; done
wait_for " 4/3000 " 5
keys Escape
wait_gone "─ records of d1 " 5
# a view: the records its filter keeps, in order
type_line "filter d1 'prot == 1' as icmp"
wait_for "icmp: view" 20
n=$(awk -F', ' '$2 == 1' "$T/f.csv" | wc -l)
type_line "show records icmp"
wait_for "records of icmp \(prot == 1\)" 10
keys End
wait_for " $n/$n " 5
want=$(awk '$3 == "icmp"' "$T/f.txt" | tail -n 1 | words)
screen | words | grep -qxF -- "$want" && ok || bad "last icmp record: want '$want'"
keys Escape
wait_gone "─ records of icmp " 5

# ---- top: the groups, sorting, Enter makes a view
type_line "top proto d1"
wait_for "top prot of d1, by flows" 20
for p in 6:tcp 17:udp 1:icmp; do
	num=${p%%:*} name=${p#*:}
	c=$(awk -F', ' -v p="$num" '$2 == p { n++; k += $19; o += $20 } END { printf "%d %d %d", n, k, o }' "$T/f.csv")
	set -- $c
	screen | grep -qE "│ *$name +$1 +[0-9.]+ +$2 +[0-9.]+ +$3 " && ok ||
		bad "top row $name: want $c on: $SCREEN"
done
# by flows tcp is first; by packets udp (40..89 packets a flow)
screen | awk '/│ *(tcp|udp|icmp) /' | head -1 | grep -q tcp && ok || bad "not tcp first by flows"
keys p
wait_for "sorted by packets" 5
screen | awk '/│ *(tcp|udp|icmp) /' | head -1 | grep -q udp && ok || bad "not udp first by packets: $SCREEN"
keys o
wait_for "sorted by octets" 5
keys o
wait_for "sorted by octets \(largest first\)|sorted by octets " 5
keys Home
keys Enter
wait_for "prot == (udp|icmp|tcp)" 20
wait_gone "top prot of d1" 5
wait_for "v[0-9]*: view|: view, [0-9]+ records" 20
# --by octets: top's order, shown as the sort (udp has the most octets)
type_line "top proto d1 --by octets"
wait_for "top prot of d1, by octets" 20
wait_for "sorted by octets \(largest first\)" 5
screen | awk '/│ *(tcp|udp|icmp) /' | head -1 | grep -q udp && ok || bad "not udp first by octets"
keys Escape
wait_gone "top prot of d1, by octets" 5
# top sa -n 5: Enter on the second row, a view of that address
type_line "top sa d1 -n 5"
wait_for "top sa of d1, by flows" 20
# every address has 75 flows: by flows the first five addresses; o asks
# for the five with the most octets, which are other groups: top runs
# again --by octets (sorting the five rows would not find them)
top5() { screen | grep -oE '│ *10\.0\.0\.[0-9]+ ' | tr -d '│ ' | tr '\n' ' '; }
[ "$(top5)" = "10.0.0.0 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 " ] && ok || bad "top sa by flows: $(top5)"
want=$(awk -F', ' '{ o[$8 - 167772160] += $20 } END { for (a in o) print o[a], a }' "$T/f.csv" |
	sort -k1,1nr -k2,2n | head -n 5 | awk '{ printf "10.0.0.%d ", $2 }')
keys o
wait_for "top --by octets sa d1 -n 5" 5
wait_for "top sa of d1, by octets" 20
[ "$(top5)" = "$want" ] && ok || bad "top sa by octets after o: got [$(top5)] want [$want]"
# p: the same again by packets; p again only turns the rows round
keys p
wait_for "top sa of d1, by packets" 20
wait_for "sorted by packets \(largest first\)" 5
last=$(top5 | cut -d' ' -f5)
keys p
wait_gone "sorted by packets \(largest first\)" 5
[ "$(top5 | cut -d' ' -f1)" = "$last" ] && ok || bad "p again: the fewest packets ($last) not first: $(top5)"
keys Down
keys Enter
wait_for "sa == 10\.0\.0\.[0-9]+" 20
wait_for ": view, 75 records" 20
finish
