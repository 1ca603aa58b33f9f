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
 *    pass).  A first pass over the key columns finds their ranges and
 *    whether the records are already in key order (then nothing is
 *    sorted); a counting pass per key group gives every digit's histogram
 *    and tells whether the group is in order (then it is not sorted);
 *    digits that are the same in every record are skipped.  The first pass computes the words from the key columns
 *    in cache-sized blocks and the last writes the permutation itself, so
 *    no array of packed keys is ever materialised: on this kind of machine
 *    fresh memory is what costs (the kernel zeroes and faults it in).  A
 *    key too wide to share a word with the position is sorted as (key,
 *    position) pairs.  The packed passes are shared by up to 4 threads,
 *    each taking an equal part of the records.  LSD passes are stable, so ties keep input order;
 *    --reverse flips the final order.  The permutation has 4-byte entries
 *    up to 2^32 records, else 8; the input order is kept as "identity".
 * 3. Each field array is then permuted on its own, by up to 4 threads
 *    taking the columns largest first: the first thread reads its input
 *    into a reused staging buffer (the others, and columns under 2 MiB or
 *    over 2 GiB, use the memory map), gathers it through the index in
 *    chunks and writes a temporary file.  A column whose values are all equal is written
 *    without gathering (and left untouched when sorting a whole directory
 *    in place); with the identity, columns are copied by the kernel
 *    (copy_file_range) or, in place, left alone.  Every file is renamed
 *    into place only when all are done.
 * Memory: 12 bytes per record while a two-pass index is built (up to 20,
 * or 48 for a very wide key), then the index (4 bytes per record) plus
 * one staging buffer of up to 8 bytes per record, plus chunks.
 */
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
#include <unistd.h>

#include "flowmodels/sort.h"
#include "flowmodels/inflight.h"
#include "bigmem.h"
#include "io-int.h"

static const char all_codes[] = "bBhHiIlLqQfd";

#define DIGIT 11
#define NBUCKET (1u << DIGIT)
#define DIGIT_MAX 12
#define NPASS_MAX ((64 + DIGIT - 1) / DIGIT)
#define CHUNK 65536
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

static inline __attribute__((always_inline)) uint64_t map_key(const unsigned char *p, char code, uint64_t r)
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

/*
 * X(code) for every code map_key reads: switches that compile a loop once
 * per code (map_key then inlined with a constant code) list them so.
 */
#define FOR_EACH_CODE(X) \
	X('B') X('b') X('H') X('h') X('I') X('i') \
	X('L') X('Q') X('l') X('q') X('f') X('d')

static int bit_width(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

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
 * The permutation (output record j is input record perm[j]): 4-byte
 * entries when every index fits (up to 2^32 records), else 8, which halves
 * the memory it takes and that every column's gather reads.  p == NULL is
 * the identity: the input is already in order and nothing needs gathering.
 */
struct perm {
	void *p;        /* fm_big_alloc: n entries (in a buffer of n 8-byte words) */
	int wide;       /* entries are uint64_t, else uint32_t */
};

static int perm_wide(uint64_t n, int force_wide)
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

/*
 * Records are taken in blocks small enough to stay in the cache: the key
 * words of a block are computed from the key columns (through the current
 * order) each time a pass needs them, never stored for all records.
 */
#define BLOCK 2048

/*
 * blk[j] = keys lo..hi that vary (each less its minimum), packed with the
 * first key highest, of the record at position i + j of the current order
 * old, for j < k.
 */
static void key_block(uint64_t *blk, const struct kcol *kc, size_t lo, size_t hi,
		      const struct perm *old, uint64_t i, uint64_t k)
{
	int first = 1;

	for (size_t q = lo; q <= hi; q++) {
		const struct kcol *c = &kc[q];
		if (!c->bits)
			continue;
		const int sh = first ? 0 : c->bits;   /* < 64 when packing */
		const uint64_t mn = c->min;
		const unsigned char *p = c->p;
#define KEY_LOOP(CODE, IDX) \
		if (first) { for (uint64_t j = 0; j < k; j++) blk[j] = map_key(p, CODE, IDX) - mn; } \
		else { for (uint64_t j = 0; j < k; j++) blk[j] = (blk[j] << sh) | (map_key(p, CODE, IDX) - mn); }
#define KEY_CODE(CODE) case CODE: \
		if (!old->p) { KEY_LOOP(CODE, i + j) } \
		else if (old->wide) { KEY_LOOP(CODE, ((const uint64_t *)old->p)[i + j]) } \
		else { KEY_LOOP(CODE, ((const uint32_t *)old->p)[i + j]) } \
		break;
		switch (c->code) {
		FOR_EACH_CODE(KEY_CODE)
		}
#undef KEY_CODE
#undef KEY_LOOP
		first = 0;
	}
}

/*
 * The buffers of a permutation build: three of n 8-byte words, mapped
 * lazily (one that no pass writes costs nothing).  At most one holds the
 * current order; the others take the radix words and the next order.
 */
struct pbuf {
	uint64_t *b[3];
	size_t size;            /* bytes each */
	int touched[3];         /* written: 1 in part, 2 whole */
};

static uint64_t *pbuf_get(struct pbuf *pb, int i)
{
	if (!pb->b[i])
		pb->b[i] = fm_big_alloc(pb->size);
	return pb->b[i];
}

/* Two buffer indices other than cur (-1: none). */
static void pbuf_others(int cur, int *x, int *y)
{
	*x = cur == 0 ? 1 : 0;
	*y = cur == 2 || cur < 0 ? 1 : 2;
}

/* out[d] = v, in the permutation's entry width. */
#define PERM_PUT(out, wide, d, v) do { \
		if (wide) ((uint64_t *)(out))[d] = (v); \
		else ((uint32_t *)(out))[d] = (uint32_t)(v); \
	} while (0)

