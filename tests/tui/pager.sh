#!/usr/bin/env bash
# The pager (issue 18, item 17): output longer than the message area
# (here `help fit`) opens in an overlay that scrolls (Down, PgDn, End,
# Home), searches (/ then n), and closes with q or Esc; any other
# printable key closes it and is typed at the prompt; a non-pager key
# (Tab) closes it and acts as usual.  Short output stays in the messages.
source "$(dirname "$0")/lib.bash"

start 100 24
wait_ready
# short output: no pager
type_line "list"
wait_for "no objects" 3
sleep 0.2
screen >/dev/null
grep -q "lines (q closes" <<<"$SCREEN" && bad "a short output opened the pager"
# help fit: 25 lines, 20 rows of the overlay at 100x24
type_line "help fit"
wait_for "help fit: [0-9]+ lines \(q closes, / searches\)" 5
wait_for " 1-20/[0-9]+ " 1
wait_for "usage: flowmodels fit" 1
wait_for "PgDn: more" 1
keys Down
wait_for " 2-21/[0-9]+ " 2
keys NPage
wait_for " [0-9]+-([0-9]+)/\1 " 2   # the last page
wait_for "\(end\)" 1
keys Home
wait_for " 1-20/[0-9]+ " 2
keys End
wait_for "show this help and exit" 2
keys Home
# search: the line with --mpw, then n finds the next match
keys -l "/mpw"
wait_for "/mpw_" 2
keys Enter
wait_for "/mpw: line [0-9]+" 2
first=$(grep -oE "/mpw: line [0-9]+" <<<"$SCREEN")
keys n
# until the message names another line (2 s)
for i in $(seq 1 100); do
	screen >/dev/null
	second=$(grep -oE "/mpw: line [0-9]+" <<<"$SCREEN")
	[ -n "$second" ] && [ "$second" != "$first" ] && break
	sleep 0.02
done
[ "$second" != "$first" ] || bad "n found the same line: $first"
# n goes on from the last match, not from the (clamped) top: around to
# the first match again
keys n
wait_for "$first\b" 2
keys -l "/nosuchword"
keys Enter
wait_for "/nosuchword: not found" 2
# q closes; the output stays in the messages
keys q
wait_gone "help fit: [0-9]+ lines" 2
wait_for "show this help and exit" 1
wait_for "^fm> *$" 1
# Esc closes too
type_line "help fit"
wait_for "help fit: [0-9]+ lines" 5
keys Escape
wait_gone "help fit: [0-9]+ lines" 2
# a letter other than q, n, N and / closes it and is typed
type_line "help fit"
wait_for "help fit: [0-9]+ lines" 5
keys -l "xyz"
wait_gone "help fit: [0-9]+ lines" 2
wait_for "^fm> xyz *$" 1
keys C-u
# Tab closes it and moves the focus as usual
type_line "help fit"
wait_for "help fit: [0-9]+ lines" 5
keys Tab
wait_gone "help fit: [0-9]+ lines" 2
wait_for "╔═ Objects" 2
keys Escape
type_line "quit"
wait_for "fm-exit=0" 5
finish
