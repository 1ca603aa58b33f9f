/*
 * views.c - chart views (see views.h): the chart scene of histograms and
 * mixtures (src/cmd/chartscene.c) given colour roles and glyphs, and the
 * time series view.
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
	chart_scene_release(&v->scene);
	free(v->buf);
	v->buf = NULL;
}

/* The line of flows, packets and octets: solid, dashed, dotted, so that
 * they differ without colours too (NO_COLOR, the mono theme). */
static const enum chart_style line_style[3] = {CHART_LINE, CHART_DASHED,
					       CHART_DOTTED};

static const int col_role[3] = {ROLE_CHART_FLOWS, ROLE_CHART_PACKETS,
				ROLE_CHART_OCTETS};

static enum chart_style style_of(enum chart_scene_style st)
{
	switch (st) {
	case SCENE_DASHED:
		return CHART_DASHED;
	case SCENE_DOTS:
		return CHART_POINTS;
	case SCENE_DOTTED:
		return CHART_DOTTED;
	case SCENE_DASHDOT:
		return CHART_DASHDOT;
	default:
		return CHART_LINE;
	}
}

/*
 * The scene (v->scene, built) as the text chart: series with roles and
 * markers.  One histogram and at most one mixture set: the view's own
 * roles; more (an overlay): a role per object (by its place in the
 * list) and a point glyph per histogram (the first keeps the dots, the
 * second marker 1, ...).
 */
static void map_scene(struct tui_view *v)
{
	const struct chart_scene *sc = &v->scene;
	size_t nh = 0, nm = 0;
	int overlay, ord[SESS_SHOW_MAX]; /* histograms: 0, 1, ... in order */

	for (size_t i = 0; i < sc->nlayers; i++) {
		if (sc->layer[i].mixture)
			nm++;
		else
			ord[i] = (int)nh++;
	}
	overlay = nh > 1 || nm > 1;
	v->note = sc->note;
	v->chart.x.log = sc->x.scale;
	v->chart.x.min = sc->x.min;
	v->chart.x.max = sc->x.max;
	v->chart.x.title = sc->x.title;
	v->chart.y.log = sc->y.scale;
	v->chart.y.min = sc->y.min;
	v->chart.y.max = sc->y.max;
	v->chart.y.title = sc->y.title;
	v->own_xscale = sc->x.own_scale;
	v->own_yscale = sc->y.own_scale;
	v->yunit = sc->yunit;
	for (size_t k = 0; k < sc->nseries && k < TUI_VIEW_MAX_SERIES; k++) {
		const struct chart_scene_series *s = &sc->series[k];
		struct chart_series *c = &v->series[v->chart.nseries++];
		int own = s->col >= 0 ? col_role[s->col] : ROLE_CHART_OCTETS;
		int layer_role =
		    ROLE_CHART_OVERLAY1 + (int)(s->layer % SESS_SHOW_MAX);

		memset(c, 0, sizeof(*c));
		c->label = s->label;
		c->name = s->name[0] ? s->name : NULL;
		c->style = style_of(s->style);
		c->x = s->x;
		c->y = s->y;
		c->n = s->n;
		switch (s->kind) {
		case SCENE_MODEL:
			c->role = overlay ? layer_role : ROLE_CHART_MODEL;
			break;
		case SCENE_COMP:
			c->role = ROLE_CHART_COMP;
			break;
		case SCENE_GUIDE:
			c->role = ROLE_CHART_GRID;
			break;
		default:
			c->role = overlay ? layer_role : own;
			if (overlay && s->kind == SCENE_POINTS)
				c->marker = ord[s->layer];
		}
	}
}

/* The frame every view starts from. */
static void view_init(struct tui_view *v)
{
	memset(v, 0, sizeof(*v));
	v->chart.series = v->series;
	v->chart.legend = 1;
	v->yunit = "";
}

int tui_view_state(struct tui_view *v, const struct chart_state *st)
{
	int r;

	view_init(v);
	r = chart_scene_build(&v->scene, st);
	if (r < 0)
		return r;
	map_scene(v);
	return 0;
}

int tui_view_objs(struct tui_view *v, int view,
		  const struct chart_scene_obj *objs, size_t n)
{
	int r;

	view_init(v);
	r = chart_scene_make(&v->scene, view, NULL, objs, n);
	if (r < 0)
		return r;
	map_scene(v);
	return 0;
}

int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind,
		       const struct fm_mixture *const mix[3],
		       const char *mixname)
{
	struct chart_scene_obj o[2];
	size_t n = 1;

	memset(o, 0, sizeof(o));
	o[0].name = "";
	o[0].xkind = xkind;
	o[0].h = h;
	if (mix && (mix[0] || mix[1] || mix[2])) {
		o[1] = o[0];
		o[1].name = mixname ? mixname : "";
		for (int k = 0; k < 3; k++)
			o[1].mix[k] = mix[k];
		n = 2;
	}
	return tui_view_objs(v, view, o, n);
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

	view_init(v);
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
		v->series[v->chart.nseries++] =
		    (struct chart_series){.label = label[c],
					  .role = role[c],
					  .style = line_style[c],
					  .x = x,
					  .y = y,
					  .n = n,
					  .name = label[c]};
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
	v->own_xscale = v->chart.x.log;
	v->own_yscale = v->chart.y.log;
	return 0;
}
