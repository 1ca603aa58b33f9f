#!/usr/bin/env bash
# convert and cut from the command line: round trips, stdin, directory
# order, cutting, bad input (one-line errors, no partial output), --help.
source "$(dirname "$0")/lib.bash"

rec() { echo "2, 6, 0, 0, 0, 0, 0, $1, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, $2, $3, 1"; }
for i in $(seq 1 50); do rec $i $((i % 7 + 1)) $((i * 100)); done > "$T/a.csv"

# csv -> binary -> csv is the identity
"$FM" convert -q -i csv_flow -o binary -O "$T/a.bin" "$T/a.csv"
"$FM" convert -q -i binary "$T/a.bin" > "$T/b.csv"
expect_eq "csv->binary->csv" "$(cmp "$T/a.csv" "$T/b.csv" && echo same)" same
expect_eq "binary files" "$(ls "$T/a.bin" | wc -l)" 21

# stdin and the summary line
out=$("$FM" convert -i csv_flow - < "$T/a.csv" 2>"$T/err" | wc -l)
expect_eq "stdin records" "$out" 50
grep -q "^convert: 50 records read, 50 written in" "$T/err" && ok || bad "summary line: $(cat "$T/err")"

# directory input: files below it, sorted component by component
mkdir -p "$T/d/a" "$T/d/a-b"
rec 1 1 1 > "$T/d/a-b/x"; rec 2 1 1 > "$T/d/a/x"; rec 3 1 1 > "$T/d/a/w"
got=$("$FM" convert -q -i csv_flow "$T/d" | cut -d, -f8 | tr -d ' ' | tr '\n' ' ')
expect_eq "directory order" "$got" "3 2 1 "

# cutting across two inputs
got=$("$FM" convert -q -i csv_flow --skip-in 45 --count-in 10 --skip-out 2 --count-out 4 "$T/a.csv" "$T/a.csv" | cut -d, -f8 | tr -d ' ' | tr '\n' ' ')
expect_eq "cutting" "$got" "48 49 50 1 "

# cut: byte ranges, same records as convert
"$FM" cut -q --skip-in 5 --count-in 10 -O "$T/c.bin" "$T/a.bin"
expect_eq "cut" "$("$FM" convert -q -i binary "$T/c.bin" | md5sum)" \
  "$("$FM" convert -q -i csv_flow --skip-in 5 --count-in 10 "$T/a.csv" | md5sum)"
# a new output directory named with a trailing slash, as convert and sort take it
"$FM" cut -q --skip-in 5 --count-in 10 -O "$T/c2.bin/" "$T/a.bin"
expect_eq "cut -O DIR/" "$(cmp -s <(cat "$T/c.bin"/*) <(cat "$T/c2.bin"/*) && echo same)" same
"$FM" cut -q --count-out 3 -O "$T/p.Q" "$T/a.bin/packets.Q"
expect_eq "cut one array" "$(stat -c %s "$T/p.Q")" 24

# an output that is a pipe or device is written directly, never replaced
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/from-fifo" &
"$FM" convert -q -i csv_flow -O "$T/fifo" "$T/a.csv"
wait
[ -p "$T/fifo" ] && ok || bad "convert -O FIFO replaced the FIFO"
expect_eq "convert -O FIFO" "$(md5sum < "$T/from-fifo")" "$(md5sum < "$T/a.csv")"

# a failed write (the formatting thread's or the caller's) is one error line
if [ -w /dev/full ]; then
  expect_fail "csv to a full device" "/dev/full: write: No space left on device" \
    "$FM" convert -q -i csv_flow -O /dev/full "$T/a.csv"
  for i in $(seq 800); do cat "$T/a.csv"; done > "$T/big.csv"
  expect_fail "large csv to a full device" "/dev/full: write: No space left on device" \
    "$FM" convert -q -i csv_flow -O /dev/full "$T/big.csv"
fi
# ... and so is a file growing past the size limit, leaving no output
for fmt in binary csv_flow; do
  expect_fail "$fmt past the file size limit" "lim.$fmt.*: write: File too large" \
    bash -c 'trap "" XFSZ; ulimit -f 100; exec "$@"' - \
    "$FM" convert -q -i csv_flow -o $fmt -O "$T/lim.$fmt" "$T/big.csv"
  [ ! -e "$T/lim.$fmt" ] && ok || bad "$fmt: partial output left"
done
[ -z "$(ls -A "$T" | grep '^\.')" ] && ok || bad "temporary files left: $(ls -A "$T")"

# bad input: one line naming file:line and field, non-zero, no output
{ head -20 "$T/a.csv"; echo "2, 6, 0"; } > "$T/bad.csv"
expect_fail "short line" "bad.csv:21: expected 21 fields, got 3" \
  "$FM" convert -i csv_flow -o binary -O "$T/out.bin" "$T/bad.csv"
[ ! -e "$T/out.bin" ] && ok || bad "partial binary output left"
expect_fail "short line csv out" "bad.csv:21" "$FM" convert -i csv_flow -O "$T/out.csv" "$T/bad.csv"
[ ! -e "$T/out.csv" ] && ok || bad "partial csv output left"
[ -z "$(ls -a "$T" | grep tmp)" ] && ok || bad "temporary files left: $(ls -a "$T")"
{ rec 1 1 1; rec 2 1 1 | sed 's/, 1$/, -1/'; } > "$T/neg.csv"
expect_fail "negative" "neg.csv:2: field 21 'aggs': negative value" "$FM" convert -i csv_flow "$T/neg.csv"
expect_fail "missing input" "nothere: No such file or directory" "$FM" convert -i csv_flow "$T/nothere"
expect_fail "unknown format" "unknown format 'cvs'" "$FM" convert -i cvs "$T/a.csv"
expect_fail "unknown option" "unknown option '--bogus'" "$FM" convert --bogus "$T/a.csv"
expect_fail "missing value" "option --count-in needs a value" "$FM" convert -i csv_flow "$T/a.csv" --count-in
expect_fail "bad number" "option --count-in: expected an integer, got 'x'" "$FM" convert --count-in x "$T/a.csv"
expect_fail "number with trailing text" "option --count-in: expected an integer, got '12x'" \
  "$FM" convert --count-in 12x "$T/a.csv"
expect_fail "binary to stdout" "binary output needs a directory" "$FM" convert -i csv_flow -o binary "$T/a.csv"
truncate -s 399 "$T/a.bin/octets.Q"
expect_fail "truncated array" "octets.Q: size 399 is not a multiple of 8" "$FM" convert -i binary "$T/a.bin"
expect_fail "cut truncated array" "octets.Q: size 399 is not a multiple of 8" "$FM" cut -O "$T/x.bin" "$T/a.bin"
expect_fail "unknown command" "unknown command: frobnicate" "$FM" frobnicate

# every command has a complete --help
for c in $("$FM" --help | awk '/^commands:/{f=1;next} f&&/^  [a-z]/{print $1}'); do
  h=$("$FM" "$c" --help)
  grep -q "^usage: flowmodels $c" <<<"$h" && grep -q -- "--help" <<<"$h" && ok || bad "$c --help incomplete"
done
finish
