#!/usr/bin/env bash
# tests/mutation/run.sh - mutation testing: does the suite catch planted bugs?
#
# Each mutant of tests/mutation/mutants.txt names a source file, a text that
# occurs exactly once in it, the replacement (the planted bug) and the tests
# most likely to notice.  For every mutant this script
#   1. checks the text still occurs exactly once: if not, the mutant is
#      "stale" (the code moved or changed; fix the list), never "killed";
#   2. writes the mutated file and rebuilds incrementally, in its own build
#      directory (default build-mut, -Werror off: a mutant may warn), only
#      the targets those tests need; a mutant that does not compile is
#      reported as such and left out of the rate;
#   3. runs the named tests; if they all pass, builds everything and runs
#      the whole suite (no fuzz tier);
#   4. restores the file (also on Ctrl-C or an error) and goes on.
# A mutant no test kills is "survived", unless the list records why it is
# equivalent (behaves exactly like the original): then "equivalent".  The
# kill rate is killed / (killed + survived).  At the end a markdown table
# (also written to BUILD/mutation-report.md) and the kill rate.
#
#   tests/mutation/run.sh [-b BUILD] [-l LIST] [-t SECONDS] [-c] [-B] [ID...]
#     -b BUILD    build directory (default build-mut, configured if needed)
#     -l LIST     mutant list (default tests/mutation/mutants.txt)
#     -t SECONDS  per-test timeout (default 120; a hang counts as a kill)
#     -c          check only: report stale or ambiguous mutants (and, with
#                 a configured BUILD, test names ctest does not know)
#     -B          skip the whole unmutated suite run that starts a full run
#                 (when it was just run)
#     ID...       run only these mutants (and skip the unmutated baseline run)
# Exit status: 0 when the kill rate is at least 95% and nothing is stale,
# 1 otherwise, 2 on a usage error.  CPU-heavy (one rebuild and some tests
# per mutant): not part of ctest or CI.
#
# List format: blocks separated by blank lines, '#' lines are comments, one
# "key: value" per line; keys id, file (a path, or a glob such as
# src/lib/hist*.c when a module spans files), find, replace, tests (ctest
# names, space-separated) and optional equivalent (the reason).  find and replace
# are literal texts (no regex); a value may use \t for a tab and \n for a
# newline.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=build-mut
LIST=tests/mutation/mutants.txt
TIMEOUT=120
CHECK=0
BASELINE=1
while getopts "b:l:t:cBh" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	l) LIST=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	c) CHECK=1 ;;
	B) BASELINE=0 ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
ONLY=" $* "
BUILD=$(realpath -m "$BUILD")
[ -f "$LIST" ] || { echo "run.sh: $LIST: no such file" >&2; exit 2; }

# ---- the list ----
ids=() files=() finds=() repls=() tests=() equivs=()
parse_list() {
	local line key val n=-1 lineno=0 in_block=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in
		'#'*) continue ;;
		'') in_block=0; continue ;;
		esac
		if [ $in_block = 0 ]; then
			n=$((n + 1)); in_block=1
			ids[n]='' files[n]='' finds[n]='' repls[n]='' tests[n]='' equivs[n]=''
		fi
		key=${line%%:*}
		val=${line#*: }
		[ "$key" != "$line" ] || { echo "run.sh: $LIST:$lineno: expected 'key: value'" >&2; exit 2; }
		case $key in
		id) ids[n]=$val ;;
		file) files[n]=$val ;;
		find) finds[n]=$val ;;
		replace) repls[n]=$val ;;
		tests) tests[n]=$val ;;
		equivalent) equivs[n]=$val ;;
		*) echo "run.sh: $LIST:$lineno: unknown key '$key'" >&2; exit 2 ;;
		esac
	done < "$LIST"
	for k in "${!ids[@]}"; do
		if [ -z "${ids[k]}" ] || [ -z "${files[k]}" ] || [ -z "${finds[k]}" ] || [ -z "${tests[k]}" ]; then
			echo "run.sh: $LIST: mutant $((k + 1)) ('${ids[k]}') lacks id, file, find or tests" >&2
			exit 2
		fi
	done
}
parse_list

