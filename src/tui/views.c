/*
 * views.c - chart views of histograms (see views.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/error.h"
#include "roles.h"
#include "views.h"

void tui_view_release(struct tui_view *v)
{
	free(v->buf);
	v->buf = NULL;
}

const char *tui_view_xkind(const char *prov)
{
	static const char *const kinds[] = { "length", "size", "duration", "rate" };
	const char *p;

	if (!prov)
		return NULL;
	for (p = strstr(prov, " -"); p; p = strstr(p + 1, " -")) {
		const char *w;

		if (!strncmp(p, " -x", 3))
			w = p + 3;
		else if (!strncmp(p, " --x-value", 10))
			w = p + 10;
		else
			continue;
		while (*w == ' ' || *w == '=')
			w++;
		for (size_t k = 0; k < 4; k++)
			if (!strncmp(w, kinds[k], strlen(kinds[k])))
				return kinds[k];
	}
	return NULL;
}

static const char *x_title(const char *xkind)
{
	if (!xkind)
		return "x";
	if (!strcmp(xkind, "length"))
		return "Flow length [pkts]";
	if (!strcmp(xkind, "size"))
		return "Flow size [B]";
	if (!strcmp(xkind, "duration"))
		return "Flow duration [ms]";
	if (!strcmp(xkind, "rate"))
		return "Flow rate [bps]";
	return "x";
}

static double total(const uint64_t *c, size_t n)
{
	double t = 0;

	for (size_t i = 0; i < n; i++)
		t += (double)c[i];
	return t;
}

/* The x kind for the mixture functions. */
static enum fm_mix_x mix_x(const char *xkind)
{
	if (xkind && !strcmp(xkind, "length"))
		return FM_MIX_X_LENGTH;
	if (xkind && !strcmp(xkind, "size"))
		return FM_MIX_X_SIZE;
	return FM_MIX_X_OTHER;
}

/*
 * x samples for model curves: log-spaced over the histogram's range,
 * rounded to whole numbers below 1024 for a discrete x (the mixture pdf
 * is a probability per value there), without repeats.  Returns the count.
 */
static size_t sample_x(const struct fm_histogram *h, enum fm_mix_x xk, double *xs)
{
	double lo = h->bin_lo[0] > 0 ? (double)h->bin_lo[0] : 1;
	double hi = (double)h->bin_hi[h->n - 1];
	size_t k = 0;

	if (hi <= lo)
		hi = lo + 1;
	for (size_t i = 0; i < TUI_VIEW_SAMPLES; i++) {
		double x = lo * pow(hi / lo, (double)i / (TUI_VIEW_SAMPLES - 1));
		if (xk != FM_MIX_X_OTHER && x < 1024)
			x = floor(x + 0.5);
		if (k && x <= xs[k - 1])
			continue;
		xs[k++] = x;
	}
	return k;
}

/* Component c of m alone, weighted by its share: the pdf as
 * fm_mixture_pdf takes it (cdf differences for a discrete x < 1024). */
static double comp_pdf(const struct fm_mixture *m, size_t c, double x,
		       enum fm_mix_x xk, double wsum)
{
	const struct fm_component *k = &m->comp[c];
	double w = wsum > 0 ? k->weight / wsum : 0;

	if (xk != FM_MIX_X_OTHER && x < 1024) {
		double min = xk == FM_MIX_X_LENGTH ? 1 : 64;
		double prev = x - 1 < min ? 0 : fm_dist_cdf(k->dist, k->p, x - 1);
		return w * (fm_dist_cdf(k->dist, k->p, x) - prev);
	}
	return w * fm_dist_pdf(k->dist, k->p, x);
}

/* Add a series (when there is room). */
static void add_series(struct tui_view *v, struct chart_series s)
{
	if (v->chart.nseries < TUI_VIEW_MAX_SERIES)
		v->series[v->chart.nseries++] = s;
}

