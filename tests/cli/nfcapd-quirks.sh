#!/usr/bin/env bash
# nfcapd-quirks.sh - exporter quirks through a real collector: Debian's
# nfcapd on 127.0.0.1 receives NetFlow v9 from tests/tools/nf9send.py
# --quirks (reverse counters OUT_PKTS/OUT_BYTES, every 4th flow ending
# before it starts, every 3rd with 0 forward packets, every 5th with 0
# reverse packets).  Checks:
# - both read paths give the records sent and warn once per input with
#   the counts of negative-duration and 0-packet records;
# - --biflow split gives exactly the forward/reverse records the sender
#   computed (directions with 0 packets not emitted), also when skipping
#   ends a batch between the two directions of a flow;
# - hist skips 0-packet records and says how many: its output equals hist
#   over the records filtered with packets > 0, on nfcapd and binary input;
# - --biflow split on the nfdump path or another format is an error.
# Skips (77) when nfcapd or python3 is missing.
set -u
source "$FM_SOURCE_DIR/tests/tools/collector.bash" nfcapd-quirks
FM=$FLOWMODELS
N=3000

nf_collect "$T/flows" "-t 3600" --count $N --seed 5 --quirks --csv "$T/sent.csv" \
	--csv-split "$T/split.csv" || fail "sender: $(cat "$T/send.log")"
F=$(ls "$T"/flows/nfcapd.2* 2>/dev/null | head -1)
[ -n "$F" ] || fail "nfcapd wrote no file"

# the expected counts, from what was sent
neg=$(awk -F', ' '$17 < $15 || ($17 == $15 && $18 < $16)' "$T/sent.csv" | wc -l)
zero=$(awk -F', ' '$19 == 0' "$T/sent.csv" | wc -l)
[ "$neg" -gt 0 ] && [ "$zero" -gt 0 ] || fail "the sender made no quirks"
paths="nfcapd"
command -v nfdump >/dev/null && paths="nfcapd nfcapd-nfdump"
for p in $paths; do
	"$FM" convert -i $p -O "$T/got.csv" "$F" 2>"$T/err" || fail "$p: $(cat "$T/err")"
	cmp -s "$T/got.csv" "$T/sent.csv" || fail "$p: records differ from those sent"
	grep -q "$(basename "$F"): $neg of $N records end before they start (last < first" "$T/err" ||
		fail "$p: no negative-duration warning with $neg: $(cat "$T/err")"
	grep -q "$(basename "$F"): $zero of $N records have 0 packets (hist skips them)" "$T/err" ||
		fail "$p: no 0-packet warning with $zero: $(cat "$T/err")"
	[ "$(grep -c "end before they start" "$T/err")" -eq 1 ] || fail "$p: warned more than once"
done
grep -q "reverse counters of bidirectional flows: --biflow split" "$T/err" ||
	[ "$p" = nfcapd-nfdump ] || fail "no hint at --biflow split"
echo "ok: quirks warned once with counts ($neg negative durations, $zero 0-packet records of $N)"

"$FM" convert -i nfcapd --biflow split -O "$T/split.got" "$F" 2>"$T/err" || fail "split: $(cat "$T/err")"
cmp -s "$T/split.got" "$T/split.csv" || fail "--biflow split: records differ from the sender's"
rev=$(( $(wc -l <"$T/split.csv") - (N - zero) ))
grep -q -- "--biflow split: $rev reverse records added" "$T/err" || fail "split summary: $(cat "$T/err")"
for k in 1 2 3 5 8 13 4097 4098; do
	"$FM" convert -q -i nfcapd --biflow split --skip-in $k -O "$T/skip.csv" "$F" 2>/dev/null ||
		fail "split --skip-in $k"
	tail -n +$((k + 1)) "$T/split.csv" | cmp -s - "$T/skip.csv" || fail "split --skip-in $k differs"
done
echo "ok: --biflow split ($(wc -l <"$T/split.csv") records, $rev reverse), also across batch ends"

"$FM" convert -q -i nfcapd -o binary -O "$T/bin" "$F" 2>/dev/null || fail "binary"
for x in length size duration rate; do
	for in in "nfcapd $F" "binary $T/bin"; do
		set -- $in
		"$FM" hist -i $1 -x $x -O "$T/h.csv" "$2" 2>"$T/err" || fail "hist $1 $x: $(cat "$T/err")"
		grep -q "warning: $zero records with 0 packets skipped by hist" "$T/err" ||
			fail "hist $1 $x: no skip count: $(cat "$T/err")"
		"$FM" hist -q -i $1 -x $x --filter-expr 'packets > 0' -O "$T/hf.csv" "$2" 2>/dev/null ||
			fail "hist $1 $x filtered"
		cmp -s "$T/h.csv" "$T/hf.csv" || fail "hist $1 -x $x differs from hist of the records with packets"
	done
done
echo "ok: hist skips $zero 0-packet records (4 x values, nfcapd and binary input)"

if "$FM" convert -i nfcapd-nfdump --biflow split -O "$T/x.csv" "$F" 2>"$T/err"; then
	fail "--biflow split accepted on the nfdump path"
fi
grep -q "needs -i nfcapd" "$T/err" || fail "unclear: $(cat "$T/err")"
if "$FM" convert -i csv_flow --biflow split -O "$T/x.csv" "$T/sent.csv" 2>"$T/err"; then
	fail "--biflow split accepted on csv input"
fi
if "$FM" convert -i nfcapd --biflow both -O "$T/x.csv" "$F" 2>"$T/err"; then
	fail "--biflow both accepted"
fi
grep -q "option --biflow: unknown value 'both'" "$T/err" || fail "unclear: $(cat "$T/err")"
echo "ok: --biflow errors"
exit 0
