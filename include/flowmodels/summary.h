/*
 * summary.h - the two TeX tables of `summary` (SPEC section 6).
 *
 * From a histogram with flows, packets and octets sums: a table of dataset
 * facts and totals/averages, and a table of the cumulative shares of flows,
 * packets and octets up to 2^0..2^24 packets (length) or 64 * 2^0..2^24
 * bytes (size).  The text is the reference's (plus the "Average flow
 * size" row of SPEC 9.3), except that shares are exact where the bins
 * tell them (fm_summary_share) instead of interpolated or nan.
 */
#ifndef FLOWMODELS_SUMMARY_H
#define FLOWMODELS_SUMMARY_H

#include "flowmodels/buf.h"
#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"

enum fm_xkind {
	FM_X_AUTO = 0,
	FM_X_LENGTH,   /* packets */
	FM_X_SIZE,     /* octets */
	FM_X_DURATION, /* milliseconds */
	FM_X_RATE      /* bits per second (floor) */
};

/*
 * Detect the x kind of a histogram from its sums: the mean x of a bin
 * lies inside the bin, so x is the column Y whose Y_sum / flows_sum
 * falls in [bin_lo, bin_hi) for every bin with flows (tried in the order
 * packets, octets, duration, rate; a size histogram starting at 53 bytes
 * is recognised as well as one starting at 64).  When no column fits (a
 * hand-made histogram) the first bin_lo decides: 1 -> length, 64 ->
 * size; otherwise FM_EINVAL asking for -x.  Returns the kind or a
 * negative code.
 */
int fm_xkind_detect(const struct fm_histogram *h, struct fm_error *err);
/* "length", "size", "duration", "rate" -> kind; FM_X_AUTO when unknown. */
enum fm_xkind fm_xkind_from_name(const char *name);
/* The name of a kind ("length", ...), NULL for FM_X_AUTO. */
const char *fm_xkind_name(enum fm_xkind k);
/* The x of the mixture functions: length, size, or continuous (others). */
enum fm_mix_x fm_xkind_mix(enum fm_xkind k);
/*
 * The points of the CDF table (summary) of kind k into out (room for
 * FM_SUMMARY_MAXPOINTS); returns their number.  length: 2^0..2^24
 * packets; size: 64 * 2^0..2^24 bytes; duration: 0, then 1, 2, 5 times
 * 10^0..10^6 and 10^7 milliseconds; rate: 0, then 10^0..10^10 bit/s.
 */
#define FM_SUMMARY_MAXPOINTS 32
size_t fm_summary_points(enum fm_xkind k, int64_t *out);

/* The dataset rows of the first table; NULL = the default. */
struct fm_summary_opts {
	enum fm_xkind x;	      /* FM_X_AUTO = detect */
	const char *name;	      /* default XXX */
	const char *exporter;	      /* default XXX */
	const char *l2;		      /* L2 technology, default XXX */
	const char *sampling;	      /* default none */
	const char *active_timeout;   /* seconds, default XXX */
	const char *inactive_timeout; /* seconds, default XXX */
	int raw_tex;		      /* 0: escape TeX specials in the above */
};

/*
 * Append both tables, each followed by two blank lines, to out.  h needs
 * flows, packets and octets columns and at least one bin.  Returns 0 or a
 * negative code.
 */
int fm_summary_format(const struct fm_histogram *h,
		      const struct fm_summary_opts *opts, struct fm_buf *out,
		      struct fm_error *err);

/*
 * The cumulative fraction of column c at point p, interpolated linearly
 * between bins' bin_lo values exactly as scipy's interp1d does; NaN
 * outside [first bin_lo, last bin_lo].  cdf[i] = cumsum/total for bin i
 * must be precomputed by fm_summary_cdf.
 */
double fm_summary_interp(const struct fm_histogram *h, const double *cdf,
			 int64_t p);
/*
 * The share the summary table prints at p: 0 before the first bin_lo, 1
 * past the last; cdf[k] on a bin_lo; cdf[k] when p lies between bin k
 * (wholly at or below p) and the next bin (above p), which makes every
 * point of a unit-binned (-b 0) histogram exact; fm_summary_interp only
 * for a p strictly inside a wider bin.  Never NaN for a histogram with bins.
 */
double fm_summary_share(const struct fm_histogram *h, const double *cdf,
			int64_t p);
/* cdf[0..h->n) = (double)cumsum(c) / (double)sum(c).  0 or FM_EINVAL. */
int fm_summary_cdf(const struct fm_histogram *h, enum fm_hcol c, double *cdf,
		   struct fm_error *err);

#endif
