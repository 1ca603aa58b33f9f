/*
 * io-binary.c - the native columnar format (SPEC 2): a directory with one
 * raw little-endian array per field, named FIELD.CODE; this file reads it
 * (writing is in io-binary-write.c).
 *
 * Reading memory-maps each wanted field file and converts a range at a
 * time; 64-bit integer columns are handed out in place, without a copy.
 * For late materialisation (fm_scan with a selector) a batch can be read
 * with only some columns, and the others then converted straight from the
 * maps for the records the selector kept (binary_next_cols/binary_gather).
 * Raw batches (next_raw) hand out every integer column in place in its
 * stored width, for consumers that widen it themselves in small blocks.
 * One directory pass finds the field files.  Sequential scans may have a
 * thread map the pages ahead of the reader (fm_binary_source_prefetch).
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

#include "bindir.h"
#include "flowmodels/inflight.h"
#include "io-int.h"

struct bin_col {
	char code;
	size_t esize;
	const unsigned char *map; /* NULL for a missing or empty column */
	size_t maplen;
};

struct binary_source {
	struct fm_source base;
	char *dir;
	uint32_t fields;
	uint64_t nrec, pos;
	uint64_t last_pos; /* the batch next_cols returned last */
	size_t last_n;
	uint32_t real_fields; /* wanted fields stored as f or d */
	struct bin_col col[FM_NFIELDS];
	struct fm_batch store; /* converted columns (made when first needed) */
	size_t cap;	       /* records a batch holds (FM_BATCH_CAP) */
	const int64_t *zeros;  /* cap zeros for missing fields */
	/*
	 * Large gathers (the kept records of a filtered batch) are memory
	 * bound: a second thread gathers every other column.
	 */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job; /* GATHER_* */
	const uint32_t *job_idx;
	size_t job_k;
	uint32_t job_fields;
	struct fm_batch *job_dst;     /* int64 columns, or ... */
	struct fm_raw_batch *job_raw; /* ... stored widths into job_bufs */
	unsigned char *const *job_bufs;
	int job_rc;
	struct fm_error job_err;
	/* prefetch: a thread maps the pages ahead of the reader (sequential
	 * scans, fm_binary_source_prefetch) */
	pthread_t pf_thread;
	int have_pf;
	atomic_int pf_stop;
	_Atomic uint64_t pf_pos; /* s->pos, for the thread */
};

enum { GATHER_IDLE, GATHER_PENDING, GATHER_DONE, GATHER_QUIT };

/* Gathers of at least this many records use the second thread. */
#define GATHER_PARALLEL_MIN 2048

uint64_t fm_binary_dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;
		char x;
		if (fm_bindir_entry_field(e->d_name, &x) >= 0 &&
		    strchr(fm_bin_codes, x) &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	return total;
}

/*
 * Widening loops, in fixed blocks of VEC_BLOCK elements with restrict
 * pointers so that the compiler vectorises them even at -O2 (whose cost
 * model only vectorises loops that need no scalar epilogue and no alias
 * check); the tail is done one by one.
 */
#define VEC_BLOCK 16
#define DEF_WIDEN(name, T)                                                     \
	static void name(int64_t *restrict d, const T *restrict s, size_t n)   \
	{                                                                      \
		size_t i = 0;                                                  \
		for (; i + VEC_BLOCK <= n; i += VEC_BLOCK)                     \
			for (size_t t = 0; t < VEC_BLOCK; t++)                 \
				d[i + t] = (int64_t)s[i + t];                  \
		for (; i < n; i++)                                             \
			d[i] = (int64_t)s[i];                                  \
	}
DEF_WIDEN(widen_b, int8_t)
DEF_WIDEN(widen_B, uint8_t)
DEF_WIDEN(widen_h, int16_t)
DEF_WIDEN(widen_H, uint16_t)
DEF_WIDEN(widen_i, int32_t)
DEF_WIDEN(widen_I, uint32_t)
#undef DEF_WIDEN

