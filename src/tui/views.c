/*
 * views.c - chart views of histograms (see views.h): which chart-data
 * arrays (fm_chartdata_build) make which series, in which style and
 * colour role; data before models.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowmodels/error.h"
#include "flowmodels/series.h"
#include "roles.h"
#include "views.h"

void tui_view_release(struct tui_view *v)
{
	fm_chartdata_release(&v->cd);
	free(v->buf);
	v->buf = NULL;
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

/* The x kind for the mixture functions. */
static enum fm_mix_x mix_x(const char *xkind)
{
	if (xkind && !strcmp(xkind, "length"))
		return FM_MIX_X_LENGTH;
	if (xkind && !strcmp(xkind, "size"))
		return FM_MIX_X_SIZE;
	return FM_MIX_X_OTHER;
}

/* The line of flows, packets and octets: solid, dashed, dotted, so that
 * they differ without colours too (NO_COLOR, the mono theme). */
static const enum chart_style line_style[3] = {CHART_LINE, CHART_DASHED,
					       CHART_DOTTED};

/* Add a series (when there is room). */
static void add_series(struct tui_view *v, struct chart_series s)
{
	if (v->chart.nseries < TUI_VIEW_MAX_SERIES)
		v->series[v->chart.nseries++] = s;
}

static int has_model(const struct fm_chart_col *c)
{
	return c->mix && c->mix->n;
}

static const int view_role[3] = {ROLE_CHART_FLOWS, ROLE_CHART_PACKETS,
				 ROLE_CHART_OCTETS};
static const char *const view_label[3] = {"flows", "packets", "octets"};

/* Views 1-3, the PDF of one y: data first (normalised points, the line
 * from the CDF), then the components and the mixture. */
static void view_pdf(struct tui_view *v, int view)
{
	const struct fm_chartdata *cd = &v->cd;
	const struct fm_chart_col *c = &cd->col[view];

	add_series(v, (struct chart_series){view_label[view], view_role[view],
					    CHART_POINTS, cd->bx, c->pts,
					    cd->nbins});
	add_series(v, (struct chart_series){"data (from CDF)", view_role[view],
					    CHART_LINE, cd->x, c->pdf, cd->n});
	v->chart.y.log = 1;
	v->chart.y.title = "PDF (share per unit of x)";
	if (has_model(c)) {
		/* components first (dashed), the mixture over them */
		for (size_t k = 0;
		     k < c->ncomp && v->chart.nseries + 2 < TUI_VIEW_MAX_SERIES;
		     k++)
			add_series(v, (struct chart_series){
					  k ? NULL : "components",
					  ROLE_CHART_COMP, CHART_DASHED, cd->x,
					  c->comp_pdf + k * cd->n, cd->n});
		add_series(v, (struct chart_series){
				  v->model_label, ROLE_CHART_MODEL, CHART_LINE,
				  cd->x, c->mix_pdf, cd->n});
		/* keep the axis on the data: model tails far below it
		 * would squash the points */
		chart_axis_range(&v->chart.y, v->series, 2, 1, &v->chart.y.min,
				 &v->chart.y.max);
		v->chart.y.min /= 100;
	}
}

/* View 4: the CDFs of the three ys and of the mixtures. */
static void view_cdf(struct tui_view *v)
{
	const struct fm_chartdata *cd = &v->cd;
	int labelled = 0;

	for (int k = 0; k < 3; k++)
		add_series(v, (struct chart_series){view_label[k], view_role[k],
						    line_style[k], cd->x,
						    cd->col[k].cdf, cd->n});
	for (int k = 0; k < 3; k++) {
		if (!has_model(&cd->col[k]))
			continue;
		/* the legend names the set once */
		add_series(
		    v, (struct chart_series){labelled ? NULL : v->model_label,
					     ROLE_CHART_MODEL, CHART_LINE,
					     cd->x, cd->col[k].mix_cdf, cd->n});
		labelled = 1;
	}
	v->chart.y.min = 0;
	v->chart.y.max = 1;
	v->chart.y.title = "CDF";
}

