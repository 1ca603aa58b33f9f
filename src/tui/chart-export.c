/*
 * chart-export.c - the chart of the current view as a file (see
 * chart-export.h).  The same chart model the workbench draws (views.c,
 * with the session's axis settings applied the same way), so the text
 * file is the panel's canvas and the figure's data file holds the very
 * arrays the canvas was drawn from; the figure's window is the range the
 * renderer chose (chart_axis_range).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/fileout.h"
#include "cmd/chartscene.h"
#include "cmd/objtypes.h"
#include "flowmodels/series.h"
#include "chart-export.h"
#include "roles.h"
#include "tui.h"

void tui_chart_apply_axes(struct chart *c, const struct sess_view_axes *a)
{
	const struct sess_axis *sa[2] = {&a->x, &a->y};
	struct chart_axis *ca[2] = {&c->x, &c->y};

	for (int i = 0; i < 2; i++) {
		if (sa[i]->scale == SESS_SCALE_LIN)
			ca[i]->log = CHART_LIN;
		else if (sa[i]->scale == SESS_SCALE_LOG)
			ca[i]->log = CHART_LOG;
		if (sa[i]->min < sa[i]->max) {
			ca[i]->min = sa[i]->min;
			ca[i]->max = sa[i]->max;
		}
	}
}

int tui_chart_build(struct tui_view *v, const struct chart_state *st,
		    size_t day)
{
	const struct sess_obj *o = st->nobj ? st->obj[0].obj : NULL;
	int r;

	if (!(o && o->kind == SESS_TYPED && o->type == &cmd_series_type))
		return tui_view_state(v, st);
	r = tui_view_series(v, st->view, o->data, day);
	if (r == 0)
		tui_chart_apply_axes(&v->chart, &st->axes);
	return r;
}

int tui_chart_write_text(const struct chart *c, enum chart_charset cs, int w,
			 int h, const char *path, struct fm_error *err)
{
	struct chart_canvas cv;
	char *text;
	int r;

	if (chart_canvas_init(&cv, w, h) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	chart_render(c, cs, &cv);
	text = chart_canvas_dump(&cv, 0);
	chart_canvas_release(&cv);
	if (!text)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	{
		size_t len = strlen(text);
		char *t2 = realloc(text, len + 2);
		if (!t2) {
			free(text);
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		}
		text = t2;
		text[len++] = '\n';
		text[len] = 0;
		r = fm_file_write_atomic(path, text, len, err);
	}
	free(text);
	return r;
}

/* The figure's colour of a series: its role's, as plot colours them. */
static const char *role_rgb(int role, size_t k)
{
	/* the overlays' objects, in the order of chart.overlay1..8 */
	static const char *const overlay[8] = {"D62728", "1F77B4", "2CA02C",
					       "9467BD", "BCBD22", "17BECF",
					       "FF7F0E", "8C564B"};

	if (role >= ROLE_CHART_OVERLAY1 && role <= ROLE_CHART_OVERLAY8)
		return overlay[role - ROLE_CHART_OVERLAY1];
	switch (role) {
	case ROLE_CHART_FLOWS:
		return "FF0000";
	case ROLE_CHART_PACKETS:
		return "008000";
	case ROLE_CHART_OCTETS:
		return "0000FF";
	case ROLE_CHART_MODEL:
		return "000000";
	case ROLE_CHART_COMP:
		return "7F7F7F";
	case ROLE_CHART_GRID:
		return "1F77B4";
	default:
		return overlay[k % 8];
	}
}

static enum fm_fig_scale fig_scale(int log)
{
	return log == CHART_LOG	     ? FM_FIG_LOG
	       : log == CHART_SYMLOG ? FM_FIG_SYMLOG
				     : FM_FIG_LIN;
}

int tui_chart_write_figure(const struct chart *c, const struct fm_plot_opts *o,
			   const char *path, const struct fm_log *log,
			   unsigned *nfiles, struct fm_error *err)
{
	static const enum fm_fig_style style[] = {
	    [CHART_LINE] = FM_FIG_LINE,
	    [CHART_DASHED] = FM_FIG_DASHED,
	    [CHART_POINTS] = FM_FIG_POINTS,
	    [CHART_DOTTED] = FM_FIG_DOTTED,
	    [CHART_DASHDOT] = FM_FIG_DASHDOT};
	struct fm_fig_series *fs =
	    calloc(c->nseries ? c->nseries : 1, sizeof(*fs));
	struct fm_figure f = {{fig_scale(c->x.log), 0, 0, c->x.title},
			      {fig_scale(c->y.log), 0, 0, c->y.title},
			      fs,
			      c->nseries};
	int r;

	if (!fs)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	/* the window the text chart shows */
	chart_axis_range(&c->x, c->series, c->nseries, 0, &f.x.min, &f.x.max);
	chart_axis_range(&c->y, c->series, c->nseries, 1, &f.y.min, &f.y.max);
	for (size_t k = 0; k < c->nseries; k++) {
		const struct chart_series *s = &c->series[k];
		fs[k] = (struct fm_fig_series){
		    s->label,
		    s->name && s->name[0] ? s->name : NULL,
		    role_rgb(s->role, k),
		    s->style <= CHART_DASHDOT ? style[s->style] : FM_FIG_LINE,
		    s->marker,
		    s->x,
		    s->y,
		    s->n};
	}
	r = fm_plot_figure(&f, o, path, log, nfiles, err);
	free(fs);
	return r;
}

