/*
 * histogram.h - the in-memory histogram (csv_hist, SPEC section 6).
 *
 * A histogram is a sequence of non-empty bins [bin_lo, bin_hi), ascending
 * and non-overlapping, each with per-column sums.  It is stored as a
 * structure of arrays: one array per bin edge and one per sum column
 * present, all of length n.  Every tool that consumes or produces a
 * histogram (hist, summary, fit, generate, plot, the workbench) goes
 * through this module, so the csv_hist format is read and written in one
 * place.
 *
 * Columns.  flows, packets, octets and aggs are counts: uint64_t, exact.
 * duration is a signed sum of milliseconds (a record may have last < first):
 * int64_t, exact.  rate is a sum of reals (bits per second), accumulated
 * in double precision; it is written truncated toward zero (as Python's
 * str(int(x)) does, exactly, even beyond 2^63).  A producer that would
 * overflow a 64-bit column must report FM_ERANGE rather than wrap.
 *
 * The columns present, and their order in the file, are h->order[0..ncols):
 * a writer prints "bin_lo,bin_hi," followed by "<name>_sum" for each of
 * them in that order.  Arrays of absent columns are NULL.
 *
 * Reading (SPEC 6): the header names the columns.  The first column is the
 * bin's x value (bin_lo, whatever its name); "bin_hi" is optional (when
 * absent, bin_hi = the next bin's bin_lo, and bin_lo + 1 for the last bin);
 * columns ending in "_ssq" are ignored; "<name>_sum" columns are accepted
 * in any subset and order; other unknown columns are ignored with a
 * warning.  Errors name file:line and the column: a missing required
 * column, a duplicate column, a field that is not a number, a wrong field
 * count, bin_hi <= bin_lo, and bins that are not ascending or overlap.
 *
 * Writing goes to a temporary name beside the target and is renamed into
 * place on success, so a failed write never leaves a partial file ("-"
 * writes to standard output).
 *
 * Lifecycle: fm_histogram_init (empty, no columns) or fm_histogram_setup
 * (empty, given columns), then fm_histogram_read or fm_histogram_add_bin /
 * fm_histogram_resize, and fm_histogram_release.  A histogram is a plain
 * value: no hidden state, safe to use from any thread that owns it.
 */
#ifndef FLOWMODELS_HISTOGRAM_H
#define FLOWMODELS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/buf.h"
#include "flowmodels/error.h"

/* The sum columns, in the canonical order of a hist output. */
enum fm_hcol {
	FM_HCOL_FLOWS = 0,
	FM_HCOL_PACKETS,
	FM_HCOL_OCTETS,
	FM_HCOL_DURATION,
	FM_HCOL_RATE,
	FM_HCOL_AGGS,
	FM_HCOL_COUNT
};

#define FM_HCOL_BIT(c) (1u << (c))
/* flows, packets, octets: what every csv_hist file from hist has. */
#define FM_HCOL_BASIC                                                          \
	(FM_HCOL_BIT(FM_HCOL_FLOWS) | FM_HCOL_BIT(FM_HCOL_PACKETS) |           \
	 FM_HCOL_BIT(FM_HCOL_OCTETS))

struct fm_histogram {
	size_t n;	 /* number of bins */
	size_t alloc;	 /* allocated bins in every array */
	int64_t *bin_lo; /* inclusive lower edges, ascending */
	int64_t *bin_hi; /* exclusive upper edges, bin_hi > bin_lo */
	uint64_t *flows; /* per-column sums; NULL = column absent */
	uint64_t *packets;
	uint64_t *octets;
	int64_t *duration;
	double *rate;
	uint64_t *aggs;
	unsigned cols; /* FM_HCOL_BIT mask of present columns */
	size_t ncols;  /* number of present sum columns */
	enum fm_hcol order[FM_HCOL_COUNT]; /* their order in the file */
};

/* "flows", "packets", ... (without "_sum"); NULL for a bad value. */
const char *fm_hcol_name(enum fm_hcol c);
/*
 * The column named name (with or without a "_sum" suffix, e.g. "octets"
 * or "octets_sum"); returns the enum value or -1 when unknown.
 */
int fm_hcol_from_name(const char *name);

/* An empty histogram without columns (all pointers NULL). */
void fm_histogram_init(struct fm_histogram *h);
/*
 * An empty histogram with the sum columns cols[0..ncols) in that file
 * order (no duplicates).  Returns 0 or FM_EINVAL / FM_ENOMEM.
 */
