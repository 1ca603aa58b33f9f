/*
 * chartdata.c - the numbers behind the charts (see chartdata.h).
 *
 * Design: every quantity is a small loop over either the grid (~128
 * points) or the bins, in the reference's order of floating-point
 * operations (numpy.geomspace + rint for the grid, scipy's interp1d for
 * the CDF line, pandas' column divisions for the points), so the curves
 * match the reference's figures.  The bundle (fm_chartdata_build) is what
 * both the gnuplot export and the workbench views consume; it allocates
 * each array separately and releases them all on any failure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/chartdata.h"
#include "flowmodels/fileout.h"
#include "flowmodels/summary.h"

size_t fm_chart_grid(double xmin, double xmax, size_t n, double *out)
{
	double la, lb, step;
	size_t m = 0;

	if (n == 0 || !(xmin > 0) || !(xmax >= xmin) || !isfinite(xmax))
		return 0;
	la = log10(xmin);
	lb = log10(xmax);
	step = n > 1 ? (lb - la) / (double)(n - 1) : 0;
	for (size_t i = 0; i < n; i++) {
		double g;

		if (i == 0)
			g = xmin;
		else if (i == n - 1)
			g = xmax;
		else
			g = pow(10.0, la + (double)i * step);
		g = nearbyint(g); /* half to even, like numpy.rint */
		if (m == 0 || g != out[m - 1])
			out[m++] = g;
	}
	return m;
}

double fm_chart_symlog(double x)
{
	return x < 0 ? -log10(1 - x) : log10(1 + x);
}

double fm_chart_symlog_inv(double t)
{
	return t < 0 ? 1 - pow(10, -t) : pow(10, t) - 1;
}

size_t fm_chart_grid_symlog(double xmin, double xmax, size_t n, double *out)
{
	double ta, tb, step;
	size_t m = 0;

	if (n == 0 || !(xmax >= xmin) || !isfinite(xmin) || !isfinite(xmax))
		return 0;
	ta = fm_chart_symlog(xmin);
	tb = fm_chart_symlog(xmax);
	step = n > 1 ? (tb - ta) / (double)(n - 1) : 0;
	for (size_t i = 0; i < n; i++) {
		double g = i == 0 ? xmin
			   : i == n - 1
			       ? xmax
			       : fm_chart_symlog_inv(ta + (double)i * step);
		g = nearbyint(g);
		if (m == 0 || g != out[m - 1])
			out[m++] = g;
	}
	return m;
}

/* The uint64 column c, or NULL (with err) when absent. */
static const uint64_t *ucol(const struct fm_histogram *h, enum fm_hcol c,
			    struct fm_error *err)
{
	const uint64_t *v = fm_histogram_ucol(h, c);

	if (!v)
		fm_error_set(err, FM_EINVAL, "histogram has no column '%s_sum'",
			     fm_hcol_name(c) ? fm_hcol_name(c) : "?");
	else if (h->n == 0) {
		fm_error_set(err, FM_EINVAL, "histogram has no bins");
		v = NULL;
	}
	return v;
}

static double col_total(const uint64_t *v, size_t n)
{
	unsigned __int128 t = 0;

	for (size_t i = 0; i < n; i++)
		t += v[i];
	return (double)t;
}

