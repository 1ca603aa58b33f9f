#!/usr/bin/env bash
# hist-merge and series-merge: a dataset (bench/gen-dataset) cut into 4
# parts with `cut`, each part's hist and series, merged: byte-identical
# to hist and series of the whole, except rate_sum, which is the sum of
# the parts' truncated sums (below the whole's by at most parts - 1, and
# within 1e-12 relative where it is large; docs/commands/hist-merge.md).
# Then the one-line errors (different x, bin exponents, columns, damaged
# series), -x, -O, and both commands in a session.
source "$(dirname "$0")/lib.bash"
GEN=${FM_BUILD_DIR:?}/gen-dataset
[ -x "$GEN" ] || { echo "SKIP: no $GEN"; exit 77; }

N=120000 P=4
"$GEN" $N "$T/ds" 2>/dev/null
per=$(((N + P - 1) / P))
for i in $(seq 0 $((P - 1))); do
  "$FM" cut -q --skip-in $((i * per)) --count-in $per -O "$T/part$i" "$T/ds"
done
parts() { for i in $(seq 0 $((P - 1))); do echo "$T/$1$i${2:-}"; done; }

# check_hist NAME HIST-OPTIONS...: whole vs merged parts
check_hist() {
  local name=$1; shift
  "$FM" hist -q -i binary "$@" "$T/ds" > "$T/$name-whole.csv"
  for i in $(seq 0 $((P - 1))); do
    "$FM" hist -q -i binary "$@" "$T/part$i" > "$T/$name-$i.csv"
  done
  "$FM" hist-merge -q $(parts "$name-" .csv) > "$T/$name-merged.csv"
  local rc
  rc=$(head -1 "$T/$name-whole.csv" | tr , '\n' | grep -n '^rate_sum$' | cut -d: -f1 || true)
  if [ -z "$rc" ]; then
    if cmp -s "$T/$name-whole.csv" "$T/$name-merged.csv"; then ok; else bad "$name: merged differs from whole"; fi
    return
  fi
  # all columns but rate_sum byte-identical; rate_sum within the bound
  if cmp -s <(cut -d, -f"$rc" --complement "$T/$name-whole.csv") \
            <(cut -d, -f"$rc" --complement "$T/$name-merged.csv"); then ok
  else bad "$name: merged differs from whole outside rate_sum"; fi
  if paste -d, "$T/$name-whole.csv" "$T/$name-merged.csv" | awk -F, -v c="$rc" -v p=$P '
      NR == 1 { n = NF / 2; next }
      { w = $c; m = $(c + n); d = w - m; big = (w > (p - 1) * 1e12)
        if (d < -1e-6 * w - 1 || d > p - 1 + 1e-6 * w) { print "bin " $1 ": " w " vs " m; bad = 1 }
        if (big && (d < 0 ? -d : d) > 1e-12 * w) { print "bin " $1 ": " w " vs " m " beyond 1e-12"; bad = 1 }
        if (d != 0) diff++ }
      END { exit bad }' > "$T/rate.txt"; then ok
  else bad "$name: rate_sum beyond its bound: $(head -3 "$T/rate.txt")"; fi
}
check_hist len -x length -b 12 -c duration -c rate -c aggs
check_hist size -x size -b 0
check_hist dur -x duration -b 8 -c duration -c rate
check_hist rate -x rate -b 12 -c rate
check_hist size12 -x size -b 12 -c aggs

# -O writes the same bytes; a single input is copied
"$FM" hist-merge -q -O "$T/len-o.csv" $(parts len- .csv)
cmp -s "$T/len-merged.csv" "$T/len-o.csv" && ok || bad "-O differs from stdout"
"$FM" hist-merge -q "$T/size-0.csv" > "$T/one.csv"
cmp -s "$T/size-0.csv" "$T/one.csv" && ok || bad "one input is not copied as it is"

# x: duration without -c duration cannot be told, -x tells it
"$FM" hist -q -i binary -x duration -b 8 "$T/part0" > "$T/d0.csv"
"$FM" hist -q -i binary -x duration -b 8 "$T/part1" > "$T/d1.csv"
expect_fail "undetectable x" "give -x" "$FM" hist-merge -q "$T/d0.csv" "$T/d1.csv"
"$FM" hist -q -i binary -x duration -b 8 "$T/ds" > "$T/dw.csv"
"$FM" hist-merge -q -x duration "$T/d0.csv" "$T/d1.csv" > "$T/d01.csv" && ok || bad "-x duration"
"$FM" hist -q -i binary -x duration -b 8 --count-in $((2 * per)) "$T/ds" > "$T/dw01.csv"
cmp -s "$T/dw01.csv" "$T/d01.csv" && ok || bad "-x duration merge differs"

# the one-line errors
"$FM" hist -q -i binary -x size -b 12 "$T/part1" > "$T/s1.csv"
"$FM" hist -q -i binary -x length -b 12 "$T/part0" > "$T/l0.csv"
"$FM" hist -q -i binary -x length -b 8 "$T/part1" > "$T/l1b8.csv"
"$FM" hist -q -i binary -x length -b 12 -c aggs "$T/part1" > "$T/l1a.csv"
expect_fail "different x" "different x: .*l0.csv is a length histogram, .*s1.csv a size histogram" \
  "$FM" hist-merge "$T/l0.csv" "$T/s1.csv"
expect_fail "different bin exponents" "different bin exponents: .*l0.csv has -b 12, .*l1b8.csv has -b 8" \
  "$FM" hist-merge "$T/l0.csv" "$T/l1b8.csv"
"$FM" hist -q -i binary -x length -b 0 "$T/part0" > "$T/l0b0.csv"
expect_fail "unit bins vs -b 8" "different bin exponents: .*l1b8.csv has -b 8, .*l0b0.csv has a unit bin at a value of" \
  "$FM" hist-merge "$T/l0b0.csv" "$T/l1b8.csv"
