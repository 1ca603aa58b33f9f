/*
 * sort.c - stable multi-key sort of binary directories on disk (SPEC 5).
 *
 * Design:
 * 1. Key values are mapped to order-preserving unsigned 64-bit numbers
 *    (unsigned codes as they are, signed codes with the sign bit flipped,
 *    reals through their IEEE bits, NaN last) and reduced by the column's
 *    minimum, so a key needs only as many bits as its value range.
 * 2. The permutation is built by LSD radix sort, last key first.  Adjacent
 *    keys whose ranges fit together are packed into one 64-bit word above
 *    the record's current position (e.g. first|first_ms|position), and
 *    only the key bits are sorted with 11-bit digits (12 when that saves a
 *    pass); digits that are the same in every record are skipped.  A key too wide to share a word
 *    with the position is sorted as (key, position) pairs.  LSD passes are
 *    stable, so ties keep input order; --reverse flips the final order.
 * 3. Each field array is then permuted on its own: the input is read into
 *    a reused staging buffer (memory mapped when under 2 MiB or over
 *    2 GiB), gathered through the index in chunks and written to a
 *    temporary file.  A column whose values are all equal is written
 *    without gathering (and left untouched when sorting a whole directory
 *    in place).  Every file is renamed into place only when all are done.
 * Memory: up to 24 bytes per record while the index is built (56 for a
 * very wide key), 16 per record while columns are permuted (the index and
 * the staging buffer), plus one chunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowmodels/sort.h"
#include "io-int.h"

static const char all_codes[] = "bBhHiIlLqQfd";

#define DIGIT 11
#define NBUCKET (1u << DIGIT)
#define DIGIT_MAX 12
#define NPASS_MAX ((64 + DIGIT - 1) / DIGIT)
#define CHUNK 65536

/* A key column: raw values of one code (p == NULL: all zeros). */
struct kcol {
	const unsigned char *p;
	char code;
	uint64_t min, max;
	int bits;
};

