/*
 * fit.h - EM fitting of distribution mixtures to histograms (SPEC 7).
 *
 * The algorithm is the reference's (flow-models 2.2 fit.py), reproduced
 * operation by operation where that matters for agreement (~1e-13 relative
 * on the shipped data): an initial mixture from U/P/L counts or a file;
 * per iteration an E-step (component densities, the first bin by CDF
 * difference, rows normalised and scaled by w_i / mean(w)), the lognorm
 * guard against the uniforms' upper end, analytic M-steps (norm, lognorm,
 * Pareto with fixed location), numeric ones (gamma: the exact root of the
 * digamma equation; weibull_min: 5 Newton steps as scipy's newton), and
 * the weight update with the optional Pareto weight cap.
 *
 * No global state: a fit works on its own buffers, so several fits can
 * run at once in different threads.  A fit can itself use several threads
 * (opts->threads): rows are processed in fixed blocks whose partial sums
 * are added in block order, so the result does not depend on the count.  A
 * progress callback after every iteration can watch the mixture evolve and
 * cancel the fit.
 */
#ifndef FLOWMODELS_FIT_H
#define FLOWMODELS_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "flowmodels/progress.h"

struct fm_fit_opts {
	unsigned max_iter;	  /* EM iterations (the reference's -i) */
	double max_pareto_w;	  /* > 0: cap genpareto weights (--mpw) */
	const struct fm_log *log; /* warnings; may be NULL */
	/* Threads for the E-step (0 or 1: the calling thread only).  The
	 * result is the same, bit for bit, for every thread count. */
	unsigned threads;
	/* Called after every iteration with done = iterations finished and
	 * total = max_iter; non-zero cancels (FM_ECANCEL). May be NULL. */
	const struct fm_progress *progress;
	/* Called after every iteration with the current mixture (weights
	 * and parameters); non-zero cancels.  May be NULL. */
	int (*on_iteration)(void *ctx, unsigned iter,
			    const struct fm_mixture *mix);
	void *ctx;
};

/*
 * The initial mixture of SPEC 7 from counts U, P, L and the histogram's
 * x range [xmin, xmax]: U uniforms [0, xmin + n], P Paretos, L lognorms
 * on geometrically spaced points.  Data starting at or below 0 (duration,
 * rate: a bin 0), which the reference cannot fit, gets the mixture of
 * the same data moved to start at 1 (x - xmin + 1, as length data),
 * moved back by xmin - 1: uniforms [xmin - 1, n + 1] that start where
 * the data starts, Pareto and lognorm locations xmin - 1 lower.  m is
 * released first.  Returns 0 or FM_EINVAL (no components, more uniforms
 * than x values).
 */
int fm_fit_initial(struct fm_mixture *m, int64_t xmin, int64_t xmax, unsigned U,
		   unsigned P, unsigned L, struct fm_error *err);

/*
 * Run the EM iterations on points x[0..n) (ascending bin_lo values) with
 * weights w[0..n), starting from and replacing m (weights and parameters;
 * m->sum and m->stats are left alone).  On error or cancel m is unchanged.
 * Errors: no points, weights not finite/negative or all zero, an x <= 0
 * with a component that takes log x, a genpareto location <= 0, an invalid
 * initial mixture.  Warnings (opts->log): components that start identical,
 * an M-step that produced non-finite parameters (the old ones are kept).
 */
int fm_fit_em(struct fm_mixture *m, const double *x, const double *w, size_t n,
	      const struct fm_fit_opts *opts, struct fm_error *err);

/*
 * Quality figures of m for bins [lo_i, hi_i) with weights w_i (SPEC 7):
 * L = sum w_i ln P_i, P_i = F(hi_i - 1) - F(lo_i - 1) (F(0) for the first
 * bin's lower end, or F(lo_0 - 1) when lo_0 <= 0), N = sum w, k free
 * parameters, AIC = 2k - 2L, BIC = k ln N - 2L.  A bin of zero probability
 * makes L = -inf.
 */
void fm_fit_quality(const struct fm_mixture *m, const int64_t *lo,
		    const int64_t *hi, const double *w, size_t n,
		    struct fm_mix_stats *st);

/*
 * Move every component of m by d along x (its location parameter: p[0]
 * of uniform and norm, p[1] of the others).
 */
void fm_fit_shift(struct fm_mixture *m, double d);
/* The shift fit uses for data starting at xmin: 1 - xmin if xmin <= 0. */
int64_t fm_fit_origin_shift(int64_t xmin);

/*
 * Fit column y of histogram h: x = bin_lo, w = y_sum; m holds the initial
 * mixture and receives the result with "sum" = sum(w) and the quality
 * figures in m->stats.  A histogram starting at or below 0 is fitted on
 * x + d (d = fm_fit_origin_shift: the data starts at 1, where lognorm
 * and Pareto components can take log x and the first bin's probability
 * is F(x0) - F(x0 - 1)) with m moved by +d; the result (and every
 * mixture on_iteration sees) is moved back by -d.
 */
int fm_fit_histogram(struct fm_mixture *m, const struct fm_histogram *h,
		     enum fm_hcol y, const struct fm_fit_opts *opts,
		     struct fm_error *err);

#endif
