/*
 * hist-naive.h - the histogram of SPEC 6 the slow, obvious way, shared by
 * the hist tests (test-hist.c, test-hist-kernels.c): bins from the formula
 * in 128-bit arithmetic, records sorted by bin then record order (the
 * first record of a bin gives its bin_hi), sums in 128 bits, csv_hist
 * text; and the fast result as the same text.  Included by one test file
 * each (static functions).
 */
#ifndef FM_TEST_HIST_NAIVE_H
#define FM_TEST_HIST_NAIVE_H

#include <math.h>
#include <stdlib.h>

#include "flowmodels/buf.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "testutil.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

static int naive_bitlen(u128 x)
{
	int n = 0;
	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

/* floor(x / w) * w and + w, for any sign; b = 0: unit bins */
static void naive_bin(i128 x, int b, i128 *lo, i128 *hi)
{
	if (b == 0) {
		*lo = x;
		*hi = x + 1;
		return;
	}
	int bl = naive_bitlen(x < 0 ? (u128)(-x) : (u128)x);
	i128 w = (i128)1 << (bl - b > 0 ? bl - b : 0);
	i128 q = x / w;
	if (x % w != 0 && x < 0)
		q--;
	*lo = q * w;
	*hi = *lo + w;
}

/* A record as the histogram sees it: packets, octets, first, first_ms,
 * last, last_ms, aggs. */
struct rec {
	int64_t p, o, f, fm, l, lm, a;
};

/* A record's bin, duration and rate, and its place in the input. */
struct nrec {
	i128 lo, hi;
	size_t i;
	int64_t dur;
	double rate;
};

static int cmp_nrec(const void *a, const void *b)
{
	const struct nrec *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void put_i128(struct fm_buf *o, i128 v)
{
	char tmp[64];
	int n = 0, neg = v < 0;
	u128 u = neg ? (u128)(-v) : (u128)v;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (neg)
		fm_buf_addch(o, '-');
	while (n)
		fm_buf_addch(o, tmp[--n]);
}

/*
 * The rate the obvious way: a plain division when both operands are exact
 * doubles, else fm_hist_rate (its long division is checked against the
 * definition in test-hist.c).
 */
static double naive_rate(uint64_t oc, int64_t dur)
{
	if (dur == 0)
		return 0.0;
	if (oc < (UINT64_C(1) << 53) / 8000)
		return (double)(int64_t)(8000 * oc) / (double)dur;
	return fm_hist_rate(oc, dur);
}

static char *naive_hist(const struct rec *r, size_t n, enum fm_hist_x x,
			int bexp, const enum fm_hist_col *cols, size_t ncols)
{
	struct nrec *recs = calloc(n + 1, sizeof(*recs));
	struct fm_buf o = FM_BUF_INIT;

	assert_non_null(recs);
	size_t m = 0; /* records binned: those with 0 packets are skipped */
	for (size_t i = 0; i < n; i++) {
		if (r[i].p == 0)
			continue;
		int64_t dur =
		    r[i].p == 1 ? 0
				: (r[i].l - r[i].f) * 1000 + r[i].lm - r[i].fm;
		double rate = naive_rate((uint64_t)r[i].o, dur);
		i128 xv = x == FM_HIST_X_LENGTH	    ? (i128)(uint64_t)r[i].p
			  : x == FM_HIST_X_SIZE	    ? (i128)(uint64_t)r[i].o
			  : x == FM_HIST_X_DURATION ? (i128)dur
						    : (i128)floor(rate);
		naive_bin(xv, bexp >= 64 ? 0 : bexp, &recs[m].lo, &recs[m].hi);
		recs[m].i = i;
		recs[m].dur = dur;
		recs[m].rate = rate;
		m++;
	}
	n = m;
	qsort(recs, n, sizeof(*recs), cmp_nrec);
	fm_buf_addstr(&o, "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum");
	for (size_t c = 0; c < ncols; c++)
		fm_buf_printf(&o, ",%s_sum", fm_hist_col_name(cols[c]));
	fm_buf_addch(&o, '\n');
	for (size_t s = 0; s < n;) {
		size_t e = s;
		i128 flows = 0, packets = 0, octets = 0, duration = 0, aggs = 0;
		double rate = 0.0;
		/* the bin's records in record order; its first gives bin_hi */
		for (; e < n && recs[e].lo == recs[s].lo; e++) {
			const struct rec *q = &r[recs[e].i];
			flows++;
			packets += (uint64_t)q->p;
			octets += (uint64_t)q->o;
			duration += recs[e].dur;
			aggs += q->a;
			rate += recs[e].rate;
		}
		put_i128(&o, recs[s].lo);
		fm_buf_addch(&o, ',');
		put_i128(&o, recs[s].hi);
		fm_buf_addch(&o, ',');
		put_i128(&o, flows);
		fm_buf_addch(&o, ',');
		put_i128(&o, packets);
		fm_buf_addch(&o, ',');
		put_i128(&o, octets);
		for (size_t c = 0; c < ncols; c++) {
			fm_buf_addch(&o, ',');
			if (cols[c] == FM_HIST_COL_DURATION)
				put_i128(&o, duration);
			else if (cols[c] == FM_HIST_COL_AGGS)
				put_i128(&o, aggs);
			else
				fm_buf_printf(&o, "%.0f",
					      trunc(rate) == 0 ? 0.0
							       : trunc(rate));
		}
		fm_buf_addch(&o, '\n');
		s = e;
	}
	free(recs);
	return fm_buf_detach(&o);
}

/* The fast histogram's result as csv_hist text. */
static char *result_text(struct fm_hist *h)
{
	struct fm_histogram res;
	struct fm_error err = {0};
	struct fm_buf o = FM_BUF_INIT;

	if (fm_hist_result(h, &res, &err) < 0)
		fail_msg("fm_hist_result: %s", err.msg);
	assert_int_equal(fm_histogram_format(&res, &o, &err), 0);
	fm_histogram_release(&res);
	return fm_buf_detach(&o);
}

#endif
