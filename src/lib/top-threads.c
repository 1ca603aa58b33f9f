/*
 * top-threads.c - fm_top_add_binary: binary directories aggregated by
 * worker threads, each owning one partition of the key hashes; and
 * fm_top_add_scan: any other input read ahead in a thread of its own.
 *
 * Every thread reads the same records (only the columns the keys and
 * sums need; reading is a small part of the work) and adds the keys whose
 * hash falls into its partition to a table of its own, so that no group
 * is looked up twice and no merge looks anything up: the tables hold
 * disjoint keys and are appended to the result (top_absorb).  On many
 * groups (addresses) the work is the hash table's cache misses, which
 * the partitions split; each partition's table is also smaller.  The
 * result is the same bytes for any thread count: the groups are sorted
 * by (sum, key), keys unique.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/cut.h"
#include "flowmodels/scan-ahead.h"
#include "flowmodels/top.h"
#include "top-int.h"

/* records a thread must have at least when the thread count is automatic */
#define TOP_MIN_PER_THREAD 65536
struct top_worker {
	struct fm_top *t; /* this partition's groups */
	const char *const *dirs;
	size_t ndirs;
	const struct fm_top_binary_opts *o;
	uint64_t first, n;
	int part, nparts;
	atomic_uint_fast64_t done;
	atomic_int *cancel;
	struct top_worker *all; /* the main thread reports progress */
	int rc;
	struct fm_error err;
};

static int worker_progress(struct top_worker *w)
{
	uint64_t done = 0;

	if (w->part || !w->o->progress)
		return 0;
	for (int i = 0; i < w->nparts; i++)
		done +=
		    atomic_load_explicit(&w->all[i].done, memory_order_relaxed);
	if (fm_progress_report(w->o->progress, done,
			       w->n * (uint64_t)w->nparts)) {
		atomic_store(w->cancel, 1);
		return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
	}
	return 0;
}

static int worker_read(struct top_worker *w)
{
	struct fm_reader *rd = NULL;
	struct fm_reader_opts ro;
	uint64_t left = w->n;
	int r;

	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields = fm_top_fields(fm_top_keys_of(w->t));
	r = fm_reader_open(&rd, &ro, w->dirs, w->ndirs, &w->err);
	if (r == 0 && w->first) {
		int64_t k = fm_reader_skip(rd, (int64_t)w->first, &w->err);
		if (k >= 0 && (uint64_t)k != w->first)
			k = fm_error_set(&w->err, FM_EFORMAT,
					 "binary input shrank while reading");
		r = k < 0 ? (int)k : 0;
	}
	while (r == 0 && left > 0) {
		struct fm_batch b;
		size_t max = left < FM_BATCH_CAP ? (size_t)left : FM_BATCH_CAP;
		long n = fm_reader_next(rd, &b, max, &w->err);
		if (n <= 0) {
			r = n < 0 ? (int)n
				  : fm_error_set(&w->err, FM_EFORMAT,
						 "binary input shrank while "
						 "reading");
			break;
		}
		r = top_add_part(w->t, &b, w->part, w->nparts, w->part == 0,
				 &w->err);
		left -= (uint64_t)n;
		atomic_fetch_add_explicit(&w->done, (uint64_t)n,
					  memory_order_relaxed);
		if (r == 0 &&
		    atomic_load_explicit(w->cancel, memory_order_relaxed))
			r = fm_error_set(&w->err, FM_ECANCEL, "cancelled");
		if (r == 0)
			r = worker_progress(w);
	}
	fm_reader_free(rd);
	return r;
}

static void *worker_run(void *arg)
{
	struct top_worker *w = arg;

	w->rc = worker_read(w);
	if (w->rc < 0)
		atomic_store(w->cancel, 1);
	return NULL;
}

static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* The records of dirs, and the range the counters select. */
static int record_range(const char *const *dirs, size_t ndirs,
			const struct fm_top_binary_opts *o, uint32_t fields,
			uint64_t *first, uint64_t *end, struct fm_error *err)
{
	struct fm_reader_opts ro;
	struct fm_cut all;

	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields = fields;
	ro.log = o->log; /* the missing-field warnings, once */
	int64_t k = fm_reader_count(&ro, dirs, ndirs, err);
	if (k < 0)
		return (int)k;
	fm_cut_init(&all);
	fm_cut_range(o->cut ? o->cut : &all, (uint64_t)k, first, end);
	return 0;
}

/* The threads' results: the first error in partition order, or joined. */
static int join_parts(struct fm_top *t, struct top_worker *w, int started,
		      struct fm_error *err)
{
	int r = 0, bad = -1;

