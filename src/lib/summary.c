/*
 * summary.c - the TeX tables of `summary` (see summary.h).
 *
 * Totals are exact (128-bit); averages are the quotient of the two totals
 * as doubles (numpy's int64 / int64), printed with 6 decimals; CDF points
 * follow scipy.interpolate.interp1d(kind='linear', bounds_error=False):
 * searchsorted-left for the upper neighbour, clipped to [1, n-1], then
 * slope = (y_hi - y_lo) / (x_hi - x_lo); y = slope * (p - x_lo) + y_lo.
 * The table itself prints fm_summary_share: the exact share wherever the
 * bins tell it (a point between bins, or on a unit bin), 0 before the
 * first bin and 1 past the last, the interpolation only inside a wide bin
 * (a deliberate difference, docs/commands/summary.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "flowmodels/summary.h"

typedef unsigned __int128 u128;

static const char *const xkind_names[] = {NULL, "length", "size", "duration",
					  "rate"};

enum fm_xkind fm_xkind_from_name(const char *name)
{
	for (int k = FM_X_LENGTH; name && k <= FM_X_RATE; k++)
		if (strcmp(name, xkind_names[k]) == 0)
			return (enum fm_xkind)k;
	return FM_X_AUTO;
}

const char *fm_xkind_name(enum fm_xkind k)
{
	return k >= FM_X_LENGTH && k <= FM_X_RATE ? xkind_names[k] : NULL;
}

enum fm_mix_x fm_xkind_mix(enum fm_xkind k)
{
	return k == FM_X_LENGTH ? FM_MIX_X_LENGTH
	       : k == FM_X_SIZE ? FM_MIX_X_SIZE
				: FM_MIX_X_OTHER;
}

/* Y_sum / flows_sum of bin i in [bin_lo, bin_hi): sum in [f lo, f hi). */
static int mean_inside(const struct fm_histogram *h, size_t i, __int128 sum)
{
	__int128 f = (__int128)fm_histogram_ucol(h, FM_HCOL_FLOWS)[i];

	return sum >= f * h->bin_lo[i] && sum < f * h->bin_hi[i];
}

/* Whether the mean of kind k lies inside every bin that has flows. */
static int sums_fit(const struct fm_histogram *h, enum fm_xkind k)
{
	const uint64_t *f = fm_histogram_ucol(h, FM_HCOL_FLOWS);
	const uint64_t *y =
	    k == FM_X_LENGTH ? fm_histogram_ucol(h, FM_HCOL_PACKETS)
	    : k == FM_X_SIZE ? fm_histogram_ucol(h, FM_HCOL_OCTETS)
			     : NULL;
	size_t used = 0;

	if (!f || (k <= FM_X_SIZE && !y) ||
	    (k == FM_X_DURATION && !h->duration) ||
	    (k == FM_X_RATE && !h->rate))
		return 0;
	for (size_t i = 0; i < h->n; i++) {
		__int128 s;

		if (!f[i])
			continue;
		if (y)
			s = (__int128)y[i];
		else if (k == FM_X_DURATION)
			s = (__int128)h->duration[i];
		else if (isfinite(h->rate[i]) && fabs(h->rate[i]) < 1e36)
			s = (__int128)trunc(h->rate[i]);
		else
			return 0;
		if (!mean_inside(h, i, s))
			return 0;
		used++;
	}
	return used > 0;
}

int fm_xkind_detect(const struct fm_histogram *h, struct fm_error *err)
{
	if (h->n == 0)
		return fm_error_set(err, FM_EINVAL, "histogram has no bins");
	for (int k = FM_X_LENGTH; k <= FM_X_RATE; k++)
		if (sums_fit(h, (enum fm_xkind)k))
			return k;
	if (h->bin_lo[0] == 1)
		return FM_X_LENGTH;
	if (h->bin_lo[0] == 64)
		return FM_X_SIZE;
	return fm_error_set(
	    err, FM_EINVAL,
	    "cannot detect the x value (no column's mean lies inside every "
	    "bin, first bin_lo %lld): give -x length, size, duration or rate",
	    (long long)h->bin_lo[0]);
}

