/*
 * chartdata.h - the numbers behind every chart of a histogram and its
 * mixtures (SPEC section 7 "plot"): one implementation shared by the
 * gnuplot export (plot.h) and the workbench's terminal chart views
 * (src/tui).  No rendering here: only arrays of doubles.
 *
 * USING IT FOR A VIEW (workbench, src/tui):
 *
 *     struct fm_chartdata cd;
 *     // h: the histogram (flows, packets, octets columns), mix: a mixture
 *     // directory or NULL; FM_CHART_NPOINTS grid points; normalise = 1.
 *     if (fm_chartdata_build(&cd, h, mix, xk, FM_CHART_NPOINTS, 1, &err) < 0)
 *             ...show err.msg...
 *     const struct fm_chart_col *f = &cd.col[FM_HCOL_FLOWS];
 *     // PDF of flows view, in this order (data before models):
 *     //   points:  x = cd.bx,  y = f->pts,      n = cd.nbins  (CHART_POINTS)
 *     //   line:    x = cd.x,   y = f->pdf,      n = cd.n      (CHART_LINE)
 *     //   model:   x = cd.x,   y = f->mix_pdf,  n = cd.n      (if f->mix)
 *     //   comp k:  x = cd.x,   y = f->comp_pdf + k * cd.n     (k < f->ncomp)
 *     // CDF view: f->cdf and f->mix_cdf for each of the three columns.
 *     // Average packets/octets views (col[FM_HCOL_PACKETS/OCTETS]):
 *     //   points avg_pts over cd.bx, line avg_line and model mix_avg
 *     //   over cd.x.  Packet size: cd.ps_pts / cd.ps_line / cd.ps_mix
 *     //   and the guides cd.ps_min, cd.ps_avg, cd.ps_max.
 *     fm_chartdata_release(&cd);
 *
 * Values that cannot be computed (outside the data range, 0/0) are NaN;
 * renderers skip non-finite points and non-positive ones on log axes.
 * Building the whole set for a 12,000-bin histogram with 10-component
 * mixtures takes well under a millisecond per column, so a view may
 * rebuild it whenever the object or an option changes.
 *
 * The single functions below the bundle are the definitions (each
 * documented with its formula) and may be used on their own.
 */
#ifndef FLOWMODELS_CHARTDATA_H
#define FLOWMODELS_CHARTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"

/* Number of geometrically spaced points of the lines (the reference's). */
#define FM_CHART_NPOINTS 128

/*
 * The grid of the lines: n points geometrically spaced from xmin to xmax
 * as numpy.geomspace does (ends exact), rounded to integers (half to
 * even, as numpy.rint) and made unique.  out has room for n values;
 * returns the number written (<= n; 0 when n == 0 or xmin/xmax are not
 * positive with xmin <= xmax).
 */
size_t fm_chart_grid(double xmin, double xmax, size_t n, double *out);

/*
 * The symmetric log scale of x axes that include 0 or negative values
 * (duration and rate histograms, whose first bin is 0):
 * symlog(x) = sign(x) * log10(1 + |x|), linear near 0 and logarithmic
 * beyond; fm_chart_symlog_inv is its inverse.
 */
double fm_chart_symlog(double x);
double fm_chart_symlog_inv(double t);
/*
 * The grid for such an axis: n points equally spaced in symlog(x) from
 * xmin to xmax (ends exact), rounded to integers and made unique.
 * Returns the number written (0 when n == 0 or xmax < xmin).
 */
size_t fm_chart_grid_symlog(double xmin, double xmax, size_t n, double *out);

/*
 * The data CDF of column c at x[0..n): cumsum/total placed at each bin's
 * bin_lo, linearly interpolated as scipy's interp1d (the numbers of
 * summary); NaN outside [first bin_lo, last bin_lo].  0 or FM_EINVAL
 * (column absent, no bins, zero total).
 */
int fm_chart_data_cdf(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err);
/*
 * The PDF line from the CDF above: out[0] = cdf[0],
 * out[i] = (cdf[i] - cdf[i-1]) / (x[i] - x[i-1]).
 */
int fm_chart_data_pdf(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err);
/* The same difference step on a precomputed CDF (out may not alias cdf). */
void fm_chart_pdf_from_cdf(const double *x, const double *cdf, size_t n,
			   double *out);
/*
 * PDF data points, one per bin at its bin_lo: column value / column
 * total, and with normalize also divided by the distance to the next
 * bin's bin_lo (the last bin: its own width bin_hi - bin_lo).
 * out has h->n entries.
 */
int fm_chart_data_points(const struct fm_histogram *h, enum fm_hcol c,
			 int normalize, double *out, struct fm_error *err);
/* Average points: out[i] = Y_sum / flows_sum of bin i (NaN for 0 flows). */
int fm_chart_avg_points(const struct fm_histogram *h, enum fm_hcol c,
			double *out, struct fm_error *err);
/*
 * Average line: (total_Y / total_flows) * pdf_Y(x) / pdf_flows(x) with
 * the data PDF lines above.
 */
int fm_chart_avg_line(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err);
/* Packet size points: octets_sum / packets_sum per bin (NaN for 0/0). */
int fm_chart_ps_points(const struct fm_histogram *h, double *out,
		       struct fm_error *err);
/*
 * Packet size line: (total_octets / total_packets) * pdf_octets(x) /
 * pdf_packets(x).
 */
int fm_chart_ps_line(const struct fm_histogram *h, const double *x, size_t n,
		     double *out, struct fm_error *err);

/* Mixture CDF at x[0..n) (fm_mixture_cdf). */
void fm_chart_mix_cdf(const struct fm_mixture *m, const double *x, size_t n,
		      double *out);
