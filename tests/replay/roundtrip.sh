# roundtrip.sh - save -> replay: a session saved by `save` replays (from
# another working directory) into the same objects and byte-identical
# exports, and saving the replayed session gives the same file.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p proj/data proj/out proj/sessions elsewhere
gen_csv 1800 9 > proj/data/a.csv
gen_csv 600 4 > proj/data/b.csv

cat > proj/first.fms <<'X'
set echo off
load data/a.csv data/b.csv --skip-in 5 --count-out 2000 as ab
convert ab -o binary -O out/ab.bin
load out/ab.bin
cut d1 --skip-out 10 --count-out 1000 -O out/cut.bin
load out/cut.bin as "c.1"
export c.1 -o csv_flow -O "out/c 1.csv"
export ab -O out/ab-copy.bin
rename d1 ab2
drop ab
save sessions/saved.fms
X
"$FLOWMODELS" --replay proj/first.fms > first.out 2> first.err || { cat first.err; fail "first run"; }
saved=proj/sessions/saved.fms
head -n 1 "$saved" | grep -q '^# flowmodels session, saved [0-9-]* [0-9:]* UTC by flowmodels ' || fail "header: $(head -n 1 "$saved")"
cat > want.fms <<'X'
# paths are relative to this file
set echo off
load ../data/a.csv ../data/b.csv -i csv_flow --skip-in 5 --count-out 2000 as ab
convert ab -o binary -O ../out/ab.bin
load ../out/ab.bin -i binary as d1
cut d1 -O ../out/cut.bin --skip-out 10 --count-out 1000
load ../out/cut.bin -i binary as c.1
export c.1 -o csv_flow -O "../out/c 1.csv"
export ab -O ../out/ab-copy.bin
rename d1 ab2
drop ab
X
body "$saved" | diff want.fms - || fail "saved file"

# replay it from elsewhere, the first outputs moved aside
mv proj/out proj/out.first
mkdir proj/out
# (its outputs are in proj/out, beside the file's directory: allowed)
(cd elsewhere && "$FLOWMODELS" --replay --allow-outside ../proj/sessions/saved.fms > ../second.out 2> ../second.err) || { cat second.err; fail "replay of the saved file"; }
diff -r proj/out.first proj/out || fail "exports differ after replay"
# the same objects: their lines in both runs' output
grep -E '^[A-Za-z_][A-Za-z0-9_.-]*: ' first.out > objs.first
grep -E '^[A-Za-z_][A-Za-z0-9_.-]*: ' second.out > objs.second
[ -s objs.first ] || fail "no objects shown"
diff objs.first objs.second || fail "objects differ"
# and save -> replay -> save is stable
printf 'replay saved.fms\nsave again.fms\n' > proj/sessions/resave.fms
"$FLOWMODELS" --replay --allow-outside proj/sessions/resave.fms > /dev/null 2> resave.err || { cat resave.err; fail "resave"; }
diff <(body "$saved") <(body proj/sessions/again.fms) || fail "second save differs"
[ -z "$(ls "$TMPDIR")" ] || fail "scratch left"
echo ok
