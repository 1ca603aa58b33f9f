# lib.bash - helpers for the tmux-driven workbench tests (sourced).
#
# Each test starts `flowmodels` in its own tmux server (a private socket)
# with a fixed-size window, types with send-keys, reads the screen with
# capture-pane, and waits for screen states with a polling loop and a
# timeout (never a fixed sleep).  A wait that times out ends the test
# at once (the later steps depend on that screen state; a broken build
# must not sit through every remaining timeout).  Skips (77) when tmux is
# missing.
set -u
FM=${FLOWMODELS:?FLOWMODELS must name the flowmodels binary}
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
# tmux's server refuses to start when /dev/null is not the device (a
# broken machine, e.g. an output renamed onto it): say so plainly.
[ -c /dev/null ] || { echo "SKIP: /dev/null is not a character device; tmux cannot start"; exit 77; }
mkdir -p "${FM_TEST_TMP:-/tmp}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/tui.XXXXXX")
SOCK="fm$$"
FAILS=0
BG_PIDS=()   # background helpers to kill at exit
SCREEN=""
cat > "$T/tmux.conf" <<'CONF'
set -g status off
set -g default-terminal "screen-256color"
set -sg escape-time 0
set -g history-limit 0
CONF

# A private socket directory: other tmux users on the machine cannot
# reach (or clean up) this test's server.
mkdir -p "$T/sock"
tm() { TMUX_TMPDIR="$T/sock" tmux -L "$SOCK" -f "$T/tmux.conf" "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	local p
	for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { :; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# start COLS ROWS [ENV=VALUE...] -- [flowmodels options...]
# The pane prints "fm-exit=STATUS" when flowmodels ends and stays open.
start() {
	local cols=$1 rows=$2; shift 2
	# a fresh server socket each time: a server just killed may still be
	# shutting down on the old one (seen under load)
	tm kill-server >/dev/null 2>&1
	SOCK="fm$$-$RANDOM"
	local envs=() defaults=(LANG=C.UTF-8 LC_ALL=C.UTF-8 "XDG_STATE_HOME=$T/state"
		"FLOWMODELS_THEMES=${FM_SOURCE_DIR:-.}/themes") d
	local given=" "
	local term=screen-256color
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		# tmux sets TERM in the pane itself: pass it on the command line
		if [[ "$1" == TERM=* ]]; then term=${1#TERM=}; else envs+=(-e "$1"); fi
		given+="${1%%=*} "; shift
	done
	for d in "${defaults[@]}"; do
		[[ "$given" == *" ${d%%=*} "* ]] || envs+=(-e "$d")
	done
	[ $# -gt 0 ] && shift
	local args="" a
	for a in "$@"; do args+=" $(printf '%q' "$a")"; done
	local try
	for try in 1 2 3; do
		tm new-session -d -s fm -x "$cols" -y "$rows" "${envs[@]}" \
			"cd $(printf '%q' "$T") && TERM=$(printf '%q' "$term") $(printf '%q' "$FM")$args; echo fm-exit=\$?; sleep 600" \
			&& tm has-session -t fm 2>/dev/null && return 0
		echo "note: tmux server did not start (try $try)"
		tm kill-server >/dev/null 2>&1
		sleep 0.2
	done
	bad "cannot start tmux"
	return 1
}

screen() { SCREEN=$(tm capture-pane -p -t fm 2>/dev/null); printf '%s\n' "$SCREEN"; }
screen_esc() { tm capture-pane -p -e -t fm 2>/dev/null; }
keys() { tm send-keys -t fm "$@"; }
type_line() { tm send-keys -t fm -l -- "$1"; tm send-keys -t fm Enter; }

# wait_for REGEX [SECONDS]: until the screen matches (grep -E).
wait_for() {
	local pat=$1 to=${2:-5} end
	end=$(( $(date +%s%N) / 1000000 + to * 1000 ))
	while :; do
		SCREEN=$(tm capture-pane -p -t fm 2>/dev/null)
		grep -qE -- "$pat" <<<"$SCREEN" && return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && break
		sleep 0.02
	done
	bad "timed out waiting for /$pat/; screen:"
	printf '%s\n' "$SCREEN"
	finish    # what follows depends on this state: fail now, not after more timeouts
}

# select_object NAME KEY: in the objects panel, press KEY (Up or Down),
# each time until the header's selected object changes, until NAME is
# the selected object.
select_object() {
	local name=$1 key=$2 i j before
	for i in $(seq 1 20); do
		screen >/dev/null
		grep -q "object: $name " <<<"$SCREEN" && return 0
		before=$(grep -oE "object: [^ ]+" <<<"$SCREEN")
		keys "$key"
		for j in $(seq 1 100); do
			screen >/dev/null
			[ "$(grep -oE "object: [^ ]+" <<<"$SCREEN")" != "$before" ] && break
			sleep 0.02
		done
	done
	bad "object $name not reached with $key; screen:"
	printf '%s\n' "$SCREEN"
	finish
}

# wait_gone REGEX [SECONDS]: until the screen no longer matches.
wait_gone() {
	local pat=$1 to=${2:-5} end
	end=$(( $(date +%s%N) / 1000000 + to * 1000 ))
	while :; do
		SCREEN=$(tm capture-pane -p -t fm 2>/dev/null)
		grep -qE -- "$pat" <<<"$SCREEN" || return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && break
		sleep 0.02
	done
	bad "timed out waiting for /$pat/ to go; screen:"
	printf '%s\n' "$SCREEN"
	finish
}

# The workbench is up: status line, panels and the prompt drawn.
wait_ready() { wait_for '^fm>' "${1:-5}" && wait_for '\[F1\] help' 1; }

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# live_collector: for the live tests, Debian's nfcapd on 127.0.0.1
# writing into $F (made) with a 2 s rotation, stopped at the end; $SEND
# is the flow sender, $port its port.  Skips (77) without nfcapd or
# python3.
live_collector() {
	command -v nfcapd >/dev/null || { echo "SKIP: nfcapd not installed"; exit 77; }
	command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
	SEND=${FM_SOURCE_DIR:?}/tests/tools/nf9send.py
	F=$T/flows
	mkdir -p "$F"
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	nfcapd -w "$F" -p "$port" -b 127.0.0.1 -t 2 >"$T/nfcapd.log" 2>&1 &
	BG_PIDS+=($!)
}

# flows_csv N > FILE: N csv_flow records of TCP port 443 with lengths of
# 1..97 packets (every third one 13 times longer) and sizes from them.
flows_csv() {
	local i p
	for i in $(seq 1 "$1"); do
		p=$(( (i * 7919) % 97 + 1 )); [ $((i % 3)) -eq 0 ] && p=$(( p * 13 ))
		echo "2, 6, 0, 0, 0, 0, 0, $i, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, $p, $(( p * (40 + i % 1400) )), 1"
	done
}
