#!/usr/bin/env bash
# shard-parallel.sh - hist (and series) of a binary dataset cut into PARTS
# record ranges, the parts run by GNU parallel, here or on ssh hosts, and
# merged exactly with hist-merge / series-merge (docs/scale.md).
#
#   shard-parallel.sh [-n PARTS] [-j JOBS] [-S SSHLOGINS] [-s] -O OUTDIR DATASET [HIST OPTION...]
#
#   -n PARTS      record ranges (default 4)
#   -j JOBS       parts run at once on each host (parallel's -j; default:
#                 one per CPU)
#   -S SSHLOGINS  hosts, as parallel's -S (":" is this machine): DATASET,
#                 OUTDIR and flowmodels must be at the same paths on every
#                 host (a shared file system)
#   -s            also the per-second series (series, then series-merge)
#   HIST OPTION   hist's options (default: -x length -b 12)
#
# Output: OUTDIR/hist.csv (and OUTDIR/series/), the parts' own results in
# OUTDIR/parts/.  FLOWMODELS names the program (default: flowmodels).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/shard-common.sh"
shard_parse "j:S:" "$@" || shard_usage "[-j JOBS] [-S SSHLOGINS] "
command -v parallel > /dev/null || { echo "$(basename "$0"): GNU parallel is not installed (Debian: apt-get install parallel)" >&2; exit 1; }

N=$(shard_records "$DS")
PER=$(((N + PARTS - 1) / PARTS))
[ "$PER" -gt 0 ] || PER=1
PAR=(parallel --will-cite --halt now,fail=1)
[ -n "$JOBS" ] && PAR+=(-j "$JOBS")
[ -n "$HOSTS" ] && PAR+=(-S "$HOSTS")
# each part runs shard_part of shard-common.sh, with the settings in the
# environment (parallel --env takes them to ssh hosts)
export FM DS OUT SERIES
HIST_OPTS_Q=$(printf '%q ' "${HIST_OPTS[@]}")
SHARD_COMMON="$(dirname "$(readlink -f "$0")")/shard-common.sh"
export HIST_OPTS_Q SHARD_COMMON
part() { source "$SHARD_COMMON"; eval "HIST_OPTS=($HIST_OPTS_Q)"; shard_part "$1" "$2"; }
export -f part
env_opts=()
[ -n "$HOSTS" ] && env_opts=(--env part --env FM --env DS --env OUT --env SERIES --env HIST_OPTS_Q --env SHARD_COMMON)
t0=$SECONDS
"${PAR[@]}" "${env_opts[@]}" part {} "$PER" ::: $(seq 0 $((PARTS - 1)))
shard_merge
echo "$N records in $PARTS parts: $OUT/hist.csv$([ "$SERIES" = 1 ] && echo " and $OUT/series/") in $((SECONDS - t0)) s"
