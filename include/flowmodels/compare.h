/*
 * compare.h - how alike two histograms are (issue 19; definitions and
 * sources in docs/commands/compare.md).
 *
 * The two histograms must use the same binning: their bins are merged
 * into the union of bins (a bin present in one only has weight 0 in the
 * other); a bin of one that overlaps a different bin of the other is an
 * error.  Per column, with shares a_i = A_i / sum A and b_i = B_i / sum B
 * over the union:
 *   ks                 max_j |sum_{i<=j} a_i - sum_{i<=j} b_i|
 *   wasserstein_log10  the Wasserstein-1 distance between the two
 *                      distributions of log10(bin_lo)
 *   js_divergence      Jensen-Shannon divergence in bits (0..1)
 * and the per-bin ratio b_i / a_i (+inf where a_i = 0 < b_i, NaN where
 * both are 0).  Pure functions, no printing.
 */
#ifndef FLOWMODELS_COMPARE_H
#define FLOWMODELS_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/histogram.h"

/* The union of two histograms' bins; ia/ib: the bin's index in A / B, or
 * SIZE_MAX where that histogram has no such bin. */
struct fm_bin_union {
	size_t n;
	int64_t *lo, *hi;
	size_t *ia, *ib;
};

void fm_bin_union_init(struct fm_bin_union *u);
void fm_bin_union_release(struct fm_bin_union *u);
/*
 * Merge the bins of a and b (named name_a, name_b in messages).  FM_EINVAL
 * when a bin of one overlaps a different bin of the other ("different
 * bins: A [0, 8) against B [4, 12)").
 */
int fm_bin_union_make(struct fm_bin_union *u, const struct fm_histogram *a,
		      const char *name_a, const struct fm_histogram *b,
		      const char *name_b, struct fm_error *err);

struct fm_compare {
	double n_a, n_b; /* column totals */
	double ks;
	double wasserstein_log10;
	double js_divergence;
};

/*
 * Compare column y of a and b over their union u; ratio, when not NULL,
 * receives u->n per-bin ratios.  FM_EINVAL: the column absent in either
 * (named), a column summing to 0, a bin_lo <= 0 (log10 undefined).
 */
int fm_compare_column(const struct fm_histogram *a, const char *name_a,
		      const struct fm_histogram *b, const char *name_b,
		      const struct fm_bin_union *u, enum fm_hcol y,
		      struct fm_compare *c, double *ratio,
		      struct fm_error *err);

#endif
