# workbench-glue.sh - issue 18's fixes that replay can show: a bare
# `save` after a save or a replay names the file (it once printed freed
# memory), a loaded mixture's unknown log-likelihood, ...
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir data
gen_csv 300 7 > data/flows.csv

# 1. a bare save after `save FILE` and after `replay FILE` names FILE
printf 'load data/flows.csv as a\nsave first.fms\nsave\n' > s1.fms
"$FLOWMODELS" --replay s1.fms > out.txt 2> err.txt || { cat err.txt; fail "save/save"; }
grep -qx "saved 1 commands to $T/first.fms" out.txt || fail "bare save after save: $(tail -n 1 out.txt)"
[ "$(grep -c "^saved 1 commands to $T/first.fms\$" out.txt)" = 2 ] || fail "two saves to first.fms"

# 7. a mixture loaded without stats has an unknown log-likelihood, not 0
mkdir mixes
printf '{"sum": 100, "mix": [[0.5, "uniform", [0, 1]], [0.5, "lognorm", [0.5, 0, 4.0]]]}\n' > mixes/flows.json
printf 'load mixes as m\n' > s7.fms
"$FLOWMODELS" --replay s7.fms > out.txt 2> err.txt || { cat err.txt; fail "load mixture"; }
grep -qx 'm: mixture, flows: 2 components, log-likelihood –' out.txt || fail "unknown log-likelihood: $(cat out.txt)"
