#!/usr/bin/env bash
# -o text: one readable line a record under a header (docs/formats.md
# "text"): the expected lines are written out here by hand from the input
# records (times from `date -u`, the duration rule of SPEC 1), and the
# format is refused as an input.
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-text.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# TCP IPv4 (duration 1.910 s); 1-packet UDP IPv6 (duration 0); protocol
# 250 (no name); huge octets (unsigned 64-bit); last before first
cat > "$T/in.csv" <<'CSV'
2, 6, 0, 0, 0, 0, 0, 167772289, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962802, 30, 12, 9120, 1
10, 17, 0, 0, 536939960, 0, 0, 1, 0, 0, 65535, 3221225985, 53, 53, 1433962800, 999, 1433962800, 999, 1, 91, 3
2, 250, 0, 0, 0, 0, 0, 3221225985, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 18446744073709551615, 0
2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 771, 100, 500, 99, 0, 3, 252, 1
CSV
"$FLOWMODELS" convert -q -i csv_flow -o text "$T/in.csv" > "$T/got"
[ "$(date -u -d @1433962800 +%Y-%m-%dT%H:%M:%S)" = 2015-06-10T19:00:00 ] || fail "date -u"
cat > "$T/want" <<'TXT'
first                     duration proto                   src -> dst                      packets       octets  aggs
2015-06-10T19:00:00.120Z     1.910 tcp        10.0.0.129:50740 -> 192.168.0.174:443             12         9120     1
2015-06-10T19:00:00.999Z     0.000 udp        [2001:db8::1]:53 -> [::ffff:192.0.2.1]:53          1           91     3
1970-01-01T00:00:00.000Z     0.001 250             192.0.2.1:0 -> 0.0.0.0:0                      2 18446744073709551615     0
1970-01-01T00:01:40.500Z    -1.500 icmp              0.0.0.1:0 -> 0.0.0.2:771                    3          252     1
TXT
diff "$T/want" "$T/got" || fail "text lines differ"
# to a file: the same bytes, written atomically
"$FLOWMODELS" convert -q -i csv_flow -o text -O "$T/out.txt" "$T/in.csv"
cmp -s "$T/want" "$T/out.txt" || fail "-O FILE differs from stdout"
# an output format only
if "$FLOWMODELS" convert -i text "$T/out.txt" > /dev/null 2> "$T/err"; then fail "-i text accepted"; fi
grep -q "cannot read format 'text'" "$T/err" || fail "-i text message: $(cat "$T/err")"
echo ok
