/*
 * compare.c - distances between two histograms over the union of their
 * bins (see compare.h; formulas and sources in docs/commands/compare.md).
 */
#include <math.h>
#include <stdlib.h>

#include "flowmodels/compare.h"

void fm_bin_union_init(struct fm_bin_union *u)
{
	u->n = 0;
	u->lo = u->hi = NULL;
	u->ia = u->ib = NULL;
}

void fm_bin_union_release(struct fm_bin_union *u)
{
	free(u->lo);
	free(u->hi);
	free(u->ia);
	free(u->ib);
	fm_bin_union_init(u);
}

static void union_add(struct fm_bin_union *u, int64_t lo, int64_t hi, size_t ia,
		      size_t ib)
{
	u->lo[u->n] = lo;
	u->hi[u->n] = hi;
	u->ia[u->n] = ia;
	u->ib[u->n] = ib;
	u->n++;
}

int fm_bin_union_make(struct fm_bin_union *u, const struct fm_histogram *a,
		      const char *name_a, const struct fm_histogram *b,
		      const char *name_b, struct fm_error *err)
{
	size_t cap = a->n + b->n, i = 0, j = 0;

	fm_bin_union_release(u);
	u->lo = malloc((cap ? cap : 1) * sizeof(int64_t));
	u->hi = malloc((cap ? cap : 1) * sizeof(int64_t));
	u->ia = malloc((cap ? cap : 1) * sizeof(size_t));
	u->ib = malloc((cap ? cap : 1) * sizeof(size_t));
	if (!u->lo || !u->hi || !u->ia || !u->ib) {
		fm_bin_union_release(u);
		return fm_error_set(err, FM_ENOMEM, "compare: out of memory");
	}
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->bin_hi[i] <= b->bin_lo[j])) {
			union_add(u, a->bin_lo[i], a->bin_hi[i], i, SIZE_MAX);
			i++;
		} else if (i == a->n || b->bin_hi[j] <= a->bin_lo[i]) {
			union_add(u, b->bin_lo[j], b->bin_hi[j], SIZE_MAX, j);
			j++;
		} else if (a->bin_lo[i] == b->bin_lo[j] &&
			   a->bin_hi[i] == b->bin_hi[j]) {
			union_add(u, a->bin_lo[i], a->bin_hi[i], i, j);
			i++;
			j++;
		} else {
			int r = fm_error_set(
			    err, FM_EINVAL,
			    "different bins: %s [%lld, %lld) against %s "
			    "[%lld, %lld)",
			    name_a, (long long)a->bin_lo[i],
			    (long long)a->bin_hi[i], name_b,
			    (long long)b->bin_lo[j], (long long)b->bin_hi[j]);
			fm_bin_union_release(u);
			return r;
		}
	}
	return 0;
}

/* The column of h over the union (0 where h has no bin). */
static int union_column(const struct fm_histogram *h, const char *name,
			const struct fm_bin_union *u, const size_t *idx,
			enum fm_hcol y, double *out, double *total,
			struct fm_error *err)
{
	double t = 0;

	if (!fm_histogram_has(h, y))
		return fm_error_set(err, FM_EINVAL,
				    "%s: histogram has no column '%s_sum'",
				    name, fm_hcol_name(y));
	for (size_t k = 0; k < u->n; k++) {
		out[k] =
		    idx[k] == SIZE_MAX ? 0.0 : fm_histogram_get(h, y, idx[k]);
		if (!isfinite(out[k]) || out[k] < 0)
			return fm_error_set(
			    err, FM_EINVAL,
			    "%s: bin [%lld, %lld): %s_sum %g is negative or "
			    "not finite",
			    name, (long long)u->lo[k], (long long)u->hi[k],
			    fm_hcol_name(y), out[k]);
		t += out[k];
	}
	if (!(t > 0))
		return fm_error_set(err, FM_EINVAL,
				    "%s: %s_sum is 0 in every bin", name,
				    fm_hcol_name(y));
	*total = t;
	return 0;
}

/* One distribution's contribution to the JS divergence, in bits. */
static double js_term(double p, double m)
{
	return p > 0 ? p * log2(p / m) : 0.0;
}

int fm_compare_column(const struct fm_histogram *a, const char *name_a,
		      const struct fm_histogram *b, const char *name_b,
		      const struct fm_bin_union *u, enum fm_hcol y,
		      struct fm_compare *c, double *ratio, struct fm_error *err)
{
	double *va, *vb, ca = 0, cb = 0, ks = 0, wd = 0, js = 0;
	int r;

	if (u->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "compare: the histograms have no bins");
	if (u->lo[0] <= 0)
		return fm_error_set(
		    err, FM_EINVAL,
		    "compare: bin_lo %lld <= 0: log10(x) is undefined",
		    (long long)u->lo[0]);
	va = malloc(u->n * sizeof(double));
	vb = malloc(u->n * sizeof(double));
	if (!va || !vb) {
		free(va);
		free(vb);
		return fm_error_set(err, FM_ENOMEM, "compare: out of memory");
	}
	r = union_column(a, name_a, u, u->ia, y, va, &c->n_a, err);
	if (r == 0)
		r = union_column(b, name_b, u, u->ib, y, vb, &c->n_b, err);
	for (size_t k = 0; r == 0 && k < u->n; k++) {
		double pa = va[k] / c->n_a, pb = vb[k] / c->n_b,
		       m = 0.5 * (pa + pb);
		ca += va[k];
		cb += vb[k];
		double d = fabs(ca / c->n_a - cb / c->n_b);
		if (d > ks)
			ks = d;
		if (k + 1 < u->n)
			wd += d * (log10((double)u->lo[k + 1]) -
				   log10((double)u->lo[k]));
		js += 0.5 * js_term(pa, m) + 0.5 * js_term(pb, m);
		if (ratio)
			ratio[k] = pa > 0 ? pb / pa : (pb > 0 ? INFINITY : NAN);
	}
	if (r == 0) {
		c->ks = ks;
		c->wasserstein_log10 = wd;
		c->js_divergence = js;
	}
	free(va);
	free(vb);
	return r;
}
