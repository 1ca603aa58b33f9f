#!/usr/bin/env bash
# Time series in the workbench: `series d1` in a session makes a series
# object (no files without -O), `series d1 -O DIR` also writes the
# csv_series files, and view 7 (F8) draws flows, packets and bits per
# second as 30-second rolling means; other views say to press 7.
source "$(dirname "$0")/lib.bash"

start 120 40 "TMPDIR=$T" -- --demo
wait_ready
wait_for "octets: 5 components" 60
type_line "series d1 -O ser as s1"
wait_for "series: 200000 records, [0-9]+ days written to ser" 30
wait_for "▸s1 +series [0-9]+ day" 5
wait_for "s1: series, [0-9]+ days?, 200000 records" 2
wait_for "object: s1" 2
[ -n "$(ls "$T/ser" 2>/dev/null | grep -E '^[0-9]+\.flows$')" ] || bad "no csv_series files in ser/"
keys F2
wait_for "a time series: view 7 \(F8\) draws it" 5
keys F8
wait_for "series of s1 \(braille\)" 5
wait_for "─ flows/s" 2
wait_for "┄ packets/s" 2
wait_for "┈ bits/s" 2
wait_for "Time of day [0-9]{4}-[0-9]{2}-[0-9]{2} \[h\]" 2
wait_for "per second, 30 s mean" 2
LC_ALL=C grep -q $'\xe2[\xa0-\xa3]' <<<"$SCREEN" || bad "no braille dots in the chart"
# without -O: an object only
type_line "series d1 as s2"
wait_for "series: 200000 records, [0-9]+ days? kept in the session" 30
wait_for "▸s2 +series" 5
wait_for "series of s2" 5
[ ! -e "$T/s2" ] || bad "series without -O wrote files"
# info and export of the object
type_line "export s2 -O ser2"
# wait (up to 30 s) until the exported files are there and equal
same=0
for i in $(seq 1 600); do
	diff -r "$T/ser" "$T/ser2" >/dev/null 2>&1 && { same=1; break; }
	sleep 0.05
done
[ "$same" = 1 ] || bad "export s2 differs from series -O: $(diff -rq "$T/ser" "$T/ser2" 2>&1 | head -n 3)"
finish
