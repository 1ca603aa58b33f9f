#!/usr/bin/env bash
# merge, sort and anonymize from the command line: results, summary lines,
# option forms, bad input (one-line errors, no partial output).
source "$(dirname "$0")/lib.bash"

# rec SP FIRST FIRST_MS LAST LAST_MS PACKETS [AF] [SA3]
rec() {
  echo "${7:-2}, 6, 0, 0, 0, 0, 0, ${8:-167772161}, 0, 0, 0, 3221225985, $1, 443, $2, $3, $4, $5, $6, $(($6 * 100)), 1"
}
fields() { cut -d, -f"$1" | tr -d ' ' | tr '\n' ' '; }

# ---- merge ----
{
  rec 1 1000 0 1300 0 10        # long: cached
  rec 2 1000 0 1010 0 1         # short: written at once
  rec 1 1310 0 1320 0 5         # gap 10 s: merged, then written
  rec 3 1000 0 1300 600 7       # long, ends at .600
  rec 3 1316 0 1320 0 2         # gap 15.4 s
  rec 4 1000 0 1300 0 3         # cached to the end
} > "$T/m.csv"
out=$("$FM" merge -i csv_flow "$T/m.csv" 2>"$T/err")
expect_eq "merge order" "$(fields 13 <<<"$out")" "2 1 3 3 4 "
expect_eq "merge packets" "$(fields 19 <<<"$out")" "1 15 7 2 3 "
expect_eq "merge aggs" "$(fields 21 <<<"$out")" "1 2 1 1 1 "
grep -q "^merge: 6 records read, merged: 1, wrong: 0, reversed: 0, written: 5, cached at end: 1 in" "$T/err" \
  && ok || bad "merge summary: $(cat "$T/err")"
# -I 15.5: the 15.4 s gap is below it (SPEC 9.2)
out=$("$FM" merge -q -i csv_flow -I 15.5 -A 300 "$T/m.csv")
expect_eq "merge -I 15.5" "$(fields 13 <<<"$out")" "2 1 3 4 "
expect_eq "merge -I 15.5 packets" "$(fields 19 <<<"$out")" "1 15 9 3 "
# long options, binary output, and a round trip back to csv
"$FM" merge -q -i csv_flow -o binary --inactive-timeout 15.5 --active-timeout 300 -O "$T/m.bin" "$T/m.csv"
expect_eq "merge binary" "$("$FM" convert -q -i binary "$T/m.bin" | md5sum)" "$(md5sum <<<"$out")"
# cutting applies to the input
out=$("$FM" merge -q -i csv_flow --skip-in 2 "$T/m.csv")
expect_eq "merge --skip-in" "$(fields 13 <<<"$out")" "1 3 3 4 "
# the filter applies to the records read
out=$("$FM" merge -q -i csv_flow --filter-expr 'sp != 2' "$T/m.csv")
expect_eq "merge --filter-expr" "$(fields 13 <<<"$out")" "1 3 3 4 "
# overlap: both dropped
{ rec 1 1000 0 1300 0 10; rec 1 1200 0 1400 0 5; } > "$T/o.csv"
"$FM" merge -i csv_flow "$T/o.csv" > "$T/o.out" 2>"$T/err"
expect_eq "overlap output" "$(wc -c < "$T/o.out")" 0
grep -q "wrong: 1" "$T/err" && ok || bad "overlap count: $(cat "$T/err")"
# reversed: a warning line
{ rec 1 2000 0 2300 0 10; rec 1 1600 0 1990 0 5; } > "$T/r.csv"
out=$("$FM" merge -i csv_flow "$T/r.csv" 2>"$T/err")
expect_eq "reversed merged" "$(fields 15,17,19 <<<"$out")" "1600,2300,15 "
grep -q "warning: 1 record pairs were in reversed order" "$T/err" && ok || bad "reversed warning: $(cat "$T/err")"

expect_fail "merge timeouts" "active timeout 10 is below the inactive timeout 15" \
  "$FM" merge -i csv_flow -A 10 "$T/m.csv"
expect_fail "merge bad number" "option -I/--inactive-timeout: expected a number, got 'x'" \
  "$FM" merge -i csv_flow -I x "$T/m.csv"
{ head -3 "$T/m.csv"; echo "2, 6, 0"; } > "$T/bad.csv"
expect_fail "merge bad input" "bad.csv:4: expected 21 fields, got 3" \
  "$FM" merge -i csv_flow -o binary -O "$T/bad.bin" "$T/bad.csv"
[ ! -e "$T/bad.bin" ] && ok || bad "merge left a partial output"
expect_fail "merge bad input csv" "bad.csv:4" "$FM" merge -i csv_flow -O "$T/bad.out" "$T/bad.csv"
[ ! -e "$T/bad.out" ] && ok || bad "merge left a partial csv output"

