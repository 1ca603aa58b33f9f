#!/bin/bash
# sizes: no .c file under src/ over 1,500 lines, no function over 150 lines
# from its `{` to its `}` (CONTRIBUTING.md).  Functions are found as the
# tree's style writes them: the opening brace alone at column 0, the
# closing one too.  The self-test feeds the checker a file that breaks each
# rule, so the guard is known to fail when it must.
set -u
: "${FM_SOURCE_DIR:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/sizes.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

cat > "$T/check.py" <<'PY'
import re, sys

MAX_FILE, MAX_FUNC = 1500, 150
bad = 0
for path in sys.argv[1:]:
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    if len(lines) > MAX_FILE:
        print('%s: %d lines (at most %d)' % (path, len(lines), MAX_FILE))
        bad += 1
    name, start = '?', None
    for no, line in enumerate(lines, 1):
        if re.match(r'[A-Za-z_].*\(', line):
            name = line.split('(')[0].split()[-1].lstrip('*') if line.split('(')[0].split() else '?'
        if line == '{':
            start = no
        elif line == '}' and start is not None:
            if no - start + 1 > MAX_FUNC:
                print('%s:%d: %s has %d lines (at most %d)' % (path, start, name, no - start + 1, MAX_FUNC))
                bad += 1
            start = None
sys.exit(1 if bad else 0)
PY

fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the checker fails on files that break the rules ---
{ echo 'int f(void)'; echo '{'; for i in $(seq 149); do echo '	i++;'; done; echo '}'; } > "$T/long.c"
python3 "$T/check.py" "$T/long.c" > /dev/null && fail "the guard accepts a 151-line function"
{ echo 'int f(void)'; echo '{'; for i in $(seq 148); do echo '	i++;'; done; echo '}'; } > "$T/ok.c"
python3 "$T/check.py" "$T/ok.c" || fail "the guard refuses a 150-line function"
seq 1501 | sed 's/^/int v/; s/$/;/' > "$T/big.c"
python3 "$T/check.py" "$T/big.c" > /dev/null && fail "the guard accepts a 1,501-line file"

# --- the tree ---
files=("$FM_SOURCE_DIR"/src/*.c "$FM_SOURCE_DIR"/src/*/*.c)
python3 "$T/check.py" "${files[@]}" || fail "sizes over the limits (above)"
echo "sizes: ${#files[@]} files checked"