/*
 * Stable LSD radix sort of the current order (*cur: the buffer holding it,
 * -1 for the identity) by the keys lo..hi packed into sum bits.  Words are
 * (key << posbits | position); the first pass computes them from the key
 * columns, the last one writes the new order (old[position]) straight into
 * a free buffer, so 2 passes write one word buffer and half of another.
 * Digits of up to DIGIT_MAX bits, constant digits skipped; a group already
 * in order (checked while the digits are counted) leaves *cur as it is.
 *
 * Every pass is split among nthr threads by source position (parts of
 * equal size).  Part t writes its records of digit d after those of parts
 * before it, so the passes stay stable; the offsets come from per-part
 * histograms: of the counting pass for the first sort pass, and for each
 * later pass counted by the previous one as it writes (by the part of the
 * destination position each word lands in).
 */
#define RX_PARTS THREADS_MAX

struct rx_job;

struct rx_part {
	struct rx_job *job;
	uint64_t from, to;          /* source positions of this part */
	uint64_t *cnt;              /* [pass][digit]: counts, then offsets */
	uint64_t *nxt;              /* [part][digit]: the next pass's counts */
	uint64_t *blk;              /* BLOCK key words */
	uint64_t down;              /* keys out of order (with the record before) */
};

struct rx_job {
	const struct kcol *kc;
	size_t lo, hi;
	struct perm old;
	uint64_t n, mask, posmask;
	int posbits, passes, w, wide, nthr;
	uint64_t bound[RX_PARTS + 1];
	/* the pass being run */
	int t, last, digit, next_digit;
	const uint64_t *src;
	void *dst;
	struct rx_part part[RX_PARTS];
};

/* The part of destination position d. */
static inline int rx_part_of(const struct rx_job *job, uint64_t d)
{
	int h = 0;

	while (h + 1 < job->nthr && d >= job->bound[h + 1])
		h++;
	return h;
}

static void *rx_count(void *arg)
{
	struct rx_part *pt = arg;
	const struct rx_job *job = pt->job;
	uint64_t prev = 0, down = 0;

	if (pt->from > 0 && pt->from < pt->to) {
		key_block(pt->blk, job->kc, job->lo, job->hi, &job->old, pt->from - 1, 1);
		prev = pt->blk[0];
	}
	for (uint64_t i = pt->from; i < pt->to; i += BLOCK) {
		uint64_t k = pt->to - i < BLOCK ? pt->to - i : BLOCK;
		key_block(pt->blk, job->kc, job->lo, job->hi, &job->old, i, k);
		for (uint64_t j = 0; j < k; j++) {
			uint64_t v = pt->blk[j];
			down |= v < prev;
			prev = v;
			radix_count(pt->cnt, v, job->passes, job->w);
		}
	}
	pt->down = down;
	return NULL;
}

static void *rx_scatter(void *arg)
{
	struct rx_part *pt = arg;
	const struct rx_job *job = pt->job;
	uint64_t *c = pt->cnt + ((size_t)job->digit << job->w);
	const uint64_t mask = job->mask, posmask = job->posmask;
	const int posbits = job->posbits, wide = job->wide;
	const int ns = posbits + job->next_digit * job->w;
	const int multi = job->nthr > 1;
	uint64_t *dst = job->dst;

	/* the destination positions' parts, for the next pass's counts */
#define RX_NEXT(d, v) do { \
		if (!job->last) \
			pt->nxt[((size_t)(multi ? rx_part_of(job, d) : 0) << job->w) + \
				(((v) >> ns) & mask)]++; \
	} while (0)
	if (job->t == 0) {
		const int s = job->digit * job->w;
		for (uint64_t i = pt->from; i < pt->to; i += BLOCK) {
			uint64_t k = pt->to - i < BLOCK ? pt->to - i : BLOCK;
			const uint64_t *blk = pt->blk;
			key_block(pt->blk, job->kc, job->lo, job->hi, &job->old, i, k);
			if (!job->last) {
				for (uint64_t j = 0; j < k; j++) {
					uint64_t v = (blk[j] << posbits) | (i + j);
					uint64_t d = c[(blk[j] >> s) & mask]++;
					dst[d] = v;
					RX_NEXT(d, v);
				}
			} else if (!job->old.p) {
				for (uint64_t j = 0; j < k; j++)
					PERM_PUT(dst, wide, c[(blk[j] >> s) & mask]++, i + j);
			} else {
				for (uint64_t j = 0; j < k; j++)
					PERM_PUT(dst, wide, c[(blk[j] >> s) & mask]++,
						 perm_at(&job->old, i + j));
			}
		}
	} else {
		const int s = posbits + job->digit * job->w;
		const uint64_t *src = job->src;
		if (!job->last) {
			for (uint64_t i = pt->from; i < pt->to; i++) {
				uint64_t v = src[i];
				uint64_t d = c[(v >> s) & mask]++;
				dst[d] = v;
				RX_NEXT(d, v);
			}
		} else if (!job->old.p) {
			for (uint64_t i = pt->from; i < pt->to; i++) {
				uint64_t v = src[i];
				PERM_PUT(dst, wide, c[(v >> s) & mask]++, v & posmask);
			}
		} else {
			for (uint64_t i = pt->from; i < pt->to; i++) {
				uint64_t v = src[i];
				PERM_PUT(dst, wide, c[(v >> s) & mask]++,
					 perm_at(&job->old, v & posmask));
			}
		}
	}
#undef RX_NEXT
	return NULL;
}

/* Run fn on every part: the calling thread takes part 0 (and any part
 * whose thread could not be started). */
