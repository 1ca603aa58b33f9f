#!/usr/bin/env bash
# nfcapd-follow.sh - `hist --follow` and `series --follow` (docs/live.md).
# Live: Debian's nfcapd on 127.0.0.1 rotates every 2 s (-t 2) while
# nf9send.py sends three bursts and `hist --follow` watches with inotify;
# after each burst its output must become (polled, with a timeout) the
# hist of the closed files, which hold every record sent so far.  A
# damaged capture file put into a new subdirectory is reported and
# skipped, and the follow goes on.  Window: three capture files (written
# by convert -o nfcapd from small flows: nf9send's flows have billions of
# packets, which series would spread one by one) are put one by one,
# under chosen time stamps, into a second directory that `hist --poll 100
# --window 15m` and `series --window 15m` follow;
# after each file their outputs must be the hist and series of exactly
# the files in the window (older ones subtracted).  SIGTERM stops every
# follower with status 0, the last output complete, no temporary left.
# About 15 s (the rotations).  Skips (77) without nfcapd or python3.
set -u
source "$FM_SOURCE_DIR/tests/tools/collector.bash" nfcapd-follow
FM=$FLOWMODELS
F=$T/flows
W=$T/window
COLS=(-c duration -c aggs)
FOLLOWERS=()
stop_followers() {
	local p
	for p in ${FOLLOWERS[@]+"${FOLLOWERS[@]}"}; do kill -TERM "$p" 2>/dev/null; done
}
trap 'stop_followers; cleanup' EXIT

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds
wait_for() {
	local limit=$(($1 * 5)) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
# the closed files nfcapd wrote (14-digit stamps), in time order
closed() { ls "$F"/nfcapd.2????????????? 2>/dev/null | sort; }
# flows in a csv_hist file
flows() { awk -F, 'NR > 1 { s += $3 } END { print s + 0 }' "$1"; }
# check_live SENT: the followed output is the hist of the closed files,
# and these hold all SENT records
check_live() {
	[ -f "$T/all-live.csv" ] && [ -n "$(closed)" ] || return 1
	"$FM" hist -q "${COLS[@]}" $(closed) >"$T/want.csv" 2>/dev/null || return 1
	[ "$(flows "$T/want.csv")" -eq "$1" ] && cmp -s "$T/want.csv" "$T/all-live.csv"
}
# check_window FILE...: the window followers hold exactly these files
check_window() {
	"$FM" hist -q "${COLS[@]}" "$@" >"$T/want-win.csv" 2>/dev/null || return 1
	cmp -s "$T/want-win.csv" "$T/win-live.csv" || return 1
	rm -rf "$T/want-series"
	"$FM" series -q -O "$T/want-series" "$@" 2>/dev/null || return 1
	diff -r -q "$T/want-series" "$T/series-live" >/dev/null 2>&1
}

# ---- live: nfcapd, inotify, every file ----
port=$(free_port)
mkdir -p "$F" "$W"
nfcapd -w "$F" -p "$port" -b 127.0.0.1 -t 2 >"$T/nfcapd.log" 2>&1 &
PID=$!
"$FM" hist "${COLS[@]}" --follow "$F" -O "$T/all-live.csv" 2>"$T/f1.err" &
FOLLOWERS+=($!)
# an (empty) histogram is written at once
wait_for 10 test -f "$T/all-live.csv" || fail "no output before any file: $(cat "$T/f1.err")"
[ "$(flows "$T/all-live.csv")" -eq 0 ] || fail "output before any file is not empty"
sent=0
for step in 1 2 3; do
	python3 "$SEND" --port "$port" --wait-bound 5 --count 300 --seed "$step" 2>>"$T/send.log" ||
		fail "sender: $(cat "$T/send.log")"
	sent=$((sent + 300))
	wait_for 30 check_live $sent ||
		fail "step $step: the followed histogram is not the hist of the closed files ($(flows "$T/all-live.csv") of $sent flows): $(tail -3 "$T/f1.err")"
	echo "ok: step $step: $sent flows in $(closed | wc -l) closed files, followed exactly"
	if [ $step -eq 1 ]; then
		# a damaged file (a capture cut short) in a new subdirectory
		mkdir "$F/damaged"
		head -c 700 "$(ls -S $(closed) | head -1)" >"$T/cut"
		mv "$T/cut" "$F/damaged/nfcapd.202001010000"
		wait_for 20 grep -q "skipped: .*damaged/nfcapd.202001010000" "$T/f1.err" ||
			fail "the damaged file was not reported: $(cat "$T/f1.err")"
		echo "ok: damaged file reported: $(grep -m1 'damaged/nfcapd' "$T/f1.err")"
	fi
done
grep -q "the header counts no data blocks" "$T/f1.err" &&
	fail "empty rotations warned about: $(grep -m1 'no data blocks' "$T/f1.err")"
stop_nfcapd || fail "nfcapd did not stop"

# ---- the window: chosen stamps, polling ----
full=()
for k in 0 1 2; do
	awk -v k=$k 'BEGIN { for (i = 0; i < 200 + 50 * k; i++)
	  printf "2, 6, 0, 0, 0, 0, 0, %d, 0, 0, 0, 3232235694, %d, 443, %d, %d, %d, %d, %d, %d, 0\n",
	    i, 1024 + i, 1577836800 + 600 * k + i % 500, i % 1000,
	    1577836800 + 600 * k + i % 500 + i % 30, (i * 7) % 1000,
	    1 + (i * (k + 3)) % 60, 40 * (1 + (i * (k + 3)) % 60) + i % 900 }' >"$T/w$k.csv"
	"$FM" convert -q -i csv_flow -o nfcapd -O "$T/w$k.nfcapd" "$T/w$k.csv" ||
		fail "cannot write capture file $k"
	full+=("$T/w$k.nfcapd")