/* Mixture PDF of discrete x (fm_mixture_pdf, SPEC 7 mixture functions). */
void fm_chart_mix_pdf(const struct fm_mixture *m, enum fm_mix_x xk,
		      const double *x, size_t n, double *out);
/*
 * Component k alone, times its normalised weight: w_k * cdf_k(x), and
 * w_k * pdf_k(x) with the same discrete rule as fm_mixture_pdf (for
 * length/size and x < 1024: cdf_k(x) - cdf_k(x - 1), x - 1 replaced by 0
 * at the minimum x).  The components sum to the mixture.
 */
void fm_chart_comp_cdf(const struct fm_mixture *m, size_t k, const double *x,
		       size_t n, double *out);
void fm_chart_comp_pdf(const struct fm_mixture *m, size_t k, enum fm_mix_x xk,
		       const double *x, size_t n, double *out);
/*
 * Stacked components: out[k * n + i] = sum of components 0..k at x[i]
 * (so the last row is the mixture), from the per-component rows comp
 * (m->n rows of n values, as fm_chart_comp_*).
 */
void fm_chart_stack(const double *comp, size_t ncomp, size_t n, double *out);
/* Model averages (fm_mixture_avg / fm_mixture_packet_size) at x. */
void fm_chart_mix_avg(const struct fm_mixture *flows,
		      const struct fm_mixture *y, enum fm_mix_x xk,
		      const double *x, size_t n, double *out);
void fm_chart_mix_ps(const struct fm_mixture *packets,
		     const struct fm_mixture *octets, enum fm_mix_x xk,
		     const double *x, size_t n, double *out);

/*
 * Rolling mean over the last window values (pandas' rolling(window,
 * min_periods=1).mean()): out[i] = mean of v[max(0, i - window + 1) .. i].
 * Sums are taken afresh per window (no drift); out may not alias v.
 */
void fm_chart_rolling_mean(const double *v, size_t n, size_t window,
			   double *out);
/*
 * Read a csv_series file (`series` output: one non-negative decimal
 * integer per line) into a malloc'ed array *out of *n values.  Errors
 * name file:line.  0 or FM_ENOTFOUND / FM_EIO / FM_EFORMAT / FM_ENOMEM.
 */
int fm_chart_series_read(const char *path, double **out, size_t *n,
			 struct fm_error *err);

/* ---- everything for the charts of one histogram (+ mixtures) ---- */

struct fm_chart_col {
	double total;	   /* column total */
	double *cdf, *pdf; /* data lines on the grid (n) */
	double *pts;	   /* PDF data points (nbins) */
	double *avg_pts;   /* Y/flows per bin (nbins; NULL for flows) */
	double *avg_line;  /* on the grid (NULL for flows) */
	const struct fm_mixture *mix;  /* NULL: no model for this column */
	double *mix_cdf, *mix_pdf;     /* model on the grid */
	size_t ncomp;		       /* components (0 without a model) */
	double *comp_cdf, *comp_pdf;   /* ncomp rows of n: w_k * cdf_k, pdf_k */
	double *stack_cdf, *stack_pdf; /* ncomp rows of n: cumulative sums */
	double *mix_avg;	       /* model average (packets, octets) */
};

struct fm_chartdata {
	enum fm_mix_x xk; /* FM_MIX_X_LENGTH, _SIZE or _OTHER */
	int normalized;	  /* pts are normalised */
	int symlog;	  /* x starts at or below 0: symlog grid and axis */
	size_t n;	  /* grid points */
	double *x;	  /* the grid (integers as doubles) */
	size_t nbins;
	double *bx;		    /* bin_lo of every bin */
	struct fm_chart_col col[3]; /* FM_HCOL_FLOWS, _PACKETS, _OCTETS */
	double *ps_pts, *ps_line;   /* packet size: nbins, n */
	double *ps_mix;		    /* model packet size (n) or NULL */
	double ps_min, ps_avg,
	    ps_max; /* guides: min/max of ps_pts, total avg */
};

/*
 * Compute everything for histogram h (flows, packets, octets columns,
 * at least one bin, positive totals) and optionally the mixture directory
 * mix (NULL = data only; it must outlive cd, as col[].mix points into
 * it), on a grid of npoints (FM_CHART_NPOINTS) between the first and
 * last bin_lo: geometric when the first bin_lo is positive, otherwise
 * (duration, rate: a bin 0) symlog (cd->symlog set).  xk:
 * FM_MIX_X_LENGTH, FM_MIX_X_SIZE or FM_MIX_X_OTHER.  Returns 0 or
 * FM_EINVAL / FM_ENOMEM; cd is left released on failure.
 */
int fm_chartdata_build(struct fm_chartdata *cd, const struct fm_histogram *h,
		       const struct fm_mixture_dir *mix, enum fm_mix_x xk,
		       size_t npoints, int normalize, struct fm_error *err);
void fm_chartdata_release(struct fm_chartdata *cd);
/*
 * The models alone of mixture directory mix on the grid of base (built
 * by fm_chartdata_build): x, n, xk and symlog as base's, the col[].mix_*,
 * comp_*, stack_* and mix_avg arrays and ps_mix as fm_chartdata_build
 * with mix gives them; no data arrays (NULL, nbins 0).  For several
 * mixtures over one histogram (the workbench's overlays) without
 * recomputing the data.  0 or FM_ENOMEM (cd released).
 */
int fm_chartdata_build_model(struct fm_chartdata *cd,
			     const struct fm_chartdata *base,
			     const struct fm_mixture_dir *mix,
			     struct fm_error *err);

#endif
