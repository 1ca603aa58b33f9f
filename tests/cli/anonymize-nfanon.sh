#!/usr/bin/env bash
# anonymize-nfanon.sh - `anonymize` against Debian's nfanon (nfdump package)
# with the same key, on an nfpcapd capture of IPv4 and IPv6 flows (from
# tests/tools/tunpcap.py --many 40: pseudo-random addresses, plus tunnels):
# - IPv4: every record equals nfanon's (both IPv6 modes);
# - IPv6 --ipv6 nfanon: every record equals nfanon's, destinations
#   included (nfanon 1.7.1 writes as destination the mapping of the
#   anonymised source, shown here independently by mapping nfanon's
#   sources once more with flowmodels);
# - IPv6 default (Crypto-PAn over 128 bits): prefix-preserving over every
#   pair of addresses of the capture;
# - all other fields are unchanged, record order too.
# Skips (77) when nfpcapd, nfanon or python3 is missing.
set -u
: "${FLOWMODELS:?}" "${FM_SOURCE_DIR:?}"
for t in nfpcapd nfanon python3; do
	command -v $t >/dev/null || { echo "$t not installed: skip"; exit 77; }
done
base="${FM_TEST_TMP:-/tmp}"
mkdir -p "$base"
T=$(mktemp -d "$base/anonymize-nfanon.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
KEY=abcdefghijklmnopqrstuvwxyz012345

python3 "$FM_SOURCE_DIR/tests/tools/tunpcap.py" "$T/r.pcap" --many 40 --packets 1 --seed 7 ||
	fail "tunpcap.py"
mkdir -p "$T/flows"
nfpcapd -r "$T/r.pcap" -w "$T/flows" >"$T/nfpcapd.log" 2>&1 || fail "nfpcapd: $(tail -3 "$T/nfpcapd.log")"
C=$(ls "$T"/flows/nfcapd.2* | head -1)
[ -n "$C" ] || fail "nfpcapd wrote no file"
nfanon -q -K "$KEY" -r "$C" -w "$T/nfanon.nfcapd" >"$T/nfanon.log" 2>&1 ||
	fail "nfanon: $(tail -3 "$T/nfanon.log")"

run() { "$FLOWMODELS" "$@" 2>"$T/err" || fail "$*: $(cat "$T/err")"; }
run convert -q -i nfcapd -O "$T/orig.csv" "$C"
run convert -q -i nfcapd -O "$T/nfanon.csv" "$T/nfanon.nfcapd"
run anonymize -q --key "$KEY" --ipv6 nfanon -i nfcapd -O "$T/nf.csv" "$C"
run anonymize -q --key "$KEY" -i nfcapd -O "$T/cp.csv" "$C"

# nfanon's IPv6 sources, as sources and destinations, mapped once more
python3 - "$T" <<'EOF' || fail "preparing the destination check"
import sys
t = sys.argv[1]
with open(t + "/nfanon.csv") as f, open(t + "/again.csv", "w") as g:
    for line in f:
        r = line.strip().split(", ")
        if r[0] == "10":
            r[8:12] = r[4:8]
            g.write(", ".join(r) + "\n")
EOF
run anonymize -q --key "$KEY" --ipv6 nfanon -i csv_flow -O "$T/again.out.csv" "$T/again.csv"

python3 - "$T" <<'EOF' || fail "comparison"
import sys
t = sys.argv[1]
rd = lambda n: [list(map(int, l.split(", "))) for l in open(t + "/" + n)]
orig, nfa, nf, cp = rd("orig.csv"), rd("nfanon.csv"), rd("nf.csv"), rd("cp.csv")
again = rd("again.out.csv")
assert len(orig) == len(nfa) == len(nf) == len(cp), "record counts differ"
n4 = n6 = 0
for o, a, x, y in zip(orig, nfa, nf, cp):
    for r in (a, x, y):   # everything but the addresses is unchanged
        assert r[:4] + r[12:] == o[:4] + o[12:], "non-address fields changed: %s" % r
    if o[0] == 2:
        n4 += 1
        assert x == a, "IPv4 record differs from nfanon's: %s vs %s" % (x, a)
        assert y == a, "IPv4 record (default mode) differs from nfanon's"
    elif o[0] == 10:
        n6 += 1
        assert x == a, "IPv6 record differs from nfanon's: %s vs %s" % (x, a)
        assert y[8:12] != a[8:12] or o[8:12] == o[4:8], \
            "default mode copied nfanon's destination quirk"
assert n4 >= 40 and n6 >= 40, "too few flows: %d IPv4, %d IPv6" % (n4, n6)
# nfanon's destination = its mapping applied to its anonymised source
v6 = [a for a in nfa if a[0] == 10]
assert len(again) == len(v6)
for a, g in zip(v6, again):
    assert g[4:8] == a[8:12], "nfanon's destination is not map(map(source))"
# Crypto-PAn over 128 bits: common prefix lengths are kept for every pair
def num(w): return w[0] << 96 | w[1] << 64 | w[2] << 32 | w[3]
def cpl(p, q): return 128 - (p ^ q).bit_length()
pairs = {}
for o, y in zip(orig, cp):
    if o[0] == 10:
        for k in (4, 8):
            pairs[num(o[k:k + 4])] = num(y[k:k + 4])
keys = sorted(pairs)
checked = 0
for i in range(len(keys)):
    for j in range(i + 1, len(keys)):
        a, b = keys[i], keys[j]
        assert cpl(a, b) == cpl(pairs[a], pairs[b]), "prefix not preserved"
        checked += 1
assert len(set(pairs.values())) == len(pairs), "two addresses map to one"
print("ok: %d IPv4 and %d IPv6 records equal nfanon's, "
      "%d IPv6 address pairs keep their prefix length" % (n4, n6, checked))
EOF
exit 0
