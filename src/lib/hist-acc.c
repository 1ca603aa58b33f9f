/*
 * hist-acc.c - the accumulators of the histogram (see hist.c for the
 * design): the hash maps of sparse and negative bins, the 64-bit rows
 * kept exact by bounds and their flush into the 128-bit ones, one record
 * the hard way (add_one) and the merge of a worker's accumulator.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "flowmodels/cut.h"
#include "flowmodels/filter.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "hist-int.h"
#include "num-int.h"

/* ---- hash maps ---- */

static inline size_t hslot0(uint64_t key, size_t cap)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

void hmap_release(struct hmap *m)
{
	free(m->keys);
	free(m->used);
	free(m->vals);
	free(m->rate);
	free(m->hi);
	memset(m, 0, sizeof(*m));
}

int hmap_alloc(struct hmap *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->keys = malloc(cap * sizeof(uint64_t));
	m->used = calloc(cap, 1);
	m->vals = calloc(cap * (size_t)m->ncol, sizeof(i128));
	m->rate = calloc(cap, sizeof(double));
	m->hi = m->with_hi ? malloc(cap * sizeof(int64_t)) : NULL;
	if (!m->keys || !m->used || !m->vals || !m->rate ||
	    (m->with_hi && !m->hi))
		return FM_ENOMEM;
	return 0;
}

static int hmap_grow(struct hmap *m)
{
	struct hmap old = *m;
	int r = hmap_alloc(m, old.cap ? old.cap * 2 : 1024);

	if (r < 0) {
		hmap_release(m);
		*m = old;
		return r;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.used[i])
			continue;
		size_t s = hslot0(old.keys[i], m->cap);
		while (m->used[s])
			s = (s + 1) & (m->cap - 1);
		m->used[s] = 1;
		m->keys[s] = old.keys[i];
		memcpy(m->vals + s * (size_t)m->ncol,
		       old.vals + i * (size_t)old.ncol,
		       (size_t)m->ncol * sizeof(i128));
		m->rate[s] = old.rate[i];
		if (m->with_hi)
			m->hi[s] = old.hi[i];
		m->n++;
	}
	hmap_release(&old);
	return 0;
}

/* Slot of key, inserted (zeroed, *isnew = 1) when absent; < 0 = no memory. */
long hmap_slot(struct hmap *m, uint64_t key, int *isnew)
{
	if (2 * (m->n + 1) > m->cap && hmap_grow(m) < 0)
		return FM_ENOMEM;
	size_t s = hslot0(key, m->cap);
	while (m->used[s]) {
		if (m->keys[s] == key) {
			*isnew = 0;
			return (long)s;
		}
		s = (s + 1) & (m->cap - 1);
	}
	m->used[s] = 1;
	m->keys[s] = key;
	m->n++;
	*isnew = 1;
	return (long)s;
}

void acc_release(struct hacc *a)
{
	free(a->small_mem);
	free(a->dense);
	free(a->drate);
	hmap_release(&a->sparse);
	hmap_release(&a->neg);
	memset(a, 0, sizeof(*a));
}

int acc_init(const struct fm_hist *h, struct hacc *a, int do_int, int do_rate)
{
	memset(a, 0, sizeof(*a));
	a->do_int = do_int;
	a->do_rate = do_rate;
	a->sparse.ncol = a->neg.ncol = h->ncol;
	a->neg.with_hi = 1;
	if (do_int &&
	    !(a->dense = calloc(h->D * (size_t)h->ncol, sizeof(i128))))
		return FM_ENOMEM;
	if (do_rate && !(a->drate = calloc(h->D, sizeof(double)))) {
		acc_release(a);
		return FM_ENOMEM;
	}
	return 0;
}

/*
 * The 64-bit rows, zeroed (lazily, by calloc) and aligned to 64 bytes, so
 * that a row of stride 8 is one cache line.
 */
