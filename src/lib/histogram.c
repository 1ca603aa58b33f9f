/*
 * histogram.c - struct fm_histogram: storage, growth, checks and column
 * access (see histogram.h).  The csv_hist text format lives in
 * histogram-csv.c.
 *
 * Storage is a structure of arrays so that consumers (fit, plot) can scan
 * one column at a time; all arrays share h->alloc and grow together.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histogram.h"

static const char *const hcol_names[FM_HCOL_COUNT] = {
    "flows", "packets", "octets", "duration", "rate", "aggs"};

const char *fm_hcol_name(enum fm_hcol c)
{
	if ((unsigned)c >= FM_HCOL_COUNT)
		return NULL;
	return hcol_names[c];
}

int fm_hcol_from_name(const char *name)
{
	size_t len = strlen(name);

	if (len > 4 && strcmp(name + len - 4, "_sum") == 0)
		len -= 4;
	for (int c = 0; c < FM_HCOL_COUNT; c++)
		if (strlen(hcol_names[c]) == len &&
		    memcmp(hcol_names[c], name, len) == 0)
			return c;
	return -1;
}

void fm_histogram_init(struct fm_histogram *h)
{
	memset(h, 0, sizeof(*h));
}

int fm_histogram_setup(struct fm_histogram *h, const enum fm_hcol *cols,
		       size_t ncols, struct fm_error *err)
{
	fm_histogram_init(h);
	if (ncols > FM_HCOL_COUNT)
		return fm_error_set(err, FM_EINVAL,
				    "too many histogram columns");
	for (size_t i = 0; i < ncols; i++) {
		if ((unsigned)cols[i] >= FM_HCOL_COUNT)
			return fm_error_set(err, FM_EINVAL,
					    "bad histogram column %d",
					    (int)cols[i]);
		if (h->cols & FM_HCOL_BIT(cols[i]))
			return fm_error_set(
			    err, FM_EINVAL,
			    "histogram column '%s_sum' given twice",
			    hcol_names[cols[i]]);
		h->cols |= FM_HCOL_BIT(cols[i]);
		h->order[i] = cols[i];
	}
	h->ncols = ncols;
	return 0;
}

void fm_histogram_release(struct fm_histogram *h)
{
	free(h->bin_lo);
	free(h->bin_hi);
	free(h->flows);
	free(h->packets);
	free(h->octets);
	free(h->duration);
	free(h->rate);
	free(h->aggs);
	fm_histogram_init(h);
}

/* Grow one array of elements of size sz from old to n elements. */
static int grow(void **p, size_t sz, size_t old, size_t n)
{
	void *q;

	if (n > SIZE_MAX / sz)
		return -1;
	q = realloc(*p, n * sz);
	if (!q)
		return -1;
	memset((char *)q + old * sz, 0, (n - old) * sz);
	*p = q;
	return 0;
}

int fm_histogram_reserve(struct fm_histogram *h, size_t n, struct fm_error *err)
{
	size_t na, old = h->alloc;
	int bad = 0;

	if (n <= h->alloc)
		return 0;
	na = h->alloc ? h->alloc : 64;
	while (na < n)
		na = na > SIZE_MAX / 2 ? n : na * 2;
	bad |= grow((void **)&h->bin_lo, sizeof(int64_t), old, na);
	bad |= grow((void **)&h->bin_hi, sizeof(int64_t), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_FLOWS))
		bad |= grow((void **)&h->flows, sizeof(uint64_t), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_PACKETS))
		bad |= grow((void **)&h->packets, sizeof(uint64_t), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_OCTETS))
		bad |= grow((void **)&h->octets, sizeof(uint64_t), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_DURATION))
		bad |= grow((void **)&h->duration, sizeof(int64_t), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_RATE))
		bad |= grow((void **)&h->rate, sizeof(double), old, na);
	if (h->cols & FM_HCOL_BIT(FM_HCOL_AGGS))
		bad |= grow((void **)&h->aggs, sizeof(uint64_t), old, na);
	if (bad) {
		/* Arrays that did grow are valid at their new size but we
		 * keep the old capacity, which every array has. */
		return fm_error_set(err, FM_ENOMEM,
				    "histogram: out of memory for %zu bins", n);
	}
	h->alloc = na;
	return 0;
}

int fm_histogram_resize(struct fm_histogram *h, size_t n, struct fm_error *err)
{
	int r = fm_histogram_reserve(h, n, err);

	if (r < 0)
		return r;
	if (n < h->n) {
		/* keep the "zero beyond n" invariant for later growth */
		size_t k = h->n - n;
		memset(h->bin_lo + n, 0, k * sizeof(int64_t));
		memset(h->bin_hi + n, 0, k * sizeof(int64_t));
		if (h->flows)
			memset(h->flows + n, 0, k * sizeof(uint64_t));
		if (h->packets)
			memset(h->packets + n, 0, k * sizeof(uint64_t));
		if (h->octets)
			memset(h->octets + n, 0, k * sizeof(uint64_t));
		if (h->duration)
			memset(h->duration + n, 0, k * sizeof(int64_t));
		if (h->rate)
			memset(h->rate + n, 0, k * sizeof(double));
		if (h->aggs)
			memset(h->aggs + n, 0, k * sizeof(uint64_t));
	}
	h->n = n;
	return 0;
}

