/*
 * io-binary.c - the native columnar format (SPEC 2): a directory with one
 * raw little-endian array per field, named FIELD.CODE.
 *
 * Reading memory-maps each wanted field file and converts a range at a
 * time; 64-bit integer columns are handed out in place, without a copy.
 * For late materialisation (fm_scan with a selector) a batch can be read
 * with only some columns, and the others then converted straight from the
 * maps for the records the selector kept (binary_next_cols/binary_gather).
 * Writing streams each column into a temporary file and renames all of
 * them into place at commit, widening a column (e.g. inif.H -> inif.I)
 * the first time a value does not fit, never truncating.  Runs of whole
 * batch columns of zeros (most columns of generated flows) are not copied:
 * they are counted and become a hole (ftruncate) when the column goes on or
 * is committed, so the file's bytes are the same but nothing is written.
 * Raw batches (next_raw) hand out every integer column in place in its
 * stored width, for consumers that widen it themselves in small blocks.
 * One directory pass finds the field files.  Sequential scans may have a
 * thread map the pages ahead of the reader (fm_binary_source_prefetch),
 * and the writer has a thread of its own for its writes (see "writer").
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

#include "flowmodels/inflight.h"
#include "io-int.h"

static const char all_codes[] = "bBhHiIlLqQfd";

struct bin_col {
	char code;
	size_t esize;
	const unsigned char *map;   /* NULL for a missing or empty column */
	size_t maplen;
};

struct binary_source {
	struct fm_source base;
	char *dir;
	uint32_t fields;
	uint64_t nrec, pos;
	uint64_t last_pos;           /* the batch next_cols returned last */
	size_t last_n;
	uint32_t real_fields;        /* wanted fields stored as f or d */
	struct bin_col col[FM_NFIELDS];
	struct fm_batch store;         /* converted columns (made when first needed) */
	const int64_t *zeros;        /* FM_BATCH_CAP zeros for missing fields */
	/*
	 * Large gathers (the kept records of a filtered batch) are memory
	 * bound: a second thread gathers every other column.
	 */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job;                     /* GATHER_* */
	const uint32_t *job_idx;
	size_t job_k;
	uint32_t job_fields;
	struct fm_batch *job_dst;          /* int64 columns, or ... */
	struct fm_raw_batch *job_raw;      /* ... stored widths into job_bufs */
	unsigned char *const *job_bufs;
	int job_rc;
	struct fm_error job_err;
	/* prefetch: a thread maps the pages ahead of the reader (sequential
	 * scans, fm_binary_source_prefetch) */
	pthread_t pf_thread;
	int have_pf;
	atomic_int pf_stop;
	_Atomic uint64_t pf_pos;     /* s->pos, for the thread */
};

enum { GATHER_IDLE, GATHER_PENDING, GATHER_DONE, GATHER_QUIT };

/* Gathers of at least this many records use the second thread. */
#define GATHER_PARALLEL_MIN 2048

/*
 * One pass over the directory finds the FIELD.CODE files: for each field,
 * the codes (bits in all_codes order) of the regular files (or links to
 * them) present.  A FIELD.X whose X is not a type code is refused: a
 * misnamed column must not silently read as zeros.
 */
/* The field of a directory entry named FIELD.X (*x = X), or -1. */
static int entry_field(const char *name, char *x)
{
	const char *dot = strrchr(name, '.');

	if (!dot || !dot[1] || dot[2])
		return -1;
	*x = dot[1];
	return fm_field_lookup(name, (size_t)(dot - name));
}