# mutate FILES FIND REPLACE MODE: FILES is a path or a glob (the text must
# occur once in all of them together: code that moves between the files
# of a module keeps its mutant).  MODE check: print the file holding the
# text; MODE apply: also write the mutant into it.  Exit 3 text absent,
# 4 not unique.
mutate() {
	python3 - "$@" <<'EOF'
import glob, sys
pat, find, repl, mode = sys.argv[1:5]
unesc = lambda s: s.replace('\\t', '\t').replace('\\n', '\n')
find, repl = unesc(find), unesc(repl)
hits = []
for path in sorted(glob.glob(pat)):
    text = open(path, encoding='utf-8').read()
    hits += [(path, text)] * text.count(find)
if len(hits) != 1:
    sys.exit(3 if not hits else 4)
path, text = hits[0]
print(path)
if mode == 'apply':
    open(path, 'w', encoding='utf-8').write(text.replace(find, repl, 1))
EOF
}

# ---- build and test ----
SAVED=""     # the file being mutated, and its original copy
SAVE_COPY=$(mktemp "${TMPDIR:-/tmp}/mutation-orig.XXXXXX")
restore() {
	if [ -n "$SAVED" ]; then
		cat "$SAVE_COPY" > "$SAVED"    # new mtime: the next build recompiles it
		SAVED=""
	fi
}
trap 'restore; rm -f "$SAVE_COPY"' EXIT
trap 'exit 130' INT TERM

LOG=$BUILD/mutation-logs
configure() {
	if [ ! -f "$BUILD/CMakeCache.txt" ]; then
		cmake -S . -B "$BUILD" -DFM_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	fi
	mkdir -p "$LOG" "$BUILD/test-tmp"
	echo "building $BUILD (the unmutated tree)"
	cmake --build "$BUILD" -j2 >/dev/null
	# the suite must pass before anything is planted (whole-list runs)
	[ "$ONLY" = "  " ] && [ $BASELINE = 1 ] || return 0
	echo "running the whole suite once, unmutated"
	(cd "$BUILD" && ctest -j2 -LE fuzz --timeout "$TIMEOUT" >"$LOG/baseline.log" 2>&1) || {
		echo "run.sh: the unmutated suite fails (see $LOG/baseline.log): fix that first" >&2
		exit 1
	}
}

