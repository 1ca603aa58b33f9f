#!/usr/bin/env bash
# Start-up: the first frame (status line, panels, view tabs, prompt) comes
# within a second; without a terminal `flowmodels` keeps printing the
# command list, and workbench options say they need one.
source "$(dirname "$0")/lib.bash"

# no terminal: the one-shot usage, unchanged
out=$("$FM" </dev/null 2>&1 | cat)
grep -q "^commands:" <<<"$out" || bad "no-tty usage: $out"
"$FM" --help | grep -q "convert" || bad "--help lists commands"
"$FM" --theme dark </dev/null >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "needs a terminal" "$T/err" || bad "--theme without tty: rc=$rc $(cat "$T/err")"
printf 'chart.flows = green\nchart.flow = red\n' > "$T/bad.theme"
"$FM" --theme "$T/bad.theme" </dev/null >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.theme:2: unknown role 'chart.flow'" "$T/err" || bad "bad theme file: rc=$rc $(cat "$T/err")"
"$FM" --theme nosuch </dev/null >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown theme 'nosuch' (themes: .*dark" "$T/err" || bad "unknown theme: rc=$rc $(cat "$T/err")"
"$FM" --color=sometimes </dev/null >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "expected auto, always or never" "$T/err" || bad "--color value: rc=$rc"

t0=$(date +%s%N)
start 100 30
wait_ready 5
t1=$(date +%s%N)
echo "first frame after $(( (t1 - t0) / 1000000 )) ms (tmux start included)"
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ] || bad "first frame too slow"
s=$(screen)
grep -q "^ flowmodels  session:" <<<"$s" || bad "status line"
grep -q "\[F1\] help" <<<"$s" || bad "help hint"
grep -q "Objects" <<<"$s" || bad "objects panel"
grep -q "PDF flows (braille)" <<<"$s" || bad "chart panel title"
grep -q "\[1\]PDF flows.*\[2\].*\[7\]" <<<"$s" || bad "view tabs"
grep -q "workbench: type a command" <<<"$s" || bad "welcome message"
[ "$(tail -n 1 <<<"$s")" = "fm>" ] || bad "prompt on the last line: '$(tail -n 1 <<<"$s")'"
# exactly 30 rows, nothing written outside the window
[ "$(wc -l <<<"$s")" -eq 30 ] || bad "screen rows"

# a command runs and its output lands in the info panel
type_line "convert --help"
# longer than the messages: in the pager too (q closes it)
wait_for "convert --help: [0-9]+ lines" 5
keys End
wait_for "show this help and exit" 2
keys q
wait_gone "convert --help: [0-9]+ lines" 2
wait_for "show this help and exit" 1
# an error, in one line
type_line "nosuchcmd"
wait_for "unknown command: nosuchcmd" 5
type_line 'cut "unterminated'
wait_for "unterminated double quote" 5

# --theme, --charset and --color=never start the workbench too
keys C-d
wait_for "fm-exit=0" 5
tm kill-server
start 100 30 -- --theme light --charset ascii --color=never
wait_ready 5
wait_for "PDF flows \(ascii\)" 2
tm kill-server

# a theme file given by path (relative to the working directory)
printf 'status = black on green\n' > "$T/mine.theme"
start 100 30 -- --theme mine.theme
wait_ready
type_line "theme"
wait_for "themes: .*" 2
screen_esc | head -n 1 | grep -qE $'\e\\[([0-9;]*;)?(42|48;5;2)m' || bad "theme file: status not on green"
tm kill-server

# a locale without UTF-8: ASCII charts by default, ASCII status glyphs
start 100 30 LANG=C LC_ALL=C
wait_ready
wait_for "PDF flows \(ascii\)" 2
type_line "help cut"
wait_for "show this help and exit" 3
finish
