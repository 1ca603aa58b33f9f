/*
 * sort-int.h - what the two files of sort share: the key columns and
 * their order-preserving mapping (map_key), the permutation, and the
 * permutation builder of sort-perm.c that sort.c runs on a directory.
 */
#ifndef FLOWMODELS_SORT_INT_H
#define FLOWMODELS_SORT_INT_H

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "flowmodels/progress.h"
#include "flowmodels/error.h"

/* threads sorting and permuting: at most, and the smallest input that
 * gets more than one by default */
#define THREADS_MAX 4
#define THREADS_MIN_RECORDS 65536

/* A key column: raw values of one code (p == NULL: all zeros). */
struct kcol {
	const unsigned char *p;
	char code;
	uint64_t min, max;
	int bits;
};

#define NKEYS_MAX 64

static inline __attribute__((always_inline)) uint64_t
map_key(const unsigned char *p, char code, uint64_t r)
{
	switch (code) {
	case 'B':
		return p[r];
	case 'b':
		return (uint64_t)(int64_t)(int8_t)p[r] ^ (UINT64_C(1) << 63);
	case 'H': {
		uint16_t x;
		memcpy(&x, p + 2 * r, 2);
		return x;
	}
	case 'h': {
		int16_t x;
		memcpy(&x, p + 2 * r, 2);
		return (uint64_t)(int64_t)x ^ (UINT64_C(1) << 63);
	}
	case 'I': {
		uint32_t x;
		memcpy(&x, p + 4 * r, 4);
		return x;
	}
	case 'i': {
		int32_t x;
		memcpy(&x, p + 4 * r, 4);
		return (uint64_t)(int64_t)x ^ (UINT64_C(1) << 63);
	}
	case 'L':
	case 'Q': {
		uint64_t x;
		memcpy(&x, p + 8 * r, 8);
		return x;
	}
	case 'l':
	case 'q': {
		uint64_t x;
		memcpy(&x, p + 8 * r, 8);
		return x ^ (UINT64_C(1) << 63);
	}
	default: {
		double d;
		uint64_t b;
		if (code == 'f') {
			float y;
			memcpy(&y, p + 4 * r, 4);
			d = y;
		} else {
			memcpy(&d, p + 8 * r, 8);
		}
		if (isnan(d))
			return UINT64_MAX;
		if (d == 0)
			d = 0.0;
		memcpy(&b, &d, 8);
		return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
	}
	}
}

/*
 * The permutation (output record j is input record perm[j]): 4-byte
 * entries when every index fits (up to 2^32 records), else 8, which halves
 * the memory it takes and that every column's gather reads.  p == NULL is
 * the identity: the input is already in order and nothing needs gathering.
 */
struct perm {
	void *p;  /* fm_big_alloc: n entries (in a buffer of n 8-byte words) */
	int wide; /* entries are uint64_t, else uint32_t */
};

static inline int perm_wide(uint64_t n, int force_wide)
{
	return force_wide || n > (uint64_t)UINT32_MAX + 1;
}

static inline uint64_t perm_at(const struct perm *pm, uint64_t i)
{
	if (!pm->p)
		return i;
	if (pm->wide)
		return ((const uint64_t *)pm->p)[i];
	return ((const uint32_t *)pm->p)[i];
}

/* Reverse the whole order of n records (the identity is materialised). */
int perm_reverse(struct perm *pm, uint64_t n, struct fm_error *err);

/* A field array of the input directory, memory-mapped. */
struct sarray {
	int field;
	char code;
	size_t esize;
	char path[PATH_MAX];
	const unsigned char *map; /* whole file */
	size_t maplen;
};

/*
 * Whether bytes [off, off + len) of column s (open as fd) are all zero: a
 * hole of a sparse file is found without reading.
 */
int sort_zero_range(const struct sarray *s, int fd, off_t off, size_t len);

/* How many threads sort and permute (threads: 0 = automatic). */
int column_threads(int threads, uint64_t n, size_t narr);

/*
 * The stable ascending permutation of n records by the key columns, in
 * *out (out->p NULL: the input order).  Keys are sorted last first, each
 * group of adjacent keys that fit one word together (sort_packed), a very
 * wide key alone (sort_wide).  When spare is not NULL it receives a free
 * buffer of n 8-byte words, faulted in by a pass if one was, that the
 * caller may reuse (fm_big_free), or NULL.
 */
int build_perm(struct kcol *kc, size_t nkeys, uint64_t n, int force_wide,
	       int nthr, struct perm *out, uint64_t **spare,
	       const struct fm_progress *progress, struct fm_error *err);

