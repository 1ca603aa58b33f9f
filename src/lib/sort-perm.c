/*
 * sort-perm.c - the stable multi-key permutation of sort (SPEC 5), built
 * in memory by LSD radix sort; sort.c applies it to a directory.
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
 *    digits that are the same in every record are skipped.  The first
 *    pass computes the words from the key columns in cache-sized blocks
 *    and the last writes the permutation itself, so no array of packed
 *    keys is ever materialised: on this kind of machine fresh memory is
 *    what costs (the kernel zeroes and faults it in).  A key too wide to
 *    share a word with the position is sorted as (key, position) pairs.
 *    The packed passes are shared by up to 4 threads, each taking an
 *    equal part of the records.  LSD passes are stable, so ties keep
 *    input order; --reverse flips the final order.  The permutation has
 *    4-byte entries up to 2^32 records, else 8; the input order is kept
 *    as "identity".
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
#include "bigmem.h"
#include "io-int.h"
#include "sort-int.h"

#define DIGIT 11
#define NBUCKET (1u << DIGIT)
#define DIGIT_MAX 12
#define NPASS_MAX ((64 + DIGIT - 1) / DIGIT)

/*
 * X(code) for every code map_key reads: switches that compile a loop once
 * per code (map_key then inlined with a constant code) list them so.
 */
#define FOR_EACH_CODE(X)                                                       \
	X('B')                                                                 \
	X('b')                                                                 \
	X('H') X('h') X('I') X('i') X('L') X('Q') X('l') X('q') X('f') X('d')

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
		count[((size_t)p << w) +
		      ((v >> (p * w)) & ((UINT64_C(1) << w) - 1))]++;
}

struct pair {
	uint64_t k, p;
};

