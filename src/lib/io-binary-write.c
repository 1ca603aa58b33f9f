/*
 * io-binary-write.c - the writer of the native columnar format (SPEC 2;
 * reading is in io-binary.c).
 *
 * Writing streams each column into a temporary file and renames all of
 * them into place at commit, widening a column (e.g. inif.H -> inif.I)
 * the first time a value does not fit, never truncating.  Runs of whole
 * batch columns of zeros (most columns of generated flows) are not copied:
 * they are counted and become a hole (ftruncate) when the column goes on or
 * is committed, so the file's bytes are the same but nothing is written.
 * The writer has a thread of its own for its writes (see below).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "bindir.h"
#include "io-int.h"

/*
 * Each field's values are narrowed into one of two buffers of its own;
 * a full buffer is written by a writer thread (on a machine with more
 * than one CPU) while the caller goes on with the other one, so the
 * copies into the page cache overlap the caller's work.  The thread takes
 * the writes in the order they were queued; whatever changes a file other
 * than by appending (zero runs left as holes, widening) first waits until
 * the queue is empty.  A failed write is reported by the next flush or by
 * commit.  Without the thread, buffers are written by the caller, and
 * large batches of 64-bit columns straight from the batch.
 */
/* a buffer holds this many values of the field's first code (a widened
 * field's buffer holds fewer) */
#define BIN_OUTRECS 16384
#define BIN_QUEUE 64 /* > FM_NFIELDS: one write a field at most */
#define BIN_WAKE 8   /* queued writes that wake the thread */

struct bin_out {
	char code;
	int fd;
	char *tmpname;
	unsigned char *buf; /* the buffer being filled */
	unsigned char *bufs[2];
	size_t cap;  /* bytes in each buffer */
	int busy[2]; /* queued or being written (w->mu) */
	size_t len;
	uint64_t zeros; /* zero values after buf, not yet in the file */
};

struct bin_write {
	int f, which;
	size_t len;
};

struct fm_binary_writer {
	char *dir;     /* final directory */
	char *workdir; /* where files are written (dir, or a temp dir) */
	int created;   /* workdir is a new temporary directory */
	uint32_t fields;
	uint64_t count;
	const struct fm_log *log;
	struct bin_out out[FM_NFIELDS];
	unsigned char *bufmem; /* every field's two buffers */
	/* the writer thread; below guarded by mu */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bin_write queue[BIN_QUEUE];
	size_t head, queued; /* the head stays queued while written */
	int write_errno, write_field;
	int quit;
};

static int bin_write_failed(const struct fm_binary_writer *w, int f, int e,
			    struct fm_error *err)
{
	return fm_error_set(err, FM_EIO, "%s/%s.%c: write: %s", w->dir,
			    fm_field_name(f), w->out[f].code, strerror(e));
}

static void *bin_writer_thread(void *arg)
{
	struct fm_binary_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->queued && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->queued)
			break;
		struct bin_write q = w->queue[w->head];
		struct bin_out *o = &w->out[q.f];
		pthread_mutex_unlock(&w->mu);
		int e = fm_write_all(o->fd, o->bufs[q.which], q.len) < 0 ? errno
									 : 0;
		pthread_mutex_lock(&w->mu);
		if (e && !w->write_errno) {
			w->write_errno = e;
			w->write_field = q.f;
		}
		o->busy[q.which] = 0;
		w->head = (w->head + 1) % BIN_QUEUE;
		w->queued--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Wait until every queued write is done; 0 or the first write error. */
static int bin_drain(struct fm_binary_writer *w, struct fm_error *err)
{
	int e, f;

	if (!w->have_thread)
		return 0;
	pthread_mutex_lock(&w->mu);
	if (w->queued)
		pthread_cond_broadcast(&w->cv);
	while (w->queued)
		pthread_cond_wait(&w->cv, &w->mu);
	e = w->write_errno;
	f = w->write_field;
	pthread_mutex_unlock(&w->mu);
	return e ? bin_write_failed(w, f, e, err) : 0;
}