/* Tests: called where a crash would matter (sort_hook_call). */
struct sort_hook {
	void (*fn)(void *arg, const char *point);
	void *arg;
};
static inline void sort_hook_call(const struct sort_hook *h, const char *point)
{
	if (h && h->fn)
		h->fn(h->arg, point);
}

/*
 * The in-place sort's atomic replace (sort-swap.c): swap_begin makes the
 * new directory beside dir (sw->tmp, dir's mode; sw->real the resolved
 * dir); once the written files (names in written) are complete in it,
 * swap_commit links the others in and exchanges the two directories
 * (renameat2 RENAME_EXCHANGE; where it cannot, the written files are
 * moved one by one, with a warning), and removes the old.  swap_discard
 * removes a new directory not committed (and accepts a zeroed sw).
 */
struct swap {
	char *real, *tmp;
};
int swap_begin(const char *dir, struct swap *sw, struct fm_error *err);
int swap_commit(struct swap *sw, char *const *written, size_t nwritten,
		int no_exchange, const struct fm_log *log,
		const struct sort_hook *hook, struct fm_error *err);
void swap_discard(struct swap *sw);

/*
 * The sidecar INDEX.json of a sort index (sort-sidecar.c): the keys, the
 * direction, the records and a fingerprint of the key columns it was
 * built for.  sidecar_read returns 0, 1 when there is none, or an error
 * (a malformed file).  sidecar_path: "X.I" -> "X.json".
 */
struct sidecar {
	size_t nkeys;
	int keys[NKEYS_MAX];
	int reverse;
	uint64_t records, fingerprint;
};
uint64_t sidecar_fingerprint(const struct kcol *kc, size_t nkeys, uint64_t n);
void sidecar_path(const char *ipath, char *out, size_t size);
int sidecar_write(const char *path, const char *ipath, const struct sidecar *sc,
		  struct fm_error *err);
int sidecar_read(const char *path, struct sidecar *sc, struct fm_error *err);

/*
 * The external merge sort (sort-ext.c), for n records whose in-memory
 * sort would not fit budget bytes (sort_ext_needed).  Every column of arr
 * that is not kept (keep[c] set: all zeros, in place) is written sorted
 * to a new temporary file tmp[c] beside wd/FIELD.CODE, and the index,
 * when ipath is given, to *itmp beside ipath; the caller renames them.
 */
struct ext_sort {
	struct sarray *arr; /* the input's columns, mapped */
	size_t narr;
	const struct kcol *kc; /* the keys at record first (p NULL: zeros) */
	size_t nkeys;
	const int *keycol; /* per key: its column in arr, or -1 */
	uint64_t first, n, total;
	int reverse, threads, in_place;
	uint64_t budget;
	const char *wd;	   /* the output directory being written */
	char **tmp;	   /* per column: its temporary file (out) */
	int *keep;	   /* per column: left as it is (out) */
	const char *ipath; /* the index file to write, or NULL */
	char **itmp;	   /* its temporary file (out) */
	/* NULL, or the records' output positions (a reused index's inverse,
	 * reuse_order): then the only key (kc: it, nkeys 1), in the rows
	 * but not written */
	const struct sarray *order;
	const struct fm_progress *progress;
};
/* Unmap bytes [off, off + len) of a shared file mapping of maplen bytes
 * (the pages stay cached): they no longer count to the process. */
void sort_drop_pages(const unsigned char *map, size_t maplen, uint64_t off,
		     uint64_t len);
int sort_ext_needed(const struct kcol *kc, size_t nkeys, uint64_t n,
		    uint64_t budget);
int sort_external(const struct ext_sort *x, struct fm_error *err);

/*
 * A reused index ipath (code c, n entries) too large to load within the
 * budget (sort-reuse.c): reuse_cost is what loading it would take;
 * reuse_check reads it once through its mapping, checking that every
 * value is below n, and sets *identity when it is the identity;
 * reuse_order writes its inverse for records [first, first + n) to a new
 * temporary file *otmp beside wd/sort-order in passes of about budget / 2
 * bytes (FM_EFORMAT for a repeated value) and maps it as *order.
 */
uint64_t reuse_cost(uint64_t n, int wide);
int reuse_check(const char *ipath, char c, uint64_t n, int *identity,
		struct fm_error *err);
int reuse_order(const char *ipath, char c, uint64_t first, uint64_t n,
		uint64_t budget, const char *wd, struct sarray *order,
		char **otmp, struct fm_error *err);

#endif
