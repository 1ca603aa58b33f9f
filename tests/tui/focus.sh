#!/usr/bin/env bash
# Focus and keys: the prompt has the focus at start; Tab on an empty line
# cycles objects -> chart -> info -> prompt (the focused panel has a
# double border), Shift-Tab goes back, Esc and ':' return to the prompt;
# 1-7 in a panel and F2-F8 anywhere switch the chart view; in the prompt
# Tab completes commands, options and option values; Ctrl-C without a
# job says so and does not quit; Ctrl-L redraws.
source "$(dirname "$0")/lib.bash"

focused() { # the title of the panel with the double border, or "prompt"
	local s; s=$(screen)
	local t; t=$(grep -oE "╔═ [A-Za-z]+" <<<"$s" | head -n 1 | sed 's/╔═ //')
	echo "${t:-prompt}"
}
expect_focus() {
	local want=$1 i
	for i in $(seq 1 100); do
		[ "$(focused)" = "$want" ] && return 0
		sleep 0.02
	done
	bad "focus: want $want, got $(focused)"
}

start 100 30
wait_ready
expect_focus prompt
keys Tab;   expect_focus Objects
keys Tab;   expect_focus PDF
keys Tab;   expect_focus Messages
keys Tab;   expect_focus prompt
keys BTab;  expect_focus Messages
keys BTab;  expect_focus PDF
keys Escape; expect_focus prompt
keys Tab;   expect_focus Objects
keys :;     expect_focus prompt
# typed keys go to the prompt, not to panels
keys -l "q1"
wait_for "^fm> q1$" 2
keys C-u
wait_for "^fm>$" 2

# views: 1-7 in a panel, F2-F8 anywhere
keys Tab;   expect_focus Objects
keys 4
wait_for "═ CDF \(braille\)|─ CDF \(braille\)" 2
keys 7
wait_for "series \(braille\)" 2
keys Escape; expect_focus prompt
keys F3
wait_for "PDF pkts \(braille\)" 2
keys F8
wait_for "series \(braille\)" 2
keys F2
wait_for "PDF flows \(braille\)" 2
type_line "set charset block"
wait_for "PDF flows \(block\)" 2
type_line "set charset nonsense"
wait_for "set: charset: bad value 'nonsense' \(choices: braille\|block\|ascii\)" 2

# completion: command, long option, option values, themes
keys -l "conv"; keys Tab
wait_for "^fm> convert$" 2
keys -l -- "--in-f"; keys Tab
wait_for "^fm> convert --in-format$" 2
keys -l "bi"; keys Tab
wait_for "^fm> convert --in-format binary$" 2
keys C-u
keys -l "convert -i "; keys Tab Tab
wait_for "[0-9]+ completions of .convert -i .:" 2
wait_for "csv_flow +nfcapd .*pipe" 1
keys C-u
keys -l "theme high"; keys Tab
wait_for "^fm> theme high-contrast$" 2
keys C-u

# history: Up recalls the last command
type_line "help convert"
wait_for "show this help and exit" 2
# the help is longer than the messages: the pager has the keys; q closes it
wait_for "help convert: [0-9]+ lines" 1
keys q
wait_gone "help convert: [0-9]+ lines" 2
keys Up
wait_for "^fm> help convert$" 2
keys C-u

# Ctrl-C without a job: a note, still running
keys C-c
wait_for "no job running" 2
keys C-l
wait_for "Objects" 2
wait_for "^fm>" 1
finish