/* View 5: packets and octets per flow. */
static void view_avg(struct tui_view *v)
{
	const struct fm_chartdata *cd = &v->cd;
	static const char *const avg_label[3] = {NULL, "packets per flow",
						 "octets per flow"};
	int labelled = 0;

	for (int k = 1; k < 3; k++) {
		add_series(v, (struct chart_series){
				  avg_label[k], view_role[k], CHART_POINTS,
				  cd->bx, cd->col[k].avg_pts, cd->nbins});
		add_series(v, (struct chart_series){
				  NULL, view_role[k], line_style[k], cd->x,
				  cd->col[k].avg_line, cd->n});
	}
	for (int k = 1; k < 3; k++) {
		if (!has_model(&cd->col[0]) || !has_model(&cd->col[k]))
			continue;
		add_series(
		    v, (struct chart_series){labelled ? NULL : v->model_label,
					     ROLE_CHART_MODEL, CHART_LINE,
					     cd->x, cd->col[k].mix_avg, cd->n});
		labelled = 1;
	}
	v->chart.y.log = 1;
	v->chart.y.title = "average per flow";
}

/* View 6: packet size: points, the line, min/avg/max guides, the model. */
static void view_pkt_size(struct tui_view *v)
{
	const struct fm_chartdata *cd = &v->cd;

	add_series(v, (struct chart_series){"octets per packet",
					    ROLE_CHART_OCTETS, CHART_POINTS,
					    cd->bx, cd->ps_pts, cd->nbins});
	add_series(v, (struct chart_series){NULL, ROLE_CHART_OCTETS, CHART_LINE,
					    cd->x, cd->ps_line, cd->n});
	v->gx[0] = cd->x[0];
	v->gx[1] = cd->x[cd->n ? cd->n - 1 : 0];
	{
		const double g[3] = {cd->ps_min, cd->ps_avg, cd->ps_max};
		for (int k = 0; k < 3; k++) {
			v->gy[k][0] = v->gy[k][1] = g[k];
			add_series(v, (struct chart_series){
					  k ? NULL : "min / avg / max",
					  ROLE_CHART_GRID, CHART_DASHED, v->gx,
					  v->gy[k], 2});
		}
	}
	if (cd->ps_mix && has_model(&cd->col[1]) && has_model(&cd->col[2]))
		add_series(v, (struct chart_series){
				  v->model_label, ROLE_CHART_MODEL, CHART_LINE,
				  cd->x, cd->ps_mix, cd->n});
	v->chart.y.title = "packet size [B]";
}

int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind,
		       const struct fm_mixture *const mix[3],
		       const char *mixname)
{
	struct fm_chartdata *cd = &v->cd;
	struct fm_error err = {0};
	int anymix = 0, r;

	memset(v, 0, sizeof(*v));
	snprintf(v->xtitle, sizeof(v->xtitle), "%s", x_title(xkind));
	v->chart.x.log = 1;
	v->chart.x.title = v->xtitle;
	v->chart.series = v->series;
	v->chart.legend = 1;
	if (view == VIEW_SERIES) {
		v->note =
		    "no time series: view 7 shows objects made by 'series'";
		return 0;
	}
	/* the library wants a mixture directory: shallow copies of the
	 * caller's mixtures (empty where there is none) */
	fm_mixture_dir_init(&v->md);
	for (int k = 0; k < 3 && mix; k++) {
		struct fm_mixture *d = k == 0	? &v->md.flows
				       : k == 1 ? &v->md.packets
						: &v->md.octets;
		if (mix[k] && mix[k]->n) {
			*d = *mix[k];
			anymix = 1;
		}
	}
	r = fm_chartdata_build(cd, h, anymix ? &v->md : NULL, mix_x(xkind),
			       FM_CHART_NPOINTS, 1, &err);
	if (r == FM_ENOMEM)
		return r;
	if (r < 0) {
		snprintf(v->err, sizeof(v->err), "no chart: %.148s", err.msg);
		v->note = v->err;
		return 0;
	}
	snprintf(v->model_label, sizeof(v->model_label), "mixture %s",
		 mixname ? mixname : "");
	if (cd->symlog) /* a bin 0 (duration, rate): an axis through 0 */
		v->chart.x.log = CHART_SYMLOG;

	if (view <= VIEW_PDF_OCTETS)
		view_pdf(v, view);
	else if (view == VIEW_CDF)
		view_cdf(v);
	else if (view == VIEW_AVG)
		view_avg(v);
	else
		view_pkt_size(v);
	return 0;
}

