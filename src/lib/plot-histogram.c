/*
 * plot-histogram.c - the figures of a histogram and its mixtures (plot.h
 * fm_plot_histogram): cdf, pdf-flows/packets/octets, avg-packets,
 * avg-octets, avg-packet_size and single, their data blocks from
 * struct fm_chartdata and their plot commands.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/plot.h"
#include "plot-int.h"

static const char *xlabel(const struct plot_run *p,
			  const struct fm_chartdata *cd)
{
	if (p->o->xtitle)
		return p->o->xtitle;
	return cd->xk == FM_MIX_X_SIZE ? "Flow size [octets]"
				       : "Flow length [packets]";
}

/*
 * The x axis of a figure: log, or for a histogram with a bin at or below
 * 0 (duration, rate) gnuplot's nonlinear axis through symlog(x) =
 * sgn(x) log10(1 + |x|) with tics at 0 and the powers of ten; the range
 * from the grid with 5% margins (in symlog units).
 */
static void xaxis(struct plot_run *p, const struct fm_chartdata *cd)
{
	double lo = cd->x[0], hi = cd->x[cd->n - 1], t0, t1, b;

	if (!cd->symlog) {
		gp_logaxis(p, "x");
		gp_range(p, "x", lo, hi, 1);
		return;
	}
	t0 = fm_chart_symlog(lo);
	t1 = fm_chart_symlog(hi);
	b = 0.05 * (t1 - t0);
	if (b == 0)
		b = 0.5;
	gp_symlog_axis(p, "x", fm_chart_symlog_inv(t0 - b),
		       fm_chart_symlog_inv(t1 + b), lo < 0);
}

/* Key label of component k: weight, distribution, parameters. */
static void comp_label(struct plot_run *p, const struct fm_mixture *m, size_t k)
{
	const struct fm_component *c = &m->comp[k];
	char buf[160];
	int np = fm_dist_nparams(c->dist), len;

	len = snprintf(buf, sizeof(buf), "%.4g %s [", c->weight,
		       fm_dist_name(c->dist));
	for (int j = 0; j < np && len < (int)sizeof(buf); j++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%.4g",
				j ? ", " : "", c->p[j]);
	if (len < (int)sizeof(buf) - 1)
		snprintf(buf + len, sizeof(buf) - (size_t)len, "]");
	gp_script_title_text(p, buf);
	gp_script_printf(p, " noenhanced");
}

/*
 * The component series of one mixture: dashed lines and/or stacked areas
 * from blocks "comp-NAME" / "stack-NAME" of data file dat.
 */
static void plot_comps(struct plot_run *p, const char *dat, const char *name,
		       const struct fm_mixture *m, unsigned modes, int *first)
{
	size_t K = m->n;

	if (modes & FM_PLOT_COMP_STACK)
		for (size_t k = 0; k < K; k++) {
			gp_script_printf(p, "%s",
					 *first ? "plot " : ", \\\n     ");
			*first = 0;
			gp_script_quoted(p, dat);
			gp_script_printf(
			    p,
			    " index 'stack-%s' using 1:%zu:%zu with "
			    "filledcurves lc %zu",
			    name, k + 2, k + 3, k + 1);
			if ((modes & FM_PLOT_COMP_LABELS) &&
			    !(modes & FM_PLOT_COMP)) {
				gp_script_printf(p, " title ");
				comp_label(p, m, k);
			}
		}
	if (modes & FM_PLOT_COMP)
		for (size_t k = 0; k < K; k++) {
			gp_script_printf(p, "%s",
					 *first ? "plot " : ", \\\n     ");
			*first = 0;
			gp_script_quoted(p, dat);
			gp_script_printf(
			    p,
			    " index 'comp-%s' using 1:%zu with lines "
			    "dt (8,6) lw 1.2 lc %zu",
			    name, k + 2, k + 1);
			if (modes & FM_PLOT_COMP_LABELS) {
				gp_script_printf(p, " title ");
				comp_label(p, m, k);
			}
		}
}

/* Data blocks of a mixture's components (x, comp..., and base+stack...). */
static void dat_comps(struct plot_run *p, const struct fm_chartdata *cd,
		      const char *name, const double *comp, const double *stack,
		      size_t K, double base)
{
	char bn[64];

	snprintf(bn, sizeof(bn), "comp-%s", name);
	gp_data_block(p, bn, "x, then w_k * component k for each k");
	for (size_t i = 0; i < cd->n; i++) {
		gp_data_number(p, cd->x[i], 0);
		for (size_t k = 0; k < K; k++)
			gp_data_column(p, comp[k * cd->n + i]);
		gp_data_printf(p, "\n");
	}
	snprintf(bn, sizeof(bn), "stack-%s", name);
	gp_data_block(
	    p, bn, "x, base of the first area, then components 1..k stacked");
	for (size_t i = 0; i < cd->n; i++) {
		gp_data_number(p, cd->x[i], 0);
		gp_data_column(p, base);
		for (size_t k = 0; k < K; k++)
			gp_data_column(p, stack[k * cd->n + i]);
		gp_data_printf(p, "\n");
	}
}

