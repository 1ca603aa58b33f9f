/*
 * hist-threads.c - fm_hist_add_binary: binary directories binned by
 * worker threads into accumulators of their own (merged at the end), and
 * the ordered rate_sum pipeline (see hist.c for the design).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "flowmodels/cut.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "hist-int.h"
#include "num-int.h"

/* ---- the multi-threaded binary path ---- */

/*
 * Records per chunk of the threaded rate_sum mode: small enough that the
 * chunks' lists (17 bytes a rate) take little fresh memory, whose first
 * touch is dear on a virtual machine, and that the threads finish at
 * about the same time; large enough that handing chunks out costs
 * little.
 */
#define RATE_CHUNK ((uint64_t)FM_BATCH_CAP * 2)

/*
 * The rate_sum mode's shared state (see worker_chunks): chunks of C
 * records handed out in record order, the rate lists of the chunks binned
 * into buffers, a pool of buffers (free ones stacked under gate->mu).
 */
struct rpipe {
	uint64_t C, K;		   /* records a chunk, chunks */
	atomic_uint_fast64_t next; /* the next chunk to hand out */
	atomic_int *ready; /* K: 0, or 1 + the buffer holding chunk k's list */
	struct rate_out *buf;
	int *free_buf;
	int nbuf, nfree;
};

/* Workers wait here until the main thread knows how many started. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open;
};

struct worker {
	struct fm_hist *h;
	struct hacc *acc;
	const char *const *dirs;
	size_t ndirs;
	uint64_t start, count; /* contiguous mode: absolute record range */
	int index, main_thread;
	uint64_t total_work; /* for progress (main thread) */
	struct worker *all;
	int nworkers;
	atomic_uint_fast64_t done;
	atomic_int *cancel;
	int interleaved; /* the rate_sum chunks of struct rpipe */
	struct rpipe *pipe;
	struct hacc *side;	/* main thread: for the chunks it records */
	struct gate *gate;	/* also for waiting on the pipe */
	uint64_t kept;		/* records binned */
	uint64_t filter_errors; /* records dropped by filter run-time errors */
	int rc;
	struct fm_error err;
	/* reading state */
	struct fm_reader *rd;
	uint64_t pos; /* absolute position of rd */
	struct fm_filter_run *run;
	struct fm_batch own;
	uint32_t *idx;
};

static int worker_open(struct worker *w)
{
	struct fm_reader_opts ro;
	int r = 0;

	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields = w->h->fields;
	ro.log = NULL; /* warnings were given by the probe */
	if (w->h->o.filter) {
		/* one filter run per thread (the compiled filter is shared) */
		ro.fields |= fm_filter_fields(w->h->o.filter);
		r = fm_filter_run_new(&w->run, w->h->o.filter, &w->err);
		if (r == 0 &&
		    (fm_batch_alloc(&w->own, ro.fields, FM_BATCH_CAP) < 0 ||
		     !(w->idx = malloc(FM_BATCH_CAP * sizeof(*w->idx)))))
			r = fm_error_set(&w->err, FM_ENOMEM, "out of memory");
	}
	if (r == 0)
		r = fm_reader_open(&w->rd, &ro, w->dirs, w->ndirs, &w->err);
	w->pos = 0;
	return r;
}

static void worker_close(struct worker *w)
{
	fm_reader_free(w->rd);
	if (w->run)
		w->filter_errors = fm_filter_run_errors(w->run);
	fm_filter_run_free(w->run);
	fm_batch_release(&w->own);
	free(w->idx);
	/* the ro buffers may still be read by the main thread: freed after the
	 * join */
	w->acc->ro = NULL;
}

static int worker_progress(struct worker *w)
{
	uint64_t done = 0;

	if (!w->main_thread || !w->h->o.progress)
		return 0;
	for (int i = 0; i < w->nworkers; i++)
		done +=
		    atomic_load_explicit(&w->all[i].done, memory_order_relaxed);
	if (fm_progress_report(w->h->o.progress, done, w->total_work)) {
		atomic_store(w->cancel, 1);
		return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
	}
	return 0;
}

