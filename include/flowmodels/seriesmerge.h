/*
 * seriesmerge.h - `series-merge`: add up csv_series directories that
 * `series` wrote for parts (shards) of one dataset, so that the result is
 * the series of the whole (docs/scale.md).
 *
 * A csv_series directory holds, for every day d that got a packet,
 * d.flows, d.packets and d.octets: 86400 lines of one unsigned decimal
 * integer each.  Other files in the directory are ignored.  The merge
 * takes the days of all inputs in ascending order, one at a time (memory:
 * one day, 2.8 MB, whatever the number of days or inputs), and adds the
 * inputs' values second by second, exactly, in 128 bits.
 *
 * Errors name the file and line: a day with one or two of its three
 * files, a line that is not an unsigned integer, a file without exactly
 * 86400 lines, a sum beyond 128 bits.
 */
#ifndef FLOWMODELS_SERIESMERGE_H
#define FLOWMODELS_SERIESMERGE_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"

/* One merged day: three arrays of 86400 sums. */
struct fm_seriesmerge_day {
	int64_t day;
	unsigned __int128 *col[3]; /* flows, packets, octets */
};

/* Receives the merged days in ascending order; the arrays are reused
 * after the call returns. */
struct fm_seriesmerge_sink {
	int (*day)(void *ctx, const struct fm_seriesmerge_day *d,
		   struct fm_error *err);
	void *ctx;
};

/* Merge the series directories dirs[0..n) day by day into sink; *ndays
 * (may be NULL) receives the number of days. */
int fm_seriesmerge(const char *const *dirs, size_t n,
		   const struct fm_seriesmerge_sink *sink, size_t *ndays,
		   struct fm_error *err);

/* The same written as a csv_series directory out (created when missing;
 * the files appear all together or not at all). */
int fm_seriesmerge_write(const char *const *dirs, size_t n, const char *out,
			 size_t *ndays, struct fm_error *err);

#endif
