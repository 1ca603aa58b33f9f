/*
 * progress.h - progress reporting and cancellation for long library calls.
 *
 * Every long-running library call takes an optional struct fm_progress.
 * The callback receives the work done so far (in the call's own units,
 * usually records) and the total when known (0 when unknown).  A non-zero
 * return cancels the call, which then fails with FM_ECANCEL and leaves
 * its outputs as they were.  Callbacks are invoked from the thread that
 * runs the call, at most every few milliseconds of work.
 */
#ifndef FLOWMODELS_PROGRESS_H
#define FLOWMODELS_PROGRESS_H

#include <stdint.h>

struct fm_progress {
	int (*fn)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* Call the callback if there is one; returns its result (0 = go on). */
static inline int fm_progress_report(const struct fm_progress *p, uint64_t done,
				     uint64_t total)
{
	return (p && p->fn) ? p->fn(p->ctx, done, total) : 0;
}

#endif
