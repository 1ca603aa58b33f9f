#!/usr/bin/env bash
# Colours: by default the screen has colours; NO_COLOR (non-empty) and
# --color=never turn them off (attributes only, the mono theme), and
# --color=always brings them back despite NO_COLOR; a 256-colour theme
# keeps its palette on a 256-colour terminal and is approximated with the
# eight basic colours on an 8-colour one.
source "$(dirname "$0")/lib.bash"

has_color() { # SGR colour codes 30-37/39/40-47/90-97/38;5/48;5 on screen
	screen_esc | grep -qE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)'
}

start 100 30
wait_ready
has_color || bad "default: no colours on screen"
tm kill-server

start 100 30 NO_COLOR=1
wait_ready
wait_for "colours off \(NO_COLOR\): mono theme" 2
has_color && bad "NO_COLOR: colours on screen"
# still attributes: the status line is in reverse video
screen_esc | head -n 1 | grep -qE $'\e\\[([0-9;]*;)?7m' || bad "NO_COLOR: status line not reverse"
type_line "theme dark"
wait_for "theme dark: colours are off" 2
has_color && bad "NO_COLOR + theme dark: colours on screen"
tm kill-server

start 100 30 -- --color=never
wait_ready
wait_for "colours off \(--color=never\)" 2
has_color && bad "--color=never: colours on screen"
tm kill-server

start 100 30 NO_COLOR=1 -- --color=always
wait_ready
has_color || bad "--color=always: no colours"
type_line "theme nosuch"
wait_for "theme: unknown theme 'nosuch' \(themes: .*dark.*high-contrast.*light.*mono" 2
type_line "theme"
wait_for "themes: .*default\*" 2
tm kill-server

esc_codes() { screen_esc | grep -oE $'\e\\[[0-9;]*m'; }
start 100 30 TERM=screen-256color -- --theme dark
wait_ready
esc_codes | grep -q '38;5;252' || bad "dark theme on 256 colours: no colour 252"
tm kill-server
start 100 30 TERM=screen -- --theme dark
wait_ready
esc_codes | grep -q '38;5;' && bad "8-colour terminal got 256-colour codes"
esc_codes | grep -qE '\[(3[0-7]|4[0-7])m' || bad "8-colour terminal: no basic colours"
finish
