# filter-views.sh - filtered views: facts, a view of a view, tools and
# export reading through the filter.  Skips while the build has no filter
# compiler.
. "$(dirname "$0")/lib.bash"
cd "$T"
gen_csv 3000 21 > flows.csv
cat > s.fms <<'X'
load flows.csv as all
filter all "prot == 6" as tcp
filter tcp (sp == 443) or (dp == 443) as tls
export tls -o csv_flow -O tls.csv
convert tcp -O tcp.csv
export tcp -O tcp.bin
drop all
info tls
X
if ! "$FLOWMODELS" --replay s.fms > stdout.txt 2> stderr.txt; then
	grep -q 'not available in this build' stderr.txt && exit 77
	cat stderr.txt
	fail "replay failed"
fi
grep -qx "tcp: view, $(facts flows.csv tcp)" stdout.txt || fail "tcp facts"
grep -qx "tls: view, $(facts flows.csv tcp443)" stdout.txt || fail "tls facts"
awk -F', ' '$2 == 6' flows.csv > tcp.want
awk -F', ' '$2 == 6 && ($13 == 443 || $14 == 443)' flows.csv > tls.want
cmp tcp.want tcp.csv || fail "convert of a view"
cmp tls.want tls.csv || fail "export of a view of a view"
grep -qx '  filter:   (prot == 6) and ((sp == 443) or (dp == 443))' stdout.txt || fail "combined filter"
echo ok