int small_alloc(const struct fm_hist *h, struct hacc *a)
{
	if (a->small)
		return 0;
	a->small_mem = calloc(h->D * (size_t)h->srow + 8, sizeof(uint64_t));
	if (!a->small_mem)
		return FM_ENOMEM;
	a->small =
	    (uint64_t *)(((uintptr_t)a->small_mem + 63) & ~(uintptr_t)63);
	return 0;
}

/*
 * Write a zero into every whole page of rows [from, to) of an array (rows
 * of stride bytes at base), rows that hold zeros: no value changes.
 */
static void touch_pages(void *base, size_t stride, uint64_t from, uint64_t to)
{
	uintptr_t p =
	    ((uintptr_t)base + from * stride + 4095) & ~(uintptr_t)4095;
	uintptr_t end = (uintptr_t)base + to * stride;

	for (; p + 8 <= end; p += 4096)
		*(volatile uint64_t *)p = 0;
}

/*
 * Before rows below `to` are first added to: write their pages first.  A
 * fresh page first read (by +=) maps the shared zero page, and replacing
 * it at the first store flushes the TLB of every CPU running one of our
 * threads (an inter-processor interrupt each, dear in a virtual machine);
 * a page first written is simply allocated.
 */
void acc_touch(const struct fm_hist *h, struct hacc *a, uint64_t to)
{
	/* rows at or beyond lim are zero in every array (and unused) */
	uint64_t from = a->touched > a->lim ? a->touched : a->lim;

	if (to <= from)
		return;
	to = to + 64 < h->D ? to + 64 : h->D; /* a little ahead */
	if (a->small)
		touch_pages(a->small, (size_t)h->srow * 8, from, to);
	if (a->dense && a->touch_dense)
		touch_pages(a->dense, (size_t)h->ncol * sizeof(i128), from, to);
	if (a->drate)
		touch_pages(a->drate, sizeof(double), from, to);
	a->touched = to;
}

/*
 * Add 64-bit rows into 128-bit ones: columns 0..2 are unsigned, the
 * others (duration, aggs) signed.  A row with no flows is all zero.
 */
void small_into(const struct fm_hist *h, i128 *dense, uint64_t *small,
		uint64_t lim, int clear)
{
	const int ncol = h->ncol;

	for (uint64_t i = 0; i < lim; i++) {
		uint64_t *s = small + i * (uint64_t)h->srow;
		if (s[0] == 0)
			continue;
		i128 *d = dense + i * (uint64_t)ncol;
		d[0] += (i128)s[0];
		d[1] += (i128)s[1];
		d[2] += (i128)s[2];
		for (int c = 3; c < ncol; c++)
			d[c] += (i128)(int64_t)s[c];
		if (clear)
			memset(s, 0, (size_t)ncol * sizeof(*s));
	}
}

/* Move the 64-bit rows into the 128-bit ones (exact) and reset them. */
void acc_flush_small(const struct fm_hist *h, struct hacc *a)
{
	if (!a->small || !a->small_used)
		return;
	small_into(h, a->dense, a->small, a->lim, 1);
	memset(a->bound, 0, sizeof(a->bound));
	a->small_used = 0;
	a->dense_used = 1;
}

/*
 * One record the hard way: a negative x, a bin index beyond the dense
 * array, or a rate outside the 64-bit bins.
 */
int add_one(const struct fm_hist *h, struct hacc *a, uint64_t pk, uint64_t oc,
	    int64_t dur, double rate, int64_t aggs, uint64_t recno,
	    struct fm_error *err)
{
	const int ncol = h->ncol;
	int64_t sx = 0;
	uint64_t ux = 0;
	int neg = 0;
	i128 *e;
	double *er;

