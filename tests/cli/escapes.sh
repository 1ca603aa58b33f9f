#!/usr/bin/env bash
# Text from input is shown with control bytes escaped in every message
# (issue 17, item 3): csv fields, csv_hist fields and header names,
# session lines (and their echo), file names; a NUL shows as \x00 and
# never cuts the message.
source "$(dirname "$0")/lib.bash"
ESC=$'\033'
REC=2,6,0,0,0,0,0,167772161,0,0,0,167772162,1,2,1433966400,0,1433966401,0,3,300,1
# no_raw WHAT FILE: FILE holds no raw control byte but newlines
no_raw() {
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$2" || [ "$(tr -d '\n' < "$2" | tr -d -c '\0' | wc -c)" -ne 0 ]; then
    bad "$1: raw control bytes: $(od -c "$2" | head -5)"
  else ok; fi
}
# msg_has WHAT FILE TEXT
msg_has() { if grep -qF -- "$3" "$2"; then ok; else bad "$1: lacks '$3': $(cat -v "$2")"; fi; }

# a csv_flow field with an escape sequence, and one with a NUL inside
printf '%s\n2,6,0,0,0,0,0,1%s[31mX,0,0,0,1,1,2,1,0,1,0,3,300,1\n' "$REC" "$ESC" > "$T/esc.csv"
"$FM" convert -i csv_flow -O "$T/o.csv" "$T/esc.csv" 2> "$T/err" && bad "bad field accepted"
no_raw "csv field" "$T/err"
msg_has "csv field" "$T/err" "esc.csv:2: field 8 'sa3': not a number: '1\x1b[31mX'"
printf '2,6,0,0,0,0,0,12\0003tail,0,0,0,1,1,2,1,0,1,0,3,300,1\n' > "$T/nul.csv"
"$FM" convert -i csv_flow -O "$T/o.csv" "$T/nul.csv" 2> "$T/err" && bad "NUL field accepted"
no_raw "csv NUL" "$T/err"
msg_has "csv NUL" "$T/err" "nul.csv:1: field 8 'sa3': not a number: '12\x003tail'"
# pipe
printf '2|1%s]0;title\a|2|6|0|0|0|1|1|0|0|0|2|2|0|0|0|0|0|0|3|300\n' "$ESC" > "$T/esc.pipe"
"$FM" convert -i pipe -O "$T/o.csv" "$T/esc.pipe" 2> "$T/err" && bad "bad pipe field accepted"
no_raw "pipe field" "$T/err"
msg_has "pipe field" "$T/err" "'1\x1b]0;title\x07'"

# csv_hist: a value and a header name
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,x%s[2J_sum\n1,2,1%s[2J,1,60,0\n' "$ESC" "$ESC" > "$T/h.csv"
"$FM" summary -x length "$T/h.csv" > /dev/null 2> "$T/err" && bad "bad csv_hist accepted"
no_raw "csv_hist" "$T/err"
msg_has "csv_hist header" "$T/err" "ignoring unknown column 'x\x1b[2J_sum'"
msg_has "csv_hist value" "$T/err" "h.csv:2: column 'flows_sum': not a number: '1\x1b[2J'"
# a header name holding a NUL is not taken for packets_sum
printf 'bin_lo,flows_sum,packets_sum\000x_sum,octets_sum\n1,1,1,60\n' > "$T/hn.csv"
"$FM" summary -x length "$T/hn.csv" > /dev/null 2> "$T/err" && bad "NUL column name taken for packets_sum"
no_raw "csv_hist NUL name" "$T/err"
msg_has "csv_hist NUL name" "$T/err" "'packets_sum\x00x_sum'"

# a file name with an escape sequence
"$FM" convert -i csv_flow -O "$T/o.csv" "$T/in${ESC}[1mX.csv" 2> "$T/err" && bad "missing file accepted"
no_raw "file name" "$T/err"
msg_has "file name" "$T/err" "in\x1b[1mX.csv"

# session lines: the echo and the error
printf 'list\nbogus%s[2Jcmd x\n' "$ESC" > "$T/s.fms"
"$FM" --replay "$T/s.fms" > "$T/out" 2> "$T/err" && bad "bad session line accepted"
no_raw "session echo" "$T/out"
no_raw "session error" "$T/err"
msg_has "session echo" "$T/out" "> bogus\x1b[2Jcmd x"
msg_has "session error" "$T/err" "s.fms:2: unknown command: bogus\x1b[2Jcmd"
finish