int fm_histogram_setup(struct fm_histogram *h, const enum fm_hcol *cols,
		       size_t ncols, struct fm_error *err);
/* Free all arrays and reset to the empty, column-less state. */
void fm_histogram_release(struct fm_histogram *h);

/*
 * Make room for at least n bins without changing h->n.  Returns 0 or
 * FM_ENOMEM.
 */
int fm_histogram_reserve(struct fm_histogram *h, size_t n,
			 struct fm_error *err);
/*
 * Set the number of bins to n; bins added are zero-filled (edges and sums),
 * for the caller to fill in.  Returns 0 or FM_ENOMEM.
 */
int fm_histogram_resize(struct fm_histogram *h, size_t n, struct fm_error *err);
/*
 * Append a bin [lo, hi) with zero sums; its index is h->n - 1 afterwards.
 * The caller keeps bins ascending (fm_histogram_check verifies).
 * Returns 0 or FM_ENOMEM.
 */
int fm_histogram_add_bin(struct fm_histogram *h, int64_t lo, int64_t hi,
			 struct fm_error *err);

/*
 * Make dst (initialised here; anything it held is not released) a copy
 * of src: the same columns in the same order and the same bins.  Returns
 * 0, or FM_ENOMEM with dst left empty.
 */
int fm_histogram_copy(struct fm_histogram *dst, const struct fm_histogram *src,
		      struct fm_error *err);

/*
 * Verify bin_lo < bin_hi for every bin, and bin_lo[i] >= bin_hi[i-1]
 * (ascending, non-overlapping).  Returns 0 or FM_EFORMAT naming the bin.
 */
int fm_histogram_check(const struct fm_histogram *h, struct fm_error *err);

/* Whether column c is present. */
static inline int fm_histogram_has(const struct fm_histogram *h, enum fm_hcol c)
{
	return (h->cols & FM_HCOL_BIT(c)) != 0;
}

/*
 * The array of the unsigned sum column c (flows, packets, octets, aggs),
 * or NULL when c is another column or absent.
 */
const uint64_t *fm_histogram_ucol(const struct fm_histogram *h, enum fm_hcol c);
/* The value of column c in bin i as a double (0 when the column is absent). */
double fm_histogram_get(const struct fm_histogram *h, enum fm_hcol c, size_t i);
/*
 * Fill out[0..h->n) with column c as doubles.  Returns 0, or FM_EINVAL
 * when the column is absent.
 */
int fm_histogram_column(const struct fm_histogram *h, enum fm_hcol c,
			double *out, struct fm_error *err);
/*
 * The exact total of an integer column (flows, packets, octets, aggs) as
 * an unsigned 128-bit value split in two halves (*hi:*lo); totals of
 * duration use fm_histogram_total_i64.  Returns 0 or FM_EINVAL (column
 * absent or not an unsigned column).
 */
int fm_histogram_total_u128(const struct fm_histogram *h, enum fm_hcol c,
			    uint64_t *hi, uint64_t *lo, struct fm_error *err);

/*
 * Read a csv_hist file ("-" = standard input) into h (which is released
 * first and on failure left empty).  required is an FM_HCOL_BIT mask of
 * the sum columns that must be present; log receives warnings (unknown
 * columns) and may be NULL.  Returns 0 or a negative code with a message
 * like "hist.csv:12: column 'octets_sum': not a number: '12x'".
 */
int fm_histogram_read(struct fm_histogram *h, const char *path,
		      unsigned required, const struct fm_log *log,
		      struct fm_error *err);
/* The same from a buffer of len bytes; name is used in messages. */
int fm_histogram_parse(struct fm_histogram *h, const char *name,
		       const char *text, size_t len, unsigned required,
		       const struct fm_log *log, struct fm_error *err);

/* Append the csv_hist text of h (header and bins) to out. */
int fm_histogram_format(const struct fm_histogram *h, struct fm_buf *out,
			struct fm_error *err);
/*
 * Write h as csv_hist to path ("-" = standard output) through a temporary
 * file renamed into place.  Returns 0 or a negative code.
 */
int fm_histogram_write(const struct fm_histogram *h, const char *path,
		       struct fm_error *err);
/* Write to an open descriptor (not closed); name is used in messages. */
int fm_histogram_write_fd(const struct fm_histogram *h, int fd,
			  const char *name, struct fm_error *err);

#endif
