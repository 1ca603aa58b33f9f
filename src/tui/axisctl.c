/*
 * axisctl.c - the chart view's state as the session keeps it (view,
 * xscale, yscale, xrange, yrange: src/cmd/session-chart.c).  The keys
 * never change the chart directly: they run the recorded commands
 * (`view cdf`, `set xscale lin`, `set xrange 10:1000`), at once on the UI
 * thread, so that `save` writes what the user did with the keys and a
 * replay draws the same chart.  Zoom and pan work in the axis' own
 * coordinate (log10, symlog or linear) from the range last drawn.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/buf.h"
#include "flowmodels/chartdata.h"
#include "cmd/session.h"
#include "chart-export.h"
#include "keys.h"
#include "views.h"
#include "workbench.h"

void tui_chart_keys_define(void)
{
	static const struct {
		const char *seq;
		int key;
	} k[] = {{"\033[1;2D", KEY_SLEFT},
		 {"\033[1;2C", KEY_SRIGHT},
		 {"\033[1;2A", KEY_SR},
		 {"\033[1;2B", KEY_SF}};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (key_defined(k[i].seq) == 0)
			define_key(k[i].seq, k[i].key);
}

/* Run a chart command now, shown in the messages like a typed one. */
static void chart_command(struct tui *t, const char *line)
{
	tui_log(t, ROLE_MSG_CMD, "> %s", line);
	tui_run_now(t, line);
	t->view = sess_view(t->sess);
	t->dirty |= DIRTY_CHART | DIRTY_INFO;
}

void tui_chart_view(struct tui *t, int v)
{
	char line[64];

	if (v == t->view && v == sess_view(t->sess))
		return;
	snprintf(line, sizeof(line), "view %s", sess_view_name(v));
	chart_command(t, line);
}

void tui_chart_show_toggle(struct tui *t)
{
	struct fm_buf b = FM_BUF_INIT;
	const struct sess_shown *sh;
	size_t n;
	int in = 0;

	if (!t->selected[0])
		return;
	fm_buf_addstr(&b, "show");
	sess_lock(t->sess);
	sh = sess_show_get(t->sess, &n);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(sh[i].obj->name, t->selected))
			in = 1;
		else
			fm_buf_printf(&b, " %s", sh[i].obj->name);
	}
	sess_unlock(t->sess);
	if (!in)
		fm_buf_printf(&b, " %s", t->selected);
	fm_buf_addstr(&b, "");
	chart_command(t, fm_buf_str(&b));
	fm_buf_release(&b);
	t->dirty |= DIRTY_OBJECTS;
}

/* Axis coordinate of v and back (chart.c's mapping). */
static double to_t(int scale, double v)
{
	return scale == CHART_LOG      ? log10(v)
	       : scale == CHART_SYMLOG ? fm_chart_symlog(v)
				       : v;
}

static double from_t(int scale, double t)
{
	return scale == CHART_LOG      ? pow(10, t)
	       : scale == CHART_SYMLOG ? fm_chart_symlog_inv(t)
				       : t;
}

/*
 * `set Xrange LO:HI` for the drawn range [r0, r1] of an axis with scale
 * sc, scaled by zoom around its middle and moved by shift widths.
 */
static void set_range(struct tui *t, char axis, const double r[2], int sc,
		      double zoom, double shift)
{
	double t0 = to_t(sc, r[0]), t1 = to_t(sc, r[1]);
	double c = (t0 + t1) / 2 + shift * (t1 - t0), w = (t1 - t0) * zoom;
	double lo = from_t(sc, c - w / 2), hi = from_t(sc, c + w / 2);
	char line[96], a[32], b[32];

	if (!isfinite(t0) || !isfinite(t1) || !(t1 > t0))
		return;
	snprintf(a, sizeof(a), "%.6g", lo);
	snprintf(b, sizeof(b), "%.6g", hi);
	if (!(strtod(a, NULL) < strtod(b, NULL))) {
		tui_log(t, ROLE_PANEL_DIM, "zoomed in as far as it goes");
		return;
	}
	snprintf(line, sizeof(line), "set %crange %s:%s", axis, a, b);
	chart_command(t, line);
}

