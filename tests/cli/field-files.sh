#!/usr/bin/env bash
# Field files are read strictly (issue 17, item 10): a file under a
# field's name that exists but cannot be read as one (dangling symlink,
# symlink loop, FIFO, directory) is an error naming it; only an absent
# field reads as zeros, with one warning.
source "$(dirname "$0")/lib.bash"
rec() { echo "2,6,0,0,0,0,0,$1,0,0,0,2,1,2,1433966400,0,1433966401,0,3,300,1"; }
for i in 1 2 3; do rec $i; done > "$T/in.csv"
"$FM" convert -q -i csv_flow -o binary -O "$T/d" "$T/in.csv"

# absent: zeros and a warning
rm "$T/d/sp.H"
"$FM" convert -i binary -O "$T/o.csv" "$T/d" 2> "$T/err" || bad "absent field refused: $(cat "$T/err")"
grep -q "no file for field 'sp': it reads as 0" "$T/err" || bad "absent field: no warning: $(cat "$T/err")"
ok
# present but unreadable: errors naming the file
try() {
  expect_fail "$1" "$2" timeout 20 "$FM" convert -q -i binary -O "$T/o.csv" "$T/d"
  rm -rf "$T/d/sp.H"
}
ln -s nowhere "$T/d/sp.H";  try "dangling symlink" "d/sp.H: field file cannot be read: No such file or directory"
ln -s sp.H "$T/d/sp.H";     try "symlink loop" "d/sp.H: field file cannot be read: Too many levels of symbolic links"
mkfifo "$T/d/sp.H";         try "FIFO" "d/sp.H: field file is a FIFO, not a regular file"
mkdir "$T/d/sp.H";          try "directory" "d/sp.H: field file is a directory, not a regular file"
finish
