#!/usr/bin/env bash
# `cmake --install`: with --prefix and with DESTDIR, the program, its
# themes (found by the installed program relative to itself), the man
# pages, the bash completion, the docs and the shard scripts land in the
# GNUInstallDirs places; the program in the build tree finds its themes
# too; the installed shard-parallel.sh, run through a link from elsewhere,
# finds its shard-common.sh and gives the hist of the whole.
source "$(dirname "$0")/lib.bash"
B=${FM_BUILD_DIR:?}
command -v cmake >/dev/null || { echo "SKIP: no cmake"; exit 77; }
export HOME=$T/home            # no user themes
unset FLOWMODELS_THEMES XDG_CONFIG_HOME
themes="dark, default, high-contrast, light, mono"
ncmds=$("$FM" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | wc -l)

# check_tree ROOT: an installed tree under ROOT (prefix or DESTDIR/prefix)
check_tree() {
  local r=$1 out
  [ -x "$r/bin/flowmodels" ] && ok || bad "$r/bin/flowmodels"
  for t in default dark light high-contrast mono; do
    [ -f "$r/share/flowmodels/themes/$t.theme" ] && ok || bad "$r: theme $t"
  done
  [ -f "$r/share/man/man1/flowmodels.1" ] && ok || bad "$r: flowmodels.1"
  expect_eq "$r: man pages" "$(ls "$r/share/man/man1" | grep -c '^flowmodels-.*\.1$')" "$ncmds"
  [ -f "$r/share/bash-completion/completions/flowmodels" ] && ok || bad "$r: completion"
  [ -f "$r/share/doc/flowmodels/README.md" ] && ok || bad "$r: README"
  [ -f "$r/share/doc/flowmodels/docs/commands/hist.md" ] && ok || bad "$r: docs"
  for f in shard-parallel.sh shard-slurm.sh; do
    [ -x "$r/share/flowmodels/scripts/$f" ] && ok || bad "$r: scripts/$f"
  done
  [ -f "$r/share/flowmodels/scripts/shard-common.sh" ] && ok || bad "$r: scripts/shard-common.sh"
  expect_eq "$r: --version" "$("$r/bin/flowmodels" --version)" "$("$FM" --version)"
  # the installed program finds the installed themes (nothing else is near it)
  out=$("$r/bin/flowmodels" --theme nosuch 2>&1 </dev/null) && bad "$r: unknown theme accepted"
  grep -qF "(themes: $themes)" <<<"$out" && ok || bad "$r: themes not found: $out"
  out=$("$r/bin/flowmodels" --theme high-contrast 2>&1 </dev/null) && bad "$r: workbench without a terminal"
  grep -q "needs a terminal" <<<"$out" && ok || bad "$r: --theme high-contrast: $out"
}

# --version: project()'s version, and the commit when built from git
v=$("$FM" --version)
want=$(sed -n 's/^project(flowmodels VERSION \([0-9.]*\).*/\1/p' "$FM_SOURCE_DIR/CMakeLists.txt")
[[ $v =~ ^flowmodels\ $want(\ \(git\ ([0-9a-f]{12})(-dirty)?\))?$ ]] && ok || bad "--version: '$v' (want $want)"
if git -C "$FM_SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
  # (a commit of this repository; HEAD may have moved since the build)
  c=${BASH_REMATCH[2]:-none}
  git -C "$FM_SOURCE_DIR" cat-file -e "$c^{commit}" 2>/dev/null && ok || bad "--version: '$v': no commit of $FM_SOURCE_DIR"
fi

cmake --install "$B" --prefix "$T/prefix" >/dev/null && ok || bad "cmake --install --prefix"
check_tree "$T/prefix"
DESTDIR=$T/root cmake --install "$B" --prefix /usr/local >/dev/null && ok || bad "DESTDIR install"
check_tree "$T/root/usr/local"
expect_eq "DESTDIR: nothing outside the prefix" "$(ls "$T/root")" "usr"

# the installed shard script, through a link in another directory
GEN=$B/gen-dataset
if [ -x "$GEN" ] && command -v parallel >/dev/null; then
  "$GEN" 3001 "$T/ds" 2>/dev/null
  mkdir -p "$T/bin" && ln -s "$T/prefix/share/flowmodels/scripts/shard-parallel.sh" "$T/bin/shard"
  FLOWMODELS=$T/prefix/bin/flowmodels "$T/bin/shard" -n 3 -j 2 -O "$T/sh" "$T/ds" -x size -b 12 > "$T/sh.out" 2>&1 &&
    ok || bad "installed shard-parallel.sh: $(tail -2 "$T/sh.out")"
  "$FM" hist -q -i binary -x size -b 12 "$T/ds" > "$T/whole.csv"
  cmp -s "$T/whole.csv" "$T/sh/hist.csv" && ok || bad "installed shard-parallel.sh: merged hist differs"
fi

# the program in the build tree finds the themes copied beside it
out=$("$FM" --theme nosuch 2>&1 </dev/null) && bad "build tree: unknown theme accepted"
grep -qF "(themes: $themes)" <<<"$out" && ok || bad "build tree: themes not found: $out"
finish
