/*
 * histmerge.c - add up csv_hist histograms of parts of one dataset
 * (histmerge.h).
 *
 * The bins of all inputs are gathered as (bin_lo, input, bin) entries,
 * sorted by bin_lo and then input, and swept: entries of one bin_lo must
 * agree on bin_hi and become one output bin whose sums are added in
 * 128-bit integers (rate_sum in double, in input order).  The output's
 * bins are then checked to be ascending and not overlapping.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/histmerge.h"
#include "flowmodels/summary.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

static int bitlen_u64(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

int fm_histmerge_detect_x(const struct fm_histogram *h, struct fm_error *err)
{
	/* as summary does (the same detection, the same message) */
	int k = fm_xkind_detect(h, err);

	switch (k) {
	case FM_X_LENGTH:
		return FM_HIST_X_LENGTH;
	case FM_X_SIZE:
		return FM_HIST_X_SIZE;
	case FM_X_DURATION:
		return FM_HIST_X_DURATION;
	case FM_X_RATE:
		return FM_HIST_X_RATE;
	default:
		return k < 0
			   ? k
			   : fm_error_set(err, FM_EINVAL,
					  "cannot detect the x value: give -x");
	}
}

int fm_histmerge_bin_exp(const struct fm_histogram *h, int *exp, int *unit_bits,
			 struct fm_error *err)
{
	int b = -1, ub = 0;
	size_t at = 0;

	for (size_t i = 0; i < h->n; i++) {
		int64_t lo = h->bin_lo[i];
		uint64_t w = (uint64_t)h->bin_hi[i] - (uint64_t)lo;
		if (lo < 0)
			continue;
		if (w == 1) {
			if (bitlen_u64((uint64_t)lo) > ub)
				ub = bitlen_u64((uint64_t)lo);
			continue;
		}
		int k = bitlen_u64(w) - 1;
		int bi = bitlen_u64((uint64_t)lo) - k;
		if ((w & (w - 1)) || ((uint64_t)lo & (w - 1)) || bi < 1)
			return fm_error_set(
			    err, FM_EFORMAT,
			    "bin [%lld,%lld) is not a bin of hist -b B "
			    "(width a power of two 2^k, bin_lo a multiple "
			    "of it with k = bitlen(bin_lo) - B)",
			    (long long)lo, (long long)h->bin_hi[i]);
		if (b >= 0 && bi != b)
			return fm_error_set(
			    err, FM_EFORMAT,
			    "bins of two bin exponents: [%lld,%lld) is of "
			    "-b %d, [%lld,%lld) of -b %d",
			    (long long)h->bin_lo[at], (long long)h->bin_hi[at],
			    b, (long long)lo, (long long)h->bin_hi[i], bi);
		b = bi;
		at = i;
	}
	if (b >= 0 && ub > b)
		return fm_error_set(
		    err, FM_EFORMAT,
		    "bins of two bin exponents: [%lld,%lld) is of -b %d, but "
		    "a unit bin starts at a value of %d bits",
		    (long long)h->bin_lo[at], (long long)h->bin_hi[at], b, ub);
	*exp = b;
	*unit_bits = ub;
	return 0;
}

static void cols_text(const struct fm_histogram *h, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (size_t k = 0; k < h->ncols && len < size; k++)
		len +=
		    (size_t)snprintf(buf + len, size - len, "%s%s_sum",
				     k ? "," : "", fm_hcol_name(h->order[k]));
}

/* Same x, columns and bin exponent for every input. */
static int check_inputs(const struct fm_histogram *in, const char *const *names,
			size_t n, int x, struct fm_error *err)
{
	int x0 = x, b0 = -1, ub0 = 0;
	size_t bat = 0, ubat = 0;
	char c0[160], c1[160];

	for (size_t i = 0; i < n; i++) {
		int xi = x, b, ub, r;
		if (in[i].cols != in[0].cols) {
			cols_text(&in[0], c0, sizeof(c0));
			cols_text(&in[i], c1, sizeof(c1));
			return fm_error_set(
			    err, FM_EINVAL,
			    "different columns: %s has %s, %s has %s", names[0],
			    c0, names[i], c1);
		}
		if (x < 0 && (xi = fm_histmerge_detect_x(&in[i], err)) < 0) {
			fm_error_prefix(err, "%s", names[i]);
			return xi;
		}
		if (x0 < 0)
			x0 = xi;
		if (xi != x0)
			return fm_error_set(
			    err, FM_EINVAL,
			    "different x: %s is a %s histogram, %s a %s "
			    "histogram",
			    names[0], fm_hist_x_name((enum fm_hist_x)x0),
			    names[i], fm_hist_x_name((enum fm_hist_x)xi));
		if ((r = fm_histmerge_bin_exp(&in[i], &b, &ub, err)) < 0) {
			fm_error_prefix(err, "%s", names[i]);
			return r;
		}
		if (b >= 0 && b0 >= 0 && b != b0)
			return fm_error_set(err, FM_EINVAL,
					    "different bin exponents: %s has "
					    "-b %d, %s has -b %d",
					    names[bat], b0, names[i], b);
		if (b >= 0 && ub0 > b)
			return fm_error_set(
			    err, FM_EINVAL,
			    "different bin exponents: %s has -b %d, %s has a "
			    "unit bin at a value of %d bits",
			    names[i], b, names[ubat], ub0);
		if (b0 >= 0 && ub > b0)
			return fm_error_set(
			    err, FM_EINVAL,
			    "different bin exponents: %s has -b %d, %s has a "
			    "unit bin at a value of %d bits",
			    names[bat], b0, names[i], ub);
		if (b >= 0 && b0 < 0) {
			b0 = b;
			bat = i;
		}
		if (ub > ub0) {
			ub0 = ub;
			ubat = i;
		}
	}
	return 0;
}

