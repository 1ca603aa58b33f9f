#!/usr/bin/env bash
# scripts/shard-parallel.sh and scripts/shard-slurm.sh (docs/scale.md):
# the GNU parallel variant run here (parallel -j2 --will-cite, no -S) on
# a gen-dataset dataset, its merged hist and series byte-identical to
# those of the whole (also with a filter with spaces in it); the Slurm
# variant checked with bash -n and run through a stand-in sbatch that
# runs the array tasks and then the dependent merge job here, printing
# what the script documents.
source "$(dirname "$0")/lib.bash"
GEN=${FM_BUILD_DIR:?}/gen-dataset
S=${FM_SOURCE_DIR:?}/scripts
[ -x "$GEN" ] || { echo "SKIP: no $GEN"; exit 77; }
export FLOWMODELS=$FM
"$GEN" 50001 "$T/ds" 2>/dev/null
"$FM" hist -q -i binary -x size -b 12 -c aggs --filter-expr 'prot == 6' "$T/ds" > "$T/whole.csv"
"$FM" series -q -i binary -O "$T/whole-series" "$T/ds"

for f in shard-parallel.sh shard-slurm.sh shard-common.sh; do
  bash -n "$S/$f" && ok || bad "bash -n $f"
done

# GNU parallel, here, 2 jobs at a time
if command -v parallel > /dev/null; then
  "$S/shard-parallel.sh" -n 5 -j 2 -s -O "$T/p" "$T/ds" -x size -b 12 -c aggs --filter-expr 'prot == 6' > "$T/p.out" 2>&1 ||
    bad "shard-parallel.sh failed: $(tail -3 "$T/p.out")"
  grep -q "^50001 records in 5 parts: $T/p/hist.csv and $T/p/series/ in [0-9]* s$" "$T/p.out" && ok ||
    bad "shard-parallel.sh output: $(cat "$T/p.out")"
  cmp -s "$T/whole.csv" "$T/p/hist.csv" && ok || bad "parallel: merged hist differs from the whole's"
  diff -r "$T/whole-series" "$T/p/series" > /dev/null && ok || bad "parallel: merged series differs"
  expect_eq "parallel: parts" "$(ls "$T/p/parts" | tr '\n' ' ')" \
    "hist-0.csv hist-1.csv hist-2.csv hist-3.csv hist-4.csv series-0 series-1 series-2 series-3 series-4 "
  # a failing part fails the whole (parallel --halt now,fail=1), no merge
  if "$S/shard-parallel.sh" -n 2 -j 2 -O "$T/pf" "$T/ds" -x nonsense > "$T/pf.out" 2>&1; then
    bad "shard-parallel.sh succeeded with a bad hist option"
  else ok; fi
  [ ! -e "$T/pf/hist.csv" ] && ok || bad "a failed run left a merged hist"
else
  bad "GNU parallel is not installed (build.sh installs it)"
fi

# Slurm: a stand-in sbatch that runs the jobs here, in order
mkdir -p "$T/bin"
cat > "$T/bin/sbatch" <<'EOS'
#!/usr/bin/env bash
# stand-in: runs the batch script now (array tasks in order), prints an id
set -euo pipefail
array="" out=/dev/null env=()
while [ $# -gt 0 ]; do
  case $1 in
    --parsable | --job-name=* | --partition=*) ;;
    --dependency=afterok:*) grep -qx "${1#--dependency=afterok:}" "$SB_DONE" ;;
    --array=*) array=${1#--array=} ;;
    --output=*) out=${1#--output=} ;;
    --export=ALL,*) IFS=, read -ra env <<< "${1#--export=ALL,}" ;;
    -*) echo "sbatch stand-in: unknown option $1" >&2; exit 1 ;;
    *) break ;;
  esac
  shift
done
id=$(( $(wc -l < "$SB_DONE") + 1000 ))
script=$(mktemp) && cp "$1" "$script" && shift   # sbatch runs a copy
if [ -n "$array" ]; then
  for i in $(seq "${array%-*}" "${array#*-}"); do
    env "${env[@]}" SLURM_ARRAY_TASK_ID=$i bash "$script" "$@" > "${out//%a/$i}" 2>&1
  done
else
  env "${env[@]}" bash "$script" "$@" > "$out" 2>&1
fi
rm -f "$script"
echo $id >> "$SB_DONE"
echo "$id;cluster"
EOS
chmod +x "$T/bin/sbatch"
export SB_DONE=$T/sbatch-done; : > "$SB_DONE"
PATH=$T/bin:$PATH "$S/shard-slurm.sh" -n 3 -p batch -s -O "$T/sl" "$T/ds" -x size -b 12 -c aggs --filter-expr 'prot == 6' > "$T/sl.out" 2>&1 ||
  bad "shard-slurm.sh failed: $(tail -3 "$T/sl.out")"
expect_eq "slurm: printed" "$(cat "$T/sl.out")" "array job 1000: 3 parts of 16667 records of 50001
merge job 1001: after all of them, into $T/sl/hist.csv and $T/sl/series/"
cmp -s "$T/whole.csv" "$T/sl/hist.csv" && ok || bad "slurm: merged hist differs from the whole's"
diff -r "$T/whole-series" "$T/sl/series" > /dev/null && ok || bad "slurm: merged series differs"
expect_eq "slurm: merge log" "$(cat "$T/sl/logs/merge.out")" "merged 3 parts into $T/sl/hist.csv and $T/sl/series/"
expect_eq "slurm: logs" "$(ls "$T/sl/logs" | tr '\n' ' ')" "merge.out part-0.out part-1.out part-2.out "
finish
