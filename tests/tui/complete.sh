#!/usr/bin/env bash
# Tab completion at the prompt (issue 18, item 15): a word completes to
# the candidates' common part, a second Tab lists them in columns (in the
# pager when they are more than the messages show); relative paths with
# ./, ../ and ~/ complete as typed, quoted when they hold blanks; inside
# a filter expression names complete to fields, pseudo-fields, protocols
# and keywords.  (complete.c's cases in detail: unit/test-complete.)
source "$(dirname "$0")/lib.bash"

mkdir -p "$T/data/sub" "$T/home/notes"
: > "$T/data/flows.csv"
: > "$T/data/flows2.csv"
: > "$T/my file.csv"
: > "$T/home/notes/a.txt"

start 100 30 HOME="$T/home"
wait_ready
# a directory completes with its /; two files to their common part
keys -l "load da"
keys Tab
wait_for "^fm> load data/ *$" 2
keys -l "fl"
keys Tab
wait_for "^fm> load data/flows *$" 2
# the second Tab lists the candidates
keys Tab
wait_for "2 completions of 'load data/flows':" 2
wait_for "data/flows\.csv +data/flows2\.csv" 1
keys C-u
# ./ and ../ kept as typed; a blank escaped
keys -l "load ./da"
keys Tab
wait_for "^fm> load \./data/ *$" 2
keys -l "sub/../fl"
keys Tab
wait_for "^fm> load \./data/sub/\.\./flows *$" 2
keys C-u
keys -l "load my"
keys Tab
wait_for '^fm> load my\\ file\.csv *$' 2
keys C-u
keys -l "load ~/no"
keys Tab
wait_for "^fm> load ~/notes/ *$" 2
keys C-u
# commands and options
keys -l "hist"
keys Tab Tab
wait_for "completions of 'hist':" 2
wait_for "hist +.*hist_np +history" 1
keys C-u
keys -l "fit x --itera"
keys Tab
wait_for "^fm> fit x --iterations *$" 2
keys C-u
# filter expressions: names, not commands or paths
keys -l 'filter d1 "(prot==6) & (s'
keys Tab Tab
wait_for "7 completions of 'filter d1 \"\(prot==6\) & \(s':" 2
wait_for "sa +sa0 +sa1 +sa2 +sa3 +sctp +sp" 1
keys -l "p == 443) & prot == tc"
keys Tab
wait_for '^fm> filter d1 "\(prot==6\) & \(sp == 443\) & prot == tcp *$' 2
keys C-u
keys -l "hist d1 --filter-expr 'dura"
keys Tab
wait_for "^fm> hist d1 --filter-expr 'duration *$" 2
keys C-u
# the whole vocabulary of a filter: more than the messages show, so the
# list opens in the pager too; q closes it
keys -l 'filter d1 "'
keys Tab Tab
wait_for "[0-9]+ completions of 'filter d1 \"': [0-9]+ lines" 2
wait_for "addr +da +dp +gre" 1
keys q
wait_gone "completions of 'filter d1 \"': [0-9]+ lines" 2
wait_for '^fm> filter d1 " *$' 1
keys C-u
type_line "quit"
wait_for "fm-exit=0" 5
finish