/* Stable LSD radix sort of pairs by k (8-bit digits, constant digits skipped).
 */
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
static void key_block(uint64_t *blk, const struct kcol *kc, size_t lo,
		      size_t hi, const struct perm *old, uint64_t i, uint64_t k)
{
	int first = 1;

	for (size_t q = lo; q <= hi; q++) {
		const struct kcol *c = &kc[q];
		if (!c->bits)
			continue;
		const int sh = first ? 0 : c->bits; /* < 64 when packing */
		const uint64_t mn = c->min;
		const unsigned char *p = c->p;
#define KEY_LOOP(CODE, IDX)                                                    \
	if (first) {                                                           \
		for (uint64_t j = 0; j < k; j++)                               \
			blk[j] = map_key(p, CODE, IDX) - mn;                   \
	} else {                                                               \
		for (uint64_t j = 0; j < k; j++)                               \
			blk[j] =                                               \
			    (blk[j] << sh) | (map_key(p, CODE, IDX) - mn);     \
	}
#define KEY_CODE(CODE)                                                         \
	case CODE:                                                             \
		if (!old->p) {                                                 \
			KEY_LOOP(CODE, i + j)                                  \
		} else if (old->wide) {                                        \
			KEY_LOOP(CODE, ((const uint64_t *)old->p)[i + j])      \
		} else {                                                       \
			KEY_LOOP(CODE, ((const uint32_t *)old->p)[i + j])      \
		}                                                              \
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
	size_t size;	/* bytes each */
	int touched[3]; /* written: 1 in part, 2 whole */
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
#define PERM_PUT(out, wide, d, v)                                              \
	do {                                                                   \
		if (wide)                                                      \
			((uint64_t *)(out))[d] = (v);                          \
		else                                                           \
			((uint32_t *)(out))[d] = (uint32_t)(v);                \
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
	uint64_t from, to; /* source positions of this part */
	uint64_t *cnt;	   /* [pass][digit]: counts, then offsets */
	uint64_t *nxt;	   /* [part][digit]: the next pass's counts */
	uint64_t *blk;	   /* BLOCK key words */
	uint64_t down;	   /* keys out of order (with the record before) */
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
		key_block(pt->blk, job->kc, job->lo, job->hi, &job->old,
			  pt->from - 1, 1);
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
#define RX_NEXT(d, v)                                                          \
	do {                                                                   \
		if (!job->last)                                                \
			pt->nxt[((size_t)(multi ? rx_part_of(job, d) : 0)      \
				 << job->w) +                                  \
				(((v) >> ns) & mask)]++;                       \
	} while (0)
	if (job->t == 0) {
		const int s = job->digit * job->w;
		for (uint64_t i = pt->from; i < pt->to; i += BLOCK) {
			uint64_t k = pt->to - i < BLOCK ? pt->to - i : BLOCK;
			const uint64_t *blk = pt->blk;
			key_block(pt->blk, job->kc, job->lo, job->hi, &job->old,
				  i, k);
			if (!job->last) {
				for (uint64_t j = 0; j < k; j++) {
					uint64_t v =
					    (blk[j] << posbits) | (i + j);
					uint64_t d = c[(blk[j] >> s) & mask]++;
					dst[d] = v;
					RX_NEXT(d, v);
				}
			} else if (!job->old.p) {
				for (uint64_t j = 0; j < k; j++)
					PERM_PUT(dst, wide,
						 c[(blk[j] >> s) & mask]++,
						 i + j);
			} else {
				for (uint64_t j = 0; j < k; j++)
					PERM_PUT(dst, wide,
						 c[(blk[j] >> s) & mask]++,
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
				PERM_PUT(dst, wide, c[(v >> s) & mask]++,
					 v & posmask);
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
	int started[RX_PARTS] = {0};

	for (int t = 1; t < job->nthr; t++)
		started[t] =
		    pthread_create(&th[t], NULL, fn, &job->part[t]) == 0;
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
			uint64_t *c =
			    job->part[t].cnt + ((size_t)p << job->w) + d;
			uint64_t k = *c;
			*c = run;
			run += k;
		}
}

static int sort_packed(const struct kcol *kc, size_t lo, size_t hi, int sum,
		       uint64_t n, int posbits, int wide, int nthr,
		       struct pbuf *pb, int *cur, struct rx_part *parts)
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
		job.bound[t] = n / (uint64_t)nthr * (uint64_t)t +
			       (t == nthr ? n % (uint64_t)nthr : 0);
	for (int t = 0; t < nthr; t++) {
		job.part[t] = parts[t];
		job.part[t].job = &job;
		job.part[t].from = job.bound[t];
		job.part[t].to = job.bound[t + 1];
		memset(job.part[t].cnt, 0,
		       ((size_t)job.passes << job.w) * sizeof(uint64_t));
	}
	rx_run(&job, rx_count);
	for (int t = 0; t < nthr; t++)
		down |= job.part[t].down;
	if (!down)
		return 0; /* already in order: the stable sort keeps it */
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
			/* this pass's counts per source part: what the last
			 * pass counted for each destination part */
			for (int h = 0; h < nthr; h++) {
				uint64_t *c =
				    job.part[h].cnt + ((size_t)act[t] << job.w);
				memset(c, 0, nb * sizeof(*c));
				for (int q = 0; q < nthr; q++)
					for (size_t d = 0; d < nb; d++)
						c[d] +=
						    job.part[q].nxt[((size_t)h
								     << job.w) +
								    d];
			}
		}
		rx_offsets(&job, act[t]);
		for (int q = 0; q < nthr; q++)
			memset(job.part[q].nxt, 0,
			       ((size_t)nthr << job.w) * sizeof(uint64_t));
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
	const struct perm old = {*cur < 0 ? NULL : pb->b[*cur], wide};
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

struct scan_part {
	const struct kcol *kc;
	size_t nkeys;
	uint64_t from, to;
	uint64_t *vals; /* [key][SCAN_BLOCK]; then the previous record */
	uint64_t min[NKEYS_MAX], max[NKEYS_MAX];
	int down;
};

/* vals[j] = mapped key c of record i + j, j < k; the range updated. */
static void scan_key(const struct kcol *c, uint64_t i, uint64_t k,
		     uint64_t *vals, uint64_t *min, uint64_t *max)
{
	uint64_t mn = *min, mx = *max;

	if (!c->p) {
		memset(vals, 0, k * sizeof(*vals));
		mn = 0;
		mx = mx > 0 ? mx : 0;
	} else {
#define SCAN(CODE)                                                             \
	case CODE:                                                             \
		for (uint64_t j = 0; j < k; j++) {                             \
			uint64_t v = map_key(c->p, CODE, i + j);               \
			vals[j] = v;                                           \
			mn = v < mn ? v : mn;                                  \
			mx = v > mx ? v : mx;                                  \
		}                                                              \
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
			scan_key(&sp->kc[q], sp->from - 1, 1, prev + q, &mn,
				 &mx);
		have = 1;
	}
	for (uint64_t i = sp->from; i < sp->to; i += SCAN_BLOCK) {
		uint64_t k = sp->to - i < SCAN_BLOCK ? sp->to - i : SCAN_BLOCK;
		for (size_t q = 0; q < nk; q++)
			scan_key(&sp->kc[q], i, k, sp->vals + q * SCAN_BLOCK,
				 &sp->min[q], &sp->max[q]);
		if (down)
			continue; /* only the ranges are left to find */
		/* record j against j - 1 (the first against the previous block)
		 */
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
				     ((v0[j] == v0[j - 1]) &
				      (v1[j] < v1[j - 1]));
			down |= d != 0;
		} else {
			for (uint64_t j = 1; j < k && !down; j++)
				for (size_t q = 0; q < nk; q++) {
					uint64_t a =
					    sp->vals[q * SCAN_BLOCK + j - 1];
					uint64_t b =
					    sp->vals[q * SCAN_BLOCK + j];
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
static int scan_keys(struct kcol *kc, size_t nkeys, uint64_t n, int nthr,
		     int *in_order)
{
	struct scan_part *sp;
	pthread_t th[THREADS_MAX];
	int started[THREADS_MAX] = {0}, r = 0;

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
		sp[t].to =
		    t == nthr - 1 ? n : n / (uint64_t)nthr * (uint64_t)(t + 1);
		sp[t].vals =
		    malloc((nkeys + 1) * SCAN_BLOCK * sizeof(uint64_t));
		if (!sp[t].vals)
			r = FM_ENOMEM;
	}
	if (r == 0) {
		for (int t = 1; t < nthr; t++)
			started[t] =
			    pthread_create(&th[t], NULL, scan_run, &sp[t]) == 0;
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

int column_threads(int threads, uint64_t n, size_t narr)
{
	long cpus;

	if (threads <= 0) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < THREADS_MIN_RECORDS ? 1
			  : cpus > 0		  ? (int)cpus
						  : 1;
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
int build_perm(struct kcol *kc, size_t nkeys, uint64_t n, int force_wide,
	       int nthr, struct perm *out, uint64_t **spare,
	       const struct fm_progress *progress, struct fm_error *err)
{
	struct pbuf pb;
	struct rx_part parts[RX_PARTS];
	const int posbits = bit_width(n > 1 ? n - 1 : 1),
		  wide = perm_wide(n, force_wide);
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
		parts[t].cnt =
		    malloc((size_t)NPASS_MAX * ((size_t)1 << DIGIT_MAX) *
			   sizeof(uint64_t));
		parts[t].nxt =
		    malloc((size_t)RX_PARTS * ((size_t)1 << DIGIT_MAX) *
			   sizeof(uint64_t));
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
			r = sort_wide(kc, hi, n, wide, &pb, &cur, parts[0].cnt,
				      parts[0].blk);
		} else {
			/* keys lo..hi that fit one word with the position */
			size_t lo = hi;
			int sum = kc[hi].bits;
			while (lo > 0 && sum + kc[lo - 1].bits <= room) {
				lo--;
				sum += kc[lo].bits;
			}
			r = sort_packed(kc, lo, hi, sum, n, posbits, wide, nthr,
					&pb, &cur, parts);
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
			if (pb.b[i] &&
			    (best < 0 || pb.touched[i] > pb.touched[best]))
				best = i;
		if (best >= 0) {
			*spare = pb.b[best];
			pb.b[best] = NULL;
		}
	}
	goto out;
oom:
	r = fm_error_set(err, FM_ENOMEM,
			 "out of memory for the sort index of %llu records",
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
		return fm_error_set(err, FM_EINVAL,
				    "too many key fields (%zu, at most %d)",
				    nkeys, NKEYS_MAX);
	kc = calloc(nkeys ? nkeys : 1, sizeof(*kc));
	if (!kc)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t k = 0; k < nkeys; k++) {
		kc[k].p = (const unsigned char *)keys[k];
		kc[k].code = 'Q';
	}
	r = build_perm(kc, nkeys, n, 0, column_threads(0, n, THREADS_MAX), &pm,
		       NULL, NULL, err);
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
