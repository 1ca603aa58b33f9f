#!/usr/bin/env bash
# export chart in the workbench (issue 20 item 4): the key E puts
# `export chart OBJ -O ` on the prompt (OBJ left out under a `show`
# set); FILE.txt without --size is the chart panel's canvas, equal to
# what tmux shows inside the panel (a selected object, an overlay), and
# the size and the object chosen are recorded; FILE.png is a PNG of the requested size whose
# .dat holds the numbers on screen (the cursor readout's values, the
# chart data, found in the .dat's blocks); a saved session replayed
# twice writes the same files.  preview: tmux here answers the device
# attributes query without sixel, so the preview says so; `set preview
# off` turns it off.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

flows_csv 300 > "$T/flows.csv"
start 120 40
wait_ready
type_line "load -i csv_flow flows.csv as d1"
wait_for "d1 +dataset 300 records" 5
type_line "hist d1 -x length -b 0 as h1"
wait_for "PDF flows of h1" 5
type_line "view cdf"
wait_for "CDF of h1" 3
type_line "set xrange 2:500"
wait_for "> set xrange 2:500" 3
# E (in a panel) puts the command on the prompt with what is shown
keys Tab
wait_for "╔═ Objects" 2
keys E
wait_for "^fm> export chart h1 -O ?$" 2
keys -l "c.txt"
keys Enter
wait_for "export: the cdf chart written to .*c.txt" 5
[ -s "$T/c.txt" ] || bad "no c.txt"
# the file is the panel's inside, row for row
# compare_panel FILE TITLE: the text file is the chart panel's inside (the
# panel whose title starts with TITLE), row for row
compare_panel() {
	screen > "$T/screen.txt"
	python3 - "$1" "$T/screen.txt" "$2" <<'PY' || bad "$1 differs from the chart panel"
import sys
rows = open(sys.argv[2], encoding='utf-8').read().split('\n')
want = open(sys.argv[1], encoding='utf-8').read().rstrip('\n').split('\n')
top = rows[1]
c0 = top.index(sys.argv[3]) - 3          # the panel's corner: "┌─ CDF"
assert top[c0] in '┌╔', top
c1 = min(i for i in (top.find('┐', c0), top.find('╗', c0)) if i > 0)
got = [r[c0 + 1:c1].rstrip() for r in rows[2:2 + len(want)]]
# as many rows as the panel has inside: its bottom border follows
assert rows[2 + len(want)][c0] in '└╚', rows[2 + len(want)]
if got != [l.rstrip() for l in want]:
    for a, b in zip(got, want):
        if a != b.rstrip():
            print('screen:', repr(a)); print('file:  ', repr(b)); break
    sys.exit(1)
PY
}
compare_panel "$T/c.txt" "CDF of h1"
# a PNG of the size asked, with .gp and .dat beside it
type_line "export chart -O c.png --size 640x480"
wait_for "export: the cdf chart written to .*c.png \(3 files\)" 10
python3 - "$T/c.png" <<'PY' || bad "c.png is not a 640x480 PNG"
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR', d[:16]
w, h = struct.unpack('>II', d[16:24])
assert (w, h) == (640, 480), (w, h)
PY
grep -q "^set xrange \[2:500\]" "$T/c.gp" || bad "the range is not the chart's: $(grep xrange "$T/c.gp")"
grep -q "^set logscale x 10" "$T/c.gp" || bad "no log x"
# typed without OBJ: the selected object (h1, not the newer h2), recorded
type_line "hist d1 -x length -b 1 as h2"
wait_for "CDF of h2" 5
keys Tab
wait_for "╔═ Objects" 2
keys Up
wait_for "CDF of h1" 3
keys Escape
type_line "export chart -O sel.txt"
wait_for "export: the cdf chart written to .*sel.txt" 5
compare_panel "$T/sel.txt" "CDF of h1"
# an overlay: E leaves OBJ out (the show set decides)
type_line "show h1 h2"
wait_for "CDF of h1, h2" 5
keys Tab
wait_for "╔═ Objects" 2
keys E
wait_for "^fm> export chart -O ?$" 2
keys -l "ov.txt"
keys Enter
wait_for "export: the cdf chart written to .*ov.txt" 5
compare_panel "$T/ov.txt" "CDF of h1, h2"
grep -q "h2" "$T/ov.txt" || bad "ov.txt: no h2 in the legend"
type_line "show"
wait_for "> show +│" 3
# the cursor readout (the chart data) is in the .dat: the CDF of flows
# at the cursor's x, in block 'series 1: flows'
keys Tab Tab
wait_for "╔═ CDF of h1" 2
keys Home Right Right Right
wait_for "x [0-9]+ \| flows [0-9.e-]+ \|" 3
read -r x v <<<"$(grep -oE "x [0-9]+ \| flows [0-9.e-]+" <<<"$SCREEN" | awk '{ print $2, $5 }')"
python3 - "$T/c.dat" "$x" "$v" <<'PY' || bad "the readout x $x flows $v is not in c.dat"
import sys
blocks, cur = {}, None
for line in open(sys.argv[1]):
    if line.startswith('# series'):
        cur = line[2:].split(':')[0]; blocks[cur] = {}
    elif line.strip() and not line.startswith('#'):
        a, b = line.split(); blocks[cur][float(a)] = b
y = blocks['series 1'][float(sys.argv[2])]
assert '%.6g' % float(y) == sys.argv[3], (y, sys.argv[3])
PY
keys Escape
# preview: tmux answers the query without sixel
type_line "preview"
wait_for "preview: this terminal draws no images" 5
type_line "set preview off"
type_line "preview"
wait_for "preview: off \(set preview auto" 3
# the record: E's command with the panel's size, replayed twice
type_line "save s.fms"
wait_for "saved" 5
grep -qE "^export chart h1 -O c.txt --size [0-9]+x[0-9]+$" "$T/s.fms" || bad "size not recorded: $(grep export "$T/s.fms")"
grep -qE "^export chart -O sel.txt --size [0-9]+x[0-9]+ h1$" "$T/s.fms" || bad "the selection not recorded: $(grep export "$T/s.fms")"
grep -qx "set preview off" "$T/s.fms" || bad "set preview not recorded"
for d in r1 r2; do
	mkdir "$T/$d" && cp "$T/flows.csv" "$T/s.fms" "$T/$d/"
	(cd "$T/$d" && "$FM" --replay s.fms > out.txt 2>&1) || bad "replay $d: $(cat "$T/$d/out.txt")"
done
for f in c.txt c.png c.gp c.dat sel.txt ov.txt; do
	cmp -s "$T/r1/$f" "$T/r2/$f" || bad "two replays differ in $f"
	cmp -s "$T/$f" "$T/r1/$f" || bad "the replay's $f differs from the workbench's"
done
finish
