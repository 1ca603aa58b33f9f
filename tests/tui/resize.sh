#!/usr/bin/env bash
# Resizing: below 80x24 a "terminal too small" note; back at a usable
# size everything is redrawn at the new size (panels fill the width and
# the prompt is on the last line).
source "$(dirname "$0")/lib.bash"

start 100 30
wait_ready
tm resize-window -t fm -x 70 -y 20
wait_for "terminal too small: 70x20, need 80x24" 3
tm resize-window -t fm -x 80 -y 23
wait_for "terminal too small: 80x23, need 80x24" 3
tm resize-window -t fm -x 120 -y 40
wait_gone "terminal too small" 3
wait_for "^fm>" 2
s=$(screen)
[ "$(wc -l <<<"$s")" -eq 40 ] || bad "rows after resize"
# the top border of the chart panel reaches the last column
top=$(sed -n 2p <<<"$s")
[ "${top: -1}" = "┐" ] || bad "chart panel not redrawn to the new width: '$top'"
[ "$(tail -n 1 <<<"$s")" = "fm>" ] || bad "prompt not on the last line"
# typing still works after the resizes
type_line "help cut"
wait_for "show this help and exit" 3
# the smallest usable size
tm resize-window -t fm -x 80 -y 24
wait_gone "terminal too small" 3
wait_for "\[F1\] help" 2
finish