static inline uint64_t map_key(const unsigned char *p, char code, uint64_t r)
{
	switch (code) {
	case 'B': return p[r];
	case 'b': return (uint64_t)(int64_t)(int8_t)p[r] ^ (UINT64_C(1) << 63);
	case 'H': { uint16_t x; memcpy(&x, p + 2 * r, 2); return x; }
	case 'h': { int16_t x; memcpy(&x, p + 2 * r, 2); return (uint64_t)(int64_t)x ^ (UINT64_C(1) << 63); }
	case 'I': { uint32_t x; memcpy(&x, p + 4 * r, 4); return x; }
	case 'i': { int32_t x; memcpy(&x, p + 4 * r, 4); return (uint64_t)(int64_t)x ^ (UINT64_C(1) << 63); }
	case 'L': case 'Q': { uint64_t x; memcpy(&x, p + 8 * r, 8); return x; }
	case 'l': case 'q': { uint64_t x; memcpy(&x, p + 8 * r, 8); return x ^ (UINT64_C(1) << 63); }
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

/* vals[i] = mapped key of record perm[i] (or i when perm is NULL). */
static void extract(const struct kcol *c, const uint64_t *perm, uint64_t n,
		    uint64_t *vals)
{
	if (!c->p) {
		memset(vals, 0, n * sizeof(*vals));
		return;
	}
#define EXTRACT(CODE) case CODE: \
	if (perm) { for (uint64_t i = 0; i < n; i++) vals[i] = map_key(c->p, CODE, perm[i]); } \
	else { for (uint64_t i = 0; i < n; i++) vals[i] = map_key(c->p, CODE, i); } \
	break;
	switch (c->code) {
	EXTRACT('B') EXTRACT('b') EXTRACT('H') EXTRACT('h') EXTRACT('I')
	EXTRACT('i') EXTRACT('L') EXTRACT('Q') EXTRACT('l') EXTRACT('q')
	EXTRACT('f') EXTRACT('d')
	}
#undef EXTRACT
}

/* The smallest and largest mapped key of records [0, n) (n > 0). */
static void key_range(const struct kcol *c, uint64_t n, uint64_t *min, uint64_t *max)
{
	uint64_t mn = UINT64_MAX, mx = 0;

	if (!c->p) {
		*min = *max = 0;
		return;
	}
#define RANGE(CODE) case CODE: \
	for (uint64_t i = 0; i < n; i++) { \
		uint64_t v = map_key(c->p, CODE, i); \
		mn = v < mn ? v : mn; \
		mx = v > mx ? v : mx; \
	} \
	break;
	switch (c->code) {
	RANGE('B') RANGE('b') RANGE('H') RANGE('h') RANGE('I')
	RANGE('i') RANGE('L') RANGE('Q') RANGE('l') RANGE('q')
	RANGE('f') RANGE('d')
	}
#undef RANGE
	*min = mn;
	*max = mx;
}

static int bit_width(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

/*
 * Stable LSD radix sort of *a (n words) by bits [lo, lo+nbits); *a and
 * *tmp may be swapped, the result is in *a.
 */
/* Passes and digit width for nbits: digits of up to DIGIT_MAX bits when
 * that saves a pass (34 bits of octets: 3 passes of 12 bits, not 4 of 11). */
static void radix_plan(int nbits, int *passes, int *w)
{
	*passes = (nbits + DIGIT - 1) / DIGIT;
	*w = DIGIT;
	if ((nbits + DIGIT_MAX - 1) / DIGIT_MAX < *passes) {
		*passes = (nbits + DIGIT_MAX - 1) / DIGIT_MAX;
		*w = (nbits + *passes - 1) / *passes;
	}
}

/* Add the digits of key bits v (radix_plan's passes and width) to count. */
static inline void radix_count(uint64_t *count, uint64_t v, int passes, int w)
{
	for (int p = 0; p < passes; p++)
		count[((size_t)p << w) + ((v >> (p * w)) & ((UINT64_C(1) << w) - 1))]++;
}

/*
 * count holds the digit counts of every word (zeroed, then radix_count of
 * each word's bits [lo, lo+nbits)), made by the caller while it wrote the
 * words: one pass over them fewer.
 */
static void radix_packed(uint64_t **a, uint64_t **tmp, uint64_t n, int lo,
			 int nbits, uint64_t *count)
{
	int passes, w;
	uint64_t *src = *a, *dst = *tmp;

	radix_plan(nbits, &passes, &w);
	const unsigned nb = 1u << w;
	const uint64_t mask = nb - 1;
	for (int p = 0; p < passes; p++) {
		uint64_t *c = count + (size_t)p * nb;
		int shift = lo + p * w;
		uint64_t sum = 0;
		int skip = 0;
		for (unsigned k = 0; k < nb; k++) {
			if (c[k] == n)
				skip = 1;
			uint64_t t = c[k];
			c[k] = sum;
			sum += t;
		}
		if (skip)
			continue;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t v = src[i];
			dst[c[(v >> shift) & mask]++] = v;
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	*a = src;
	*tmp = dst;
}

struct pair {
	uint64_t k, p;
};

/* Stable LSD radix sort of pairs by k (8-bit digits, constant digits skipped). */
static void radix_pairs(struct pair **a, struct pair **tmp, uint64_t n,
			uint64_t *count)
{
	struct pair *src = *a, *dst = *tmp;

	memset(count, 0, 8 * 256 * sizeof(*count));
	for (uint64_t i = 0; i < n; i++)
		for (int d = 0; d < 8; d++)
			count[d * 256 + ((src[i].k >> (8 * d)) & 255)]++;
	for (int d = 0; d < 8; d++) {
		uint64_t *c = count + d * 256, sum = 0;
		int skip = 0;
		for (int k = 0; k < 256; k++) {
			if (c[k] == n)
				skip = 1;
			uint64_t t = c[k];
			c[k] = sum;
			sum += t;
		}
		if (skip)
			continue;
		for (uint64_t i = 0; i < n; i++)
			dst[c[(src[i].k >> (8 * d)) & 255]++] = src[i];
		struct pair *t = src;
		src = dst;
		dst = t;
	}
	*a = src;
	*tmp = dst;
}

/*
 * Large arrays (index, radix buffers) are anonymous mappings advised to use
 * transparent huge pages: fewer page faults to fill them and fewer TLB
 * misses in the radix scatter and the gathers.  The mapping length is kept
 * in a 64-byte header.
 */
static void *big_alloc(size_t size)
{
	size_t len = size + 64;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (len >= ((size_t)2 << 20))
		madvise(m, len, MADV_HUGEPAGE);
#endif
	memcpy(m, &len, sizeof(len));
	return (char *)m + 64;
}

static void big_free(void *p)
{
	size_t len;

	if (!p)
		return;
	memcpy(&len, (char *)p - 64, sizeof(len));
	munmap((char *)p - 64, len);
}

/*
 * The stable ascending permutation of n records by the key columns, in
 * *out (big_alloc).  When spare is not NULL it receives a second buffer of
 * n words, already faulted in, that the caller may reuse (big_free both),
 * or NULL.  Fresh memory is costly to fault in, so the identity permutation
 * is never materialised (until the first sort pass, record i is at position
 * i) and a packed pass turns its sorted words into the permutation in
 * place: two buffers of n words suffice for keys that fit one word.
 */
static int build_perm(struct kcol *kc, size_t nkeys, uint64_t n,
		      uint64_t **out, uint64_t **spare,
		      const struct fm_progress *progress, struct fm_error *err)
{
	uint64_t *perm = NULL, *a = NULL, *b = NULL, *count = NULL;
	struct pair *pa = NULL, *pb = NULL;
	int posbits = bit_width(n > 1 ? n - 1 : 1);
	uint64_t posmask = posbits == 64 ? UINT64_MAX : (UINT64_C(1) << posbits) - 1;
	int r = 0;
	const size_t words = (size_t)(n ? n : 1) * sizeof(uint64_t);

	a = big_alloc(words);
	b = big_alloc(words);
	count = malloc((size_t)NPASS_MAX * ((size_t)1 << DIGIT_MAX) * sizeof(*count));
	if (!a || !b || !count)
		goto oom;
	/* value ranges */
	for (size_t k = 0; k < nkeys; k++) {
		uint64_t mn = 0, mx = 0;
		if (n)
			key_range(&kc[k], n, &mn, &mx);
		kc[k].min = mn;
		kc[k].max = mx;
		kc[k].bits = bit_width(mx - mn);
	}
	int room = 64 - posbits;
	for (size_t hi = nkeys; hi-- > 0;) {
		if (kc[hi].bits == 0)
			continue;
		if (fm_progress_report(progress, nkeys - hi, nkeys)) {
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
			goto out;
		}
		/* a and b are scratch; perm (NULL = identity) is read */
		if ((!a && !(a = big_alloc(words))) || (!b && !(b = big_alloc(words))))
			goto oom;
		if (perm && (perm == a || perm == b)) {
			r = fm_error_set(err, FM_EINVAL, "sort: internal buffer mix-up");
			goto out;
		}
		if (kc[hi].bits > room) {
			/* a wide key: (key, position) pairs */
			if (!pa) {
				pa = big_alloc(n * sizeof(*pa));
				pb = big_alloc(n * sizeof(*pb));
				if (!pa || !pb)
					goto oom;
			}
			extract(&kc[hi], perm, n, b);
			for (uint64_t i = 0; i < n; i++) {
				pa[i].k = b[i] - kc[hi].min;
				pa[i].p = i;
			}
			radix_pairs(&pa, &pb, n, count);
			if (perm)
				for (uint64_t i = 0; i < n; i++)
					b[i] = perm[pa[i].p];
			else
				for (uint64_t i = 0; i < n; i++)
					b[i] = pa[i].p;
			/* the new permutation is in b; the old one's memory becomes b */
			uint64_t *t = perm;
			perm = b;
			b = t;
		} else {
			/* pack keys lo..hi (those that fit) above the position */
			size_t lo = hi;
			int sum = kc[hi].bits, started = 0;
			while (lo > 0 && sum + kc[lo - 1].bits <= room) {
				lo--;
				sum += kc[lo].bits;
			}
			for (size_t k = lo; k <= hi; k++) {
				if (!kc[k].bits)
					continue;
				extract(&kc[k], perm, n, b);
				int sh = kc[k].bits;
				uint64_t mn = kc[k].min;
				if (!started)
					for (uint64_t i = 0; i < n; i++)
						a[i] = b[i] - mn;
				else
					for (uint64_t i = 0; i < n; i++)
						a[i] = (a[i] << sh) | (b[i] - mn);
				started = 1;
			}
			/* the position goes below the keys; the digits are
			 * counted on the way */
			int passes, w;
			radix_plan(sum, &passes, &w);
			memset(count, 0, ((size_t)passes << w) * sizeof(*count));
			for (uint64_t i = 0; i < n; i++) {
				uint64_t v = a[i];
				a[i] = (v << posbits) | i;
				radix_count(count, v, passes, w);
			}
			radix_packed(&a, &b, n, posbits, sum, count);
			/* the new permutation replaces the sorted words in a (no
			 * third buffer: fresh memory is costly to fault in); the
			 * old permutation's memory becomes a */
			if (perm)
				for (uint64_t i = 0; i < n; i++)
					a[i] = perm[a[i] & posmask];
			else
				for (uint64_t i = 0; i < n; i++)
					a[i] &= posmask;
			uint64_t *t = perm;
			perm = a;
			a = t;
			hi = lo;
		}
	}
	if (!perm) {
		/* no key varies: the input order */
		if (!a && !(a = big_alloc(words)))
			goto oom;
		perm = a;
		a = NULL;
		for (uint64_t i = 0; i < n; i++)
			perm[i] = i;
	}
	*out = perm;
	perm = NULL;
	if (spare) {
		/* a buffer already faulted in, if there is one */
		*spare = a ? a : b;
		if (a)
			a = NULL;
		else
			b = NULL;
	}
	goto out;
oom:
	r = fm_error_set(err, FM_ENOMEM, "out of memory for the sort index of %llu records",
			 (unsigned long long)n);
out:
	big_free(perm);
	big_free(a);
	big_free(b);
	free(count);
	big_free(pa);
	big_free(pb);
	return r;
}

int fm_sort_perm_u64(const uint64_t *const *keys, size_t nkeys, uint64_t n,
		     uint64_t **perm, struct fm_error *err)
{
	struct kcol *kc = calloc(nkeys ? nkeys : 1, sizeof(*kc));
	int r;

	if (!kc)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t k = 0; k < nkeys; k++) {
		kc[k].p = (const unsigned char *)keys[k];
		kc[k].code = 'Q';
	}
	uint64_t *bp = NULL;
	r = build_perm(kc, nkeys, n, &bp, NULL, NULL, err);
	free(kc);
	if (r < 0)
		return r;
	*perm = malloc((n ? n : 1) * sizeof(**perm));
	if (!*perm) {
		big_free(bp);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	memcpy(*perm, bp, n * sizeof(**perm));
	big_free(bp);
	return 0;
}

char fm_sort_index_code(uint64_t n)
{
	if (n <= (UINT64_C(1) << 8))
		return 'B';
	if (n <= (UINT64_C(1) << 16))
		return 'H';
	if (n <= (UINT64_C(1) << 32))
		return 'I';
	return 'Q';
}

/* ---- the directory ---- */

struct sarray {
	int field;
	char code;
	size_t esize;
	char path[PATH_MAX];
	const unsigned char *map;   /* whole file */
	size_t maplen;
};

static int map_file(const char *path, const unsigned char **map, size_t *len,
		    struct fm_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*map = NULL;
	*len = 0;
	if (fd < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return fm_error_set(err, FM_EIO, "%s: %s", path, strerror(e));
	}
	if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			int e = errno;
			close(fd);
			return fm_error_set(err, FM_EIO, "%s: mmap: %s", path, strerror(e));
		}
		*map = m;
		*len = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static void unmap(struct sarray *s)
{
	if (s->map)
		munmap((void *)s->map, s->maplen);
	s->map = NULL;
}

/* Every field array of dir, in field order, checked for one length. */
static int list_fields(const char *dir, struct sarray *arr, size_t *narr,
		       uint64_t *nrec, struct fm_error *err)
{
	struct stat st;
	const char *len_from = NULL;
	size_t k = 0;

	if (stat(dir, &st) < 0)
		return fm_error_set(err, errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fm_error_set(err, FM_EINVAL,
				    "%s: not a directory (sort reads a binary directory)", dir);
	*nrec = 0;
	for (int f = 0; f < FM_NFIELDS; f++) {
		char path[PATH_MAX];
		char code = 0;
		for (const char *c = all_codes; *c; c++) {
			snprintf(path, sizeof(path), "%s/%s.%c", dir, fm_field_name(f), *c);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (code)
					return fm_error_set(err, FM_EFORMAT,
						"%s: two files for field '%s': %s.%c and %s.%c",
						dir, fm_field_name(f), fm_field_name(f), code,
						fm_field_name(f), *c);
				code = *c;
			}
		}
		if (!code)
			continue;
		struct sarray *s = &arr[k];
		memset(s, 0, sizeof(*s));
		s->field = f;
		s->code = code;
		s->esize = fm_code_size(code);
		snprintf(s->path, sizeof(s->path), "%s/%s.%c", dir, fm_field_name(f), code);
		if (stat(s->path, &st) < 0)
			return fm_error_set(err, FM_EIO, "%s: %s", s->path, strerror(errno));
		if ((uint64_t)st.st_size % s->esize)
			return fm_error_set(err, FM_EFORMAT,
				"%s: size %lld is not a multiple of %zu (type '%c'): truncated array",
				s->path, (long long)st.st_size, s->esize, code);
		uint64_t n = (uint64_t)st.st_size / s->esize;
		if (len_from && n != *nrec)
			return fm_error_set(err, FM_EFORMAT,
				"%s: %llu records, but %s has %llu: arrays of different lengths",
				s->path, (unsigned long long)n, len_from,
				(unsigned long long)*nrec);
		*nrec = n;
		len_from = fm_field_name(f);
		k++;
	}
	if (!k)
		return fm_error_set(err, FM_EFORMAT,
				    "%s: no field arrays (expected files like packets.Q)", dir);
	*narr = k;
	return 0;
}

/* Find INDEX itself (when it names FIELD-less ".CODE" file) or INDEX.CODE. */
static int find_index(const char *base, char *path, size_t size, char *code,
		      struct fm_error *err)
{
	struct stat st;
	const char *dot = strrchr(base, '.');
	const char *slash = strrchr(base, '/');

	*code = 0;
	if (dot && (!slash || dot > slash) && dot[1] && !dot[2] &&
	    strchr("BHIQL", dot[1]) && stat(base, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(path, size, "%s", base);
		*code = dot[1];
		return 0;
	}
	for (const char *c = "BHIQL"; *c; c++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s.%c", base, *c);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (*code)
				return fm_error_set(err, FM_EINVAL,
						    "index %s: two files, %s.%c and %s.%c",
						    base, base, *code, base, *c);
			*code = *c;
			snprintf(path, size, "%s", p);
		}
	}
	return 0;
}

/* Load and check an existing index of n records (must be a permutation). */
static int load_index(const char *path, char code, uint64_t n, uint64_t **out,
		      struct fm_error *err)
{
	const unsigned char *map;
	size_t len, es = fm_code_size(code);
	uint64_t *perm = NULL;
	uint8_t *seen = NULL;
	int r;

	r = map_file(path, &map, &len, err);
	if (r < 0)
		return r;
	if (len % es) {
		r = fm_error_set(err, FM_EFORMAT,
				 "index %s: size %zu is not a multiple of %zu: truncated",
				 path, len, es);
		goto out;
	}
	if (len / es != n) {
		r = fm_error_set(err, FM_EFORMAT,
				 "index %s: %llu entries, but %llu records are to be sorted",
				 path, (unsigned long long)(len / es), (unsigned long long)n);
		goto out;
	}
	perm = big_alloc((n ? n : 1) * sizeof(*perm));
	seen = calloc(n / 8 + 1, 1);
	if (!perm || !seen) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory for index %s", path);
		goto out;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = map_key(map, code == 'L' ? 'Q' : code, i);
		if (v >= n || (seen[v / 8] & (1u << (v % 8)))) {
			r = fm_error_set(err, FM_EFORMAT,
					 "index %s: entry %llu: %s %llu: not a permutation of %llu records",
					 path, (unsigned long long)i,
					 v >= n ? "out-of-range value" : "repeated value",
					 (unsigned long long)v, (unsigned long long)n);
			goto out;
		}
		seen[v / 8] |= (uint8_t)(1u << (v % 8));
		perm[i] = v;
	}
	*out = perm;
	perm = NULL;
out:
	if (map)
		munmap((void *)map, len);
	big_free(perm);
	free(seen);
	return r;
}

/* Write the index atomically as path (code chosen by the caller). */
static int save_index(const char *path, char code, const uint64_t *perm,
		      uint64_t n, struct fm_error *err)
{
	size_t es = fm_code_size(code);
	unsigned char *buf = malloc(CHUNK * 8);
	char *tmp = NULL;
	int fd = -1, r;

	if (!buf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_tmpfile_beside(path, &tmp, &fd, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	for (uint64_t i = 0; i < n && r == 0; i += CHUNK) {
		uint64_t k = n - i < CHUNK ? n - i : CHUNK;
		for (uint64_t j = 0; j < k; j++) {
			uint64_t v = perm[i + j];
			switch (es) {
			case 1: buf[j] = (uint8_t)v; break;
			case 2: { uint16_t x = (uint16_t)v; memcpy(buf + 2 * j, &x, 2); break; }
			case 4: { uint32_t x = (uint32_t)v; memcpy(buf + 4 * j, &x, 4); break; }
			default: memcpy(buf + 8 * j, &v, 8); break;
			}
		}
		if (fm_write_all(fd, buf, k * es) < 0)
			r = fm_error_set(err, FM_EIO, "index %s: write: %s", path, strerror(errno));
	}
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "index %s: %s", path, strerror(errno));
	if (r == 0 && fm_tmpfile_commit(tmp, path) < 0)
		r = fm_error_set(err, FM_EIO, "index %s: rename: %s", path, strerror(errno));
	if (r < 0)
		fm_tmpfile_discard(tmp);
	free(tmp);
	free(buf);
	return r;
}

/* Whether elements [0, n) of p (size es) are all equal. */
static int is_constant(const unsigned char *p, size_t es, uint64_t n)
{
#define CONST_LOOP(T) do { \
		const T *v = (const T *)(const void *)p; \
		for (uint64_t i = 1; i < n; i++) \
			if (v[i] != v[0]) \
				return 0; \
	} while (0)
	switch (es) {
	case 1: CONST_LOOP(uint8_t); break;
	case 2: CONST_LOOP(uint16_t); break;
	case 4: CONST_LOOP(uint32_t); break;
	default: CONST_LOOP(uint64_t); break;
	}
#undef CONST_LOOP
	return 1;
}

/*
 * Random reads through the index are dominated by TLB misses on 4 KiB
 * pages of the file mapping, so a column that is not too large is first
 * copied (sequentially) into an anonymous buffer backed by transparent
 * huge pages where the kernel allows it, and gathered from there.
 */
#define STAGE_MAX ((size_t)1 << 31)
#define HUGE_ALIGN ((size_t)2 << 20)

struct stage {
	unsigned char *p;          /* big_alloc */
	size_t size;
};

/*
 * Records [first, first + n) of column s: read into the stage when they fit
 * (read() copies from the page cache without mapping the file's pages one
 * fault at a time, and the gathers then run on huge pages), else the
 * mapping itself.
 */
static const unsigned char *column_data(struct stage *st, const struct sarray *s,
					uint64_t first, uint64_t n, int *constant)
{
	const unsigned char *base = s->map ? s->map + first * s->esize : NULL;
	size_t len = (size_t)n * s->esize, done = 0, checked = 0;
	off_t off = (off_t)(first * s->esize);
	int fd;

	*constant = -1;   /* unknown */
	if (!base || len > STAGE_MAX || len < HUGE_ALIGN)
		return base;
	if (st->size < len) {
		big_free(st->p);
		st->p = big_alloc(len);
		st->size = st->p ? len : 0;
		if (!st->p)
			return base;
	}
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return base;
	/* read in pieces and check whether the column is constant while each
	 * piece is still in the cache */
	*constant = 1;
	while (done < len) {
		size_t want = len - done < ((size_t)1 << 20) ? len - done : (size_t)1 << 20;
		ssize_t k = pread(fd, st->p + done, want, off + (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
		if (*constant) {
			size_t upto = done - done % s->esize;
			if (upto > checked &&
			    (!is_constant(st->p + checked, s->esize, (upto - checked) / s->esize) ||
			     memcmp(st->p + checked, st->p, s->esize)))
				*constant = 0;
			checked = upto;
		}
	}
	close(fd);
	if (done == len)
		return st->p;
	*constant = -1;
	return base;
}

/* Write column s (its records at base, NULL = zeros) permuted by perm into fd. */
static int write_permuted(int fd, const struct sarray *s, const unsigned char *base,
			  const uint64_t *perm, uint64_t n, int constant,
			  unsigned char *buf, struct fm_error *err)
{
	size_t es = s->esize;

	if (constant && n) {
		/* an all-zero column (e.g. sa0..sa2 of IPv4 data) becomes a
		 * sparse file: the same bytes, nothing to write */
		static const unsigned char zero[8];
		if (!base || !memcmp(base, zero, es)) {
			if (ftruncate(fd, (off_t)(n * es)) < 0)
				return fm_error_set(err, FM_EIO, "%s: %s", s->path,
						    strerror(errno));
			return 0;
		}
	}
	for (uint64_t i = 0; i < n; i += CHUNK) {
		uint64_t k = n - i < CHUNK ? n - i : CHUNK;
		const uint64_t *pp = perm + i;
		if (constant) {
			if (i == 0)
				for (uint64_t j = 0; j < k; j++)
					memcpy(buf + j * es, base, es);
		} else {
			switch (es) {
			case 1:
				for (uint64_t j = 0; j < k; j++)
					buf[j] = base[pp[j]];
				break;
			case 2: {
				uint16_t *d = (uint16_t *)(void *)buf;
				const uint16_t *sp = (const uint16_t *)(const void *)base;
				for (uint64_t j = 0; j < k; j++)
					d[j] = sp[pp[j]];
				break;
			}
			case 4: {
				uint32_t *d = (uint32_t *)(void *)buf;
				const uint32_t *sp = (const uint32_t *)(const void *)base;
				for (uint64_t j = 0; j < k; j++)
					d[j] = sp[pp[j]];
				break;
			}
			default: {
				uint64_t *d = (uint64_t *)(void *)buf;
				const uint64_t *sp = (const uint64_t *)(const void *)base;
				for (uint64_t j = 0; j < k; j++)
					d[j] = sp[pp[j]];
				break;
			}
			}
		}
		if (fm_write_all(fd, buf, k * es) < 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s", s->path,
					    strerror(errno));
	}
	return 0;
}

static int same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int fm_sort_binary(const char *input, const char *output,
		   const struct fm_sort_opts *o, struct fm_sort_result *res,
		   struct fm_error *err)
{
	struct sarray arr[FM_NFIELDS];
	size_t narr = 0;
	uint64_t total = 0, first, end, n;
	uint64_t *perm = NULL;
	struct kcol kc[64];
	char *tmp[FM_NFIELDS] = { NULL };
	char *tmpdir = NULL;
	const char *wd = output;
	unsigned char *buf = NULL;
	struct stage stage = { NULL, 0 };
	int in_place, keep[FM_NFIELDS] = { 0 };
	char ipath[PATH_MAX] = "", icode = 0;
	struct fm_sort_result rs;
	int r;

	memset(&rs, 0, sizeof(rs));
	memset(arr, 0, sizeof(arr));
	if (o->nkeys > 64)
		return fm_error_set(err, FM_EINVAL, "too many key fields (%zu, at most 64)",
				    o->nkeys);
	r = list_fields(input, arr, &narr, &total, err);
	if (r < 0)
		return r;
	{
		uint64_t si = o->skip_in > 0 ? (uint64_t)o->skip_in : 0;
		uint64_t ci = o->count_in > 0 ? (uint64_t)o->count_in : 0;
		first = si < total ? si : total;
		end = ci < total - first ? first + ci : total;
		n = end - first;
	}
	for (size_t k = 0; k < narr; k++) {
		r = map_file(arr[k].path, &arr[k].map, &arr[k].maplen, err);
		if (r < 0)
			goto out;
	}

	/* the index: reuse or build */
	if (o->index_file) {
		r = find_index(o->index_file, ipath, sizeof(ipath), &icode, err);
		if (r < 0)
			goto out;
	}
	if (icode) {
		r = load_index(ipath, icode, n, &perm, err);
		if (r < 0)
			goto out;
		rs.index_reused = 1;
	} else {
		if (o->nkeys == 0) {
			r = fm_error_set(err, FM_EINVAL,
					 o->index_file ? "no key fields given (-k FIELD...) and no index file %s.{B,H,I,Q} to reuse"
						       : "no key fields given (-k FIELD...)%s",
					 o->index_file ? o->index_file : "");
			goto out;
		}
		memset(kc, 0, sizeof(kc));
		for (size_t k = 0; k < o->nkeys; k++) {
			int f = o->keys[k];
			if (f < 0 || f >= FM_NFIELDS) {
				r = fm_error_set(err, FM_EINVAL, "bad key field %d", f);
				goto out;
			}
			for (size_t j = 0; j < narr; j++)
				if (arr[j].field == f && arr[j].map) {
					kc[k].p = arr[j].map + first * arr[j].esize;
					kc[k].code = arr[j].code;
				}
			if (!kc[k].code) {
				fm_warn(o->log, "%s: no file for key field '%s': it reads as 0",
					input, fm_field_name(f));
				kc[k].code = 'Q';
			}
		}
		uint64_t *spare = NULL;
		r = build_perm(kc, o->nkeys, n, &perm, &spare, o->progress, err);
		if (spare) {
			/* already faulted in: the gather stage reuses it */
			stage.p = (unsigned char *)spare;
			stage.size = (size_t)n * sizeof(uint64_t);
		}
		if (r < 0)
			goto out;
		if (o->reverse)
			for (uint64_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
				uint64_t t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
		if (o->index_file) {
			snprintf(ipath, sizeof(ipath), "%s.%c", o->index_file,
				 fm_sort_index_code(n));
			r = save_index(ipath, fm_sort_index_code(n), perm, n, err);
			if (r < 0)
				goto out;
		}
	}
	snprintf(rs.index_path, sizeof(rs.index_path), "%s", ipath);

	/* where the output goes */
	in_place = same_dir(input, output);
	if (!in_place) {
		struct stat st;
		if (stat(output, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				r = fm_error_set(err, FM_EINVAL, "%s: exists and is not a directory",
						 output);
				goto out;
			}
		} else {
			size_t l = strlen(output);
			while (l > 1 && output[l - 1] == '/')
				l--;
			tmpdir = malloc(l + 32);
			if (!tmpdir) {
				r = fm_error_set(err, FM_ENOMEM, "out of memory");
				goto out;
			}
			snprintf(tmpdir, l + 32, "%.*s.tmp.XXXXXX", (int)l, output);
			if (!mkdtemp(tmpdir)) {
				r = fm_error_set(err, FM_EIO, "%s: cannot create: %s", output,
						 strerror(errno));
				free(tmpdir);
				tmpdir = NULL;
				goto out;
			}
			chmod(tmpdir, 0755);
			wd = tmpdir;
		}
	}
	buf = malloc(CHUNK * 8);
	if (!buf) {
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < narr; k++) {
		struct sarray *s = &arr[k];
		int constant;
		const unsigned char *base = column_data(&stage, s, first, n, &constant);
		if (constant < 0)
			constant = n == 0 || (base && is_constant(base, s->esize, n));
		char path[PATH_MAX];
		int fd;

		if (in_place && constant && n == total) {
			keep[k] = 1;   /* the file already is its own permutation */
			continue;
		}
		if (s->map && base == s->map + first * s->esize)
			madvise((void *)s->map, s->maplen, constant ? MADV_SEQUENTIAL : MADV_WILLNEED);
		snprintf(path, sizeof(path), "%s/%s.%c", wd, fm_field_name(s->field), s->code);
		r = fm_tmpfile_beside(path, &tmp[k], &fd, err);
		if (r < 0)
			goto out;
		r = write_permuted(fd, s, base, perm, n, constant, buf, err);
		if (close(fd) < 0 && r == 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
		unmap(s);   /* keep only one column's pages mapped at a time */
		if (r < 0)
			goto out;
		if (fm_progress_report(o->progress, k + 1, narr)) {
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
			goto out;
		}
	}
	/* every file is complete: move them into place */
	for (size_t k = 0; k < narr; k++) {
		char path[PATH_MAX];
		if (keep[k])
			continue;
		snprintf(path, sizeof(path), "%s/%s.%c", wd, fm_field_name(arr[k].field),
			 arr[k].code);
		if (fm_tmpfile_commit(tmp[k], path) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: rename: %s", path, strerror(errno));
			goto out;
		}
		free(tmp[k]);
		tmp[k] = NULL;
		/* a field has one file: drop the output's files of other codes */
		for (const char *c = all_codes; *c; c++) {
			if (*c == arr[k].code)
				continue;
			snprintf(path, sizeof(path), "%s/%s.%c", wd,
				 fm_field_name(arr[k].field), *c);
			unlink(path);
		}
	}
	if (tmpdir) {
		if (rename(tmpdir, output) < 0) {
			r = fm_error_set(err, FM_EIO, "%s: rename: %s", output, strerror(errno));
			goto out;
		}
		free(tmpdir);
		tmpdir = NULL;
	}
	rs.records = n;
	rs.arrays = narr;
	if (res)
		*res = rs;
out:
	for (size_t k = 0; k < FM_NFIELDS; k++) {
		if (tmp[k]) {
			fm_tmpfile_discard(tmp[k]);
			free(tmp[k]);
		}
		unmap(&arr[k]);
	}
	if (tmpdir) {
		rmdir(tmpdir);
		free(tmpdir);
	}
	big_free(stage.p);
	free(buf);
	big_free(perm);
	return r;
}
