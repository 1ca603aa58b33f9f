/*
 * io-csv-write.c - the csv_flow writer (SPEC 2): 21 decimal integers a
 * line, separated by ", ".
 *
 * Text is formatted into the slots of one of two text buffers (each slot
 * room for CSV_CHUNK lines) and a full buffer is written with one writev,
 * slots in order, so the bytes are those of a line-by-line writer whatever
 * the threads do.  On a machine with more than one CPU a worker thread
 * shares the work: it and the caller take CSV_CHUNK-record chunks of a
 * large batch in turn, each into a slot of its own, and the worker also
 * does the writev of a full buffer while the caller goes on reading and
 * formatting into the other one.  Small batches are appended a line at a
 * time by the caller.  Write errors met by the worker are reported by the
 * next call that hands a buffer over, or by commit.  Alone (one CPU, or the
 * thread could not be started) the caller formats and writes everything.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io-int.h"

/* 21 fields of at most 20 digits and a sign, ", " separators, '\n' */
#define CSV_MAXLINE (FM_NFIELDS * 23 + 2)
/* records a chunk; a batch of FM_BATCH_CAP records has CSV_SLOTS chunks */
#define CSV_CHUNK 1024
#define CSV_SLOTS ((FM_BATCH_CAP + CSV_CHUNK - 1) / CSV_CHUNK)
/* batches at least this large are formatted by both threads */
#define CSV_SHARED_MIN (2 * CSV_CHUNK)

/*
 * Values below 1000 (most fields of most records) come from a table: each
 * entry holds the digits in its first bytes and their count in the last;
 * the four bytes are stored at once and the output moves on by the count
 * (what lies beyond is overwritten by the separator or the next line).
 */
#define CSV_SMALL 1000

struct csv_text {
	char *mem;	       /* CSV_SLOTS slots of CSV_CHUNK lines */
	size_t len[CSV_SLOTS]; /* bytes used in each slot */
	size_t nslots;	       /* slots in use, the last one maybe
				  partly (lines appended one by one) */
};

struct fm_csv_writer {
	int fd;
	uint8_t u64[FM_NFIELDS];  /* field keeps raw unsigned 64-bit bits */
	char small[CSV_SMALL][4]; /* digits of 0..999, count in byte 3 */
	char *path;		  /* final name, NULL for stdout */
	char *tmpname;
	struct csv_text text[2];
	int cur; /* text buffer of the next batch */
	/* the worker thread; the fields below are guarded by mu */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct fm_batch *job_b; /* batch being formatted, or NULL */
	size_t job_from, job_to;
	struct csv_text *job_text; /* into slots job_base.. of this */
	size_t job_base, job_chunks, next_chunk, chunks_done;
	struct csv_text *write_text; /* waiting for or in writev, or NULL */
	int write_errno;	     /* first failed write, 0 if none */
	int quit;
};

/* Format record i of b as one line at p; returns the end. */
static char *csv_format_line(const struct fm_csv_writer *w,
			     const struct fm_batch *b, size_t i, char *p)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		int64_t v = b->col[f][i];
		/* 64-bit unsigned fields keep raw bits */
		if ((uint64_t)v < CSV_SMALL) {
			memcpy(p, w->small[v], 4);
			p += (unsigned char)w->small[v][3];
		} else if (v > 0 || w->u64[f]) {
			p += fm_fmt_u64_wide(p, (uint64_t)v);
		} else {
			*p++ = '-';
			p += fm_fmt_u64_wide(p, (uint64_t)0 - (uint64_t)v);
		}
		if (f + 1 < FM_NFIELDS) {
			p[0] = ',';
			p[1] = ' ';
			p += 2;
		}
	}
	*p++ = '\n';
	return p;
}

/* The start of slot c of t. */
static char *csv_slot(const struct csv_text *t, size_t c)
{
	return t->mem + c * (size_t)CSV_CHUNK * CSV_MAXLINE;
}

/* Format chunk c of records [from, to) of b into slot base + c of t. */
static void csv_format_chunk(const struct fm_csv_writer *w,
			     const struct fm_batch *b, size_t from, size_t to,
			     struct csv_text *t, size_t base, size_t c)
{
	char *start = csv_slot(t, base + c), *p = start;
	size_t end = from + (c + 1) * CSV_CHUNK;

	if (end > to)
		end = to;
	for (size_t i = from + c * CSV_CHUNK; i < end; i++)
		p = csv_format_line(w, b, i, p);
	t->len[base + c] = (size_t)(p - start);
}