/* interp1d(bin_lo, cdf, bounds_error=False)(p): NaN outside the range. */
static double interp(const int64_t *xs, const double *ys, size_t n, double p)
{
	size_t lo = 0, hi = n, k;

	if (!(p >= (double)xs[0] && p <= (double)xs[n - 1]))
		return NAN;
	if (n == 1)
		return ys[0];
	while (lo < hi) { /* searchsorted, side='left' */
		size_t mid = lo + (hi - lo) / 2;
		if ((double)xs[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	k = lo < 1 ? 1 : lo > n - 1 ? n - 1 : lo;
	double slope =
	    (ys[k] - ys[k - 1]) / ((double)xs[k] - (double)xs[k - 1]);
	return slope * (p - (double)xs[k - 1]) + ys[k - 1];
}

int fm_chart_data_cdf(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err)
{
	const uint64_t *v = ucol(h, c, err);
	double *cdf;
	int r;

	if (!v)
		return FM_EINVAL;
	if (col_total(v, h->n) <= 0)
		return fm_error_set(err, FM_EINVAL, "column '%s_sum' sums to 0",
				    fm_hcol_name(c));
	cdf = malloc(h->n * sizeof(*cdf));
	if (!cdf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_summary_cdf(h, c, cdf, err);
	if (r == 0)
		for (size_t i = 0; i < n; i++)
			out[i] = interp(h->bin_lo, cdf, h->n, x[i]);
	free(cdf);
	return r;
}

void fm_chart_pdf_from_cdf(const double *x, const double *cdf, size_t n,
			   double *out)
{
	if (n == 0)
		return;
	out[0] = cdf[0];
	for (size_t i = 1; i < n; i++)
		out[i] = (cdf[i] - cdf[i - 1]) / (x[i] - x[i - 1]);
}

int fm_chart_data_pdf(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err)
{
	double *cdf = malloc((n ? n : 1) * sizeof(*cdf));
	int r;

	if (!cdf)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_chart_data_cdf(h, c, x, n, cdf, err);
	if (r == 0)
		fm_chart_pdf_from_cdf(x, cdf, n, out);
	free(cdf);
	return r;
}

int fm_chart_data_points(const struct fm_histogram *h, enum fm_hcol c,
			 int normalize, double *out, struct fm_error *err)
{
	const uint64_t *v = ucol(h, c, err);
	double tot;

	if (!v)
		return FM_EINVAL;
	tot = col_total(v, h->n);
	for (size_t i = 0; i < h->n; i++) {
		double y = (double)v[i];

		if (normalize) {
			int64_t next =
			    i + 1 < h->n ? h->bin_lo[i + 1] : h->bin_hi[i];
			y /= (double)(next - h->bin_lo[i]);
		}
		out[i] = y / tot;
	}
	return 0;
}

int fm_chart_avg_points(const struct fm_histogram *h, enum fm_hcol c,
			double *out, struct fm_error *err)
{
	const uint64_t *v = ucol(h, c, err), *f;

	if (!v || !(f = ucol(h, FM_HCOL_FLOWS, err)))
		return FM_EINVAL;
	for (size_t i = 0; i < h->n; i++)
		out[i] = f[i] ? (double)v[i] / (double)f[i] : NAN;
	return 0;
}

/* out = scale * pdf(num) / pdf(den) on the grid. */
static int ratio_line(const struct fm_histogram *h, enum fm_hcol num,
		      enum fm_hcol den, const double *x, size_t n, double *out,
		      struct fm_error *err)
{
	const uint64_t *a = ucol(h, num, err), *b;
	double *pd, scale;
	int r;

	if (!a || !(b = ucol(h, den, err)))
		return FM_EINVAL;
	scale = col_total(a, h->n) / col_total(b, h->n);
	pd = malloc((n ? n : 1) * sizeof(*pd));
	if (!pd)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_chart_data_pdf(h, num, x, n, out, err);
	if (r == 0)
		r = fm_chart_data_pdf(h, den, x, n, pd, err);
	if (r == 0)
		for (size_t i = 0; i < n; i++)
			out[i] = scale * out[i] / pd[i];
	free(pd);
	return r;
}

int fm_chart_avg_line(const struct fm_histogram *h, enum fm_hcol c,
		      const double *x, size_t n, double *out,
		      struct fm_error *err)
{
	return ratio_line(h, c, FM_HCOL_FLOWS, x, n, out, err);
}

int fm_chart_ps_points(const struct fm_histogram *h, double *out,
		       struct fm_error *err)
{
	const uint64_t *o = ucol(h, FM_HCOL_OCTETS, err), *p;

	if (!o || !(p = ucol(h, FM_HCOL_PACKETS, err)))
		return FM_EINVAL;
	for (size_t i = 0; i < h->n; i++)
		out[i] = p[i] ? (double)o[i] / (double)p[i] : NAN;
	return 0;
}

int fm_chart_ps_line(const struct fm_histogram *h, const double *x, size_t n,
		     double *out, struct fm_error *err)
{
	return ratio_line(h, FM_HCOL_OCTETS, FM_HCOL_PACKETS, x, n, out, err);
}

void fm_chart_mix_cdf(const struct fm_mixture *m, const double *x, size_t n,
		      double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = fm_mixture_cdf(m, x[i]);
}

void fm_chart_mix_pdf(const struct fm_mixture *m, enum fm_mix_x xk,
		      const double *x, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = fm_mixture_pdf(m, x[i], xk);
}

void fm_chart_comp_cdf(const struct fm_mixture *m, size_t k, const double *x,
		       size_t n, double *out)
{
	const struct fm_component *c = &m->comp[k];
	double w = c->weight / fm_mixture_weight_sum(m);

	for (size_t i = 0; i < n; i++)
		out[i] = w * fm_dist_cdf(c->dist, c->p, x[i]);
}

void fm_chart_comp_pdf(const struct fm_mixture *m, size_t k, enum fm_mix_x xk,
		       const double *x, size_t n, double *out)
{
	const struct fm_component *c = &m->comp[k];
	double w = c->weight / fm_mixture_weight_sum(m);
	double xmin = xk == FM_MIX_X_SIZE ? 64 : 1;

	for (size_t i = 0; i < n; i++) {
		if (xk == FM_MIX_X_OTHER || x[i] >= 1024) {
			out[i] = w * fm_dist_pdf(c->dist, c->p, x[i]);
		} else {
			double prev = x[i] == xmin ? 0.0 : x[i] - 1.0;
			out[i] = w * (fm_dist_cdf(c->dist, c->p, x[i]) -
				      fm_dist_cdf(c->dist, c->p, prev));
		}
	}
}

void fm_chart_stack(const double *comp, size_t ncomp, size_t n, double *out)
{
	for (size_t k = 0; k < ncomp; k++)
		for (size_t i = 0; i < n; i++)
			out[k * n + i] =
			    comp[k * n + i] + (k ? out[(k - 1) * n + i] : 0.0);
}

void fm_chart_mix_avg(const struct fm_mixture *flows,
		      const struct fm_mixture *y, enum fm_mix_x xk,
		      const double *x, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = fm_mixture_avg(flows, y, x[i], xk);
}

void fm_chart_mix_ps(const struct fm_mixture *packets,
		     const struct fm_mixture *octets, enum fm_mix_x xk,
		     const double *x, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = fm_mixture_packet_size(packets, octets, x[i], xk);
}

/* ---- the bundle ---- */

static double *arr(size_t n, int *fail)
{
	double *p = calloc(n ? n : 1, sizeof(double));

	if (!p)
		*fail = 1;
	return p;
}

void fm_chartdata_release(struct fm_chartdata *cd)
{
	free(cd->x);
	free(cd->bx);
	for (int c = 0; c < 3; c++) {
		struct fm_chart_col *k = &cd->col[c];
		free(k->cdf);
		free(k->pdf);
		free(k->pts);
		free(k->avg_pts);
		free(k->avg_line);
		free(k->mix_cdf);
		free(k->mix_pdf);
		free(k->comp_cdf);
		free(k->comp_pdf);
		free(k->stack_cdf);
		free(k->stack_pdf);
		free(k->mix_avg);
	}
	free(cd->ps_pts);
	free(cd->ps_line);
	free(cd->ps_mix);
	memset(cd, 0, sizeof(*cd));
}

static int build_mix(struct fm_chartdata *cd, const struct fm_mixture_dir *mix,
		     int *fail)
{
	const struct fm_mixture *ms[3] = {&mix->flows, &mix->packets,
					  &mix->octets};
	size_t n = cd->n;

	for (int c = 0; c < 3; c++) {
		struct fm_chart_col *k = &cd->col[c];
		const struct fm_mixture *m = ms[c];

		k->mix = m;
		k->ncomp = m->n;
		k->mix_cdf = arr(n, fail);
		k->mix_pdf = arr(n, fail);
		k->comp_cdf = arr(m->n * n, fail);
		k->comp_pdf = arr(m->n * n, fail);
		k->stack_cdf = arr(m->n * n, fail);
		k->stack_pdf = arr(m->n * n, fail);
		if (c != FM_HCOL_FLOWS)
			k->mix_avg = arr(n, fail);
		if (*fail)
			return FM_ENOMEM;
		fm_chart_mix_cdf(m, cd->x, n, k->mix_cdf);
		fm_chart_mix_pdf(m, cd->xk, cd->x, n, k->mix_pdf);
		for (size_t j = 0; j < m->n; j++) {
			fm_chart_comp_cdf(m, j, cd->x, n, k->comp_cdf + j * n);
			fm_chart_comp_pdf(m, j, cd->xk, cd->x, n,
					  k->comp_pdf + j * n);
		}
		fm_chart_stack(k->comp_cdf, m->n, n, k->stack_cdf);
		fm_chart_stack(k->comp_pdf, m->n, n, k->stack_pdf);
		if (c != FM_HCOL_FLOWS)
			fm_chart_mix_avg(&mix->flows, m, cd->xk, cd->x, n,
					 k->mix_avg);
	}
	cd->ps_mix = arr(n, fail);
	if (*fail)
		return FM_ENOMEM;
	fm_chart_mix_ps(&mix->packets, &mix->octets, cd->xk, cd->x, n,
			cd->ps_mix);
	return 0;
}

int fm_chartdata_build(struct fm_chartdata *cd, const struct fm_histogram *h,
		       const struct fm_mixture_dir *mix, enum fm_mix_x xk,
		       size_t npoints, int normalize, struct fm_error *err)
{
	int fail = 0, r = 0;
	size_t nb = h->n;

	memset(cd, 0, sizeof(*cd));
	cd->xk = xk;
	cd->normalized = normalize != 0;
	if ((h->cols & FM_HCOL_BASIC) != FM_HCOL_BASIC)
		return fm_error_set(err, FM_EINVAL,
				    "charts need the flows_sum, packets_sum "
				    "and octets_sum columns");
	if (nb == 0)
		return fm_error_set(err, FM_EINVAL, "histogram has no bins");
	cd->symlog = h->bin_lo[0] <= 0;
	for (int c = 0; c < 3; c++)
		if (col_total(ucol(h, (enum fm_hcol)c, NULL), nb) <= 0)
			return fm_error_set(err, FM_EINVAL,
					    "column '%s_sum' sums to 0",
					    fm_hcol_name((enum fm_hcol)c));
	if (npoints == 0)
		npoints = FM_CHART_NPOINTS;
	cd->x = arr(npoints, &fail);
	cd->bx = arr(nb, &fail);
	cd->ps_pts = arr(nb, &fail);
	cd->ps_line = arr(npoints, &fail);
	for (int c = 0; c < 3 && !fail; c++) {
		struct fm_chart_col *k = &cd->col[c];
		k->cdf = arr(npoints, &fail);
		k->pdf = arr(npoints, &fail);
		k->pts = arr(nb, &fail);
		if (c != FM_HCOL_FLOWS) {
			k->avg_pts = arr(nb, &fail);
			k->avg_line = arr(npoints, &fail);
		}
	}
	if (fail) {
		fm_chartdata_release(cd);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (cd->symlog)
		cd->n = fm_chart_grid_symlog((double)h->bin_lo[0],
					     (double)h->bin_lo[nb - 1], npoints,
					     cd->x);
	else
		cd->n =
		    fm_chart_grid((double)h->bin_lo[0],
				  (double)h->bin_lo[nb - 1], npoints, cd->x);
	cd->nbins = nb;
	for (size_t i = 0; i < nb; i++)
		cd->bx[i] = (double)h->bin_lo[i];
	for (int c = 0; c < 3 && r == 0; c++) {
		struct fm_chart_col *k = &cd->col[c];
		enum fm_hcol hc = (enum fm_hcol)c;

		k->total = col_total(ucol(h, hc, NULL), nb);
		r = fm_chart_data_cdf(h, hc, cd->x, cd->n, k->cdf, err);
		if (r == 0) {
			fm_chart_pdf_from_cdf(cd->x, k->cdf, cd->n, k->pdf);
			r = fm_chart_data_points(h, hc, normalize, k->pts, err);
		}
		if (r == 0 && c != FM_HCOL_FLOWS) {
			r = fm_chart_avg_points(h, hc, k->avg_pts, err);
			if (r == 0)
				for (size_t i = 0; i < cd->n; i++)
					k->avg_line[i] =
					    (k->total / cd->col[0].total) *
					    k->pdf[i] / cd->col[0].pdf[i];
		}
	}
	if (r == 0)
		r = fm_chart_ps_points(h, cd->ps_pts, err);
	if (r == 0) {
		double tp = cd->col[FM_HCOL_PACKETS].total;
		double to = cd->col[FM_HCOL_OCTETS].total;

		for (size_t i = 0; i < cd->n; i++)
			cd->ps_line[i] =
			    (to / tp) * cd->col[2].pdf[i] / cd->col[1].pdf[i];
		cd->ps_avg = to / tp;
		cd->ps_min = INFINITY;
		cd->ps_max = -INFINITY;
		for (size_t i = 0; i < nb; i++) {
			if (!isfinite(cd->ps_pts[i]))
				continue;
			if (cd->ps_pts[i] < cd->ps_min)
				cd->ps_min = cd->ps_pts[i];
			if (cd->ps_pts[i] > cd->ps_max)
				cd->ps_max = cd->ps_pts[i];
		}
	}
	if (r == 0 && mix) {
		r = build_mix(cd, mix, &fail);
		if (r < 0)
			fm_error_set(err, r, "out of memory");
	}
	if (r < 0)
		fm_chartdata_release(cd);
	return r;
}

int fm_chartdata_build_model(struct fm_chartdata *cd,
			     const struct fm_chartdata *base,
			     const struct fm_mixture_dir *mix,
			     struct fm_error *err)
{
	int fail = 0, r;

	memset(cd, 0, sizeof(*cd));
	cd->xk = base->xk;
	cd->normalized = base->normalized;
	cd->symlog = base->symlog;
	cd->n = base->n;
	cd->x = arr(base->n, &fail);
	if (fail)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	memcpy(cd->x, base->x, base->n * sizeof(double));
	r = build_mix(cd, mix, &fail);
	if (r < 0) {
		fm_chartdata_release(cd);
		return fm_error_set(err, r, "out of memory");
	}
	return 0;
}

/* ---- time series ---- */

void fm_chart_rolling_mean(const double *v, size_t n, size_t window,
			   double *out)
{
	if (window == 0)
		window = 1;
	for (size_t i = 0; i < n; i++) {
		size_t lo = i + 1 >= window ? i + 1 - window : 0;
		double s = 0;

		for (size_t j = lo; j <= i; j++)
			s += v[j];
		out[i] = s / (double)(i + 1 - lo);
	}
}

int fm_chart_series_read(const char *path, double **out, size_t *n,
			 struct fm_error *err)
{
	char *text = NULL;
	size_t len = 0, cnt = 0, cap = 0, line = 1;
	double *v = NULL;
	int r = fm_file_read_all(path, FM_READ_MAX_TEXT, &text, &len, err);

	*out = NULL;
	*n = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < len && r == 0; line++) {
		size_t j = i;
		uint64_t x = 0;

		while (j < len && text[j] != '\n')
			j++;
		size_t e = j;
		if (e > i && text[e - 1] == '\r')
			e--;
		if (e == i) {
			r = fm_error_set(err, FM_EFORMAT, "%s:%zu: empty line",
					 path, line);
			break;
		}
		for (size_t k = i; k < e; k++) {
			unsigned d = (unsigned char)text[k] - '0';
			if (d > 9 || x > (UINT64_MAX - d) / 10) {
				char qt[FM_QUOTE_SIZE];
				r = fm_error_set(
				    err, FM_EFORMAT,
				    "%s:%zu: not a non-negative integer: '%s'",
				    path, line,
				    fm_quote_input(qt, text + i, e - i));
				break;
			}
			x = x * 10 + d;
		}
		if (r < 0)
			break;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			double *nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				r = fm_error_set(err, FM_ENOMEM,
						 "out of memory");
				break;
			}
			v = nv;
			cap = nc;
		}
		v[cnt++] = (double)x;
		i = j + 1;
	}
	free(text);
	if (r == 0 && cnt == 0)
		r = fm_error_set(err, FM_EFORMAT, "%s: empty file", path);
	if (r < 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = cnt;
	return 0;
}
