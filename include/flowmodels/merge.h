/*
 * merge.h - `merge`: stitch flow records that the exporter split by its
 * active timeout (SPEC 5, with the corrected millisecond borrow of 9.2).
 *
 * A struct fm_merge is fed batches of records in input order and emits
 * finished records, in output order, through a caller-supplied sink in
 * batches of up to FM_BATCH_CAP records.  Records that may still be
 * continued (their span is at least active - inactive seconds) wait in a
 * cache keyed by the 14 key fields (af .. dp) that remembers insertion
 * order; fm_merge_finish writes what is left in that order.  Memory is
 * proportional to the number of cached records, never to the input, and
 * with a budget (max_cached) bounded: the records beyond it that entered
 * the cache first wait in temporary files in $TMPDIR instead (the records
 * and their index, memory-mapped: page cache, not private memory), and
 * come back when their key shows up again.
 * The output is the same with or without a budget.
 */
#ifndef FLOWMODELS_MERGE_H
#define FLOWMODELS_MERGE_H

#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"
#include "flowmodels/io.h"

struct fm_merge_opts {
	double inactive;     /* inactive timeout, seconds (finite, >= 0) */
	double active;	     /* active timeout, seconds (finite, >= inactive) */
	uint64_t max_cached; /* records kept in memory; 0 = all */
};

/* Memory of a cached record (entry, table share, pool slack), to turn a
 * budget in bytes into max_cached. */
#define FM_MERGE_RECORD_BYTES 400

static inline void fm_merge_opts_init(struct fm_merge_opts *o)
{
	o->inactive = 15.0;
	o->active = 300.0;
	o->max_cached = 0;
}

struct fm_merge_stats {
	uint64_t read;	   /* records fed */
	uint64_t merged;   /* merge operations (records absorbed) */
	uint64_t wrong;	   /* overlapping pairs; both records dropped */
	uint64_t reversed; /* pairs found in reversed order (swapped) */
	uint64_t written;  /* records emitted */
	uint64_t cached;   /* records left in the cache at the end of input */
	uint64_t spilled;  /* records moved to the spill file (max_cached) */
};

/*
 * The sink receives owned batches holding all 21 columns; it must copy
 * what it keeps.  A negative return stops the merge with that error.
 */
struct fm_merge_sink {
	int (*write)(void *ctx, const struct fm_batch *b, struct fm_error *err);
	void *ctx;
};

struct fm_merge;

/* FM_EINVAL for bad timeouts, FM_ENOMEM. */
int fm_merge_new(struct fm_merge **out, const struct fm_merge_opts *opts,
		 const struct fm_merge_sink *sink, struct fm_error *err);
/* Process the records of b (all 21 columns), in order. */
int fm_merge_feed(struct fm_merge *m, const struct fm_batch *b,
		  struct fm_error *err);
/* End of input: write the cached records in insertion order, flush. */
int fm_merge_finish(struct fm_merge *m, struct fm_error *err);
void fm_merge_get_stats(const struct fm_merge *m, struct fm_merge_stats *st);
/* Records currently in the cache (in memory or spilled). */
uint64_t fm_merge_cached(const struct fm_merge *m);
/* Records moved to the spill file so far (a record may move again after
 * it came back). */
uint64_t fm_merge_spilled(const struct fm_merge *m);
void fm_merge_free(struct fm_merge *m);

/*
 * The whole tool: merge every record of scan s into writer w (not
 * committed).  stats may be NULL.
 */
int fm_merge_run(struct fm_scan *s, struct fm_writer *w,
		 const struct fm_merge_opts *opts, struct fm_merge_stats *stats,
		 struct fm_error *err);

#endif
