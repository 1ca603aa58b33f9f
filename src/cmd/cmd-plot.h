/*
 * cmd-plot.h - options shared by plot and series-plot (cmd-plot.c).
 */
#ifndef FLOWMODELS_CMD_PLOT_H
#define FLOWMODELS_CMD_PLOT_H

#include "flowmodels/plot.h"
#include "cmd.h"

enum {
	OPT_PLOT_FORMAT = OPT_COMMON_END,
	OPT_PLOT_SIZE,
	OPT_PLOT_TITLE,
	OPT_PLOT_GNUPLOT,
	OPT_PLOT_END /* first id free for the command */
};

#define CMD_OPTS_PLOT                                                          \
	{OPT_PLOT_FORMAT,                                                      \
	 0,                                                                    \
	 "format",                                                             \
	 CMD_OPT_STR,                                                          \
	 "F",                                                                  \
	 "image format: png (pngcairo), pdf (pdfcairo), svg, tex "             \
	 "(cairolatex: NAME.tex + NAME.pdf) (default: png)",                   \
	 "png|pdf|svg|tex"},                                                   \
	    {OPT_PLOT_SIZE,                                                    \
	     0,                                                                \
	     "size",                                                           \
	     CMD_OPT_STR,                                                      \
	     "WxH",                                                            \
	     "figure size in pixels; pdf and tex at 200 pixels per inch "      \
	     "(default: 1344x816)",                                            \
	     NULL},                                                            \
	    {OPT_PLOT_TITLE,                                                   \
	     0,                                                                \
	     "title",                                                          \
	     CMD_OPT_STR,                                                      \
	     "TEXT",                                                           \
	     "a title above every figure (default: none for plot, the day "    \
	     "for series-plot)",                                               \
	     NULL},                                                            \
	{                                                                      \
		OPT_PLOT_GNUPLOT, 0, "gnuplot", CMD_OPT_STR, "PROG",           \
		    "the gnuplot program (default: $FLOWMODELS_GNUPLOT, else " \
		    "gnuplot on PATH); "                                       \
		    "one-shot command lines only, never in a session",         \
		    "program"                                                  \
	}

/* Fill o from the shared options (defaults for the others). */
int cmd_plot_get_opts(const struct cmd_args *a, struct fm_plot_opts *o,
		      struct fm_error *err);

#endif