static int scan_field_files(const char *dir, uint16_t present[FM_NFIELDS],
			    struct fm_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	memset(present, 0, FM_NFIELDS * sizeof(*present));
	if (!d)
		return fm_error_set(err, FM_EIO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) && r == 0) {
		char x;
		int f = entry_field(e->d_name, &x);
		if (f < 0)
			continue;
		const char *c = strchr(all_codes, x);
		if (!c) {
			r = fm_error_set(err, FM_EFORMAT,
					 "%s/%s: unknown type code '%c' for field '%s' (codes: b B h H i I l L q Q f d)",
					 dir, e->d_name, x, fm_field_name(f));
			break;
		}
		int regular = e->d_type == DT_REG;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
			char path[PATH_MAX];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			regular = stat(path, &st) == 0 && S_ISREG(st.st_mode);
		}
		if (regular)
			present[f] |= (uint16_t)(1u << (c - all_codes));
	}
	closedir(d);
	return r;
}

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
		if (entry_field(e->d_name, &x) >= 0 && strchr(all_codes, x) &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	return total;
}

/* The code of field f's file (0 for none), or an error for two files. */
static int find_field_file(const char *dir, int f, uint16_t present, char *code,
			   struct fm_error *err)
{
	*code = 0;
	for (const char *c = all_codes; *c; c++) {
		if (!(present & (1u << (c - all_codes))))
			continue;
		if (*code)
			return fm_error_set(err, FM_EFORMAT,
				"%s: two files for field '%s': %s.%c and %s.%c",
				dir, fm_field_name(f), fm_field_name(f), *code,
				fm_field_name(f), *c);
		*code = *c;
	}
	return 0;
}

/*
 * Widening loops, in fixed blocks of VEC_BLOCK elements with restrict
 * pointers so that the compiler vectorises them even at -O2 (whose cost
 * model only vectorises loops that need no scalar epilogue and no alias
 * check); the tail is done one by one.
 */
