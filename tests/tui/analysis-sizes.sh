#!/usr/bin/env bash
# The whole analysis (tests/tui/analysis.bash) at the smallest screen the
# workbench takes, 80x24, and at 200x60: every step's key line readable
# on the screen, no crash, and the same exports at both sizes.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/analysis.bash"

run_analysis 80 24
mv "$T/out" "$T/out-80x24"
run_analysis 200 60
mv "$T/out" "$T/out-200x60"
same_exports "$T/out-80x24" "$T/out-200x60"
finish
