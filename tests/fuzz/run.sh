#!/bin/bash
# run.sh [SECONDS] - a fuzzing campaign: every libFuzzer target of the
# fuzz build runs for SECONDS (default 60) on its committed corpus
# (tests/fuzz/corpus/TARGET) and dictionary (tests/fuzz/TARGET.dict),
# FUZZ_JOBS targets at a time (default: the number of cores; set it to the
# number of targets to run them all at once), at nice 19.  A target that
# crashes is restarted for the time left; each crash, leak, timeout or
# out-of-memory input is kept in BUILD/fuzz-campaign/artifacts/ (the
# exit status is 1 when this campaign left any).  Then the
# inputs that add coverage are merged into the committed corpora
# (libFuzzer -merge=1: only those that add features, a minimal set) and a
# table is printed: executions, executions per second (of wall-clock time
# and of CPU time), coverage (cov: edges, ft: features) and crashes per
# target, with the cumulative executions of each target over the ledger.
#
# The ledger tests/fuzz/campaigns.csv (committed) gets a line per target
# and run: date, target, seconds, executions, CPU seconds, cov, ft,
# crashes, corpus size (committed inputs after the merge).  A campaign
# continued over several runs from the same corpus (BUILD/fuzz-campaign)
# adds up there; targets furthest from 10 million executions start first.
# FUZZ_GOAL=N stops each target once its cumulative executions (the
# ledger's and this run's) reach N (libFuzzer -runs), so that a campaign
# to a goal gives the slow targets the cores the others no longer need
# (run them all at once: FUZZ_JOBS set to the number of targets); a
# target already at the goal does not run.  The ledger's seconds are
# each target's own wall-clock time.
#
# Scratch files: targets that read files keep them in
# /dev/shm/fm-fuzz-TARGET-PID (tests/fuzz/lib/shmdir.c), removed when the
# process ends normally; after a crash the next target or this script
# removes those of processes that are gone.
#
# Environment: FUZZ_BUILD (default build-fuzz: CC=clang cmake -S . -B
# build-fuzz -DFM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug), FUZZ_JOBS, FUZZ_NICE
# (default 19), FUZZ_TARGETS (names, default all), FUZZ_MERGE=0 (do not
# touch the committed corpora), FUZZ_LEDGER=0 (do not append to the
# ledger).  The campaign's own corpora stay in
# BUILD/fuzz-campaign/TARGET and are resumed by the next run.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${FUZZ_BUILD:-$src/build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}
nice=${FUZZ_NICE:-19}
case $secs in '' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac
[ -d "$build" ] || {
	echo "run.sh: no fuzz build in $build (CC=clang cmake -S . -B build-fuzz -DFM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug && cmake --build build-fuzz)" >&2
	exit 2
}
targets=${FUZZ_TARGETS:-$(cd "$src/tests/fuzz" && ls fuzz-*.c | sed 's/\.c$//')}
ledger=$src/tests/fuzz/campaigns.csv
camp=$build/fuzz-campaign
mkdir -p "$camp/artifacts" "$camp/logs"
for t in $targets; do
	[ -x "$build/$t" ] || {
		echo "run.sh: $build/$t is not built" >&2
		exit 2
	}
done

# Cumulative executions of target $1 over the ledger.
ledger_total() {
	awk -F, -v t="$1" 'NR > 1 && $2 == t {s += $4} END {print s + 0}' "$ledger" 2> /dev/null || echo 0
}

# Remove the /dev/shm/fm-fuzz-*-PID scratch of processes that are gone.
clean_shm() {
	local p pid
	for p in /dev/shm/fm-fuzz-*; do
		[ -e "$p" ] || continue
		pid=${p##*-}
		pid=${pid%%.*}
		case $pid in '' | *[!0-9]*) continue ;; esac
		kill -0 "$pid" 2> /dev/null || [ -d "/proc/$pid" ] || rm -rf -- "$p"
	done
}

