# session-commands.sh - every session command through `flowmodels
# --replay`: objects and their facts (computed here from the generated
# data), exports compared byte for byte, the record (history/save).
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir data out
gen_csv 2500 11 > data/flows.csv
gen_csv 700 5 > data/more.csv

cat > s.fms <<'X'
# every session command
set echo on
load data/flows.csv
load data/more.csv -i csv_flow --count-in 100 as m100
convert data/flows.csv -i csv_flow -o binary -O data/flows.bin
load data/flows.bin as bin
list
rename m100 small
export d1 -o csv_flow -O out/d1.csv
export bin -O out/bin-copy
export small -o csv_flow -O "out/small copy.csv"
cut bin --skip-in 100 --count-in 50 -O out/cut.bin
load out/cut.bin as cut
convert cut -O out/cut.csv
drop d1
set charset ascii
history
info small
help
help load
quit
load never/run.csv
X
"$FLOWMODELS" --replay s.fms > stdout.txt 2> stderr.txt || { cat stderr.txt; fail "replay failed"; }

# objects and their facts
all=$(facts data/flows.csv)
head -n 100 data/more.csv > more100.csv
small=$(facts more100.csv)
grep -qx "d1: dataset, $all" stdout.txt || fail "d1 facts: want $all"
grep -qx "m100: dataset, $small" stdout.txt || fail "m100 facts"
grep -qx "bin: dataset, $all" stdout.txt || fail "bin facts"
sed -n 101,150p data/flows.csv > cut.csv
grep -qx "cut: dataset, $(facts cut.csv)" stdout.txt || fail "cut facts"
# load's message: the overview under the facts (as info shows it), for
# each of the four loads and nothing else
grep -A1 -x "m100: dataset, $small" stdout.txt | sed -n 2p > load-ov.txt
sed -n '/^small: dataset/,/^>/p' stdout.txt | grep '^  overview: ' | cmp - load-ov.txt ||
	fail "load's overview differs from info's: $(cat load-ov.txt)"
grep -Eqx '  overview: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \.\. [0-9]{4}-[0-9-]{5}T[0-9:]{8}Z; IPv4 [0-9.]+%, IPv6 [0-9.]+%; .*' load-ov.txt ||
	fail "overview line: $(cat load-ov.txt)"
[ "$(grep -c '^  overview: ' stdout.txt)" = 5 ] || fail "overviews: want 4 loads + info"
# list shows the objects in order, with facts
grep -A3 -x '> list' stdout.txt | sed 1d > list.txt
printf 'd1       dataset    %s\nm100     dataset    %s\nbin      dataset    %s\n' "$all" "$small" "$all" | cmp - list.txt || fail "list"
# exports
cmp data/flows.csv out/d1.csv || fail "export d1 csv"
cmp more100.csv "out/small copy.csv" || fail "export small csv"
for f in data/flows.bin/*; do cmp "$f" "out/bin-copy/$(basename "$f")" || fail "export binary $f"; done
cmp cut.csv out/cut.csv || fail "cut + convert of an object"
# every command echoed, nothing after quit
grep -c '^> ' stdout.txt | grep -qx 20 || fail "echoed commands: $(grep -c '^> ' stdout.txt)"
grep -q 'never/run' stdout.txt && fail "ran after quit"
# history: canonical, absolute paths, not list/info/help/history
grep -A20 -x '> history' stdout.txt | sed -n '2,/^>/p' | grep -v '^>' > hist.txt
cat > hist.want <<X
   1  set echo on
   2  load $T/data/flows.csv -i csv_flow as d1
   3  load $T/data/more.csv -i csv_flow --count-in 100 as m100
   4  convert $T/data/flows.csv -i csv_flow -o binary -O $T/data/flows.bin
   5  load $T/data/flows.bin -i binary as bin
   6  rename m100 small
   7  export d1 -o csv_flow -O $T/out/d1.csv
   8  export bin -O $T/out/bin-copy
   9  export small -o csv_flow -O "$T/out/small copy.csv"
  10  cut bin -O $T/out/cut.bin --skip-in 100 --count-in 50
  11  load $T/out/cut.bin -i binary as cut
  12  convert cut -O $T/out/cut.csv
  13  drop d1
  14  set charset ascii
X
diff hist.want hist.txt || fail "history"
# info: provenance and facts
grep -A4 -x '> info small' stdout.txt | grep -qx "  made by:  load $T/data/more.csv -i csv_flow --count-in 100 as m100" || fail "info provenance"
# help lists every command of the table
for c in convert cut load filter export list info drop rename save replay history set help quit; do
	grep -q "^  $c " stdout.txt || fail "help lacks $c"
done
grep -q '^usage: flowmodels load ' stdout.txt || fail "help load"
# no scratch data left behind
[ -z "$(ls "$TMPDIR")" ] || fail "scratch left: $(ls "$TMPDIR")"
echo ok