int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind,
		       const struct fm_mixture *const mix[3], const char *mixname)
{
	static const struct fm_mixture *const none[3] = { NULL, NULL, NULL };
	static const int role[3] = { ROLE_CHART_FLOWS, ROLE_CHART_PACKETS,
				     ROLE_CHART_OCTETS };
	static const char *const label[3] = { "flows", "packets", "octets" };
	const uint64_t *col[3] = { h->flows, h->packets, h->octets };
	size_t n = h->n;
	double *x;

	memset(v, 0, sizeof(*v));
	snprintf(v->xtitle, sizeof(v->xtitle), "%s", x_title(xkind));
	v->chart.x.log = 1;
	v->chart.x.title = v->xtitle;
	v->chart.series = v->series;
	v->chart.legend = 1;
	if (view == VIEW_SERIES) {
		v->note = "no time series: view 7 shows objects made by 'series'";
		return 0;
	}
	if (!n) {
		v->note = "the histogram has no bins";
		return 0;
	}
	if (!mix)
		mix = none;
	snprintf(v->model_label, sizeof(v->model_label), "mixture %s",
		 mixname ? mixname : "");
	/* data: x + 3 columns; models: x samples + up to
	 * TUI_VIEW_MAX_SERIES curves of samples */
	v->buf = malloc((4 * n + (TUI_VIEW_MAX_SERIES + 1) * TUI_VIEW_SAMPLES) *
			sizeof(double));
	if (!v->buf)
		return FM_ENOMEM;
	x = v->buf;
	enum fm_mix_x xk = mix_x(xkind);
	double *xs = v->buf + 4 * n, *next = xs + TUI_VIEW_SAMPLES;
	size_t ns = sample_x(h, xk, xs);
	for (size_t i = 0; i < n; i++)
		x[i] = (double)h->bin_lo[i];

	if (view <= VIEW_PDF_OCTETS) {
		const uint64_t *c = col[view];
		double *y = v->buf + n, t;

		if (!c) {
			v->note = "the histogram has no such column";
			return 0;
		}
		t = total(c, n);
		for (size_t i = 0; i < n; i++)
			y[i] = t > 0 ? (double)c[i] / t /
				       (double)(h->bin_hi[i] - h->bin_lo[i]) : 0;
		add_series(v, (struct chart_series){ label[view], role[view],
						     CHART_POINTS, x, y, n });
		v->chart.y.log = 1;
		v->chart.y.title = "PDF (share per unit of x)";
		if (mix[view] && mix[view]->n) {
			const struct fm_mixture *m = mix[view];
			double wsum = fm_mixture_weight_sum(m);

			/* components first (dashed), the mixture over them */
			for (size_t k = 0; k < m->n && v->chart.nseries + 2 <
			     TUI_VIEW_MAX_SERIES; k++) {
				double *yc = next;
				next += TUI_VIEW_SAMPLES;
				for (size_t i = 0; i < ns; i++)
					yc[i] = comp_pdf(m, k, xs[i], xk, wsum);
				add_series(v, (struct chart_series){
					k ? NULL : "components", ROLE_CHART_COMP,
					CHART_DASHED, xs, yc, ns });
			}
			double *ym = next;
			next += TUI_VIEW_SAMPLES;
			for (size_t i = 0; i < ns; i++)
				ym[i] = fm_mixture_pdf(m, xs[i], xk);
			add_series(v, (struct chart_series){ v->model_label,
				ROLE_CHART_MODEL, CHART_LINE, xs, ym, ns });
			/* keep the axis on the data: model tails far below it
			 * would squash the points */
			chart_axis_range(&v->chart.y, v->series, 1, 1,
					 &v->chart.y.min, &v->chart.y.max);
			v->chart.y.min /= 100;
		}
		return 0;
	}
	if (view == VIEW_CDF) {
		for (int k = 0; k < 3; k++) {
			double *y = v->buf + (size_t)(k + 1) * n, t, run = 0;

			if (!col[k])
				continue;
			t = total(col[k], n);
			for (size_t i = 0; i < n; i++) {
				run += (double)col[k][i];
				y[i] = t > 0 ? run / t : 0;
			}
			add_series(v, (struct chart_series){
				label[k], role[k], CHART_LINE, x, y, n });
		}
		for (int k = 0, labelled = 0; k < 3; k++) {
			double *ym = next;
			if (!mix[k] || !mix[k]->n)
				continue;
			next += TUI_VIEW_SAMPLES;
			for (size_t i = 0; i < ns; i++)
				ym[i] = fm_mixture_cdf(mix[k], xs[i]);
			/* the legend names the set once */
			add_series(v, (struct chart_series){ labelled ? NULL : v->model_label,
				ROLE_CHART_MODEL, CHART_LINE, xs, ym, ns });
			labelled = 1;
		}
		v->chart.y.min = 0;
		v->chart.y.max = 1;
		v->chart.y.title = "CDF";
		return 0;
	}
	if (!h->flows || !h->packets || !h->octets) {
		v->note = "the histogram needs flows, packets and octets columns";
		return 0;
	}
	if (view == VIEW_AVG) {
		double *yp = v->buf + n, *yo = v->buf + 2 * n;

		for (size_t i = 0; i < n; i++) {
			double f = (double)h->flows[i];
			yp[i] = f > 0 ? (double)h->packets[i] / f : 0;
			yo[i] = f > 0 ? (double)h->octets[i] / f : 0;
		}
		add_series(v, (struct chart_series){ "packets per flow",
			ROLE_CHART_PACKETS, CHART_POINTS, x, yp, n });
		add_series(v, (struct chart_series){ "octets per flow",
			ROLE_CHART_OCTETS, CHART_POINTS, x, yo, n });
		for (int k = 1; k < 3 && mix[0] && mix[0]->n; k++) {
			double *ym = next;
			if (!mix[k] || !mix[k]->n)
				continue;
			next += TUI_VIEW_SAMPLES;
			for (size_t i = 0; i < ns; i++)
				ym[i] = fm_mixture_avg(mix[0], mix[k], xs[i], xk);
			add_series(v, (struct chart_series){
				v->chart.nseries == 2 ? v->model_label : NULL,
				ROLE_CHART_MODEL, CHART_LINE, xs, ym, ns });
		}
		v->chart.y.log = 1;
		v->chart.y.title = "average per flow";
		return 0;
	}
	/* VIEW_PKT_SIZE */
	{
		double *y = v->buf + n;

		/* a bin without packets is a gap */
		for (size_t i = 0; i < n; i++)
			y[i] = h->packets[i] ? (double)h->octets[i] /
					       (double)h->packets[i] : NAN;
		add_series(v, (struct chart_series){ "octets per packet",
			ROLE_CHART_OCTETS, CHART_POINTS, x, y, n });
		if (mix[1] && mix[1]->n && mix[2] && mix[2]->n) {
			double *ym = next;
			for (size_t i = 0; i < ns; i++)
				ym[i] = fm_mixture_packet_size(mix[1], mix[2], xs[i], xk);
			add_series(v, (struct chart_series){ v->model_label,
				ROLE_CHART_MODEL, CHART_LINE, xs, ym, ns });
		}
		v->chart.y.title = "packet size [B]";
	}
	return 0;
}