/* ---- the figures: data (dat != 0) and plot commands ---- */

static void cdf_data(struct plot_run *p, const struct fm_chartdata *cd)
{
	const double *l[3] = {cd->col[0].cdf, cd->col[1].cdf, cd->col[2].cdf};

	gp_data_block(
	    p, "line",
	    "x, CDF of flows, packets, octets (interpolated from the data)");
	gp_data_rows(p, cd->x, cd->n, l, 3);
	if (cd->col[0].mix) {
		const double *m[3] = {cd->col[0].mix_cdf, cd->col[1].mix_cdf,
				      cd->col[2].mix_cdf};
		gp_data_block(p, "model",
			      "x, mixture CDF of flows, packets, octets");
		gp_data_rows(p, cd->x, cd->n, m, 3);
		if (p->o->cdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK))
			for (int c = 0; c < 3; c++)
				dat_comps(
				    p, cd, gp_col_name[c], cd->col[c].comp_cdf,
				    cd->col[c].stack_cdf, cd->col[c].ncomp, 0);
	}
}

static void cdf_panel(struct plot_run *p, const struct fm_chartdata *cd,
		      const char *dat)
{
	static const char *const dts[3] = {"1", "(12,6)", "(3,4)"};
	int first = 1;

	gp_script_printf(
	    p,
	    "unset logscale\nunset label\nunset arrow\nset format y '%%g'\n");
	xaxis(p, cd);
	gp_script_printf(
	    p, "set yrange [-0.05:1.05]\nset ytics 0.2\nset mytics 2\n");
	gp_script_printf(p, "set xlabel ");
	gp_script_quoted(p, xlabel(p, cd));
	gp_script_printf(p, "\nset ylabel 'CDF (fraction of)'\n");
	if (cd->col[0].mix && (p->o->cdf_modes & FM_PLOT_COMP_LABELS) &&
	    (p->o->cdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)))
		gp_outside_key(p);
	else
		gp_script_printf(p, "set key bottom right\n");
	gp_title(p);
	if (cd->col[0].mix)
		for (int c = 0; c < 3; c++)
			plot_comps(p, dat, gp_col_name[c], cd->col[c].mix,
				   p->o->cdf_modes, &first);
	for (int c = 0; c < 3; c++) {
		gp_script_printf(p, "%s", first ? "plot " : ", \\\n     ");
		first = 0;
		gp_script_quoted(p, dat);
		gp_script_printf(p, " index 'line' using 1:%d with lines lw 4 ",
				 c + 2);
		gp_color(p, gp_col_rgb[c], 0.5);
		gp_script_printf(p, " title '%s (data)'", gp_col_name[c]);
	}
	if (cd->col[0].mix)
		for (int c = 0; c < 3; c++) {
			gp_script_printf(p, ", \\\n     ");
			gp_script_quoted(p, dat);
			gp_script_printf(
			    p,
			    " index 'model' using 1:%d with lines lw 2 dt %s ",
			    c + 2, dts[c]);
			gp_color(p, RGB_MODEL, 0.6);
			gp_script_printf(p, " title '%s (model)'",
					 gp_col_name[c]);
		}
	gp_script_printf(p, "\n");
}

static void pdf_data(struct plot_run *p, const struct fm_chartdata *cd, int c)
{
	const struct fm_chart_col *k = &cd->col[c];
	double lo = 1, hi = 1;

	gp_data_block(
	    p, "points",
	    cd->normalized
		? "bin_lo, column / total / distance to the next bin_lo "
		  "(normalised data points)"
		: "bin_lo, column / total (data points, not normalised)");
	gp_data_xy_rows(p, cd->bx, cd->nbins, k->pts);
	gp_data_block(p, "line", "x, PDF inferred from the interpolated CDF");
	gp_data_xy_rows(p, cd->x, cd->n, k->pdf);
	if (k->mix) {
		gp_data_block(p, "model", "x, mixture PDF");
		gp_data_xy_rows(p, cd->x, cd->n, k->mix_pdf);
		if (p->o->pdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)) {
			gp_posrange(k->pdf, cd->n, &lo, &hi);
			dat_comps(p, cd, gp_col_name[c], k->comp_pdf,
				  k->stack_pdf, k->ncomp,
				  lo * pow(10, -0.05 * log10(hi / lo)));
		}
	}
}

