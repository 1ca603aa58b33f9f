#!/usr/bin/env bash
# The reference's tool names and options (issue 26): hist_np (= hist,
# reading binary directories by default as the reference's hist_np does,
# with its -i -o -O -x -b -c) and series_plot (= series-plot), one-shot
# and in a session; listed as aliases in the command list and in the
# --help of the command; the reference options flowmodels does not take
# (--measure-memory, fit --test) refused with a
# one-line message saying what to use instead.
source "$(dirname "$0")/lib.bash"
G=$FM_SOURCE_DIR/tests/golden/hist

"$FM" convert -q -i csv_flow -o binary -O "$T/g.bin" "$G/flows-300.csv"

# hist_np DIR: binary input by default; every hist_np option of the reference
for args in "" "-x size -b 4" "-x length -b 2 -c duration -c rate" "-i binary -o csv_hist"; do
  # shellcheck disable=SC2086
  want=$("$FM" hist -q -i binary $args "$T/g.bin")
  # shellcheck disable=SC2086
  got=$("$FM" hist_np -q $args "$T/g.bin")
  expect_eq "hist_np $args" "$got" "$want"
  [ -n "$got" ] && ok || bad "hist_np $args: empty"
done
"$FM" hist_np -q -x size -O "$T/np.csv" "$T/g.bin"
expect_eq "hist_np -O" "$(cat "$T/np.csv")" "$("$FM" hist -q -i binary -x size "$T/g.bin")"
# the alias does not change hist itself: its default is still nfcapd
"$FM" hist -q "$T/g.bin" >/dev/null 2>&1 && bad "hist read binary by default" || ok

# in a session: the alias runs hist (on a loaded dataset and on a path)
cat > "$T/s.fms" <<X
set echo off
load g.bin as d
hist_np d -x size -b 4 -O s1.csv
hist_np g.bin -x length -O s2.csv
X
(cd "$T" && "$FM" --replay s.fms >/dev/null 2>err) || bad "session: $(cat "$T/err")"
expect_eq "session hist_np d" "$(cat "$T/s1.csv")" "$("$FM" hist -q -i binary -x size -b 4 "$T/g.bin")"
expect_eq "session hist_np path" "$(cat "$T/s2.csv")" "$("$FM" hist -q -i binary -x length "$T/g.bin")"

# series_plot = series-plot (help is the same page; a run fails alike)
expect_eq "series_plot --help" "$("$FM" series_plot --help)" "$("$FM" series-plot --help)"
expect_fail "series_plot no dir" "" "$FM" series_plot -q "$T/missing"

# series_plot with no argument in a directory of series files: PDFs there
if command -v gnuplot >/dev/null 2>&1; then
  mkdir -p "$T/ser"
  awk 'BEGIN {for (i = 0; i < 86400; i++) print i % 5}' > "$T/ser/16596.flows"
  (cd "$T/ser" && "$FM" series_plot -q) || bad "series_plot in cwd"
  [ "$(head -c 5 "$T/ser/16596.flows.pdf" 2>/dev/null)" = "%PDF-" ] && ok || bad "series_plot: no PDF"
  (cd "$T/ser" && "$FM" series-plot -q) || bad "series-plot in cwd"
  [ -s "$T/ser/16596.flows.png" ] && ok || bad "series-plot: default png"
fi

# listed as aliases
list=$("$FM" --help 2>&1 || true)
grep -q "^  hist .*(alias: hist_np)$" <<<"$list" && ok || bad "hist_np not in the command list"
grep -q "^  series-plot .*(alias: series_plot)$" <<<"$list" && ok || bad "series_plot not in the command list"
"$FM" hist_np --help | grep -qx "(alias: hist_np)" && ok || bad "hist --help alias"
"$FM" series_plot --help | grep -qx "(alias: series_plot)" && ok || bad "series-plot --help alias"

# reference options that flowmodels does not take: what to use instead
printf 'bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,5,5,500\n2,3,3,6,900\n' > "$T/h.csv"
expect_fail "hist_np --measure-memory" "/usr/bin/time -v" "$FM" hist_np --measure-memory "$T/g.bin"
expect_fail "fit --measure-memory" "/usr/bin/time -v" "$FM" fit --measure-memory -U 1 "$T/h.csv"
expect_fail "fit --test" "ctest -R fit" "$FM" fit --test "$T/h.csv"
# fit --interactive opens the fit view (tests/tui/fit-interactive.sh);
# without a terminal, or with bad input, one line and a failure status
expect_fail "fit --interactive, no terminal" "needs a terminal for the fit view" "$FM" fit --interactive "$T/h.csv" </dev/null
expect_fail "fit --interactive, no histogram" "nosuch.csv" "$FM" fit --interactive "$T/nosuch.csv"
expect_fail "fit --interactive --initial" "not from --initial" "$FM" fit --interactive --initial "$T/h.csv" "$T/h.csv"
expect_fail "fit --interactive -y" "expected flows, packets or octets" "$FM" fit --interactive -y bytes "$T/h.csv"
# in a session it says where the fit view is
printf 'fit %s --interactive -U 1\n' "$T/h.csv" > "$T/fi.fms"
expect_fail "fit --interactive in a session" "press f" "$FM" --replay "$T/fi.fms"
expect_fail "hist --prot" "prot == 6" "$FM" hist_np --prot tcp "$T/g.bin"
expect_fail "plot --fft" "nothing to compute by FFT" "$FM" plot --fft "$T/h.csv"
expect_fail "sort --measure-memory" "/usr/bin/time -v" "$FM" sort --measure-memory -k sa -O "$T/so" "$T/g.bin"
# a truly unknown option keeps the plain message
expect_fail "unknown option" "unknown option '--bogus'" "$FM" fit --bogus "$T/h.csv"
finish
