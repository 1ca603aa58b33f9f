/*
 * scan-ahead.c - a scan read in a thread of its own (see scan-ahead.h).
 *
 * A ring of AHEAD_SLOTS owned batches between two threads: the reader
 * fills the slot after the last full one and counts it in; the caller
 * holds the first full slot while it works on it and gives it back on
 * its next call.  One mutex guards the count, the end and the stop; the
 * batches themselves are touched by one side at a time.  Without a
 * thread (asked for one, a single core, or none to be had) the calls go
 * straight to the scan.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/scan-ahead.h"

#define AHEAD_SLOTS 4

struct fm_scan_ahead {
	struct fm_scan *scan;
	int threaded; /* else: fm_scan_next in the caller's thread */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct fm_batch slot[AHEAD_SLOTS];
	/* the scan's position after each slot's batch was read */
	uint64_t pos_done[AHEAD_SLOTS], pos_total[AHEAD_SLOTS];
	uint64_t last_done, last_total; /* of the batch returned last */
	size_t head;			/* first full slot */
	size_t full;			/* full slots, from head on */
	int held;			/* the caller holds slot head */
	int done; /* the reader has stopped: end is its last return */
	long end; /* 0 (end of the scan) or the scan's error */
	int stop; /* the caller asks the reader to stop */
	struct fm_error err;
};

/* Copy batch b into slot s, allocating the slot's columns when they are
 * not yet those of b. */
static int fill_slot(struct fm_batch *s, const struct fm_batch *b)
{
	if (!s->store || s->fields != b->fields || s->cap < b->n) {
		fm_batch_release(s);
		if (fm_batch_alloc(s, b->fields,
				   b->n > FM_BATCH_CAP ? b->n : FM_BATCH_CAP) <
		    0)
			return FM_ENOMEM;
	}
	fm_batch_copy_range(s, b, 0, b->n);
	return 0;
}

static void *ahead_run(void *arg)
{
	struct fm_scan_ahead *a = arg;
	struct fm_error err = {0};
	struct fm_batch b;
	long n;

	for (;;) {
		n = fm_scan_next(a->scan, &b, &err);
		if (n <= 0)
			break;
		pthread_mutex_lock(&a->mu);
		while (a->full == AHEAD_SLOTS && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		int stop = a->stop;
		size_t i = (a->head + a->full) % AHEAD_SLOTS;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			return NULL;
		/* slot i is not full: the caller does not look at it */
		if (fill_slot(&a->slot[i], &b) < 0) {
			n = fm_error_set(&err, FM_ENOMEM, "out of memory");
			break;
		}
		fm_scan_position(a->scan, &a->pos_done[i], &a->pos_total[i]);
		pthread_mutex_lock(&a->mu);
		a->full++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	pthread_mutex_lock(&a->mu);
	a->done = 1;
	a->end = n;
	a->err = err;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

int fm_scan_ahead_start(struct fm_scan_ahead **out, struct fm_scan *s,
			int threads, struct fm_error *err)
{
	struct fm_scan_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	a->scan = s;
	if (threads != 1 &&
	    (threads > 1 || sysconf(_SC_NPROCESSORS_ONLN) > 1)) {
		pthread_mutex_init(&a->mu, NULL);
		pthread_cond_init(&a->cv, NULL);
		a->threaded = pthread_create(&a->th, NULL, ahead_run, a) == 0;
		if (!a->threaded) { /* read in the caller's thread */
			pthread_cond_destroy(&a->cv);
			pthread_mutex_destroy(&a->mu);
		}
	}
	*out = a;
	return 0;
}

int fm_scan_ahead_threaded(const struct fm_scan_ahead *a)
{
	return a->threaded;
}

long fm_scan_ahead_next(struct fm_scan_ahead *a, struct fm_batch *b,
			struct fm_error *err)
{
	long n;

	if (!a->threaded)
		return fm_scan_next(a->scan, b, err);
	pthread_mutex_lock(&a->mu);
	if (a->held) {
		a->held = 0;
		a->head = (a->head + 1) % AHEAD_SLOTS;
		a->full--;
		pthread_cond_broadcast(&a->cv);
	}
	while (a->full == 0 && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->full > 0) {
		a->held = 1;
		a->last_done = a->pos_done[a->head];
		a->last_total = a->pos_total[a->head];
		*b = a->slot[a->head];
		b->store = NULL; /* the slot keeps its storage */
		n = (long)b->n;
	} else {
		memset(b, 0, sizeof(*b));
		n = a->end;
		if (n < 0 && err)
			*err = a->err;
	}
	pthread_mutex_unlock(&a->mu);
	return n;
}

void fm_scan_ahead_position(const struct fm_scan_ahead *a, uint64_t *done,
			    uint64_t *total)
{
	if (!a->threaded) {
		fm_scan_position(a->scan, done, total);
		return;
	}
	/* the caller's own copy: the reading thread does not write it */
	*done = a->last_done;
	*total = a->last_total;
}

void fm_scan_ahead_free(struct fm_scan_ahead *a)
{
	if (!a)
		return;
	if (a->threaded) {
		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
	}
	for (int i = 0; i < AHEAD_SLOTS; i++)
		fm_batch_release(&a->slot[i]);
	free(a);
}