struct bref {
	int64_t lo;
	uint32_t file;
	uint32_t bin;
};

static int bref_cmp(const void *pa, const void *pb)
{
	const struct bref *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

/* Add the sums of bins e[0..k) (one bin_lo) into out's bin j. */
static int add_bin(struct fm_histogram *out, const struct fm_histogram *in,
		   const struct bref *e, size_t k, size_t j,
		   struct fm_error *err)
{
	for (size_t c = 0; c < out->ncols; c++) {
		enum fm_hcol col = out->order[c];
		if (col == FM_HCOL_RATE) {
			double s = 0.0;
			for (size_t t = 0; t < k; t++)
				s += in[e[t].file].rate[e[t].bin];
			out->rate[j] = s;
		} else if (col == FM_HCOL_DURATION) {
			i128 s = 0;
			for (size_t t = 0; t < k; t++)
				s += in[e[t].file].duration[e[t].bin];
			if (s > INT64_MAX || s < INT64_MIN)
				return fm_error_set(
				    err, FM_ERANGE,
				    "bin [%lld,%lld): duration_sum does not "
				    "fit 64 bits",
				    (long long)out->bin_lo[j],
				    (long long)out->bin_hi[j]);
			out->duration[j] = (int64_t)s;
		} else {
			u128 s = 0;
			for (size_t t = 0; t < k; t++)
				s += fm_histogram_ucol(&in[e[t].file],
						       col)[e[t].bin];
			if (s > UINT64_MAX)
				return fm_error_set(
				    err, FM_ERANGE,
				    "bin [%lld,%lld): %s_sum does not fit 64 "
				    "bits",
				    (long long)out->bin_lo[j],
				    (long long)out->bin_hi[j],
				    fm_hcol_name(col));
			((uint64_t *)fm_histogram_ucol(out, col))[j] =
			    (uint64_t)s;
		}
	}
	return 0;
}

/* The sweep over the sorted entries e[0..ne). */
static int sweep(struct fm_histogram *out, const struct fm_histogram *in,
		 const char *const *names, const struct bref *e, size_t ne,
		 struct fm_error *err)
{
	int r = 0;

	for (size_t i = 0; i < ne && r == 0;) {
		size_t k = 1;
		int64_t hi = in[e[i].file].bin_hi[e[i].bin];
		while (i + k < ne && e[i + k].lo == e[i].lo) {
			int64_t h2 = in[e[i + k].file].bin_hi[e[i + k].bin];
			if (h2 != hi)
				return fm_error_set(
				    err, FM_EINVAL,
				    "different bins: %s has [%lld,%lld), %s "
				    "has [%lld,%lld) (different bin "
				    "exponents?)",
				    names[e[i].file], (long long)e[i].lo,
				    (long long)hi, names[e[i + k].file],
				    (long long)e[i].lo, (long long)h2);
			k++;
		}
		r = fm_histogram_add_bin(out, e[i].lo, hi, err);
		if (r == 0)
			r = add_bin(out, in, e + i, k, out->n - 1, err);
		i += k;
	}
	return r;
}

int fm_histmerge(struct fm_histogram *out, const struct fm_histogram *in,
		 const char *const *names, size_t n, int x,
		 struct fm_error *err)
{
	struct bref *e;
	size_t ne = 0;
	int r;

	fm_histogram_release(out);
	if (n == 0)
		return fm_error_set(err, FM_EINVAL, "no histograms to merge");
	if (n > UINT32_MAX)
		return fm_error_set(err, FM_EINVAL, "too many histograms");
	if ((r = check_inputs(in, names, n, x, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (in[i].n > UINT32_MAX || ne + in[i].n < ne)
			return fm_error_set(err, FM_ENOMEM, "too many bins");
		ne += in[i].n;
	}
	e = malloc((ne ? ne : 1) * sizeof(*e));
	if (!e)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	ne = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < in[i].n; j++)
			e[ne++] = (struct bref){in[i].bin_lo[j], (uint32_t)i,
						(uint32_t)j};
	qsort(e, ne, sizeof(*e), bref_cmp);
	r = fm_histogram_setup(out, in[0].order, in[0].ncols, err);
	if (r == 0)
		r = fm_histogram_reserve(out, ne, err);
	if (r == 0)
		r = sweep(out, in, names, e, ne, err);
	if (r == 0 && (r = fm_histogram_check(out, err)) < 0)
		fm_error_prefix(err, "merged bins overlap");
	free(e);
	if (r < 0)
		fm_histogram_release(out);
	return r;
}
