/*
 * gof.c - goodness-of-fit statistics of a mixture against a histogram
 * column (see gof.h; formulas and sources in docs/commands/gof.md).
 *
 * The cells: (-inf, lo_0), then every bin [lo_i, hi_i) followed by the
 * gap [hi_i, lo_{i+1}) when there is one, and [hi_{n-1}, +inf).  At the
 * end e_j of cell j the data's cumulative count C_j and the model's
 * H_j = P(X < e_j), S_j = P(X >= e_j) are kept.  Differences of
 * cumulative shares are taken from the side where they are small
 * (H <= 0.5: D - H, else S - S_D) so that upper tails keep their
 * precision.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "flowmodels/fit.h"
#include "flowmodels/gof.h"

const double fm_gof_tail_q[FM_GOF_NTAIL] = {0.9, 0.99, 0.999, 0.9999};
const char *const fm_gof_tail_key[FM_GOF_NTAIL] = {"0.9", "0.99", "0.999",
						   "0.9999"};

void fm_gof_model_split(const struct fm_mixture *m, enum fm_mix_x xk, int64_t v,
			double *below, double *above)
{
	int64_t xmin = xk == FM_MIX_X_SIZE ? 64 : 1;

	if (v <= xmin) {
		*below = 0;
		*above = 1;
		return;
	}
	*below = fm_mixture_cdf(m, (double)v - 1.0);
	*above = fm_mixture_sf(m, (double)v - 1.0);
}

struct cells {
	size_t k;      /* number of cells */
	double *o;     /* observed weight of each cell */
	double *C;     /* cumulative observed weight at each cell's end */
	double *H, *S; /* model P(X < end), P(X >= end) */
	int64_t *end;  /* the end of each cell (the last one: unused) */
};

static void cells_free(struct cells *c)
{
	free(c->o);
	free(c->C);
	free(c->H);
	free(c->S);
	free(c->end);
}

static void cell_add(struct cells *c, int64_t end, double o)
{
	c->end[c->k] = end;
	c->o[c->k] = o;
	c->k++;
}

static int cells_build(struct cells *c, const struct fm_mixture *m,
		       enum fm_mix_x xk, const int64_t *lo, const int64_t *hi,
		       const double *w, size_t n, struct fm_error *err)
{
	size_t cap = 2 * n + 1;
	double cum = 0;

	c->k = 0;
	c->o = malloc(cap * sizeof(double));
	c->C = malloc(cap * sizeof(double));
	c->H = malloc(cap * sizeof(double));
	c->S = malloc(cap * sizeof(double));
	c->end = malloc(cap * sizeof(int64_t));
	if (!c->o || !c->C || !c->H || !c->S || !c->end) {
		cells_free(c);
		return fm_error_set(err, FM_ENOMEM, "gof: out of memory");
	}
	cell_add(c, lo[0], 0);
	for (size_t i = 0; i < n; i++) {
		cell_add(c, hi[i], w[i]);
		if (i + 1 < n && hi[i] < lo[i + 1])
			cell_add(c, lo[i + 1], 0);
	}
	cell_add(c, 0, 0); /* [hi_{n-1}, +inf) */
	for (size_t j = 0; j < c->k; j++) {
		cum += c->o[j];
		c->C[j] = cum;
		if (j + 1 == c->k) {
			c->H[j] = 1;
			c->S[j] = 0;
		} else {
			fm_gof_model_split(m, xk, c->end[j], &c->H[j],
					   &c->S[j]);
		}
	}
	return 0;
}

/* D_j - H_j from the side where both are small. */
static double cdf_diff(const struct cells *c, size_t j, double N)
{
	if (c->H[j] <= 0.5)
		return c->C[j] / N - c->H[j];
	return c->S[j] - (N - c->C[j]) / N;
}

/* The model probability of cell j. */
static double cell_p(const struct cells *c, size_t j)
{
	if (j == 0)
		return c->H[0];
	if (c->H[j - 1] <= 0.5)
		return c->H[j] - c->H[j - 1];
	return c->S[j - 1] - c->S[j];
}

static void stat_ks_ad(const struct cells *c, double N, struct fm_gof *g)
{
	double ks = 0, ad = 0;

	for (size_t j = 0; j < c->k; j++) {
		double d = cdf_diff(c, j, N), hs = c->H[j] * c->S[j];
		if (fabs(d) > ks)
			ks = fabs(d);
		if (j + 1 < c->k && hs > 0) {
			double t = 0.5 * (cell_p(c, j) + cell_p(c, j + 1));
			ad += d * d * t / hs;
		} else if (j + 1 < c->k && d != 0) {
			ad = INFINITY; /* the model says 0 or 1, the data do not
					*/
		}
	}
	g->ks = ks;
	g->ad = N * ad;
}

