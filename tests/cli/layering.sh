#!/bin/bash
# layering: the guards of the layers (docs/dev/architecture.md).  The
# library (src/lib, include/flowmodels) never prints and never ends the
# process: no printf/fprintf/puts/perror/exit/abort (snprintf and the
# fm_buf writers are fine; _exit only in a forked child), and it includes
# no header of the command layer or the frontends; the command layer
# (src/cmd) includes no header of the workbench (src/tui).  Comments and
# string literals are ignored.  The self-test feeds the checker files that
# break each rule, so the guard itself is known to fail when it must.
set -u
: "${FM_SOURCE_DIR:?}" "${FM_TEST_TMP:=/tmp}"
mkdir -p "$FM_TEST_TMP"
T=$(mktemp -d "$FM_TEST_TMP/layering.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

cat > "$T/check.py" <<'PY'
import re, sys

TOKEN = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)

def strip(text):
    """Blank out comments and string/char literals, keeping line numbers."""
    # include lines are checked on the raw text: blank them here
    text = re.sub(r'(?m)^[ \t]*#[ \t]*include.*$', lambda m: ' ' * len(m.group(0)), text)
    return TOKEN.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)

CALLS = re.compile(r'(?<![A-Za-z0-9_.>])(printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|perror|exit|abort)\s*\(')
rules = {
    'lib': (CALLS, re.compile(r'#\s*include\s*"(cmd/|tui/|cmd\.h|session\.h|job\.h|objtypes\.h|workbench\.h|tui\.h|keys\.h|views\.h)')),
    'cmd': (None, re.compile(r'#\s*include\s*"(tui/|\.\./tui/|workbench\.h|tui\.h|keys\.h|views\.h|chart\.h|roles\.h|fitview\.h|theme-file\.h|words\.h)')),
}
bad = 0
for arg in sys.argv[1:]:
    layer, path = arg.split(':', 1)
    calls, incs = rules[layer]
    text = open(path, encoding='utf-8', errors='replace').read()
    code = strip(text)
    for no, line in enumerate(code.split('\n'), 1):
        if calls and calls.search(line):
            print('%s:%d: the library must not print or exit: %s' % (path, no, text.split('\n')[no - 1].strip()))
            bad += 1
    for no, line in enumerate(text.split('\n'), 1):
        if incs.search(line):
            print('%s:%d: %s layer includes a header above it: %s' % (path, no, layer, line.strip()))
            bad += 1
sys.exit(1 if bad else 0)
PY

fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the checker fails on files that break the rules ---
printf '#include <stdio.h>\nvoid f(void) { printf("x"); }\n' > "$T/p.c"
printf 'void g(int e) { if (e) exit(1); }\n' > "$T/e.c"
printf 'void h(void) { abort (); }\n' > "$T/a.c"
printf '#include "cmd/cmd.h"\n' > "$T/i.c"
printf '#include "tui/keys.h"\n' > "$T/t.c"
for f in p e a i; do
  python3 "$T/check.py" "lib:$T/$f.c" > /dev/null && fail "the guard accepts $f.c"
done
python3 "$T/check.py" "cmd:$T/t.c" > /dev/null && fail "the guard accepts a tui header in cmd"
# ... and accepts what is allowed: snprintf, _exit, words in comments and strings
printf '/* printf(x) exit(1) */\nvoid k(char *b) { snprintf(b, 4, "exit(%%d)", 1); fm_buf_printf(0, "abort()"); _exit(127); }\n' > "$T/ok.c"
python3 "$T/check.py" "lib:$T/ok.c" || fail "the guard refuses allowed code"

# --- the tree ---
args=()
for f in "$FM_SOURCE_DIR"/src/lib/*.[ch] "$FM_SOURCE_DIR"/include/flowmodels/*.h; do args+=("lib:$f"); done
for f in "$FM_SOURCE_DIR"/src/cmd/*.[ch]; do args+=("cmd:$f"); done
python3 "$T/check.py" "${args[@]}" || fail "layering rules broken (above)"
echo "layering: ${#args[@]} files checked"
