#!/usr/bin/env bash
# A core dump of an aborted anonymize holds no key (issue 17, item 9):
# with cores enabled, a control run (convert) that is aborted leaves a
# core holding its command line; anonymize, aborted the same way while
# it holds the key (given by --key or by FLOWMODELS_KEY), leaves none
# that holds the key.  Skips when cores go to a pipe or elsewhere.
source "$(dirname "$0")/lib.bash"

pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo "|")
case $pattern in
'|'* | */*) echo "SKIP: core_pattern '$pattern' does not write into the working directory"; exit 77 ;;
esac
ulimit -c unlimited 2>/dev/null || { echo "SKIP: cannot raise ulimit -c"; exit 77; }
# ASan turns cores off by default; its shadow memory is kept out of them
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0:handle_abort=0"
unset FLOWMODELS_KEY

KEY=Core-dump-key-ZZqX7-0123456789ab   # 32 bytes
MARK=control-marker-ZZqX7
mkfifo "$T/in.csv"

# aborted DIR CMD...: run CMD in DIR reading the FIFO, SIGABRT it once it
# has opened its input (the key is loaded before), wait for it.
aborted() {
  local d=$1 pid writer fd i
  shift
  mkdir -p "$d"
  (cd "$d" && exec "$@" 2>/dev/null) &
  pid=$!
  sleep 30 > "$T/in.csv" &   # a writer that sends nothing: reads block
  writer=$!
  for i in $(seq 1 500); do
    for fd in /proc/$pid/fd/*; do
      [ "$(readlink "$fd" 2>/dev/null)" == "$T/in.csv" ] && break 2
    done
    sleep 0.02
  done
  kill -ABRT "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null || true
}
# cores DIR: the files the crash left there
cores() { find "$1" -type f ! -name '*.csv' ! -name '.*'; }

aborted "$T/ctl" "$FM" convert -i csv_flow -O "$MARK.csv" "$T/in.csv"
ctl=$(cores "$T/ctl")
if [ -z "$ctl" ] || ! grep -qa "$MARK" $ctl; then
  echo "SKIP: an aborted process leaves no core here (pattern '$pattern')"
  exit 77
fi
ok

aborted "$T/arg" "$FM" anonymize -i csv_flow --key "$KEY" -O out.csv "$T/in.csv"
for c in $(cores "$T/arg"); do
  grep -qa "$KEY" "$c" && bad "core $c of anonymize --key holds the key"
done
ok
FLOWMODELS_KEY=$KEY aborted "$T/env" "$FM" anonymize -i csv_flow -O out.csv "$T/in.csv"
for c in $(cores "$T/env"); do
  grep -qa "$KEY" "$c" && bad "core $c of anonymize with FLOWMODELS_KEY holds the key"
done
ok
finish