static int bin_out_open(struct fm_binary_writer *w, int f, char code,
			struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	size_t n = strlen(w->workdir) + 64;

	o->code = code;
	o->tmpname = malloc(n);
	if (!o->tmpname)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	snprintf(o->tmpname, n, "%s/.%s.%c.tmp.XXXXXX", w->workdir,
		 fm_field_name(f), code);
	o->fd = mkstemp(o->tmpname);
	if (o->fd < 0) {
		int e = errno;
		free(o->tmpname);
		o->tmpname = NULL;
		return fm_error_set(err, FM_EIO,
				    "%s: cannot create field file: %s", w->dir,
				    strerror(e));
	}
	fchmod(o->fd, fm_new_file_mode(NULL));
	return 0;
}

/* Write out field f's buffer (queue it for the thread) and start the other. */
static int bin_out_flush(struct fm_binary_writer *w, int f,
			 struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	int e, which;

	if (!o->len)
		return 0;
	if (!w->have_thread) {
		if (fm_write_all(o->fd, o->buf, o->len) < 0)
			return bin_write_failed(w, f, errno, err);
		o->len = 0;
		return 0;
	}
	which = o->buf == o->bufs[1];
	pthread_mutex_lock(&w->mu);
	if ((e = w->write_errno) == 0) {
		w->queue[(w->head + w->queued) % BIN_QUEUE] =
		    (struct bin_write){f, which, o->len};
		w->queued++;
		o->busy[which] = 1;
		/* the thread is woken for a few writes at a time (each wake
		 * is a context switch), or when the caller has to wait */
		if (w->queued >= BIN_WAKE || o->busy[!which])
			pthread_cond_broadcast(&w->cv);
		/* the other buffer's write, if any, was queued earlier */
		while (o->busy[!which])
			pthread_cond_wait(&w->cv, &w->mu);
	}
	int ef = w->write_field;
	pthread_mutex_unlock(&w->mu);
	if (e)
		return bin_write_failed(w, ef, e, err);
	o->buf = o->bufs[!which];
	o->len = 0;
	return 0;
}

/*
 * Flush the buffer, then extend the file by the pending zeros (a hole that
 * reads as zeros) and move past them.
 */
static int bin_out_settle(struct fm_binary_writer *w, int f,
			  struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	int r = bin_out_flush(w, f, err);
	off_t off;

	if (r < 0 || !o->zeros)
		return r;
	if ((r = bin_drain(w, err)) < 0)
		return r;
	off = lseek(o->fd, 0, SEEK_CUR);
	if (off >= 0) {
		off += (off_t)(o->zeros * fm_code_size(o->code));
		if (ftruncate(o->fd, off) < 0 ||
		    lseek(o->fd, off, SEEK_SET) < 0)
			off = -1;
	}
	if (off < 0)
		return bin_write_failed(w, f, errno, err);
	o->zeros = 0;
	return 0;
}

/* Whether v[0..n) are all 0. */
static int all_zero(const int64_t *v, size_t n)
{
	/* v[0] is 0 and every value equals the next one (memcmp is the
	 * C library's vectorised loop) */
	return n == 0 ||
	       (v[0] == 0 && memcmp(v, v + 1, (n - 1) * sizeof(*v)) == 0);
}

/* Store v (already known to fit) as code c at p. */
static void put_value(unsigned char *p, char c, int64_t v)
{
#define STORE(T)                                                               \
	do {                                                                   \
		T x = (T)v;                                                    \
		memcpy(p, &x, sizeof(x));                                      \
	} while (0)
	switch (fm_code_size(c)) {
	case 1:
		STORE(uint8_t);
		break;
	case 2:
		STORE(uint16_t);
		break;
	case 4:
		STORE(uint32_t);
		break;
	default:
		STORE(int64_t);
		break;
	}
#undef STORE
}