int tui_view_series(struct tui_view *v, int view, const struct fm_series *s,
		    size_t day)
{
	static const int role[3] = {ROLE_CHART_FLOWS, ROLE_CHART_PACKETS,
				    ROLE_CHART_OCTETS};
	static const char *const label[3] = {"flows/s", "packets/s", "bits/s"};
	const size_t n = 86400;
	double *x, *raw;
	size_t first = n, last = 0; /* seconds with data */

	memset(v, 0, sizeof(*v));
	v->chart.series = v->series;
	v->chart.legend = 1;
	if (view != VIEW_SERIES) {
		v->note = "a time series: view 7 (F8) draws it";
		return 0;
	}
	if (fm_series_ndays(s) == 0) {
		v->note = "the time series has no days";
		return 0;
	}
	if (day >= fm_series_ndays(s))
		day = fm_series_ndays(s) - 1;
	v->buf = malloc(5 * n * sizeof(double));
	if (!v->buf)
		return FM_ENOMEM;
	x = v->buf;
	raw = v->buf + 4 * n;
	for (size_t k = 0; k < n; k++)
		x[k] = (double)k / 3600;
	for (int c = 0; c < 3; c++) {
		double *y = v->buf + (size_t)(c + 1) * n;

		for (size_t k = 0; k < n; k++) {
			uint64_t f, p, ohi, olo;

			fm_series_get(s, day, (unsigned)k, &f, &p, &ohi, &olo);
			raw[k] =
			    c == 0 ? (double)f
			    : c == 1
				? (double)p
				: 8 * ((double)ohi * 18446744073709551616.0 +
				       (double)olo);
		}
		for (size_t k = 0; k < n; k++)
			if (raw[k] > 0) {
				first = k < first ? k : first;
				last = k > last ? k : last;
			}
		fm_chart_rolling_mean(raw, n, TUI_VIEW_SERIES_WINDOW, y);
		add_series(v, (struct chart_series){label[c], role[c],
						    line_style[c], x, y, n});
	}
	{
		/* the day as a date (UTC), as the PNG names it */
		time_t t = (time_t)fm_series_day(s, day) * 86400;
		struct tm tm;
		char date[16] = "?";

		if (gmtime_r(&t, &tm))
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		if (fm_series_ndays(s) > 1)
			snprintf(v->xtitle, sizeof(v->xtitle),
				 "Time of day %s [h] (day %zu of %zu: [ ] for "
				 "others)",
				 date, day + 1, fm_series_ndays(s));
		else
			snprintf(v->xtitle, sizeof(v->xtitle),
				 "Time of day %s [h]", date);
	}
	snprintf(v->ytitle, sizeof(v->ytitle), "per second, %d s mean",
		 TUI_VIEW_SERIES_WINDOW);
	v->chart.x.title = v->xtitle;
	/* the time the data spans (a one-hour capture fills the width);
	 * `set xrange 0:24` shows the whole day */
	v->chart.x.min = first < n ? (double)first / 3600 : 0;
	v->chart.x.max = first < n ? (double)(last + 1) / 3600 : 24;
	v->chart.y.log = 1;
	v->chart.y.title = v->ytitle;
	return 0;
}
