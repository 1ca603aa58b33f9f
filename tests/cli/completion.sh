#!/usr/bin/env bash
# The bash completion generated from the command table (fm-gendoc):
# sourced alone in `bash --norc` (no bash-completion package), its
# function is called with COMP_WORDS/COMP_CWORD as bash would.  Checks
# commands, every option of every command against its --help, option
# choices, field names, files and directories, the split --opt=value form,
# aliases, and the global and workbench options.
source "$(dirname "$0")/lib.bash"
COMP=${FM_BUILD_DIR:?}/completion/flowmodels
[ -f "$COMP" ] || { echo "no $COMP: fm-gendoc did not run"; exit 1; }

# complete WORD... : the candidates for the last word, one a line, sorted
# (the word @ stands for an empty word)
complete_words() {
  local w words=()
  for w in "$@"; do [ "$w" = @ ] && words+=("") || words+=("$w"); done
  set -- "${words[@]}"
  env -i PATH="$PATH" HOME="$T" FLOWMODELS_THEMES="$FM_SOURCE_DIR/themes" \
    bash --norc --noprofile -c '
      set -u
      source "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
      COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      _flowmodels flowmodels "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      [ ${#COMPREPLY[@]} -eq 0 ] || printf "%q\n" "${COMPREPLY[@]}"' _ "$COMP" flowmodels "$@" | sed '/^$/d' | sort
}
line() { tr '\n' ' ' | sed 's/ $//'; }
# expect WHAT "WORDS" "WANT": WANT = the sorted candidates, space-separated
expect() { expect_eq "$1" "$(complete_words $2 | line)" "$3"; }
# expect_has WHAT "WORDS" CANDIDATE...
expect_has() {
  local got; got=$(complete_words $2); local what=$1; shift 2
  for c in "$@"; do grep -qxF -- "$c" <<<"$got" && ok || bad "$what: no '$c' in: $(line <<<"$got")"; done
}

# commands: the one-shot ones (session commands are workbench-only)
# (other commands may come: only what must be there, or must not)
expect_has "commands h" "h" help hist
expect_has "commands se" "se" series series-plot
# the reference's tool names (aliases) complete too
expect_has "reference names" "hist" hist hist_np
expect_has "reference names se" "series_" series_plot
expect_has "hist_np options" "hist_np -" -x -b -c -O
got=$(complete_words l)
grep -qxE "list|load" <<<"$got" && bad "session commands offered one-shot: $got" || ok
# every command of --help is known (help's argument), with every option
cmds=$("$FM" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | sort)
[ "$(wc -l <<<"$cmds")" -gt 10 ] && ok || bad "no command list in --help"
expect_eq "help @: every command" "$(complete_words help @ | line)" "$(line <<<"$cmds")"
expect_has "one-shot commands" "@" help convert hist fit plot
for c in $cmds; do
  want=$("$FM" "$c" --help | sed -n 's/^  \(-[^ ], \|    \)--\([a-z0-9-]*\).*/--\2/p' | sort | line)
  [ -n "$want" ] && ok || bad "no options in $c --help"
  expect_eq "options of $c" "$(complete_words "$c" -- | line)" "$want"
done
# option values: choices from the table's completion hints
expect "hist -x" "hist -x @" "duration length rate size"
expect "hist --x-value d" "hist --x-value d" "duration"
expect "hist --x-value=d" "hist --x-value=d" "--x-value=duration"
expect "hist --x-value = r (bash's split)" "hist --x-value = r" "rate"
expect "hist -c" "hist -c @" "aggs duration rate"
expect "convert -i" "convert -i @" "binary csv_flow nfcapd nfcapd-nfdump pipe"
expect "convert -o" "convert -o @" "binary csv_flow nfcapd text"
expect "fit -y" "fit -y @" "flows octets packets"
expect "plot --format" "plot --format @" "pdf png svg tex"
expect "alias anonymise" "anonymise --key-f" "--key-file"
# field names, files and directories
expect_has "filter-expr fields" "convert --filter-expr @" prot sp dp first_ms octets
mkdir -p "$T/files/dir1"; : > "$T/files/data.csv"
expect "-O files" "hist -O $T/files/d" "$T/files/data.csv $T/files/dir1"
expect "positional files" "hist $T/files/da" "$T/files/data.csv"
expect "free value (threads)" "hist --threads @" ""
# help: every command, session ones too
expect "help li" "help li" "list"
# global and workbench options
expect "global --ver" "--ver" "--version"
expect "--replay file" "--replay $T/files/da" "$T/files/data.csv"
expect "--color=" "--color=" "always auto never"
expect "--charset" "--charset @" "ascii block braille"
expect_has "--theme" "--theme @" default dark light high-contrast mono
finish
