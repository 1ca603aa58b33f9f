/*
 * sort-ext.c - the external merge sort of sort (SPEC 5, issue 24): used
 * when the in-memory index of the records would not fit the memory
 * budget (`--memory`).
 *
 * 1. Runs: the selected records are cut into runs of R consecutive
 *    records, R chosen so that a run's index build (the radix permutation
 *    of sort-perm.c) and its input pages fit the budget.  Each run is
 *    sorted in memory (reversed with --reverse) and written as rows (every
 *    column of a record side by side, and the record's position when an
 *    index file is written) to one temporary file beside the output.
 *    Columns that are all zeros (a sparse sa0..sa2 of IPv4 data) are left
 *    out of the rows and written as sparse files.
 * 2. Merge: at most F runs at a time (F from the budget: every run gets a
 *    read buffer of at least MINBUF) are merged with a binary heap, the
 *    keys compared as map_key values, ties by run order (earlier runs
 *    first, later ones first with --reverse): the order is the in-memory
 *    sort's, stable.  Passes merge groups of F runs into a second
 *    temporary file until at most F remain; the last pass writes every
 *    column (and the index) to its temporary output file.
 * Private memory: a run's index build (24 bytes per record, 48 when a
 * key may be too wide to pack) and a chunk of rows, then the merge's read
 * buffers, all within the budget, plus fixed buffers (FIXED_RESERVE).
 * Disk: the rows once (twice with more than one merge pass) besides the
 * output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flowmodels/fileops.h"
#include "flowmodels/sort.h"
#include "bigmem.h"
#include "io-int.h"
#include "sort-int.h"

#define OUTBUF 65536			  /* per output column */
#define MINBUF 16384			  /* a run's read buffer at least */
#define MAXBUF ((size_t)1 << 20)	  /* and at most */
#define ROWCHUNK 1024			  /* rows gathered at a time */
#define FIXED_RESERVE ((uint64_t)2 << 20) /* counts, chunks, out buffers */
#define FANIN_MAX 1024
#define FAULT_AROUND ((uint64_t)2 << 20) /* what a fault maps at most */

/* Memory per record of the in-memory sort of n records (sort.c's). */
static unsigned perm_cost(const struct kcol *kc, size_t nkeys)
{
	for (size_t k = 0; k < nkeys; k++)
		if (fm_code_size(kc[k].code) == 8)
			return 48; /* may be too wide to pack */
	return 24;
}

int sort_ext_needed(const struct kcol *kc, size_t nkeys, uint64_t n,
		    uint64_t budget)
{
	/* the index build, then the index and a staging buffer */
	uint64_t per = perm_cost(kc, nkeys) + 8;
	return budget && n > budget / per;
}

void sort_drop_pages(const unsigned char *map, size_t maplen, uint64_t off,
		     uint64_t len)
{
	uintptr_t from, to, end = (uintptr_t)map + maplen;

	if (!map || off >= maplen)
		return;
	/* whole pages (the mapping itself starts on one at or before map) */
	from = ((uintptr_t)map + off) & ~(uintptr_t)4095;
	to = (uintptr_t)map + off + len;
	if (to > end)
		to = end;
	/* a shared file mapping: the pages stay in the page cache, only this
	 * process's mapping of them goes */
	madvise((void *)from, to - from, MADV_DONTNEED);
}

/* ---- the plan: what a row holds ---- */

struct plan {
	size_t rowsize;
	size_t off[FM_NFIELDS]; /* per column: offset in the row */
	int in_row[FM_NFIELDS]; /* 0: all zeros, written sparse */
	size_t pos_off, pos_es; /* the record's position (pos_es 0: none) */
	size_t ord_off;		/* x->order's place (when ord_in) */
	int ord_in;
	size_t nk; /* keys compared in the merge */
	size_t koff[NKEYS_MAX];
	char kcode[NKEYS_MAX];
	int reverse;
};