# targets needed by a list of ctest names: the binary, and unit/test-X -> test-X
targets_of() {
	local t out="flowmodels_bin"
	for t in $1; do
		case $t in unit/*) out="$out ${t#unit/}" ;; esac
	done
	echo "$out"
}

regex_of() {
	local t out=""
	for t in $1; do out="$out${out:+|}$t"; done
	echo "^($out)\$"
}

# run_mutant K: prints the result word and how it was decided
run_mutant() {
	local k=$1 f=${files[k]} id=${ids[k]} rc=0
	local log="$LOG/$id.log" path
	path=$(mutate "$f" "${finds[k]}" "${repls[k]}" check) || rc=$?
	case $rc in
	0) ;;
	3) echo "stale|text not found"; return ;;
	4) echo "stale|text not unique"; return ;;
	*) echo "stale|cannot read $f"; return ;;
	esac
	if [ $CHECK = 1 ]; then
		local t
		for t in ${tests[k]}; do
			if [ -n "$KNOWN_TESTS" ] && ! grep -qxF "$t" <<<"$KNOWN_TESTS"; then
				echo "stale|no test called $t in $BUILD"
				return
			fi
		done
		echo "ok|text found once in $path"
		return
	fi
	cp "$path" "$SAVE_COPY"
	SAVED=$path
	mutate "$path" "${finds[k]}" "${repls[k]}" apply >/dev/null
	# shellcheck disable=SC2046
	if ! cmake --build "$BUILD" -j2 --target $(targets_of "${tests[k]}") >"$log" 2>&1; then
		restore
		echo "no-compile|build failed"
		return
	fi
	if ! (cd "$BUILD" && ctest -j2 --output-on-failure --timeout "$TIMEOUT" -R "$(regex_of "${tests[k]}")" >>"$log" 2>&1); then
		restore
		echo "killed|$(failed_in "$log")"
		return
	fi
	if ! grep -q "tests passed" "$log" || grep -q "No tests were found" "$log"; then
		restore
		echo "stale|no test matches '${tests[k]}'"
		return
	fi
	if ! cmake --build "$BUILD" -j2 >>"$log" 2>&1; then
		restore
		echo "no-compile|full build failed"
		return
	fi
	if ! (cd "$BUILD" && ctest -j2 --output-on-failure -LE fuzz --timeout "$TIMEOUT" >>"$log" 2>&1); then
		restore
		echo "killed|suite: $(failed_in "$log")"
		return
	fi
	restore
	if [ -n "${equivs[k]}" ]; then
		echo "equivalent|${equivs[k]}"
	else
		echo "survived|no test failed"
	fi
}

# the first failing tests named in a ctest log
failed_in() {
	grep -E '^[[:space:]]*[0-9]+ - ' "$1" | sed 's/^[[:space:]]*[0-9]* - //; s/ (.*//' \
		| head -3 | paste -sd' ' -
}

KNOWN_TESTS=""    # the ctest names, to check the list's (when configured)
if [ $CHECK = 1 ] && [ -f "$BUILD/CTestTestfile.cmake" ]; then
	KNOWN_TESTS=$(cd "$BUILD" && ctest -N | sed -n 's/^ *Test *#[0-9]*: //p')
fi
[ $CHECK = 1 ] || configure
REPORT=$BUILD/mutation-report.md
mkdir -p "$BUILD"
killed=0 survived=0 equivalent=0 stale=0 nocompile=0 total=0
table="| # | mutant | file | planted bug | result | by |
|---|---|---|---|---|---|"
start=$(date +%s)
for k in "${!ids[@]}"; do
	case $ONLY in "  ") ;; *" ${ids[k]} "*) ;; *) continue ;; esac
	total=$((total + 1))
	res=$(run_mutant "$k")
	word=${res%%|*} why=${res#*|}
	case $word in
	killed) killed=$((killed + 1)) ;;
	survived) survived=$((survived + 1)) ;;
	equivalent) equivalent=$((equivalent + 1)) ;;
	stale) stale=$((stale + 1)) ;;
	no-compile) nocompile=$((nocompile + 1)) ;;
	esac
	printf '%-4s %-28s %-11s %s\n' "$total" "${ids[k]}" "$word" "$why"
	bug="\`${finds[k]}\` → \`${repls[k]}\`"
	bug=${bug//|/\\|}
	table="$table
| $total | ${ids[k]} | ${files[k]#src/} | $bug | $word | ${why//|/\\|} |"
done
restore
[ $CHECK = 1 ] && { [ $stale = 0 ]; exit; }
cmake --build "$BUILD" -j2 >/dev/null 2>&1 || true    # leave it unmutated
scored=$((killed + survived))
rate=$(awk -v k=$killed -v n=$scored 'BEGIN { printf "%.1f", n ? 100 * k / n : 0 }')
summary="$total mutants: $killed killed, $survived survived, $equivalent equivalent, $stale stale, $nocompile not compiling; kill rate $rate% (killed / (killed + survived)); $(( $(date +%s) - start )) s"
printf '%s\n\n%s\n' "$table" "$summary" > "$REPORT"
echo
cat "$REPORT"
awk -v r="$rate" 'BEGIN { exit !(r >= 95) }' && [ $stale = 0 ]
