#!/usr/bin/env bash
# Durability (issue 17, item 6): every output is fsync'ed before it is
# renamed into place and its directory after the rename, unless the
# one-shot tool gets --no-sync or the session says `set sync off`.
# Watched with strace: the system calls, in order, of each run.
source "$(dirname "$0")/lib.bash"
command -v strace > /dev/null || { echo "SKIP: no strace"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
strace -f -o /dev/null true 2> /dev/null || { echo "SKIP: ptrace not permitted"; exit 77; }
# LeakSanitizer cannot run under ptrace
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# traced LOG CMD...: run CMD under strace (calls that matter here)
traced() {
  local log=$1; shift
  strace -f -qq -e trace=openat,open,fsync,fdatasync,rename,renameat,renameat2,close \
    -o "$log" "$@" > /dev/null
}
# syncs LOG: how many fsync/fdatasync calls
syncs() { grep -cE '(fsync|fdatasync)\(' "$1" || true; }
# ordered LOG FINAL: FINAL (absolute) was renamed into place from a file
# that was fsync'ed before, and FINAL's directory was fsync'ed after
ordered() {
  python3 - "$1" "$2" << 'EOF'
import os, re, sys
log, final = sys.argv[1], sys.argv[2]
fds, synced, state = {}, set(), "before"
for line in open(log):
    m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]*)".*\)\s+=\s+(\d+)$', line)
    if m:
        fds[m.group(2)] = os.path.normpath(m.group(1)); continue
    m = re.search(r'(?:fsync|fdatasync)\((\d+)\)\s+=\s+0', line)
    if m and m.group(1) in fds:
        p = fds[m.group(1)]
        synced.add(p)
        if state == "renamed" and p == os.path.dirname(final):
            state = "done"
        continue
    m = re.search(r'rename(?:at2?)?\((?:AT_FDCWD, )?"([^"]*)", (?:AT_FDCWD, )?"([^"]*)"', line)
    if m and os.path.normpath(m.group(2)) == final and state == "before":
        if os.path.normpath(m.group(1)) not in synced:
            sys.exit(f"{final}: renamed from {m.group(1)} before it was fsync'ed")
        state = "renamed"
if state == "before":
    sys.exit(final + ": never renamed into place")
if state != "done":
    sys.exit(final + ": its directory was not fsynced after the rename")
EOF
}

gen() { # N: csv_flow records
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
    printf "2, 6, 0, 0, 0, 0, 0, %d, 0, 0, 0, %d, %d, 443, %d, %d, %d, 0, %d, %d, 1\n",
      167772161 + i % 7, 3232235521 + i % 13, 1024 + i, 1433962800 + int(i / 3), i % 1000,
      1433962800 + int(i / 3) + i % 5, 1 + i % 40, 60 * (1 + i % 40) }'
}
gen 600 > "$T/f.csv"

# a file output: data, rename, directory; none of it with --no-sync
traced "$T/s1" "$FM" convert -q -i csv_flow -o csv_flow -O "$T/out/c.csv" "$T/f.csv"
msg=$(ordered "$T/s1" "$T/out/c.csv") && ok || bad "convert -O FILE: $msg"
traced "$T/s2" "$FM" convert -q --no-sync -i csv_flow -o csv_flow -O "$T/out/d.csv" "$T/f.csv"
expect_eq "convert --no-sync: fsync calls" "$(syncs "$T/s2")" 0
cmp -s "$T/out/c.csv" "$T/out/d.csv" && ok || bad "--no-sync changed the output"
traced "$T/s3" "$FM" hist -q -i csv_flow -O "$T/out/h.csv" "$T/f.csv"
msg=$(ordered "$T/s3" "$T/out/h.csv") && ok || bad "hist -O FILE: $msg"

# a new binary directory: every field file synced, the directory renamed
# into place and its parent synced
traced "$T/s4" "$FM" convert -q -i csv_flow -o binary -O "$T/out/bin" "$T/f.csv"
nfiles=$(ls "$T/out/bin" | wc -l)
[ "$(syncs "$T/s4")" -ge $((nfiles + 2)) ] && ok || bad "binary: $(syncs "$T/s4") fsync calls for $nfiles files"
msg=$(ordered "$T/s4" "$T/out/bin") && ok || bad "binary directory: $msg"
traced "$T/s5" "$FM" convert -q --no-sync -i csv_flow -o binary -O "$T/out/bin2" "$T/f.csv"
expect_eq "binary --no-sync: fsync calls" "$(syncs "$T/s5")" 0
# ... into an existing directory: the field files, then the directory
traced "$T/s6" "$FM" convert -q -i csv_flow -o binary -O "$T/out/bin" "$T/f.csv"
[ "$(syncs "$T/s6")" -ge $((nfiles + 1)) ] && ok || bad "existing binary dir: $(syncs "$T/s6") fsync calls"

# sort in place and series
traced "$T/s7" "$FM" sort -q -k octets -O "$T/out/bin" "$T/out/bin"
# (the sorted directory is built beside and exchanged with the old one)
msg=$(ordered "$T/s7" "$(cd "$T/out/bin" && pwd -P)") && ok || bad "sort in place: $msg"
traced "$T/s8" "$FM" sort -q --no-sync -k sa0 -O "$T/out/bin" "$T/out/bin"
expect_eq "sort --no-sync: fsync calls" "$(syncs "$T/s8")" 0
traced "$T/s9" "$FM" series -q -i csv_flow -O "$T/out/ser" "$T/f.csv"
day=$(ls "$T/out/ser" | head -1)
msg=$(ordered "$T/s9" "$T/out/ser/$day") && ok || bad "series: $msg"
traced "$T/s10" "$FM" series -q --no-sync -i csv_flow -O "$T/out/ser2" "$T/f.csv"
expect_eq "series --no-sync: fsync calls" "$(syncs "$T/s10")" 0

# sessions: save is synced; `set sync off` turns it all off; --no-sync
# is the one-shot tools' option
mkdir -p "$T/sess"
cp "$T/f.csv" "$T/sess/f.csv"
printf 'load f.csv -i csv_flow as d\nconvert d -o csv_flow -O a.csv\nsave copy.fms\n' > "$T/sess/on.fms"
traced "$T/s11" "$FM" --replay "$T/sess/on.fms"
msg=$(ordered "$T/s11" "$T/sess/a.csv") && ok || bad "replayed convert: $msg"
msg=$(ordered "$T/s11" "$T/sess/copy.fms") && ok || bad "save: $msg"
printf 'set sync off\nload f.csv -i csv_flow as d\nconvert d -o csv_flow -O b.csv\nsave copy2.fms\n' > "$T/sess/off.fms"
traced "$T/s12" "$FM" --replay "$T/sess/off.fms"
expect_eq "set sync off: fsync calls" "$(syncs "$T/s12")" 0
[ -s "$T/sess/b.csv" ] && [ -s "$T/sess/copy2.fms" ] && ok || bad "set sync off: outputs missing"
grep -qx 'set sync off' "$T/sess/copy2.fms" && ok || bad "save lacks 'set sync off': $(cat "$T/sess/copy2.fms")"
printf 'load f.csv -i csv_flow as d\nconvert d --no-sync -o csv_flow -O c.csv\n' > "$T/sess/bad.fms"
expect_fail "--no-sync in a session" "bad.fms:2: convert: --no-sync is for the one-shot command.*set sync off" \
  "$FM" --replay "$T/sess/bad.fms"
printf 'set sync maybe\n' > "$T/sess/val.fms"
expect_fail "set sync maybe" "sync: bad value 'maybe' (choices: on|off)" "$FM" --replay "$T/sess/val.fms"
finish