done
"$FM" hist "${COLS[@]}" --follow "$W" --poll 100 --window 15m -O "$T/win-live.csv" 2>"$T/f2.err" &
FOLLOWERS+=($!)
"$FM" series --follow "$W" --window 15m -O "$T/series-live" 2>"$T/f3.err" &
FOLLOWERS+=($!)
put() { cp "$1" "$T/incoming" && mv "$T/incoming" "$W/$2"; }
put "${full[0]}" nfcapd.202001010000
wait_for 30 check_window "${full[0]}" || fail "window step 1: $(tail -2 "$T/f2.err" "$T/f3.err")"
put "${full[1]}" nfcapd.202001010010
wait_for 30 check_window "${full[0]}" "${full[1]}" || fail "window step 2: $(tail -2 "$T/f2.err" "$T/f3.err")"
# 00:00 leaves the 15 minutes before 00:20: subtracted
put "${full[2]}" nfcapd.202001010020
wait_for 30 check_window "${full[1]}" "${full[2]}" || fail "window step 3: $(tail -2 "$T/f2.err" "$T/f3.err")"
echo "ok: a 15m window over three files: added, then the oldest subtracted (hist and series)"

stop_followers
for p in "${FOLLOWERS[@]}"; do
	wait "$p" || fail "a follower stopped with status $?: $(tail -2 "$T"/f?.err)"
done
FOLLOWERS=()
grep -q "stopped by signal 15" "$T/f1.err" || fail "no stop line: $(tail -2 "$T/f1.err")"
check_live $sent || fail "the output after SIGTERM is not the last complete one"
check_window "${full[1]}" "${full[2]}" || fail "the window outputs after SIGTERM"
ls -a "$T" "$T/series-live" | grep -q '\.tmp' && fail "a temporary was left: $(ls -a "$T")"
echo "ok: SIGTERM: status 0, last outputs in place"

# misuse: one-line errors
for args in "hist --follow $F" "hist --follow $F -O -" "hist --follow $F -O x.csv in.nfcapd" \
	"hist --window 1h in.nfcapd" "hist --follow $F -O x.csv --window 0" \
	"hist --follow $F -O x.csv --skip-in 5" "hist --follow $T/none -O x.csv" \
	"hist --follow $F -O x.csv -i csv_flow" "series --follow $F" "hist --follow $F -O x --poll 1"; do
	out=$("$FM" $args 2>&1 >/dev/null) && fail "$args: succeeded"
	[ "$(wc -l <<<"$out")" -eq 1 ] || fail "$args: error is not one line: $out"
done
echo "ok: misuse refused with one-line errors"
exit 0
