# collector.bash - shared by the shell tests that run Debian's nfcapd on
# 127.0.0.1 (sourced with the test's name as $1): skips (77) without
# nfcapd or python3, makes $T (removed at exit, with the nfcapd started
# here stopped by its PID), and gives fail, free_port and nf_collect.
command -v nfcapd >/dev/null || { echo "nfcapd not installed: skip"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skip"; exit 77; }
: "${FLOWMODELS:?}" "${FM_SOURCE_DIR:?}"
SEND="$FM_SOURCE_DIR/tests/tools/nf9send.py"
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/$1.XXXXXX")
PID=
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/nfcapd.log" ] && tail -5 "$T/nfcapd.log"; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop nfcapd (it then closes and renames its file) and wait at most 10 s
stop_nfcapd() {
	kill -TERM "$PID" 2>/dev/null || return 1
	for _ in $(seq 100); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID"
		wait "$PID" 2>/dev/null
		PID=
		return 1
	fi
	wait "$PID" 2>/dev/null
	PID=
}

# nf_collect DIR "NFCAPD OPTIONS" SENDER ARGS...: nfcapd writes into DIR
# while nf9send.py sends (a taken port is retried); returns the sender's
# status with nfcapd stopped.  The sender's stderr goes to $T/send.log.
nf_collect() {
	local dir=$1 opt=$2 try port rc
	shift 2
	mkdir -p "$dir"
	for try in 1 2 3; do
		port=$(free_port)
		nfcapd -w "$dir" -p "$port" -b 127.0.0.1 $opt >"$T/nfcapd.log" 2>&1 &
		PID=$!
		python3 "$SEND" --port "$port" --wait-bound 5 "$@" 2>"$T/send.log"
		rc=$?
		if [ $rc -eq 2 ] && ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID" 2>/dev/null; PID=
			continue    # the port was taken meanwhile: another one
		fi
		break
	done
	[ $rc -eq 0 ] || return $rc
	stop_nfcapd || fail "nfcapd did not stop"
}
