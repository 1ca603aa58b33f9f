/*
 * plot-quality.c - model quality figures (plot.h fm_plot_gof,
 * fm_plot_compare): gof residuals, P-P, and two histograms compared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/compare.h"
#include "flowmodels/gof.h"
#include "flowmodels/plot.h"
#include "plot-int.h"

/* ---- model quality (issue 19): gof residuals, P-P, compare ---- */

/* The plot command of one line per y that has data: dat's block y. */
static void plot_per_y(struct plot_run *p, const char *dat, const int *have,
		       const char *using, const char *style, const char *suffix)
{
	int first = 1;

	for (int c = 0; c < 3; c++) {
		if (!have[c])
			continue;
		gp_script_printf(p, "%s", first ? "plot " : ", \\\n     ");
		first = 0;
		gp_script_quoted(p, dat);
		gp_script_printf(p, " index '%s%s' using %s %s ",
				 gp_col_name[c], suffix, using, style);
		gp_color(p, gp_col_rgb[c], 0.3);
		gp_script_printf(p, " title '%s%s'", gp_col_name[c], suffix);
	}
}

int fm_plot_gof(const struct fm_histogram *h,
		const struct fm_mixture *const *mix, enum fm_mix_x xk,
		const struct fm_plot_opts *o, const char *outdir,
		const struct fm_log *log, unsigned *nfiles,
		struct fm_error *err)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	struct plot_run p;
	int have[3], r, any = 0;

	if (nfiles)
		*nfiles = 0;
	for (int c = 0; c < 3; c++) {
		have[c] = mix[c] && fm_histogram_has(h, ycol[c]);
		any |= have[c];
	}
	if (!any || h->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "gof figures: no y that both the histogram "
				    "and a mixture have");
	r = gp_open_run(&p, o, outdir, err);
	if (r < 0)
		return r;
	/* residuals: data share / model probability of every bin */
	gp_preamble(&p, "gof-residual", 1,
		    "data / model probability of every bin");
	for (int c = 0; c < 3; c++) {
		double N = 0;
		if (!have[c])
			continue;
		for (size_t i = 0; i < h->n; i++)
			N += fm_histogram_get(h, ycol[c], i);
		gp_data_block(
		    &p, gp_col_name[c],
		    "bin_lo, (Y_sum / N) / P(bin), P(bin) as generate "
		    "draws it");
		for (size_t i = 0; i < h->n; i++) {
			double b0, a0, b1, a1, pb;
			fm_gof_model_split(mix[c], xk, h->bin_lo[i], &b0, &a0);
			fm_gof_model_split(mix[c], xk, h->bin_hi[i], &b1, &a1);
			pb = b0 <= 0.5 ? b1 - b0 : a0 - a1;
			gp_data_number(&p, (double)h->bin_lo[i], 0);
			gp_data_column(
			    &p, pb > 0
				    ? fm_histogram_get(h, ycol[c], i) / N / pb
				    : NAN);
			gp_data_column(&p, pb);
			gp_data_printf(&p, "\n");
		}
	}
	gp_script_printf(&p, "set xlabel ");
	gp_script_quoted(&p, xk == FM_MIX_X_SIZE ? "Flow size [octets]"
						 : "Flow length [packets]");
	gp_script_printf(&p, "\nset ylabel 'data / model (per bin)'\n");
	gp_logaxis(&p, "x");
	gp_logaxis(&p, "y");
	gp_range(&p, "x", (double)h->bin_lo[0], (double)h->bin_lo[h->n - 1], 1);
	gp_script_printf(&p,
			 "set key top left\nset arrow from graph 0, first 1 "
			 "to graph 1, first 1 nohead dt 2 lc rgb '#000000'\n");
	gp_title(&p);
	plot_per_y(&p, "gof-residual.dat", have, "1:($2 > 0 ? $2 : NaN)",
		   "with points pt 7 ps 0.4", "");
	gp_script_printf(&p, "\n");
	r = gp_emit(&p, "gof-residual", err);
	/* P-P: the model's cumulative probability against the data's */
	if (r == 0) {
		gp_preamble(&p, "gof-pp", 1,
			    "P-P: data CDF against model CDF at the bin edges");
		for (int c = 0; c < 3; c++) {
			double N = 0, cum = 0;
			if (!have[c])
				continue;
			for (size_t i = 0; i < h->n; i++)
				N += fm_histogram_get(h, ycol[c], i);
			gp_data_block(&p, gp_col_name[c],
				      "model P(X < bin_hi), data share below "
				      "bin_hi, bin_hi");
			for (size_t i = 0; i < h->n; i++) {
				double b, a;
				cum += fm_histogram_get(h, ycol[c], i);
				fm_gof_model_split(mix[c], xk, h->bin_hi[i], &b,
						   &a);
				gp_data_number(&p, b, 0);
				gp_data_column(&p, cum / N);
				gp_data_column(&p, (double)h->bin_hi[i]);
				gp_data_printf(&p, "\n");
			}
		}
		gp_script_printf(
		    &p, "set xlabel 'model CDF'\nset ylabel 'data CDF'\n");
		gp_script_printf(&p, "set xrange [0:1]\nset yrange [0:1]\nset "
				     "size square\nset key top left\n");
		gp_title(&p);
		gp_script_printf(
		    &p,
		    "set arrow from 0,0 to 1,1 nohead dt 2 lc rgb '#000000'\n");
		plot_per_y(&p, "gof-pp.dat", have, "1:2",
			   "with linespoints pt 7 ps 0.3", "");
		gp_script_printf(&p, "\n");
		r = gp_emit(&p, "gof-pp", err);
	}
	if (r == 0)
		r = gp_run_gnuplot(&p, log, err);
	if (r == 0)
		r = gp_commit(&p, nfiles, err);
	gp_close_run(&p);
	return r;
}