static void pdf_panel(struct plot_run *p, const struct fm_chartdata *cd, int c,
		      const char *dat)
{
	const struct fm_chart_col *k = &cd->col[c];
	double lo = 1, hi = 1;
	int first = 1;

	gp_script_printf(p,
			 "unset logscale\nunset label\nunset arrow\nset ytics "
			 "autofreq\nset mytics default\n");
	xaxis(p, cd);
	gp_logaxis(p, "y");
	if (gp_posrange(k->pdf, cd->n, &lo, &hi))
		gp_range(p, "y", lo, hi, 1);
	gp_script_printf(p, "set xlabel ");
	gp_script_quoted(p, xlabel(p, cd));
	gp_script_printf(p, "\nset ylabel 'PDF of %s'\n", gp_col_name[c]);
	if (k->mix && (p->o->pdf_modes & FM_PLOT_COMP_LABELS) &&
	    (p->o->pdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)))
		gp_outside_key(p);
	else
		gp_script_printf(p, "set key top right\n");
	gp_title(p);
	if (k->mix)
		plot_comps(p, dat, gp_col_name[c], k->mix, p->o->pdf_modes,
			   &first);
	gp_script_printf(p, "%s", first ? "plot " : ", \\\n     ");
	gp_script_quoted(p, dat);
	gp_script_printf(p,
			 " index 'points' using 1:2 with points pt 5 ps 0.25 ");
	if (cd->normalized) {
		gp_color(p, gp_col_rgb[c], 1);
		gp_script_printf(p, " title 'data points (normalized)'");
	} else {
		gp_color(p, RGB_RAW, 1);
		gp_script_printf(p, " title 'data points (log-binned)'");
	}
	gp_script_printf(p, ", \\\n     ");
	gp_script_quoted(p, dat);
	gp_script_printf(p, " index 'line' using 1:2 with lines lw 4 ");
	gp_color(p, gp_col_rgb[c], 0.5);
	gp_script_printf(p, " title 'inferred from data points'");
	if (k->mix) {
		gp_script_printf(p, ", \\\n     ");
		gp_script_quoted(p, dat);
		gp_script_printf(p,
				 " index 'model' using 1:2 with lines lw 2 ");
		gp_color(p, RGB_MODEL, 0.5);
		gp_script_printf(p, " title 'model'");
	}
	gp_script_printf(p, "\n");
}

/* avg-packets (c = 1), avg-octets (c = 2), avg-packet_size (c = -1). */
static void avg_data(struct plot_run *p, const struct fm_chartdata *cd, int c)
{
	const double *pts = c < 0 ? cd->ps_pts : cd->col[c].avg_pts;
	const double *line = c < 0 ? cd->ps_line : cd->col[c].avg_line;
	const double *mix = c < 0 ? cd->ps_mix : cd->col[c].mix_avg;

	gp_data_block(p, "points",
		      c < 0 ? "bin_lo, octets_sum / packets_sum of the bin"
			    : "bin_lo, column sum / flows_sum of the bin");
	gp_data_xy_rows(p, cd->bx, cd->nbins, pts);
	gp_data_block(p, "line", "x, average inferred from the data PDFs");
	gp_data_xy_rows(p, cd->x, cd->n, line);
	if (mix) {
		gp_data_block(p, "model", "x, average from the mixtures");
		gp_data_xy_rows(p, cd->x, cd->n, mix);
	}
}

