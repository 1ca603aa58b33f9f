/*
 * recwin.c - windows of a binary record directory's records (recwin.h).
 *
 * A read opens a reader over the directory (the binary reader maps the
 * columns: opening is cheap), skips to the nearest known position at or
 * before the first row wanted, and reads forward.  cp[k] is the record
 * index (in the directory) of kept row k * FM_RECWIN_STEP; ncp of them
 * are known, always a prefix.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/filter.h"
#include "flowmodels/io.h"
#include "flowmodels/recwin.h"

struct fm_recwin {
	char *dir;
	uint32_t fields; /* of the rows */
	struct fm_filter *filter;
	struct fm_filter_run *run;
	uint32_t *idx; /* kept indices of a batch */
	uint64_t *cp;  /* checkpoints (with a filter) */
	size_t ncp, capcp;
	int64_t total; /* rows, once known; -1 */
};

int fm_recwin_open(struct fm_recwin **out, const char *dir, const char *filter,
		   uint32_t fields, struct fm_error *err)
{
	struct fm_recwin *w = calloc(1, sizeof(*w));
	int r = 0;

	*out = NULL;
	if (!w || !(w->dir = strdup(dir))) {
		free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	w->fields = fields;
	w->total = -1;
	if (filter && *filter) {
		r = fm_filter_compile(&w->filter, filter, NULL, err);
		if (r == 0)
			r = fm_filter_run_new(&w->run, w->filter, err);
		if (r == 0 &&
		    (!(w->idx = malloc(FM_BATCH_CAP * sizeof(*w->idx))) ||
		     !(w->cp = malloc(16 * sizeof(*w->cp)))))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		if (r == 0) {
			w->cp[0] = 0; /* row 0 lies at or after record 0 */
			w->ncp = 1;
			w->capcp = 16;
		}
	}
	if (r < 0) {
		fm_recwin_free(w);
		return r;
	}
	*out = w;
	return 0;
}

static int open_reader(const struct fm_recwin *w, struct fm_reader **rd,
		       struct fm_error *err)
{
	struct fm_reader_opts o;
	const char *dir = w->dir;

	memset(&o, 0, sizeof(o));
	o.format = FM_FORMAT_BINARY;
	o.fields = w->fields | (w->filter ? fm_filter_fields(w->filter) : 0);
	return fm_reader_open(rd, &o, &dir, 1, err);
}

/* Without a filter: skip to first, read up to n. */
static long read_plain(struct fm_recwin *w, struct fm_reader *rd,
		       uint64_t first, size_t n, struct fm_batch *dst,
		       struct fm_error *err)
{
	struct fm_batch b;
	int64_t skipped = fm_reader_skip(rd, (int64_t)first, err);
	long got = 1; /* 0: the end was read */

	if (skipped < 0)
		return (long)skipped;
	if ((uint64_t)skipped < first) {
		w->total = skipped;
		return 0;
	}
	while (dst->n < n &&
	       (got = fm_reader_next(rd, &b, n - dst->n, err)) > 0)
		for (long i = 0; i < got; i++)
			fm_batch_append(dst, &b, (size_t)i);
	if (got < 0)
		return got;
	if (got == 0)
		w->total = (int64_t)(first + dst->n);
	return (long)dst->n;
}

static int note_checkpoint(struct fm_recwin *w, uint64_t row, uint64_t rec)
{
	if (row % FM_RECWIN_STEP || row / FM_RECWIN_STEP != w->ncp)
		return 0;
	if (w->ncp == w->capcp) {
		uint64_t *n = realloc(w->cp, 2 * w->capcp * sizeof(*n));
		if (!n)
			return FM_ENOMEM;
		w->cp = n;
		w->capcp *= 2;
	}
	w->cp[w->ncp++] = rec;
	return 0;
}

/* With a filter: from the nearest checkpoint, count kept rows. */
static long read_filtered(struct fm_recwin *w, struct fm_reader *rd,
			  uint64_t first, size_t n, struct fm_batch *dst,
			  struct fm_error *err)
{
	size_t k = (size_t)(first / FM_RECWIN_STEP);
	uint64_t row, rec;
	struct fm_batch b;
	long got = 0;
	int64_t skipped;

	if (k >= w->ncp)
		k = w->ncp - 1;
	row = (uint64_t)k * FM_RECWIN_STEP;
	rec = w->cp[k];
	if ((skipped = fm_reader_skip(rd, (int64_t)rec, err)) < 0)
		return (long)skipped;
	while (dst->n < n &&
	       (got = fm_reader_next(rd, &b, FM_BATCH_CAP, err)) > 0) {
		long kept = fm_filter_select(w->run, &b, w->idx);
		for (long j = 0; j < kept && dst->n < n; j++, row++) {
			if (note_checkpoint(w, row, rec + w->idx[j]) < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			if (row >= first)
				fm_batch_append(dst, &b, w->idx[j]);
		}
		rec += (uint64_t)got;
	}
	if (got < 0)
		return got;
	if (got == 0)
		w->total = (int64_t)row;
	return (long)dst->n;
}

long fm_recwin_read(struct fm_recwin *w, uint64_t first, size_t n,
		    struct fm_batch *dst, struct fm_error *err)
{
	struct fm_reader *rd = NULL;
	long r;

	if (n > FM_BATCH_CAP)
		n = FM_BATCH_CAP;
	if (!dst->store && fm_batch_alloc(dst, w->fields, FM_BATCH_CAP) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	dst->n = 0;
	if (w->total >= 0 && first >= (uint64_t)w->total)
		return 0;
	if ((r = open_reader(w, &rd, err)) < 0)
		return r;
	r = w->filter ? read_filtered(w, rd, first, n, dst, err)
		      : read_plain(w, rd, first, n, dst, err);
	fm_reader_free(rd);
	return r;
}

int64_t fm_recwin_total(const struct fm_recwin *w)
{
	return w->total;
}

void fm_recwin_free(struct fm_recwin *w)
{
	if (!w)
		return;
	fm_filter_run_free(w->run);
	fm_filter_free(w->filter);
	free(w->idx);
	free(w->cp);
	free(w->dir);
	free(w);
}
