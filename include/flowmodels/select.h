/*
 * select.h - automatic choice of a mixture's structure (issue 19): fit
 * every U/L/P structure of a grid with fit's EM and rank them by BIC, AIC
 * or ks (see docs/commands/select.md).
 *
 * Structures run in parallel (one fit per thread, each fit on one
 * thread); every fit is deterministic, so the result does not depend on
 * the thread count apart from the measured seconds.  Structures whose
 * initial mixture cannot be fitted (no components, more uniforms than x
 * values, a Pareto at location <= 0) are kept as skipped rows with the
 * reason.  No printing; progress and cancel through fm_progress, called
 * from the calling thread only.
 */
#ifndef FLOWMODELS_SELECT_H
#define FLOWMODELS_SELECT_H

#include <stddef.h>

#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "flowmodels/progress.h"

/* Inclusive ranges of the counts: U, L, P. */
enum { FM_SEL_U = 0, FM_SEL_L, FM_SEL_P, FM_SEL_NDIM };
struct fm_select_grid {
	unsigned lo[FM_SEL_NDIM], hi[FM_SEL_NDIM];
};

/*
 * Parse "U=0..6,L=1..8,P=0..2" (each of U, L, P once at most, a value or
 * a range a..b with a <= b, at most 100; absent ones are 0).  FM_EINVAL
 * naming the offending part.
 */
int fm_select_grid_parse(const char *s, struct fm_select_grid *g,
			 struct fm_error *err);
/* Number of structures of the grid. */
size_t fm_select_grid_size(const struct fm_select_grid *g);

enum fm_select_criterion { FM_SEL_BIC = 0, FM_SEL_AIC, FM_SEL_KS };
/* "bic", "aic", "ks" -> the criterion, or -1. */
int fm_select_criterion_from_name(const char *name);

struct fm_select_row {
	unsigned U, L, P;
	int skipped; /* not fitted; reason holds why */
	char reason[FM_ERRMSG_MAX];
	int k; /* free parameters */
	double loglik, aic, bic, ks;
	unsigned iterations;
	double seconds;	       /* wall time of the fit */
	struct fm_mixture mix; /* the fitted mixture (with sum, stats) */
};

struct fm_select_opts {
	unsigned max_iter;
	double max_pareto_w; /* > 0: cap on Pareto weights */
	unsigned threads;    /* structures fitted at once (0: 1) */
	enum fm_select_criterion criterion;
	enum fm_mix_x xk;		    /* for ks */
	const struct fm_progress *progress; /* iterations done of all */
	/* Called in the calling thread: first for each structure that
	 * cannot be fitted (skipped set, grid order), then as each fit
	 * finishes (completion order); may be NULL. */
	void (*on_row)(void *ctx, const struct fm_select_row *row);
	void *ctx;
};

struct fm_select_result {
	size_t n; /* rows, grid order (U, then L, then P) */
	struct fm_select_row *rows;
	size_t nrank; /* fitted rows */
	size_t *rank; /* their indices, best first */
};

void fm_select_result_init(struct fm_select_result *res);
void fm_select_result_release(struct fm_select_result *res);

/*
 * Order rows[idx[0..n)] best first by criterion, ties by k, then U, L, P
 * (NaN last).  Used by fm_select_run; exposed for frontends that rank
 * rows as they arrive.
 */
void fm_select_sort(const struct fm_select_row *rows, size_t *idx, size_t n,
		    enum fm_select_criterion crit);

/*
 * Fit every structure of g to column y of h.  Errors: an empty grid
 * (FM_EINVAL), no structure that can be fitted, the column absent, out
 * of memory, FM_ECANCEL.  res is released first.
 */
int fm_select_run(const struct fm_histogram *h, enum fm_hcol y,
		  const struct fm_select_grid *g,
		  const struct fm_select_opts *o, struct fm_select_result *res,
		  struct fm_error *err);

#endif