/* The value of code c at p. */
static int64_t get_value(const unsigned char *p, char c)
{
#define LOAD(T)                                                                \
	do {                                                                   \
		T x;                                                           \
		memcpy(&x, p, sizeof(x));                                      \
		return (int64_t)x;                                             \
	} while (0)
	switch (c) {
	case 'b':
		LOAD(int8_t);
	case 'B':
		LOAD(uint8_t);
	case 'h':
		LOAD(int16_t);
	case 'H':
		LOAD(uint16_t);
	case 'i':
		LOAD(int32_t);
	case 'I':
		LOAD(uint32_t);
	default:
		LOAD(int64_t);
	}
#undef LOAD
}

/*
 * The narrowest code that holds v as well as every value of code old: the
 * next wider one of the same family, or a signed one of twice the width
 * when a negative value meets an unsigned column.
 */
static char widen_code(char old, int64_t v)
{
	const char *chain = (v < 0 || fm_code_is_signed(old)) ? "bhiq" : "BHIQ";
	size_t min = fm_code_size(old) + 1;

	if (v < 0 && !fm_code_is_signed(old))
		min = 2 * fm_code_size(old);
	for (const char *c = chain; *c; c++)
		if (fm_code_size(*c) >= min && fm_code_holds(*c, v))
			return *c;
	return 'q';
}

/*
 * Widen field f's column to code nc: rewrite what was written so far into
 * a new temporary file.
 */
static int bin_out_widen(struct fm_binary_writer *w, int f, char nc,
			 struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	struct bin_out old;
	int r = bin_out_settle(w, f, err);
	size_t oes = fm_code_size(o->code), nes = fm_code_size(nc);
	unsigned char in[4096];

	/* the old file is read back once all of it is written */
	if (r < 0 || (r = bin_drain(w, err)) < 0)
		return r;
	old = *o;
	r = bin_out_open(w, f, nc, err);
	if (r < 0) {
		*o = old;
		return r;
	}
	o->len = 0;
	if (lseek(old.fd, 0, SEEK_SET) < 0)
		goto ioerr;
	for (;;) {
		ssize_t n = read(old.fd, in, sizeof(in) / oes * oes);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto ioerr;
		if (n == 0)
			break;
		for (size_t i = 0; i < (size_t)n / oes; i++) {
			if (o->cap - o->len < nes &&
			    (r = bin_out_flush(w, f, err)) < 0)
				goto out;
			put_value(o->buf + o->len, nc,
				  get_value(in + i * oes, old.code));
			o->len += nes;
		}
	}
	fm_note(w->log,
		"%s: field '%s' widened from '%c' to '%c' to hold %s values",
		w->dir, fm_field_name(f), old.code, nc,
		nc == 'q' || nc == 'i' || nc == 'h' ? "signed" : "larger");
	close(old.fd);
	unlink(old.tmpname);
	free(old.tmpname);
	return 0;
ioerr:
	r = fm_error_set(err, FM_EIO, "%s: widening field '%s': %s", w->dir,
			 fm_field_name(f), strerror(errno));
out:
	close(old.fd);
	unlink(old.tmpname);
	free(old.tmpname);
	return r;
}

int fm_binary_writer_open(struct fm_binary_writer **out, const char *dir,
			  uint32_t fields, const struct fm_log *log,
			  int threads, struct fm_error *err)
{
	struct fm_binary_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w || !(w->dir = strdup(dir))) {
		free(w);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->fields = fields;
	w->log = log;
	for (int f = 0; f < FM_NFIELDS; f++)
		w->out[f].fd = -1;
	/* a new directory appears complete or not at all */
	if ((r = fm_outdir_begin(dir, &w->workdir, err)) < 0)
		goto fail;
	w->created = w->workdir != NULL;
	if (!w->workdir)
		w->workdir = strdup(dir);
	if (!w->workdir) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	size_t total = 0;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (fields & FM_FIELD_BIT(f))
			total +=
			    2 * BIN_OUTRECS * fm_code_size(fm_field_code(f));
	w->bufmem = malloc(total);
	if (!w->bufmem) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	total = 0;
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(fields & FM_FIELD_BIT(f)))
			continue;
		struct bin_out *o = &w->out[f];
		o->cap = BIN_OUTRECS * fm_code_size(fm_field_code(f));
		o->bufs[0] = w->bufmem + total;
		o->bufs[1] = o->bufs[0] + o->cap;
		total += 2 * o->cap;
		o->buf = o->bufs[0];
		r = bin_out_open(w, f, fm_field_code(f), err);
		if (r < 0)
			goto fail;
	}
	if (threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_create(&w->thread, NULL, bin_writer_thread, w) == 0)
		w->have_thread = 1;
	*out = w;
	return 0;