size_t fm_summary_points(enum fm_xkind k, int64_t *out)
{
	size_t n = 0;

	if (k == FM_X_DURATION) {
		int64_t dec = 1;
		out[n++] = 0;
		for (int e = 0; e <= 6; e++, dec *= 10) {
			out[n++] = dec;
			out[n++] = 2 * dec;
			out[n++] = 5 * dec;
		}
		out[n++] = dec;
	} else if (k == FM_X_RATE) {
		int64_t dec = 1;
		out[n++] = 0;
		for (int e = 0; e <= 10; e++, dec *= 10)
			out[n++] = dec;
	} else {
		int64_t mult = k == FM_X_SIZE ? 64 : 1;
		for (int e = 0; e < 25; e++)
			out[n++] = ((int64_t)1 << e) * mult;
	}
	return n;
}

int fm_summary_cdf(const struct fm_histogram *h, enum fm_hcol c, double *cdf,
		   struct fm_error *err)
{
	const uint64_t *v = fm_histogram_ucol(h, c);
	u128 tot = 0, cum = 0;

	if (!v)
		return fm_error_set(err, FM_EINVAL,
				    "histogram has no column '%s_sum'",
				    fm_hcol_name(c) ? fm_hcol_name(c) : "?");
	for (size_t i = 0; i < h->n; i++)
		tot += v[i];
	for (size_t i = 0; i < h->n; i++) {
		cum += v[i];
		cdf[i] = (double)cum / (double)tot;
	}
	return 0;
}

/* numpy's searchsorted(x, p, side='left'): the first index with x >= p. */
static size_t search_left(const int64_t *x, size_t n, int64_t p)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

double fm_summary_interp(const struct fm_histogram *h, const double *cdf,
			 int64_t p)
{
	const int64_t *x = h->bin_lo;
	size_t n = h->n, k;

	if (n == 0 || p < x[0] || p > x[n - 1])
		return NAN;
	if (n == 1)
		return cdf[0];
	k = search_left(x, n, p);
	if (k < 1)
		k = 1;
	if (k > n - 1)
		k = n - 1;
	double slope = (cdf[k] - cdf[k - 1]) / (double)(x[k] - x[k - 1]);
	return slope * (double)(p - x[k - 1]) + cdf[k - 1];
}

double fm_summary_share(const struct fm_histogram *h, const double *cdf,
			int64_t p)
{
	const int64_t *x = h->bin_lo;
	size_t n = h->n, lo;

	if (n == 0)
		return NAN;
	if (p < x[0])
		return 0.0;
	lo = search_left(x, n, p);
	if (lo == n)
		return cdf[n - 1];
	if (x[lo] == p)
		return cdf[lo];
	/* x[lo-1] < p < x[lo]: exact when bin lo-1 lies wholly at or below p */
	if (h->bin_hi[lo - 1] - 1 <= p)
		return cdf[lo - 1];
	return fm_summary_interp(h, cdf, p);
}

