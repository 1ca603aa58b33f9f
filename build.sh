#!/usr/bin/env bash
# flowmodels set-up, build and test on Debian 12, as root (or with sudo).
#   ./build.sh run    install what is missing, build, open the workbench on a demo
#   ./build.sh test   install what is missing, build, run the whole test suite
#                     (normal build + ASan/UBSan build, -Werror, plus fuzz runs),
#                     then the release builds (gcc -O3, clang -O2, -Werror),
#                     the .deb, and its install test in a Debian 12 chroot
#   ./build.sh build  install what is missing and build only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config clang
  libncurses-dev libreadline-dev libgsl-dev libssl-dev libjansson-dev
  liblzo2-dev liblz4-dev libbz2-dev libzstd-dev libcmocka-dev
  libclang-rt-14-dev gnuplot-nox nfdump tmux python3 file
  groff-base debootstrap clang-format parallel strace)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DFM_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# What a packager builds: gcc -O3 (Release) and clang -O2, no tests (so
# no cmocka), warnings as errors.  The Release build makes the .deb, which
# tests/package/deb-chroot.sh installs and tries in a fresh Debian 12
# chroot (FM_DEB_CHROOT=0 leaves that out; it skips itself, saying so,
# without debootstrap or the Debian archive).
release_builds() {
  build build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr
  CC=clang build build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
  rm -f build-release/flowmodels_*.deb
  (cd build-release && cpack -G DEB >/dev/null)
  if [ "${FM_DEB_CHROOT:-1}" = 0 ]; then
    echo "deb-chroot: skipped (FM_DEB_CHROOT=0)"
  else
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO tests/package/deb-chroot.sh build-release/flowmodels_*.deb
  fi
}

mode=${1:-run}
case "$mode" in
  build)
    install_deps
    build build -DFM_BENCH=ON
    ;;
  run)
    install_deps
    build build -DFM_BENCH=ON
    [ $# -gt 1 ] && exec ./build/flowmodels "${@:2}"
    exec ./build/flowmodels --demo   # the workbench on its demo session
    ;;
  test)
    install_deps
    build build -DFM_BENCH=ON
    (cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)
    build build-asan -DFM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$(nproc)" --timeout 900 -LE 'fuzz|scale')
    if command -v clang >/dev/null; then
      CC=clang build build-fuzz -DFM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug -DFM_SANITIZE=OFF
      (cd build-fuzz && ctest --output-on-failure -j"$(nproc)" -L fuzz)
    fi
    release_builds
    echo "all test suites passed"
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
