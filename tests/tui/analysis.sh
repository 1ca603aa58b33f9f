#!/usr/bin/env bash
# The whole analysis of issue 18 at 140x45 (tests/tui/analysis.bash):
# load, filter, two histograms, three fits into one set from the fit
# view, generate, compare, TeX and PNG exports, save, quit; then
# `flowmodels --replay` of the saved file in a clean directory gives
# identical exports.  analysis-sizes.sh and analysis-looks.sh run it at
# other sizes, without colours and with the light theme.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/analysis.bash"

run_analysis 140 45
# the saved session replays in a clean directory with identical exports
mkdir -p "$T/clean/data"
cp "$T/data/flows.csv" "$T/clean/data/"
cp "$T/analysis.fms" "$T/clean/"
(cd "$T/clean" && "$FM" --replay analysis.fms > replay.out 2> replay.err) || bad "replay: $(cat "$T/clean/replay.err")"
same_exports "$T/out" "$T/clean/out"
grep -q "^fit hl -y octets -i 30 -U 1 -P 0 -L 2 as m1$" "$T/analysis.fms" || bad "fit not saved: $(cat "$T/analysis.fms")"
finish
