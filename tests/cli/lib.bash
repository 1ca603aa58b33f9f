# Shared helpers for the shell tests (sourced).  ctest sets FLOWMODELS,
# FM_SHARED_DATA, FM_SOURCE_DIR, FM_BUILD_DIR and FM_TEST_TMP.
set -euo pipefail
FM=${FLOWMODELS:?FLOWMODELS is not set (run through ctest)}
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/cli.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); checks=$((checks + 1)); }

# expect_eq WHAT GOT WANT
expect_eq() { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
# expect_fail WHAT PATTERN CMD...: CMD must exit non-zero with PATTERN on stderr
expect_fail() {
  local what=$1 pat=$2; shift 2
  local out
  if out=$("$@" 2>&1 >/dev/null); then bad "$what: succeeded"; return; fi
  if grep -q -- "$pat" <<<"$out"; then ok; else bad "$what: stderr '$out' lacks '$pat'"; fi
  if [ "$(wc -l <<<"$out")" -ne 1 ]; then bad "$what: error is not one line: $out"; fi
}
finish() {
  echo "$((checks - fails)) passed, $fails failed"
  [ "$fails" -eq 0 ]
}
