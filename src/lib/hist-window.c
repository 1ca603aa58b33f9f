/*
 * hist-window.c - the incremental histogram of a followed directory
 * (hist-window.h).
 *
 * The window histogram and every part are fm_histograms with the same
 * columns, bins ascending by bin_lo; adding or subtracting a part is one
 * merge of two sorted bin lists into a new histogram, which then replaces
 * the window's (so a failure leaves the window as it was).  rate is then
 * re-summed from the parts, each a merge walk over the window's bins.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/hist-window.h"

struct part {
	uint64_t id;
	uint64_t records;
	struct fm_histogram h;
};

struct fm_hist_window {
	struct fm_hist_opts opts;
	struct part *parts; /* in the order added */
	size_t nparts, cap;
	struct fm_histogram win;
	uint64_t records;
};

/* An empty histogram with the columns a hist with w's options makes. */
static int empty_like(const struct fm_hist_window *w, struct fm_histogram *h,
		      struct fm_error *err)
{
	return fm_histogram_setup(h, w->win.order, w->win.ncols, err);
}

int fm_hist_window_new(struct fm_hist_window **out,
		       const struct fm_hist_opts *opts, struct fm_error *err)
{
	struct fm_hist_window *w = calloc(1, sizeof(*w));
	struct fm_hist *h = NULL;
	int r;

	*out = NULL;
	if (!w)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	w->opts = *opts;
	w->opts.threads = 1;
	w->opts.progress = NULL;
	fm_histogram_init(&w->win);
	/* the columns: those of an empty hist with these options */
	r = fm_hist_new(&h, &w->opts, err);
	if (r == 0)
		r = fm_hist_result(h, &w->win, err);
	fm_hist_free(h);
	if (r < 0) {
		fm_hist_window_free(w);
		return r;
	}
	*out = w;
	return 0;
}

void fm_hist_window_free(struct fm_hist_window *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nparts; i++)
		fm_histogram_release(&w->parts[i].h);
	free(w->parts);
	fm_histogram_release(&w->win);
	free(w);
}

/* Append bin i of src to dst with its sums. */
static int copy_bin(struct fm_histogram *dst, const struct fm_histogram *src,
		    size_t i, struct fm_error *err)
{
	int r = fm_histogram_add_bin(dst, src->bin_lo[i], src->bin_hi[i], err);
	size_t j = dst->n - 1;

	if (r < 0)
		return r;
	if (dst->flows)
		dst->flows[j] = src->flows[i];
	if (dst->packets)
		dst->packets[j] = src->packets[i];
	if (dst->octets)
		dst->octets[j] = src->octets[i];
	if (dst->duration)
		dst->duration[j] = src->duration[i];
	if (dst->aggs)
		dst->aggs[j] = src->aggs[i];
	return 0;
}

/* *a += b (sign > 0) or *a -= b; 1 when the result does not fit. */
static int add_u64(uint64_t *a, uint64_t b, int sign)
{
	return sign > 0 ? __builtin_add_overflow(*a, b, a)
			: __builtin_sub_overflow(*a, b, a);
}

static int add_i64(int64_t *a, int64_t b, int sign)
{
	return sign > 0 ? __builtin_add_overflow(*a, b, a)
			: __builtin_sub_overflow(*a, b, a);
}

/* Add (sign > 0) or subtract bin i of p to the last bin of dst. */
static int combine_bin(struct fm_histogram *dst, const struct fm_histogram *p,
		       size_t i, int sign, struct fm_error *err)
{
	size_t j = dst->n - 1;
	int over = 0;

	if (dst->flows)
		over |= add_u64(&dst->flows[j], p->flows[i], sign);
	if (dst->packets)
		over |= add_u64(&dst->packets[j], p->packets[i], sign);
	if (dst->octets)
		over |= add_u64(&dst->octets[j], p->octets[i], sign);
	if (dst->duration)
		over |= add_i64(&dst->duration[j], p->duration[i], sign);
	if (dst->aggs)
		over |= add_u64(&dst->aggs[j], p->aggs[i], sign);
	if (over && sign > 0)
		return fm_error_set(err, FM_ERANGE,
				    "bin [%lld, %lld): a sum exceeds the "
				    "64-bit columns of csv_hist",
				    (long long)dst->bin_lo[j],
				    (long long)dst->bin_hi[j]);
	if (over)
		return fm_error_set(err, FM_EINVAL,
				    "bin [%lld, %lld): subtracting more than "
				    "the window holds",
				    (long long)dst->bin_lo[j],
				    (long long)dst->bin_hi[j]);
	return 0;
}

/* out = win + sign * p, merged by bin_lo; bins left without flows go. */
static int merge(const struct fm_hist_window *w, const struct fm_histogram *p,
		 int sign, struct fm_histogram *out, struct fm_error *err)
{
	const struct fm_histogram *a = &w->win;
	size_t i = 0, k = 0;
	int r = empty_like(w, out, err);

	if (r == 0)
		r = fm_histogram_reserve(out, a->n + (sign > 0 ? p->n : 0),
					 err);
	while (r == 0 && (i < a->n || k < p->n)) {
		if (k == p->n || (i < a->n && a->bin_lo[i] < p->bin_lo[k])) {
			r = copy_bin(out, a, i++, err);
			continue;
		}
		if (i == a->n || p->bin_lo[k] < a->bin_lo[i]) {
			if (sign < 0)
				return fm_error_set(err, FM_EINVAL,
						    "bin %lld: not in the "
						    "window",
						    (long long)p->bin_lo[k]);
			r = copy_bin(out, p, k++, err);
			continue;
		}
		r = copy_bin(out, a, i++, err);
		if (r == 0)
			r = combine_bin(out, p, k++, sign, err);
		if (r == 0 && out->flows && out->flows[out->n - 1] == 0)
			out->n--;
	}
	return r;
}

