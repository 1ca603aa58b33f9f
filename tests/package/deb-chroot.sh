#!/usr/bin/env bash
# deb-chroot.sh PACKAGE.deb - install the flowmodels .deb in a fresh
# Debian 12 chroot and try it there, as a user of the package would:
#   debootstrap --variant=minbase bookworm (from the machine's Debian
#   archive), apt-get install --no-install-recommends ./flowmodels_*.deb,
#   then flowmodels --version, flowmodels --replay on a small session,
#   man flowmodels, and the bash completion in `bash --norc`.
# Run as root (build.sh test runs it, with sudo when needed).  Without
# debootstrap, without root, or when the archive cannot be reached, it
# says so and exits 0 (a skip); any other failure exits 1.  The chroot
# is in a temporary directory under /var/tmp, removed at the end.
# Takes 2-4 minutes, mostly debootstrap's downloads.
set -euo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 PACKAGE.deb" >&2; exit 2; }
deb=$(realpath "$1")
say() { echo "deb-chroot: $*"; }
skip() { say "SKIP: $*"; exit 0; }
# The control fields, checked first (also when the chroot is skipped).
fields=$(dpkg-deb -f "$deb" Package Depends Recommends Suggests)
for want in "Package: flowmodels" "Depends: .*libc6" "Depends: .*libgsl" \
            "Depends: .*libncursesw6" "Depends: .*libreadline8" \
            "Recommends: gnuplot" "Suggests: nfdump"; do
  grep -q "^$want" <<<"$fields" || { echo "$fields"; say "FAIL: control: no '$want'"; exit 1; }
done
say "control fields: $(grep ^Depends <<<"$fields")"
# the shard scripts (docs/scale.md) are in the package (the listing is
# read whole first: grep -q stopping early would kill dpkg-deb with
# SIGPIPE, which pipefail reports as a failure)
listing=$(dpkg-deb -c "$deb") || { say "FAIL: dpkg-deb -c $deb"; exit 1; }
for f in shard-parallel.sh shard-slurm.sh shard-common.sh; do
  grep -q "/usr/share/flowmodels/scripts/$f$" <<<"$listing" || { say "FAIL: no /usr/share/flowmodels/scripts/$f in the package"; exit 1; }
done
command -v debootstrap >/dev/null || skip "no debootstrap (apt-get install debootstrap)"
[ "$(id -u)" -eq 0 ] || skip "needs root for the chroot"

# The Debian archive the machine uses (the only network there may be).
mirror=${FM_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$( { sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources
              sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\) .*/\2/p' /etc/apt/sources.list \
                /etc/apt/sources.list.d/*.list; } 2>/dev/null | grep -v security | head -n 1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi

start=$(date +%s)
work=$(mktemp -d /var/tmp/fm-deb-chroot.XXXXXX)
root=$work/root
cleanup() {
  local m
  for m in "$root/proc" "$root/dev/pts"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

say "debootstrap bookworm from $mirror"
if ! timeout 900 debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1; then
  if grep -qiE "failed getting release|couldn't download|could not resolve|temporary failure|connection (refused|timed out)|unable to connect|no route" "$work/debootstrap.log"; then
    tail -n 3 "$work/debootstrap.log"
    skip "the Debian archive $mirror cannot be reached"
  fi
  tail -n 20 "$work/debootstrap.log"
  say "FAIL: debootstrap"
  exit 1
fi
say "chroot ready in $(( $(date +%s) - start )) s"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

cp "$deb" "$root/tmp/"
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends "/tmp/${deb##*/}" man-db > "$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; say "FAIL: apt-get install"; exit 1; }
say "installed in $(( $(date +%s) - start )) s"

fails=0
check() { # WHAT COMMAND...: COMMAND must succeed
  local what=$1; shift
  if "$@"; then say "ok: $what"; else say "FAIL: $what"; fails=$((fails + 1)); fi
}
# run SCRIPT in the chroot's bash --norc (no profile, no bash-completion)
in_bash() { chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
  TERM=dumb MANWIDTH=80 bash --norc --noprofile -c "$1"; }
check "gnuplot (a Recommends) not installed" \
  in_bash '! dpkg-query -W -f="\${Status}" gnuplot 2>/dev/null | grep -q "ok installed"'
check "--version" in_bash 'flowmodels --version | grep -qx "flowmodels [0-9.]*\( (git [0-9a-f]*\(-dirty\)\?)\)\?"'

# a small session: csv records -> dataset -> histogram, fit, generate
mkdir -p "$root/tmp/s"
for i in $(seq 1 40); do
  echo "2, 6, 0, 0, 0, 0, 0, 3232235777, 0, 0, 0, 3232235778, $((1000 + i)), 443, $((1433962800 + i)), 0, $((1433962801 + i)), 500, $((1 + i % 7)), $((100 * (1 + i % 7) * (1 + i % 3))), 1"
done > "$root/tmp/s/flows.csv"
cat > "$root/tmp/s/smoke.fms" <<'X'
load flows.csv as d1
hist d1 -x length as h1
fit h1 -i 5 -U 1 -L 1 as m1
generate h1 -x length -s 100 --seed 7 as g1
export h1 -O h1.csv
list
X
check "--replay" in_bash 'cd /tmp/s && flowmodels --replay smoke.fms > replay.out 2>&1'
check "replay results" grep -q "^g1 *generated *100 records" "$root/tmp/s/replay.out"
check "exported histogram" grep -qx "1,2,5,5,1100" "$root/tmp/s/h1.csv"
check "man flowmodels" in_bash 'man -P cat flowmodels 2>&1 | grep -q "^EXIT STATUS"'
check "man flowmodels-hist" in_bash 'man -P cat flowmodels-hist 2>&1 | grep -q -- "--x-value X"'
check "themes found" in_bash 'flowmodels --theme nosuch 2>&1 | grep -qF "(themes: dark, default, high-contrast, light, mono)"'
check "completion" in_bash 'source /usr/share/bash-completion/completions/flowmodels
  COMP_WORDS=(flowmodels hist -x ""); COMP_CWORD=3; _flowmodels
  [ "${COMPREPLY[*]}" = "length size duration rate" ]'
[ "$fails" -eq 0 ] || { cat "$root/tmp/s/replay.out"; say "FAIL: $fails checks"; exit 1; }
say "all checks passed in $(( $(date +%s) - start )) s"