/* Pearson's chi-square over cells merged left to right until each group
 * expects >= 5; a short last group joins the one before. */
static void stat_chi2(const struct cells *c, double N, struct fm_gof *g)
{
	double stat = 0, go = 0, ge = 0, lo_ = 0, le = 0;
	size_t groups = 0;
	int have_last = 0;
	long df;

	for (size_t j = 0; j < c->k; j++) {
		go += c->o[j];
		ge += N * cell_p(c, j);
		if (ge >= 5) {
			if (have_last)
				stat += (lo_ - le) * (lo_ - le) / le;
			lo_ = go;
			le = ge;
			have_last = 1;
			groups++;
			go = ge = 0;
		}
	}
	if (!have_last) {
		lo_ = go;
		le = ge;
		groups = 1;
	} else if (go > 0 || ge > 0) {
		lo_ += go;
		le += ge;
	}
	stat +=
	    le > 0 ? (lo_ - le) * (lo_ - le) / le : (lo_ > 0 ? INFINITY : 0.0);
	df = (long)groups - 1 - g->k;
	if (df < 0)
		df = 0;
	g->chi2 = stat;
	g->chi2_df = df;
	g->chi2_groups = groups;
	g->chi2_p = df > 0 ? gsl_cdf_chisq_Q(stat, (double)df) : NAN;
}

/* The relative error of the model's S at the data's quantiles. */
static void stat_tail(const struct fm_mixture *m, enum fm_mix_x xk,
		      const int64_t *lo, const double *w, size_t n, double N,
		      struct fm_gof *g)
{
	double cum = 0;
	size_t i = 0;

	for (int q = 0; q < FM_GOF_NTAIL; q++) {
		double target = fm_gof_tail_q[q] * N, below, above, sd;
		/* the first bin whose inclusive cumulative reaches target */
		while (i + 1 < n && cum + w[i] < target) {
			cum += w[i];
			i++;
		}
		sd = (N - cum) / N;
		fm_gof_model_split(m, xk, lo[i], &below, &above);
		g->tail_x[q] = lo[i];
		g->tail[q] = above / sd - 1.0;
	}
}

int fm_gof_compute(const struct fm_mixture *m, enum fm_mix_x xk,
		   const int64_t *lo, const int64_t *hi, const double *w,
		   size_t n, struct fm_gof *g, struct fm_error *err)
{
	struct fm_mix_stats st;
	struct cells c;
	double N = 0;
	int r;

	if (n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "gof: the histogram has no bins");
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(w[i]) || w[i] < 0)
			return fm_error_set(
			    err, FM_EINVAL,
			    "gof: bin %zu: weight %g not finite or negative",
			    i + 1, w[i]);
		N += w[i];
	}
	if (!(N > 0))
		return fm_error_set(err, FM_EINVAL,
				    "gof: all weights are zero");
	r = fm_mixture_check(m, err);
	if (r < 0)
		return r;
	r = cells_build(&c, m, xk, lo, hi, w, n, err);
	if (r < 0)
		return r;
	fm_fit_quality(m, lo, hi, w, n, &st);
	g->n = st.n;
	g->k = st.k;
	g->loglik = st.loglik;
	g->aic = st.aic;
	g->bic = st.bic;
	stat_ks_ad(&c, N, g);
	stat_chi2(&c, N, g);
	stat_tail(m, xk, lo, w, n, N, g);
	cells_free(&c);
	return 0;
}

int fm_gof_histogram(const struct fm_mixture *m, enum fm_mix_x xk,
		     const struct fm_histogram *h, enum fm_hcol y,
		     struct fm_gof *g, struct fm_error *err)
{
	double *w;
	int r;

	if (!fm_histogram_has(h, y))
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no column '%s_sum'",
				    fm_hcol_name(y) ? fm_hcol_name(y) : "?");
	if (h->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "gof: the histogram has no bins");
	w = malloc(h->n * sizeof(double));
	if (!w)
		return fm_error_set(err, FM_ENOMEM, "gof: out of memory");
	fm_histogram_column(h, y, w, NULL);
	r = fm_gof_compute(m, xk, h->bin_lo, h->bin_hi, w, h->n, g, err);
	free(w);
	return r;
}
