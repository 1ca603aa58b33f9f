#!/usr/bin/env bash
# Outputs keep the user's permissions (issue 17, items 4 and 7): new
# files 0666 & ~umask, new directories 0777 & ~umask, a replaced file
# keeps its mode; -O naming a symlink writes the file it points to; -O
# naming an existing directory for a file output fails before any work.
source "$(dirname "$0")/lib.bash"
rec() { echo "2,6,0,0,0,0,0,$1,0,0,0,2,1,2,1433966400,0,1433966401,0,3,300,1"; }
for i in 1 2 3; do rec $i; done > "$T/in.csv"
mode() { stat -c %a "$1"; }

(umask 077 && "$FM" convert -q -i csv_flow -O "$T/a.csv" "$T/in.csv")
expect_eq "csv under umask 077" "$(mode "$T/a.csv")" 600
(umask 022 && "$FM" convert -q -i csv_flow -O "$T/b.csv" "$T/in.csv")
expect_eq "csv under umask 022" "$(mode "$T/b.csv")" 644
(umask 077 && "$FM" convert -q -i csv_flow -o binary -O "$T/d.bin" "$T/in.csv")
expect_eq "binary directory under umask 077" "$(mode "$T/d.bin")" 700
expect_eq "field file under umask 077" "$(mode "$T/d.bin/packets.Q")" 600
(umask 077 && "$FM" hist -q -i csv_flow -x length -O "$T/h.csv" "$T/in.csv")
expect_eq "csv_hist under umask 077" "$(mode "$T/h.csv")" 600
(umask 077 && "$FM" convert -q -i csv_flow -O "$T/new/dirs/c.csv" "$T/in.csv")
expect_eq "a made parent directory under umask 077" "$(mode "$T/new/dirs")" 700
# a replaced 0600 file stays 0600, a 0640 one 0640
echo old > "$T/keep.csv"; chmod 600 "$T/keep.csv"
(umask 022 && "$FM" convert -q -i csv_flow -O "$T/keep.csv" "$T/in.csv")
expect_eq "replaced 0600 file" "$(mode "$T/keep.csv")" 600
expect_eq "replaced file's content" "$(wc -l < "$T/keep.csv")" 3
chmod 640 "$T/keep.csv"
(umask 077 && "$FM" hist -q -i csv_flow -x length -O "$T/keep.csv" "$T/in.csv")
expect_eq "replaced 0640 file" "$(mode "$T/keep.csv")" 640

# -O through a symlink writes its target, the link stays
echo old > "$T/real.csv"
ln -s real.csv "$T/link.csv"
"$FM" convert -q -i csv_flow -O "$T/link.csv" "$T/in.csv"
[ -L "$T/link.csv" ] || bad "the symlink was replaced"
expect_eq "symlink target written" "$(wc -l < "$T/real.csv")" 3
ln -s made.csv "$T/dangling.csv"
"$FM" convert -q -i csv_flow -O "$T/dangling.csv" "$T/in.csv"
[ -L "$T/dangling.csv" ] || bad "the dangling symlink was replaced"
expect_eq "dangling symlink's target made" "$(wc -l < "$T/made.csv" 2>/dev/null)" 3

# -O an existing directory for a file output: fails at once
mkdir "$T/adir"
mkfifo "$T/never.csv"   # an input that would block: no work may start
expect_fail "csv into a directory" "adir: is a directory; name a file to write" \
  timeout 20 "$FM" convert -q -i csv_flow -O "$T/adir" "$T/never.csv"
expect_fail "csv_hist into a directory" "adir: is a directory" \
  timeout 20 "$FM" hist -q -i csv_flow -x length -O "$T/adir" "$T/in.csv"
expect_eq "directory left alone" "$(ls -A "$T/adir")" ""
finish
