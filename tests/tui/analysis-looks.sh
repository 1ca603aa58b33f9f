#!/usr/bin/env bash
# The whole analysis (tests/tui/analysis.bash) without colours (NO_COLOR)
# and with the light theme: every step's key line readable on the
# screen, no crash, the same exports; without colours no colour escape
# reaches the screen, with the light theme the data and the model differ.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/analysis.bash"

# SGR colour codes 30-38/40-48/90-97/100-107 in the chart's rows
chart_colors() {
	screen_esc | sed -n '2,30p' | grep -oE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' | sort -u
}
on_chart() {
	local c
	c=$(chart_colors)
	echo "$LOOK: $(grep -c . <<<"$c") colour codes on the chart's rows"
	if [ "$LOOK" = nocolor ]; then
		[ -z "$c" ] || bad "NO_COLOR: colours on the screen: $(printf '%q' "$c")"
	else
		# the light theme: at least the frame, data and the axis differ
		[ "$(wc -l <<<"$c")" -ge 3 ] || bad "light theme: $(wc -l <<<"$c") colours on the chart"
	fi
	# the chart is drawn: its axis title and the legend's data line
	wait_for "Flow size \\[B\\]" 1
	wait_for "data" 1
}

LOOK=nocolor
run_analysis 140 45 NO_COLOR=1
mv "$T/out" "$T/out-nocolor"
LOOK=light
run_analysis 140 45 -- --theme light
mv "$T/out" "$T/out-light"
same_exports "$T/out-nocolor" "$T/out-light"
finish
