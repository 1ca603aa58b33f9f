#!/usr/bin/env bash
# One scanner of binary directories (src/lib/bindir.c) behind every tool
# that reads one: a stray FIELD.X with an unknown type code, and two files
# for one field (packets.Q and packets.q), are refused the same way by
# convert, hist, sort and cut, with a one-line error and no output.
# Other names (README, .hidden, unknown fields) are ignored by all.
source "$(dirname "$0")/lib.bash"

rec() { echo "2, 6, 0, 0, 0, 0, 0, 167772161, 0, 0, 0, 3221225985, $1, 443, 1000, 0, 1010, 0, $2, $(($2 * 100)), 1"; }
{ rec 1 3; rec 2 1; rec 3 7; rec 4 2; } > "$T/r.csv"
"$FM" convert -q -i csv_flow -o binary -O "$T/good" "$T/r.csv"

# tool NAME OUT DIR: run tool NAME on DIR writing OUT
tool() {
  case $1 in
    convert) "$FM" convert -q -i binary -o binary -O "$2" "$3" ;;
    hist) "$FM" hist -q -i binary -x length -b 12 -O "$2" "$3" ;;
    sort) "$FM" sort -q -k packets -O "$2" "$3" ;;
    cut) "$FM" cut -q --count-in 3 -O "$2" "$3" ;;
  esac
}

# ignored names: every tool reads the directory as if they were absent
cp -r "$T/good" "$T/extra"
echo hi > "$T/extra/README"
echo hi > "$T/extra/.hidden.Q"
echo hi > "$T/extra/nosuchfield.Q"
for t in convert hist sort cut; do
  if tool $t "$T/out-$t" "$T/extra" 2>"$T/err"; then ok; else bad "$t refuses ignored names: $(cat "$T/err")"; fi
done
expect_eq "cut copies only field arrays" "$(ls "$T/out-cut" | tr '\n' ' ')" "$(ls "$T/good" | tr '\n' ' ')"

# stray packets.x, and packets.Q with packets.q
cp -r "$T/good" "$T/stray"
cp "$T/good/packets.Q" "$T/stray/packets.x"
cp -r "$T/good" "$T/two"
cp "$T/good/packets.Q" "$T/two/packets.q"
for t in convert hist sort cut; do
  expect_fail "$t stray code" "stray/packets.x: unknown type code 'x' for field 'packets'" tool $t "$T/bad-$t" "$T/stray"
  [ -e "$T/bad-$t" ] && bad "$t wrote output for a stray code" || ok
  expect_fail "$t two files" "two files for field 'packets': packets.q and packets.Q" tool $t "$T/bad-$t" "$T/two"
  [ -e "$T/bad-$t" ] && bad "$t wrote output for two files" || ok
done
finish
