/*
 * series.h - `series`: per-day, per-second time series of flows, packets
 * and octets (SPEC 5), written as csv_series files.
 *
 * Every record adds one flow to the second it starts in.  A 1-packet
 * record adds its packet and all its octets to that second; a longer one
 * spreads its packets evenly over its duration (t = start + i * duration /
 * packets) with packet sizes that sum exactly to its octets, rolling over
 * into the next day at midnight.  The floating-point steps are those of
 * the reference (Python floats, correctly rounded int / int), so every
 * packet lands in the same second as there.
 *
 * Output: for every day d that got anything, files d.flows, d.packets and
 * d.octets in a directory, 86400 lines of one decimal integer each (line
 * k = second k of the day, UTC; day = first // 86400).  All files are
 * written under temporary names and renamed into place only when every
 * one is complete.
 */
#ifndef FLOWMODELS_SERIES_H
#define FLOWMODELS_SERIES_H

#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

#define FM_SERIES_DAY 86400
/* The memory of one day held: its sums and its bitmap of touched seconds. */
#define FM_SERIES_DAY_BYTES ((size_t)FM_SERIES_DAY * 32 + FM_SERIES_DAY / 8)
/* The longest a record of 2 or more packets may last (31 days, seconds):
 * every day its packets touch costs 2.7 MB, so a record from 1970 to
 * today would need tens of GB. */
#define FM_SERIES_SPAN_MAX (31 * FM_SERIES_DAY)

/* The fields fm_series_add reads. */
#define FM_SERIES_FIELDS                                                       \
	(FM_FIELD_BIT(FM_FIRST) | FM_FIELD_BIT(FM_FIRST_MS) |                  \
	 FM_FIELD_BIT(FM_LAST) | FM_FIELD_BIT(FM_LAST_MS) |                    \
	 FM_FIELD_BIT(FM_PACKETS) | FM_FIELD_BIT(FM_OCTETS))

struct fm_series;

int fm_series_new(struct fm_series **out, struct fm_error *err);

/*
 * A series that holds at most maxdays days in memory (2.8 MB each): when
 * a record needs another day, the least recently used one moves out to
 * an unlinked file in $TMPDIR, only the seconds it touched (36 bytes
 * each), and comes back at fm_series_write, which adds a day's parts up
 * one day at a time.  Input in time order moves each day out once, after
 * its last record; any order gives the same files, byte for byte (the
 * sums are of integers).  Memory: maxdays days, one day more while
 * writing, and 16 bytes per day moved out.  fm_series_day and
 * fm_series_get see only the days held; fm_series_merge refuses it.
 */
int fm_series_new_bounded(struct fm_series **out, size_t maxdays,
			  struct fm_error *err);
void fm_series_free(struct fm_series *s);

/*
 * Add the records of b in order.  Errors (FM_EFORMAT, naming the record
 * by its number among all records added, 1-based): a record with 0
 * packets but some octets, more than 2^40 packets, 2 or more packets
 * over a duration above FM_SERIES_SPAN_MAX, or a packet time that falls
 * outside its day's 86400 seconds (first_ms above 999, or a negative
 * duration reaching back more than a day).
 */
int fm_series_add(struct fm_series *s, const struct fm_batch *b,
		  struct fm_error *err);

/*
 * dst += src (sign > 0) or dst -= src (sign < 0; src one of the parts
 * merged into dst before): the per-second sums and the record count,
 * exact (integer sums).  dst counts the parts that have each day, and a
 * day no part has any more is removed, as a series of the remaining
 * records would not have it.  A dst built only by merges is thus always
 * the series of the records of the parts in it.  On a failure
 * (FM_ENOMEM) an addition leaves dst's sums as they were.
 */
int fm_series_merge(struct fm_series *dst, const struct fm_series *src,
		    int sign, struct fm_error *err);

/* Records added; number of days with files (held or moved out). */
uint64_t fm_series_records(const struct fm_series *s);
size_t fm_series_ndays(const struct fm_series *s);

/*
 * Day number of the i-th day in ascending order, and its sums at second
 * k (0 <= k < 86400); octets as two 64-bit halves.
 */
int64_t fm_series_day(const struct fm_series *s, size_t i);
void fm_series_get(const struct fm_series *s, size_t i, unsigned k,
		   uint64_t *flows, uint64_t *packets, uint64_t *octets_hi,
		   uint64_t *octets_lo);

/*
 * Add whole-day sums (86400 each; octets in 128 bits) to day `day` of s,
 * as a csv_series reader or series-merge does; the flows add to the
 * record count.  FM_ERANGE when a flows or packets sum passes 64 bits.
 */
int fm_series_add_day(struct fm_series *s, int64_t day,
		      const unsigned __int128 *flows,
		      const unsigned __int128 *packets,
		      const unsigned __int128 *octets, struct fm_error *err);

/*
 * Write the files into dir (created when missing).  The files appear all
 * together or not at all.
 */
int fm_series_write(const struct fm_series *s, const char *dir,
		    struct fm_error *err);

#endif
