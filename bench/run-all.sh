#!/usr/bin/env bash
# Run every benchmark in turn and keep the output:
#   bench/run-all.sh [BUILD_DIR]      (default build/)
# Writes bench/results/<date>.txt.  Needs the reference data in
# ../shared/data for the fit, summary and plot benchmarks.  Takes a few
# minutes; run it on an otherwise idle machine.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
[ -x "$B/runstat" ] || { echo "bench/run-all.sh: no $B/runstat: configure $B with -DFM_BENCH=ON" >&2; exit 2; }
mkdir -p bench/results
out=bench/results/$(date -u +%Y-%m-%d).txt
export BENCH_DIR=${BENCH_DIR:-/tmp/fm-bench}
export FM_SHARED_DATA=${FM_SHARED_DATA:-$(cd .. && pwd)/shared/data}
{
  echo "# flowmodels benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(free -g | awk '/Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(git rev-parse --short HEAD 2>/dev/null)"
  for n in 1000000 6500000; do
    echo; echo "## bench-io.sh $n"; bench/bench-io.sh "$n" "$B"
  done
  echo; echo "## bench-filter"; "$B/bench-filter" "$BENCH_DIR/gen-6500000" 2>&1
  echo; echo "## series"
  for i in 1 2 3; do
    rm -rf "$BENCH_DIR/series.out"
    "$B/runstat" "series 1M" 1000000 "$B/flowmodels" series -q -i binary \
      -O "$BENCH_DIR/series.out" "$BENCH_DIR/gen-1000000"
  done
  rm -rf "$BENCH_DIR/series.out"
  echo; echo "## bench-hist.sh"; bench/bench-hist.sh 6500000 "$B"
  echo; echo "## bench-records.sh"; bench/bench-records.sh 1000000 6500000 "$B"
  echo; echo "## bench-fit.sh"; bench/bench-fit.sh "$B/flowmodels" "$FM_SHARED_DATA"
  echo; echo "## bench-generate.sh"; bench/bench-generate.sh "$B/flowmodels" "$FM_SHARED_DATA"
  echo; echo "## bench-summary.sh"; bench/bench-summary.sh "$B/flowmodels" "$FM_SHARED_DATA"
  echo; echo "## bench-plot"; "$B/bench-plot" 2>&1
  echo; echo "## bench-chart"; "$B/bench-chart" 2>&1
  echo; echo "## bench-chartdata"; "$B/bench-chartdata" 2>&1
  echo; echo "## bench-redraw"; "$B/bench-redraw" 2>&1
  echo; echo "## bench-session.sh"; bench/bench-session.sh 5000000 "$B"
  echo; echo "## bench-nfcapd.sh"; bench/bench-nfcapd.sh 3000000 "$B"
  echo; echo "## bench-daytree.sh"; bench/bench-daytree.sh 3500 "$B"
  echo; echo "## bench-top.sh"; bench/bench-top.sh 2000000 "$B"
} 2>&1 | tee "$out"
echo "written: $out"
