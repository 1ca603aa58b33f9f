#!/usr/bin/env bash
# The session layer's cost over the one-shot tools, on a generated binary
# dataset of N records:
#   bench/bench-session.sh [N] [BUILD_DIR]     (default N = 2000000, build/)
# - load of a binary directory: used in place (memory-mapped), one pass
#   over packets and octets for the key facts;
# - filter: a view, one pass with the filter to count it;
# - hist of the view in a session vs the same hist one-shot with
#   --filter-expr (the session passes the dataset and the filter through);
# - a 200-command session file of list/info/rename (parsing, resolving,
#   recording), to show per-command overhead.
set -euo pipefail
N=${1:-2000000}
source "$(dirname "$0")/lib.sh"
bench_init "${2:-build}"
bench_dataset "$N"
S=$D/session-bench
rm -rf "$S"; mkdir -p "$S"
export TMPDIR=$S
echo "records: $N   $(bench_machine)"

printf 'load %s as d\n' "$D/gen-$N" > "$S/load.fms"
"$RS" "session: load (in place, facts pass)" "$N" "$FM" --replay "$S/load.fms" | grep "M records/s"
printf 'load %s as d\nfilter d "(prot == 6) and (dp == 443)" as v\n' "$D/gen-$N" > "$S/filter.fms"
"$RS" "session: load + filter (two passes)" "$N" "$FM" --replay "$S/filter.fms" | grep "M records/s"
printf 'load %s as d\nfilter d "(prot == 6) and (dp == 443)" as v\nhist v -x length -b 12 -O %s/h.csv\n' \
	"$D/gen-$N" "$S" > "$S/hist.fms"
"$RS" "session: load + filter + hist of the view" "$N" "$FM" --replay "$S/hist.fms"  2>/dev/null | grep "M records/s"
"$RS" "one-shot: hist --filter-expr" "$N" "$FM" hist -q -i binary -x length -b 12 \
	--filter-expr "(prot == 6) and (dp == 443)" -O "$S/h1.csv" "$D/gen-$N"
cmp "$S/h.csv" "$S/h1.csv"
{
	printf 'load %s as d\nset echo off\n' "$D/gen-$N"
	for i in $(seq 1 100); do printf 'rename d e\nrename e d\n'; done
} > "$S/many.fms"
"$RS" "session: load + 200 renames" "$N" "$FM" --replay "$S/many.fms" | grep "M records/s"
rm -rf "$S"