/* Bin records [start, start+count) (absolute; at or after w->pos). */
static int worker_range(struct worker *w, uint64_t start, uint64_t count)
{
	uint64_t left = count, recno = start;
	int r = 0;

	if (start > w->pos) {
		int64_t k =
		    fm_reader_skip(w->rd, (int64_t)(start - w->pos), &w->err);
		if (k < 0)
			return (int)k;
		if ((uint64_t)k != start - w->pos)
			return fm_error_set(
			    &w->err, FM_EFORMAT,
			    "binary input shrank while reading");
		w->pos = start;
	}
	/* unfiltered, not the basic loop: columns in their stored widths */
	const int raw = !w->run && !acc_basic(w->h, w->acc);

	while (r == 0 && left > 0) {
		struct fm_batch b;
		struct fm_raw_batch rb;
		size_t max = left < FM_BATCH_CAP ? (size_t)left : FM_BATCH_CAP;
		long n = raw ? fm_reader_next_raw(w->rd, &rb, max, &w->err)
			     : fm_reader_next(w->rd, &b, max, &w->err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return fm_error_set(
			    &w->err, FM_EFORMAT,
			    "binary input shrank while reading");
		w->pos += (uint64_t)n;
		if (raw) {
			r = acc_add_raw(w->h, w->acc, &rb, recno, &w->err);
			w->kept += rb.n;
		} else {
			if (w->run) {
				long k = fm_filter_select(w->run, &b, w->idx);
				if (k < n) {
					fm_batch_gather(&w->own, &b, w->idx,
							(size_t)k);
					b = w->own;
					b.store = NULL;
				}
			}
			r = acc_add(w->h, w->acc, &b, 0, b.n, recno, &w->err);
			w->kept += b.n;
		}
		left -= (uint64_t)n;
		recno += (uint64_t)n;
		atomic_fetch_add_explicit(&w->done, (uint64_t)n,
					  memory_order_relaxed);
		if (r == 0 &&
		    atomic_load_explicit(w->cancel, memory_order_relaxed))
			r = fm_error_set(&w->err, FM_ECANCEL, "cancelled");
		if (r == 0 && !w->interleaved)
			r = worker_progress(w);
	}
	return r;
}

/*
 * Add the rates of the records of one chunk (recorded in ro, in record
 * order) into the main accumulator's rate_sum.
 */
static int apply_rates(struct fm_hist *h, const struct rate_out *ro,
		       struct fm_error *err)
{
	struct hacc *a = &h->acc;

	if (ro->all_dense) {
		/* rows beyond lim must stay zero */
		if (ro->n && a->lim < ro->top) {
			acc_touch(h, a, ro->top);
			a->lim = ro->top;
		}
		for (size_t i = 0; i < ro->n; i++)
			a->drate[ro->x[i]] += ro->r[i];
		return 0;
	}
	for (size_t i = 0; i < ro->n; i++) {
		double *er;
		if (ro->neg[i] == 2) {
			uint64_t x = ro->x[i];
			if (x >= a->lim) { /* rows beyond lim must stay zero */
				acc_touch(h, a, x + 1);
				a->lim = x + 1;
			}
			a->drate[x] += ro->r[i];
			continue;
		}
		if (ro->neg[i]) {
			int64_t lo, hi;
			int isnew;
			fm_hist_bin_edges_signed((int64_t)ro->x[i], h->b, &lo,
						 &hi);
			long s = hmap_slot(&a->neg, (uint64_t)lo, &isnew);
			if (s < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			if (isnew)
				a->neg.hi[s] = hi; /* the first record's, as the
						      reference */
			er = a->neg.rate + s;
		} else {
			uint64_t idx = bin_index(ro->x[i], h->b);
			if (idx < h->D) {
				if (idx >= a->lim) {
					acc_touch(h, a, idx + 1);
					a->lim = idx + 1;
				}
				er = a->drate + idx;
			} else {
				int isnew;
				long s = hmap_slot(&a->sparse, idx, &isnew);
				if (s < 0)
					return fm_error_set(err, FM_ENOMEM,
							    "out of memory");
				er = a->sparse.rate + s;
			}
		}
		*er += ro->r[i];
	}
	return 0;
}

/* Stop every thread (waiters of the interleaved mode wake up). */
static void workers_cancel(struct worker *w)
{
	atomic_store(w->cancel, 1);
	pthread_mutex_lock(&w->gate->mu);
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/*
 * Wait until chunk k's list is ready (returns 1 + its buffer) or a
 * cancellation (returns 0): a short spin first (the other thread is
 * usually about to get there; sleeping and waking cost more), then the
 * gate's condition.
 */
static int wait_ready(struct worker *w, uint64_t k)
{
	atomic_int *v = &w->pipe->ready[k];
	int b;

	for (int i = 0; i < 1024; i++) {
		if ((b = atomic_load_explicit(v, memory_order_acquire)) ||
		    atomic_load(w->cancel))
			return b;
#ifdef __SSE2__
		_mm_pause();
#endif
	}
	pthread_mutex_lock(&w->gate->mu);
	while (!(b = atomic_load(v)) && !atomic_load(w->cancel))
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	pthread_mutex_unlock(&w->gate->mu);
	return b;
}

/* A free buffer (reset), or -1: none free (wait = 0) or a cancellation. */
static int get_buf(struct worker *w, int wait)
{
	struct rpipe *p = w->pipe;
	int b = -1;

	pthread_mutex_lock(&w->gate->mu);
	while (wait && p->nfree == 0 && !atomic_load(w->cancel))
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	if (p->nfree > 0 && !atomic_load(w->cancel))
		b = p->free_buf[--p->nfree];
	pthread_mutex_unlock(&w->gate->mu);
	if (b >= 0) {
		p->buf[b].n = 0;
		p->buf[b].all_dense = 1;
		p->buf[b].top = 0;
	}
	return b;
}

static void put_buf(struct worker *w, int b)
{
	pthread_mutex_lock(&w->gate->mu);
	w->pipe->free_buf[w->pipe->nfree++] = b;
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/* Chunk k's list is in buffer b (after the data, for the acquire above). */
static void post_ready(struct worker *w, uint64_t k, int b)
{
	pthread_mutex_lock(&w->gate->mu);
	atomic_store_explicit(&w->pipe->ready[k], b + 1, memory_order_release);
	pthread_cond_broadcast(&w->gate->cv);
	pthread_mutex_unlock(&w->gate->mu);
}

/* Bin chunk k recording its rates into buffer b. */
static int chunk_to_list(struct worker *w, uint64_t k, int b)
{
	struct rpipe *p = w->pipe;
	uint64_t c0 = k * p->C,
		 len = w->count - c0 < p->C ? w->count - c0 : p->C;

	w->acc->ro = &p->buf[b];
	int r = worker_range(w, w->start + c0, len);
	w->acc->ro = NULL;
	return r;
}

/* Add the list of the next chunk in order (in buffer b - 1) and free it. */
static int apply_next(struct worker *w, uint64_t *next_apply, int b)
{
	int r = apply_rates(w->h, &w->pipe->buf[b - 1], &w->err);

	put_buf(w, b - 1);
	(*next_apply)++;
	return r;
}

/*
 * The rate_sum mode (several threads): chunks of C records are handed out
 * in record order to whichever thread is free, so the threads stay busy
 * however their speeds differ.  rate_sum wants every bin's rates added
 * in record order: the main thread bins a chunk straight into the
 * histogram, rates included, when every earlier chunk's rates are in;
 * any other chunk (the other threads', or the main thread's when it is
 * ahead) records its x and rate into a buffer from the pool, which the
 * main thread adds, chunk after chunk in order, between its own chunks.
 * Integer sums go into each thread's accumulator at once.  A thread
 * takes a buffer before a chunk, so a chunk handed out always completes;
 * the main thread never waits for a buffer (it adds the next list in
 * order instead).
 */
static int worker_chunks(struct worker *w)
{
	struct rpipe *p = w->pipe;
	uint64_t next_apply = 0;
	int r = 0;

	if (!w->main_thread) {
		while (r == 0) {
			int b = get_buf(w, 1);
			if (b < 0)
				return fm_error_set(&w->err, FM_ECANCEL,
						    "cancelled");
			uint64_t k = atomic_fetch_add(&p->next, 1);
			if (k >= p->K) {
				put_buf(w, b);
				break;
			}
			r = chunk_to_list(w, k, b);
			if (r == 0)
				post_ready(w, k, b);
		}
		return r;
	}
	if (atomic_load(w->cancel))
		return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
	while (r == 0) {
		int b;
		/* the lists that are ready, in order */
		while (r == 0 && next_apply < p->K &&
		       (b = atomic_load_explicit(&p->ready[next_apply],
						 memory_order_acquire)))
			r = apply_next(w, &next_apply, b);
		if (r < 0)
			break;
		uint64_t k = atomic_fetch_add(&p->next, 1);
		if (k >= p->K)
			break;
		for (;;) {
			if (k == next_apply) {
				uint64_t c0 = k * p->C;
				uint64_t len =
				    w->count - c0 < p->C ? w->count - c0 : p->C;
				r = worker_range(w, w->start + c0, len);
				next_apply++;
				break;
			}
			if ((b = get_buf(w, 0)) >= 0) {
				/*
				 * Not into the histogram: its maps must get
				 * their keys in record order (a negative bin's
				 * bin_hi is its first record's), which the
				 * adding of the lists gives them.
				 */
				struct hacc *own = w->acc;
				w->acc = w->side;
				r = chunk_to_list(w, k, b);
				w->acc = own;
				/* no one else waits for it: added in order
				 * above */
				atomic_store_explicit(&p->ready[k], b + 1,
						      memory_order_relaxed);
				break;
			}
			if (!(b = wait_ready(w, next_apply)))
				return fm_error_set(&w->err, FM_ECANCEL,
						    "cancelled");
			if ((r = apply_next(w, &next_apply, b)) < 0)
				break;
		}
		if (r == 0)
			r = worker_progress(w);
	}
	/* the rest, in order */
	while (r == 0 && next_apply < p->K) {
		int b = wait_ready(w, next_apply);
		if (!b)
			return fm_error_set(&w->err, FM_ECANCEL, "cancelled");
		r = apply_next(w, &next_apply, b);
	}
	return r;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	int r;

	if (w->gate && !w->main_thread) {
		pthread_mutex_lock(&w->gate->mu);
		while (!w->gate->open)
			pthread_cond_wait(&w->gate->cv, &w->gate->mu);
		pthread_mutex_unlock(&w->gate->mu);
	}
	r = worker_open(w);
	if (r == 0)
		r = w->interleaved ? worker_chunks(w)
				   : worker_range(w, w->start, w->count);
	worker_close(w);
	if (r < 0)
		workers_cancel(w);
	w->rc = r;
	return NULL;
}

static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* The records of dirs (the probe gives the missing-field warnings once). */
static int count_records(const struct fm_hist *h, const char *const *dirs,
			 size_t ndirs, const struct fm_cut *cut,
			 uint64_t *total, struct fm_error *err)
{
	struct fm_reader_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.format = FM_FORMAT_BINARY;
	ro.fields =
	    h->fields | (h->o.filter ? fm_filter_fields(h->o.filter) : 0);
	ro.log = h->o.log;
	if (h->o.filter &&
	    (cut->skip_out > 0 || cut->count_out != FM_UNLIMITED))
		return fm_error_set(err, FM_EINVAL,
				    "hist: skip-out and count-out with a "
				    "filter need the sequential scan");
	int64_t k = fm_reader_count(&ro, dirs, ndirs, err);
	if (k < 0)
		return (int)k;
	*total = (uint64_t)k;
	return 0;
}

/*
 * The rate_sum pipeline's chunks and buffers for n records and `started`
 * threads: two buffers (17 bytes a record) per thread and two more.
 */
static int pipe_alloc(struct rpipe *pipe, uint64_t n, int started,
		      uint64_t rate_chunk, struct fm_error *err)
{
	uint64_t C = rate_chunk ? rate_chunk : RATE_CHUNK;

	pipe->C = C;
	pipe->K = (n + C - 1) / C;
	pipe->nbuf = 2 * started + 2;
	atomic_init(&pipe->next, 0);
	pipe->ready = malloc(pipe->K * sizeof(*pipe->ready));
	pipe->buf = calloc((size_t)pipe->nbuf, sizeof(*pipe->buf));
	pipe->free_buf = malloc((size_t)pipe->nbuf * sizeof(*pipe->free_buf));
	if (!pipe->ready || !pipe->buf || !pipe->free_buf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (uint64_t c = 0; c < pipe->K; c++)
		atomic_init(&pipe->ready[c], 0);
	for (int b = 0; b < pipe->nbuf; b++) {
		struct rate_out *o = &pipe->buf[b];
		o->cap = C;
		o->x = malloc((C + 8) * sizeof(uint64_t));
		o->r = malloc((C + 8) * sizeof(double));
		o->neg = malloc(C);
		if (!o->x || !o->r || !o->neg)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		pipe->free_buf[pipe->nfree++] = b;
	}
	return 0;
}

static void pipe_free(struct rpipe *pipe)
{
	for (int b = 0; pipe->buf && b < pipe->nbuf; b++) {
		free(pipe->buf[b].x);
		free(pipe->buf[b].r);
		free(pipe->buf[b].neg);
	}
	free(pipe->buf);
	free(pipe->ready);
	free(pipe->free_buf);
}

/*
 * After the workers: the first real error in record order (else a
 * cancellation), or the workers' accumulators merged into h's, the
 * records kept counted, filter errors warned about.
 */
static int collect(struct fm_hist *h, struct worker *w, struct hacc *accs,
		   int started, int interleaved, uint64_t *records,
		   struct fm_error *err)
{
	int r = 0;

	/* the first real error in record order, else a cancellation */
	for (int t = 0; t < started && r == 0; t++)
		if (w[t].rc < 0 && w[t].rc != FM_ECANCEL) {
			*err = w[t].err;
			r = w[t].rc;
		}
	for (int t = 0; t < started && r == 0; t++)
		if (w[t].rc < 0) {
			*err = w[t].err;
			r = w[t].rc;
		}
	/* accs[0]: the main thread's recorded chunks (rate_sum mode) */
	for (int t = interleaved ? 0 : 1; t < started && r == 0; t++)
		if (acc_merge(h, &h->acc, &accs[t]) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0) {
		uint64_t kept = 0, ferr = 0;
		for (int t = 0; t < started; t++) {
			kept += w[t].kept;
			ferr += w[t].filter_errors;
		}
		h->nrec += kept;
		if (records)
			*records = kept;
		if (ferr)
			fm_warn(h->o.log,
				"filter: %llu records not kept because "
				"evaluating the filter failed on them "
				"(division or modulo by zero, negative shift "
				"count or zero to a negative power)",
				(unsigned long long)ferr);
	}
	return r;
}

int fm_hist_add_binary(struct fm_hist *h, const char *const *dirs, size_t ndirs,
		       const struct fm_cut *cut, uint64_t *records,
		       struct fm_error *err)
{
	uint64_t total = 0, first, end, n;
	int threads = h->o.threads > 0 ? h->o.threads : ncpus();
	int r, interleaved, started = 1;
	struct worker *w = NULL;
	struct hacc *accs = NULL;
	pthread_t *tids = NULL;
	struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			    0};
	struct rpipe pipe;
	atomic_int cancel = 0;

	memset(&pipe, 0, sizeof(pipe));

	if (records)
		*records = 0;
	/* count the records (and give the missing-field warnings once) */
	r = count_records(h, dirs, ndirs, cut, &total, err);
	if (r < 0)
		return r;
	fm_cut_range(cut, total, &first, &end);
	n = end - first;
	if (n == 0)
		return 0;

	if (threads > 64)
		threads = 64;
	/* small inputs are not worth a thread */
	uint64_t per = h->o.min_per_thread ? h->o.min_per_thread : 65536;
	if ((uint64_t)threads > n / per + 1)
		threads = (int)(n / per + 1);
	/*
	 * Without rate_sum: contiguous ranges, worker 0 (this thread) into
	 * the main accumulator, the others into their own.  With rate_sum and
	 * several threads: chunks handed out in order to whichever thread is
	 * free (worker_chunks), rates added in record order into the main
	 * accumulator.
	 */
	interleaved = h->want_rate && threads > 1;

	w = calloc((size_t)threads, sizeof(*w));
	accs = calloc((size_t)threads, sizeof(*accs));
	tids = calloc((size_t)threads, sizeof(*tids));
	if (!w || !accs || !tids) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto out;
	}
	for (int t = 0; t < threads; t++) {
		struct worker *x = &w[t];
		x->h = h;
		x->dirs = dirs;
		x->ndirs = ndirs;
		x->cancel = &cancel;
		x->all = w;
		x->index = t;
		x->total_work = n;
		x->main_thread = t == 0;
		x->gate = &gate;
		atomic_init(&x->done, 0);
		if (t == 0) {
			x->acc = &h->acc;
			x->side = &accs[0];
			if (h->want_rate && threads > 1 &&
			    acc_init(h, x->side, 1, 0) < 0) {
				r = fm_error_set(err, FM_ENOMEM,
						 "out of memory");
				goto out;
			}
		} else {
			x->acc = &accs[t];
			if (acc_init(h, x->acc, 1, 0) < 0) {
				r = fm_error_set(err, FM_ENOMEM,
						 "out of memory");
				goto out;
			}
		}
	}
	/* start the threads; they wait at the gate for their work */
	for (int t = 1; t < threads; t++) {
		if (pthread_create(&tids[t], NULL, worker_run, &w[t]) != 0)
			break; /* go on with fewer threads */
		started++;
	}
	interleaved = interleaved && started > 1;
	if (interleaved) {
		r = pipe_alloc(&pipe, n, started, h->o.rate_chunk, err);
		if (r < 0)
			atomic_store(&cancel, 1);
	}
	for (int t = 0; t < started; t++) {
		struct worker *x = &w[t];
		x->nworkers = started;
		x->interleaved = interleaved;
		x->pipe = &pipe;
		if (interleaved) {
			x->start = first;
			x->count = n;
		} else {
			uint64_t a = n * (uint64_t)t / (uint64_t)started;
			uint64_t b2 = n * (uint64_t)(t + 1) / (uint64_t)started;
			x->start = first + a;
			x->count = b2 - a;
		}
	}
	pthread_mutex_lock(&gate.mu);
	gate.open = 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	worker_run(&w[0]);
	for (int t = 1; t < started; t++)
		pthread_join(tids[t], NULL);
	if (r < 0)
		goto out;
	if (r == 0)
		r = collect(h, w, accs, started, interleaved, records, err);
out:
	pipe_free(&pipe);
	if (accs)
		for (int t = 0; t < threads; t++)
			acc_release(&accs[t]);
	free(accs);
	free(w);
	free(tids);
	return r;
}