static void rx_run(struct rx_job *job, void *(*fn)(void *))
{
	pthread_t th[RX_PARTS];
	int started[RX_PARTS] = { 0 };

	for (int t = 1; t < job->nthr; t++)
		started[t] = pthread_create(&th[t], NULL, fn, &job->part[t]) == 0;
	fn(&job->part[0]);
	for (int t = 1; t < job->nthr; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			fn(&job->part[t]);
	}
}

/* Offsets of pass p: digit by digit, part by part (stable). */
static void rx_offsets(struct rx_job *job, int p)
{
	const size_t nb = (size_t)1 << job->w;
	uint64_t run = 0;

	for (size_t d = 0; d < nb; d++)
		for (int t = 0; t < job->nthr; t++) {
			uint64_t *c = job->part[t].cnt + ((size_t)p << job->w) + d;
			uint64_t k = *c;
			*c = run;
			run += k;
		}
}

static int sort_packed(const struct kcol *kc, size_t lo, size_t hi, int sum,
		       uint64_t n, int posbits, int wide, int nthr, struct pbuf *pb,
		       int *cur, struct rx_part *parts)
{
	struct rx_job job;
	int act[NPASS_MAX], m = 0, x, y;
	uint64_t down = 0;

	memset(&job, 0, sizeof(job));
	job.kc = kc;
	job.lo = lo;
	job.hi = hi;
	job.old.p = *cur < 0 ? NULL : pb->b[*cur];
	job.old.wide = wide;
	job.n = n;
	job.posbits = posbits;
	job.posmask = posbits == 64 ? UINT64_MAX : (UINT64_C(1) << posbits) - 1;
	job.wide = wide;
	radix_plan(sum, &job.passes, &job.w);
	job.mask = ((uint64_t)1 << job.w) - 1;
	if ((uint64_t)nthr > n / BLOCK)
		nthr = n / BLOCK > 1 ? (int)(n / BLOCK) : 1;
	job.nthr = nthr;
	const size_t nb = (size_t)1 << job.w;
	for (int t = 0; t <= nthr; t++)
		job.bound[t] = n / (uint64_t)nthr * (uint64_t)t + (t == nthr ? n % (uint64_t)nthr : 0);
	for (int t = 0; t < nthr; t++) {
		job.part[t] = parts[t];
		job.part[t].job = &job;
		job.part[t].from = job.bound[t];
		job.part[t].to = job.bound[t + 1];
		memset(job.part[t].cnt, 0, ((size_t)job.passes << job.w) * sizeof(uint64_t));
	}
	rx_run(&job, rx_count);
	for (int t = 0; t < nthr; t++)
		down |= job.part[t].down;
	if (!down)
		return 0;   /* already in order: the stable sort keeps it */
	for (int p = 0; p < job.passes; p++) {
		int constant = 0;
		for (size_t d = 0; d < nb && !constant; d++) {
			uint64_t k = 0;
			for (int t = 0; t < nthr; t++)
				k += job.part[t].cnt[((size_t)p << job.w) + d];
			constant = k == n;
		}
		if (!constant)
			act[m++] = p;
	}
	/* m >= 1: keys out of order have a digit that varies */
	pbuf_others(*cur, &x, &y);
	if (!pbuf_get(pb, x) || (m > 1 && !pbuf_get(pb, y)))
		return FM_ENOMEM;
	/* pass t writes buffer x when t is even, y when odd, and reads the
	 * previous pass's; the last one writes the new order */
	for (int t = 0; t < m; t++) {
		const int dsti = t % 2 ? y : x;
		job.t = t;
		job.last = t == m - 1;
		job.digit = act[t];
		job.next_digit = job.last ? 0 : act[t + 1];
		job.dst = pb->b[dsti];
		job.src = pb->b[t % 2 ? x : y];
		if (t > 0) {
			/* this pass's counts per source part: what the last pass
			 * counted for each destination part */
			for (int h = 0; h < nthr; h++) {
				uint64_t *c = job.part[h].cnt + ((size_t)act[t] << job.w);
				memset(c, 0, nb * sizeof(*c));
				for (int q = 0; q < nthr; q++)
					for (size_t d = 0; d < nb; d++)
						c[d] += job.part[q].nxt[((size_t)h << job.w) + d];
			}
		}
		rx_offsets(&job, act[t]);
		for (int q = 0; q < nthr; q++)
			memset(job.part[q].nxt, 0, ((size_t)nthr << job.w) * sizeof(uint64_t));
		rx_run(&job, rx_scatter);
		if (!job.last || wide)
			pb->touched[dsti] = 2;
		else if (!pb->touched[dsti])
			pb->touched[dsti] = 1;
		if (job.last)
			*cur = dsti;
	}
	return 0;
}

/*
 * A key too wide to share a word with the position (key group q): stable
 * LSD radix sort of (key, position) pairs, then the new order into a free
 * buffer.  A key already in order leaves *cur as it is.
 */
static int sort_wide(const struct kcol *kc, size_t q, uint64_t n, int wide,
		     struct pbuf *pb, int *cur, uint64_t *count, uint64_t *blk)
{
	const struct perm old = { *cur < 0 ? NULL : pb->b[*cur], wide };
	struct pair *pa, *pt;
	uint64_t prev = 0, down = 0;
	int x, y;