static int make_plan(const struct ext_sort *x, struct plan *pl,
		     struct fm_error *err)
{
	memset(pl, 0, sizeof(*pl));
	pl->reverse = x->reverse;
	for (size_t c = 0; c < x->narr; c++) {
		const struct sarray *s = &x->arr[c];
		int fd = open(s->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", s->path,
					    strerror(errno));
		pl->in_row[c] =
		    !sort_zero_range(s, fd, (off_t)(x->first * s->esize),
				     (size_t)x->n * s->esize);
		close(fd);
		if (pl->in_row[c]) {
			pl->off[c] = pl->rowsize;
			pl->rowsize += s->esize;
		}
	}
	if (x->order) {
		const struct sarray *s = x->order;
		int fd = open(s->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", s->path,
					    strerror(errno));
		/* all zeros (one record): no key to compare */
		pl->ord_in =
		    !sort_zero_range(s, fd, (off_t)(x->first * s->esize),
				     (size_t)x->n * s->esize);
		close(fd);
		pl->ord_off = pl->rowsize;
		pl->rowsize += pl->ord_in ? s->esize : 0;
		if (pl->ord_in) {
			pl->koff[0] = pl->ord_off;
			pl->kcode[pl->nk++] = s->code;
		}
	}
	if (x->ipath) {
		pl->pos_off = pl->rowsize;
		pl->pos_es = fm_code_size(fm_sort_index_code(x->n));
		pl->rowsize += pl->pos_es;
	}
	for (size_t k = 0; k < x->nkeys && !x->order; k++) {
		int c = x->keycol[k];
		if (c < 0 || !pl->in_row[c])
			continue; /* zeros: the same in every record */
		pl->koff[pl->nk] = pl->off[c];
		pl->kcode[pl->nk++] = x->arr[c].code;
	}
	if (!pl->rowsize) /* only zero columns: rows of one byte */
		pl->rowsize = 1;
	return 0;
}

/* ---- runs ---- */

struct run {
	uint64_t off, n; /* bytes into the run file, records */
};

/* Rows of records j0 .. j0+k of the run at input record a, ordered pm. */
static void gather_rows(const struct ext_sort *x, const struct plan *pl,
			uint64_t a, const struct perm *pm, uint64_t j0,
			uint64_t k, unsigned char *rows)
{
	const size_t rs = pl->rowsize;

	/* the columns, then the output positions when they are keys */
	for (size_t c = 0; c < x->narr + (size_t)pl->ord_in; c++) {
		const struct sarray *s = c < x->narr ? &x->arr[c] : x->order;
		const unsigned char *base;
		unsigned char *d =
		    rows + (c < x->narr ? pl->off[c] : pl->ord_off);
		if (c < x->narr && !pl->in_row[c])
			continue;
		base = s->map + (x->first + a) * s->esize;
#define ROWS_P(T, P)                                                           \
	do {                                                                   \
		const P *pp = (const P *)pm->p + j0;                           \
		for (uint64_t j = 0; j < k; j++, d += rs) {                    \
			T v;                                                   \
			memcpy(&v, base + (uint64_t)pp[j] * sizeof(T),         \
			       sizeof(T));                                     \
			memcpy(d, &v, sizeof(T));                              \
		}                                                              \
	} while (0)
#define ROWS(T)                                                                \
	do {                                                                   \
		if (!pm->p)                                                    \
			for (uint64_t j = 0; j < k; j++, d += rs)              \
				memcpy(d, base + (j0 + j) * sizeof(T),         \
				       sizeof(T));                             \
		else if (pm->wide)                                             \
			ROWS_P(T, uint64_t);                                   \
		else                                                           \
			ROWS_P(T, uint32_t);                                   \
	} while (0)
		switch (s->esize) {
		case 1:
			ROWS(uint8_t);
			break;
		case 2:
			ROWS(uint16_t);
			break;
		case 4:
			ROWS(uint32_t);
			break;
		default:
			ROWS(uint64_t);
			break;
		}
#undef ROWS
#undef ROWS_P
	}
	if (pl->pos_es)
		for (uint64_t j = 0; j < k; j++) {
			uint64_t v = a + perm_at(pm, j0 + j);
			/* little-endian, as every array of the format */
			memcpy(rows + j * rs + pl->pos_off, &v, pl->pos_es);
		}
}

