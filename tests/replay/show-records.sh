# show-records.sh - `show records` in a session file: the first N records
# of a dataset or a view in the text format, the same lines as `convert
# -o text` of the records (of those the view's filter keeps); -n 0 all;
# the default object (the newest dataset or view); errors for a
# histogram, an unknown object, a bad -n and -n given to show OBJ...
. "$(dirname "$0")/lib.bash"
cd "$T"
gen_csv 4000 3 > flows.csv
"$FLOWMODELS" convert -q -i csv_flow -o text -O all.txt flows.csv || fail "convert"
"$FLOWMODELS" convert -q -i csv_flow -o text --filter-expr 'prot == 17' -O udp.txt flows.csv || fail "convert udp"
cat > s.fms <<'X'
load flows.csv -i csv_flow as d
show records d -n 5
filter d 'prot == 17' as udp
show records udp -n 1500
show records
show records d -n 0
X
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt || { cat err.txt; fail "replay"; }
section() { awk -v c="> $1" '$0 == c { on = 1; next } /^> / { on = 0 } on' out.txt; }
section "show records d -n 5" > got1.txt
head -n 6 all.txt > want1.txt
cmp got1.txt want1.txt || fail "first 5 records: $(diff got1.txt want1.txt | head)"
# a view: past the first checkpoint step (1024 kept records)
n=$(($(wc -l < udp.txt) - 1))
[ "$n" -gt 1100 ] || fail "test data: only $n udp records"
section "show records udp -n 1500" > got2.txt
head -n 1501 udp.txt > want2.txt
cmp got2.txt want2.txt || fail "the view's records: $(diff got2.txt want2.txt | head)"
# no OBJ: the newest dataset or view (udp), 20 records
section "show records" > got3.txt
head -n 21 udp.txt > want3.txt
cmp got3.txt want3.txt || fail "default object and count"
section "show records d -n 0" > got4.txt
cmp got4.txt all.txt || fail "-n 0: all records"
grep -q "^show records: 5 of 4000 records of d$" err.txt || fail "summary: $(grep '^show' err.txt)"
grep -q "^show records: $n of $n records of udp$" err.txt || fail "summary of the view"
# errors name what is wrong
for bad in "show records h" "show records nosuch" "show records d -n -1" "show d -n 3"; do
	printf 'load flows.csv -i csv_flow as d\nhist d as h\n%s\n' "$bad" > e.fms
	"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "$bad: accepted"
	case $bad in
	*" h") grep -q "^e.fms:3: show: h is a histogram; show records reads a dataset or a view" err.txt ;;
	*nosuch) grep -q "^e.fms:3: show: unknown object 'nosuch'" err.txt ;;
	*-1) grep -q "^e.fms:3: show: -n: expected a count >= 0" err.txt ;;
	*-n\ 3) grep -q "^e.fms:3: show: -n belongs to show records" err.txt ;;
	esac || fail "$bad: $(cat err.txt)"
done
# never recorded
printf 'load flows.csv -i csv_flow as d\nshow records d -n 1\nsave s2.fms\n' > r.fms
"$FLOWMODELS" --replay r.fms > /dev/null 2>&1 || fail "save"
grep -q "show" s2.fms && fail "show was recorded"
echo ok
