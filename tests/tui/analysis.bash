# analysis.bash - the whole analysis of issue 18 as a new user runs it
# at the prompt, for tests/tui/analysis*.sh (sourced after lib.bash):
# load flows, filter TLS, length and size histograms, fit flows, packets
# and octets into one mixture set from the fit view, generate flows from
# it as an object, compare them with the data, export TeX and PNG, save,
# quit.  Each step waits for its key line on the screen (capture-pane),
# so a screen that is unreadable at a size or in a look fails here.

# run_analysis COLS ROWS [ENV=VALUE...] [-- workbench options]: in $T;
# the exports land in $T/out, the session in $T/analysis.fms.
run_analysis() {
	local cols=$1 rows=$2 y
	shift 2
	rm -rf "$T/out" "$T/analysis.fms"
	mkdir -p "$T/data"
	[ -s "$T/data/flows.csv" ] || flows_csv 600 > "$T/data/flows.csv"
	start "$cols" "$rows" "$@"
	wait_ready
	type_line "load data/flows.csv as d1"
	wait_for "d1 +dataset 600 rec" 10
	wait_for "d1: dataset, 600 records" 1
	# no chart for a dataset: the note says so in whole words, wrapped
	wait_for "no chart for this kind of object" 2
	wait_for "time series\)" 1
	type_line 'filter d1 "(prot==6) & ((sp==443) | (dp==443))" as tls'
	wait_for "tls +view 600 rec" 10
	type_line "hist tls -x length -b 0 as hl"
	wait_for "hl +histogram" 10
	type_line "hist tls -x size -b 0 as hs"
	wait_for "hs +histogram" 10
	wait_for "Flow size \[B\]" 2
	# a look's own checks of the first chart (analysis-looks.sh)
	if declare -F on_chart >/dev/null; then on_chart; fi
	# the fit view of hl: flows, packets and octets into one set
	type_line "show hl"
	wait_for "object: hl" 2
	keys Tab
	wait_for "╔═ Objects" 2
	keys f
	wait_for "Fit hl -> flows \(keys\)" 2
	keys u l
	keys -l "30"
	wait_for "iterations +\[30_\]" 2
	for y in flows packets octets; do
		wait_for "Fit hl -> $y" 2
		keys Enter
		wait_for "30/30  done" 30
		keys s
		# the command in the messages, or (a short screen) in the info
		# panel's title: the provenance of m1
		wait_for "> fit hl -y $y -i 30 -U 1 -L 2 -P 0 as m1|m1: fit hl -y $y -i 30 -U 1 -P 0 -L 2 as m1" 5
		wait_for "m1: mixture, .*$y: 3 components|fit: $y: 3 components, 30 iterations" 30
		[ "$y" = octets ] && break
		keys Tab
		wait_for "╔═ Objects" 2
		keys f
		# the view remembers hl's settings: y is still the one just saved
		wait_for "Fit hl -> $y" 2
		keys y
	done
	if [ "$cols" -ge 140 ]; then
		wait_for "m1: mixture, flows: 3 components, log-likelihood [-0-9.e+]+; packets: 3 components, log-likelihood [-0-9.e+]+; octets: 3 comp" 5
	else # the same facts, cut with an ellipsis on a narrow screen
		wait_for "flows: 3 components, log-likelihood [-0-9.e+]+; packets: 3 comp" 5
	fi
	# s closed the view: the prompt has the keys again
	wait_for "^fm>" 2
	# generate as an object, compare with the data
	type_line "generate m1 -s 600 --seed 5 as g1"
	wait_for "g1: generated, 600 records" 30
	type_line "compare tls g1 -x length -b 0"
	wait_for "compare: |flows|KS" 30
	# a long table opens the pager: q closes it
	sleep 0.3
	screen >/dev/null
	if grep -q "lines (q closes" <<<"$SCREEN"; then
		keys q
		wait_gone "lines \(q closes" 2
	fi
	# exports: TeX and PNG; then save and quit
	type_line "summary hl -O out/hl.tex"
	wait_for "summary: hl written to out/hl.tex" 10
	type_line "plot hl m1 -O out/png"
	wait_for "plot: " 60
	type_line "export g1 -o csv_flow -O out/g1.csv"
	wait_for "export: g1 written to out/g1.csv" 30
	type_line "save analysis.fms"
	wait_for "saved [0-9]+ commands to .*analysis.fms" 10
	wait_for "session: analysis.fms" 2
	type_line "quit"
	wait_for "fm-exit=0" 10
	[ -s "$T/out/hl.tex" ] || bad "no TeX export"
	ls "$T/out/png" | grep -q '\.png$' || bad "no PNG export: $(ls "$T/out/png")"
	[ -s "$T/out/g1.csv" ] || bad "no generated records exported"
}

# same_exports DIR_A DIR_B: the two runs exported the same files.
same_exports() {
	local f g
	for f in hl.tex g1.csv $(cd "$1/png" && ls); do
		[ -f "$1/$f" ] && g=$f || g=png/$f
		cmp -s "$1/$g" "$2/$g" || bad "$g differs between $1 and $2"
	done
}
