# compare-views.sh - compare of two views of one dataset with different
# filters in a session (each input read under its own filter), against
# compare of the two views exported and binned with hist; a view against
# a dataset; and the commands that take one filter still refusing views
# with different filters.
. "$(dirname "$0")/lib.bash"
cd "$T"
gen_csv 3000 7 > flows.csv
cat > s.fms <<'X'
load flows.csv -i csv_flow as d
filter d 'prot == 6' as tcp
filter d 'prot == 17' as udp
compare tcp udp --format json -O ratio.csv
compare d tcp --format json -y flows
export tcp -O tcp.bin
export udp -O udp.bin
X
"$FLOWMODELS" --replay s.fms > out.txt 2> err.txt || { cat err.txt; fail "replay"; }
"$FLOWMODELS" hist -q -i binary -b 12 -O tcp.csv tcp.bin || fail "hist tcp"
"$FLOWMODELS" hist -q -i binary -b 12 -O udp.csv udp.bin || fail "hist udp"
"$FLOWMODELS" hist -q -i csv_flow -b 12 -O all.csv flows.csv || fail "hist all"
"$FLOWMODELS" compare -q --format json -O want-ratio.csv tcp.csv udp.csv > want.json || fail "compare"
awk '/^> compare tcp udp/ { on = 1; next } /^> / { on = 0 } on' out.txt > got.json
[ -s got.json ] || fail "no output of compare tcp udp: $(cat out.txt)"
cmp got.json want.json || fail "compare of views: $(cat got.json) against $(cat want.json)"
cmp ratio.csv want-ratio.csv || fail "ratio.csv of views"
"$FLOWMODELS" compare -q --format json -y flows all.csv tcp.csv > want2.json || fail "compare all"
awk '/^> compare d tcp/ { on = 1; next } /^> / { on = 0 } on' out.txt > got2.json
cmp got2.json want2.json || fail "dataset against view: $(cat got2.json)"
# the views really differ (the tcp and udp shares are not the same data)
grep -q '"ks": 0[,}]' got.json && fail "tcp and udp compared equal"
# one filter per command for the others: still a clear refusal
printf 'load flows.csv -i csv_flow as d\nfilter d "prot == 6" as tcp\nfilter d "prot == 17" as udp\nhist tcp udp\n' > e.fms
"$FLOWMODELS" --replay e.fms > /dev/null 2> err.txt && fail "hist of two views"
grep -q "^e.fms:4: .*views tcp and udp have different filters" err.txt || fail "$(cat err.txt)"
echo ok
