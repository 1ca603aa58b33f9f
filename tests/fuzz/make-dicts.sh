#!/bin/bash
# make-dicts.sh BUILD_DIR - remake the command-table part of
# tests/fuzz/fuzz-session.dict and fuzz-cmdline.dict from the bash
# completion script the build generates from the command table
# (BUILD_DIR/completion/flowmodels): every command name and alias, option
# and option choice, and field name.  The hand-written lines above the
# marker line stay.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
comp=${1:?usage: make-dicts.sh BUILD_DIR}/completion/flowmodels
[ -r "$comp" ] || { echo "make-dicts: no $comp (build first)" >&2; exit 1; }
marker='# ---- generated from the command table (make-dicts.sh) ----'
words() {
	{
		sed -n "s/^_flowmodels_all='\(.*\)'/\1/p; s/^_flowmodels_commands='\(.*\)'/\1/p; s/^_flowmodels_fields='\(.*\)'/\1/p" "$comp"
		sed -n "s/^\t'\([^)]*\)') _flowmodels_w='\(.*\)' ;;/\1 \2/p" "$comp" | tr -d "'" | tr '|' ' '
		grep -o "_flowmodels_v='choices:[^']*" "$comp" | sed 's/^.*choices://'
	} | tr ' ' '\n' | grep -v '^$' | sort -u
}
for d in fuzz-session fuzz-cmdline; do
	f=$here/$d.dict
	[ -f "$f" ] || continue
	tmp=$f.tmp.$$
	sed "/^$marker\$/q" "$f" > "$tmp"
	grep -qx -- "$marker" "$tmp" || echo "$marker" >> "$tmp"
	words | sed 's/["\\]/\\&/g; s/.*/"&"/' >> "$tmp"
	mv "$tmp" "$f"
done