int fm_histogram_add_bin(struct fm_histogram *h, int64_t lo, int64_t hi,
			 struct fm_error *err)
{
	int r = fm_histogram_resize(h, h->n + 1, err);

	if (r < 0)
		return r;
	h->bin_lo[h->n - 1] = lo;
	h->bin_hi[h->n - 1] = hi;
	return 0;
}

int fm_histogram_copy(struct fm_histogram *dst, const struct fm_histogram *src,
		      struct fm_error *err)
{
	int r;

	fm_histogram_init(dst);
	r = fm_histogram_setup(dst, src->order, src->ncols, err);
	if (r == 0)
		r = fm_histogram_resize(dst, src->n, err);
	if (r < 0) {
		fm_histogram_release(dst);
		return r;
	}
	if (!src->n)
		return 0;
	memcpy(dst->bin_lo, src->bin_lo, src->n * sizeof(*src->bin_lo));
	memcpy(dst->bin_hi, src->bin_hi, src->n * sizeof(*src->bin_hi));
#define COPY(c)                                                                \
	if (src->c && dst->c)                                                  \
	memcpy(dst->c, src->c, src->n * sizeof(*src->c))
	COPY(flows);
	COPY(packets);
	COPY(octets);
	COPY(duration);
	COPY(rate);
	COPY(aggs);
#undef COPY
	return 0;
}

int fm_histogram_check(const struct fm_histogram *h, struct fm_error *err)
{
	for (size_t i = 0; i < h->n; i++) {
		if (h->bin_hi[i] <= h->bin_lo[i])
			return fm_error_set(
			    err, FM_EFORMAT,
			    "bin %zu: bin_hi %lld <= bin_lo %lld", i + 1,
			    (long long)h->bin_hi[i], (long long)h->bin_lo[i]);
		if (i > 0 && h->bin_lo[i] < h->bin_hi[i - 1]) {
			if (h->bin_lo[i] <= h->bin_lo[i - 1])
				return fm_error_set(
				    err, FM_EFORMAT,
				    "bin %zu: bins not ascending: bin_lo %lld "
				    "after %lld",
				    i + 1, (long long)h->bin_lo[i],
				    (long long)h->bin_lo[i - 1]);
			return fm_error_set(err, FM_EFORMAT,
					    "bin %zu: bins overlap: bin_lo "
					    "%lld < previous bin_hi %lld",
					    i + 1, (long long)h->bin_lo[i],
					    (long long)h->bin_hi[i - 1]);
		}
	}
	return 0;
}

double fm_histogram_get(const struct fm_histogram *h, enum fm_hcol c, size_t i)
{
	switch (c) {
	case FM_HCOL_FLOWS:
		return h->flows ? (double)h->flows[i] : 0.0;
	case FM_HCOL_PACKETS:
		return h->packets ? (double)h->packets[i] : 0.0;
	case FM_HCOL_OCTETS:
		return h->octets ? (double)h->octets[i] : 0.0;
	case FM_HCOL_DURATION:
		return h->duration ? (double)h->duration[i] : 0.0;
	case FM_HCOL_RATE:
		return h->rate ? h->rate[i] : 0.0;
	case FM_HCOL_AGGS:
		return h->aggs ? (double)h->aggs[i] : 0.0;
	default:
		return 0.0;
	}
}

int fm_histogram_column(const struct fm_histogram *h, enum fm_hcol c,
			double *out, struct fm_error *err)
{
	if ((unsigned)c >= FM_HCOL_COUNT || !fm_histogram_has(h, c))
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no column '%s_sum'",
				    fm_hcol_name(c) ? fm_hcol_name(c) : "?");
	for (size_t i = 0; i < h->n; i++)
		out[i] = fm_histogram_get(h, c, i);
	return 0;
}

const uint64_t *fm_histogram_ucol(const struct fm_histogram *h, enum fm_hcol c)
{
	switch (c) {
	case FM_HCOL_FLOWS:
		return h->flows;
	case FM_HCOL_PACKETS:
		return h->packets;
	case FM_HCOL_OCTETS:
		return h->octets;
	case FM_HCOL_AGGS:
		return h->aggs;
	default:
		return NULL;
	}
}

int fm_histogram_total_u128(const struct fm_histogram *h, enum fm_hcol c,
			    uint64_t *hi, uint64_t *lo, struct fm_error *err)
{
	const uint64_t *v = fm_histogram_ucol(h, c);
	uint64_t th = 0, tl = 0;

	if (!v)
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no unsigned column '%s_sum'",
				    fm_hcol_name(c) ? fm_hcol_name(c) : "?");
	for (size_t i = 0; i < h->n; i++) {
		tl += v[i];
		if (tl < v[i])
			th++;
	}
	*hi = th;
	*lo = tl;
	return 0;
}
