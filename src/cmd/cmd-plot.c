/*
 * cmd-plot.c - `plot`: gnuplot figures of a histogram and its mixtures
 * (SPEC 7 "plot"; the work is in src/lib/plot.c), and the options shared
 * with series-plot (format, size, title, gnuplot program).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "flowmodels/plot.h"
#include "flowmodels/summary.h"
#include "cmd.h"
#include "cmd-plot.h"

enum {
	OPT_P_X = OPT_PLOT_END,
	OPT_P_SINGLE,
	OPT_P_NONORM,
	OPT_P_PMODE,
	OPT_P_CMODE,
	OPT_P_GOF,
	OPT_P_COMPARE,
};

static const struct cmd_opt plot_opts[] = {
    {OPT_P_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x axis value: length, size, duration or rate (default: the session "
     "object's x, or detected from the sums: the mean of the x column lies "
     "inside every bin)",
     "length|size|duration|rate"},
    CMD_OPTS_PLOT,
    {OPT_P_SINGLE, 0, "single", CMD_OPT_FLAG, NULL,
     "also draw the CDF and the three PDFs in one 2x2 figure `single`", NULL},
    {OPT_P_NONORM, 0, "no-normalize", CMD_OPT_FLAG, NULL,
     "PDF data points per bin as they are (log-binned), not divided by the bin "
     "distance",
     NULL},
    {OPT_P_PMODE, 'P', "pdf-mode", CMD_OPT_LIST, "MODE",
     "add to the PDF figures: comp (components), comp_stack (stacked "
     "components), "
     "comp_labels (components in the key), points (data points; always drawn)",
     "comp|comp_stack|comp_labels|points"},
    {OPT_P_CMODE, 'C', "cdf-mode", CMD_OPT_LIST, "MODE",
     "add to the CDF figure: comp, comp_stack, comp_labels",
     "comp|comp_stack|comp_labels"},
    {OPT_P_GOF, 0, "gof", CMD_OPT_FLAG, NULL,
     "also draw gof-residual (data / model per bin) and gof-pp (P-P) of "
     "the mixtures (see gof)",
     NULL},
    {OPT_P_COMPARE, 0, "compare", CMD_OPT_FLAG, NULL,
     "the second argument is a histogram B: draw compare-cdf (both CDFs) "
     "and compare-ratio (B / A per bin) instead (see compare)",
     NULL},
    CMD_OPT_OUTPUT("output directory, created when missing (default: "
		   "., in a replay the session file's directory)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

int cmd_plot_get_opts(const struct cmd_args *a, struct fm_plot_opts *o,
		      struct fm_error *err)
{
	fm_plot_opts_init(o);
	if (a->v[OPT_PLOT_FORMAT].set) {
		int f = fm_plot_format_from_name(a->v[OPT_PLOT_FORMAT].s);
		if (f < 0)
			return fm_error_set(
			    err, FM_EINVAL,
			    "--format: expected png, pdf, svg or tex, not '%s'",
			    a->v[OPT_PLOT_FORMAT].s);
		o->format = (enum fm_plot_format)f;
	}
	if (a->v[OPT_PLOT_SIZE].set) {
		const char *s = a->v[OPT_PLOT_SIZE].s;
		char *e1, *e2;
		long w = strtol(s, &e1, 10), h = 0;

		if (e1 != s && (*e1 == 'x' || *e1 == 'X'))
			h = strtol(e1 + 1, &e2, 10);
		else
			e2 = e1;
		if (e1 == s || (*e1 != 'x' && *e1 != 'X') || e2 == e1 + 1 ||
		    *e2 || w < 100 || h < 100 || w > 20000 || h > 20000)
			return fm_error_set(err, FM_EINVAL,
					    "--size: expected WxH in pixels, "
					    "each 100..20000, not '%s'",
					    s);
		o->width = (int)w;
		o->height = (int)h;
	}
	if (a->v[OPT_PLOT_TITLE].set)
		o->title = a->v[OPT_PLOT_TITLE].s;
	if (a->v[OPT_PLOT_GNUPLOT].set)
		o->gnuplot = a->v[OPT_PLOT_GNUPLOT].s;
	else if (getenv("FLOWMODELS_GNUPLOT") && *getenv("FLOWMODELS_GNUPLOT"))
		o->gnuplot = getenv("FLOWMODELS_GNUPLOT");
	return 0;
}

static int get_modes(const struct cmd_value *v, const char *opt,
		     unsigned allowed, unsigned *out, struct fm_error *err)
{
	*out = 0;
	for (size_t i = 0; i < v->nlist; i++) {
		unsigned m = fm_plot_mode_from_name(v->list[i]);
		if (!(m & allowed))
			return fm_error_set(
			    err, FM_EINVAL, "%s: unknown mode '%s' (%s)", opt,
			    v->list[i],
			    allowed & FM_PLOT_POINTS
				? "comp, comp_stack, comp_labels, points"
				: "comp, comp_stack, comp_labels");
		*out |= m;
	}
	return 0;
}

static int plot_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_plot_opts o;
	struct fm_histogram h;
	struct fm_mixture_dir mix;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	int xk = FM_X_AUTO, r, have_mix = a->npos > 1;
	unsigned nfiles = 0;
	double t0 = cmd_now();

	fm_histogram_init(&h);
	fm_mixture_dir_init(&mix);
	r = cmd_plot_get_opts(a, &o, &err);
	if (r == 0 && !*out)
		r = fm_error_set(&err, FM_EINVAL, "-O: empty directory name");
	if (r == 0)
		r = get_modes(&a->v[OPT_P_PMODE], "-P",
			      FM_PLOT_COMP | FM_PLOT_COMP_STACK |
				  FM_PLOT_COMP_LABELS | FM_PLOT_POINTS,
			      &o.pdf_modes, &err);
	if (r == 0)
		r = get_modes(&a->v[OPT_P_CMODE], "-C",
			      FM_PLOT_COMP | FM_PLOT_COMP_STACK |
				  FM_PLOT_COMP_LABELS,
			      &o.cdf_modes, &err);
	o.single = a->v[OPT_P_SINGLE].set > 0;
	o.normalize = a->v[OPT_P_NONORM].set == 0;
	if (r == 0 && a->v[OPT_P_X].set) {
		xk = fm_xkind_from_name(a->v[OPT_P_X].s);
		if (xk == FM_X_AUTO)
			r = fm_error_set(&err, FM_EINVAL,
					 "-x: expected length, size, duration "
					 "or rate, not '%s'",
					 a->v[OPT_P_X].s);
	} else {
		xk = fm_xkind_from_name(cmd_input_xkind(ctx, a, 0));
	}
	if (r == 0)
		r = fm_histogram_read(&h, a->pos[0], FM_HCOL_BASIC, &ctx->log,
				      &err);
	if (r == 0 && xk == FM_X_AUTO) {
		xk = fm_xkind_detect(&h, &err);
		if (xk < 0) {
			r = xk;
			fm_error_prefix(&err, "%s", a->pos[0]);
		}
	}
	if (r == 0 && xk == FM_X_DURATION)
		o.xtitle = "Flow duration [ms]";
	if (r == 0 && xk == FM_X_RATE)
		o.xtitle = "Flow rate [bit/s]";
	if (r == 0 && (a->v[OPT_P_GOF].set || a->v[OPT_P_COMPARE].set) &&
	    !have_mix)
		r = fm_error_set(
		    &err, FM_EINVAL, "--%s needs a second argument (%s)",
		    a->v[OPT_P_GOF].set ? "gof" : "compare",
		    a->v[OPT_P_GOF].set ? "the mixtures" : "histogram B");
	if (r == 0 && a->v[OPT_P_GOF].set && a->v[OPT_P_COMPARE].set)
		r = fm_error_set(&err, FM_EINVAL,
				 "give --gof or --compare, not both");
	if (r == 0 && a->v[OPT_P_COMPARE].set) {
		struct fm_histogram hb;
		fm_histogram_init(&hb);
		r = fm_histogram_read(&hb, a->pos[1], 0, &ctx->log, &err);
		if (r == 0)
			r = fm_plot_compare(&h, cmd_input_label(ctx, a, 0), &hb,
					    cmd_input_label(ctx, a, 1),
					    fm_xkind_mix(xk), &o, out,
					    &ctx->log, &nfiles, &err);
		fm_histogram_release(&hb);
		have_mix = 0;
		goto done;
	}
	if (r == 0 && have_mix)
		r = fm_mixture_dir_read(&mix, a->pos[1], &err);
	if (r == 0) {
		r = fm_plot_histogram(&h, have_mix ? &mix : NULL,
				      fm_xkind_mix(xk), &o, out, &ctx->log,
				      &nfiles, &err);
		if (r < 0 && err.code != FM_ENOTFOUND &&
		    err.code != FM_EEXTERNAL && err.code != FM_EIO)
			fm_error_prefix(&err, "%s", a->pos[0]);
	}
	if (r == 0 && a->v[OPT_P_GOF].set) {
		const struct fm_mixture *m3[3] = {&mix.flows, &mix.packets,
						  &mix.octets};
		unsigned more = 0;
		r = fm_plot_gof(&h, m3, fm_xkind_mix(xk), &o, out, &ctx->log,
				&more, &err);
		nfiles += more;
	}
done:
	fm_mixture_dir_release(&mix);
	fm_histogram_release(&h);
	if (r < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "plot: %u files (%s) written to %s in %.3f s", nfiles,
		    fm_plot_format_ext(o.format), out, cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_plot_entry = {
    .name = "plot",
    .alias = NULL,
    .summary = "draw CDF, PDF and average figures of a histogram and its "
	       "mixtures with gnuplot",
    .usage =
	"[-x length|size|duration|rate] [--format F] [--single] [-P MODE]... [-C "
	"MODE]... [--gof | --compare] [-O DIR] HISTOGRAM [MIXDIR | B]",
    .description =
	"Writes the figures cdf, pdf-flows, pdf-packets, pdf-octets, "
	"avg-packets,\n"
	"avg-octets and avg-packet_size (and single with --single) of a "
	"csv_hist\n"
	"file, with the mixtures of a mixture directory (flows.json, "
	"packets.json,\n"
	"octets.json) when one is given.  Each figure is an image, its "
	"gnuplot\n"
	"script NAME.gp and its data NAME.dat, kept together so that\n"
	"`gnuplot NAME.gp` re-creates the image after an edit.  Needs gnuplot\n"
	"(Debian: gnuplot-nox); --gnuplot or $FLOWMODELS_GNUPLOT name another\n"
	"program.  Duration and rate histograms, whose first bin is 0, get\n"
	"a symlog x axis (sgn(x) log10(1 + |x|): linear near 0, log beyond).",
    .opts = plot_opts,
    .min_pos = 1,
    .max_pos = 2,
    .exec = plot_exec,
    .flags = CMD_F_DOTOUT,
};
