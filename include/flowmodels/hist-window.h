/*
 * hist-window.h - an incremental histogram over a changing set of parts
 * (the files of a followed directory, follow.h): a part's records are
 * binned once, when it is added; a part leaving the window is subtracted.
 *
 * Each part is kept as its own histogram (what fm_hist_result gives for
 * its records alone); the window histogram holds the sums over the parts
 * in it.  The integer columns (flows, packets, octets, duration, aggs)
 * are exact, so adding and subtracting them is exact: after any sequence
 * of adds and drops they equal those of one `hist` over the records of
 * the parts in the window, in the order added.  A bin whose flows reach 0
 * is removed, as one `hist` would not have it.
 *
 * rate_sum is a sum of reals: it is never subtracted.  After every change
 * each bin's rate is re-summed from the parts in the window, in the order
 * added (each part's sum in its record order), so it does not drift
 * however long the window slides; it may differ from one `hist` over the
 * same records in the last bits of the double (another order of
 * additions), far below the integer it is written as in most bins.
 *
 * Two quirks of one `hist` are not followed exactly: a negative bin
 * (duration or rate of a record with last < first) keeps the bin_hi of
 * the part that made it first; and a sum above 2^64 - 1 is FM_ERANGE
 * when added (csv_hist columns are 64-bit).
 */
#ifndef FLOWMODELS_HIST_WINDOW_H
#define FLOWMODELS_HIST_WINDOW_H

#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "flowmodels/io.h"

struct fm_hist_window;

/* A window binning records as opts says (opts.threads etc. unused). */
int fm_hist_window_new(struct fm_hist_window **out,
		       const struct fm_hist_opts *opts, struct fm_error *err);
void fm_hist_window_free(struct fm_hist_window *w);

/*
 * Bin every record of scan s (opened with fm_hist_fields) as part id and
 * add the part.  On an error (a damaged input) nothing is added and the
 * window is as it was.  *zero_packets (may be NULL) receives the part's
 * records with 0 packets (not binned).
 */
int fm_hist_window_add_scan(struct fm_hist_window *w, uint64_t id,
			    struct fm_scan *s, uint64_t *zero_packets,
			    struct fm_error *err);
/* Add part id with the records of b (fm_hist_fields columns). */
int fm_hist_window_add_batch(struct fm_hist_window *w, uint64_t id,
			     const struct fm_batch *b, struct fm_error *err);
/*
 * Binning a part apart from adding it, so that the binning (reading a
 * file) can run on another thread than the one that owns the window:
 * fm_hist_part_scan bins every record of s (opened with fm_hist_fields)
 * with opts (the window's; threads and progress unused) into *part
 * (initialised here; *records the records binned, *zero_packets, may be
 * NULL, those with 0 packets), and fm_hist_window_add_part adds it as
 * part id, taking *part (left empty) on success; the same as
 * fm_hist_window_add_scan.  A part of other columns is FM_EINVAL.
 */
int fm_hist_part_scan(const struct fm_hist_opts *opts, struct fm_scan *s,
		      struct fm_histogram *part, uint64_t *records,
		      uint64_t *zero_packets, struct fm_error *err);
int fm_hist_window_add_part(struct fm_hist_window *w, uint64_t id,
			    struct fm_histogram *part, uint64_t records,
			    struct fm_error *err);
/* Subtract part id; 0 and nothing done when there is no such part. */
int fm_hist_window_drop(struct fm_hist_window *w, uint64_t id,
			struct fm_error *err);

/* The window histogram (valid until the next add or drop). */
const struct fm_histogram *
fm_hist_window_result(const struct fm_hist_window *w);
/* Records binned in the window, and parts in it. */
uint64_t fm_hist_window_records(const struct fm_hist_window *w);
size_t fm_hist_window_parts(const struct fm_hist_window *w);

#endif
