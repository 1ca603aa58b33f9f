#!/usr/bin/env bash
# info's overview of a dataset and a view: the time window as UTC dates,
# the IPv4/IPv6 split and the top protocols (expected values worked out by
# hand from the five records below).
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-info.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# first 19:00:00 .. last 20:00:05 (2015-06-10, 1433962800 = 19:00 UTC);
# 4 IPv4 + 1 IPv6; tcp 2, udp 1, gre 1, protocol 250 1
cat > "$T/in.csv" <<'CSV'
2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433962800, 0, 1433962801, 0, 1, 40, 1
2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433962900, 0, 1433966405, 0, 1, 40, 1
10, 17, 0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433963000, 0, 1433963001, 0, 1, 40, 1
2, 47, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433963100, 0, 1433963101, 0, 1, 40, 1
2, 250, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433963200, 0, 1433963201, 0, 1, 40, 1
CSV
printf 'load -i csv_flow in.csv as d\nfilter d prot == tcp as t\ninfo d t\n' > "$T/s.fms"
(cd "$T" && "$FLOWMODELS" --replay s.fms > out 2>&1) || fail "replay: $(cat "$T/out")"
grep -qx '  overview: 2015-06-10T19:00:00Z .. 2015-06-10T20:00:05Z; IPv4 80.0%, IPv6 20.0%; tcp 40.0%, udp 20.0%, gre 20.0%, prot 250 20.0%' "$T/out" \
	|| fail "dataset overview: $(grep overview "$T/out")"
grep -qx '  overview: 2015-06-10T19:00:00Z .. 2015-06-10T20:00:05Z; IPv4 100.0%, IPv6 0.0%; tcp 100.0%' "$T/out" \
	|| fail "view overview: $(grep overview "$T/out")"
# the sampling nfcapd captures declare (nfdump -E v9-sampled.nfcapd shows
# "Sampler: ... algorithm: 0, packet interval: 1, packet space: 9")
N=${FM_SHARED_DATA:-}/nfcapd
if [ -f "$N/v9-sampled.nfcapd" ]; then
	printf 'load %s as s\nload %s as n\nfilter s prot == 6 as v\ninfo s v\n' \
		"$N/v9-sampled.nfcapd" "$N/v9-none.nfcapd" > "$T/samp.fms"
	"$FLOWMODELS" --replay "$T/samp.fms" > "$T/samp" 2>&1 || fail "sampling session"
	want='  sampling: 1 of 10 packets (exporter 1, sampler -2, algorithm 0); 83 records flagged sampled; packets and octets already scaled by the collector'
	[ "$(grep -cxF "$want" "$T/samp")" = 3 ] || fail "sampling of v9-sampled (load, info, view): $(grep sampling "$T/samp")"
	grep -qxF '  sampling: none declared' "$T/samp" || fail "unsampled capture: $(grep sampling "$T/samp")"
fi
echo ok
