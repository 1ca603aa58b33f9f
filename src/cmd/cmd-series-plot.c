/*
 * cmd-series-plot.c - `series-plot`: a figure of the rate per second over
 * the day for every csv_series file that `series` wrote (flows, packets,
 * and octets drawn as bits), as a rolling mean (src/lib/plot.c).
 */
#include <stdio.h>
#include <string.h>

#include "flowmodels/plot.h"
#include "cmd.h"
#include "cmd-plot.h"

enum {
	OPT_SP_WINDOW = OPT_PLOT_END,
};

static const struct cmd_opt series_plot_opts[] = {
    CMD_OPTS_PLOT,
    {OPT_SP_WINDOW, 'w', "window", CMD_OPT_INT, "SECONDS",
     "rolling mean over this many seconds, 1..86400 (default: 30)", NULL},
    CMD_OPT_OUTPUT("output directory, created when missing (default: "
		   "., in a replay the session file's directory)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int series_plot_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_plot_opts o;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	int64_t window = a->v[OPT_SP_WINDOW].set ? a->v[OPT_SP_WINDOW].i : 30;
	double t0 = cmd_now();
	int r = cmd_plot_get_opts(a, &o, &err);

	/* the reference's series_plot draws PDFs of the working directory */
	if (r == 0 && ctx->invoked && !strcmp(ctx->invoked, "series_plot") &&
	    !a->v[OPT_PLOT_FORMAT].set)
		o.format = FM_PLOT_PDF;
	if (r == 0 && (window < 1 || window > 86400))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "--window: expected 1..86400 seconds, not %lld",
		    (long long)window);
	if (r == 0)
		r = fm_plot_series(a->npos ? a->pos[0] : ".", &o,
				   (unsigned)window, out, &ctx->log, &err);
	if (r < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "series-plot: %d figures (%s) written to %s in %.3f s",
		    r, fm_plot_format_ext(o.format), out, cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_series_plot_entry = {
    .name = "series-plot",
    .alias = "series_plot",
    .summary = "draw flows, packets and bits per second over the day from "
	       "series files",
    .usage = "[--format F] [--window SECONDS] [-O DIR] [DIR]",
    .description =
	"Reads the csv_series files DAY.flows, DAY.packets and DAY.octets "
	"that\n"
	"`series` wrote into DIR (86400 lines, one per second of the UTC day)\n"
	"and draws one figure per file: DAY.flows, DAY.packets and DAY.bits\n"
	"(octets times 8), each the rolling mean of the rate over --window\n"
	"seconds.  Each image comes with its gnuplot script NAME.gp and data\n"
	"NAME.dat.  Needs gnuplot (Debian: gnuplot-nox).  DIR defaults to the\n"
	"working directory.  Under its alias series_plot (the reference's "
	"tool\n"
	"name) the default --format is pdf, as the reference draws PDFs.",
    .opts = series_plot_opts,
    .min_pos = 0,
    .max_pos = 1,
    .exec = series_plot_exec,
    .flags = CMD_F_PATHPOS | CMD_F_DOTOUT,
};