static void avg_panel(struct plot_run *p, const struct fm_chartdata *cd, int c,
		      const char *dat)
{
	const char *rgb = c < 0 ? RGB_PS : gp_col_rgb[c];
	const double *mix = c < 0 ? cd->ps_mix : cd->col[c].mix_avg;

	gp_script_printf(p, "unset logscale\nunset label\nunset arrow\n");
	xaxis(p, cd);
	gp_script_printf(p, "set xlabel ");
	gp_script_quoted(p, xlabel(p, cd));
	gp_script_printf(p, "\n");
	if (c < 0) {
		double x0 = cd->x[0], x1 = cd->x[cd->n - 1];
		double lx =
		    cd->symlog
			? fm_chart_symlog_inv(0.75 * fm_chart_symlog(x0) +
					      0.25 * fm_chart_symlog(x1))
			: pow(10, log10(x1 - x0 > 0 ? x1 - x0 : 1) * 0.25 +
				      log10(x0));
		const double g[3] = {cd->ps_min, cd->ps_avg, cd->ps_max};
		const char *gn[3] = {"min", "avg", "max"};

		gp_script_printf(p,
				 "set yrange [0:2000]\nset ytics autofreq\nset "
				 "format y '%%g'\n");
		gp_script_printf(p, "set ylabel 'Average packet size "
				    "[bytes]'\nset key top right\n");
		for (int i = 0; i < 3; i++) {
			if (!isfinite(g[i]))
				continue;
			gp_script_printf(
			    p,
			    "set arrow from graph 0, first %.17g to "
			    "graph 1, first %.17g nohead back lw 2 ",
			    g[i], g[i]);
			gp_color(p, RGB_GUIDE, 0.35);
			gp_script_printf(
			    p,
			    "\nset label '%s = %.2f' at %.17g, %.17g "
			    "center front boxed\n",
			    gn[i], g[i], lx, g[i]);
		}
	} else {
		gp_logaxis(p, "y");
		gp_script_printf(p, "set ylabel '%s'\nset key top left\n",
				 c == 1 ? "Average packets [packets]"
					: "Average octets [bytes]");
	}
	gp_title(p);
	gp_script_printf(p, "plot ");
	gp_script_quoted(p, dat);
	gp_script_printf(p,
			 " index 'points' using 1:2 with points pt 5 ps 0.25 ");
	gp_color(p, rgb, 1);
	gp_script_printf(p, " title 'data points', \\\n     ");
	gp_script_quoted(p, dat);
	gp_script_printf(p, " index 'line' using 1:2 with lines lw 4 ");
	gp_color(p, rgb, 0.5);
	gp_script_printf(p, " title 'inferred from data points'");
	if (mix) {
		gp_script_printf(p, ", \\\n     ");
		gp_script_quoted(p, dat);
		gp_script_printf(p,
				 " index 'model' using 1:2 with lines lw 3 ");
		gp_color(p, RGB_MODEL, 0.5);
		gp_script_printf(p, " title 'inferred from model'");
	}
	gp_script_printf(p, "\n");
}

int fm_plot_histogram(const struct fm_histogram *h,
		      const struct fm_mixture_dir *mix, enum fm_mix_x xk,
		      const struct fm_plot_opts *o, const char *outdir,
		      const struct fm_log *log, unsigned *nfiles,
		      struct fm_error *err)
{
	struct fm_chartdata cd;
	struct plot_run p;
	int r;

	if (nfiles)
		*nfiles = 0;
	r = fm_chartdata_build(&cd, h, mix, xk, FM_CHART_NPOINTS, o->normalize,
			       err);
	if (r < 0)
		return r;
	if (cd.n < 2) {
		fm_chartdata_release(&cd);
		return fm_error_set(err, FM_EINVAL,
				    "histogram spans a single x value: nothing "
				    "to plot on a log axis");
	}
	r = gp_open_run(&p, o, outdir, err);
	if (r == 0) {
		gp_preamble(&p, "cdf", 1, "CDF of flows, packets and octets");
		cdf_data(&p, &cd);
		cdf_panel(&p, &cd, "cdf.dat");
		r = gp_emit(&p, "cdf", err);
	}
	for (int c = 0; c < 3 && r == 0; c++) {
		char name[32], dat[40];

		snprintf(name, sizeof(name), "pdf-%s", gp_col_name[c]);
		snprintf(dat, sizeof(dat), "%s.dat", name);
		gp_preamble(&p, name, 1,
			    c == 0   ? "PDF of flows"
			    : c == 1 ? "PDF of packets"
				     : "PDF of octets");
		pdf_data(&p, &cd, c);
		pdf_panel(&p, &cd, c, dat);
		r = gp_emit(&p, name, err);
	}
	if (r == 0 && o->single) {
		gp_preamble(
		    &p, "single", 2,
		    "CDF and the three PDFs (data in cdf.dat and pdf-*.dat)");
		gp_script_printf(&p, "set multiplot layout 2,2\n");
		cdf_panel(&p, &cd, "cdf.dat");
		pdf_panel(&p, &cd, 0, "pdf-flows.dat");
		pdf_panel(&p, &cd, 1, "pdf-packets.dat");
		pdf_panel(&p, &cd, 2, "pdf-octets.dat");
		gp_script_printf(&p, "unset multiplot\n");
		r = gp_emit(&p, "single", err);
	}
	for (int c = 1; c <= 3 && r == 0; c++) {
		int k = c == 3 ? -1 : c;
		const char *name = c == 1   ? "avg-packets"
				   : c == 2 ? "avg-octets"
					    : "avg-packet_size";
		char dat[40];

		snprintf(dat, sizeof(dat), "%s.dat", name);
		gp_preamble(&p, name, 1,
			    c == 1   ? "average packets per flow"
			    : c == 2 ? "average octets per flow"
				     : "average packet size");
		avg_data(&p, &cd, k);
		avg_panel(&p, &cd, k, dat);
		r = gp_emit(&p, name, err);
	}
	if (r == 0)
		r = gp_run_gnuplot(&p, log, err);
	if (r == 0)
		r = gp_commit(&p, nfiles, err);
	if (p.tmpdir || p.nscripts)
		gp_close_run(&p);
	fm_chartdata_release(&cd);
	return r;
}