	for (uint64_t i = 0; i < n; i += BLOCK) {
		uint64_t k = n - i < BLOCK ? n - i : BLOCK;
		key_block(blk, kc, q, q, &old, i, k);
		for (uint64_t j = 0; j < k; j++) {
			down |= blk[j] < prev;
			prev = blk[j];
		}
	}
	if (!down)
		return 0;
	pbuf_others(*cur, &x, &y);
	pa = fm_big_alloc(n * sizeof(*pa));
	pt = fm_big_alloc(n * sizeof(*pt));
	if (!pa || !pt || !pbuf_get(pb, x)) {
		fm_big_free(pa);
		fm_big_free(pt);
		return FM_ENOMEM;
	}
	for (uint64_t i = 0; i < n; i += BLOCK) {
		uint64_t k = n - i < BLOCK ? n - i : BLOCK;
		key_block(blk, kc, q, q, &old, i, k);
		for (uint64_t j = 0; j < k; j++) {
			pa[i + j].k = blk[j];
			pa[i + j].p = i + j;
		}
	}
	radix_pairs(&pa, &pt, n, count);
	for (uint64_t i = 0; i < n; i++)
		PERM_PUT(pb->b[x], wide, i, perm_at(&old, pa[i].p));
	pb->touched[x] = wide ? 2 : (pb->touched[x] ? pb->touched[x] : 1);
	*cur = x;
	fm_big_free(pa);
	fm_big_free(pt);
	return 0;
}

/*
 * The first pass over the key columns, an equal part of the records per
 * thread: every key's value range, and whether the records are already in
 * key order (each record's keys, compared in order, not below the
 * previous record's), in which case nothing needs sorting at all.
 */
#define SCAN_BLOCK 512
#define NKEYS_MAX 64

struct scan_part {
	const struct kcol *kc;
	size_t nkeys;
	uint64_t from, to;
	uint64_t *vals;             /* [key][SCAN_BLOCK]; then the previous record */
	uint64_t min[NKEYS_MAX], max[NKEYS_MAX];
	int down;
};

/* vals[j] = mapped key c of record i + j, j < k; the range updated. */
static void scan_key(const struct kcol *c, uint64_t i, uint64_t k, uint64_t *vals,
		     uint64_t *min, uint64_t *max)
{
	uint64_t mn = *min, mx = *max;

	if (!c->p) {
		memset(vals, 0, k * sizeof(*vals));
		mn = 0;
		mx = mx > 0 ? mx : 0;
	} else {
#define SCAN(CODE) case CODE: \
		for (uint64_t j = 0; j < k; j++) { \
			uint64_t v = map_key(c->p, CODE, i + j); \
			vals[j] = v; \
			mn = v < mn ? v : mn; \
			mx = v > mx ? v : mx; \
		} \
		break;
		switch (c->code) {
		FOR_EACH_CODE(SCAN)
		}
#undef SCAN
	}
	*min = mn;
	*max = mx;
}

static void *scan_run(void *arg)
{
	struct scan_part *sp = arg;
	const size_t nk = sp->nkeys;
	uint64_t *prev = sp->vals + nk * SCAN_BLOCK;
	int down = 0, have = 0;

	for (size_t q = 0; q < nk; q++) {
		sp->min[q] = UINT64_MAX;
		sp->max[q] = 0;
	}
	if (sp->from > 0 && sp->from < sp->to) {
		/* the record before this part */
		uint64_t mn = UINT64_MAX, mx = 0;
		for (size_t q = 0; q < nk; q++)
			scan_key(&sp->kc[q], sp->from - 1, 1, prev + q, &mn, &mx);
		have = 1;
	}
	for (uint64_t i = sp->from; i < sp->to; i += SCAN_BLOCK) {
		uint64_t k = sp->to - i < SCAN_BLOCK ? sp->to - i : SCAN_BLOCK;
		for (size_t q = 0; q < nk; q++)
			scan_key(&sp->kc[q], i, k, sp->vals + q * SCAN_BLOCK, &sp->min[q],
				 &sp->max[q]);
		if (down)
			continue;   /* only the ranges are left to find */
		/* record j against j - 1 (the first against the previous block) */
		const uint64_t *v0 = sp->vals, *v1 = sp->vals + SCAN_BLOCK;
		if (have)
			for (size_t q = 0; q < nk; q++)
				if (prev[q] != v0[q * SCAN_BLOCK]) {
					down = v0[q * SCAN_BLOCK] < prev[q];
					break;
				}
		if (nk == 1) {
			uint64_t d = 0;
			for (uint64_t j = 1; j < k; j++)
				d |= v0[j] < v0[j - 1];
			down |= d != 0;
		} else if (nk == 2) {
			uint64_t d = 0;
			for (uint64_t j = 1; j < k; j++)
				d |= (v0[j] < v0[j - 1]) |
				     ((v0[j] == v0[j - 1]) & (v1[j] < v1[j - 1]));
			down |= d != 0;
		} else {
			for (uint64_t j = 1; j < k && !down; j++)
				for (size_t q = 0; q < nk; q++) {
					uint64_t a = sp->vals[q * SCAN_BLOCK + j - 1];
					uint64_t b = sp->vals[q * SCAN_BLOCK + j];
					if (a != b) {
						down = b < a;
						break;
					}
				}
		}
		for (size_t q = 0; q < nk; q++)
			prev[q] = sp->vals[q * SCAN_BLOCK + k - 1];
		have = 1;
	}
	sp->down = down;
	return NULL;
}

/*
 * The key ranges of records [0, n) into kc[].min, max, bits, with nthr
 * threads; *in_order: the records are in key order already.  Returns 0 or
 * FM_ENOMEM.
 */
