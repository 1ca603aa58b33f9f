#!/usr/bin/env bash
# Directory expansion (issue 17, items 11 and 5): a symlink back up the
# tree (self -> ., up -> ..) or a second link to a file neither loops nor
# reads records twice; the tools' own temporary names (.NAME.tmp.XXXXXX,
# NAME.tmp.XXXXXX/) are never read as input, and one left over by an
# interrupted run is reported.
source "$(dirname "$0")/lib.bash"
rec() { echo "2,6,0,0,0,0,0,$1,0,0,0,2,1,2,1433966400,0,1433966401,0,3,300,1"; }
count() { "$FM" convert -q -i csv_flow -O - "$@" 2> "$T/err" | wc -l; }

D=$T/caps
mkdir -p "$D/sub/deeper"
rec 1 > "$D/a.csv"
rec 2 > "$D/sub/b.csv"
rec 3 > "$D/sub/deeper/c.csv"
ln -s . "$D/self"
ln -s .. "$D/sub/up"
ln -s ../.. "$D/sub/deeper/top"
ln -s a.csv "$D/again.csv"
ln -s nowhere.csv "$D/dangling.csv"
n=$(timeout 30 bash -c "$(declare -f count); FM='$FM' T='$T' count '$D'") || bad "expansion did not end"
expect_eq "records through symlink loops" "$n" 3
for w in "self: skipped: a link to a directory already read" \
         "up: skipped: a link to a directory already read" \
         "again.csv: skipped: a link to a file already read" \
         "dangling.csv: skipped: No such file or directory"; do
  grep -qF "$w" "$T/err" || bad "warning '$w' missing: $(cat "$T/err")"
done
ok

# the tools' temporary outputs: a partial csv and a binary directory
E=$T/tmps
mkdir -p "$E/out.tmp.Ab12Cd"
rec 4 > "$E/a.csv"
for i in 5 6 7; do rec $i; done > "$E/.big.csv.tmp.Q1w2E3"
rec 8 > "$E/out.tmp.Ab12Cd/part.csv"
rec 9 > "$E/old.csv.tmpZ9y8X7"
touch -d '1 hour ago' "$E/.big.csv.tmp.Q1w2E3" "$E/out.tmp.Ab12Cd" "$E/old.csv.tmpZ9y8X7"
n=$(count "$E")
expect_eq "records beside temporary outputs" "$n" 1
for f in ".big.csv.tmp.Q1w2E3" "out.tmp.Ab12Cd" "old.csv.tmpZ9y8X7"; do
  grep -qF "$f: skipped: a temporary output left over by an interrupted run" "$T/err" ||
    bad "no leftover warning for $f: $(cat "$T/err")"
done
# names that only look alike are read
rec 10 > "$E/x.tmp.csv"; rec 11 > "$E/tmp.ABCDEF"
n=$(count "$E")
expect_eq "look-alike names read" "$n" 3
finish
