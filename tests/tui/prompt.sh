#!/usr/bin/env bash
# The prompt is GNU readline: emacs keys by default, vi mode from an
# inputrc `$if flowmodels` section (rl_readline_name), cursor movement
# with the arrow keys, and a long line scrolling within the prompt row.
source "$(dirname "$0")/lib.bash"

start 100 30
wait_ready
keys -l "help convert"
wait_for "^fm> help convert$" 2
keys C-a; keys -l "x"
wait_for "^fm> xhelp convert$" 2
keys C-e BSpace BSpace
wait_for "^fm> xhelp conve$" 2
keys Left Left C-k
wait_for "^fm> xhelp con$" 2
keys C-a C-d M-f C-k
wait_for "^fm> help$" 2
keys C-u
# a line longer than the screen: the end stays visible while typing
long=$(printf 'convert %.0s' $(seq 1 20))
keys -l "$long"
keys -l "END"
wait_for "convert END$" 2
keys C-a
wait_for "^fm> convert convert" 2
keys C-k
tm kill-server

printf '$if flowmodels\nset editing-mode vi\n$endif\n' > "$T/inputrc"
start 100 30 "INPUTRC=$T/inputrc"
wait_ready
keys -l "abc def"
wait_for "^fm> abc def$" 2
keys Escape
keys -l "0x"
wait_for "^fm> bc def$" 2
keys -l "wD"
wait_for "^fm> bc$" 2          # (a blank is left after bc)
keys -l "A!"
wait_for "^fm> bc !$" 2
# another application's section does not apply
printf '$if otherapp\nset editing-mode vi\n$endif\n' > "$T/inputrc"
tm kill-server
start 100 30 "INPUTRC=$T/inputrc"
wait_ready
keys -l "abc"
keys Escape
keys -l "0x"
# emacs: Escape 0 x is a prefix argument and inserts x
wait_for "^fm> abcx?$" 2
finish