/* Convert a float/double element x of record rec (1-based) or fail. */
static int real_value(const struct bin_col *c, double x, uint64_t rec,
		      int64_t *out, const char *dir, int f,
		      struct fm_error *err)
{
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return fm_error_set(err, FM_EFORMAT,
				    "%s/%s.%c: record %llu: field '%s': value "
				    "%g is not a finite 64-bit number",
				    dir, fm_field_name(f), c->code,
				    (unsigned long long)rec, fm_field_name(f),
				    x);
	*out = (int64_t)x; /* truncation toward zero */
	return 0;
}

/*
 * Convert records [from, from+n) of column c into dst.  The maps are
 * page-aligned and an element of size es sits at a multiple of es, so
 * typed access is aligned.
 */
static int convert_range(const struct bin_col *c, uint64_t from, size_t n,
			 int64_t *dst, const char *dir, int f,
			 struct fm_error *err)
{
	const void *p = c->map + from * c->esize;

	switch (c->code) {
	case 'b':
		widen_b(dst, p, n);
		break;
	case 'B':
		widen_B(dst, p, n);
		break;
	case 'h':
		widen_h(dst, p, n);
		break;
	case 'H':
		widen_H(dst, p, n);
		break;
	case 'i':
		widen_i(dst, p, n);
		break;
	case 'I':
		widen_I(dst, p, n);
		break;
	case 'l':
	case 'L':
	case 'q':
	case 'Q':
		memcpy(dst, p, n * 8);
		break;
	case 'f':
		for (size_t i = 0; i < n; i++) {
			int r = real_value(c, ((const float *)p)[i],
					   from + i + 1, &dst[i], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	case 'd':
		for (size_t i = 0; i < n; i++) {
			int r = real_value(c, ((const double *)p)[i],
					   from + i + 1, &dst[i], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	}
	return 0;
}

/*
 * Convert records base + idx[j], j < k, of column c into dst[j] (late
 * materialisation: only the records a selector kept).
 */
static int gather_range(const struct bin_col *c, uint64_t base,
			const uint32_t *restrict idx, size_t k,
			int64_t *restrict dst, const char *dir, int f,
			struct fm_error *err)
{
	const void *p = c->map + base * c->esize;

#define GATHER(T)                                                              \
	do {                                                                   \
		const T *q = p;                                                \
		for (size_t j = 0; j < k; j++)                                 \
			dst[j] = (int64_t)q[idx[j]];                           \
	} while (0)
	switch (c->code) {
	case 'b':
		GATHER(int8_t);
		break;
	case 'B':
		GATHER(uint8_t);
		break;
	case 'h':
		GATHER(int16_t);
		break;
	case 'H':
		GATHER(uint16_t);
		break;
	case 'i':
		GATHER(int32_t);
		break;
	case 'I':
		GATHER(uint32_t);
		break;
	case 'l':
	case 'L':
	case 'q':
	case 'Q':
		GATHER(int64_t);
		break;
	case 'f':
		for (size_t j = 0; j < k; j++) {
			int r =
			    real_value(c, ((const float *)p)[idx[j]],
				       base + idx[j] + 1, &dst[j], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	case 'd':
		for (size_t j = 0; j < k; j++) {
			int r =
			    real_value(c, ((const double *)p)[idx[j]],
				       base + idx[j] + 1, &dst[j], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	}
#undef GATHER
	return 0;
}

/*
 * Copy records base + idx[j], j < k, of the integer column c into dst in
 * its stored width.
 */
static void gather_stored(const struct bin_col *c, uint64_t base,
			  const uint32_t *restrict idx, size_t k,
			  void *restrict dst)
{
	const void *p = c->map + base * c->esize;

#define GATHER(T)                                                              \
	do {                                                                   \
		const T *q = p;                                                \
		T *d = dst;                                                    \
		for (size_t j = 0; j < k; j++)                                 \
			d[j] = q[idx[j]];                                      \
	} while (0)
	switch (c->esize) {
	case 1:
		GATHER(uint8_t);
		break;
	case 2:
		GATHER(uint16_t);
		break;
	case 4:
		GATHER(uint32_t);
		break;
	default:
		GATHER(uint64_t);
		break;
	}
#undef GATHER
}

/*
 * Set b's columns `fields` to records [from, from+n): 64-bit integer
 * columns in place in the map, the others converted into the store.
 */
static int fill_cols(struct binary_source *s, uint32_t fields, uint64_t from,
		     size_t n, struct fm_batch *b, struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(fields & FM_FIELD_BIT(f)))
			continue;
		struct bin_col *c = &s->col[f];
		if (!c->map) {
			b->col[f] = s->zeros;
		} else if (c->esize == 8 && !fm_code_is_real(c->code)) {
			b->col[f] = (const int64_t *)(c->map + from * 8);
		} else {
			/* made at the first conversion (raw batches need none)
			 */
			if (!s->store.store &&
			    fm_batch_alloc(&s->store, s->fields, s->cap) < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			int r = convert_range(c, from, n,
					      fm_batch_mut(&s->store, f),
					      s->dir, f, err);
			if (r < 0)
				return r;
			b->col[f] = s->store.col[f];
		}
	}
	b->fields |= fields;
	return 0;
}

/* The records of the next batch: at most max and the source's cap. */
static size_t batch_len(const struct binary_source *s, size_t max)
{
	uint64_t left = s->nrec - s->pos;

	if (max > s->cap)
		max = s->cap;
	return (size_t)(left < max ? left : max);
}

static long binary_next_cols(struct fm_source *src, struct fm_batch *b,
			     size_t max, uint32_t fields, struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;
	size_t n = batch_len(s, max);

	memset(b, 0, sizeof(*b));
	/* real columns are always converted: their check must not depend on
	 * which records a selector keeps */
	int r = fill_cols(s, (fields | s->real_fields) & s->fields, s->pos, n,
			  b, err);
	if (r < 0)
		return r;
	b->n = n;
	s->last_pos = s->pos;
	s->last_n = n;
	s->pos += n;
	atomic_store_explicit(&s->pf_pos, s->pos, memory_order_relaxed);
	return (long)n;
}

static long binary_next_raw(struct fm_source *src, struct fm_raw_batch *b,
			    size_t max, struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;
	size_t n = batch_len(s, max);

	memset(b, 0, sizeof(*b));
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(s->fields & FM_FIELD_BIT(f)))
			continue;
		const struct bin_col *c = &s->col[f];
		if (c->map && !fm_code_is_real(c->code)) {
			b->col[f] = c->map + s->pos * c->esize;
			b->code[f] = c->code;
			continue;
		}
		/* missing (zeros) or real (converted with its checks) */
		struct fm_batch one;
		memset(&one, 0, sizeof(one));
		int r = fill_cols(s, FM_FIELD_BIT(f), s->pos, n, &one, err);
		if (r < 0)
			return r;
		b->col[f] = one.col[f];
		b->code[f] = 'q';
	}
	b->n = n;
	s->last_pos = s->pos;
	s->last_n = n;
	s->pos += n;
	atomic_store_explicit(&s->pf_pos, s->pos, memory_order_relaxed);
	return (long)n;
}

static long binary_next(struct fm_source *src, struct fm_batch *b, size_t max,
			struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;

	return binary_next_cols(src, b, max, s->fields, err);
}

/* Gather the kept records of the given fields (one thread's share). */
static int gather_fields(struct binary_source *s, const uint32_t *idx, size_t k,
			 uint32_t fields, struct fm_batch *dst,
			 struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(fields & FM_FIELD_BIT(f)))
			continue;
		struct bin_col *c = &s->col[f];
		int64_t *d = fm_batch_mut(dst, f);
		if (!c->map) {
			memset(d, 0, k * sizeof(*d));
		} else {
			int r = gather_range(c, s->last_pos, idx, k, d, s->dir,
					     f, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * The raw gather of the given fields (one thread's share): the kept
 * records idx[0..k) of the last batch in their stored widths into
 * bufs[f], or with idx NULL every record of it in place; real columns as
 * the int64 values next_cols converted (s->store), missing ones as zeros.
 */
static void gather_raw_fields(struct binary_source *s, const uint32_t *idx,
			      size_t k, uint32_t fields,
			      struct fm_raw_batch *dst,
			      unsigned char *const *bufs)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(fields & FM_FIELD_BIT(f)))
			continue;
		const struct bin_col *c = &s->col[f];
		dst->code[f] = 'q';
		if (!c->map) {
			dst->col[f] = s->zeros;
		} else if (fm_code_is_real(c->code)) {
			const int64_t *v = s->store.col[f];
			int64_t *d = (int64_t *)bufs[f];
			if (idx)
				for (size_t j = 0; j < k; j++)
					d[j] = v[idx[j]];
			dst->col[f] = idx ? d : v;
		} else {
			dst->code[f] = c->code;
			if (idx)
				gather_stored(c, s->last_pos, idx, k, bufs[f]);
			dst->col[f] = idx ? (const void *)bufs[f]
					  : c->map + s->last_pos * c->esize;
		}
	}
}

static int run_job(struct binary_source *s, const uint32_t *idx, size_t k,
		   uint32_t fields, struct fm_batch *dst,
		   struct fm_raw_batch *raw, unsigned char *const *bufs,
		   struct fm_error *err)
{
	if (raw) {
		gather_raw_fields(s, idx, k, fields, raw, bufs);
		return 0;
	}
	return gather_fields(s, idx, k, fields, dst, err);
}

static void *gather_worker(void *arg)
{
	struct binary_source *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->job == GATHER_IDLE || s->job == GATHER_DONE)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->job == GATHER_QUIT)
			break;
		pthread_mutex_unlock(&s->mu);
		int rc =
		    run_job(s, s->job_idx, s->job_k, s->job_fields, s->job_dst,
			    s->job_raw, s->job_bufs, &s->job_err);
		pthread_mutex_lock(&s->mu);
		s->job_rc = rc;
		s->job = GATHER_DONE;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/*
 * Gather the kept records idx[0..k) of the last batch: int64 columns into
 * dst, or (raw) stored widths into bufs.  Large gathers deal the columns
 * out between the caller and the gather thread.
 */
static int gather_split(struct binary_source *s, const uint32_t *idx, size_t k,
			uint32_t fields, struct fm_batch *dst,
			struct fm_raw_batch *raw, unsigned char *const *bufs,
			struct fm_error *err)
{
	uint32_t mine = 0, theirs = 0;
	int n = 0, rc;

	if (k >= GATHER_PARALLEL_MIN && !s->have_thread &&
	    sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_create(&s->thread, NULL, gather_worker, s) == 0)
		s->have_thread = 1;
	if (k < GATHER_PARALLEL_MIN || !s->have_thread)
		return run_job(s, idx, k, fields, dst, raw, bufs, err);
	/* deal the columns out in turn */
	for (int f = 0; f < FM_NFIELDS; f++)
		if (fields & FM_FIELD_BIT(f)) {
			if (n++ & 1)
				theirs |= FM_FIELD_BIT(f);
			else
				mine |= FM_FIELD_BIT(f);
		}
	pthread_mutex_lock(&s->mu);
	s->job_idx = idx;
	s->job_k = k;
	s->job_fields = theirs;
	s->job_dst = dst;
	s->job_raw = raw;
	s->job_bufs = bufs;
	s->job = GATHER_PENDING;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	rc = run_job(s, idx, k, mine, dst, raw, bufs, err);
	pthread_mutex_lock(&s->mu);
	while (s->job != GATHER_DONE)
		pthread_cond_wait(&s->cv, &s->mu);
	s->job = GATHER_IDLE;
	pthread_mutex_unlock(&s->mu);
	if (rc == 0 && s->job_rc < 0) {
		rc = s->job_rc;
		if (err)
			*err = s->job_err;
	}
	return rc;
}

static int binary_gather(struct fm_source *src, const uint32_t *idx, size_t k,
			 uint32_t fields, struct fm_batch *dst,
			 struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;

	fields &= s->fields;
	if (!idx)
		return fill_cols(s, fields, s->last_pos, s->last_n, dst, err);
	return gather_split(s, idx, k, fields, dst, NULL, NULL, err);
}

static int binary_gather_raw(struct fm_source *src, const uint32_t *idx,
			     size_t k, struct fm_raw_batch *dst,
			     unsigned char *const *bufs, struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;

	memset(dst, 0, sizeof(*dst));
	dst->n = k;
	if (idx)
		return gather_split(s, idx, k, s->fields, NULL, dst, bufs, err);
	gather_raw_fields(s, NULL, k, s->fields, dst, bufs);
	return 0;
}

static int64_t binary_skip(struct fm_source *src, int64_t n,
			   struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;
	uint64_t left = s->nrec - s->pos;
	uint64_t k = (uint64_t)n < left ? (uint64_t)n : left;

	(void)err;
	s->pos += k;
	atomic_store_explicit(&s->pf_pos, s->pos, memory_order_relaxed);
	return (int64_t)k;
}

static uint64_t binary_position(const struct fm_source *src)
{
	const struct binary_source *s = (const struct binary_source *)src;
	uint64_t bytes = 0;

	for (int f = 0; f < FM_NFIELDS; f++)
		bytes += s->pos * s->col[f].esize;
	return bytes;
}

static void binary_close(struct fm_source *src)
{
	struct binary_source *s = (struct binary_source *)src;

	if (s->have_pf) {
		atomic_store(&s->pf_stop, 1);
		pthread_join(s->pf_thread, NULL);
	}
	if (s->have_thread) {
		pthread_mutex_lock(&s->mu);
		s->job = GATHER_QUIT;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);

	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->col[f].map) {
			fm_inflight_map_del(s->col[f].map);
			munmap((void *)s->col[f].map, s->col[f].maplen);
		}
	fm_batch_release(&s->store);
	free((void *)s->zeros);
	free(s->dir);
	free(s);
}

/*
 * Prefetch: mapping the pages of a large input (the kernel's page-table
 * work on the first touch of each page, then again at unmap) is a good
 * part of a whole scan's cost.  A thread does it ahead of the reader with
 * MADV_POPULATE_READ, PF_STEP records of every mapped column at a time and
 * at most PF_AHEAD records beyond the reader's position, on the CPU time
 * the scan leaves idle; the reader then finds its pages mapped.  The
 * values read are the same either way.
 */
#define PF_STEP ((uint64_t)1 << 16)
#define PF_AHEAD ((uint64_t)1 << 19)

static void *prefetch_run(void *arg)
{
	struct binary_source *s = arg;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uint64_t r = 0;

	while (r < s->nrec && !atomic_load(&s->pf_stop)) {
		uint64_t pos =
		    atomic_load_explicit(&s->pf_pos, memory_order_relaxed);
		if (r < pos)
			r = pos; /* skipped or already read */
		if (r >= s->nrec)
			break;
		if (r >= pos + PF_AHEAD) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
			continue;
		}
		uint64_t n = s->nrec - r < PF_STEP ? s->nrec - r : PF_STEP;
		for (int f = 0; f < FM_NFIELDS; f++) {
			const struct bin_col *c = &s->col[f];
			if (!c->map)
				continue;
			uintptr_t a =
			    (uintptr_t)(c->map + r * c->esize) & ~(page - 1);
			uintptr_t e = (uintptr_t)(c->map + (r + n) * c->esize);
			if (madvise((void *)a, e - a, MADV_POPULATE_READ) < 0)
				return NULL; /* not supported: the reader maps
						them */
		}
		r += n;
	}
	return NULL;
}

void fm_binary_source_prefetch(struct fm_source *src)
{
	struct binary_source *s = (struct binary_source *)src;
	uint64_t bytes = 0;

	for (int f = 0; f < FM_NFIELDS; f++)
		if (s->col[f].map)
			bytes += s->col[f].maplen;
	/* small inputs map in no time; one CPU has none to spare */
	if (s->have_pf || bytes < ((uint64_t)32 << 20) ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
#ifdef MADV_POPULATE_READ
	if (pthread_create(&s->pf_thread, NULL, prefetch_run, s) == 0)
		s->have_pf = 1;
#endif
}

static const struct fm_source_ops binary_ops = {
    binary_next,      binary_skip,   binary_position, binary_close,
    binary_next_cols, binary_gather, binary_next_raw, binary_gather_raw,
};

int fm_binary_source_open(struct fm_source **out, const char *dir,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err)
{
	return fm_binary_source_open_cap(out, dir, fields, log, FM_BATCH_CAP,
					 err);
}

int fm_binary_source_open_cap(struct fm_source **out, const char *dir,
			      uint32_t fields, const struct fm_log *log,
			      size_t batch_cap, struct fm_error *err)
{
	struct binary_source *s;
	struct stat st;
	int have_len = 0, nfiles = 0, r;
	char codes[FM_NFIELDS];
	char path[PATH_MAX];
	const char *len_field = NULL;

	if (stat(dir, &st) < 0)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fm_error_set(err, FM_EINVAL,
				    "%s: not a directory (binary input is a "
				    "directory of field arrays)",
				    dir);
	s = calloc(1, sizeof(*s));
	if (s) {
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
	}
	if (!s || !(s->dir = strdup(dir)) ||
	    !(s->zeros = calloc(batch_cap, sizeof(int64_t)))) {
		if (s)
			binary_close(&s->base);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	s->base.ops = &binary_ops;
	s->fields = fields;
	s->cap = batch_cap;

	r = fm_bindir_scan(dir, codes, err);
	if (r < 0)
		goto fail;
	/* Every field file present must be valid and of one length. */
	for (int f = 0; f < FM_NFIELDS; f++) {
		char code = codes[f];
		if (!code)
			continue;
		nfiles++;
		snprintf(path, sizeof(path), "%s/%s.%c", dir, fm_field_name(f),
			 code);
		if (stat(path, &st) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: %s", path,
					 strerror(errno));
			goto fail;
		}
		size_t es = fm_code_size(code);
		if ((uint64_t)st.st_size % es) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: size %lld is not a multiple of "
					 "%zu (type '%c'): truncated array",
					 path, (long long)st.st_size, es, code);
			goto fail;
		}
		uint64_t n = (uint64_t)st.st_size / es;
		if (have_len && n != s->nrec) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s: %llu records, but %s has %llu: "
					 "arrays of different lengths",
					 path, (unsigned long long)n, len_field,
					 (unsigned long long)s->nrec);
			goto fail;
		}
		have_len = 1;
		len_field = fm_field_name(f);
		s->nrec = n;
		s->col[f].code = code;
		s->col[f].esize = es;
		if (!(fields & FM_FIELD_BIT(f)) || n == 0)
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = fm_error_set(err, FM_EIO, "%s: %s", path,
					 strerror(errno));
			goto fail;
		}
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
			       fd, 0);
		close(fd);
		if (m == MAP_FAILED) {
			r = fm_error_set(err, FM_EIO, "%s: mmap: %s", path,
					 strerror(errno));
			goto fail;
		}
		madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
		fm_inflight_map_add(m, (size_t)st.st_size, path);
		s->col[f].map = m;
		s->col[f].maplen = (size_t)st.st_size;
		if (fm_code_is_real(code))
			s->real_fields |= FM_FIELD_BIT(f);
	}
	if (!nfiles) {
		r = fm_error_set(
		    err, FM_EFORMAT,
		    "%s: no field arrays (expected files like packets.Q)", dir);
		goto fail;
	}
	for (int f = 0; f < FM_NFIELDS; f++)
		if ((fields & FM_FIELD_BIT(f)) && !s->col[f].code)
			fm_warn(log,
				"%s: no file for field '%s': it reads as 0",
				dir, fm_field_name(f));
	*out = &s->base;
	return 0;
fail:
	binary_close(&s->base);
	return r;
}