/* Append v with thousands separated by single spaces. */
static int add_grouped(struct fm_buf *b, u128 v)
{
	char digits[48];
	int n = 0, r = 0;

	do {
		digits[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (int i = n - 1; i >= 0 && r == 0; i--) {
		r = fm_buf_addch(b, digits[i]);
		if (r == 0 && i > 0 && i % 3 == 0)
			r = fm_buf_addch(b, ' ');
	}
	return r;
}

static int add_tex(struct fm_buf *b, const char *s, int raw)
{
	int r = 0;

	if (raw)
		return fm_buf_addstr(b, s);
	for (; *s && r == 0; s++) {
		switch (*s) {
		case '\\':
			r = fm_buf_addstr(b, "\\textbackslash{}");
			break;
		case '~':
			r = fm_buf_addstr(b, "\\textasciitilde{}");
			break;
		case '^':
			r = fm_buf_addstr(b, "\\textasciicircum{}");
			break;
		case '&':
		case '%':
		case '$':
		case '#':
		case '_':
		case '{':
		case '}':
			r = fm_buf_addch(b, '\\');
			if (r == 0)
				r = fm_buf_addch(b, *s);
			break;
		case '\n':
		case '\r':
			r = fm_buf_addch(b, ' ');
			break;
		default:
			r = fm_buf_addch(b, *s);
			break;
		}
	}
	return r;
}

static int add_fixed(struct fm_buf *b, double v, int prec)
{
	if (isnan(v))
		return fm_buf_addstr(b, "nan");
	if (isinf(v))
		return fm_buf_addstr(b, v > 0 ? "inf" : "-inf");
	return fm_buf_printf(b, "%.*f", prec, v);
}

static u128 total_u(const struct fm_histogram *h, enum fm_hcol c)
{
	const uint64_t *v = fm_histogram_ucol(h, c);
	u128 t = 0;

	for (size_t i = 0; v && i < h->n; i++)
		t += v[i];
	return t;
}

static int stats_table(const struct fm_histogram *h,
		       const struct fm_summary_opts *o, struct fm_buf *b)
{
	static const char *const ynames[3] = {"flows", "packets", "octets"};
	const char *vals[6] = {
	    o->name ? o->name : "XXX",
	    o->exporter ? o->exporter : "XXX",
	    o->l2 ? o->l2 : "XXX",
	    o->sampling ? o->sampling : "none",
	    o->active_timeout ? o->active_timeout : "XXX",
	    o->inactive_timeout ? o->inactive_timeout : "XXX",
	};
	static const char *const labels[6] = {
	    "Dataset name",  "Exporter",       "L2 technology",
	    "Sampling rate", "Active timeout", "Inactive timeout"};
	u128 tf = total_u(h, FM_HCOL_FLOWS), tp = total_u(h, FM_HCOL_PACKETS),
	     to = total_u(h, FM_HCOL_OCTETS);
	u128 tot[3] = {tf, tp, to};
	int r = fm_buf_addstr(b, "\\begin{tabular}{@{}lrr@{}}\n\\toprule\n");

	for (int i = 0; i < 6 && r == 0; i++) {
		r = fm_buf_printf(b, "\\textbf{%s} & ", labels[i]);
		if (r == 0)
			r = add_tex(b, vals[i], o->raw_tex);
		if (r == 0)
			r = fm_buf_addstr(b, i >= 4 ? " & seconds \\\\\n"
						    : " & \\\\\n");
	}
	if (r == 0)
		r = fm_buf_addstr(b, "\\midrule\n");
	for (int i = 0; i < 3 && r == 0; i++) {
		r = fm_buf_printf(b, "\\textbf{Number of %s} & ", ynames[i]);
		if (r == 0)
			r = add_grouped(b, tot[i]);
		if (r == 0)
			r = fm_buf_printf(b, " & %s \\\\\n", ynames[i]);
	}
	if (r == 0) {
		r = fm_buf_addstr(b, "\\textbf{Average flow length} & ");
		if (r == 0)
			r = add_fixed(b, (double)tp / (double)tf, 6);
		if (r == 0)
			r = fm_buf_addstr(b, " & packets \\\\\n");
	}
	if (r == 0) {
		r = fm_buf_addstr(b, "\\textbf{Average flow size} & ");
		if (r == 0)
			r = add_fixed(b, (double)to / (double)tf, 6);
		if (r == 0)
			r = fm_buf_addstr(b, " & bytes \\\\\n");
	}
	if (r == 0 && h->duration) {
		__int128 t = 0;
		for (size_t i = 0; i < h->n; i++)
			t += h->duration[i];
		r = fm_buf_addstr(b, "\\textbf{Average flow duration} & ");
		if (r == 0)
			r = add_fixed(b, (double)t / (double)tf, 6);
		if (r == 0)
			r = fm_buf_addstr(b, " & milliseconds \\\\\n");
	}
	if (r == 0 && h->rate) {
		double t = 0;
		for (size_t i = 0; i < h->n; i++)
			t += trunc(h->rate[i]);
		r = fm_buf_addstr(b, "\\textbf{Average flow rate} & ");
		if (r == 0)
			r = add_fixed(b, t / (double)tf, 6);
		if (r == 0)
			r = fm_buf_addstr(b, " & bps \\\\\n");
	}
	if (r == 0) {
		r = fm_buf_addstr(b, "\\textbf{Average packet size} & ");
		if (r == 0)
			r = add_fixed(b, (double)to / (double)tp, 6);
		if (r == 0)
			r = fm_buf_addstr(b, " & bytes \\\\\n");
	}
	if (r == 0)
		r = fm_buf_addstr(b, "\\bottomrule\n\\end{tabular}\n\n\n");
	return r;
}

static int cdf_table(const struct fm_histogram *h, enum fm_xkind x,
		     const double *cdf[3], struct fm_buf *b)
{
	static const char *const unit[] = {"", "packets", "bytes",
					   "milliseconds", "bps"};
	int64_t pts[FM_SUMMARY_MAXPOINTS];
	size_t np = fm_summary_points(x, pts);
	int r =
	    fm_buf_printf(b,
			  "\\begin{tabular}{@{}lrrr@{}}\n"
			  "\\toprule\n"
			  "\\textbf{Flows of %s up to} & "
			  "\\multicolumn{3}{c}{\\textbf{Make up \\%%}} \\\\\n"
			  "\\cmidrule(lr){2-4}\n"
			  "\\multicolumn{1}{c}{(%s)} & of flows & of packets & "
			  "of octets \\\\\n"
			  "\\midrule\n",
			  fm_xkind_name(x), unit[x]);

	for (size_t e = 0; e < np && r == 0; e++) {
		int64_t p = pts[e];
		r = fm_buf_printf(b, "%lld", (long long)p);
		for (int k = 0; k < 3 && r == 0; k++) {
			r = fm_buf_addstr(b, " & ");
			if (r == 0)
				r = add_fixed(
				    b, fm_summary_share(h, cdf[k], p) * 100, 4);
		}
		if (r == 0)
			r = fm_buf_addstr(b, " \\\\\n");
	}
	if (r == 0)
		r = fm_buf_addstr(b, "\\bottomrule\n\\end{tabular}\n\n\n");
	return r;
}

int fm_summary_format(const struct fm_histogram *h,
		      const struct fm_summary_opts *opts, struct fm_buf *out,
		      struct fm_error *err)
{
	static const struct fm_summary_opts defaults;
	const struct fm_summary_opts *o = opts ? opts : &defaults;
	double *cdf = NULL;
	const double *cols[3];
	int x = o->x, r;

	if ((h->cols & FM_HCOL_BASIC) != FM_HCOL_BASIC)
		return fm_error_set(err, FM_EINVAL,
				    "summary needs the flows_sum, packets_sum "
				    "and octets_sum columns");
	if (h->n == 0)
		return fm_error_set(err, FM_EINVAL, "histogram has no bins");
	if (x == FM_X_AUTO) {
		x = fm_xkind_detect(h, err);
		if (x < 0)
			return x;
	}
	if (total_u(h, FM_HCOL_FLOWS) == 0 ||
	    total_u(h, FM_HCOL_PACKETS) == 0 || total_u(h, FM_HCOL_OCTETS) == 0)
		return fm_error_set(
		    err, FM_EINVAL,
		    "histogram has a zero total of flows, packets or octets");
	cdf = malloc(3 * h->n * sizeof(double));
	if (!cdf)
		return fm_error_set(err, FM_ENOMEM, "summary: out of memory");
	for (int k = 0; k < 3; k++) {
		fm_summary_cdf(h, (enum fm_hcol)k, cdf + (size_t)k * h->n,
			       NULL);
		cols[k] = cdf + (size_t)k * h->n;
	}
	r = stats_table(h, o, out);
	if (r == 0)
		r = cdf_table(h, (enum fm_xkind)x, cols, out);
	free(cdf);
	if (r < 0)
		return fm_error_set(err, FM_ENOMEM, "summary: out of memory");
	return 0;
}
