#!/usr/bin/env bash
# Bounded input (issue 17, item 14): text lines are capped at 64 KiB
# with FILE:LINE; a session file that is not text (NUL bytes, no
# newline) is an error, not a silent stop with status 0; csv_hist and
# mixture JSON refuse a FIFO (which used to hang) and an absurd size.
source "$(dirname "$0")/lib.bash"
MIX=${FM_SHARED_DATA:-}/agh_2015061019_IPv4_anon/mixtures/all/length
REC=2,6,0,0,0,0,0,167772161,0,0,0,167772162,1,2,1433966400,0,1433966401,0,3,300,1
long=$(head -c 70000 /dev/zero | tr '\0' 'a')

# csv_flow and pipe: a line past 64 KiB names the file and line
printf '%s\n%s\n%s\n' "$REC" "$REC" "$long" > "$T/long.csv"
expect_fail "csv_flow long line" "long.csv:3: line longer than 65536 bytes" \
  "$FM" convert -i csv_flow -O "$T/o.csv" "$T/long.csv"
[ -e "$T/o.csv" ] && bad "a partial output was left"
printf '%s' "$long" > "$T/nonl.csv"        # no newline at all
expect_fail "csv_flow without a newline" "nonl.csv:1: line longer than 65536 bytes" \
  "$FM" convert -i csv_flow -O "$T/o.csv" "$T/nonl.csv"
printf '%s\n' "$long" > "$T/long.pipe"
expect_fail "pipe long line" "long.pipe:1: line longer than 65536 bytes" \
  "$FM" convert -i pipe -O "$T/o.csv" "$T/long.pipe"
# 65536 bytes (and a CR) are still a line
printf '%s\n%s\r\n' "$REC" "$(head -c 65536 /dev/zero | tr '\0' ' ')" > "$T/edge.csv"
out=$("$FM" convert -i csv_flow -O "$T/o.csv" "$T/edge.csv" 2>&1) || true
grep -q "line longer" <<<"$out" && bad "a 65536-byte line refused: $out"
ok

# csv_hist: a long line
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,1,1,60\n%s\n' "$long" > "$T/h.csv"
expect_fail "csv_hist long line" "h.csv:3: line longer than 65536 bytes" \
  "$FM" summary "$T/h.csv"

# session files: NUL bytes, a line without end, a long line
head -c 100000 /dev/zero > "$T/zero.fms"
expect_fail "replay of NUL bytes" "zero.fms:1: a NUL byte" "$FM" --replay "$T/zero.fms"
printf 'list\n%s\n' "$long" > "$T/long.fms"
expect_fail "replay long line" "long.fms:2: line longer than 65536 bytes" \
  "$FM" --replay "$T/long.fms"
head -c 100000 /dev/zero | "$FM" --replay - > /dev/null 2> "$T/err" && bad "replay - of NUL bytes: status 0"
grep -q "^-:1: a NUL byte" "$T/err" || bad "replay - message: $(cat "$T/err")"
ok

# csv_hist and mixture JSON: a FIFO is refused at once, never waited on
mkfifo "$T/fifo.csv"
expect_fail "csv_hist FIFO" "fifo.csv: a FIFO, not a regular file" \
  timeout 20 "$FM" summary "$T/fifo.csv"
expect_fail "csv_hist directory" "a directory, not a regular file" \
  timeout 20 "$FM" summary "$T"
if [ -d "$MIX" ]; then
  mkdir -p "$T/mix"
  cp "$MIX"/flows.json "$MIX"/packets.json "$T/mix/"
  mkfifo "$T/mix/octets.json"
  expect_fail "mixture FIFO" "octets.json: a FIFO, not a regular file" \
    timeout 20 "$FM" generate -s 10 -O "$T/g.csv" "$T/mix"
  # an absurd size: refused from its size, not read
  rm "$T/mix/octets.json"
  truncate -s 17M "$T/mix/octets.json"
  expect_fail "mixture size" "octets.json: 17825792 bytes, above the limit of 16 MiB" \
    "$FM" generate -s 10 -O "$T/g.csv" "$T/mix"
fi
# standard input stays readable
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,1,1,60\n' |
  "$FM" summary -x length - > /dev/null || bad "csv_hist from standard input"
ok
finish
