#!/usr/bin/env bash
# tests/fuzz/ledger.sh sums the campaigns' ledger per target (the README's
# reliability table): runs, seconds, executions and crashes added up over
# the target's lines, cov/ft/corpus of its last line, executions per CPU
# second over all of them, the CPU seconds still to go to 10 million;
# most executions first; a damaged ledger is a one-line error.
source "$(dirname "$0")/lib.bash"
L=$FM_SOURCE_DIR/tests/fuzz/ledger.sh
cat > "$T/l.csv" <<'CSV'
date,target,seconds,executions,cpu_seconds,cov,ft,crashes,corpus
2026-12-01,fuzz-a,600,1000000,100.0,10,20,0,5
2026-12-01,fuzz-b,600,9000000,300.0,30,40,1,7
2026-12-02,fuzz-a,1200,2000000,200.5,11,22,2,
2026-12-02,fuzz-b,60,1500000,60.0,31,41,0,9
CSV
out=$(bash "$L" "$T/l.csv")
expect_eq "header" "$(sed -n 1p <<<"$out")" "| target | runs | wall time | CPU time | executions | exec/CPU-s | cov | ft | crashes | corpus | 10M (CPU s to go) |"
# b: 10.5M in 360 s (29,166/s): reached; a: 3M in 300.5 s (9,983/s),
# 7M to go = 701 s; a's corpus is its last line that has one
expect_eq "fuzz-b" "$(sed -n 3p <<<"$out")" "| fuzz-b | 2 | 660 s | 360 s | 10,500,000 | 29,166 | 31 | 41 | 1 | 9 | yes |"
expect_eq "fuzz-a" "$(sed -n 4p <<<"$out")" "| fuzz-a | 2 | 1,800 s | 300 s | 3,000,000 | 9,983 | 11 | 22 | 2 | 5 | no (701) |"
expect_eq "rows" "$(wc -l <<<"$out")" 4
# the committed ledger reads
bash "$L" > "$T/real.md" && ok || bad "the committed ledger"
grep -q '^| fuzz-nfcapd | ' "$T/real.md" && ok || bad "no fuzz-nfcapd row: $(cat "$T/real.md")"
printf 'date,target\n2026-12-01,fuzz-a,600\n' > "$T/bad.csv"
expect_fail "short line" "bad.csv line 2: 3 fields, want 9" bash "$L" "$T/bad.csv"
expect_fail "no ledger" "cannot read $T/none.csv" bash "$L" "$T/none.csv"
finish
