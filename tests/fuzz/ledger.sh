#!/bin/bash
# ledger.sh [LEDGER] - the fuzz campaigns' ledger (tests/fuzz/campaigns.csv,
# which run.sh appends to) summed per target, as the markdown table of the
# README's reliability section: the runs, their wall-clock and CPU
# seconds, the executions (cumulative), executions per CPU second over
# them, cov and ft of the target's last run, crashes, the committed corpus
# after the last merge, and whether the target reached 10 million
# executions (else the CPU seconds to go at its rate).  Most executions
# first.
set -euo pipefail
ledger=${1:-$(dirname "$0")/campaigns.csv}
[ -r "$ledger" ] || {
	echo "ledger.sh: cannot read $ledger" >&2
	exit 2
}
awk -F, '
	function group(n,   s, r) { # 1234567 -> 1,234,567
		s = sprintf("%d", n); r = ""
		while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
		return s r
	}
	NR == 1 { next }
	NF != 9 { printf "ledger.sh: %s line %d: %d fields, want 9\n", FILENAME, NR, NF > "/dev/stderr"; bad = 1; exit }
	{
		t = $2
		if (!(t in runs)) order[++n] = t
		runs[t]++; wall[t] += $3; ex[t] += $4; cpu[t] += $5
		cov[t] = $6; ft[t] = $7; crash[t] += $8
		if ($9 != "") corpus[t] = $9
	}
	END {
		if (bad) exit 1
		print "| target | runs | wall time | CPU time | executions | exec/CPU-s | cov | ft | crashes | corpus | 10M (CPU s to go) |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= n; i++) {
			t = order[i]
			rate = cpu[t] > 0 ? ex[t] / cpu[t] : 0
			goal = ex[t] >= 10000000 ? "yes" : sprintf("no (%s)", rate > 0 ? group((10000000 - ex[t]) / rate) : "?")
			printf "%s\t| %s | %d | %s s | %s s | %s | %s | %s | %s | %d | %s | %s |\n", ex[t], t, runs[t], group(wall[t]),
				group(cpu[t]), group(ex[t]), group(rate), cov[t], ft[t], crash[t],
				(t in corpus) ? corpus[t] : "?", goal
		}
	}' "$ledger" | {
	IFS= read -r h1
	IFS= read -r h2
	printf '%s\n%s\n' "$h1" "$h2"
	sort -k1,1nr | cut -f2-
}
