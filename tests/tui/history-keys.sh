#!/usr/bin/env bash
# The readline history file never holds a literal key: a line with
# `anonymize --key VALUE` (or --key=VALUE) enters the history with the
# value replaced by REDACTED, and a line that cannot be split and names
# --key is kept out of it (issue 17, item 8).
source "$(dirname "$0")/lib.bash"

H="$T/state/flowmodels/history"
start 120 30
wait_ready
type_line "anonymize --key Sup3rSecretKeyNumberOne-0123456789 missing.csv"
wait_for "anonymize: " 5
type_line "anonymize --key=Sup3rSecretKeyNumberTwo-012345678 -q missing.csv"
wait_for "^fm>" 2
type_line "anonymize --key 'Sup3rSecretKeyNumberThree"
wait_for "^fm>" 2
type_line "help anonymize"
# longer than the messages: in the pager too (q closes it)
wait_for "help anonymize: [0-9]+ lines" 5
keys End
wait_for "show this help and exit" 2
keys q
wait_gone "help anonymize: [0-9]+ lines" 2
type_line "quit"
wait_for "fm-exit=0" 5
tm kill-server

[ -f "$H" ] || bad "no history file"
grep -q "Sup3rSecret" "$H" && bad "history holds a key: $(cat "$H")"
grep -qx "anonymize --key REDACTED missing.csv" "$H" ||
	bad "redacted --key line missing: $(cat "$H")"
grep -qx "anonymize --key=REDACTED -q missing.csv" "$H" ||
	bad "redacted --key= line missing: $(cat "$H")"
grep -qx "help anonymize" "$H" || bad "plain line missing: $(cat "$H")"

# the in-memory history is redacted too: Up recalls the redacted line
start 120 30
wait_ready
keys Up Up Up
wait_for "^fm> anonymize --key=REDACTED -q missing.csv$" 2
keys C-u
type_line "quit"
wait_for "fm-exit=0" 5
finish
