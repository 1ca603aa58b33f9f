#!/usr/bin/env bash
# doc-captures.sh - regenerate the screen captures of docs/workbench.md
# from the workbench itself (tmux capture-pane), deterministically.
#
#   tests/tools/doc-captures.sh [--check] [--out DIR [--no-doc]] [NAME...]
#
# Every capture in the docs is a code block right after a line
# `<!-- capture: NAME -->`; NAME is one of the scenarios below (a
# terminal size, the data, the keys typed).  The script runs each
# scenario in its own tmux server, captures the screen and writes it
# into the block.  With --check it changes nothing and fails (status 1,
# with a diff) when a block is not what the build shows; --out DIR also
# keeps each capture as DIR/NAME.txt (--no-doc: only there).  FLOWMODELS
# names the binary (default: build/flowmodels); FM_CAPTURES_DIR the
# working directory (default below).  See docs/dev/captures.md.
#
# Deterministic: a fixed working directory (/tmp/flowmodels-captures:
# object provenance shows absolute paths), fixed sizes, locale, TERM,
# an empty history, data made by flows_csv and the demo's fixed seed;
# the figures that vary from run to run, durations ("0.006 s"), are
# masked digit by digit ("#.### s"), keeping the layout.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FM=${FLOWMODELS:-$SRC/build/flowmodels}
DOC=$SRC/docs/workbench.md
W=${FM_CAPTURES_DIR:-/tmp/flowmodels-captures}
CHECK=0
NODOC=0
OUT=""
while [ $# -gt 0 ]; do
	case $1 in
	--check) CHECK=1; shift ;;
	--out) OUT=$2; shift 2 ;;
	--no-doc) NODOC=1; shift ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	-*) echo "doc-captures: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -x "$FM" ] || { echo "doc-captures: no flowmodels binary at $FM (set FLOWMODELS)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "doc-captures: tmux is not installed" >&2; exit 2; }

rm -rf "$W"
mkdir -p "$W/caps" "$W/sock" "$W/state" "$W/home"
SOCK=fmcap$$
cat > "$W/tmux.conf" <<'CONF'
set -g status off
set -g default-terminal "screen-256color"
set -sg escape-time 0
set -g history-limit 0
CONF
tm() { TMUX_TMPDIR="$W/sock" tmux -L "$SOCK" -f "$W/tmux.conf" "$@"; }
trap 'tm kill-server >/dev/null 2>&1' EXIT

# start COLS ROWS [flowmodels options]: the workbench in $W/work
start() {
	local cols=$1 rows=$2 args="" a
	shift 2
	for a in "$@"; do args+=" $(printf '%q' "$a")"; done
	tm kill-server >/dev/null 2>&1
	SOCK=fmcap$$-$RANDOM
	tm new-session -d -s fm -x "$cols" -y "$rows" \
		-e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e "HOME=$W/home" \
		-e "XDG_STATE_HOME=$W/state" -e "TMPDIR=$W/tmp" \
		-e "FLOWMODELS_THEMES=$SRC/themes" \
		"cd $W/work && TERM=screen-256color $(printf '%q' "$FM")$args; sleep 600"
}
keys() { tm send-keys -t fm "$@"; }
type_line() { tm send-keys -t fm -l -- "$1"; tm send-keys -t fm Enter; }
# wait_for REGEX [SECONDS]
wait_for() {
	local i
	for ((i = 0; i < ${2:-10} * 50; i++)); do
		tm capture-pane -p -t fm | grep -qE -- "$1" && return 0
		sleep 0.02
	done
	echo "doc-captures: $NAME: timed out waiting for /$1/" >&2
	tm capture-pane -p -t fm >&2
	exit 1
}
# settle: wait until the screen stops changing (redraws done)
settle() {
	local a b
	a=$(tm capture-pane -p -e -t fm)
	while :; do
		sleep 0.3
		b=$(tm capture-pane -p -e -t fm)
		[ "$a" = "$b" ] && return 0
		a=$b
	done
}
# capture: the screen, durations masked, into caps/NAME
capture() {
	settle
	tm capture-pane -p -t fm |
		perl -CSD -pe 's/(\d+\.\d+)(?= s\b)/$1 =~ tr{0-9}{#}r/ge; s/flowmodels-demo-\w{6}/flowmodels-demo-XXXXXX/g' \
		> "$W/caps/$NAME"
	tm kill-server >/dev/null 2>&1
}