expect_fail "different columns" "different columns: .*l0.csv has flows_sum,packets_sum,octets_sum, .*l1a.csv has flows_sum,packets_sum,octets_sum,aggs_sum" \
  "$FM" hist-merge "$T/l0.csv" "$T/l1a.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n5,8,1,6,100\n' > "$T/odd.csv"
expect_fail "not a bin of -b" "not a bin of hist -b" "$FM" hist-merge -x length "$T/odd.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,18446744073709551615,18446744073709551615,64\n' > "$T/big.csv"
expect_fail "sum beyond 64 bits" "flows_sum does not fit 64 bits" "$FM" hist-merge -x length "$T/big.csv" "$T/big.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,x,1,64\n' > "$T/bad.csv"
expect_fail "bad csv" "bad.csv:2" "$FM" hist-merge "$T/bad.csv"
# a length histogram's packets_sum against a slow implementation: one
# bin by hand, x detected although the first bin is not 1
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n4096,4098,2,8193,9000000\n' > "$T/b1.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n4096,4098,1,4097,4500000\n8192,8196,1,8195,10000000\n' > "$T/b2.csv"
expect_eq "hand-made merge" "$("$FM" hist-merge -q "$T/b1.csv" "$T/b2.csv" | tr '\n' ' ')" \
  "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum 4096,4098,3,12290,13500000 8192,8196,1,8195,10000000 "

# a sum at the top of a bin's range fits only the x it belongs to: octets
# 100 in [100,101) is size; packets 101 would need a bin up to 102
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n100,101,1,101,100\n' > "$T/top.csv"
"$FM" hist-merge -q "$T/top.csv" "$T/top.csv" > "$T/top2.csv" && ok || bad "size detected at the top of a bin"
expect_eq "top of a bin" "$(tail -1 "$T/top2.csv")" "100,101,2,202,200"
# negative durations are not checked for an exponent: one bin_lo with
# two bin_hi is still an error
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n-8,-4,1,2,100\n' > "$T/n1.csv"
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n-8,-6,1,2,100\n' > "$T/n2.csv"
expect_fail "two bin_hi" "different bins: .*n1.csv has \[-8,-4), .*n2.csv has \[-8,-6)" \
  "$FM" hist-merge -x duration "$T/n1.csv" "$T/n2.csv"

# series: whole vs merged parts, byte for byte
"$FM" series -q -i binary -O "$T/sw" "$T/ds"
for i in $(seq 0 $((P - 1))); do "$FM" series -q -i binary -O "$T/sp$i" "$T/part$i"; done
"$FM" series-merge -q -O "$T/sm" $(parts sp)
diff -r "$T/sw" "$T/sm" > /dev/null && ok || bad "series-merge differs from series of the whole"
# days of only some inputs: two days apart
mkdir -p "$T/sx"; for c in flows packets octets; do cp "$T/sp0/16596.$c" "$T/sx/16600.$c"; done
"$FM" series-merge -q -O "$T/sm2" "$T/sp0" "$T/sx"
expect_eq "days of two inputs" "$(ls "$T/sm2" | tr '\n' ' ')" \
  "16596.flows 16596.octets 16596.packets 16600.flows 16600.octets 16600.packets "
cmp -s "$T/sp0/16596.octets" "$T/sm2/16600.octets" && ok || bad "a day of one input is not copied"
mkdir -p "$T/sb"; cp "$T/sp0"/* "$T/sb"; rm "$T/sb/16596.packets"
expect_fail "missing file of a day" "16596.flows without 16596.packets" "$FM" series-merge -O "$T/so" "$T/sp0" "$T/sb"
cp "$T/sp0/16596.packets" "$T/sb"; sed -i '7s/.*/1x/' "$T/sb/16596.octets"
expect_fail "bad line" "sb/16596.octets:7: not an unsigned integer" "$FM" series-merge -O "$T/so" "$T/sp0" "$T/sb"
head -5 "$T/sp0/16596.flows" > "$T/sb/16596.flows"; cp "$T/sp0/16596.octets" "$T/sb"
expect_fail "short file" "16596.flows:6: the file ends before line 86400" "$FM" series-merge -O "$T/so" "$T/sb"
[ ! -e "$T/so" ] || [ -z "$(ls "$T/so")" ] && ok || bad "a failed series-merge left files"
expect_fail "not a directory" "l0.csv" "$FM" series-merge -O "$T/so" "$T/l0.csv"
{ cat "$T/sp0/16596.flows"; echo 0; } > "$T/sb/16596.flows"
expect_fail "long file" "16596.flows:86401: more than 86400 lines" "$FM" series-merge -O "$T/so" "$T/sb"

# in a session: histogram and series objects merged into objects
cat > "$T/s.fms" <<EOS
hist -i binary -x length -b 12 part0 as h0
hist -i binary -x length -b 12 part1 as h1
hist-merge h0 h1 as h01
export h01 -O h01.csv
series -i binary part2 as s2
series -i binary part3 as s3
series-merge s2 s3 as s23
export s23 -O s23
EOS
(cd "$T" && "$FM" --replay s.fms > "$T/replay.out" 2>&1) && ok || bad "session replay: $(tail -3 "$T/replay.out")"
"$FM" hist -q -i binary -x length -b 12 --count-in $((2 * per)) "$T/ds" > "$T/w01.csv"
cmp -s "$T/w01.csv" "$T/h01.csv" && ok || bad "session hist-merge differs"
"$FM" series -q -i binary -O "$T/w23" --skip-in $((2 * per)) "$T/ds"
diff -r "$T/w23" "$T/s23" > /dev/null && ok || bad "session series-merge differs"
finish