/* Write the slots of t in order; 0 or -1 with errno. */
static int csv_write_text(int fd, const struct csv_text *t)
{
	struct iovec iov[CSV_SLOTS];
	size_t n = 0;

	for (size_t c = 0; c < t->nslots; c++)
		if (t->len[c]) {
			iov[n].iov_base = csv_slot(t, c);
			iov[n].iov_len = t->len[c];
			n++;
		}
	struct iovec *v = iov;
	while (n) {
		ssize_t k = writev(fd, v, (int)n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* skip what was written, also after a short write */
		while (n && (size_t)k >= v->iov_len) {
			k -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n) {
			v->iov_base = (char *)v->iov_base + k;
			v->iov_len -= (size_t)k;
		}
	}
	return 0;
}

/* Take and format chunks of the current job until none is left (mu held). */
static void csv_take_chunks(struct fm_csv_writer *w)
{
	while (w->job_b && w->next_chunk < w->job_chunks) {
		size_t c = w->next_chunk++;
		const struct fm_batch *b = w->job_b;
		size_t from = w->job_from, to = w->job_to, base = w->job_base;
		struct csv_text *t = w->job_text;
		pthread_mutex_unlock(&w->mu);
		csv_format_chunk(w, b, from, to, t, base, c);
		pthread_mutex_lock(&w->mu);
		if (++w->chunks_done == w->job_chunks)
			pthread_cond_broadcast(&w->cv);
	}
}

static void *csv_writer_worker(void *arg)
{
	struct fm_csv_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->quit) {
		if (w->write_text) {
			const struct csv_text *t = w->write_text;
			pthread_mutex_unlock(&w->mu);
			int r = csv_write_text(w->fd, t);
			int e = errno;
			pthread_mutex_lock(&w->mu);
			if (r < 0 && !w->write_errno)
				w->write_errno = e ? e : EIO;
			w->write_text = NULL;
			pthread_cond_broadcast(&w->cv);
		} else if (w->job_b && w->next_chunk < w->job_chunks) {
			csv_take_chunks(w);
		} else {
			pthread_cond_wait(&w->cv, &w->mu);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int csv_write_failed(const struct fm_csv_writer *w, int e,
			    struct fm_error *err)
{
	return fm_error_set(err, FM_EIO, "%s: write: %s",
			    w->path ? w->path : "<stdout>", strerror(e));
}

int fm_csv_writer_open(struct fm_csv_writer **out, const char *path,
		       int threads, struct fm_error *err)
{
	struct fm_csv_writer *w = calloc(1, sizeof(*w));
	size_t size = (size_t)CSV_SLOTS * CSV_CHUNK * CSV_MAXLINE;
	int r;

	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->fd = -1;
	for (int f = 0; f < FM_NFIELDS; f++)
		w->u64[f] = fm_field_code(f) == 'Q';
	for (unsigned v = 0; v < CSV_SMALL; v++)
		w->small[v][3] = (char)fm_fmt_u64(w->small[v], v);
	/* only the pages that text reaches are ever touched */
	if (!(w->text[0].mem = malloc(size)) ||
	    !(w->text[1].mem = malloc(size)) ||
	    (strcmp(path, "-") != 0 && !(w->path = strdup(path)))) {
		fm_csv_writer_free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (!w->path) {
		w->fd = 1;
	} else if ((r = fm_tmpfile_beside(path, &w->tmpname, &w->fd, err)) <
		   0) {
		w->fd = -1;
		fm_csv_writer_free(w);
		return r;
	}
	if (threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_create(&w->thread, NULL, csv_writer_worker, w) == 0)
		w->have_thread = 1;
	*out = w;
	return 0;
}

/*
 * Queue the current text for writing (or write it, alone) and go on in
 * the other buffer, whose own write is then over.
 */
static int csv_hand_off(struct fm_csv_writer *w, struct fm_error *err)
{
	struct csv_text *t = &w->text[w->cur];
	int e;

	if (!w->have_thread) {
		e = csv_write_text(w->fd, t) < 0 ? errno : 0;
		t->nslots = 0;
		return e ? csv_write_failed(w, e, err) : 0;
	}
	pthread_mutex_lock(&w->mu);
	while (w->write_text)
		pthread_cond_wait(&w->cv, &w->mu);
	if ((e = w->write_errno) == 0) {
		w->write_text = t;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (e)
		return csv_write_failed(w, e, err);
	w->cur ^= 1;
	w->text[w->cur].nslots = 0;
	return 0;
}

/* Records [from, to) of b a line at a time after the text so far. */
static int csv_append(struct fm_csv_writer *w, const struct fm_batch *b,
		      size_t from, size_t to, struct fm_error *err)
{
	for (size_t i = from; i < to; i++) {
		struct csv_text *t = &w->text[w->cur];
		size_t s = t->nslots - 1;
		if (t->nslots == 0 ||
		    (size_t)CSV_CHUNK * CSV_MAXLINE - t->len[s] < CSV_MAXLINE) {
			if (t->nslots == CSV_SLOTS) {
				int r = csv_hand_off(w, err);
				if (r < 0)
					return r;
				t = &w->text[w->cur];
			}
			s = t->nslots++;
			t->len[s] = 0;
		}
		t->len[s] = (size_t)(csv_format_line(
					 w, b, i, csv_slot(t, s) + t->len[s]) -
				     csv_slot(t, s));
	}
	return 0;
}

/* Records [from, to) of b (at most FM_BATCH_CAP) by both threads. */
static int csv_format_shared(struct fm_csv_writer *w, const struct fm_batch *b,
			     size_t from, size_t to, struct fm_error *err)
{
	size_t chunks = (to - from + CSV_CHUNK - 1) / CSV_CHUNK;
	int r;

	if (w->text[w->cur].nslots + chunks > CSV_SLOTS &&
	    (r = csv_hand_off(w, err)) < 0)
		return r;
	struct csv_text *t = &w->text[w->cur];
	pthread_mutex_lock(&w->mu);
	w->job_b = b;
	w->job_from = from;
	w->job_to = to;
	w->job_text = t;
	w->job_base = t->nslots;
	w->job_chunks = chunks;
	w->next_chunk = 0;
	w->chunks_done = 0;
	pthread_cond_broadcast(&w->cv);
	csv_take_chunks(w);
	while (w->chunks_done < chunks)
		pthread_cond_wait(&w->cv, &w->mu);
	w->job_b = NULL; /* b may change once the call returns */
	pthread_mutex_unlock(&w->mu);
	t->nslots += chunks;
	return t->nslots == CSV_SLOTS ? csv_hand_off(w, err) : 0;
}

int fm_csv_writer_write(struct fm_csv_writer *w, const struct fm_batch *b,
			struct fm_error *err)
{
	for (size_t from = 0; from < b->n; from += FM_BATCH_CAP) {
		size_t to =
		    b->n - from < FM_BATCH_CAP ? b->n : from + FM_BATCH_CAP;
		int r = w->have_thread && to - from >= CSV_SHARED_MIN
			    ? csv_format_shared(w, b, from, to, err)
			    : csv_append(w, b, from, to, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Write what is left and wait until the worker is done; 0 or FM_EIO. */
static int csv_drain(struct fm_csv_writer *w, struct fm_error *err)
{
	int r = w->text[w->cur].nslots ? csv_hand_off(w, err) : 0;
	int e = 0;

	if (r < 0 || !w->have_thread)
		return r;
	pthread_mutex_lock(&w->mu);
	while (w->write_text)
		pthread_cond_wait(&w->cv, &w->mu);
	e = w->write_errno;
	pthread_mutex_unlock(&w->mu);
	return e ? csv_write_failed(w, e, err) : 0;
}

int fm_csv_writer_commit(struct fm_csv_writer *w, struct fm_error *err)
{
	int r = csv_drain(w, err);
	if (r < 0)
		return r;
	if (!w->path)
		return 0;
	if (close(w->fd) < 0) {
		w->fd = -1;
		return fm_error_set(err, FM_EIO, "%s: %s", w->path,
				    strerror(errno));
	}
	w->fd = -1;
	if (fm_tmpfile_commit(w->tmpname, w->path) < 0)
		return fm_error_set(err, FM_EIO, "%s: rename: %s", w->path,
				    strerror(errno));
	free(w->tmpname);
	w->tmpname = NULL;
	return 0;
}

void fm_csv_writer_free(struct fm_csv_writer *w)
{
	if (!w)
		return;
	if (w->have_thread) {
		/* a write still queued ends before the file is closed */
		pthread_mutex_lock(&w->mu);
		while (w->write_text)
			pthread_cond_wait(&w->cv, &w->mu);
		w->quit = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	if (w->path && w->fd >= 0)
		close(w->fd);
	if (w->tmpname)
		fm_tmpfile_discard(w->tmpname);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->tmpname);
	free(w->path);
	free(w->text[0].mem);
	free(w->text[1].mem);
	free(w);
}
