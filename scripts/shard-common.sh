# shard-common.sh - sourced by shard-parallel.sh and shard-slurm.sh:
# option parsing, the record count of a binary dataset, and the commands
# of one part and of the merge (docs/scale.md).
FM=${FLOWMODELS:-flowmodels}

shard_usage() {
  echo "usage: $(basename "$0") [-n PARTS] [-s] $1-O OUTDIR DATASET [HIST OPTION...]" >&2
  exit 2
}

# shard_parse EXTRA_OPTS "$@": the common options; EXTRA_OPTS are the
# getopts letters of the script's own (j: S: for parallel, p: for Slurm)
shard_parse() {
  local extra=$1 opt; shift
  PARTS=4 JOBS="" HOSTS="" SERIES=0 OUT="" DS="" PARTITION=""
  HIST_OPTS=()
  OPTIND=1
  while getopts "n:sO:$extra" opt; do
    case $opt in
      n) PARTS=$OPTARG ;;
      s) SERIES=1 ;;
      O) OUT=$OPTARG ;;
      j) JOBS=$OPTARG ;;
      S) HOSTS=$OPTARG ;;
      p) PARTITION=$OPTARG ;;
      *) return 2 ;;
    esac
  done
  shift $((OPTIND - 1))
  [ $# -ge 1 ] && [ -n "$OUT" ] || return 2
  [[ $PARTS =~ ^[1-9][0-9]*$ ]] || { echo "$(basename "$0"): -n: expected a positive number of parts, got '$PARTS'" >&2; exit 2; }
  DS=$(readlink -f "$1"); shift
  HIST_OPTS=("$@")
  [ ${#HIST_OPTS[@]} -gt 0 ] || HIST_OPTS=(-x length -b 12)
  mkdir -p "$OUT/parts" && OUT=$(readlink -f "$OUT")
}

# The number of records of binary dataset $1: its packets array's size
# over the width of its type code (SPEC 2).
shard_records() {
  local f w
  f=$(ls "$1"/packets.? 2>/dev/null | head -1)
  [ -n "$f" ] || { echo "$(basename "$0"): $1: no packets array (not a binary dataset?)" >&2; exit 1; }
  case ${f##*.} in
    b | B) w=1 ;; h | H) w=2 ;; i | I | f) w=4 ;; *) w=8 ;;
  esac
  echo $(($(stat -c %s "$f") / w))
}

# shard_part K PER: hist (and series) of records K*PER .. K*PER+PER-1
shard_part() {
  local k=$1 per=$2
  "$FM" hist -q -i binary "${HIST_OPTS[@]}" --skip-in $((k * per)) --count-in "$per" \
    -O "$OUT/parts/hist-$k.csv" "$DS"
  if [ "$SERIES" = 1 ]; then
    "$FM" series -q -i binary --skip-in $((k * per)) --count-in "$per" \
      -O "$OUT/parts/series-$k" "$DS"
  fi
}

# shard_merge: the parts' results, in part order, into OUT/hist.csv (and
# OUT/series)
shard_merge() {
  local hists=() series=() k
  for k in $(seq 0 $((PARTS - 1))); do
    hists+=("$OUT/parts/hist-$k.csv")
    series+=("$OUT/parts/series-$k")
  done
  "$FM" hist-merge -q -O "$OUT/hist.csv" "${hists[@]}"
  if [ "$SERIES" = 1 ]; then
    "$FM" series-merge -q -O "$OUT/series" "${series[@]}"
  fi
}
