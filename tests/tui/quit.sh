#!/usr/bin/env bash
# Jobs, cancel and quit: a long command runs as a job with progress in
# the status line while the prompt stays live; `quit` asks while it runs
# (n keeps going); Ctrl-C cancels the job (no output file is left) and
# never quits; lines typed during a job are queued; `quit`, q in a panel
# and Ctrl-D leave with status 0; the history persists across runs.
source "$(dirname "$0")/lib.bash"

rec() { echo "2, 6, 0, 0, 0, 0, 0, $1, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, 3, 300, 1"; }
for i in $(seq 1 2000); do rec $i; done > "$T/recs"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/recs"; done > "$T/recs10"
# endless, paced record sources (one per job: a cancelled reader leaves
# a partial line behind): the job runs until cancelled
for f in fifo1 fifo2; do
	mkfifo "$T/$f"
	( while :; do cat "$T/recs10" 2>/dev/null; sleep 0.1; done ) > "$T/$f" &
	BG_PIDS+=($!)
done

LONGJOB="convert -i csv_flow --skip-out 1000000000000 -O out.csv fifo1"

start 120 30
wait_ready
type_line "$LONGJOB"
wait_for "^ flowmodels .*convert [█░]+ +[0-9.]+ s" 5
# the prompt answers while the job runs
keys -l "help cu"
wait_for "^fm> help cu$" 1
keys C-u
# quit asks, saying the job will be cancelled; n keeps the job
type_line "quit"
wait_for "a job is running and will be cancelled: quit anyway\? \[y/N\]" 2
keys n
wait_for "quit cancelled" 2
wait_for "^ flowmodels .*convert [█░]+" 1
# commands that only read (list, info, history, help) answer at once;
# the others wait in the queue
type_line "help cut"
wait_for "show this help and exit" 2
type_line "history"
type_line "convert --help"
wait_for "queued after convert: convert --help" 2
type_line "load nothing.csv"
wait_for "\+2 queued" 2
# Ctrl-C cancels (and drops the queue), never quits
keys C-c
wait_for "dropped 2 queued commands" 2
wait_for "convert: cancelled after [0-9.]+ s" 5
wait_gone "convert [█░]+" 2
[ -e "$T/out.csv" ] && bad "cancelled job left out.csv"
ls "$T" | grep -q "^out.csv" && bad "cancelled job left a temporary file: $(ls "$T")"
wait_for "^fm>" 1
# quit with a job running: y leaves at once
type_line "${LONGJOB%1}2"
wait_for "^ flowmodels .*convert [█░]+" 5
type_line "quit"
wait_for "quit anyway" 2
keys y
wait_for "fm-exit=0" 5
[ -e "$T/out.csv" ] && bad "job cancelled by quit left out.csv"
tm kill-server

# history persisted under $XDG_STATE_HOME/flowmodels/history
grep -qx "$LONGJOB" "$T/state/flowmodels/history" || bad "history file lacks the command"
start 100 30
wait_ready
keys Up
wait_for "^fm> quit$" 2
keys Up
wait_for "^fm> ${LONGJOB%1}2$" 2
keys Up Up Up Up
wait_for "^fm> help cut$" 2
keys C-u
# unsaved changes: quit asks; after save it does not
for i in 1 2 3; do rec $i; done > "$T/small.csv"
type_line "load -i csv_flow small.csv as d1"
wait_for "^ flowmodels  session: \(new\)\*  object: d1" 5
wait_for "▸d1 +dataset 3 records" 2
type_line "quit"
wait_for "unsaved work: quit anyway\? \[y/N\]" 2
keys Escape
wait_for "quit cancelled" 2
type_line "save s.fms"
wait_for "^ flowmodels  session: s.fms  object: d1" 5
grep -q "^load .*small.csv -i csv_flow as d1" "$T/s.fms" || bad "session file: $(cat "$T/s.fms")"
# quit from a panel with q: no question now
keys Tab
wait_for "╔═ Objects" 2
keys q
wait_for "fm-exit=0" 3
finish