int tui_chart_key(struct tui *t, int act, int arg)
{
	const struct tui_chart_axes *d = &t->drawn;
	int y = arg >= 2;

	switch (act) {
	case ACT_SCALE: {
		int cur = arg ? d->yscale : d->xscale;
		int own = arg ? d->own_yscale : d->own_xscale;
		char line[48];

		if (!d->valid)
			break;
		/* log (or symlog) -> lin; lin -> the view's own, else log */
		snprintf(line, sizeof(line), "set %cscale %s", arg ? 'y' : 'x',
			 cur != CHART_LIN   ? "lin"
			 : own != CHART_LIN ? "auto"
					    : "log");
		chart_command(t, line);
		return 1;
	}
	case ACT_ZOOM:
		if (d->valid)
			set_range(t, y ? 'y' : 'x', y ? d->y : d->x,
				  y ? d->yscale : d->xscale,
				  arg % 2 ? 2.0 : 0.5, 0);
		return 1;
	case ACT_PAN:
		if (d->valid)
			set_range(t, y ? 'y' : 'x', y ? d->y : d->x,
				  y ? d->yscale : d->xscale, 1,
				  arg == 0 || arg == 3 ? -0.25 : 0.25);
		return 1;
	case ACT_CURSOR: {
		long last = (long)d->npoints - 1, c = t->cursor;

		if (!d->valid || last < 0)
			return 1;
		c = arg == -2  ? 0
		    : arg == 2 ? last
		    : c < 0    ? last / 2
			       : c + arg;
		t->cursor = c < 0 ? 0 : c > last ? last : c;
		t->dirty |= DIRTY_CHART;
		return 1;
	}
	case ACT_AXES_RESET:
		chart_command(t, "set xrange auto");
		chart_command(t, "set yrange auto");
		return 1;
	default:
		break;
	}
	return act == ACT_SCALE; /* before a chart was drawn: nothing */
}

void tui_chart_apply(struct tui *t, const struct sess_view_axes *a,
		     struct tui_view *v)
{
	struct tui_chart_axes *d = &t->drawn;
	struct chart *c = &v->chart;

	d->own_xscale = v->own_xscale;
	d->own_yscale = v->own_yscale;
	tui_chart_apply_axes(c, a); /* a scene has them already: the same */
	d->npoints = c->nseries ? c->series[0].n : 0;
	d->xscale = c->x.log;
	d->yscale = c->y.log;
	chart_axis_range(&c->x, c->series, c->nseries, 0, &d->x[0], &d->x[1]);
	chart_axis_range(&c->y, c->series, c->nseries, 1, &d->y[0], &d->y[1]);
	d->valid = 1;
	if (t->cursor >= 0 && d->npoints) {
		size_t i = (size_t)t->cursor < d->npoints ? (size_t)t->cursor
							  : d->npoints - 1;
		c->cursor = 1;
		c->cursor_x = c->series[0].x[i];
	}
}

/* The value of series s at x: its point at x, else the last before. */
static double value_at(const struct chart_series *s, double x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) { /* the first point with x > the cursor */
		size_t mid = lo + (hi - lo) / 2;
		if (s->x[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? s->y[lo - 1] : NAN;
}

void tui_chart_readout(const struct chart *c, const char *unit, char *out,
		       size_t size)
{
	size_t len;

	out[0] = 0;
	if (!c->cursor)
		return;
	len = (size_t)snprintf(out, size, "x %.6g", c->cursor_x);
	for (size_t k = 0; k < c->nseries && len < size; k++) {
		const struct chart_series *s = &c->series[k];
		if (!s->name)
			continue;
		len += (size_t)snprintf(out + len, size - len, " | %s %.6g%s%s",
					s->name, value_at(s, c->cursor_x),
					unit && *unit ? " " : "",
					unit ? unit : "");
	}
}