	/* a thread's own error before the cancellations it caused */
	for (int i = 0; i < started; i++)
		if (w[i].rc < 0 && (bad < 0 || (w[bad].rc == FM_ECANCEL &&
						w[i].rc != FM_ECANCEL)))
			bad = i;
	if (bad >= 0) {
		*err = w[bad].err;
		r = w[bad].rc;
	}
	for (int i = 0; i < started && r == 0; i++)
		if ((r = top_absorb(t, w[i].t)) < 0)
			r = fm_error_set(err, r,
					 "top: packet or octet sum above 2^64");
		else
			w[i].t = NULL; /* t's now */
	return r;
}

int fm_top_add_binary(struct fm_top *t, const char *const *dirs, size_t ndirs,
		      const struct fm_top_binary_opts *o, struct fm_error *err)
{
	uint64_t first, end, n;
	int threads = o->threads > 0 ? o->threads : ncpus(), started = 0;
	atomic_int cancel = 0;
	int r = record_range(dirs, ndirs, o, fm_top_fields(fm_top_keys_of(t)),
			     &first, &end, err);

	if (r < 0 || (n = end - first) == 0)
		return r;
	if (threads > 64)
		threads = 64;
	if (o->threads <= 0 && (uint64_t)threads > n / TOP_MIN_PER_THREAD + 1)
		threads = (int)(n / TOP_MIN_PER_THREAD + 1);
	/*
	 * groups already in t could be found again by another partition;
	 * one-word keys take no hashes and make few groups (top_direct)
	 */
	if (fm_top_groups(t) || top_direct(t))
		threads = 1;
	struct top_worker *w = calloc((size_t)threads, sizeof(*w));
	pthread_t *tids = calloc((size_t)threads, sizeof(*tids));
	if (!w || !tids)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	for (int i = 0; i < threads && r == 0; i++) {
		w[i] = (struct top_worker){.dirs = dirs,
					   .ndirs = ndirs,
					   .o = o,
					   .first = first,
					   .n = n,
					   .part = i,
					   .nparts = threads,
					   .cancel = &cancel,
					   .all = w};
		atomic_init(&w[i].done, 0);
		if (threads == 1)
			w[i].t = t;
		else if ((r = fm_top_new(&w[i].t, fm_top_keys_of(t), err)) == 0)
			started = i + 1;
		if (r == 0 && top_reserve(w[i].t, n / (uint64_t)threads + 1))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (r == 0 && threads == 1) {
		worker_run(&w[0]);
		if ((r = w[0].rc) < 0)
			*err = w[0].err;
	} else if (r == 0) {
		int run = 1;
		for (; run < threads; run++)
			if (pthread_create(&tids[run], NULL, worker_run,
					   &w[run]) != 0)
				break;
		/* fewer threads than partitions: this one does the rest */
		for (int i = 0; i < threads; i++)
			if (i == 0 || i >= run)
				worker_run(&w[i]);
		for (int i = 1; i < run; i++)
			pthread_join(tids[i], NULL);
		r = join_parts(t, w, threads, err);
	}
	for (int i = 0; i < started; i++)
		fm_top_free(w[i].t);
	free(w);
	free(tids);
	return r;
}

/*
 * The records a scan will emit, foretold from its first batch of n
 * records and the bytes read for it; 0 when the inputs' size is unknown.
 */
static uint64_t foretell_records(const struct fm_scan_ahead *a, long n)
{
	uint64_t done, total;

	fm_scan_ahead_position(a, &done, &total);
	if (done == 0 || total < done)
		return 0;
	return (uint64_t)((double)n * ((double)total / (double)done));
}

int fm_top_add_scan(struct fm_top *t, struct fm_scan *s, int threads,
		    struct fm_error *err)
{
	struct fm_scan_ahead *a;
	struct fm_batch b;
	long got = 0;
	int r = fm_scan_ahead_start(&a, s, threads, err), first = 1;

	while (r == 0 && (got = fm_scan_ahead_next(a, &b, err)) > 0) {
		/* sized once for the records to come, as the binary path
		 * is (top_reserve), rather than doubling all the way */
		uint64_t expect =
		    first && !fm_top_groups(t) ? foretell_records(a, got) : 0;
		first = 0;
		if (expect && top_reserve(t, expect) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		if (r == 0)
			r = fm_top_add(t, &b, err);
	}
	if (r == 0 && got < 0)
		r = (int)got;
	fm_scan_ahead_free(a);
	return r;
}
