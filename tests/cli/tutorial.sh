#!/usr/bin/env bash
# docs/tutorial.md runs as written: every `$ ` command of its sh blocks,
# in order, in an empty scratch directory laid out as the tutorial's
# (histograms/all/length.csv, my_mixture/ ...), with flowmodels on PATH
# and DATA = the shipped reference data; the output each command shows in
# the tutorial must be what it prints.  Skips without the shared data.
source "$(dirname "$0")/lib.bash"
DATA=${FM_SHARED_DATA:-$FM_SOURCE_DIR/../shared/data}/agh_2015061019_IPv4_anon
[ -f "$DATA/histograms/all/length.csv" ] || { echo "no shared data: skipped"; exit 77; }
command -v gnuplot >/dev/null 2>&1 || { echo "no gnuplot: skipped"; exit 77; }
export DATA
mkdir -p "$T/bin" "$T/work"
ln -s "$FM" "$T/bin/flowmodels"
export PATH="$T/bin:$PATH"
cd "$T/work"

# the commands and the outputs shown, from the sh blocks
awk '/^```sh$/ {inb = 1; next} /^```$/ {inb = 0; next}
     inb && /^\$ / {n++; print substr($0, 3) > sprintf("cmd.%03d", n); next}
     inb {print > sprintf("want.%03d", n)}' "$FM_SOURCE_DIR/docs/tutorial.md"
mv cmd.* want.* "$T/" 2>/dev/null || true
ncmd=$(ls "$T"/cmd.* | wc -l)
[ "$ncmd" -ge 12 ] && ok || bad "only $ncmd commands found in the tutorial"
for c in "$T"/cmd.*; do
  i=${c##*.}
  cmd=$(cat "$c")
  # in this shell, not a subshell: the tutorial's cd must hold
  eval "$cmd" >"$T/out" 2>"$T/err" || { bad "'$cmd' failed: $(cat "$T/err")"; continue; }
  out=$(cat "$T/out")
  if [ -f "$T/want.$i" ]; then
    expect_eq "output of '$cmd'" "$out" "$(cat "$T/want.$i")"
  else
    expect_eq "'$cmd' prints nothing" "$out" ""
  fi
done
# the files the tutorial says it makes
for f in my_mixture/flows.json my_mixture/packets.mode plots/pdf-flows.gp \
         histograms/generated.csv summary-length.tex; do
  [ -s "$T/work/$f" ] && ok || bad "no $f"
done
# the generated flows' histogram has the 100000 flows asked for
expect_eq "generated flows" "$(awk -F, 'NR > 1 {s += $3} END {print s}' "$T/work/histograms/generated.csv")" 100000
finish
