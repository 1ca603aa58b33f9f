#!/usr/bin/env bash
# shard-slurm.sh - hist (and series) of a binary dataset cut into PARTS
# record ranges as a Slurm job array (one array task per part), and the
# exact merge (hist-merge / series-merge) as a job that starts only when
# every task succeeded (sbatch --dependency=afterok) (docs/scale.md).
#
#   shard-slurm.sh [-n PARTS] [-p PARTITION] [-s] -O OUTDIR DATASET [HIST OPTION...]
#
#   -n PARTS      record ranges = array tasks (default 4)
#   -p PARTITION  the Slurm partition (default: the cluster's)
#   -s            also the per-second series (series, then series-merge)
#   HIST OPTION   hist's options (default: -x length -b 12)
#
# DATASET, OUTDIR, this directory and flowmodels must be at the same
# paths on the compute nodes (a shared file system).  Prints the two job
# ids; the result is OUTDIR/hist.csv (and OUTDIR/series/) once the merge
# job has run, the jobs' logs are in OUTDIR/logs/.  FLOWMODELS names the
# program (default: flowmodels).  The script is also the batch script of
# the jobs: sbatch runs it again with --part or --merge first.
set -euo pipefail
HERE=${SHARD_HERE:-$(dirname "$(readlink -f "$0")")}
source "$HERE/shard-common.sh"

case ${1:-} in
  --part) # array task: PER, then the submitted options
    shift; per=$1; shift
    shard_parse "p:" "$@"
    shard_part "${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}" "$per"
    exit 0 ;;
  --merge)
    shift
    shard_parse "p:" "$@"
    shard_merge
    echo "merged $PARTS parts into $OUT/hist.csv$([ "$SERIES" = 1 ] && echo " and $OUT/series/")"
    exit 0 ;;
esac

shard_parse "p:" "$@" || shard_usage "[-p PARTITION] "
command -v sbatch > /dev/null || { echo "$(basename "$0"): sbatch not found (not a Slurm submit host?)" >&2; exit 1; }
N=$(shard_records "$DS")
PER=$(((N + PARTS - 1) / PARTS))
[ "$PER" -gt 0 ] || PER=1
mkdir -p "$OUT/logs"
SB=(sbatch --parsable --export=ALL,SHARD_HERE="$HERE",FLOWMODELS="$FM" --job-name=fm-shard)
[ -n "$PARTITION" ] && SB+=(--partition="$PARTITION")
# the options again, for the jobs (-O and DATASET absolute by now)
again=(-n "$PARTS" -O "$OUT")
[ "$SERIES" = 1 ] && again+=(-s)
[ -n "$PARTITION" ] && again+=(-p "$PARTITION")
again+=("$DS" "${HIST_OPTS[@]}")
array=$("${SB[@]}" --array=0-$((PARTS - 1)) --output="$OUT/logs/part-%a.out" \
  "$HERE/shard-slurm.sh" --part "$PER" "${again[@]}")
array=${array%%;*} # "ID;cluster" on a federation
merge=$("${SB[@]}" --dependency=afterok:"$array" --output="$OUT/logs/merge.out" \
  "$HERE/shard-slurm.sh" --merge "${again[@]}")
merge=${merge%%;*}
echo "array job $array: $PARTS parts of $PER records of $N"
echo "merge job $merge: after all of them, into $OUT/hist.csv$([ "$SERIES" = 1 ] && echo " and $OUT/series/")"
