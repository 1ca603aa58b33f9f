/*
 * recwin.h - a window of a binary record directory's records, read
 * without reading the whole directory (the workbench's `show records`
 * table reads the rows around its scroll position).
 *
 * Rows are the records in file order, or, with a filter, the records it
 * keeps.  Without a filter a window is reached by skipping records (no
 * decoding: the binary reader maps the columns).  With one, the position
 * of every FM_RECWIN_STEP-th kept record in the directory is remembered
 * as the scan passes it, so a later window starts from the nearest
 * remembered position at or before it; only the first visit of a region
 * reads it all.  No printing.
 */
#ifndef FLOWMODELS_RECWIN_H
#define FLOWMODELS_RECWIN_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

#define FM_RECWIN_STEP 1024

struct fm_recwin;

/*
 * Open dir (a binary record directory) with filter (NULL or "" = every
 * record); fields: the columns the rows carry.  A bad filter is an
 * FM_EINVAL naming its column.
 */
int fm_recwin_open(struct fm_recwin **out, const char *dir, const char *filter,
		   uint32_t fields, struct fm_error *err);
/*
 * Rows first .. first+n-1 (n <= FM_BATCH_CAP) into dst, an owned batch
 * made here on the first call (fm_batch_alloc with the fields; release
 * it with fm_batch_release); fewer at the end.  Returns the number of
 * rows, or a negative error.
 */
long fm_recwin_read(struct fm_recwin *w, uint64_t first, size_t n,
		    struct fm_batch *dst, struct fm_error *err);
/* The number of rows, when a read has reached the end; else -1. */
int64_t fm_recwin_total(const struct fm_recwin *w);
void fm_recwin_free(struct fm_recwin *w);

#endif
