#!/usr/bin/env bash
# Help: F1 opens the keys and commands (generated from the command
# table), scrolls, and closes with Esc/F1 (a printable key closes it and
# is typed at the prompt); `?` in a panel opens it too;
# `help CMD` prints a command's options into the info panel.
source "$(dirname "$0")/lib.bash"

start 100 30
wait_ready
keys F1
wait_for "Help: keys and commands" 2
wait_for "1-7 \(panels\), F2-F8 +chart view" 1
# the keys go on below the first page (a page or two further down): a
# page at a time, each once it is on the screen
for i in 1 2 3 4; do
	grep -qE "Ctrl-C +cancel the running job" <<<"$SCREEN" && break
	before=$SCREEN
	keys PageDown
	for j in $(seq 1 100); do
		screen >/dev/null
		[ "$SCREEN" != "$before" ] && break
		sleep 0.02
	done
done
wait_for "Ctrl-C +cancel the running job \(never quits\)" 1
keys Home
# every command of the table is listed with its summary
cmds=$("$FM" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}')
last=$(tail -1 <<<"$cmds")
for c in $cmds; do
	# the list may be longer than the panel: its end (where the last
	# command is), or the page above
	keys End
	wait_for "║   $last +[a-z]" 2
	if ! grep -qE -- "║   $c +[a-z]" <<<"$SCREEN"; then
		keys PageUp
		wait_for "║   $c +[a-z]" 2 || echo "help lacks command $c" >&2
	fi
done
keys Home
wait_for "║ Keys \(the prompt has the focus" 2
keys Escape
wait_gone "Help: keys and commands" 2
wait_for "Objects" 1

# ? in a panel
keys Tab
wait_for "╔═ Objects" 2
keys '?'
wait_for "Help: keys and commands" 2
keys F1
wait_gone "Help: keys and commands" 2
keys Escape

# help CMD
type_line "help cut"
wait_for "show this help and exit" 3
# scroll the info panel back to the start of the help text
keys BTab
wait_for "╔═ Messages \(|╔═ Messages ═" 2
keys PageUp PageUp PageUp PageUp
wait_for "usage: flowmodels cut \[CUTTING\]" 3
wait_for "Messages \(scrolled; End: latest\)" 1
keys End
wait_gone "scrolled; End" 2
keys Escape
type_line "help nosuch"
wait_for "help: unknown command: nosuch" 3

# a printable key closes the overlay and is typed at the prompt: `quit`
# typed right after `help` is quit, not uit (issue 18)
type_line "help"
wait_for "Help: keys and commands" 2
keys -l "quiz"
wait_gone "Help: keys and commands" 2
wait_for "^fm> quiz" 2
keys C-u
keys F1
wait_for "Help: keys and commands" 2
keys -l "q"
wait_gone "Help: keys and commands" 2
wait_for "^fm> q *$" 2
keys C-u
finish
