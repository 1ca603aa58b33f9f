#!/bin/bash
# style: every C source and header of the tree is formatted as .clang-format
# says (one style, enforced).  clang-format's output differs between major
# versions, so the check runs with the version Debian 12 ships (14) and is
# skipped with another one or none.  To fix a failure:
#   clang-format -i $(git ls-files '*.c' '*.h')
set -u
: "${FM_SOURCE_DIR:?}"
cf=$(command -v clang-format-14 || command -v clang-format) || {
	echo "skip: clang-format not installed"
	exit 77
}
major=$("$cf" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$major" != 14 ]; then
	echo "skip: clang-format $major (the style is checked with 14)"
	exit 77
fi
cd "$FM_SOURCE_DIR" || exit 1
mapfile -t files < <(find src include tests bench -path tests/fuzz/corpus -prune -o \
	-type f \( -name '*.c' -o -name '*.h' \) -print | sort)
[ "${#files[@]}" -gt 100 ] || { echo "FAIL: only ${#files[@]} sources found"; exit 1; }
if out=$("$cf" --dry-run -Werror "${files[@]}" 2>&1); then
	echo "1 passed, 0 failed: ${#files[@]} files formatted as .clang-format says"
	exit 0
fi
echo "$out" | grep -E 'error:' | head -20
echo "FAIL: $(echo "$out" | grep -c 'error:') places differ from .clang-format;" \
	"run clang-format -i on the files named"
exit 1
