# quality.sh - gof, compare and select in a session: objects in place of
# paths (a histogram and its mixture set, datasets binned on the fly), the
# same figures as the one-shot commands, select's winner as a mixture
# object, and errors naming objects.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p pm
echo '{"sum": 1, "mix": [[0.3, "uniform", [0, 1]], [0.45, "lognorm", [0.5, 0, 30]], [0.25, "lognorm", [1.0, 0, 1000]]]}' > pm/flows.json
cp pm/flows.json pm/packets.json
cp pm/flows.json pm/octets.json
"$FLOWMODELS" generate -q -s 20000 --seed 5 -o binary -O g1 pm || fail "generate"
"$FLOWMODELS" generate -q -s 20000 --seed 6 -o binary -O g2 pm || fail "generate"
"$FLOWMODELS" hist -q -i binary -x length -b 12 -O h1.csv g1 || fail "hist"
"$FLOWMODELS" hist -q -i binary -x length -b 12 -O h2.csv g2 || fail "hist"
cat > s.fms <<'X'
load h1.csv as h
load g1 as d1
load g2 as d2
fit h -U 1 -L 2 -i 30 as m
gof h m --format json
compare d1 d2 --format json -y flows
select h --grid U=0..1,L=1..2 -i 30 -O sel as best
gof h best -y flows --format json
info m
X
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt || { cat err.txt; fail "replay"; }
grep -q '^best: mixture, flows: 3 components' out.txt || fail "select's object: $(grep '^best' out.txt)"
# the same figures as one-shot
"$FLOWMODELS" fit -q -U 1 -L 2 -i 30 -O m h1.csv || fail "fit"
"$FLOWMODELS" gof -q --format json h1.csv m > want-gof.json || fail "gof"
awk '/^> gof h m/ { on = 1; next } /^> / { on = 0 } on' out.txt > got-gof.json
cmp got-gof.json want-gof.json || fail "gof in the session: $(cat got-gof.json)"
"$FLOWMODELS" compare -q --format json -y flows h1.csv h2.csv > want-cmp.json || fail "compare"
awk '/^> compare d1 d2/ { on = 1; next } /^> / { on = 0 } on' out.txt > got-cmp.json
cmp got-cmp.json want-cmp.json || fail "compare of datasets: $(cat got-cmp.json)"
[ -s sel/ranking.csv ] && [ -s sel/flows.json ] || fail "select's files"
# a line per structure as it ends (U=0 with L=1..2, U=1 with L=1..2)
[ "$(grep -c '^select \[[1-4]/4\] U=[01] L=[12] P=0: k [0-9]*, BIC [0-9.]*, ks .*; best so far U=' out.txt)" = 4 ] ||
	fail "live rows: $(grep '^select \[' out.txt)"
grep -q '"flows": {"n": 20000, "k": 6,' out.txt || fail "gof of the winner"
# info of a mixture made from a histogram: its gof against it
ks=$(python3 -c 'import json,sys; print("%.6g" % json.load(open(sys.argv[1]))["flows"]["ks"])' want-gof.json)
grep -q "^  gof h: flows: ks $ks, ad " out.txt || fail "info m: $(grep 'gof h' out.txt)"
grep -q '^gof: m against h (length data' err.txt || fail "summary names the objects: $(grep '^gof' err.txt)"
# errors name the objects
printf 'load h1.csv as h\nfit h -U 1 -L 2 -i 5 as m\ngof h m -y octets\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "y absent in m"
grep -q "^e.fms:3: gof: .*no mixture for y 'octets'" err.txt || fail "$(cat err.txt)"
echo ok
