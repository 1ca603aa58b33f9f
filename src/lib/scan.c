/*
 * scan.c - the cutting pipeline of SPEC 3 over a reader:
 * skip_in -> count_in -> selector (filter) -> skip_out -> count_out.
 *
 * skip_in is done with fm_reader_skip (no decoding for binary input).
 * Reading stops as soon as count_in or count_out is exhausted.  Batches
 * pass through untouched when nothing is cut or filtered out of them;
 * otherwise the kept records are gathered into the scan's own batch.
 *
 * Late materialisation: when a selector needs fewer columns than the
 * caller asked for, each batch is read with only the selector's columns
 * (fm_reader_next_cols); the other columns are then fetched for the kept
 * records alone (fm_reader_gather), straight from the source's memory for
 * binary input.  Sources that decode whole records (text formats) return
 * every column at once and take the plain path.  fm_scan_copy from binary
 * to binary goes further: the kept records move in their stored widths,
 * never as int64 (scan_copy_raw).
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/io.h"
#include "io-int.h"

struct fm_scan {
	struct fm_reader *reader;
	struct fm_cut cut;
	const struct fm_selector *sel;
	uint32_t fields; /* columns of every emitted batch */
	uint32_t early;	 /* late materialisation: the columns read
			    first (the selector's), else 0 */
	const struct fm_progress *progress;
	int skipped;	 /* skip_in done */
	int64_t in_left; /* records still to read (count_in) */
	int64_t skip_out_left;
	int64_t out_left; /* records still to emit (count_out) */
	uint64_t nread, nemitted;
	struct fm_batch own;
	uint32_t *idx;
};

int fm_scan_open(struct fm_scan **out, const struct fm_scan_opts *opts,
		 const char *const *paths, size_t npaths, struct fm_error *err)
{
	struct fm_scan *s = calloc(1, sizeof(*s));
	struct fm_reader_opts ro = opts->reader;
	int r;

	if (!s)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (opts->selector)
		ro.fields |= opts->selector->fields;
	r = fm_reader_open(&s->reader, &ro, paths, npaths, err);
	if (r < 0) {
		free(s);
		return r;
	}
	fm_reader_prefetch(s->reader);
	if (opts->skip_damaged)
		fm_reader_skip_damaged(s->reader);
	s->cut = opts->cut;
	s->fields = ro.fields;
	if (opts->selector && (ro.fields & ~opts->selector->fields))
		s->early = opts->selector->fields;
	s->sel = opts->selector;
	s->progress = opts->progress;
	s->in_left = opts->cut.count_in < 0 ? 0 : opts->cut.count_in;
	s->skip_out_left = opts->cut.skip_out < 0 ? 0 : opts->cut.skip_out;
	s->out_left = opts->cut.count_out < 0 ? 0 : opts->cut.count_out;
	if (fm_batch_alloc(&s->own, ro.fields, FM_BATCH_CAP) ||
	    !(s->idx = malloc(FM_BATCH_CAP * sizeof(uint32_t)))) {
		fm_scan_free(s);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

/*
 * Complete a batch `in` of n records that lacks the columns `rest`: emit
 * records idx[from..from+cnt) (idx NULL: records from..from+cnt).
 */
static long late_gather(struct fm_scan *s, struct fm_batch *in,
			const uint32_t *idx, size_t from, size_t cnt, size_t n,
			uint32_t rest, struct fm_batch *b, struct fm_error *err)
{
	int r;

	if (!idx && from == 0 && cnt == n) {
		/* everything kept: the source fills in place */
		r = fm_reader_gather(s->reader, NULL, n, rest, in, err);
		if (r < 0)
			return r;
		*b = *in;
		return (long)cnt;
	}
	if (!idx) {
		for (size_t j = 0; j < cnt; j++)
			s->idx[j] = (uint32_t)(from + j);
		idx = s->idx;
	} else {
		idx += from;
	}
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(in->fields & FM_FIELD_BIT(f)))
			continue;
		int64_t *d = fm_batch_mut(&s->own, f);
		const int64_t *c = in->col[f];
		for (size_t j = 0; j < cnt; j++)
			d[j] = c[idx[j]];
	}
	r = fm_reader_gather(s->reader, idx, cnt, rest, &s->own, err);
	if (r < 0)
		return r;
	s->own.n = cnt;
	*b = s->own;
	b->store = NULL;
	return (long)cnt;
}

/*
 * Read on until a batch has records to emit: `in` (partial: only the
 * columns `cols` where the source allows, else every column), of n
 * records, of which records idx[from..from+cnt) are emitted (idx NULL:
 * records from..from+cnt).  Returns cnt (> 0), 0 at the end, or an error.
 */