static int export_one(struct session *s, struct sess_chart_req *req,
		      struct tui_view *v, struct fm_error *err)
{
	static const char *const cs_names[] = {"braille", "block", "ascii"};
	const char *cs = sess_setting(s, "charset");
	enum chart_charset charset = CHART_BRAILLE;
	struct fm_plot_opts o;
	const char *prog = getenv("FLOWMODELS_GNUPLOT");

	if (!strcmp(req->ext, "txt")) {
		for (int i = 0; i < 3 && cs; i++)
			if (!strcmp(cs, cs_names[i]))
				charset = (enum chart_charset)i;
		req->nfiles = 1;
		return tui_chart_write_text(&v->chart, charset, req->width,
					    req->height, req->path, err);
	}
	fm_plot_opts_init(&o);
	o.format =
	    !strcmp(req->ext, "six")
		? FM_PLOT_SIXEL
		: (enum fm_plot_format)fm_plot_format_from_name(req->ext);
	if (req->width > 0) {
		o.width = req->width;
		o.height = req->height;
	}
	if (prog && *prog)
		o.gnuplot = prog;
	return tui_chart_write_figure(&v->chart, &o, req->path, req->log,
				      &req->nfiles, err);
}

/* A time series' day: the one asked, else the workbench's, else the
 * first; req->day becomes it (1-based), 0 for other charts. */
static int series_day(struct sess_chart_req *req,
		      const struct tui_chart_export_defaults *d,
		      const struct chart_state *st, struct fm_error *err)
{
	const struct sess_obj *o = st->nobj ? st->obj[0].obj : NULL;
	size_t nd;

	if (!(o && o->kind == SESS_TYPED && o->type == &cmd_series_type)) {
		req->day = 0;
		return 0;
	}
	nd = fm_series_ndays(o->data);
	if (req->day > 0 && (size_t)req->day > nd)
		return fm_error_set(err, FM_EINVAL,
				    "chart: --day %d: %s has %zu day%s",
				    req->day, o->name, nd, nd == 1 ? "" : "s");
	if (req->day <= 0)
		req->day = d && !sess_replaying() ? d->day + 1 : 1;
	if (nd && (size_t)req->day > nd)
		req->day = (int)nd;
	return 0;
}

int tui_chart_export(void *arg, struct session *s, struct sess_chart_req *req,
		     struct fm_error *err)
{
	const struct tui_chart_export_defaults *d = arg;
	struct chart_state st;
	struct tui_view v;
	size_t nshow = 0;
	int r;

	if (!strcmp(req->ext, "txt") && req->width <= 0) {
		req->width = d && !sess_replaying() ? d->cols : 80;
		req->height = d && !sess_replaying() ? d->rows : 24;
		if (req->width < 12 || req->height < 5) {
			req->width = 80;
			req->height = 24;
		}
	}
	/* the numbers are copied into v: the lock only while building */
	sess_lock(s);
	sess_show_get(s, &nshow);
	if (!req->selected && nshow == 0) {
		/* no `show` set: the selection on screen, else the newest */
		if (d && !sess_replaying() && d->selected[0] &&
		    sess_find(s, d->selected))
			snprintf(req->chosen, sizeof(req->chosen), "%s",
				 d->selected);
		else
			sess_chart_newest(s, req->chosen, sizeof(req->chosen));
		req->selected = req->chosen;
	}
	chart_state_get(s, req->selected, &st);
	r = series_day(req, d, &st, err);
	if (r == 0 && st.nobj)
		r = tui_chart_build(&v, &st,
				    req->day > 0 ? (size_t)req->day - 1 : 0);
	sess_unlock(s);
	if (r == FM_EINVAL)
		return r;
	if (!st.nobj)
		return fm_error_set(err, FM_EINVAL, "chart: nothing to chart");
	if (r < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	if (v.note)
		r = fm_error_set(err, FM_EINVAL, "chart: %s (view %s)", v.note,
				 sess_view_name(st.view));
	else
		r = export_one(s, req, &v, err);
	tui_view_release(&v);
	return r;
}

void tui_session_charts(struct session *s)
{
	sess_set_chart_exporter(s, tui_chart_export, NULL);
}
