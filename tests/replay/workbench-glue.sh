# workbench-glue.sh - issue 18's fixes that replay can show: a bare
# `save` after a save or a replay names the file (it once printed freed
# memory), a loaded mixture's unknown log-likelihood, ...
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir data out
gen_csv 300 7 > data/flows.csv

# 1. a bare save after `save FILE` and after `replay FILE` names FILE
printf 'load data/flows.csv as a\nsave first.fms\nsave\n' > s1.fms
"$FLOWMODELS" --replay s1.fms > out.txt 2> err.txt || { cat err.txt; fail "save/save"; }
grep -qx "saved 1 commands to $T/first.fms" out.txt || fail "bare save after save: $(tail -n 1 out.txt)"
[ "$(grep -c "^saved 1 commands to $T/first.fms\$" out.txt)" = 2 ] || fail "two saves to first.fms"

# 7. a mixture loaded without stats has an unknown log-likelihood, not 0
mkdir mixes
for y in flows packets octets; do
	printf '{"sum": 100, "mix": [[0.5, "uniform", [0, 1]], [0.5, "lognorm", [0.5, 0, 4.0]]]}\n' > mixes/$y.json
done
printf 'load mixes as m\n' > s7.fms
"$FLOWMODELS" --replay s7.fms > out.txt 2> err.txt || { cat err.txt; fail "load mixture"; }
grep -qx 'm: mixture, flows: 2 components, log-likelihood –; packets: 2 components, log-likelihood –; octets: 2 components, log-likelihood –' out.txt || fail "unknown log-likelihood: $(cat out.txt)"

# 3, 4. records never go to standard output in a session; generate makes
# a generated object (scratch without -O), convert a dataset when named;
# a refused command writes nothing and records nothing
cat > s3.fms <<'X'
load data/flows.csv as a
load mixes as m
generate m -s 500 --seed 3 as g1
generate m -s 400 --seed 4 -o binary -O out/gen.bin as g2
generate m -s 300 --seed 5
convert a -o binary -O out/c.bin as c1
history
X
"$FLOWMODELS" --replay s3.fms > out.txt 2> err.txt || { cat err.txt; fail "generate/convert as objects"; }
grep -q '^g1: generated, 500 records, ' out.txt || fail "g1: $(cat out.txt)"
grep -q '^g2: generated, 400 records, ' out.txt || fail "g2"
grep -q '^g3: generated, 300 records, ' out.txt || fail "g3 (automatic name)"
grep -qx "c1: dataset, $(facts data/flows.csv)" out.txt || fail "c1"
[ -d out/gen.bin ] && [ -d out/c.bin ] || fail "-O outputs missing"
grep -qx '   3  generate m -s 500 --seed 3 as g1' out.txt || fail "g1 recorded: $(cat out.txt)"
grep -qx "   6  convert a -o binary -O $T/out/c.bin as c1" out.txt || fail "c1 recorded"
# the same generated records as one-shot generate
"$FLOWMODELS" generate -q -s 500 --seed 3 mixes > g1.csv
printf 'load data/flows.csv as a\nload mixes as m\ngenerate m -s 500 --seed 3 as g1\nexport g1 -o csv_flow -O g1-export.csv\n' > s3b.fms
"$FLOWMODELS" --replay s3b.fms > /dev/null 2> err.txt || { cat err.txt; fail "export g1"; }
cmp g1.csv g1-export.csv || fail "g1 differs from one-shot generate"

refused() {  # refused LINE MESSAGE [FILE-THAT-MUST-NOT-EXIST]
	printf 'load data/flows.csv as a\nload mixes as m\n%s\n' "$1" > r.fms
	"$FLOWMODELS" --replay r.fms > out.txt 2> err.txt && fail "'$1' accepted"
	[ "$(tail -n 1 err.txt)" = "r.fms:3: $2" ] || fail "'$1': $(tail -n 1 err.txt)"
	[ -z "${3:-}" ] || [ ! -e "$3" ] || fail "'$1' wrote $3"
}
refused 'convert a' "convert: records are not written to standard output in a session: give -O FILE"
refused 'convert a -O -' "convert: records are not written to standard output in a session: give -O FILE"
refused 'convert a -O out/x.csv as c2' "convert: only binary output becomes an object: add -o binary to call it 'c2', or leave out 'as c2'" out/x.csv
refused 'generate m -s 10 -O out/y.csv as g9' "generate: only binary output becomes an object: add -o binary to call it 'g9', or leave out 'as g9'" out/y.csv
refused 'generate m -s 10 -O -' "generate: records are not written to standard output in a session: give -O FILE"

