#!/usr/bin/env bash
# hist and series from the command line: golden outputs (made by the
# python oracle tests/cli/hist_ref.py, see tests/golden/hist/README.md),
# every input path and thread count, a fresh random dataset against the
# oracle (when python3 is there), bad options, no partial output.
source "$(dirname "$0")/lib.bash"
G=$FM_SOURCE_DIR/tests/golden/hist
REF=$FM_SOURCE_DIR/tests/cli/hist_ref.py

"$FM" convert -q -i csv_flow -o binary -O "$T/g.bin" "$G/flows-300.csv"

# golden ARGS... FILE: csv_flow input, binary with 1 and 3 threads, -O file
golden() {
  local want=$1; shift
  local got
  got=$("$FM" hist -q -i csv_flow "$@" "$G/flows-300.csv")
  expect_eq "hist $* (csv_flow)" "$got" "$(cat "$G/$want")"
  for t in 1 3; do
    "$FM" hist -q -i binary --threads $t "$@" -O "$T/out.csv" "$T/g.bin"
    expect_eq "hist $* (binary, $t threads)" "$(cat "$T/out.csv")" "$(cat "$G/$want")"
  done
}
golden length-b0.csv -x length -b 0
golden size-b5-dra.csv -x size -b 5 -c duration -c rate -c aggs
golden duration-b3-ad.csv -x duration -b 3 -c aggs -c duration
golden rate-b12-r.csv -x rate -b 12 -c rate

# defaults: -x length -b 0; long option names
expect_eq "defaults" "$("$FM" hist -q -i csv_flow "$G/flows-300.csv")" "$(cat "$G/length-b0.csv")"
expect_eq "long names" \
  "$("$FM" hist -q -i csv_flow --x-value size --bin-exp 5 --additional-columns duration \
     --additional-columns rate --additional-columns aggs "$G/flows-300.csv")" "$(cat "$G/size-b5-dra.csv")"

# cutting: binary (threaded path) and csv (scan path) select the same records
a=$("$FM" hist -q -i binary -x size -b 4 --skip-in 17 --count-in 200 --skip-out 3 --count-out 150 "$T/g.bin")
b=$("$FM" hist -q -i csv_flow -x size -b 4 --skip-in 17 --count-in 200 --skip-out 3 --count-out 150 "$G/flows-300.csv")
expect_eq "cutting binary = csv" "$a" "$b"
# records 21..170 were selected; hist skips those with 0 packets
expect_eq "cutting records" "$(tail -n +2 <<<"$a" | cut -d, -f3 | awk '{s += $1} END {print s}')" \
  "$(awk -F', ' 'NR >= 21 && NR <= 170 && $19 != 0' "$G/flows-300.csv" | wc -l)"

# a filter: threaded binary = csv scan = convert --filter-expr | hist
fe='(prot == 6) & (octets // (packets - 1) > 100)'
a=$("$FM" hist -q -i binary --threads 3 -x size -b 6 -c rate --filter-expr "$fe" "$T/g.bin" 2>/dev/null)
b=$("$FM" hist -q -i csv_flow -x size -b 6 -c rate --filter-expr "$fe" "$G/flows-300.csv" 2>/dev/null)
c=$("$FM" convert -q -i csv_flow --filter-expr "$fe" "$G/flows-300.csv" 2>/dev/null | "$FM" hist -q -i csv_flow -x size -b 6 -c rate -)
expect_eq "filter threaded = scan" "$a" "$b"
expect_eq "filter = convert | hist" "$a" "$c"
a=$("$FM" hist -q -i binary -x size --filter-expr "$fe" --skip-out 5 --count-out 40 "$T/g.bin" 2>/dev/null)
b=$("$FM" hist -q -i csv_flow -x size --filter-expr "$fe" --skip-out 5 --count-out 40 "$G/flows-300.csv" 2>/dev/null)
expect_eq "filter with skip-out/count-out" "$a" "$b"
expect_eq "filter count-out records" "$(tail -n +2 <<<"$a" | cut -d, -f3 | awk '{s += $1} END {print s}')" 40

# summary line and -o none
"$FM" hist -i binary -o none "$T/g.bin" > "$T/none.out" 2> "$T/err"
expect_eq "-o none writes nothing" "$(stat -c %s "$T/none.out")" 0
grep -q "^hist: 300 records, 91 bins in" "$T/err" && ok || bad "summary: $(cat "$T/err")"
grep -q "warning: 3 records with 0 packets skipped by hist" "$T/err" && ok || bad "0-packet count: $(cat "$T/err")"

