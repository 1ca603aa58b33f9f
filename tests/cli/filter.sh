#!/usr/bin/env bash
# --filter-expr on the record tools: kept records, the cutting order
# skip_in/count_in -> filter -> skip_out/count_out (SPEC 3), errors,
# the run-time error warning, and binary output.  Expected records are
# computed here with awk from the generated input, independently of the
# tool.
set -euo pipefail
: "${FLOWMODELS:?}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli-filter.XXXXXX" 2>/dev/null || mktemp -d)
trap '[ -n "${FM_KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 200 records: prot 6/17, ports with some 443, first spread over two hours
awk 'BEGIN {
  for (i = 0; i < 200; i++) {
    prot = (i % 3 == 0) ? 17 : 6
    sp = (i % 7 == 0) ? 443 : 1024 + (i * 37) % 60000
    dp = (i % 5 == 0) ? 443 : 2000 + (i * 53) % 50000
    first = 1433959200 + i * 40
    packets = 1 + i % 9
    printf "2, %d, 0, 0, 0, 0, 0, %d, 0, 0, 0, %d, %d, %d, %d, %d, %d, %d, %d, %d, 1\n",
      prot, 167772160 + i, 3232235520 + i, sp, dp, first, i % 1000, first + i % 50,
      (i * 7) % 1000, packets, packets * 100
  }
}' > "$T/in.csv"

# f1: the reference example
awk -F', ' '($2 == 6) && ($13 == 443 || $14 == 443)' "$T/in.csv" > "$T/want1"
[ -s "$T/want1" ] || fail "test data keeps nothing"
"$FLOWMODELS" convert -q -i csv_flow --filter-expr '(prot==6) & ((sp==443) | (dp==443))' \
  "$T/in.csv" > "$T/got1"
cmp -s "$T/want1" "$T/got1" || fail "example filter: kept records differ"

# the second reference example: one hour of af == 2
awk -F', ' '(16596*86400+19*3600 <= $15) && ($15 < 16596*86400+20*3600) && ($1 == 2)' \
  "$T/in.csv" > "$T/want2"
"$FLOWMODELS" convert -q -i csv_flow \
  --filter-expr '(16596*86400+19*3600 <= first) & (first < 16596*86400+20*3600) & (af == 2)' \
  "$T/in.csv" > "$T/got2"
cmp -s "$T/want2" "$T/got2" || fail "time-window filter: kept records differ"
[ "$(wc -l < "$T/want2")" -gt 10 ] && [ "$(wc -l < "$T/want2")" -lt 200 ] \
  || fail "time-window test data not discriminating"

# cutting order: skip_in 5, count_in 120, filter, skip_out 3, count_out 10
awk -F', ' 'NR > 5 && NR <= 125 && $2 == 6' "$T/in.csv" | awk 'NR > 3 && NR <= 13' > "$T/want3"
[ "$(wc -l < "$T/want3")" -eq 10 ] || fail "cutting test data too small"
"$FLOWMODELS" convert -q -i csv_flow --skip-in 5 --count-in 120 --filter-expr 'prot == 6' \
  --skip-out 3 --count-out 10 "$T/in.csv" > "$T/got3"
cmp -s "$T/want3" "$T/got3" || fail "cutting order with a filter"

# two inputs share the counters; same filter over the concatenation
head -n 80 "$T/in.csv" > "$T/a.csv"
tail -n +81 "$T/in.csv" > "$T/b.csv"
"$FLOWMODELS" convert -q -i csv_flow --skip-in 5 --count-in 120 --filter-expr 'prot == 6' \
  --skip-out 3 --count-out 10 "$T/a.csv" "$T/b.csv" > "$T/got3b"
cmp -s "$T/want3" "$T/got3b" || fail "cutting across two inputs with a filter"

# derived fields: duration (ms) and rate
awk -F', ' '{ d = ($19 == 1) ? 0 : ($17 - $15) * 1000 + $18 - $16;
              if (d > 20000 && $19 > 2) print }' "$T/in.csv" > "$T/want4"
"$FLOWMODELS" convert -q -i csv_flow --filter-expr 'duration > 20000 and packets > 2' \
  "$T/in.csv" > "$T/got4"
cmp -s "$T/want4" "$T/got4" || fail "duration filter"

