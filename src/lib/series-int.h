/*
 * series-int.h - what series.c and series-spill.c share (private): a
 * day's sums and the spill file of a series that holds a bounded number
 * of days in memory.
 *
 * A day is three arrays of 86400 sums and a bitmap of the seconds that
 * got something since the day was made or last spilled (and a bitmap of
 * its words that are not 0), so that moving a day out costs what it
 * holds, not 86400 seconds.
 *
 * The spill file (an unlinked file in $TMPDIR) is a sequence of segments,
 * each the touched seconds of one day when it left memory: a header
 * (day, the offset + 1 of the day's previous segment or 0, the number of
 * entries), then per entry the second (4 bytes), flows, packets and
 * octets (low, high 64 bits), little-endian as the machine's.  Memory
 * keeps, per day that has segments, the offset of its last one: the
 * chain is followed back when the day is written.  All sums are of
 * integers, so the order in which the parts of a day are added does not
 * change a byte of the output.
 */
#ifndef FM_SERIES_INT_H
#define FM_SERIES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/series.h"

#define SDAY_WORDS ((FM_SERIES_DAY + 63) / 64)
#define SDAY_TOP ((SDAY_WORDS + 63) / 64)

struct sday {
	int64_t day;
	uint64_t *flows;
	uint64_t *packets;
	unsigned __int128 *octets;
	uint64_t *touched;	/* SDAY_WORDS: seconds with something */
	uint64_t top[SDAY_TOP]; /* words of touched that are not 0 */
	uint64_t used;		/* when it was used last (series clock) */
	uint64_t parts;		/* fm_series_merge: parts added that have it */
};

static inline void sday_touch(struct sday *d, int64_t k)
{
	d->touched[k >> 6] |= UINT64_C(1) << (k & 63);
	d->top[k >> 12] |= UINT64_C(1) << ((k >> 6) & 63);
}

struct sspill;

int sspill_new(struct sspill **out, struct fm_error *err);
void sspill_free(struct sspill *sp);
/* Move the touched seconds of d out of memory (a segment of day d->day):
 * they become 0 in d, and nothing is touched any more. */
int sspill_put(struct sspill *sp, struct sday *d, struct fm_error *err);
/* The days that have segments, ascending. */
size_t sspill_ndays(const struct sspill *sp);
int64_t sspill_day(const struct sspill *sp, size_t i);
/* Add every segment of the i-th day into d (its arrays only). */
int sspill_add(const struct sspill *sp, size_t i, struct sday *d,
	       struct fm_error *err);

#endif
