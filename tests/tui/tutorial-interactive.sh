#!/usr/bin/env bash
# The interactive step of docs/tutorial.md (issue 26): its `sh interactive`
# block runs as written in a scratch directory laid out as the tutorial's;
# `flowmodels fit --interactive` opens the fit view of length.csv with the
# command line's settings, and the keys the tutorial gives (Enter, s, y,
# ..., Esc) write flows/packets/octets .json and .mode into my_mixture,
# byte for byte the files of the batch fits of the tutorial's step 3, and
# quit with status 0.  (tests/cli/tutorial.sh runs the other steps.)
source "$(dirname "$0")/lib.bash"
DATA=${FM_SHARED_DATA:-$FM_SOURCE_DIR/../shared/data}/agh_2015061019_IPv4_anon
[ -f "$DATA/histograms/all/length.csv" ] || { echo "SKIP: no shared data"; exit 77; }

mkdir -p "$T/bin" "$T/histograms/all" "$T/my_mixture" "$T/batch"
cp "$DATA/histograms/all/length.csv" "$T/histograms/all/"
ln -s "$FM" "$T/bin/flowmodels"
# the block's commands, as a script the tmux pane runs
{
	echo "export PATH=$(printf '%q' "$T/bin"):\$PATH"
	awk '/^```sh interactive$/ {inb = 1; next} /^```$/ {inb = 0}
	     inb && /^\$ / {print substr($0, 3)}' "$FM_SOURCE_DIR/docs/tutorial.md"
	echo 'exit $?'
} > "$T/step.sh"
grep -q "flowmodels fit --interactive" "$T/step.sh" || { bad "no interactive step in the tutorial"; finish; }
# the batch fits of step 3 (the same options, without --interactive)
opts=$(grep -o "fit --interactive.*" "$T/step.sh" | sed 's/fit --interactive //; s/ -y [a-z]*//; s/ [^ ]*length.csv$//')
for y in flows packets octets; do
	(cd "$T/batch" && "$FM" fit -q $opts -y $y ../histograms/all/length.csv) || bad "batch fit $y"
done

FM_REAL=$FM
FM=$T/step.sh
chmod +x "$FM"
start 120 40
wait_for "Fit length -> flows \(keys\)" 10
wait_for "U \[ 6\]|uniforms +U \[ 6\]" 1
wait_for "L \[ 4\]|lognormals L \[ 4\]" 1
wait_for "iterations +\[100\]" 1
wait_for "keys go to the fit view \(Esc quits\)" 1
for y in flows packets octets; do
	wait_for "Fit length -> $y" 2
	keys Enter
	wait_for "100/100  done" 60
	keys s
	wait_for "fit: \./$y\.json: " 60
	[ $y = octets ] || keys y
done
keys Escape
wait_for "fm-exit=0" 10
for f in flows.json flows.mode packets.json packets.mode octets.json octets.mode; do
	[ -s "$T/my_mixture/$f" ] || { bad "no my_mixture/$f"; continue; }
	cmp -s "$T/my_mixture/$f" "$T/batch/$f" || bad "my_mixture/$f differs from the batch fit's"
done
FM=$FM_REAL
finish