# binary output through a filter, read back
"$FLOWMODELS" convert -q -i csv_flow -o binary -O "$T/bin" --filter-expr '~(prot==6)' "$T/in.csv"
"$FLOWMODELS" convert -q -i binary "$T/bin" > "$T/got5"
awk -F', ' '$2 != 6' "$T/in.csv" > "$T/want5"
cmp -s "$T/want5" "$T/got5" || fail "binary output of a filter"
# binary input: only the named columns are needed (remove the others)
"$FLOWMODELS" convert -q -i csv_flow -o binary -O "$T/bin2" "$T/in.csv"
"$FLOWMODELS" convert -q -i binary -o binary -O "$T/bin3" --filter-expr '(prot==6) & ((sp==443) | (dp==443))' "$T/bin2"
"$FLOWMODELS" convert -q -i binary "$T/bin3" > "$T/got6"
cmp -s "$T/want1" "$T/got6" || fail "binary to binary with a filter"

# a parse error: message with the column and the field list, no output
if "$FLOWMODELS" convert -i csv_flow -o binary -O "$T/nope" --filter-expr 'prot == 6 and port == 443' \
    "$T/in.csv" 2> "$T/err"; then
  fail "unknown field accepted"
fi
grep -q "filter: unknown field 'port' at column 15 (fields: af, prot, " "$T/err" \
  || fail "error message: $(cat "$T/err")"
[ ! -e "$T/nope" ] || fail "output written despite a filter error"
if "$FLOWMODELS" convert -i csv_flow --filter-expr 'sp // 0' "$T/in.csv" 2> "$T/err"; then
  fail "division by a literal zero accepted"
fi
grep -q "division by zero at column 4" "$T/err" || fail "division error: $(cat "$T/err")"

# run-time division by zero: not kept, one warning with the count
"$FLOWMODELS" convert -i csv_flow --filter-expr 'sp // (packets - 1) >= 0' "$T/in.csv" \
  > "$T/got7" 2> "$T/err"
zeros=$(awk -F', ' '$19 == 1' "$T/in.csv" | wc -l)
[ "$(wc -l < "$T/got7")" -eq $((200 - zeros)) ] || fail "records with a zero divisor were kept"
[ "$(grep -c 'warning' "$T/err")" -eq 1 ] || fail "expected one warning: $(cat "$T/err")"
grep -q "filter: $zeros records not kept" "$T/err" || fail "warning count: $(cat "$T/err")"

# cut has no filter
mkdir -p "$T/cutout"
if "$FLOWMODELS" cut --filter-expr 'prot == 6' -O "$T/cutout/x" "$T/bin2" 2> "$T/err"; then
  fail "cut accepted a filter"
fi
grep -q "unknown option '--filter-expr'" "$T/err" || fail "cut message: $(cat "$T/err")"
"$FLOWMODELS" cut --help | grep -q -- "--filter-expr EXPR" && fail "cut --help lists --filter-expr"

# operator extensions: addresses, protocol names, dates (awk decides)
awk -F', ' '($8 >= 167772160 + 64 && $8 < 167772160 + 128) && $2 == 17' \
  "$T/in.csv" > "$T/want8"
[ -s "$T/want8" ] || fail "prefix test keeps nothing"
"$FLOWMODELS" convert -q -i csv_flow \
  --filter-expr 'sa in 10.0.0.64/26 and prot == udp' "$T/in.csv" > "$T/got8"
cmp -s "$T/want8" "$T/got8" || fail "prefix/protocol filter: kept records differ"
awk -F', ' '$15 >= 1433962800' "$T/in.csv" > "$T/want9"
"$FLOWMODELS" convert -q -i csv_flow --filter-expr 'first >= 2015-06-10T19:00' \
  "$T/in.csv" > "$T/got9"
cmp -s "$T/want9" "$T/got9" || fail "date filter: kept records differ"
# the chain warning, once, with the fix
"$FLOWMODELS" convert -i csv_flow --filter-expr 'prot==6 & dp==443' "$T/in.csv" \
  > "$T/got10" 2> "$T/err"
[ ! -s "$T/got10" ] || fail "prot==6 & dp==443 kept records (it means a chain)"
grep -q "binds tighter than '==': write (prot == 6) & (dp == 443) or use 'and'" \
  "$T/err" || fail "chain warning: $(cat "$T/err")"
# help filters, one-shot: the nfdump table
"$FLOWMODELS" help filters | grep -q "src host 192.0.2.1 *sa == 192.0.2.1" ||
  fail "help filters lacks the nfdump table"

# --help documents the option
"$FLOWMODELS" convert --help | grep -q -- "--filter-expr EXPR" || fail "convert --help lacks --filter-expr"
echo "ok"
