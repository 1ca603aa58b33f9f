# tools-in-session.sh - the tools as session commands: hist and fit make
# histogram and mixture-set objects (fit -y packets adds to the set),
# sort/merge/anonymize make datasets, summary/series write files; every
# result equals the one-shot tool's output on the same input, keys are
# not saved, and save -> replay reproduces every export byte for byte.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data out
gen_csv 1500 17 > data/flows.csv
export FLOWMODELS_KEY=boojahyoo3vaeToong0Eijee7Ahz3yee

cat > s.fms <<'X'
set echo off
load data/flows.csv as d
hist d -x length -b 0
hist d -x size -b 4 as hs
fit h1 -y flows -U 2 -L 2 -i 30 as m
fit h1 -y packets -U 2 -L 2 -i 30 as m
export h1 -O out/h1.csv
export hs -O out/hs.csv
export m -O out/m
summary h1 -O out/h1.tex
sort d -k sp --reverse as sorted
merge d -I 15 as merged
anonymize d --key boojahyoo3vaeToong0Eijee7Ahz3yee as anon
export sorted -o csv_flow -O out/sorted.csv
export merged -o csv_flow -O out/merged.csv
export anon -o csv_flow -O out/anon.csv
series d -O out/series
filter d "prot == 17" as udp
hist udp -x length -b 1 -O out/udp.csv
list
save out/saved.fms
X
"$FLOWMODELS" --replay s.fms > stdout.txt 2> stderr.txt || { cat stderr.txt; fail "replay"; }

# objects
grep -qx "h1: histogram, [0-9]* bins, $(facts data/flows.csv | sed 's/ records/ flows/')" stdout.txt || fail "h1 facts"
grep -q '^m: mixture, flows: 4 components, log-likelihood [-0-9.e+]*; packets: 4 components' stdout.txt || fail "mixture set of flows and packets"
[ "$(grep -c '^m ' stdout.txt)" = 1 ] || fail "one object m"
# the same results as the one-shot tools
"$FLOWMODELS" hist -q -i csv_flow -x length -b 0 data/flows.csv | cmp - out/h1.csv || fail "hist"
"$FLOWMODELS" hist -q -i csv_flow -x size -b 4 data/flows.csv | cmp - out/hs.csv || fail "hist size"
"$FLOWMODELS" fit -q out/h1.csv -y flows -U 2 -L 2 -i 30 -O oneshot || fail "fit one-shot"
"$FLOWMODELS" fit -q out/h1.csv -y packets -U 2 -L 2 -i 30 -O oneshot || fail "fit one-shot"
cmp oneshot/flows.json out/m/flows.json || fail "fit flows.json"
cmp oneshot/packets.json out/m/packets.json || fail "fit packets.json"
grep -q '"in_file": "h1"' out/m/flows.mode || fail "mode names the object: $(cat out/m/flows.mode)"
"$FLOWMODELS" summary -q out/h1.csv | cmp - out/h1.tex || fail "summary"
"$FLOWMODELS" convert -q -i csv_flow -o binary -O data.bin data/flows.csv
"$FLOWMODELS" sort -q -k sp --reverse -O sorted.bin data.bin || fail "sort one-shot"
"$FLOWMODELS" convert -q -i binary sorted.bin | cmp - out/sorted.csv || fail "sort"
"$FLOWMODELS" merge -q -i csv_flow -I 15 data/flows.csv | cmp - out/merged.csv || fail "merge"
"$FLOWMODELS" anonymize -q -i csv_flow data/flows.csv | cmp - out/anon.csv || fail "anonymize"
"$FLOWMODELS" series -q -i csv_flow -O series1 data/flows.csv || fail "series one-shot"
diff -r series1 out/series || fail "series"
"$FLOWMODELS" hist -q -i csv_flow --filter-expr "prot == 17" -x length -b 1 data/flows.csv | cmp - out/udp.csv || fail "hist of a view"
# the key is not in the session file; the replacement is
grep -q boojahyoo out/saved.fms && fail "key saved"
grep -qx 'anonymize d --key-env FLOWMODELS_KEY as anon' out/saved.fms || fail "key-env not recorded"
grep -q '^# anonymize was given a literal key' out/saved.fms || fail "key comment"

# mixture sets load back from fit's directory or one Y.json, unchanged
printf 'load first/m as a\nload first/m/packets.json as b\nexport a -O m-a\nexport b -O m-b\n' > mix.fms
cp -r out first
"$FLOWMODELS" --replay mix.fms > mix.out 2> mix.err || { cat mix.err; fail "load mixtures"; }
diff -r first/m m-a || fail "mixture_dir round trip"
[ "$(ls m-b)" = "$(printf 'packets.json\npackets.mode')" ] || fail "one json: $(ls m-b)"
cmp first/m/packets.json m-b/packets.json || fail "Y.json round trip"
grep -qx 'b: mixture, packets: 4 components, log-likelihood [-0-9.e+]*' mix.out || fail "facts of b"
rm -rf first

# save -> replay: the same exports, byte for byte (the saved file's
# paths are relative to it, so its exports land next to it again)
cp -r out first
rm -rf out/m out/series out/*.csv out/*.tex
"$FLOWMODELS" --replay out/saved.fms > /dev/null 2> replay.err || { cat replay.err; fail "replay of saved"; }
for f in h1.csv hs.csv m/flows.json m/flows.mode m/packets.json m/packets.mode h1.tex \
	 sorted.csv merged.csv anon.csv udp.csv; do
	[ -e "out/$f" ] || fail "replay did not write $f"
done
diff -r first out || fail "exports differ after replay"
[ -z "$(ls "$TMPDIR")" ] || fail "scratch left"
echo ok