/* Sort records [a, a + len) and append them as rows to fd. */
static int write_run(const struct ext_sort *x, const struct plan *pl,
		     uint64_t a, uint64_t len, int fd, unsigned char *rows,
		     struct fm_error *err)
{
	struct kcol kc[NKEYS_MAX];
	struct perm pm = {NULL, 0};
	int r;

	for (size_t k = 0; k < x->nkeys; k++) {
		kc[k] = x->kc[k];
		if (kc[k].p)
			kc[k].p += a * fm_code_size(kc[k].code);
	}
	r = build_perm(kc, x->nkeys, len, 0,
		       column_threads(x->threads, len, THREADS_MAX), &pm, NULL,
		       NULL, err);
	if (r == 0 && x->reverse)
		r = perm_reverse(&pm, len, err);
	for (uint64_t j = 0; r == 0 && j < len; j += ROWCHUNK) {
		uint64_t k = len - j < ROWCHUNK ? len - j : ROWCHUNK;
		gather_rows(x, pl, a, &pm, j, k, rows);
		if (fm_write_all(fd, rows, (size_t)k * pl->rowsize) < 0)
			r = fm_error_set(err, FM_EIO,
					 "%s: writing the sort's runs: %s",
					 x->wd, strerror(errno));
	}
	fm_big_free(pm.p);
	/* the run's input pages are not needed again by this process; a
	 * fault maps the cached pages around it too (up to 2 MiB, aligned),
	 * so the previous run's last pages are dropped again */
	for (size_t c = 0; c < x->narr + (x->order != NULL); c++) {
		const struct sarray *s = c < x->narr ? &x->arr[c] : x->order;
		uint64_t from = (x->first + a) * s->esize,
			 to = from + len * s->esize;
		from = from > FAULT_AROUND ? from - FAULT_AROUND : 0;
		sort_drop_pages(s->map, s->maplen, from, to - from);
	}
	return r;
}

/* ---- merging ---- */

struct cursor {
	uint64_t off, end; /* the run's bytes left in the file */
	unsigned char *buf;
	size_t cap, pos, len;
	size_t run;    /* its order among the runs merged */
	uint64_t *key; /* the current row's keys */
};

/* Where merged rows go: rows to a file, or columns to their files. */
struct sink {
	const struct plan *pl;
	int fd; /* rows (-1: columns) */
	unsigned char *buf;
	size_t len, cap;
	size_t ncol;
	int cfd[FM_NFIELDS + 1]; /* per output: its file */
	size_t coff[FM_NFIELDS + 1], ces[FM_NFIELDS + 1];
	unsigned char *cbuf[FM_NFIELDS + 1];
	size_t clen;
	const char *what; /* a file name for messages */
};

static int sink_flush(struct sink *sk, struct fm_error *err)
{
	if (sk->fd >= 0) {
		if (sk->len && fm_write_all(sk->fd, sk->buf, sk->len) < 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s",
					    sk->what, strerror(errno));
		sk->len = 0;
		return 0;
	}
	for (size_t c = 0; c < sk->ncol && sk->clen; c++)
		if (fm_write_all(sk->cfd[c], sk->cbuf[c],
				 sk->clen * sk->ces[c]) < 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s",
					    sk->what, strerror(errno));
	sk->clen = 0;
	return 0;
}

static inline int sink_put(struct sink *sk, const unsigned char *row,
			   struct fm_error *err)
{
	if (sk->fd >= 0) {
		memcpy(sk->buf + sk->len, row, sk->pl->rowsize);
		sk->len += sk->pl->rowsize;
		return sk->len + sk->pl->rowsize > sk->cap ? sink_flush(sk, err)
							   : 0;
	}
	for (size_t c = 0; c < sk->ncol; c++) {
		unsigned char *d = sk->cbuf[c] + sk->clen * sk->ces[c];
		const unsigned char *s = row + sk->coff[c];
		switch (sk->ces[c]) {
		case 1:
			*d = *s;
			break;
		case 2:
			memcpy(d, s, 2);
			break;
		case 4:
			memcpy(d, s, 4);
			break;
		default:
			memcpy(d, s, 8);
			break;
		}
	}
	return ++sk->clen == OUTBUF / 8 ? sink_flush(sk, err) : 0;
}