	switch (h->o.x) {
	case FM_HIST_X_LENGTH:
		ux = pk;
		break;
	case FM_HIST_X_SIZE:
		ux = oc;
		break;
	case FM_HIST_X_DURATION:
		sx = dur;
		neg = dur < 0;
		ux = (uint64_t)dur;
		break;
	case FM_HIST_X_RATE: {
		double fl = floor(rate);
		if (!(fl >= -9223372036854775808.0 &&
		      fl < 18446744073709551616.0))
			return fm_error_set(err, FM_ERANGE,
					    "record %llu: rate %.17g bit/s is "
					    "beyond the 64-bit bins",
					    (unsigned long long)recno, rate);
		if (fl < 0) {
			sx = (int64_t)fl;
			neg = 1;
		} else {
			ux = (uint64_t)fl;
		}
		break;
	}
	}
	if (neg) {
		int64_t lo, hi;
		int isnew;
		fm_hist_bin_edges_signed(sx, h->b, &lo, &hi);
		long s = hmap_slot(&a->neg, (uint64_t)lo, &isnew);
		if (s < 0)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		if (isnew)
			a->neg.hi[s] = hi; /* the first record's bin_hi, as the
					      reference */
		e = a->neg.vals + (size_t)s * (size_t)ncol;
		er = a->neg.rate + s;
	} else {
		uint64_t idx = bin_index(ux, h->b);
		if (idx < h->D) {
			if (a->lim <= idx) {
				acc_touch(h, a, idx + 1);
				a->lim = idx + 1;
			}
			e = a->dense ? a->dense + idx * (uint64_t)ncol : NULL;
			er = a->drate ? a->drate + idx : NULL;
		} else {
			int isnew;
			long s = hmap_slot(&a->sparse, idx, &isnew);
			if (s < 0)
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			e = a->sparse.vals + (size_t)s * (size_t)ncol;
			er = a->sparse.rate + s;
		}
	}
	if (a->do_int) {
		e[0] += 1;
		e[1] += (i128)pk;
		e[2] += (i128)oc;
		if (h->col_dur >= 0)
			e[h->col_dur] += dur;
		if (h->col_aggs >= 0)
			e[h->col_aggs] += aggs;
	}
	if (a->do_rate && h->want_rate && !a->ro) /* recording: added later */
		*er += rate;
	return 0;
}

/* ---- merging ---- */

int acc_merge(const struct fm_hist *h, struct hacc *dst, const struct hacc *src)
{
	const int ncol = h->ncol;

	dst->zero_pkts += src->zero_pkts;
	/* the 64-bit rows straight into dst (src's 128-bit rows may be
	 * untouched) */
	acc_touch(h, dst, src->lim);
	if (src->small && src->small_used)
		small_into(h, dst->dense, src->small, src->lim, 0);
	if (dst->lim < src->lim)
		dst->lim = src->lim;
	if (!src->dense_used)
		goto maps;

	for (uint64_t i = 0; i < src->lim; i++) {
		const i128 *s = src->dense + i * (uint64_t)ncol;
		if (s[0] == 0)
			continue;
		i128 *d = dst->dense + i * (uint64_t)ncol;
		for (int c = 0; c < ncol; c++)
			d[c] += s[c];
	}
maps:
	for (int pass = 0; pass < 2; pass++) {
		const struct hmap *sm = pass ? &src->neg : &src->sparse;
		struct hmap *dm = pass ? &dst->neg : &dst->sparse;
		for (size_t i = 0; i < sm->cap; i++) {
			int isnew;
			if (!sm->used[i])
				continue;
			long sl = hmap_slot(dm, sm->keys[i], &isnew);
			if (sl < 0)
				return FM_ENOMEM;
			if (isnew && pass)
				dm->hi[sl] =
				    sm->hi[i]; /* dst holds earlier records */
			i128 *d = dm->vals + (size_t)sl * (size_t)ncol;
			const i128 *s = sm->vals + i * (size_t)ncol;
			for (int c = 0; c < ncol; c++)
				d[c] += s[c];
		}
	}
	return 0;
}