# ---- sort ----
for i in $(seq 1 300); do
  rec $((i % 7)) $((1000 + (i * 37) % 11)) $(((i * 13) % 3 * 100)) 2000 0 $(((i * 7919) % 97 + 1))
done > "$T/s.csv"
"$FM" convert -q -i csv_flow -o binary -O "$T/s.bin" "$T/s.csv"
csvof() { "$FM" convert -q -i binary "$1"; }
"$FM" sort -k first first_ms -O "$T/s1" "$T/s.bin" 2>"$T/err"
expect_eq "sort first first_ms" "$(csvof "$T/s1" | md5sum)" \
  "$(sort -s -t, -k15,15n -k16,16n "$T/s.csv" | md5sum)"
grep -q "^sort: 300 records, 21 arrays written in" "$T/err" && ok || bad "sort summary: $(cat "$T/err")"
"$FM" sort -q -k octets,sp -O "$T/s2" "$T/s.bin"
expect_eq "sort octets,sp" "$(csvof "$T/s2" | md5sum)" \
  "$(sort -s -t, -k20,20n -k13,13n "$T/s.csv" | md5sum)"
"$FM" sort -q -k sp --reverse -O "$T/s3" "$T/s.bin"
expect_eq "sort --reverse" "$(csvof "$T/s3" | md5sum)" "$(tac "$T/s.csv" | sort -s -t, -k13,13nr | md5sum)"
"$FM" sort -q --skip-in 100 --count-in 50 -k packets -O "$T/s4" "$T/s.bin"
expect_eq "sort --skip-in/--count-in" "$(csvof "$T/s4" | md5sum)" \
  "$(sed -n 101,150p "$T/s.csv" | sort -s -t, -k19,19n | md5sum)"
# --threads: the same output for every count; input already in order
"$FM" sort -q --threads 3 -k octets,sp -O "$T/s2t" "$T/s.bin"
expect_eq "sort --threads 3" "$(csvof "$T/s2t" | md5sum)" "$(csvof "$T/s2" | md5sum)"
"$FM" sort -q --threads 2 -k first first_ms -O "$T/s1again" "$T/s1"
expect_eq "sort sorted input" "$(cat "$T/s1again"/* | md5sum)" "$(cat "$T/s1"/* | md5sum)"
expect_fail "sort --threads 0" "option --threads: expected 1..1024, got 0" \
  "$FM" sort --threads 0 -k sp -O "$T/x" "$T/s.bin"
# index: written as INDEX.H (300 records), then reused
"$FM" sort -k first first_ms -I "$T/idx" -O "$T/s5" "$T/s.bin" 2>"$T/err"
expect_eq "index file size" "$(stat -c %s "$T/idx.H")" 600
grep -q "index saved as $T/idx.H" "$T/err" && ok || bad "index summary: $(cat "$T/err")"
"$FM" sort -I "$T/idx" -O "$T/s6" "$T/s.bin" 2>"$T/err"
grep -q "reused index $T/idx.H" "$T/err" && ok || bad "index reuse note: $(cat "$T/err")"
expect_eq "index reuse" "$(csvof "$T/s6" | md5sum)" "$(csvof "$T/s1" | md5sum)"
# in place, other files left alone, no temporary files
cp -r "$T/s.bin" "$T/ip"
echo note > "$T/ip/README"
"$FM" sort -q -k first first_ms -O "$T/ip" "$T/ip"
expect_eq "sort in place" "$(csvof "$T/ip" | md5sum)" "$(csvof "$T/s1" | md5sum)"
expect_eq "in place files" "$(ls -A "$T/ip" | wc -l)" 22

expect_fail "sort csv" "sort reads binary input only" "$FM" sort -i csv_flow -k sp -O "$T/x" "$T/s.csv"
expect_fail "sort skip-out" "sort supports --skip-in and --count-in, not --skip-out" \
  "$FM" sort --skip-out 3 -k sp -O "$T/x" "$T/s.bin"
expect_fail "sort filter" "sort does not filter" "$FM" sort --filter-expr 'sp == 1' -k sp -O "$T/x" "$T/s.bin"
expect_fail "sort no output" "sort needs an output directory" "$FM" sort -k sp "$T/s.bin"
expect_fail "sort bad key" "unknown key field 'port'" "$FM" sort -k port -O "$T/x" "$T/s.bin"
expect_fail "sort no key" "no key fields given" "$FM" sort -O "$T/x" "$T/s.bin"
expect_fail "sort two inputs" "unexpected argument" "$FM" sort -k sp -O "$T/x" "$T/s.bin" "$T/s.bin"
expect_fail "sort missing input" "nothere: No such file or directory" "$FM" sort -k sp -O "$T/x" "$T/nothere"
cp -r "$T/s.bin" "$T/t.bin"
truncate -s 599 "$T/t.bin/sp.H"
expect_fail "sort truncated" "sp.H: size 599 is not a multiple of 2" "$FM" sort -k sp -O "$T/x" "$T/t.bin"
printf 'xx' > "$T/bad.B"
expect_fail "sort bad index" "index $T/bad.B: 2 entries, but 300 records" \
  "$FM" sort -k sp -I "$T/bad" -O "$T/x" "$T/s.bin"