/* Load the next piece of the cursor's run; 0 at its end. */
static int cursor_fill(const struct plan *pl, int fd, struct cursor *c,
		       const char *what, struct fm_error *err)
{
	size_t want =
	    c->end - c->off < c->cap ? (size_t)(c->end - c->off) : c->cap;
	size_t got = 0;

	while (got < want) {
		ssize_t k =
		    pread(fd, c->buf + got, want - got, (off_t)(c->off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fm_error_set(
			    err, FM_EIO, "%s: reading the sort's runs: %s",
			    what,
			    k < 0 ? strerror(errno) : "shorter than written");
		got += (size_t)k;
	}
	c->off += got;
	c->pos = 0;
	c->len = got;
	(void)pl;
	return got > 0;
}

static void cursor_keys(const struct plan *pl, struct cursor *c)
{
	const unsigned char *row = c->buf + c->pos;

	for (size_t k = 0; k < pl->nk; k++)
		c->key[k] = map_key(row + pl->koff[k], pl->kcode[k], 0);
}

static inline int cur_before(const struct plan *pl, const struct cursor *a,
			     const struct cursor *b)
{
	for (size_t k = 0; k < pl->nk; k++)
		if (a->key[k] != b->key[k])
			return pl->reverse ? a->key[k] > b->key[k]
					   : a->key[k] < b->key[k];
	return pl->reverse ? a->run > b->run : a->run < b->run;
}

static void sift_down(const struct plan *pl, struct cursor **h, size_t hn,
		      size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < hn && cur_before(pl, h[l], h[m]))
			m = l;
		if (l + 1 < hn && cur_before(pl, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct cursor *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Merge runs[0, nr) of file fd into sk, each read through a buffer of
 * bufcap bytes (a multiple of the row size).  *done counts the records.
 */
static int merge_runs(const struct plan *pl, int fd, const struct run *runs,
		      size_t nr, size_t bufcap, struct sink *sk,
		      const struct fm_progress *progress, uint64_t *done,
		      uint64_t total, struct fm_error *err)
{
	struct cursor *cs = calloc(nr, sizeof(*cs));
	struct cursor **heap = calloc(nr, sizeof(*heap));
	uint64_t *keys = calloc(nr * (pl->nk ? pl->nk : 1), sizeof(*keys));
	size_t hn = 0;
	int r = 0;

	if (!cs || !heap || !keys) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory for the merge");
		goto out;
	}
	for (size_t i = 0; i < nr && r == 0; i++) {
		struct cursor *c = &cs[i];
		c->off = runs[i].off;
		c->end = runs[i].off + runs[i].n * pl->rowsize;
		c->cap = bufcap;
		c->run = i;
		c->key = keys + i * pl->nk;
		c->buf = malloc(bufcap);
		if (!c->buf) {
			r = fm_error_set(err, FM_ENOMEM,
					 "out of memory for the merge");
			break;
		}
		r = cursor_fill(pl, fd, c, sk->what, err);
		if (r > 0) {
			cursor_keys(pl, c);
			heap[hn++] = c;
			r = 0;
		}
	}
	for (size_t i = hn / 2; r == 0 && i-- > 0;)
		sift_down(pl, heap, hn, i);
	while (r == 0 && hn) {
		struct cursor *c = heap[0];
		r = sink_put(sk, c->buf + c->pos, err);
		if (r < 0)
			break;
		c->pos += pl->rowsize;
		if (c->pos == c->len) {
			r = c->off < c->end
				? cursor_fill(pl, fd, c, sk->what, err)
				: 0;
			if (r < 0)
				break;
			if (r == 0) {
				heap[0] = heap[--hn];
				if (hn)
					sift_down(pl, heap, hn, 0);
				continue;
			}
			r = 0;
		}
		cursor_keys(pl, c);
		sift_down(pl, heap, hn, 0);
		if ((++*done & 0xffff) == 0 &&
		    fm_progress_report(progress, *done, total))
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
	}
	if (r == 0)
		r = sink_flush(sk, err);
out:
	if (cs)
		for (size_t i = 0; i < nr; i++)
			free(cs[i].buf);
	free(cs);
	free(heap);
	free(keys);
	return r;
}

/* ---- the sort ---- */

/* A read buffer of about avail / k bytes, whole rows. */
static size_t read_buffer(uint64_t avail, size_t k, size_t rowsize)
{
	uint64_t b = avail / (k ? k : 1);

	if (b > MAXBUF)
		b = MAXBUF;
	b -= b % rowsize;
	return b ? (size_t)b : rowsize;
}

/* Cut the records into runs of R, sorted, as rows in file fd. */
static int make_runs(const struct ext_sort *x, const struct plan *pl,
		     uint64_t R, int fd, struct run *runs,
		     const uint64_t *total, uint64_t *done,
		     struct fm_error *err)
{
	unsigned char *rows = malloc((size_t)ROWCHUNK * pl->rowsize);
	uint64_t off = 0;
	int r = 0;

	if (!rows)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (uint64_t a = 0, i = 0; a < x->n && r == 0; a += R, i++) {
		uint64_t len = x->n - a < R ? x->n - a : R;
		runs[i].off = off;
		runs[i].n = len;
		r = write_run(x, pl, a, len, fd, rows, err);
		off += len * pl->rowsize;
		*done += len;
		if (r == 0 && fm_progress_report(x->progress, *done, *total))
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
	}
	free(rows);
	return r;
}

/*
 * One pass: groups of F runs of file in merged into one run each of file
 * out (emptied first); *nruns becomes the number of groups.
 */
static int merge_pass(const struct ext_sort *x, const struct plan *pl, int in,
		      int out, const char *what, struct run *runs,
		      uint64_t *nruns, size_t F, uint64_t avail,
		      const uint64_t *total, uint64_t *done,
		      struct fm_error *err)
{
	struct sink sk;
	uint64_t off = 0, g = 0;
	int r = 0;

	memset(&sk, 0, sizeof(sk));
	sk.pl = pl;
	sk.fd = out;
	sk.what = what;
	sk.cap =
	    OUTBUF < pl->rowsize ? pl->rowsize : OUTBUF - OUTBUF % pl->rowsize;
	sk.buf = malloc(sk.cap);
	if (!sk.buf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", what, strerror(errno));
	size_t bufcap = read_buffer(avail, F, pl->rowsize);
	for (uint64_t s = 0; s < *nruns && r == 0; s += F, g++) {
		size_t k = *nruns - s < F ? (size_t)(*nruns - s) : F;
		uint64_t n = 0;
		for (size_t i = 0; i < k; i++)
			n += runs[s + i].n;
		r = merge_runs(pl, in, runs + s, k, bufcap, &sk, x->progress,
			       done, *total, err);
		runs[g].off = off;
		runs[g].n = n;
		off += n * pl->rowsize;
	}
	*nruns = g;
	free(sk.buf);
	return r;
}

/* The last pass: the runs into every column's (and the index's) file. */
static int merge_final(const struct ext_sort *x, const struct plan *pl, int in,
		       const char *what, const struct run *runs, uint64_t nruns,
		       uint64_t avail, const uint64_t *total, uint64_t *done,
		       struct fm_error *err)
{
	struct sink sk;
	size_t src[FM_NFIELDS + 1];
	int r = 0;

	memset(&sk, 0, sizeof(sk));
	sk.pl = pl;
	sk.fd = -1;
	sk.what = what;
	for (size_t c = 0; c <= x->narr && r == 0; c++) {
		const int is_index = c == x->narr;
		char path[PATH_MAX], **tmp = is_index ? x->itmp : &x->tmp[c];
		size_t es = is_index ? pl->pos_es : x->arr[c].esize;
		int fd;
		if (is_index && !x->ipath)
			break;
		if (!is_index && !pl->in_row[c] && x->in_place &&
		    x->n == x->total) {
			x->keep[c] = 1; /* zeros in place: already sorted */
			continue;
		}
		if (is_index)
			snprintf(path, sizeof(path), "%s", x->ipath);
		else
			snprintf(path, sizeof(path), "%s/%s.%c", x->wd,
				 fm_field_name(x->arr[c].field),
				 x->arr[c].code);
		r = fm_tmpfile_beside(path, tmp, &fd, err);
		if (r < 0)
			break;
		if (!is_index && !pl->in_row[c]) {
			/* all zeros: a sparse file of the same length */
			if (ftruncate(fd, (off_t)(x->n * es)) < 0)
				r = fm_error_set(err, FM_EIO, "%s: %s", path,
						 strerror(errno));
			if (close(fd) < 0 && r == 0)
				r = fm_error_set(err, FM_EIO, "%s: %s", path,
						 strerror(errno));
			continue;
		}
		src[sk.ncol] = c;
		sk.cfd[sk.ncol] = fd;
		sk.coff[sk.ncol] = is_index ? pl->pos_off : pl->off[c];
		sk.ces[sk.ncol] = es;
		sk.cbuf[sk.ncol] = malloc(OUTBUF / 8 * es);
		if (!sk.cbuf[sk.ncol++])
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (r == 0)
		r = merge_runs(pl, in, runs, (size_t)nruns,
			       read_buffer(avail, (size_t)nruns, pl->rowsize),
			       &sk, x->progress, done, *total, err);
	for (size_t i = 0; i < sk.ncol; i++) {
		if (close(sk.cfd[i]) < 0 && r == 0)
			r = fm_error_set(
			    err, FM_EIO, "%s: %s",
			    src[i] == x->narr ? x->ipath : x->arr[src[i]].path,
			    strerror(errno));
		free(sk.cbuf[i]);
	}
	return r;
}

int sort_external(const struct ext_sort *x, struct fm_error *err)
{
	struct plan pl;
	struct run *runs = NULL;
	char *rtmp[2] = {NULL, NULL}, path[PATH_MAX];
	int rfd[2] = {-1, -1}, cur = 0, r;
	uint64_t avail, R, nruns, total, done = 0;
	size_t F;

	r = make_plan(x, &pl, err);
	if (r < 0)
		return r;
	avail = x->budget > 2 * FIXED_RESERVE ? x->budget - FIXED_RESERVE
					      : x->budget / 2;
	R = avail / (pl.rowsize + perm_cost(x->kc, x->nkeys));
	if (R < 64)
		R = 64;
	nruns = x->n ? (x->n + R - 1) / R : 0;
	F = avail / MINBUF > FANIN_MAX ? FANIN_MAX : (size_t)(avail / MINBUF);
	if (F < 2)
		F = 2;
	total = x->n;
	for (uint64_t m = nruns; m > 1; m = (m + F - 1) / F)
		total += x->n; /* one pass more */
	if (nruns <= 1)
		total += x->n;
	runs = malloc((nruns ? nruns : 1) * sizeof(*runs));
	if (!runs)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/sort-runs", x->wd);
	r = fm_tmpfile_beside(path, &rtmp[0], &rfd[0], err);
	if (r == 0)
		r = make_runs(x, &pl, R, rfd[0], runs, &total, &done, err);
	while (r == 0 && nruns > F) {
		if (rfd[1 - cur] < 0)
			r = fm_tmpfile_beside(path, &rtmp[1 - cur],
					      &rfd[1 - cur], err);
		if (r == 0)
			r = merge_pass(x, &pl, rfd[cur], rfd[1 - cur],
				       rtmp[cur], runs, &nruns, F, avail,
				       &total, &done, err);
		/* the pass's input is no longer needed: give its disk back */
		if (r == 0 && ftruncate(rfd[cur], 0) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", rtmp[cur],
					 strerror(errno));
		cur = 1 - cur;
	}
	if (r == 0)
		r = merge_final(x, &pl, rfd[cur], rtmp[cur], runs, nruns, avail,
				&total, &done, err);
	for (int i = 0; i < 2; i++) {
		if (rfd[i] >= 0)
			close(rfd[i]);
		fm_tmpfile_discard(rtmp[i]);
		free(rtmp[i]);
	}
	free(runs);
	return r;
}
