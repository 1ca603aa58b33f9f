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
# target.
#
# Environment: FUZZ_BUILD (default build-fuzz: CC=clang cmake -S . -B
# build-fuzz -DFM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug), FUZZ_JOBS, FUZZ_NICE
# (default 19), FUZZ_TARGETS (names, default all), FUZZ_MERGE=0 (do not
# touch the committed corpora).  The campaign's own corpora stay in
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
camp=$build/fuzz-campaign
mkdir -p "$camp/artifacts" "$camp/logs"
for t in $targets; do
	[ -x "$build/$t" ] || {
		echo "run.sh: $build/$t is not built" >&2
		exit 2
	}
done

# One target for the whole time, restarted after a crash.
run_target() {
	local t=$1 bin=$build/$1 end=$((SECONDS + secs)) left dict=() n=0
	local log=$camp/logs/$t.log
	mkdir -p "$camp/$t"
	[ -f "$src/tests/fuzz/$t.dict" ] && dict=(-dict="$src/tests/fuzz/$t.dict")
	: > "$log"
	while left=$((end - SECONDS)) && [ "$left" -gt 0 ]; do
		n=$((n + 1))
		TIMEFORMAT="cpu %U %S"
		{ time nice -n "$nice" "$bin" -max_total_time="$left" \
			-rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
			"${dict[@]}" -artifact_prefix="$camp/artifacts/$t-" \
			"$camp/$t" "$src/tests/fuzz/corpus/$t" >> "$log" 2>&1; } 2>> "$log"
		# a clean end is the time running out
		tail -n 30 "$log" | grep -q '^Done [0-9]* runs' && break
		[ "$n" -ge 100 ] && break # something keeps failing at once
	done
}
export -f run_target
export src build camp secs nice

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
printf '\n| target | executions | exec/s | exec/CPU-s | cov | ft | crashes |\n'
printf '|---|---:|---:|---:|---:|---:|---:|\n'
for t in $targets; do
	log=$camp/logs/$t.log
	runs=$(awk '/^stat::number_of_executed_units:/ {s += $2} END {print s + 0}' "$log")
	cpu=$(awk '/^cpu / {s += $2 + $3} END {printf "%.1f", s}' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
	crashes=$(find "$camp/artifacts" -name "$t-*" -newer "$camp/start" | wc -l)
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$runs" \
		"$((runs / secs))" \
		"$(awk -v r="$runs" -v c="$cpu" 'BEGIN {printf "%d", (c > 0 ? r / c : 0)}')" \
		"${cov:-?}" "${ft:-?}" "$crashes"
done
find "$camp/artifacts" -type f -newer "$camp/start" | sed 's/^/artifact: /'
[ -z "$(find "$camp/artifacts" -type f -newer "$camp/start")" ]