/* Re-sum h's rate column from the parts, in the order added. */
static void resum_rate(const struct fm_hist_window *w, struct fm_histogram *h)
{
	if (!h->rate)
		return;
	memset(h->rate, 0, h->n * sizeof(*h->rate));
	for (size_t q = 0; q < w->nparts; q++) {
		const struct fm_histogram *p = &w->parts[q].h;
		size_t i = 0;
		for (size_t k = 0; k < p->n; k++) {
			while (i < h->n && h->bin_lo[i] < p->bin_lo[k])
				i++;
			if (i < h->n && h->bin_lo[i] == p->bin_lo[k])
				h->rate[i] += p->rate[k];
		}
	}
}

int fm_hist_window_add_part(struct fm_hist_window *w, uint64_t id,
			    struct fm_histogram *h, uint64_t records,
			    struct fm_error *err)
{
	struct fm_histogram next;
	int r;

	if (h->ncols != w->win.ncols ||
	    memcmp(h->order, w->win.order, h->ncols * sizeof(*h->order)))
		return fm_error_set(err, FM_EINVAL,
				    "a part with other columns than the "
				    "window's");
	if (w->nparts == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 16;
		struct part *np = realloc(w->parts, nc * sizeof(*np));
		if (!np)
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		w->parts = np;
		w->cap = nc;
	}
	fm_histogram_init(&next);
	if ((r = merge(w, h, 1, &next, err)) < 0) {
		fm_histogram_release(&next);
		return r;
	}
	w->parts[w->nparts].id = id;
	w->parts[w->nparts].records = records;
	w->parts[w->nparts++].h = *h;
	fm_histogram_init(h);
	resum_rate(w, &next);
	fm_histogram_release(&w->win);
	w->win = next;
	w->records += records;
	return 0;
}

/* A histogram of what s or b gives, with opts on one thread. */
static int bin_part(const struct fm_hist_opts *opts, struct fm_scan *s,
		    const struct fm_batch *b, struct fm_histogram *part,
		    uint64_t *records, uint64_t *zero, struct fm_error *err)
{
	struct fm_hist_opts o = *opts;
	struct fm_hist *h = NULL;
	int r;

	o.threads = 1;
	o.progress = NULL;
	fm_histogram_init(part);
	r = fm_hist_new(&h, &o, err);
	if (r == 0)
		r = s ? fm_hist_add_scan(h, s, err) : fm_hist_add(h, b, err);
	if (r == 0)
		r = fm_hist_result(h, part, err);
	if (r == 0) {
		*records = fm_hist_records(h);
		if (zero)
			*zero = fm_hist_zero_packets(h);
	} else
		fm_histogram_release(part);
	fm_hist_free(h);
	return r;
}

int fm_hist_part_scan(const struct fm_hist_opts *opts, struct fm_scan *s,
		      struct fm_histogram *part, uint64_t *records,
		      uint64_t *zero_packets, struct fm_error *err)
{
	return bin_part(opts, s, NULL, part, records, zero_packets, err);
}

/* Bin what s or b gives into a part of its own and add it. */
static int add_from(struct fm_hist_window *w, uint64_t id, struct fm_scan *s,
		    const struct fm_batch *b, uint64_t *zero,
		    struct fm_error *err)
{
	struct fm_histogram part;
	uint64_t records = 0;
	int r = bin_part(&w->opts, s, b, &part, &records, zero, err);

	if (r == 0)
		r = fm_hist_window_add_part(w, id, &part, records, err);
	fm_histogram_release(&part);
	return r;
}

int fm_hist_window_add_scan(struct fm_hist_window *w, uint64_t id,
			    struct fm_scan *s, uint64_t *zero_packets,
			    struct fm_error *err)
{
	return add_from(w, id, s, NULL, zero_packets, err);
}

int fm_hist_window_add_batch(struct fm_hist_window *w, uint64_t id,
			     const struct fm_batch *b, struct fm_error *err)
{
	return add_from(w, id, NULL, b, NULL, err);
}

int fm_hist_window_drop(struct fm_hist_window *w, uint64_t id,
			struct fm_error *err)
{
	struct fm_histogram next;
	size_t q;
	int r;

	for (q = 0; q < w->nparts && w->parts[q].id != id; q++)
		;
	if (q == w->nparts)
		return 0;
	fm_histogram_init(&next);
	if ((r = merge(w, &w->parts[q].h, -1, &next, err)) < 0) {
		fm_histogram_release(&next);
		return r;
	}
	w->records -= w->parts[q].records;
	fm_histogram_release(&w->parts[q].h);
	memmove(w->parts + q, w->parts + q + 1,
		(w->nparts - q - 1) * sizeof(*w->parts));
	w->nparts--;
	resum_rate(w, &next);
	fm_histogram_release(&w->win);
	w->win = next;
	return 0;
}

const struct fm_histogram *fm_hist_window_result(const struct fm_hist_window *w)
{
	return &w->win;
}

uint64_t fm_hist_window_records(const struct fm_hist_window *w)
{
	return w->records;
}

size_t fm_hist_window_parts(const struct fm_hist_window *w)
{
	return w->nparts;
}
