#!/usr/bin/env bash
# SIGTERM and SIGHUP (the terminal went away) end the workbench as `quit`
# does: exit status 0 and the session's scratch directory (made by a load
# of csv_flow records, under $TMPDIR) removed.
source "$(dirname "$0")/lib.bash"

rec() { echo "2, 6, 0, 0, 0, 0, 0, $1, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, 3, 300, 1"; }
for i in 1 2 3; do rec $i; done > "$T/small.csv"

for sig in TERM HUP; do
	rm -rf "$T/scratch"
	mkdir -p "$T/scratch"
	start 100 30 "TMPDIR=$T/scratch" --
	wait_ready
	type_line "load -i csv_flow small.csv as d1"
	wait_for "▸d1 +dataset 3 records" 5
	[ -n "$(ls -A "$T/scratch")" ] || bad "$sig: load made no scratch directory"
	shell=$(tm display-message -p -t fm '#{pane_pid}')
	fm=$(pgrep -P "$shell" -x flowmodels)
	if [ -z "$fm" ]; then
		bad "$sig: no flowmodels process under the pane's shell $shell"
		continue
	fi
	kill -s "$sig" "$fm"
	wait_for "fm-exit=0" 5
	[ -z "$(ls -A "$T/scratch")" ] || bad "$sig: scratch files left: $(ls -A "$T/scratch")"
	tm kill-server
done
finish
