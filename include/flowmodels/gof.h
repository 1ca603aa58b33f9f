/*
 * gof.h - goodness of fit of a mixture to a histogram column (issue 19;
 * definitions and sources in docs/commands/gof.md).
 *
 * The model's probability of a bin is the probability that `generate`
 * puts a value into it: a draw D of the mixture becomes X = trunc(D) + 1
 * (D <= 0 gives 1; for size data X >= 64), so for an integer v
 *   P(X < v) = 0 for v <= xmin (1 for length, 64 for size),
 *            = F(v - 1) above,
 * with F the mixture's CDF (the survival function S = 1 - F is computed
 * directly where that keeps precision).  A histogram of flows generated
 * from a mixture therefore scores ks ~ 1/sqrt(N) against it.
 *
 * The histogram's bins, the gaps between them and the two tails make a
 * partition of the integers ("cells"); ks, ad and chi2 are taken over it.
 * log_likelihood, aic and bic are fit's (fm_fit_quality).
 *
 * Pure functions of their inputs: no global state, no printing.
 */
#ifndef FLOWMODELS_GOF_H
#define FLOWMODELS_GOF_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"

/* The quantiles at which the tail error is taken: 0.9 ... 0.9999. */
#define FM_GOF_NTAIL 4
extern const double fm_gof_tail_q[FM_GOF_NTAIL];
/* Their JSON keys: "0.9", "0.99", "0.999", "0.9999". */
extern const char *const fm_gof_tail_key[FM_GOF_NTAIL];

struct fm_gof {
	double n; /* sum of the column */
	int k;	  /* free parameters of the mixture */
	double loglik, aic, bic;
	double ks;	    /* max |data CDF - model CDF| over the edges */
	double ad;	    /* binned Anderson-Darling A^2 */
	double chi2;	    /* Pearson's statistic over merged cells */
	long chi2_df;	    /* groups - 1 - k, at least 0 */
	double chi2_p;	    /* upper tail probability; NaN when df = 0 */
	size_t chi2_groups; /* cells after merging to expected >= 5 */
	double tail[FM_GOF_NTAIL];    /* S_model(x_q) / S_data(x_q) - 1 */
	int64_t tail_x[FM_GOF_NTAIL]; /* x_q: bin_lo of the q-quantile's bin */
};

/*
 * P(X < v) (*below) and P(X >= v) (*above) for X drawn as generate
 * draws from m with x kind xk (FM_MIX_X_LENGTH or FM_MIX_X_SIZE).
 */
void fm_gof_model_split(const struct fm_mixture *m, enum fm_mix_x xk, int64_t v,
			double *below, double *above);

/*
 * All statistics of m against bins [lo_i, hi_i) (ascending, not
 * overlapping) with weights w_i >= 0.  Errors (FM_EINVAL): no bins, a
 * weight not finite or negative, all weights zero, an invalid mixture.
 */
int fm_gof_compute(const struct fm_mixture *m, enum fm_mix_x xk,
		   const int64_t *lo, const int64_t *hi, const double *w,
		   size_t n, struct fm_gof *g, struct fm_error *err);

/* The same for column y of h (FM_EINVAL when h lacks it). */
int fm_gof_histogram(const struct fm_mixture *m, enum fm_mix_x xk,
		     const struct fm_histogram *h, enum fm_hcol y,
		     struct fm_gof *g, struct fm_error *err);

#endif
