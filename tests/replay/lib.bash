# lib.bash - shared by the replay tests: a scratch directory, a deterministic
# csv_flow generator, and comparison helpers.  Sourced, not run.
set -u
: "${FLOWMODELS:?FLOWMODELS must point to the flowmodels binary}"
base=${FM_TEST_TMP:-/tmp}
mkdir -p "$base"
T=$(mktemp -d "$base/replay.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TMPDIR="$T/scratch"      # session scratch directories go here
mkdir -p "$TMPDIR"

fail() { echo "FAIL: $*" >&2; exit 1; }

# gen_csv N SEED > file: N records, 21 fields, ", " separated (LCG values)
gen_csv() {
	awk -v n="$1" -v seed="$2" '
	function draw() { s = (s * 69069 + 1) % 4294967296; return int(s / 65536) }
	BEGIN {
		s = seed
		for (i = 0; i < n; i++) {
			prot = (draw() % 3 == 0) ? 17 : 6
			sp = (draw() % 4 == 0) ? 443 : draw()
			dp = (draw() % 2) ? 443 : draw() % 1024
			pk = 1 + draw() % 500
			oc = pk * (40 + draw() % 1460)
			sa = draw() * 65536 + draw()
			first = 1433962800 + int(i / 3)
			printf "2, %d, 0, 0, 0, 0, 0, %.0f, 0, 0, 0, %.0f, %d, %d, %d, %d, %d, %d, %d, %.0f, 1\n", \
				prot, sa, 3232235520 + i, sp, dp, first, i % 1000, first + pk % 60, (i * 7) % 1000, pk, oc
		}
	}'
}

# facts FILE [AWK-CONDITION]: "R records, P packets, O octets" of a csv file
facts() {
	awk -F', ' -v cond="${2:-}" '{
		keep = 1
		if (cond == "tcp") keep = ($2 == 6)
		if (cond == "tcp443") keep = ($2 == 6 && ($13 == 443 || $14 == 443))
		if (keep) { r++; p += $19; o += $20 }
	} END { printf "%d records, %.0f packets, %.0f octets\n", r, p, o }' "$1"
}

# body FILE: a session file without its dated first line
body() { tail -n +2 "$1"; }