# the data: flows_csv of tests/tui/lib.bash (TCP port 443, lengths of
# 1..97 packets, every third one 13 times longer)
flows_csv() {
	local i p
	for i in $(seq 1 "$1"); do
		p=$(( (i * 7919) % 97 + 1 )); [ $((i % 3)) -eq 0 ] && p=$(( p * 13 ))
		echo "2, 6, 0, 0, 0, 0, 0, $i, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, $p, $(( p * (40 + i % 1400) )), 1"
	done
}
fresh() { rm -rf "$W/work" "$W/tmp" "$W/state"; mkdir -p "$W/work" "$W/tmp" "$W/state"; }

# ---- the scenarios (one per capture) ----

# --demo at 120x40 once the demo's jobs are done (m1 selected)
cap_demo() {
	start 120 40 --demo
	wait_for "fit: octets: 5 components" 60
	capture
}
# a csv_flow dataset and its flow-length histogram h1, view 1, 108x34
cap_screen() {
	flows_csv 3000 > "$W/work/flows.csv"
	start 108 34
	wait_for "^fm>" 10
	type_line "load -i csv_flow flows.csv as d1"
	wait_for "d1: dataset" 30
	type_line "hist d1 -x length -b 0 -O h.csv"
	wait_for "hist: " 30
	type_line "load h.csv as h1"
	wait_for "h1: histogram" 30
	capture
}
# the objects panel has the focus (Tab), view 4, 98x28
cap_focus() {
	start 98 28
	wait_for "^fm>" 10
	keys Tab
	wait_for "╔═ Objects" 5
	keys 4
	wait_for "CDF" 5
	capture
}
# help fit: longer than the messages, in the pager, 100x24
cap_pager() {
	start 100 24
	wait_for "^fm>" 10
	type_line "help fit"
	wait_for "help fit: [0-9]+ lines" 10
	capture
}
# the fit view of the demo's h1 after a 100-iteration fit, 120x36
cap_fitview() {
	start 120 36 --demo
	wait_for "fit: octets: 5 components" 60
	type_line "show h1"
	wait_for "object: h1" 5
	keys Tab
	wait_for "╔═ Objects" 5
	keys f
	wait_for "Fit h1 -> flows \(keys\)" 5
	keys Enter
	wait_for "100/100  done" 60
	capture
}
# the help screen (F1), 98x28
cap_help() {
	start 98 28
	wait_for "^fm>" 10
	keys F1
	wait_for "Help: keys and commands" 5
	capture
}
# the demo's m1 selected (show m1), 120x36
cap_demo_m1() {
	start 120 36 --demo
	wait_for "fit: octets: 5 components" 60
	type_line "show m1"
	wait_for "object: m1" 5
	capture
}
# view 4 in ASCII (set charset ascii) of the screen's h1, 110x24
cap_ascii() {
	flows_csv 3000 > "$W/work/flows.csv"
	start 110 24
	wait_for "^fm>" 10
	type_line "load -i csv_flow flows.csv as d1"
	wait_for "d1: dataset" 30
	type_line "hist d1 -x length -b 0 as h1"
	wait_for "h1: histogram" 30
	type_line "set charset ascii"
	wait_for "\(ascii\)" 5
	keys Tab 4
	wait_for "CDF of h1 \(ascii\)" 5
	capture
}

ALL=(demo screen focus pager fitview help demo_m1 ascii)
[ $# -gt 0 ] && ALL=("$@")
for NAME in "${ALL[@]}"; do
	declare -F "cap_$NAME" >/dev/null || { echo "doc-captures: no scenario '$NAME' (scenarios: demo screen focus pager fitview help demo_m1 ascii)" >&2; exit 2; }
	fresh
	"cap_$NAME"
	[ -n "$OUT" ] && { mkdir -p "$OUT"; cp "$W/caps/$NAME" "$OUT/$NAME.txt"; }
done

[ "$NODOC" = 1 ] && exit 0
# the blocks after <!-- capture: NAME --> get the new screens
awk -v caps="$W/caps" '
	/^<!-- capture: [a-z_]+ -->$/ { name = $3; print; want = 1; next }
	want == 1 && /^```/ {
		print; file = caps "/" name
		if ((getline line < file) > 0) {
			print line
			while ((getline line < file) > 0) print line
			close(file); skip = 1
		}
		want = 0; next
	}
	skip && /^```$/ { skip = 0; print; next }
	skip { next }
	{ want = 0; print }
' "$DOC" > "$W/workbench.md"
if [ "$CHECK" = 1 ]; then
	if ! diff -u "$DOC" "$W/workbench.md"; then
		echo "doc-captures: docs/workbench.md differs from the screens of this build (run tests/tools/doc-captures.sh)" >&2
		exit 1
	fi
	echo "doc-captures: the captures are up to date"
else
	cp "$W/workbench.md" "$DOC"
	echo "doc-captures: ${#ALL[@]} capture(s) written into docs/workbench.md"
fi