/* Cumulative shares of column c of h over the union u (NaN: absent). */
static void cmp_cdf_block(struct plot_run *p, const struct fm_histogram *h,
			  const struct fm_bin_union *u, const size_t *idx,
			  const int *have, const char *suffix)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	for (int c = 0; c < 3; c++) {
		double N = 0, cum = 0;
		char name[40];
		if (!have[c])
			continue;
		for (size_t i = 0; i < h->n; i++)
			N += fm_histogram_get(h, ycol[c], i);
		snprintf(name, sizeof(name), "%s%s", gp_col_name[c], suffix);
		gp_data_block(p, name, "bin_hi, cumulative share");
		for (size_t k = 0; k < u->n; k++) {
			if (idx[k] != SIZE_MAX)
				cum += fm_histogram_get(h, ycol[c], idx[k]);
			gp_data_number(p, (double)u->hi[k], 0);
			gp_data_column(p, N > 0 ? cum / N : NAN);
			gp_data_printf(p, "\n");
		}
	}
}

int fm_plot_compare(const struct fm_histogram *a, const char *name_a,
		    const struct fm_histogram *b, const char *name_b,
		    enum fm_mix_x xk, const struct fm_plot_opts *o,
		    const char *outdir, const struct fm_log *log,
		    unsigned *nfiles, struct fm_error *err)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	struct fm_bin_union u;
	struct fm_compare cmp;
	struct plot_run p;
	double *ratio[3] = {NULL, NULL, NULL};
	int have[3], r, any = 0;

	if (nfiles)
		*nfiles = 0;
	fm_bin_union_init(&u);
	r = fm_bin_union_make(&u, a, name_a, b, name_b, err);
	for (int c = 0; r == 0 && c < 3; c++) {
		have[c] = fm_histogram_has(a, ycol[c]) &&
			  fm_histogram_has(b, ycol[c]);
		if (!have[c])
			continue;
		any = 1;
		ratio[c] = malloc((u.n ? u.n : 1) * sizeof(double));
		if (!ratio[c])
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else
			r = fm_compare_column(a, name_a, b, name_b, &u, ycol[c],
					      &cmp, ratio[c], err);
	}
	if (r == 0 && !any)
		r = fm_error_set(err, FM_EINVAL,
				 "%s and %s have no flows, packets or octets "
				 "column in common",
				 name_a, name_b);
	if (r == 0)
		r = gp_open_run(&p, o, outdir, err);
	if (r < 0)
		goto out;
	gp_preamble(&p, "compare-cdf", 1, "CDFs of the two histograms");
	cmp_cdf_block(&p, a, &u, u.ia, have, " A");
	cmp_cdf_block(&p, b, &u, u.ib, have, " B");
	gp_script_printf(&p, "set xlabel ");
	gp_script_quoted(&p, xk == FM_MIX_X_SIZE ? "Flow size [octets]"
						 : "Flow length [packets]");
	gp_script_printf(&p, "\nset ylabel 'CDF (fraction of)'\nset yrange "
			     "[-0.05:1.05]\nset key bottom right\n");
	gp_logaxis(&p, "x");
	gp_range(&p, "x", (double)u.lo[0], (double)u.hi[u.n - 1], 1);
	for (int k = 0; k < 2; k++) {
		char lab[300];
		snprintf(lab, sizeof(lab), "%s: %s", k ? "B (dashed)" : "A",
			 k ? name_b : name_a);
		gp_script_printf(&p, "set label %d ", k + 1);
		gp_script_title_text(&p, lab);
		gp_script_printf(&p, " at graph 0.02, graph %.2f noenhanced\n",
				 0.95 - 0.05 * k);
	}
	gp_title(&p);
	plot_per_y(&p, "compare-cdf.dat", have, "1:2", "with steps lw 3", " A");
	for (int c = 0; c < 3; c++) {
		if (!have[c])
			continue;
		gp_script_printf(&p, ", \\\n     ");
		gp_script_quoted(&p, "compare-cdf.dat");
		gp_script_printf(
		    &p, " index '%s B' using 1:2 with steps lw 1.5 dt 2 ",
		    gp_col_name[c]);
		gp_color(&p, gp_col_rgb[c], 0.9);
		gp_script_printf(&p, " title '%s B'", gp_col_name[c]);
	}
	gp_script_printf(&p, "\n");
	r = gp_emit(&p, "compare-cdf", err);
	if (r == 0) {
		gp_preamble(&p, "compare-ratio", 1,
			    "B's share over A's, per bin");
		for (int c = 0; c < 3; c++) {
			if (!have[c])
				continue;
			gp_data_block(&p, gp_col_name[c],
				      "bin_lo, share in B / share in A");
			for (size_t k = 0; k < u.n; k++) {
				gp_data_number(&p, (double)u.lo[k], 0);
				gp_data_column(&p, ratio[c][k]);
				gp_data_printf(&p, "\n");
			}
		}
		gp_script_printf(&p, "set xlabel ");
		gp_script_quoted(&p, xk == FM_MIX_X_SIZE
					 ? "Flow size [octets]"
					 : "Flow length [packets]");
		gp_script_printf(
		    &p,
		    "\nset ylabel 'B / A (share per bin)'\nset key top left\n");
		gp_logaxis(&p, "x");
		gp_logaxis(&p, "y");
		gp_range(&p, "x", (double)u.lo[0], (double)u.lo[u.n - 1], 1);
		gp_script_printf(&p,
				 "set arrow from graph 0, first 1 to graph 1, "
				 "first 1 nohead dt 2 lc rgb '#000000'\n");
		gp_title(&p);
		plot_per_y(&p, "compare-ratio.dat", have,
			   "1:($2 > 0 ? $2 : NaN)", "with points pt 7 ps 0.4",
			   "");
		gp_script_printf(&p, "\n");
		r = gp_emit(&p, "compare-ratio", err);
	}
	if (r == 0)
		r = gp_run_gnuplot(&p, log, err);
	if (r == 0)
		r = gp_commit(&p, nfiles, err);
	gp_close_run(&p);
out:
	for (int c = 0; c < 3; c++)
		free(ratio[c]);
	fm_bin_union_release(&u);
	return r;
}
