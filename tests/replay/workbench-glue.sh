# workbench-glue.sh - issue 18's fixes that replay can show: a bare
# `save` after a save or a replay names the file (it once printed freed
# memory), ...
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir data
gen_csv 300 7 > data/flows.csv

# 1. a bare save after `save FILE` and after `replay FILE` names FILE
printf 'load data/flows.csv as a\nsave first.fms\nsave\n' > s1.fms
"$FLOWMODELS" --replay s1.fms > out.txt 2> err.txt || { cat err.txt; fail "save/save"; }
grep -qx "saved 1 commands to $T/first.fms" out.txt || fail "bare save after save: $(tail -n 1 out.txt)"
[ "$(grep -c "^saved 1 commands to $T/first.fms\$" out.txt)" = 2 ] || fail "two saves to first.fms"