# One target for the whole time, restarted after a crash.
run_target() {
	local t=$1 bin=$build/$1 begin=$SECONDS end=$((SECONDS + secs)) left dict=() n=0
	local log=$camp/logs/$t.log runs=() todo
	mkdir -p "$camp/$t"
	[ -f "$src/tests/fuzz/$t.dict" ] && dict=(-dict="$src/tests/fuzz/$t.dict")
	: > "$log"
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ]; do
		if [ -n "${FUZZ_GOAL:-}" ]; then
			todo=$((FUZZ_GOAL - $(ledger_total "$t") - $(log_runs "$log")))
			[ "$todo" -gt 0 ] || break
			runs=(-runs="$todo")
		fi
		n=$((n + 1))
		TIMEFORMAT="cpu %U %S"
		{ time nice -n "$nice" "$bin" -max_total_time="$left" "${runs[@]}" \
			-rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
			"${dict[@]}" -artifact_prefix="$camp/artifacts/$t-" \
			"$camp/$t" "$src/tests/fuzz/corpus/$t" >> "$log" 2>&1; } 2>> "$log"
		clean_shm
		# a clean end is the time running out
		tail -n 30 "$log" | grep -q '^Done [0-9]* runs' && break
		[ "$n" -ge 100 ] && break # something keeps failing at once
	done
	echo $((SECONDS - begin)) > "$camp/logs/$t.secs"
}

# Executions a target's log of this run reports, summed over restarts.
log_runs() {
	awk '/^stat::number_of_executed_units:/ {s += $2} END {print s + 0}' "$1"
}
export -f run_target clean_shm ledger_total log_runs
export src build camp secs nice ledger

clean_shm
# furthest from 10 million executions first (those at FUZZ_GOAL left out)
targets=$(for t in $targets; do
	n=$(ledger_total "$t")
	[ -n "${FUZZ_GOAL:-}" ] && [ "$n" -ge "$FUZZ_GOAL" ] && continue
	echo "$n $t"
done | sort -n | cut -d' ' -f2)
[ -n "$targets" ] || {
	echo "run.sh: every target has reached FUZZ_GOAL=$FUZZ_GOAL executions"
	exit 0
}

echo "fuzz campaign: $(wc -w <<< "$targets") targets x ${secs}s, $jobs at a time (nice $nice)," \
	"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores," \
	"load $(cut -d' ' -f1-3 /proc/loadavg) at start"
start=$(date +%s)
touch "$camp/start"
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_target {}'
echo "took $(($(date +%s) - start)) s; load $(cut -d' ' -f1-3 /proc/loadavg) at the end"

# Merge what adds coverage into the committed corpora.
if [ "${FUZZ_MERGE:-1}" != 0 ]; then
	for t in $targets; do
		c=$src/tests/fuzz/corpus/$t
		before=$(ls "$c" | wc -l)
		nice -n "$nice" "$build/$t" -merge=1 -rss_limit_mb=2048 -timeout=25 \
			"$c" "$camp/$t" > "$camp/logs/$t.merge.log" 2>&1 ||
			echo "run.sh: merge of $t failed (see $camp/logs/$t.merge.log)" >&2
		echo "$t: corpus $before -> $(ls "$c" | wc -l) inputs"
	done
fi

# The table: runs summed over restarts; cov/ft of the last status line.
[ -f "$ledger" ] || echo "date,target,seconds,executions,cpu_seconds,cov,ft,crashes,corpus" > "$ledger"
day=$(date -u +%Y-%m-%d)
printf '\n| target | executions | exec/s | exec/CPU-s | cov | ft | crashes | cumulative |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
for t in $targets; do
	log=$camp/logs/$t.log
	runs=$(log_runs "$log")
	tsecs=$(cat "$camp/logs/$t.secs" 2> /dev/null || echo "$secs")
	cpu=$(awk '/^cpu / {s += $2 + $3} END {printf "%.1f", s}' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
	crashes=$(find "$camp/artifacts" -name "$t-*" -newer "$camp/start" | wc -l)
	corpus=$(ls "$src/tests/fuzz/corpus/$t" | wc -l)
	[ "${FUZZ_LEDGER:-1}" != 0 ] &&
		echo "$day,$t,$tsecs,$runs,$cpu,${cov:-},${ft:-},$crashes,$corpus" >> "$ledger"
	total=$(($(ledger_total "$t") + (${FUZZ_LEDGER:-1} == 0 ? runs : 0)))
	printf '| %s | %s | %s | %s | %s | %s | %s | %s%s |\n' "$t" "$runs" \
		"$((runs / (tsecs > 0 ? tsecs : 1)))" \
		"$(awk -v r="$runs" -v c="$cpu" 'BEGIN {printf "%d", (c > 0 ? r / c : 0)}')" \
		"${cov:-?}" "${ft:-?}" "$crashes" "$total" \
		"$([ "$total" -ge 10000000 ] && echo ' (10M reached)')"
done
clean_shm
find "$camp/artifacts" -type f -newer "$camp/start" | sed 's/^/artifact: /'
[ -z "$(find "$camp/artifacts" -type f -newer "$camp/start")" ]
