#!/usr/bin/env bash
# nfcapd-follow.sh - `hist --follow` on a live collector: Debian's nfcapd
# on 127.0.0.1 rotates every 2 s (-t 2) while nf9send.py sends three
# bursts; two followers run meanwhile, one watching with inotify over every
# file, one polling (--poll 100) with a 4 s window.  After each burst the
# output of each must become (within the timeout) the hist of the closed
# files it covers, all the records sent so far in the files.  A damaged
# capture file put into a new subdirectory is reported and skipped, and
# the follow goes on.  SIGTERM stops both with status 0, the last output
# complete and no temporary left.  The window follower's output must
# leave out the files older than its window.  Takes about 10 s (the
# rotations).  Skips (77) when nfcapd or python3 is missing.
set -u
source "$FM_SOURCE_DIR/tests/tools/collector.bash" nfcapd-follow
FM=$FLOWMODELS
F=$T/flows
COLS=(-c duration -c aggs)
F1= F2=
stop_followers() {
	for p in $F1 $F2; do kill -TERM "$p" 2>/dev/null; done
}
trap 'stop_followers; cleanup' EXIT

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds
wait_for() {
	local limit=$(($1 * 10)) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# the closed files nfcapd wrote (14-digit stamps), in time order
closed() { ls "$F"/nfcapd.2????????????? 2>/dev/null | sort; }
# closed files in a window of $1 seconds before the newest one's stamp
in_window() {
	closed | python3 -c '
import sys, calendar, time
w = int(sys.argv[1]); fs = [l.strip() for l in sys.stdin if l.strip()]
st = lambda f: calendar.timegm(time.strptime(f[-14:], "%Y%m%d%H%M%S"))
new = max(map(st, fs)) if fs else 0
print("\n".join(f for f in fs if st(f) > new - w))' "$1"
}
# flows in a csv_hist file
flows() { awk -F, 'NR > 1 { s += $3 } END { print s + 0 }' "$1"; }

# check OUT SENT [WINDOW]: OUT equals the hist of the files it covers,
# and the closed files hold all SENT records
check() {
	local out=$1 sent=$2 files
	[ -f "$out" ] || return 1
	[ "$(closed | wc -l)" -gt 0 ] || return 1
	"$FM" hist -q "${COLS[@]}" $(closed) >"$T/all.csv" 2>/dev/null || return 1
	[ "$(flows "$T/all.csv")" -eq "$sent" ] || return 1
	if [ -n "${3:-}" ]; then files=$(in_window "$3"); else files=$(closed); fi
	"$FM" hist -q "${COLS[@]}" $files >"$T/want.csv" 2>/dev/null || return 1
	cmp -s "$T/want.csv" "$out"
}

port=$(free_port)
mkdir -p "$F"
nfcapd -w "$F" -p "$port" -b 127.0.0.1 -t 2 >"$T/nfcapd.log" 2>&1 &
PID=$!
"$FM" hist "${COLS[@]}" --follow "$F" -O "$T/all-live.csv" 2>"$T/f1.err" &
F1=$!
"$FM" hist "${COLS[@]}" --follow "$F" --poll 100 --window 4s -O "$T/win-live.csv" \
	2>"$T/f2.err" &
F2=$!
# both write an empty histogram at once
wait_for 10 test -f "$T/all-live.csv" -a -f "$T/win-live.csv" ||
	fail "no output before any file: $(cat "$T/f1.err" "$T/f2.err")"
[ "$(flows "$T/all-live.csv")" -eq 0 ] || fail "output before any file is not empty"

sent=0
for step in 1 2 3; do
	python3 "$SEND" --port "$port" --wait-bound 5 --count 300 --seed "$step" 2>>"$T/send.log" ||
		fail "sender: $(cat "$T/send.log")"
	sent=$((sent + 300))
	wait_for 20 check "$T/all-live.csv" $sent ||
		fail "step $step: the followed histogram is not the hist of the closed files ($(flows "$T/all-live.csv") of $sent flows): $(tail -3 "$T/f1.err")"
	wait_for 20 check "$T/win-live.csv" $sent 4 ||
		fail "step $step: the 4 s window is not the hist of its files ($(flows "$T/win-live.csv") flows): $(tail -3 "$T/f2.err")"
	echo "ok: step $step: $sent flows sent, $(closed | wc -l) closed files; window holds $(flows "$T/win-live.csv") flows"
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
# the window really left files out, and followed every file otherwise
[ "$(flows "$T/win-live.csv")" -lt $sent ] || fail "the 4 s window holds all $sent flows"

stop_followers
wait $F1
rc1=$?
wait $F2
rc2=$?
F1= F2=
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || fail "followers stopped with $rc1, $rc2"
grep -q "stopped by signal 15" "$T/f1.err" || fail "no stop line: $(tail -2 "$T/f1.err")"
check "$T/all-live.csv" $sent || fail "the output after SIGTERM is not the last complete one"
ls -a "$T" | grep -q '\.tmp' && fail "a temporary was left: $(ls -a "$T")"
echo "ok: SIGTERM: status 0, last output in place"

# misuse: one-line errors
for args in "--follow $F" "--follow $F -O -" "--follow $F -O x.csv in.nfcapd" \
	"--window 1h in.nfcapd" "--follow $F -O x.csv --window 0" \
	"--follow $F -O x.csv --skip-in 5" "--follow $T/none -O x.csv" \
	"--follow $F -O x.csv -i csv_flow"; do
	out=$("$FM" hist $args 2>&1 >/dev/null) && fail "hist $args: succeeded"
	[ "$(wc -l <<<"$out")" -eq 1 ] || fail "hist $args: error is not one line: $out"
done
echo "ok: misuse refused with one-line errors"
exit 0
