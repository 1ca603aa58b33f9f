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

int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind)
{
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
	v->buf = malloc(4 * n * sizeof(double));
	if (!v->buf)
		return FM_ENOMEM;
	x = v->buf;
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
		v->series[0] = (struct chart_series){ label[view], role[view],
						      CHART_POINTS, x, y, n };
		v->chart.nseries = 1;
		v->chart.y.log = 1;
		v->chart.y.title = "PDF (share per unit of x)";
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
			v->series[v->chart.nseries++] = (struct chart_series){
				label[k], role[k], CHART_LINE, x, y, n };
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
		v->series[0] = (struct chart_series){ "packets per flow",
			ROLE_CHART_PACKETS, CHART_POINTS, x, yp, n };
		v->series[1] = (struct chart_series){ "octets per flow",
			ROLE_CHART_OCTETS, CHART_POINTS, x, yo, n };
		v->chart.nseries = 2;
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
		v->series[0] = (struct chart_series){ "octets per packet",
			ROLE_CHART_OCTETS, CHART_POINTS, x, y, n };
		v->chart.nseries = 1;
		v->chart.y.title = "packet size [B]";
	}
	return 0;
}
