/*
 * histmerge.h - `hist-merge`: add up csv_hist histograms made by `hist`
 * on parts (shards) of one dataset, so that the result is the histogram
 * of the whole (docs/scale.md).
 *
 * The inputs must be histograms of the same x (length, size, duration or
 * rate), the same bin exponent and the same sum columns.  The x of a
 * histogram is told by its sums, as summary tells it: in every bin the
 * mean of the x column (packets, octets, duration or rate) lies inside the
 * bin (fm_histmerge_detect_x).  The bin exponent is told by the
 * bin widths (fm_histmerge_bin_exp).
 *
 * Sums: flows, packets, octets and aggs are added exactly in 128 bits (a
 * total that does not fit the 64-bit csv_hist column is an error, as in
 * hist), duration in signed 128 bits.  rate_sum is different: hist sums
 * the reals in record order and writes the total truncated, so a shard's
 * file holds its own truncated total; the merged rate_sum is the sum of
 * those (in double precision, in input order).  It differs from the
 * whole's by less than one per shard in a bin plus the rounding of a sum
 * of reals taken in another order (about 1e-16 relative per addition).
 */
#ifndef FLOWMODELS_HISTMERGE_H
#define FLOWMODELS_HISTMERGE_H

#include <stddef.h>

#include "flowmodels/error.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"

/*
 * The x of h (an enum fm_hist_x value >= 0) from its sums, as summary
 * detects it (fm_xkind_detect: the first of length, size, duration, rate
 * whose column's mean lies inside every bin; else the first bin_lo, 1
 * length and 64 size); FM_EINVAL asking for -x otherwise.
 */
int fm_histmerge_detect_x(const struct fm_histogram *h, struct fm_error *err);

/*
 * The bin exponent of h from its bin widths (bins with bin_lo >= 0; a
 * negative x is binned by floor division and is not checked).  A bin of
 * width 2^k > 1 at lo says b = bitlen(lo) - k exactly; a unit bin at lo
 * only says b = 0 or b >= bitlen(lo).  Sets *exp to the exponent (-1 when
 * every bin has width 1) and *unit_bits to the largest bitlen of a unit
 * bin's lo.  FM_EFORMAT when the bins are of no single exponent.
 */
int fm_histmerge_bin_exp(const struct fm_histogram *h, int *exp, int *unit_bits,
			 struct fm_error *err);

/*
 * Merge in[0..n) (names[i] names input i in messages) into out (set up
 * anew; released first).  x: an enum fm_hist_x value every input is taken
 * to have, or -1 to detect it from each input's sums and require the
 * same.  Errors (one line, naming the inputs): different x, bin
 * exponents, columns, a bin_lo with two different bin_hi, a sum too large.
 */
int fm_histmerge(struct fm_histogram *out, const struct fm_histogram *in,
		 const char *const *names, size_t n, int x,
		 struct fm_error *err);

#endif
