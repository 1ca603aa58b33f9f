/*
 * scan-ahead.h - a scan read in a thread of its own (scan-ahead.c).
 *
 * A consumer whose work per record is as dear as the reading (top's hash
 * aggregation of nfcapd records: decompression and decoding on one side,
 * cache misses in a large table on the other) lets the reading run ahead:
 * a thread calls fm_scan_next and copies each batch into a ring of a few
 * owned batches, while the caller takes them in the same order.  The
 * batches, counts and errors are exactly those of the scan read directly.
 * The scan's progress callback is called from the reading thread.
 */
#ifndef FLOWMODELS_SCAN_AHEAD_H
#define FLOWMODELS_SCAN_AHEAD_H

#include "flowmodels/io.h"

struct fm_scan_ahead;

/*
 * Read scan s through a (s stays the caller's: free it after
 * fm_scan_ahead_free): with `threads` other than 1 (0: when the machine
 * has more than one core) ahead in a thread of its own; with 1, on a
 * single core, or when no thread can be had, in the caller's thread, as
 * fm_scan_next would.  Returns 0 or FM_ENOMEM.
 */
int fm_scan_ahead_start(struct fm_scan_ahead **out, struct fm_scan *s,
			int threads, struct fm_error *err);
/* Whether a reads in a thread of its own. */
int fm_scan_ahead_threaded(const struct fm_scan_ahead *a);
/*
 * The next batch of the scan, or 0 at its end, or its error; b's columns
 * stay valid until the next call.
 */
long fm_scan_ahead_next(struct fm_scan_ahead *a, struct fm_batch *b,
			struct fm_error *err);
/* fm_scan_position as it was after the scan read the batch that
 * fm_scan_ahead_next returned last (0 and 0 before the first). */
void fm_scan_ahead_position(const struct fm_scan_ahead *a, uint64_t *done,
			    uint64_t *total);
/* Stop the reading thread (after the batch it is reading) and free a;
 * NULL is fine.  The scan's counts are final only after this. */
void fm_scan_ahead_free(struct fm_scan_ahead *a);

#endif