fail:
	fm_binary_writer_free(w);
	return r;
}

/*
 * Append v[0..n) to field f (after any pending zeros), narrowed to the
 * column's code, widening the column the first time a value does not fit.
 */
static int bin_out_put64(struct fm_binary_writer *w, int f, const int64_t *v,
			 size_t n, struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	size_t i = 0;
	int r;

	if (o->zeros && (r = bin_out_settle(w, f, err)) < 0)
		return r;
	if ((o->code == 'Q' || o->code == 'q') && n * 8 >= o->cap / 4 &&
	    !w->have_thread) {
		/* 64-bit columns hold every value: write in place
		 * (the thread's writes must come from buffers) */
		if ((r = bin_out_flush(w, f, err)) < 0)
			return r;
		if (fm_write_all(o->fd, v, n * 8) < 0)
			return bin_write_failed(w, f, errno, err);
		return 0;
	}
	while (i < n) {
		char c = o->code;
		size_t es = fm_code_size(c);
		size_t room = (o->cap - o->len) / es;
		size_t k = n - i < room ? n - i : room;
		unsigned char *p = o->buf + o->len;
		size_t j = 0;

		if (room == 0) {
			if ((r = bin_out_flush(w, f, err)) < 0)
				return r;
			continue;
		}
		switch (c) {
		case 'B':
			for (; j < k && (uint64_t)v[i + j] <= UINT8_MAX; j++)
				p[j] = (uint8_t)v[i + j];
			break;
		case 'H':
			for (; j < k && (uint64_t)v[i + j] <= UINT16_MAX; j++) {
				uint16_t x = (uint16_t)v[i + j];
				memcpy(p + 2 * j, &x, 2);
			}
			break;
		case 'I':
			for (; j < k && (uint64_t)v[i + j] <= UINT32_MAX; j++) {
				uint32_t x = (uint32_t)v[i + j];
				memcpy(p + 4 * j, &x, 4);
			}
			break;
		case 'Q':
		case 'q':
			memcpy(p, v + i, k * 8);
			j = k;
			break;
		default:
			for (; j < k && fm_code_holds(c, v[i + j]); j++)
				put_value(p + es * j, c, v[i + j]);
			break;
		}
		o->len += j * es;
		i += j;
		if (j < k) {
			r = bin_out_widen(w, f, widen_code(c, v[i]), err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int fm_binary_writer_write(struct fm_binary_writer *w, const struct fm_batch *b,
			   struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		const int64_t *v =
		    (b->fields & FM_FIELD_BIT(f)) ? b->col[f] : NULL;

		if (b->n && (!v || all_zero(v, b->n))) { /* absent = zeros */
			w->out[f].zeros += b->n;
			continue;
		}
		int r = bin_out_put64(w, f, v, b->n, err);
		if (r < 0)
			return r;
	}
	w->count += b->n;
	return 0;
}

/* Whether the n bytes at p are all 0 (as all_zero). */
static int bytes_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/*
 * Append n values of code c to field f.  The column's own code is copied
 * byte for byte (every value fits); another one is widened to int64 a
 * block at a time and narrowed as fm_binary_writer_write does.
 */
static int bin_out_put_raw(struct fm_binary_writer *w, int f, const void *v,
			   char c, size_t n, struct fm_error *err)
{
	struct bin_out *o = &w->out[f];
	const unsigned char *p = v;
	size_t es = fm_code_size(c);
	int r;

	if (c != o->code) {
		int64_t tmp[1024];
		for (size_t i = 0; i < n;) {
			size_t m = n - i < 1024 ? n - i : 1024;
			for (size_t j = 0; j < m; j++)
				tmp[j] = get_value(p + (i + j) * es, c);
			if ((r = bin_out_put64(w, f, tmp, m, err)) < 0)
				return r;
			i += m;
		}
		return 0;
	}
	if (o->zeros && (r = bin_out_settle(w, f, err)) < 0)
		return r;
	size_t left = n * es;
	if (!w->have_thread && left >= o->cap / 4) {
		/* straight from the caller's memory */
		if ((r = bin_out_flush(w, f, err)) < 0)
			return r;
		if (fm_write_all(o->fd, p, left) < 0)
			return bin_write_failed(w, f, errno, err);
		return 0;
	}
	while (left) {
		size_t room = o->cap - o->len;
		if (room < es) {
			if ((r = bin_out_flush(w, f, err)) < 0)
				return r;
			continue;
		}
		size_t k = left < room ? left : room / es * es;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		left -= k;
	}
	return 0;
}

int fm_binary_writer_write_raw(struct fm_binary_writer *w,
			       const struct fm_raw_batch *b,
			       struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		const void *v = b->col[f];

		if (b->n &&
		    (!v || bytes_zero(v, b->n * fm_code_size(b->code[f])))) {
			w->out[f].zeros += b->n; /* absent = zeros */
			continue;
		}
		int r = bin_out_put_raw(w, f, v, b->code[f], b->n, err);
		if (r < 0)
			return r;
	}
	w->count += b->n;
	return 0;
}

int fm_binary_writer_commit(struct fm_binary_writer *w, struct fm_error *err)
{
	char path[PATH_MAX];
	int r;

	for (int f = 0; f < FM_NFIELDS; f++)
		if ((w->fields & FM_FIELD_BIT(f)) &&
		    (r = bin_out_settle(w, f, err)) < 0)
			return r;
	if ((r = bin_drain(w, err)) < 0)
		return r;
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		if (fm_sync_fd(w->out[f].fd) < 0)
			return bin_write_failed(w, f, errno, err);
		if (close(w->out[f].fd) < 0) {
			w->out[f].fd = -1;
			return fm_error_set(err, FM_EIO, "%s: %s", w->dir,
					    strerror(errno));
		}
		w->out[f].fd = -1;
	}
	/* every file is complete: move them to their names */
	for (int f = 0; f < FM_NFIELDS; f++) {
		struct bin_out *o = &w->out[f];
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		snprintf(path, sizeof(path), "%s/%s.%c", w->workdir,
			 fm_field_name(f), o->code);
		if (rename(o->tmpname, path) < 0)
			return fm_error_set(err, FM_EIO, "%s: rename: %s", path,
					    strerror(errno));
		free(o->tmpname);
		o->tmpname = NULL;
		/* drop this field's files of other codes */
		for (const char *c = fm_bin_codes; *c; c++) {
			if (*c == o->code)
				continue;
			snprintf(path, sizeof(path), "%s/%s.%c", w->workdir,
				 fm_field_name(f), *c);
			unlink(path);
		}
	}
	/* the new names last (a new directory: fm_outdir_commit syncs it) */
	if (!w->created && fm_sync_path(w->workdir) < 0)
		return fm_error_set(err, FM_EIO, "%s: sync: %s", w->dir,
				    strerror(errno));
	if (w->created) {
		if ((r = fm_outdir_commit(w->dir, &w->workdir, err)) < 0)
			return r;
		w->created = 0;
	}
	return 0;
}

void fm_binary_writer_free(struct fm_binary_writer *w)
{
	if (!w)
		return;
	if (w->have_thread) {
		pthread_mutex_lock(&w->mu);
		w->quit = 1; /* the thread ends once the queue is empty */
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	for (int f = 0; f < FM_NFIELDS; f++) {
		struct bin_out *o = &w->out[f];
		if (o->fd >= 0)
			close(o->fd);
		if (o->tmpname)
			unlink(o->tmpname);
		free(o->tmpname);
	}
	free(w->bufmem);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	if (w->created && w->workdir)
		rmdir(w->workdir);
	free(w->workdir);
	free(w->dir);
	free(w);
}