static long scan_select(struct fm_scan *s, int partial, uint32_t cols,
			struct fm_batch *in, const uint32_t **idx, size_t *from,
			size_t *n, struct fm_error *err)
{
	*idx = NULL;
	*from = *n = 0;
	if (!s->skipped) {
		s->skipped = 1;
		if (s->cut.skip_in > 0) {
			int64_t k =
			    fm_reader_skip(s->reader, s->cut.skip_in, err);
			if (k < 0)
				return k;
		}
	}
	while (s->in_left > 0 && s->out_left > 0) {
		size_t max = s->in_left < FM_BATCH_CAP ? (size_t)s->in_left
						       : FM_BATCH_CAP;
		long got =
		    partial ? fm_reader_next_cols(s->reader, in, max, cols, err)
			    : fm_reader_next(s->reader, in, max, err);
		if (got <= 0)
			return got;
		s->in_left -= got;
		s->nread += (uint64_t)got;
		if (s->progress) {
			uint64_t done, total;
			fm_reader_position(s->reader, &done, &total);
			if (fm_progress_report(s->progress, done, total))
				return fm_error_set(err, FM_ECANCEL,
						    "cancelled");
		}

		size_t k = (size_t)got;
		*idx = NULL;
		if (s->sel) {
			long m = s->sel->select(s->sel->ctx, in, s->idx, err);
			if (m < 0)
				return m;
			k = (size_t)m;
			if (k < (size_t)got)
				*idx = s->idx;
		}
		/* skip_out and count_out over the kept records */
		size_t d = 0;
		if (s->skip_out_left > 0) {
			d = (int64_t)k < s->skip_out_left
				? k
				: (size_t)s->skip_out_left;
			s->skip_out_left -= (int64_t)d;
		}
		size_t cnt = k - d;
		if ((int64_t)cnt > s->out_left)
			cnt = (size_t)s->out_left;
		if (cnt == 0)
			continue;
		s->out_left -= (int64_t)cnt;
		s->nemitted += cnt;
		*from = d;
		*n = (size_t)got;
		return (long)cnt;
	}
	return 0;
}

long fm_scan_next(struct fm_scan *s, struct fm_batch *b, struct fm_error *err)
{
	struct fm_batch in;
	const uint32_t *idx;
	size_t from, n;
	long cnt =
	    scan_select(s, s->early != 0, s->early, &in, &idx, &from, &n, err);

	if (cnt <= 0) {
		memset(b, 0, sizeof(*b));
		return cnt;
	}
	uint32_t rest = s->fields & ~in.fields;
	if (rest)
		return late_gather(s, &in, idx, from, (size_t)cnt, n, rest, b,
				   err);
	if (!idx && from == 0 && (size_t)cnt == n) {
		*b = in; /* pass through */
		return cnt;
	}
	if (idx)
		fm_batch_gather(&s->own, &in, idx + from, (size_t)cnt);
	else
		fm_batch_copy_range(&s->own, &in, from, (size_t)cnt);
	*b = s->own;
	b->store = NULL;
	return cnt;
}

void fm_scan_counts(const struct fm_scan *s, uint64_t *read, uint64_t *emitted)
{
	if (read)
		*read = s->nread;
	if (emitted)
		*emitted = s->nemitted;
}

void fm_scan_position(const struct fm_scan *s, uint64_t *done, uint64_t *total)
{
	fm_reader_position(s->reader, done, total);
}

void fm_scan_sampling(const struct fm_scan *s, struct fm_sampling *out)
{
	fm_reader_sampling(s->reader, out);
}

void fm_scan_free(struct fm_scan *s)
{
	if (!s)
		return;
	fm_reader_free(s->reader);
	fm_batch_release(&s->own);
	free(s->idx);
	free(s);
}

/*
 * fm_scan_copy from binary input to binary output: each batch is read
 * with the selector's columns alone (none without one), and every column
 * of the records it keeps then goes from the input's maps into the
 * output's buffers in its stored width (fm_reader_gather_raw into the
 * scan's own batch memory, fm_writer_write_raw), without being widened
 * to int64 and narrowed back.
 */
static int scan_copy_raw(struct fm_scan *s, struct fm_writer *w,
			 uint64_t *written, struct fm_error *err)
{
	unsigned char *bufs[FM_NFIELDS] = {0};
	uint32_t cols = s->sel ? s->sel->fields : 0;
	long cnt;

	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->fields & FM_FIELD_BIT(f))
			bufs[f] = (unsigned char *)fm_batch_mut(&s->own, f);
	for (;;) {
		struct fm_batch in;
		struct fm_raw_batch rb;
		const uint32_t *idx;
		size_t from, n;
		int r;

		if ((cnt = scan_select(s, 1, cols, &in, &idx, &from, &n,
				       err)) <= 0)
			break;
		if (!idx && from == 0 && (size_t)cnt == n) {
			r = fm_reader_gather_raw(s->reader, NULL, n, &rb, bufs,
						 err);
		} else {
			if (!idx) {
				for (size_t j = 0; j < (size_t)cnt; j++)
					s->idx[j] = (uint32_t)(from + j);
				idx = s->idx;
			} else {
				idx += from;
			}
			r = fm_reader_gather_raw(s->reader, idx, (size_t)cnt,
						 &rb, bufs, err);
		}
		if (r < 0 || (r = fm_writer_write_raw(w, &rb, err)) < 0)
			return r;
		*written += (uint64_t)cnt;
	}
	return (int)cnt;
}

int fm_scan_copy(struct fm_scan *s, struct fm_writer *w, uint64_t *written,
		 struct fm_error *err)
{
	struct fm_batch b;
	long n;

	*written = 0;
	if (fm_writer_takes_raw(w) && fm_reader_has_raw(s->reader))
		return scan_copy_raw(s, w, written, err);
	while ((n = fm_scan_next(s, &b, err)) > 0) {
		int r = fm_writer_write(w, &b, err);
		if (r < 0)
			return r;
		*written += (uint64_t)n;
	}
	return n < 0 ? (int)n : 0;
}