static int scan_keys(struct kcol *kc, size_t nkeys, uint64_t n, int nthr, int *in_order)
{
	struct scan_part *sp;
	pthread_t th[THREADS_MAX];
	int started[THREADS_MAX] = { 0 }, r = 0;

	if ((uint64_t)nthr > n / SCAN_BLOCK)
		nthr = n / SCAN_BLOCK > 1 ? (int)(n / SCAN_BLOCK) : 1;
	if (nthr > THREADS_MAX)
		nthr = THREADS_MAX;
	sp = calloc((size_t)nthr, sizeof(*sp));
	if (!sp)
		return FM_ENOMEM;
	for (int t = 0; t < nthr; t++) {
		sp[t].kc = kc;
		sp[t].nkeys = nkeys;
		sp[t].from = n / (uint64_t)nthr * (uint64_t)t;
		sp[t].to = t == nthr - 1 ? n : n / (uint64_t)nthr * (uint64_t)(t + 1);
		sp[t].vals = malloc((nkeys + 1) * SCAN_BLOCK * sizeof(uint64_t));
		if (!sp[t].vals)
			r = FM_ENOMEM;
	}
	if (r == 0) {
		for (int t = 1; t < nthr; t++)
			started[t] = pthread_create(&th[t], NULL, scan_run, &sp[t]) == 0;
		scan_run(&sp[0]);
		for (int t = 1; t < nthr; t++) {
			if (started[t])
				pthread_join(th[t], NULL);
			else
				scan_run(&sp[t]);
		}
		*in_order = 1;
		for (size_t q = 0; q < nkeys; q++) {
			uint64_t mn = UINT64_MAX, mx = 0;
			for (int t = 0; t < nthr; t++) {
				mn = sp[t].min[q] < mn ? sp[t].min[q] : mn;
				mx = sp[t].max[q] > mx ? sp[t].max[q] : mx;
			}
			if (n == 0)
				mn = mx = 0;
			kc[q].min = mn;
			kc[q].max = mx;
			kc[q].bits = bit_width(mx - mn);
		}
		for (int t = 0; t < nthr; t++)
			if (sp[t].down)
				*in_order = 0;
	}
	for (int t = 0; t < nthr; t++)
		free(sp[t].vals);
	free(sp);
	return r;
}

/* How many threads sort and permute (threads: 0 = automatic). */
static int column_threads(int threads, uint64_t n, size_t narr)
{
	long cpus;

	if (threads <= 0) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < THREADS_MIN_RECORDS ? 1 : cpus > 0 ? (int)cpus : 1;
	}
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	if ((size_t)threads > narr)
		threads = narr ? (int)narr : 1;
	return threads;
}

/*
 * The stable ascending permutation of n records by the key columns, in
 * *out (out->p NULL: the input order).  Keys are sorted last first, each
 * group of adjacent keys that fit one word together (sort_packed), a very
 * wide key alone (sort_wide).  When spare is not NULL it receives a free
 * buffer of n 8-byte words, faulted in by a pass if one was, that the
 * caller may reuse (fm_big_free), or NULL.
 */
static int build_perm(struct kcol *kc, size_t nkeys, uint64_t n, int force_wide,
		      int nthr, struct perm *out, uint64_t **spare,
		      const struct fm_progress *progress, struct fm_error *err)
{
	struct pbuf pb;
	struct rx_part parts[RX_PARTS];
	const int posbits = bit_width(n > 1 ? n - 1 : 1), wide = perm_wide(n, force_wide);
	int cur = -1, r = 0;

	memset(&pb, 0, sizeof(pb));
	pb.size = (size_t)(n ? n : 1) * sizeof(uint64_t);
	out->p = NULL;
	out->wide = wide;
	if (spare)
		*spare = NULL;
	memset(parts, 0, sizeof(parts));
	if (nthr < 1)
		nthr = 1;
	if (nthr > RX_PARTS)
		nthr = RX_PARTS;
	for (int t = 0; t < nthr; t++) {
		parts[t].cnt = malloc((size_t)NPASS_MAX * ((size_t)1 << DIGIT_MAX) * sizeof(uint64_t));
		parts[t].nxt = malloc((size_t)RX_PARTS * ((size_t)1 << DIGIT_MAX) * sizeof(uint64_t));
		parts[t].blk = malloc(BLOCK * sizeof(uint64_t));
		if (!parts[t].cnt || !parts[t].nxt || !parts[t].blk)
			goto oom;
	}
	/* value ranges; keys already in order need no sort at all */
	int in_order = 0;
	if (scan_keys(kc, nkeys, n, nthr, &in_order) < 0)
		goto oom;
	const int room = 64 - posbits;
	for (size_t hi = in_order ? 0 : nkeys; hi-- > 0;) {
		if (kc[hi].bits == 0)
			continue;
		if (fm_progress_report(progress, nkeys - hi, nkeys)) {
			r = fm_error_set(err, FM_ECANCEL, "cancelled");
			goto out;
		}
		if (kc[hi].bits > room) {
			r = sort_wide(kc, hi, n, wide, &pb, &cur, parts[0].cnt, parts[0].blk);
		} else {
			/* keys lo..hi that fit one word with the position */
			size_t lo = hi;
			int sum = kc[hi].bits;
			while (lo > 0 && sum + kc[lo - 1].bits <= room) {
				lo--;
				sum += kc[lo].bits;
			}
			r = sort_packed(kc, lo, hi, sum, n, posbits, wide, nthr, &pb, &cur, parts);
			hi = lo;
		}
		if (r < 0)
			goto oom;
	}
	if (cur >= 0) {
		out->p = pb.b[cur];
		pb.b[cur] = NULL;
	}
	if (spare) {
		int best = -1;
		for (int i = 0; i < 3; i++)
			if (pb.b[i] && (best < 0 || pb.touched[i] > pb.touched[best]))
				best = i;
		if (best >= 0) {
			*spare = pb.b[best];
			pb.b[best] = NULL;
		}
	}
	goto out;
oom:
	r = fm_error_set(err, FM_ENOMEM, "out of memory for the sort index of %llu records",
			 (unsigned long long)n);
out:
	for (int i = 0; i < 3; i++)
		fm_big_free(pb.b[i]);
	for (int t = 0; t < RX_PARTS; t++) {
		free(parts[t].cnt);
		free(parts[t].nxt);
		free(parts[t].blk);
	}
	return r;
}

