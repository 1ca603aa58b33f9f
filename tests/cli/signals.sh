#!/usr/bin/env bash
# Signals and work in flight (issue 17, items 12 and 5): a mapped binary
# input that shrinks while a tool reads it gives one message naming the
# file and exit status 1 (not a SIGBUS death, status 135), and SIGINT or
# SIGTERM of a one-shot tool remove its temporary output; in both cases
# the output is left as it was.  3. The runs of an external sort
# (issue 24) are temporaries too.
source "$(dirname "$0")/lib.bash"

# a sparse 512 MiB octets.Q: 64 Mi records, the other fields absent
D=$T/big
mkdir -p "$D"
truncate -s 512M "$D/octets.Q"
echo "before" > "$T/out.csv"

# running CMD...: start it in the background, wait until it has mapped
# (or opened) $D/octets.Q; sets PID
running() {
  "$@" 2> "$T/err" &
  PID=$!
  for i in $(seq 1 1000); do
    grep -q "$D/octets.Q" /proc/$PID/maps 2>/dev/null && return 0
    kill -0 $PID 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}
leftovers() { find "$T" -name '*.tmp.*' | head -3; }

# 1. the input shrinks while being read
running "$FM" convert -q -i binary -O "$T/out.csv" "$D" || bad "convert did not start reading"
truncate -s 4096 "$D/octets.Q"
st=0; wait $PID || st=$?
expect_eq "status after the input shrank" "$st" 1
grep -q "flowmodels: $D/octets.Q: the input changed while being read" "$T/err" ||
  bad "no message naming the file: $(cat "$T/err")"
# several threads may fault at once: still one whole line, said once
expect_eq "messages after SIGBUS" "$(grep -c 'the input changed' "$T/err")" 1
expect_eq "output after SIGBUS" "$(cat "$T/out.csv")" "before"
expect_eq "temporaries after SIGBUS" "$(leftovers)" ""

# 2. SIGINT and SIGTERM remove the temporary output
for sig in INT TERM; do
  truncate -s 512M "$D/octets.Q"
  # (a background job starts with SIGINT ignored: give it the default)
  running env --default-signal=INT,TERM "$FM" convert -q -i binary -O "$T/out.csv" "$D" ||
    bad "convert did not start ($sig)"
  for i in $(seq 1 500); do [ -n "$(leftovers)" ] && break; sleep 0.01; done
  [ -n "$(leftovers)" ] || bad "no temporary output seen ($sig)"
  kill -$sig $PID
  st=0; wait $PID || st=$?
  [ "$st" -gt 128 ] || bad "status after SIG$sig: $st"
  expect_eq "output after SIG$sig" "$(cat "$T/out.csv")" "before"
  expect_eq "temporaries after SIG$sig" "$(leftovers)" ""
done

# 3. sort past its memory budget: SIGTERM removes its runs
S=$T/unsorted
mkdir -p "$S" "$T/sorted"
head -c 32M /dev/urandom > "$S/octets.Q"
echo "before" > "$T/sorted/notes"
env --default-signal=INT,TERM "$FM" sort -q --memory 1M -k octets \
  -O "$T/sorted" "$S" 2> "$T/err" &
PID=$!
for i in $(seq 1 2000); do [ -n "$(leftovers)" ] && break; sleep 0.005; done
[ -n "$(leftovers)" ] || bad "no runs file seen"
kill -TERM $PID
st=0; wait $PID || st=$?
[ "$st" -gt 128 ] || bad "sort's status after SIGTERM: $st"
expect_eq "sort's temporaries after SIGTERM" "$(leftovers)" ""
expect_eq "sort's output directory after SIGTERM" "$(ls "$T/sorted")" "notes"
finish