#define VEC_BLOCK 16
#define DEF_WIDEN(name, T) \
	static void name(int64_t *restrict d, const T *restrict s, size_t n) \
	{ \
		size_t i = 0; \
		for (; i + VEC_BLOCK <= n; i += VEC_BLOCK) \
			for (size_t t = 0; t < VEC_BLOCK; t++) \
				d[i + t] = (int64_t)s[i + t]; \
		for (; i < n; i++) \
			d[i] = (int64_t)s[i]; \
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
		      int64_t *out, const char *dir, int f, struct fm_error *err)
{
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return fm_error_set(err, FM_EFORMAT,
			"%s/%s.%c: record %llu: field '%s': value %g is not a finite 64-bit number",
			dir, fm_field_name(f), c->code, (unsigned long long)rec,
			fm_field_name(f), x);
	*out = (int64_t)x;   /* truncation toward zero */
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
	case 'b': widen_b(dst, p, n); break;
	case 'B': widen_B(dst, p, n); break;
	case 'h': widen_h(dst, p, n); break;
	case 'H': widen_H(dst, p, n); break;
	case 'i': widen_i(dst, p, n); break;
	case 'I': widen_I(dst, p, n); break;
	case 'l': case 'L': case 'q': case 'Q': memcpy(dst, p, n * 8); break;
	case 'f':
		for (size_t i = 0; i < n; i++) {
			int r = real_value(c, ((const float *)p)[i], from + i + 1,
					   &dst[i], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	case 'd':
		for (size_t i = 0; i < n; i++) {
			int r = real_value(c, ((const double *)p)[i], from + i + 1,
					   &dst[i], dir, f, err);
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

#define GATHER(T) do { \
		const T *q = p; \
		for (size_t j = 0; j < k; j++) \
			dst[j] = (int64_t)q[idx[j]]; \
	} while (0)
	switch (c->code) {
	case 'b': GATHER(int8_t); break;
	case 'B': GATHER(uint8_t); break;
	case 'h': GATHER(int16_t); break;
	case 'H': GATHER(uint16_t); break;
	case 'i': GATHER(int32_t); break;
	case 'I': GATHER(uint32_t); break;
	case 'l': case 'L': case 'q': case 'Q': GATHER(int64_t); break;
	case 'f':
		for (size_t j = 0; j < k; j++) {
			int r = real_value(c, ((const float *)p)[idx[j]],
					   base + idx[j] + 1, &dst[j], dir, f, err);
			if (r < 0)
				return r;
		}
		break;
	case 'd':
		for (size_t j = 0; j < k; j++) {
			int r = real_value(c, ((const double *)p)[idx[j]],
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

#define GATHER(T) do { \
		const T *q = p; \
		T *d = dst; \
		for (size_t j = 0; j < k; j++) \
			d[j] = q[idx[j]]; \
	} while (0)
	switch (c->esize) {
	case 1: GATHER(uint8_t); break;
	case 2: GATHER(uint16_t); break;
	case 4: GATHER(uint32_t); break;
	default: GATHER(uint64_t); break;
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
			/* made at the first conversion (raw batches need none) */
			if (!s->store.store &&
			    fm_batch_alloc(&s->store, s->fields, FM_BATCH_CAP) < 0)
				return fm_error_set(err, FM_ENOMEM, "out of memory");
			int r = convert_range(c, from, n, fm_batch_mut(&s->store, f),
					      s->dir, f, err);
			if (r < 0)
				return r;
			b->col[f] = s->store.col[f];
		}
	}
	b->fields |= fields;
	return 0;
}

static long binary_next_cols(struct fm_source *src, struct fm_batch *b,
			     size_t max, uint32_t fields, struct fm_error *err)
{
	struct binary_source *s = (struct binary_source *)src;
	size_t n = (size_t)(s->nrec - s->pos < max ? s->nrec - s->pos : max);

	memset(b, 0, sizeof(*b));
	/* real columns are always converted: their check must not depend on
	 * which records a selector keeps */
	int r = fill_cols(s, (fields | s->real_fields) & s->fields, s->pos, n, b, err);
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
	size_t n = (size_t)(s->nrec - s->pos < max ? s->nrec - s->pos : max);

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
			int r = gather_range(c, s->last_pos, idx, k, d, s->dir, f, err);
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
			      struct fm_raw_batch *dst, unsigned char *const *bufs)
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
		int rc = run_job(s, s->job_idx, s->job_k, s->job_fields,
				 s->job_dst, s->job_raw, s->job_bufs, &s->job_err);
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

static int64_t binary_skip(struct fm_source *src, int64_t n, struct fm_error *err)
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
		uint64_t pos = atomic_load_explicit(&s->pf_pos, memory_order_relaxed);
		if (r < pos)
			r = pos;    /* skipped or already read */
		if (r >= s->nrec)
			break;
		if (r >= pos + PF_AHEAD) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		uint64_t n = s->nrec - r < PF_STEP ? s->nrec - r : PF_STEP;
		for (int f = 0; f < FM_NFIELDS; f++) {
			const struct bin_col *c = &s->col[f];
			if (!c->map)
				continue;
			uintptr_t a = (uintptr_t)(c->map + r * c->esize) & ~(page - 1);
			uintptr_t e = (uintptr_t)(c->map + (r + n) * c->esize);
			if (madvise((void *)a, e - a, MADV_POPULATE_READ) < 0)
				return NULL;   /* not supported: the reader maps them */
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
	binary_next, binary_skip, binary_position, binary_close,
	binary_next_cols, binary_gather, binary_next_raw, binary_gather_raw,
};

int fm_binary_source_open(struct fm_source **out, const char *dir,
			  uint32_t fields, const struct fm_log *log,
			  struct fm_error *err)
{
	struct binary_source *s;
	struct stat st;
	int have_len = 0, nfiles = 0, r;
	uint16_t present[FM_NFIELDS];
	char path[PATH_MAX];
	const char *len_field = NULL;

	if (stat(dir, &st) < 0)
		return fm_error_set(err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fm_error_set(err, FM_EINVAL,
				    "%s: not a directory (binary input is a directory of field arrays)",
				    dir);
	s = calloc(1, sizeof(*s));
	if (s) {
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
	}
	if (!s || !(s->dir = strdup(dir)) ||
	    !(s->zeros = calloc(FM_BATCH_CAP, sizeof(int64_t)))) {
		if (s)
			binary_close(&s->base);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	s->base.ops = &binary_ops;
	s->fields = fields;

	r = scan_field_files(dir, present, err);
	if (r < 0)
		goto fail;
	/* Every field file present must be valid and of one length. */
	for (int f = 0; f < FM_NFIELDS; f++) {
		char code;
		r = find_field_file(dir, f, present[f], &code, err);
		if (r < 0)
			goto fail;
		if (!code)
			continue;
		nfiles++;
		snprintf(path, sizeof(path), "%s/%s.%c", dir, fm_field_name(f), code);
		if (stat(path, &st) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		size_t es = fm_code_size(code);
		if ((uint64_t)st.st_size % es) {
			r = fm_error_set(err, FM_EFORMAT,
				"%s: size %lld is not a multiple of %zu (type '%c'): truncated array",
				path, (long long)st.st_size, es, code);
			goto fail;
		}
		uint64_t n = (uint64_t)st.st_size / es;
		if (have_len && n != s->nrec) {
			r = fm_error_set(err, FM_EFORMAT,
				"%s: %llu records, but %s has %llu: arrays of different lengths",
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
			r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED) {
			r = fm_error_set(err, FM_EIO, "%s: mmap: %s", path, strerror(errno));
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
		r = fm_error_set(err, FM_EFORMAT,
				 "%s: no field arrays (expected files like packets.Q)", dir);
		goto fail;
	}
	for (int f = 0; f < FM_NFIELDS; f++)
		if ((fields & FM_FIELD_BIT(f)) && !s->col[f].code)
			fm_warn(log, "%s: no file for field '%s': it reads as 0", dir,
				fm_field_name(f));
	*out = &s->base;
	return 0;
fail:
	binary_close(&s->base);
	return r;
}

/* ---- writer ---- */

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
#define BIN_QUEUE 64           /* > FM_NFIELDS: one write a field at most */
#define BIN_WAKE 8             /* queued writes that wake the thread */

struct bin_out {
	char code;
	int fd;
	char *tmpname;
	unsigned char *buf;      /* the buffer being filled */
	unsigned char *bufs[2];
	size_t cap;              /* bytes in each buffer */
	int busy[2];             /* queued or being written (w->mu) */
	size_t len;
	uint64_t zeros;    /* zero values after buf, not yet in the file */
};

struct bin_write {
	int f, which;
	size_t len;
};

struct fm_binary_writer {
	char *dir;         /* final directory */
	char *workdir;     /* where files are written (dir, or a temp dir) */
	int created;       /* workdir is a new temporary directory */
	uint32_t fields;
	uint64_t count;
	const struct fm_log *log;
	struct bin_out out[FM_NFIELDS];
	unsigned char *bufmem;   /* every field's two buffers */
	/* the writer thread; below guarded by mu */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bin_write queue[BIN_QUEUE];
	size_t head, queued;     /* the head stays queued while written */
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
		int e = fm_write_all(o->fd, o->bufs[q.which], q.len) < 0 ? errno : 0;
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
		return fm_error_set(err, FM_EIO, "%s: cannot create field file: %s",
				    w->dir, strerror(e));
	}
	fchmod(o->fd, 0644);
	return 0;
}

/* Write out field f's buffer (queue it for the thread) and start the other. */
static int bin_out_flush(struct fm_binary_writer *w, int f, struct fm_error *err)
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
			(struct bin_write){ f, which, o->len };
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
static int bin_out_settle(struct fm_binary_writer *w, int f, struct fm_error *err)
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
		if (ftruncate(o->fd, off) < 0 || lseek(o->fd, off, SEEK_SET) < 0)
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
	return n == 0 || (v[0] == 0 && memcmp(v, v + 1, (n - 1) * sizeof(*v)) == 0);
}

/* Store v (already known to fit) as code c at p. */
static void put_value(unsigned char *p, char c, int64_t v)
{
	switch (fm_code_size(c)) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8); break;
	}
}

static int64_t get_value(const unsigned char *p, char c)
{
	switch (c) {
	case 'b': { int8_t x; memcpy(&x, p, 1); return x; }
	case 'B': { uint8_t x; memcpy(&x, p, 1); return x; }
	case 'h': { int16_t x; memcpy(&x, p, 2); return x; }
	case 'H': { uint16_t x; memcpy(&x, p, 2); return x; }
	case 'i': { int32_t x; memcpy(&x, p, 4); return x; }
	case 'I': { uint32_t x; memcpy(&x, p, 4); return x; }
	default: { int64_t x; memcpy(&x, p, 8); return x; }
	}
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
			if (o->cap - o->len < nes && (r = bin_out_flush(w, f, err)) < 0)
				goto out;
			put_value(o->buf + o->len, nc, get_value(in + i * oes, old.code));
			o->len += nes;
		}
	}
	fm_note(w->log, "%s: field '%s' widened from '%c' to '%c' to hold %s values",
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
	struct stat st;
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
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			r = fm_error_set(err, FM_EINVAL,
					 "%s: exists and is not a directory", dir);
			goto fail;
		}
		w->workdir = strdup(dir);
	} else {
		/* a new directory appears complete or not at all */
		if ((r = fm_tmpdir_beside(dir, &w->workdir, err)) < 0)
			goto fail;
		w->created = 1;
	}
	if (!w->workdir) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto fail;
	}
	size_t total = 0;
	for (int f = 0; f < FM_NFIELDS; f++)
		if (fields & FM_FIELD_BIT(f))
			total += 2 * BIN_OUTRECS * fm_code_size(fm_field_code(f));
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
		case 'B': for (; j < k && (uint64_t)v[i + j] <= UINT8_MAX; j++) p[j] = (uint8_t)v[i + j]; break;
		case 'H': for (; j < k && (uint64_t)v[i + j] <= UINT16_MAX; j++) { uint16_t x = (uint16_t)v[i + j]; memcpy(p + 2 * j, &x, 2); } break;
		case 'I': for (; j < k && (uint64_t)v[i + j] <= UINT32_MAX; j++) { uint32_t x = (uint32_t)v[i + j]; memcpy(p + 4 * j, &x, 4); } break;
		case 'Q': case 'q': memcpy(p, v + i, k * 8); j = k; break;
		default: for (; j < k && fm_code_holds(c, v[i + j]); j++) put_value(p + es * j, c, v[i + j]); break;
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
		const int64_t *v = (b->fields & FM_FIELD_BIT(f)) ? b->col[f] : NULL;

		if (b->n && (!v || all_zero(v, b->n))) {   /* absent = zeros */
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
		for (size_t i = 0; i < n; ) {
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
			       const struct fm_raw_batch *b, struct fm_error *err)
{
	for (int f = 0; f < FM_NFIELDS; f++) {
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		const void *v = b->col[f];

		if (b->n && (!v || bytes_zero(v, b->n * fm_code_size(b->code[f])))) {
			w->out[f].zeros += b->n;     /* absent = zeros */
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
		if (close(w->out[f].fd) < 0) {
			w->out[f].fd = -1;
			return fm_error_set(err, FM_EIO, "%s: %s", w->dir, strerror(errno));
		}
		w->out[f].fd = -1;
	}
	/* every file is complete: move them to their names */
	for (int f = 0; f < FM_NFIELDS; f++) {
		struct bin_out *o = &w->out[f];
		if (!(w->fields & FM_FIELD_BIT(f)))
			continue;
		snprintf(path, sizeof(path), "%s/%s.%c", w->workdir, fm_field_name(f),
			 o->code);
		if (rename(o->tmpname, path) < 0)
			return fm_error_set(err, FM_EIO, "%s: rename: %s", path,
					    strerror(errno));
		free(o->tmpname);
		o->tmpname = NULL;
		/* drop this field's files of other codes */
		for (const char *c = all_codes; *c; c++) {
			if (*c == o->code)
				continue;
			snprintf(path, sizeof(path), "%s/%s.%c", w->workdir,
				 fm_field_name(f), *c);
			unlink(path);
		}
	}
	if (w->created) {
		if (rename(w->workdir, w->dir) < 0)
			return fm_error_set(err, FM_EIO, "%s: rename: %s", w->dir,
					    strerror(errno));
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
		w->quit = 1;    /* the thread ends once the queue is empty */
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
