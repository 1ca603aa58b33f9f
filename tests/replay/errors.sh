# errors.sh - `flowmodels --replay` stops at the first error with
# FILE:LINE: message and exit status 1; what ran before stays done, the
# failing command leaves nothing (no output, no scratch data); one-shot
# use of session commands is refused.
. "$(dirname "$0")/lib.bash"
cd "$T"
gen_csv 200 3 > flows.csv

# expect_error LINE MESSAGE: a file "load flows.csv as a" + LINE + "list"
expect_error() {
	printf 'load flows.csv as a\nexport a -o csv_flow -O before.csv\n%s\nexport a -o csv_flow -O after.csv\n' "$1" > e.fms
	rm -f before.csv after.csv
	if "$FLOWMODELS" --replay e.fms > out.txt 2> err.txt; then
		fail "'$1' should fail"
	fi
	[ "$(tail -n 1 err.txt)" = "e.fms:3: $2" ] || fail "'$1': got '$(tail -n 1 err.txt)', want 'e.fms:3: $2'"
	cmp -s flows.csv before.csv || fail "'$1': the line before did not run"
	[ ! -e after.csv ] || fail "'$1': the line after ran"
	grep -qx "> $1" out.txt || fail "'$1' not echoed"
	[ -z "$(ls "$TMPDIR")" ] || fail "'$1': scratch left"
}

expect_error 'drop nosuch' "drop: unknown object 'nosuch' (objects: a)"
expect_error 'export nosuch -O x.csv' "export: unknown object 'nosuch' (objects: a)"
expect_error 'convert a -Q' "convert: unknown option '-Q' (see 'convert --help')"
expect_error 'load flows.csv --count-in ten' "load: option --count-in: expected an integer, got 'ten'"
expect_error 'load missing.csv' "load: $T/missing.csv: No such file or directory"
expect_error 'load missing.bin -i binary' "load: $T/missing.bin: not a binary directory"
expect_error 'convert a -i pipe -O x.csv' "convert: session datasets are binary directories; leave out -i pipe"
expect_error 'frobnicate a' "unknown command: frobnicate ('help' lists the commands)"
expect_error 'his a' "ambiguous: hist, hist-merge, history"
expect_error 'hsit a' "unknown command: hsit (did you mean hist?)"
expect_error 'load "flows.csv' "unterminated quote at column 6"
expect_error 'rename a 2b' "rename: bad object name '2b' (a letter or _, then letters, digits, _ . -; at most 63)"
expect_error 'list as x' "list: made no object to call 'x'"
expect_error 'set charset lcd' "set: charset: bad value 'lcd' (choices: braille|block|ascii)"
expect_error 'export a -o nfcapd -O x' "export: a cannot be written as 'nfcapd' (formats: binary|csv_flow)"
expect_error 'replay nosuch.fms' "replay: $T/nosuch.fms: No such file or directory"
# a bad filter: reported whatever the filter compiler says, nothing made
printf 'load flows.csv as a\nfilter a "prot ==" as v\n' > f.fms
"$FLOWMODELS" --replay f.fms > out.txt 2> err.txt && fail "bad filter accepted"
grep -q '^f.fms:2: filter: ' err.txt || fail "bad filter message: $(cat err.txt)"
# malformed input data: the csv line is named
printf '2, 6, 0\n' > bad.csv
expect_error 'load bad.csv' "load: $T/bad.csv:1: $(printf 'load bad.csv\n' > b.fms; "$FLOWMODELS" --replay b.fms 2>&1 >/dev/null | sed 's/^b.fms:1: load: [^:]*:1: //')"
# nested files: the inner FILE:LINE inside the outer one
printf 'list\ndrop nosuch\n' > inner.fms
printf 'load flows.csv as a\nreplay inner.fms\n' > outer.fms
"$FLOWMODELS" --replay outer.fms > out.txt 2> err.txt && fail "nested error ignored"
[ "$(cat err.txt)" = "outer.fms:2: replay: $T/inner.fms:2: drop: unknown object 'nosuch' (objects: a)" ] || fail "nested: $(cat err.txt)"
# a session from standard input: paths relative to the working directory
printf 'load flows.csv as s\ndrop t\n' | "$FLOWMODELS" --replay - > out.txt 2> err.txt && fail "stdin error ignored"
grep -qx 's: dataset, 200 records, .*' out.txt || fail "stdin session: $(cat out.txt)"
[ "$(cat err.txt)" = "-:2: drop: unknown object 't' (objects: s)" ] || fail "stdin: $(cat err.txt)"
# missing session file, usage
"$FLOWMODELS" --replay nosuch.fms 2> err.txt && fail "missing file"
[ "$(cat err.txt)" = "nosuch.fms: No such file or directory" ] || fail "missing file: $(cat err.txt)"
"$FLOWMODELS" --replay 2> err.txt; [ $? -eq 2 ] || fail "usage status"
# session commands are refused one-shot, help works
"$FLOWMODELS" load flows.csv 2> err.txt; [ $? -eq 2 ] || fail "one-shot load"
grep -q "works inside a session" err.txt || fail "one-shot message"
"$FLOWMODELS" help replay | grep -q '^usage: flowmodels replay \[--allow-outside\] FILE' || fail "help replay"
"$FLOWMODELS" --help | grep -q -- '--replay \[--allow-outside\] FILE' || fail "--help lacks --replay"
echo ok