int fm_sort_perm_u64(const uint64_t *const *keys, size_t nkeys, uint64_t n,
		     uint64_t **perm, struct fm_error *err)
{
	struct kcol *kc;
	struct perm pm;
	int r;

	if (nkeys > NKEYS_MAX)
		return fm_error_set(err, FM_EINVAL, "too many key fields (%zu, at most %d)",
				    nkeys, NKEYS_MAX);
	kc = calloc(nkeys ? nkeys : 1, sizeof(*kc));
	if (!kc)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t k = 0; k < nkeys; k++) {
		kc[k].p = (const unsigned char *)keys[k];
		kc[k].code = 'Q';
	}
	r = build_perm(kc, nkeys, n, 0, column_threads(0, n, THREADS_MAX), &pm, NULL, NULL,
		       err);
	free(kc);
	if (r < 0)
		return r;
	*perm = malloc((n ? n : 1) * sizeof(**perm));
	if (!*perm) {
		fm_big_free(pm.p);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	for (uint64_t i = 0; i < n; i++)
		(*perm)[i] = perm_at(&pm, i);
	fm_big_free(pm.p);
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
		fm_inflight_map_add(m, *len, path);
	}
	close(fd);
	return 0;
}

static void unmap(struct sarray *s)
{
	if (s->map) {
		fm_inflight_map_del(s->map);
		munmap((void *)s->map, s->maplen);
	}
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

/*
 * Load and check an existing index of n records (must be a permutation)
 * into *out; the identity becomes out->p == NULL.
 */
static int load_index(const char *path, char code, uint64_t n, int force_wide,
		      struct perm *out, struct fm_error *err)
{
	const unsigned char *map;
	size_t len, es = fm_code_size(code);
	void *p = NULL;
	uint8_t *seen = NULL;
	int r, wide = perm_wide(n, force_wide);
	uint64_t moved = 0;

	out->p = NULL;
	out->wide = wide;
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
	p = fm_big_alloc((n ? n : 1) * (wide ? 8 : 4));
	seen = calloc(n / 8 + 1, 1);
	if (!p || !seen) {
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
		moved |= v ^ i;
		if (wide)
			((uint64_t *)p)[i] = v;
		else
			((uint32_t *)p)[i] = (uint32_t)v;
	}
	if (moved) {
		out->p = p;
		p = NULL;
	}
out:
	if (map) {
		fm_inflight_map_del(map);
		munmap((void *)map, len);
	}
	fm_big_free(p);
	free(seen);
	return r;
}

/* Write the index atomically as path (code chosen by the caller). */
static int save_index(const char *path, char code, const struct perm *pm,
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
			uint64_t v = perm_at(pm, i + j);
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

/* Reverse the whole order (the identity is materialised reversed). */
static int reverse_perm(struct perm *pm, uint64_t n, struct fm_error *err)
{
	if (!pm->p) {
		pm->p = fm_big_alloc((n ? n : 1) * (pm->wide ? 8 : 4));
		if (!pm->p)
			return fm_error_set(err, FM_ENOMEM,
					    "out of memory for the sort index of %llu records",
					    (unsigned long long)n);
		if (pm->wide)
			for (uint64_t i = 0; i < n; i++)
				((uint64_t *)pm->p)[i] = n - 1 - i;
		else
			for (uint64_t i = 0; i < n; i++)
				((uint32_t *)pm->p)[i] = (uint32_t)(n - 1 - i);
		return 0;
	}
#define REVERSE(T) do { \
		T *v = pm->p; \
		for (uint64_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) { \
			T t = v[i]; \
			v[i] = v[j]; \
			v[j] = t; \
		} \
	} while (0)
	if (pm->wide)
		REVERSE(uint64_t);
	else
		REVERSE(uint32_t);
#undef REVERSE
	return 0;
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
 * huge pages where the kernel allows it, and gathered from there.  But
 * freshly allocated memory costs more to fault in than those TLB misses
 * (measured on the 2-core VM: another 52 MB buffer added more system time
 * than the second thread saved), so only the first worker stages, in the
 * buffer the index build leaves; the others gather from the mapping.
 */
#define STAGE_MAX ((size_t)1 << 31)
#define HUGE_ALIGN ((size_t)2 << 20)

struct stage {
	unsigned char *p;          /* fm_big_alloc */
	size_t size;
	int map_only;              /* no buffer: gather from the mapping */
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
	if (!base || st->map_only || len > STAGE_MAX || len < HUGE_ALIGN)
		return base;
	if (st->size < len) {
		fm_big_free(st->p);
		st->p = fm_big_alloc(len);
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

/* Write column s (its records at base, NULL = zeros) permuted by pm into fd. */
static int write_permuted(int fd, const struct sarray *s, const unsigned char *base,
			  const struct perm *pm, uint64_t n, int constant,
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
#define GATHER(T, P) do { \
		T *d = (T *)(void *)buf; \
		const T *sp = (const T *)(const void *)base; \
		const P *pp = (const P *)pm->p + i; \
		for (uint64_t j = 0; j < k; j++) \
			d[j] = sp[pp[j]]; \
	} while (0)
#define GATHER_ES(P) do { \
		switch (es) { \
		case 1: GATHER(uint8_t, P); break; \
		case 2: GATHER(uint16_t, P); break; \
		case 4: GATHER(uint32_t, P); break; \
		default: GATHER(uint64_t, P); break; \
		} \
	} while (0)
	for (uint64_t i = 0; i < n; i += CHUNK) {
		uint64_t k = n - i < CHUNK ? n - i : CHUNK;
		if (constant) {
			if (i == 0)
				for (uint64_t j = 0; j < k; j++)
					memcpy(buf + j * es, base, es);
		} else if (pm->wide) {
			GATHER_ES(uint64_t);
		} else {
			GATHER_ES(uint32_t);
		}
		if (fm_write_all(fd, buf, k * es) < 0)
			return fm_error_set(err, FM_EIO, "%s: write: %s", s->path,
					    strerror(errno));
	}
#undef GATHER_ES
#undef GATHER
	return 0;
}

/* Whether p[0, len) is all zero bytes: 4 KiB at a time, OR of words. */
static int all_zero(const unsigned char *p, size_t len)
{
	size_t i = 0;

	for (; i + 4096 <= len; i += 4096) {
		uint64_t acc = 0;
		for (size_t j = 0; j < 4096; j += 8) {
			uint64_t w;
			memcpy(&w, p + i + j, 8);
			acc |= w;
		}
		if (acc)
			return 0;
	}
	for (; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * Whether bytes [off, off + len) of column s are all zero: a hole in a
 * sparse file is found without reading, data is read through the mapping
 * (no copy) until a piece is not zero.
 */
static int zero_range(const struct sarray *s, int fd, off_t off, size_t len)
{
	off_t data = lseek(fd, off, SEEK_DATA);

	if ((data < 0 && errno == ENXIO) || (data >= 0 && (uint64_t)data >= (uint64_t)off + len))
		return 1;   /* no data there: a hole */
	if (!s->map || (uint64_t)off + len > s->maplen)
		return 0;
	for (size_t done = 0; done < len;) {
		size_t k = len - done < ((size_t)1 << 20) ? len - done : (size_t)1 << 20;
		if (!all_zero(s->map + off + done, k))
			return 0;
		done += k;
	}
	return 1;
}

/*
 * Records [first, first + n) of column s in input order (the identity
 * permutation) into fd: an all-zero column becomes a sparse file;
 * otherwise the kernel copies the bytes between the files
 * (copy_file_range: no trip through user memory), or pread and write do
 * where it cannot.
 */
static int copy_column(int fd, const struct sarray *s, uint64_t first, uint64_t n,
		       unsigned char *buf, size_t bufsize, struct fm_error *err)
{
	const size_t len = (size_t)n * s->esize;
	const off_t off = (off_t)(first * s->esize);
	size_t done = 0;
	int in = open(s->path, O_RDONLY | O_CLOEXEC), r = 0;

	if (in < 0)
		return fm_error_set(err, FM_EIO, "%s: %s", s->path, strerror(errno));
	if (zero_range(s, in, off, len)) {
		if (ftruncate(fd, (off_t)len) < 0)
			r = fm_error_set(err, FM_EIO, "%s: %s", s->path, strerror(errno));
		close(in);
		return r;
	}
	while (done < len) {
		loff_t from = (loff_t)off + (loff_t)done;
		ssize_t k = copy_file_range(in, &from, fd, NULL, len - done, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;   /* not between these files: copy through buf */
		done += (size_t)k;
	}
	while (done < len && r == 0) {
		size_t want = len - done < bufsize ? len - done : bufsize;
		ssize_t k = pread(in, buf, want, off + (off_t)done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			r = fm_error_set(err, FM_EIO, "%s: read: %s", s->path, strerror(errno));
		else if (k == 0)
			r = fm_error_set(err, FM_EIO, "%s: shorter than when the sort began",
					 s->path);
		else if (fm_write_all(fd, buf, (size_t)k) < 0)
			r = fm_error_set(err, FM_EIO, "%s: write: %s", s->path, strerror(errno));
		else
			done += (size_t)k;
	}
	close(in);
	return r;
}

static int same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * The column phase: workers (the calling thread and up to THREADS_MAX - 1
 * more) take the columns in turn, largest first, each with its own staging
 * and chunk buffer; only the calling thread reports progress.
 */

struct colwork {
	struct sarray *arr;
	const size_t *order;        /* column indices, largest first */
	size_t narr;
	const struct perm *pm;
	uint64_t first, n, total;
	int in_place;
	const char *wd;
	char **tmp;                 /* per column: its temporary file */
	int *keep;                  /* per column: left as it is */
	atomic_size_t next, done;
	atomic_int stop;
};

struct worker {
	struct colwork *cw;
	struct stage stage;
	unsigned char *buf;         /* CHUNK 8-byte entries */
	const struct fm_progress *progress;
	struct fm_error err;
	int r;
	pthread_t thread;
};

/* Permute column k of cw into a temporary file (or keep it as it is). */
static int permute_column(struct colwork *cw, size_t k, struct stage *st,
			  unsigned char *buf, struct fm_error *err)
{
	struct sarray *s = &cw->arr[k];
	const unsigned char *base = NULL;
	int constant = 0, fd, r;
	char path[PATH_MAX];

	if (!cw->pm->p) {
		if (cw->in_place && cw->n == cw->total) {
			cw->keep[k] = 1;   /* already in order */
			unmap(s);
			return 0;
		}
	} else {
		int zfd = open(s->path, O_RDONLY | O_CLOEXEC);
		int zero = zfd >= 0 && cw->n &&
			   zero_range(s, zfd, (off_t)(cw->first * s->esize),
				      (size_t)cw->n * s->esize);
		if (zfd >= 0)
			close(zfd);
		/* all zeros: nothing to read or gather (base NULL) */
		base = zero ? NULL : column_data(st, s, cw->first, cw->n, &constant);
		if (zero)
			constant = 1;
		else if (constant < 0)
			constant = cw->n == 0 || (base && is_constant(base, s->esize, cw->n));
		if (cw->in_place && constant && cw->n == cw->total) {
			cw->keep[k] = 1;   /* the file already is its own permutation */
			unmap(s);
			return 0;
		}
		if (s->map && base == s->map + cw->first * s->esize)
			madvise((void *)s->map, s->maplen,
				constant ? MADV_SEQUENTIAL : MADV_WILLNEED);
	}
	snprintf(path, sizeof(path), "%s/%s.%c", cw->wd, fm_field_name(s->field), s->code);
	r = fm_tmpfile_beside(path, &cw->tmp[k], &fd, err);
	if (r < 0)
		return r;
	if (!cw->pm->p)
		r = copy_column(fd, s, cw->first, cw->n, buf, CHUNK * 8, err);
	else
		r = write_permuted(fd, s, base, cw->pm, cw->n, constant, buf, err);
	if (close(fd) < 0 && r == 0)
		r = fm_error_set(err, FM_EIO, "%s: %s", path, strerror(errno));
	unmap(s);   /* keep only the columns in work mapped */
	return r;
}

static void *column_worker(void *arg)
{
	struct worker *w = arg;
	struct colwork *cw = w->cw;

	while (!atomic_load(&cw->stop)) {
		size_t i = atomic_fetch_add(&cw->next, 1);
		if (i >= cw->narr)
			break;
		w->r = permute_column(cw, cw->order[i], &w->stage, w->buf, &w->err);
		if (w->r < 0) {
			atomic_store(&cw->stop, 1);
			break;
		}
		size_t done = atomic_fetch_add(&cw->done, 1) + 1;
		if (w->progress && fm_progress_report(w->progress, done, cw->narr)) {
			w->r = fm_error_set(&w->err, FM_ECANCEL, "cancelled");
			atomic_store(&cw->stop, 1);
			break;
		}
	}
	return NULL;
}

/*
 * Permute every column of cw with nthreads workers; w[0] (the calling
 * thread) brings the staging buffer it may already have.  Returns the
 * first worker's error.
 */
static int permute_columns(struct colwork *cw, struct worker *w, int nthreads,
			   const struct fm_progress *progress, struct fm_error *err)
{
	int started = 1, r = 0;

	for (int t = 0; t < nthreads; t++) {
		w[t].cw = cw;
		w[t].r = 0;
		w[t].progress = t == 0 ? progress : NULL;
		/* fresh memory is costly to fault in: only the first worker
		 * stages (in the buffer the index build left, when it did) */
		w[t].stage.map_only = t > 0;
		memset(&w[t].err, 0, sizeof(w[t].err));
		w[t].buf = malloc(CHUNK * 8);
		if (!w[t].buf) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			nthreads = t;
			goto out;
		}
	}
	for (; started < nthreads; started++)
		if (pthread_create(&w[started].thread, NULL, column_worker, &w[started]) != 0)
			break;   /* fewer workers do the same work */
	column_worker(&w[0]);
	for (int t = 1; t < started; t++)
		pthread_join(w[t].thread, NULL);
	/* a real failure rather than the cancellation it caused elsewhere */
	for (int t = 0; t < started; t++)
		if (w[t].r < 0 && (r == 0 || r == FM_ECANCEL)) {
			r = w[t].r;
			*err = w[t].err;
		}
out:
	for (int t = 0; t < nthreads; t++)
		free(w[t].buf);
	return r;
}

int fm_sort_binary(const char *input, const char *output,
		   const struct fm_sort_opts *o, struct fm_sort_result *res,
		   struct fm_error *err)
{
	struct sarray arr[FM_NFIELDS];
	size_t narr = 0, order[FM_NFIELDS];
	uint64_t total = 0, first, end, n;
	struct perm pm = { NULL, 0 };
	struct kcol kc[NKEYS_MAX];
	char *tmp[FM_NFIELDS] = { NULL };
	char *tmpdir = NULL;
	const char *wd = output;
	struct worker w[THREADS_MAX];
	int in_place, keep[FM_NFIELDS] = { 0 }, nthreads;
	char ipath[PATH_MAX] = "", icode = 0;
	struct fm_sort_result rs;
	int r;

	memset(&rs, 0, sizeof(rs));
	memset(arr, 0, sizeof(arr));
	memset(w, 0, sizeof(w));
	if (o->nkeys > NKEYS_MAX)
		return fm_error_set(err, FM_EINVAL, "too many key fields (%zu, at most %d)",
				    o->nkeys, NKEYS_MAX);
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
		r = load_index(ipath, icode, n, o->wide_index, &pm, err);
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
		r = build_perm(kc, o->nkeys, n, o->wide_index,
			       column_threads(o->threads, n, THREADS_MAX), &pm, &spare,
			       o->progress, err);
		if (spare) {
			/* probably faulted in already: the first gather stage reuses it */
			w[0].stage.p = (unsigned char *)spare;
			w[0].stage.size = (size_t)n * sizeof(uint64_t);
		}
		if (r < 0)
			goto out;
		if (o->reverse) {
			r = reverse_perm(&pm, n, err);
			if (r < 0)
				goto out;
		}
		if (o->index_file) {
			snprintf(ipath, sizeof(ipath), "%s.%c", o->index_file,
				 fm_sort_index_code(n));
			r = save_index(ipath, fm_sort_index_code(n), &pm, n, err);
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
			if ((r = fm_tmpdir_beside(output, &tmpdir, err)) < 0)
				goto out;
			wd = tmpdir;
		}
	}

	/* every column, largest first (the workers finish together) */
	for (size_t k = 0; k < narr; k++) {
		size_t j = k;
		while (j > 0 && arr[order[j - 1]].esize < arr[k].esize) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	struct colwork cw = {
		.arr = arr, .order = order, .narr = narr, .pm = &pm,
		.first = first, .n = n, .total = total, .in_place = in_place,
		.wd = wd, .tmp = tmp, .keep = keep,
	};
	atomic_init(&cw.next, 0);
	atomic_init(&cw.done, 0);
	atomic_init(&cw.stop, 0);
	nthreads = column_threads(o->threads, n, narr);
	r = permute_columns(&cw, w, nthreads, o->progress, err);
	if (r < 0)
		goto out;

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
	for (int t = 0; t < THREADS_MAX; t++)
		fm_big_free(w[t].stage.p);
	fm_big_free(pm.p);
	return r;
}