# a fresh random dataset against the oracle, several thread counts
if command -v python3 >/dev/null; then
  python3 "$REF" gen 4000 $RANDOM > "$T/r.csv"
  "$FM" convert -q -i csv_flow -o binary -O "$T/r.bin" "$T/r.csv"
  for args in "-x length -b 12" "-x size -b 12 -c rate" "-x duration -b 7 -c duration -c aggs" "-x rate -b 0 -c rate -c duration"; do
    # shellcheck disable=SC2086
    want=$(python3 "$REF" hist $args "$T/r.csv")
    # shellcheck disable=SC2086
    expect_eq "oracle $args" "$("$FM" hist -q -i binary --threads 2 $args "$T/r.bin")" "$want"
  done
  python3 "$REF" gen-series 300 $RANDOM > "$T/s.csv"
  python3 "$REF" series "$T/s.csv" "$T/sref"
  "$FM" series -q -i csv_flow -O "$T/sout" "$T/s.csv"
  expect_eq "series vs oracle" "$(diff -r "$T/sref" "$T/sout" && echo same)" same
fi

# zero durations among small values (the two-at-a-time division path):
# their rate is 0, binned at 0 and summed as 0
if command -v python3 >/dev/null; then
  awk 'BEGIN { for (i = 0; i < 200; i++) {
      d = (i % 3 == 0) ? 0 : 1 + (i * 37) % 5000; p = 1 + i % 7
      printf "2, 6, 0, 0, 0, 0, 0, %d, 0, 0, 0, 1, 80, 443, 1433962800, 100, %d, %d, %d, %d, 1\n",
        i, 1433962800 + int((100 + d) / 1000), (100 + d) % 1000, p, 40 + (i * 131) % 3000 } }' > "$T/z.csv"
  for args in "-x rate -b 0 -c rate" "-x size -b 4 -c rate"; do
    # shellcheck disable=SC2086
    expect_eq "zero durations $args" "$("$FM" hist -q -i csv_flow $args "$T/z.csv")" "$(python3 "$REF" hist $args "$T/z.csv")"
  done
fi

# series golden: file set and contents, binary input, stdin
"$FM" series -q -i csv_flow -O "$T/ser" "$G/series-60.csv"
expect_eq "series golden" "$(cd "$T/ser" && md5sum $(ls | sort))" "$(cat "$G/series-60.md5")"
"$FM" convert -q -i csv_flow -o binary -O "$T/s60.bin" "$G/series-60.csv"
"$FM" series -q -i binary -O "$T/ser2" "$T/s60.bin"
expect_eq "series binary" "$(cd "$T/ser2" && md5sum $(ls | sort))" "$(cat "$G/series-60.md5")"
(cd "$T" && "$FM" series -q -i csv_flow - < "$G/series-60.csv" && ls *.flows | wc -l) > "$T/n"
expect_eq "series default dir ." "$(cat "$T/n")" 4

# bad options and input: one-line errors, non-zero exit, no output file
expect_fail "bad -x" "option -x: unknown value 'speed'" "$FM" hist -i csv_flow -x speed -O "$T/x.csv" "$G/flows-300.csv"
expect_fail "bad -c" "unknown column 'bytes'" "$FM" hist -i csv_flow -c bytes "$G/flows-300.csv"
expect_fail "-c twice" "column 'rate' given twice" "$FM" hist -i csv_flow -c rate -c rate "$G/flows-300.csv"
expect_fail "bad -b" "bin exponent" "$FM" hist -i csv_flow -b -1 "$G/flows-300.csv"
expect_fail "bad --threads" "option --threads" "$FM" hist -i binary --threads 0 "$T/g.bin"
expect_fail "bad -o" "cannot write format 'csv_flow'" "$FM" hist -i binary -o csv_flow "$T/g.bin"
expect_fail "missing input" "nope.bin" "$FM" hist -i binary -O "$T/x.csv" "$T/nope.bin"
{ head -5 "$G/flows-300.csv"; echo "2, 6, 1"; } > "$T/bad.csv"
expect_fail "bad record" "bad.csv:6" "$FM" hist -i csv_flow -O "$T/x.csv" "$T/bad.csv"
expect_eq "no partial output" "$(ls "$T" | grep -c '^x.csv' || true)" 0
expect_fail "series bad -o" "cannot write format" "$FM" series -i csv_flow -o csv_hist -O "$T/sx" "$G/series-60.csv"
expect_fail "series 0 packets" "0 packets but 5 octets" "$FM" series -i csv_flow -O "$T/sx" <(echo "2, 6, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 1433962800, 0, 1433962801, 0, 0, 5, 1")
expect_eq "series: no partial output" "$(ls "$T/sx" 2>/dev/null | wc -l)" 0

# --help is complete
"$FM" hist --help > "$T/h"
for o in --in-format --x-value --bin-exp --additional-columns --threads --output --skip-in --count-out; do
  grep -q -- "$o" "$T/h" && ok || bad "hist --help lacks $o"
done
"$FM" series --help | grep -q -- "--output" && ok || bad "series --help"
finish