# 2, 6. results know what they were made from and the x: fit writes
# x_value; plot and summary of a session histogram use its x (here one
# the first bin cannot tell, the sums can); a histogram given to a tool reading records
# is named in the error, never its scratch export
cat > s6.fms <<'X'
load data/flows.csv as a
filter a "packets >= 3" as big
hist big -x length -b 0 as h1
fit h1 -y flows -U 1 -L 1 -i 5 as m1
fit h1 -y packets -U 1 -L 1 -i 5 as m1
fit h1 -y octets -U 1 -L 1 -i 5 as m1
export m1 -O out/m1
summary h1 -O out/h1.tex
plot h1 m1 -O out/plots --format png
X
"$FLOWMODELS" --replay s6.fms > out.txt 2> err.txt || { cat err.txt; fail "x of a session histogram"; }
grep -q '"x_value": "length", "y_value": "flows"' out/m1/flows.mode || fail "x_value: $(cat out/m1/flows.mode)"
[ -s out/h1.tex ] && [ -n "$(ls out/plots)" ] || fail "summary/plot outputs"
printf 'load data/flows.csv as a\nload out/m1 as m1\nfilter a "packets >= 3" as big\nhist big -x length -b 0 as h1\nexport h1 -O h1.csv\n' > s6b.fms
"$FLOWMODELS" --replay s6b.fms > /dev/null 2> err.txt || { cat err.txt; fail "export h1"; }
# the file alone tells it too (issue 20): packets_sum / flows_sum lies
# inside every bin, although the first bin_lo is 3
"$FLOWMODELS" summary h1.csv > out.txt 2> err.txt || fail "one-shot summary: $(cat err.txt)"
grep -q 'Flows of length up to' out.txt || fail "one-shot summary: not length"
printf 'load data/flows.csv as a\nhist a -x length -b 0 as agh\nhist agh -x length\n' > s6c.fms
"$FLOWMODELS" --replay s6c.fms > out.txt 2> err.txt && fail "hist of a histogram accepted"
[ "$(tail -n 1 err.txt)" = "s6c.fms:3: hist: agh is a histogram, not a dataset" ] || fail "hist of a histogram: $(tail -n 1 err.txt)"
# a tool's error names the object, not its scratch export
mkdir -p half && cp mixes/flows.json half/
printf 'load half as hm\ngenerate hm -s 10\n' > s6d.fms
"$FLOWMODELS" --replay s6d.fms > out.txt 2> err.txt && fail "generate from flows only accepted"
grep -q 'scratch\|flowmodels-session' err.txt && fail "scratch path in the error: $(cat err.txt)"
grep -q '^s6d.fms:2: generate: hm (packets.json)' err.txt || fail "object named: $(cat err.txt)"

# 5. every output option creates missing parent directories, so a saved
# session replays in a clean directory
cat > s5.fms <<'X'
load data/flows.csv as a
hist a -x length -b 0 -O new/hist/h.csv as h
load mixes as m
summary h -O new/summary/h.tex
export h -O new/export/h.csv
export m -O new/export/m
export a -o csv_flow -O new/export/a.csv
export a -O new/export/a.bin
generate m -s 50 --seed 1 -o binary -O new/gen/g.bin as g
convert a -O new/convert/a.csv
fit h -y flows -U 1 -L 1 -i 3 -O new/fit/m as mf
save new/session/s.fms
X
"$FLOWMODELS" --replay s5.fms > out.txt 2> err.txt || { cat err.txt; fail "outputs in new directories"; }
for f in hist/h.csv summary/h.tex export/h.csv export/m/flows.json export/a.csv \
	export/a.bin gen/g.bin convert/a.csv fit/m/flows.json session/s.fms; do
	[ -e "new/$f" ] || fail "new/$f not written"
done
# the saved session replays in a clean directory, with the same outputs
mkdir -p clean/new/session && cp -r data mixes clean/ && cp new/session/s.fms clean/new/session/
# (its outputs lie beside the file's directory: allowed)
"$FLOWMODELS" --replay --allow-outside clean/new/session/s.fms > /dev/null 2> err.txt || { cat err.txt; fail "replay in a clean directory"; }
for f in hist/h.csv summary/h.tex export/h.csv export/a.csv convert/a.csv; do
	cmp "new/$f" "clean/new/$f" || fail "replayed $f differs"
done

# 18. `replay FILE` runs FILE into the session without adopting it: a
# later bare save never overwrites FILE, and the replay says where a
# bare save writes
printf 'load data/flows.csv as b\n' > inner.fms
cp inner.fms inner.orig
printf 'replay inner.fms\nsave\n' > s18.fms
"$FLOWMODELS" --replay s18.fms > out.txt 2> err.txt && fail "bare save after replay saved"
grep -qx "replayed $T/inner.fms; 'save FILE' names the session file (the replayed file is not it)" out.txt || fail "replay message: $(cat out.txt)"
[ "$(tail -n 1 err.txt)" = "s18.fms:2: save: no session file yet: save FILE" ] || fail "bare save: $(tail -n 1 err.txt)"
printf 'save mine.fms\nreplay inner.fms\nsave\n' > s18b.fms
"$FLOWMODELS" --replay s18b.fms > out.txt 2> err.txt || { cat err.txt; fail "save, replay, save"; }
grep -qx "replayed $T/inner.fms; a bare 'save' writes $T/mine.fms" out.txt || fail "replay message: $(cat out.txt)"
cmp inner.fms inner.orig || fail "the replayed file was overwritten"
grep -qx 'load data/flows.csv -i csv_flow as b' mine.fms || fail "bare save did not write mine.fms"