[ ! -e "$T/x" ] && ok || bad "sort left an output after an error"

# ---- anonymize ----
KEY=boojahyoo3vaeToong0Eijee7Ahz3yee
{
  rec 1 1000 0 1001 0 1 2 3221225985     # 192.0.2.1
  rec 2 1000 0 1001 0 1 7 1              # neither IPv4 nor IPv6: dropped
  rec 3 1000 0 1001 0 1 0 167772162      # af 0 counts as IPv4; 10.0.0.2
} > "$T/a.csv"
out=$("$FM" anonymize -i csv_flow --key "$KEY" "$T/a.csv" 2>"$T/err")
# da3 of every record is 192.0.2.1 -> 206.2.124.120; sa3 of record 3 is 10.0.0.2
expect_eq "anonymize sa3" "$(fields 8 <<<"$out")" "3456269432 33814589 "
expect_eq "anonymize da3" "$(fields 12 <<<"$out")" "3456269432 3456269432 "
grep -q "warning: 1 records dropped: address family not IPv4 or IPv6" "$T/err" && ok || bad "dropped warning: $(cat "$T/err")"
grep -q "^anonymize: 3 records read, 2 written (0 IPv6), 1 dropped, 2 addresses anonymised" "$T/err" \
  && ok || bad "anonymize summary: $(cat "$T/err")"
printf '%s\n' "$KEY" > "$T/key"
expect_eq "key file" "$("$FM" anonymize -q -i csv_flow --key-file "$T/key" "$T/a.csv")" "$out"
expect_eq "key env" "$(FLOWMODELS_KEY=$KEY "$FM" anonymize -q -i csv_flow "$T/a.csv")" "$out"
expect_eq "key-env NAME" "$(MYKEY=$KEY "$FM" anonymize -q -i csv_flow --key-env MYKEY "$T/a.csv")" "$out"
HEX=hex:$(printf '%s' "$KEY" | od -An -tx1 | tr -d ' \n')
expect_eq "key hex" "$("$FM" anonymize -q -i csv_flow --key "$HEX" "$T/a.csv")" "$out"
expect_eq "anonymize --filter-expr" "$("$FM" anonymize -q -i csv_flow --key "$KEY" --filter-expr 'sp == 3' "$T/a.csv" | fields 8)" "33814589 "
"$FM" anonymize -q -i csv_flow -o binary -O "$T/a.bin" --key-file "$T/key" "$T/a.csv"
expect_eq "anonymize binary" "$(csvof "$T/a.bin")" "$out"

expect_fail "no key" "no key: give --key-file FILE" env -u FLOWMODELS_KEY "$FM" anonymize -i csv_flow "$T/a.csv"
expect_fail "short key" "key: expected exactly 32 bytes, got 31" "$FM" anonymize -i csv_flow --key "${KEY:1}" "$T/a.csv"
if "$FM" anonymize -i csv_flow --key "${KEY:1}" "$T/a.csv" 2>&1 | grep -q "${KEY:1}"; then
  bad "the key appears in an error message"; else ok; fi
expect_fail "two keys" "give the key once" "$FM" anonymize -i csv_flow --key "$KEY" --key-file "$T/key" "$T/a.csv"
printf '%s\n\n' "$KEY" > "$T/key2"
expect_fail "key file length" "key file $T/key2: longer than 33 bytes" "$FM" anonymize -i csv_flow --key-file "$T/key2" "$T/a.csv"
expect_fail "env key length" "environment variable FLOWMODELS_KEY: key: expected exactly 32 bytes, got 3" \
  env FLOWMODELS_KEY=abc "$FM" anonymize -i csv_flow "$T/a.csv"
expect_fail "bad hex" "non-hex character" "$FM" anonymize -i csv_flow --key "${HEX%?}z" "$T/a.csv"
{ rec 1 1000 0 1001 0 1 2 1; rec 1 1000 0 1001 0 1 2 4294967296; } > "$T/big.csv"
expect_fail "not IPv4" "record 2: field 'sa3': value 4294967296 is not an address word" \
  "$FM" anonymize -i csv_flow --key "$KEY" -O "$T/big.out" "$T/big.csv"
[ ! -e "$T/big.out" ] && ok || bad "anonymize left a partial output"
"$FM" anonymize --help | grep -q "visible" && ok || bad "--help does not warn about ps"

[ -z "$(ls -A "$T" | grep tmp)" ] && ok || bad "temporary files left: $(ls -A "$T")"
finish
