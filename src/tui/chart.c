/*
 * chart.c - the chart model laid out on a cell canvas: axis ranges, ticks
 * and their labels, axis lines, titles and the legend.  The plot area is
 * drawn through the dot canvas of chart-braille.c.  See chart.h for the
 * layout.  Pure code: no ncurses, no globals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/chartdata.h"
#include "flowmodels/error.h"
#include "chart.h"
#include "roles.h"

/* ---- canvas ---- */

int chart_canvas_init(struct chart_canvas *c, int w, int h)
{
	size_t n;

	c->w = w > 0 ? w : 0;
	c->h = h > 0 ? h : 0;
	n = (size_t)c->w * (size_t)c->h;
	c->cells = malloc((n ? n : 1) * sizeof(*c->cells));
	if (!c->cells) {
		c->w = c->h = 0;
		return FM_ENOMEM;
	}
	chart_canvas_clear(c);
	return 0;
}

void chart_canvas_release(struct chart_canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void chart_canvas_clear(struct chart_canvas *c)
{
	size_t n = (size_t)c->w * (size_t)c->h;

	for (size_t i = 0; i < n; i++) {
		c->cells[i].ch[0] = ' ';
		c->cells[i].ch[1] = 0;
		c->cells[i].role = ROLE_DEFAULT;
	}
}

struct chart_cell *chart_canvas_at(struct chart_canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

void chart_canvas_put(struct chart_canvas *c, int x, int y, const char *ch,
		      int role)
{
	struct chart_cell *cell = chart_canvas_at(c, x, y);
	size_t len = strlen(ch);

	if (!cell)
		return;
	if (len > 4)
		len = 4;
	memcpy(cell->ch, ch, len);
	cell->ch[len] = 0;
	cell->role = (unsigned char)role;
}

/* Length in bytes of the UTF-8 character starting with byte b. */
static int utf8_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if ((b & 0xe0) == 0xc0)
		return 2;
	if ((b & 0xf0) == 0xe0)
		return 3;
	if ((b & 0xf8) == 0xf0)
		return 4;
	return 1;
}

int chart_utf8_width(const char *s)
{
	int n = 0;

	while (*s) {
		int l = utf8_len((unsigned char)*s);
		for (int k = 0; k < l && *s; k++)
			s++;
		n++;
	}
	return n;
}

int chart_canvas_text(struct chart_canvas *c, int x, int y, const char *s,
		      int role)
{
	int n = 0;

	while (*s) {
		char ch[5];
		int l = utf8_len((unsigned char)*s), k;

		for (k = 0; k < l && s[k]; k++)
			ch[k] = s[k];
		ch[k] = 0;
		s += k;
		chart_canvas_put(c, x + n, y, ch, role);
		n++;
	}
	return n;
}

char chart_role_letter(int role)
{
	switch (role) {
	case ROLE_DEFAULT:
		return ' ';
	case ROLE_CHART_AXIS:
		return 'a';
	case ROLE_CHART_TEXT:
		return 't';
	case ROLE_CHART_FLOWS:
		return 'f';
	case ROLE_CHART_PACKETS:
		return 'p';
	case ROLE_CHART_OCTETS:
		return 'o';
	case ROLE_CHART_MODEL:
		return 'm';
	case ROLE_CHART_COMP:
		return 'c';
	case ROLE_CHART_GRID:
		return 'g';
	default: /* the objects of an overlay: 1..8 */
		if (role >= ROLE_CHART_OVERLAY1 && role <= ROLE_CHART_OVERLAY8)
			return (char)('1' + role - ROLE_CHART_OVERLAY1);
		return '?';
	}
}

char *chart_canvas_dump(const struct chart_canvas *c, int roles)
{
	size_t cap = (size_t)c->h * ((size_t)c->w * 4 + 1) + 1, len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	for (int y = 0; y < c->h; y++) {
		size_t row = len, keep = len;

		for (int x = 0; x < c->w; x++) {
			const struct chart_cell *cell =
			    &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
			int blank;

			if (roles) {
				s[len++] = chart_role_letter(cell->role);
				blank = s[len - 1] == ' ';
			} else {
				size_t l = strlen(cell->ch);
				memcpy(s + len, cell->ch, l);
				len += l;
				blank = l == 1 && cell->ch[0] == ' ';
			}
			if (!blank)
				keep = len;
		}
		(void)row;
		len = keep;
		if (y + 1 < c->h)
			s[len++] = '\n';
	}
	s[len] = 0;
	return s;
}

/* ---- ticks ---- */

void chart_tick_label(double v, int log, char *buf, size_t size)
{
	static const char suffix[] = " kMGTPE";

	if (log && v > 0) {
		double e = floor(log10(v) + 0.5);

		if (fabs(v / pow(10, e) - 1) < 1e-9 && e > -100 && e < 19) {
			int ie = (int)e;
			if (ie < 0)
				snprintf(buf, size, "1e%d", ie);
			else if (ie < 3)
				snprintf(buf, size, "%d",
					 ie == 0   ? 1
					 : ie == 1 ? 10
						   : 100);
			else
				snprintf(buf, size, "%d%c",
					 ie % 3 == 0   ? 1
					 : ie % 3 == 1 ? 10
						       : 100,
					 suffix[ie / 3]);
			return;
		}
	}
	if (fabs(v) < 1e-12) {
		snprintf(buf, size, "0");
		return;
	}
	for (int k = 6; k >= 1; k--) {
		double unit = pow(1000, k);
		if (fabs(v) >= unit) {
			snprintf(buf, size, "%.3g%c", v / unit, suffix[k]);
			return;
		}
	}
	snprintf(buf, size, "%.3g", v);
}

/* 1, 2 or 5 times a power of ten, at least x. */
static double nice_step(double x)
{
	double mag = pow(10, floor(log10(x)));
	double f = x / mag;

	if (f <= 1 + 1e-9)
		return mag;
	if (f <= 2 + 1e-9)
		return 2 * mag;
	if (f <= 5 + 1e-9)
		return 5 * mag;
	return 10 * mag;
}

/* The nice step after s (1 -> 2 -> 5 -> 10). */
static double next_step(double s)
{
	return nice_step(s * 1.01);
}

/* Axis coordinate of v (log10 on a log axis), NAN when unusable. */
static double axis_t(int scale, double v)
{
	if (!isfinite(v))
		return NAN;
	if (scale == CHART_LOG)
		return v > 0 ? log10(v) : NAN;
	if (scale == CHART_SYMLOG)
		return fm_chart_symlog(v);
	return v;
}

/* The power of ten at or beyond |v| (1 for |v| <= 1), with v's sign. */
static double decade_out(double v)
{
	double a = fabs(v), d = a > 1 ? pow(10, ceil(log10(a) - 1e-9)) : 1;

	return v < 0 ? -d : d;
}

int chart_axis_range(const struct chart_axis *ax, const struct chart_series *s,
		     size_t ns, int which, double *min, double *max)
{
	double lo = INFINITY, hi = -INFINITY;
	int islog = ax->log == CHART_LOG;

	if (ax->min < ax->max && (!islog || ax->min > 0)) {
		*min = ax->min;
		*max = ax->max;
		return 0;
	}
	/* Extremes of the raw values (log is monotonic: one log10 at the end).
	 */
	for (size_t k = 0; k < ns; k++) {
		const double *v = which ? s[k].y : s[k].x;
		for (size_t i = 0; i < s[k].n; i++) {
			double t = v[i];
			if (!isfinite(t) || (islog && t <= 0))
				continue;
			if (t < lo)
				lo = t;
			if (t > hi)
				hi = t;
		}
	}
	if (lo > hi) {
		*min = islog ? 1 : 0;
		*max = islog ? 10 : 1;
		return -1;
	}
	if (ax->log == CHART_SYMLOG) {
		/* 0 or a negative decade .. the decade at or above hi */
		*min = lo >= 0 ? 0 : decade_out(lo);
		*max = hi <= 0 ? 0 : decade_out(hi);
		if (*max <= *min)
			*max = *min + 1;
		return 0;
	}
	if (islog) {
		lo = floor(log10(lo) + 1e-9);
		hi = ceil(log10(hi) - 1e-9);
		if (hi <= lo)
			hi = lo + 1;
		*min = pow(10, lo);
		*max = pow(10, hi);
		return 0;
	}
	if (hi == lo) {
		double pad = lo == 0 ? 1 : fabs(lo) / 2;
		lo -= pad;
		hi += pad;
	}
	double step = nice_step((hi - lo) / 5);
	*min = floor(lo / step + 1e-9) * step;
	*max = ceil(hi / step - 1e-9) * step;
	return 0;
}

#define MAX_TICKS 64

struct tick {
	double v;  /* value */
	double at; /* axis coordinate */
	int pos;   /* cell column or row */
	int labelled;
	char label[24];
	int len;
};

struct axis_map {
	int log;       /* enum chart_scale */
	double t0, t1; /* axis coordinates of the range */
	int dots;      /* dots along the axis */
};

/* Dot coordinate of axis coordinate t (0 at the low end). */
static double map_dot(const struct axis_map *m, double t)
{
	return (t - m->t0) / (m->t1 - m->t0) * (m->dots - 1);
}

/*
 * The ticks of an axis: decades (log; symlog also 0 and negative
 * decades) or multiples of step: t[i].v and .at, and in dec[i] the
 * decade that decides which are labelled when not all fit (k-th ones).
 */
static int tick_values(const struct axis_map *m, double step, struct tick *t,
		       long *dec)
{
	int n = 0;

	if (m->log == CHART_LOG) {
		for (double e = ceil(m->t0 - 1e-9);
		     e <= m->t1 + 1e-9 && n < MAX_TICKS; e++, n++) {
			t[n].at = e;
			t[n].v = pow(10, e);
			dec[n] = (long)e;
		}
		return n;
	}
	if (m->log == CHART_SYMLOG) {
		for (int e = 18; e >= -1 && n < MAX_TICKS; e--) {
			/* -10^e .. -1, then 0 (e = -1) */
			double v = e < 0 ? 0 : -pow(10, e);
			double at = fm_chart_symlog(v);
			if (at < m->t0 - 1e-9 || at > m->t1 + 1e-9)
				continue;
			t[n].at = at;
			t[n].v = v;
			dec[n++] = e + 1;
		}
		for (int e = 0; e <= 18 && n < MAX_TICKS; e++) {
			double v = pow(10, e), at = fm_chart_symlog(v);
			if (at < m->t0 - 1e-9 || at > m->t1 + 1e-9)
				continue;
			t[n].at = at;
			t[n].v = v;
			dec[n++] = e + 1;
		}
		return n;
	}
	for (double k = ceil(m->t0 / step - 1e-9);
	     k * step <= m->t1 + step * 1e-9 && n < MAX_TICKS; k++, n++) {
		t[n].at = t[n].v = k * step;
		dec[n] = 0;
	}
	return n;
}

/* The label of a tick (log style for the decades of a symlog axis). */
static void tick_label(const struct axis_map *m, struct tick *t)
{
	chart_tick_label(t->v, m->log != CHART_LIN, t->label, sizeof(t->label));
	t->len = chart_utf8_width(t->label);
}

/* ---- the renderer ---- */

static void too_small(struct chart_canvas *out)
{
	chart_canvas_text(out, 0, 0, "chart too small", ROLE_CHART_TEXT);
}

static const char *legend_marker(const struct chart_series *s,
				 enum chart_charset cs)
{
	if (s->style == CHART_POINTS && s->marker)
		return chart_marker_glyph(s->marker, cs);
	if (cs == CHART_ASCII)
		return s->style == CHART_POINTS	   ? "*"
		       : s->style == CHART_DASHED  ? "~"
		       : s->style == CHART_DOTTED  ? ":"
		       : s->style == CHART_DASHDOT ? "="
						   : "-";
	if (s->style == CHART_DASHDOT)
		return "\xe2\x95\x8c";			   /* ╌ */
	return s->style == CHART_POINTS ? "\xe2\x97\x8f" : /* ● */
		   s->style == CHART_DASHED ? "\xe2\x94\x84"
					    : /* ┄ */
		   s->style == CHART_DOTTED ? "\xe2\x94\x88"
					    : /* ┈ */
		   "\xe2\x94\x80";	      /* ─ */
}

/*
 * Y ticks: every tick gets a mark; labels go on ticks at least 2 rows
 * apart (log: every k-th decade; linear: the step grows).
 */
static int y_ticks(const struct axis_map *m, int py0, int dy, struct tick *t)
{
	long dec[MAX_TICKS];
	double step = 0;
	int n = 0;

	if (m->log == CHART_LIN)
		step = nice_step((m->t1 - m->t0) / fmax(2, m->dots / dy / 2.0));
	for (int k = 1; k <= 64; k++) {
		int ok = 1, last = -1000;

		n = tick_values(m, step, t, dec);
		for (int i = 0; i < n; i++) {
			double d = (m->dots - 1) - map_dot(m, t[i].at);
			t[i].pos = py0 + (int)floor(d + 0.5) / dy;
			t[i].labelled = dec[i] % k == 0;
			if (!t[i].labelled)
				continue;
			if (last != -1000 && last - t[i].pos < 2)
				ok = 0;
			last = t[i].pos;
		}
		if (ok)
			break;
		if (m->log == CHART_LIN)
			step = next_step(step);
	}
	for (int i = 0; i < n; i++)
		tick_label(m, &t[i]);
	return n;
}

/* Whether a title starting at column tstart would hide a tick label
 * (labels are centred on their marks, as drawn below). */
static int hides_label(const struct tick *t, int n, int w, int tstart)
{
	for (int i = 0; i < n; i++) {
		int start = t[i].pos - (t[i].len - 1) / 2;
		if (start + t[i].len > w)
			start = w - t[i].len;
		if (t[i].labelled && t[i].pos < w &&
		    start + t[i].len > tstart - 1)
			return 1;
	}
	return 0;
}

/* X ticks: labels centred on their marks, not overlapping, left of limit. */
static int x_ticks(const struct axis_map *m, int px0, int dx, int w,
		   struct tick *t)
{
	long dec[MAX_TICKS];
	double step = 0;
	int n = 0;

	if (m->log == CHART_LIN)
		step = nice_step((m->t1 - m->t0) / fmax(1, m->dots / dx / 8.0));
	for (int k = 1; k <= 64; k++) {
		int ok = 1, end = -1000;

		n = tick_values(m, step, t, dec);
		for (int i = 0; i < n; i++) {
			double d = map_dot(m, t[i].at);
			int start;

			t[i].pos = px0 + (int)floor(d + 0.5) / dx;
			t[i].labelled = dec[i] % k == 0;
			tick_label(m, &t[i]);
			if (!t[i].labelled)
				continue;
			start = t[i].pos - (t[i].len - 1) / 2;
			if (start + t[i].len > w)
				start = w - t[i].len;
			if (start < 0)
				start = 0;
			if (end != -1000 && start < end + 1)
				ok = 0;
			end = start + t[i].len;
		}
		if (ok)
			break;
		if (m->log == CHART_LIN)
			step = next_step(step);
	}
	return n;
}

/*
 * Draw one series.  tx holds the series' x values already mapped to dot
 * columns (NAN = unusable), shared between series with the same x array.
 * Consecutive points that land on the same dot are skipped: a 12 000-bin
 * histogram drawn on a few hundred dot columns costs little more than the
 * columns themselves.
 */
static void draw_series(struct chart_dots *d, const struct chart_series *s,
			const double *tx, const struct axis_map *my)
{
	unsigned phase = 0;
	double px = NAN, py = NAN;

	for (size_t i = 0; i < s->n; i++) {
		double ty = axis_t(my->log, s->y[i]);
		double x = tx[i], y;

		if (isnan(x) || isnan(ty)) {
			px = py = NAN;
			continue;
		}
		y = (my->dots - 1) - map_dot(my, ty);
		if (s->style == CHART_POINTS) {
			if (x > -0.5 && y > -0.5)
				chart_dots_set(d, (int)floor(x + 0.5),
					       (int)floor(y + 0.5), s->role,
					       1 + s->marker);
			continue;
		}
		if (isnan(px)) {
			chart_dots_line(d, x, y, x, y, s->role, 0, NULL);
		} else {
			if (floor(x + 0.5) == floor(px + 0.5) &&
			    floor(y + 0.5) == floor(py + 0.5))
				continue;
			chart_dots_line(d, px, py, x, y, s->role,
					s->style == CHART_DASHED    ? 1
					: s->style == CHART_DOTTED  ? 2
					: s->style == CHART_DASHDOT ? 3
								    : 0,
					&phase);
		}
		px = x;
		py = y;
	}
}

/* Map the x values of s to dot columns into *buf (grown as needed). */
static const double *map_x(const struct chart_series *s,
			   const struct axis_map *mx, double **buf, size_t *cap)
{
	if (s->n > *cap) {
		double *nb = realloc(*buf, s->n * sizeof(double));
		if (!nb)
			return NULL;
		*buf = nb;
		*cap = s->n;
	}
	for (size_t i = 0; i < s->n; i++) {
		double t = axis_t(mx->log, s->x[i]);
		(*buf)[i] = isnan(t) ? NAN : map_dot(mx, t);
	}
	return *buf;
}

/* Where the parts of a chart go on its canvas: the plot area, the axes'
 * rows and columns, the ticks, and the axis maps from values to dots. */
struct chart_frame {
	int w, h, dx, dy;
	int py0, ph;	 /* plot area rows */
	int lw, px0, pw; /* y labels' width, plot area columns */
	int ar, tstart;	 /* x axis row, x title column */
	int nyt, nxt;
	struct tick yt[MAX_TICKS], xt[MAX_TICKS];
	struct axis_map mx, my;
};

/* Lays the frame out; -1 when the canvas is too small for a chart. */
static int frame_layout(const struct chart *ch, enum chart_charset cs,
			struct chart_frame *f)
{
	double xmin, xmax, ymin, ymax;

	chart_dots_per_cell(cs, &f->dx, &f->dy);
	chart_axis_range(&ch->x, ch->series, ch->nseries, 0, &xmin, &xmax);
	chart_axis_range(&ch->y, ch->series, ch->nseries, 1, &ymin, &ymax);
	f->py0 = ch->y.title && *ch->y.title ? 1 : 0;
	/* the x title goes on a row of its own when it would hide tick
	 * labels (sep = 1; second pass) and the chart has rows to spare */
	for (int sep = 0; sep < 2; sep++) {
		f->ph = f->h - 2 - f->py0 - sep;
		f->ar = f->h - 2 - sep;
		f->my.log = ch->y.log;
		f->my.t0 = axis_t(f->my.log, ymin);
		f->my.t1 = axis_t(f->my.log, ymax);
		f->my.dots = f->ph * f->dy;
		f->nyt = y_ticks(&f->my, f->py0, f->dy, f->yt);
		f->lw = 1;
		for (int i = 0; i < f->nyt; i++)
			if (f->yt[i].labelled && f->yt[i].len > f->lw)
				f->lw = f->yt[i].len;
		f->px0 = f->lw + 1;
		f->pw = f->w - f->px0;
		if (f->pw < 4 || f->ph < 2)
			return -1;
		f->mx.log = ch->x.log;
		f->mx.t0 = axis_t(f->mx.log, xmin);
		f->mx.t1 = axis_t(f->mx.log, xmax);
		f->mx.dots = f->pw * f->dx;
		f->nxt = x_ticks(&f->mx, f->px0, f->dx, f->w, f->xt);
		f->tstart = f->w;
		if (ch->x.title && *ch->x.title) {
			int tw = chart_utf8_width(ch->x.title);
			f->tstart = tw <= f->w ? f->w - tw : 0;
		}
		if (sep || f->h < 9 ||
		    !hides_label(f->xt, f->nxt, f->w, f->tstart))
			break;
	}
	return 0;
}

static void draw_axes(const struct chart *ch, enum chart_charset cs,
		      const struct chart_frame *f, struct chart_canvas *out)
{
	const char *vline = cs == CHART_ASCII ? "|" : "\xe2\x94\x82";  /* │ */
	const char *hline = cs == CHART_ASCII ? "-" : "\xe2\x94\x80";  /* ─ */
	const char *ytick = cs == CHART_ASCII ? "+" : "\xe2\x94\xa4";  /* ┤ */
	const char *xtick = cs == CHART_ASCII ? "+" : "\xe2\x94\xac";  /* ┬ */
	const char *corner = cs == CHART_ASCII ? "+" : "\xe2\x94\x94"; /* └ */

	for (int r = f->py0; r < f->py0 + f->ph; r++)
		chart_canvas_put(out, f->lw, r, vline, ROLE_CHART_AXIS);
	chart_canvas_put(out, f->lw, f->ar, corner, ROLE_CHART_AXIS);
	for (int c = f->px0; c < f->w; c++)
		chart_canvas_put(out, c, f->ar, hline, ROLE_CHART_AXIS);
	for (int i = 0; i < f->nyt; i++) {
		chart_canvas_put(out, f->lw, f->yt[i].pos, ytick,
				 ROLE_CHART_AXIS);
		if (f->yt[i].labelled)
			chart_canvas_text(out, f->lw - f->yt[i].len,
					  f->yt[i].pos, f->yt[i].label,
					  ROLE_CHART_AXIS);
	}
	if (f->tstart < f->w)
		chart_canvas_text(out, f->tstart, f->h - 1, ch->x.title,
				  ROLE_CHART_TEXT);
	for (int i = 0, end = -1; i < f->nxt; i++) {
		/* labels on the title's row stop before it */
		int limit = f->tstart < f->w && f->ar == f->h - 2
				? f->tstart - 1
				: f->w,
		    start;

		if (f->xt[i].pos < f->w)
			chart_canvas_put(out, f->xt[i].pos, f->ar, xtick,
					 ROLE_CHART_AXIS);
		if (!f->xt[i].labelled)
			continue;
		start = f->xt[i].pos - (f->xt[i].len - 1) / 2;
		if (start + f->xt[i].len > f->w)
			start = f->w - f->xt[i].len;
		if (start < 0)
			start = 0;
		if (start <= end || start + f->xt[i].len > limit)
			continue;
		chart_canvas_text(out, start, f->ar + 1, f->xt[i].label,
				  ROLE_CHART_AXIS);
		end = start + f->xt[i].len;
	}
	if (f->py0)
		chart_canvas_text(out, 0, 0, ch->y.title, ROLE_CHART_TEXT);
}

static void draw_plot(const struct chart *ch, enum chart_charset cs,
		      const struct chart_frame *f, struct chart_canvas *out)
{
	struct chart_dots dots;
	double *xbuf = NULL;
	size_t xcap = 0, last_n = 0;
	const double *tx = NULL, *last_x = NULL;

	if (chart_dots_init(&dots, cs, f->pw, f->ph) < 0)
		return;
	for (size_t k = 0; k < ch->nseries; k++) {
		const struct chart_series *sk = &ch->series[k];
		if (!tx || sk->x != last_x || sk->n > last_n)
			tx = map_x(sk, &f->mx, &xbuf, &xcap);
		if (!tx)
			break;
		last_x = sk->x;
		last_n = sk->n;
		draw_series(&dots, sk, tx, &f->my);
	}
	free(xbuf);
	chart_dots_blit(&dots, out, f->px0, f->py0);
	chart_dots_release(&dots);
}

/* The cursor: a vertical line through the plot area. */
static void draw_cursor(const struct chart *ch, enum chart_charset cs,
			const struct chart_frame *f, struct chart_canvas *out)
{
	double d;
	int col;

	if (!ch->cursor || !isfinite(axis_t(f->mx.log, ch->cursor_x)))
		return;
	d = map_dot(&f->mx, axis_t(f->mx.log, ch->cursor_x));
	col = f->px0 + (int)floor(d + 0.5) / f->dx;
	for (int r = f->py0; d > -0.5 && col < f->w && r < f->py0 + f->ph; r++)
		chart_canvas_put(out, col, r,
				 cs == CHART_ASCII ? "|"
						   : "\xe2\x94\x86", /* ┆ */
				 ROLE_CHART_AXIS);
}

/* The legend, top right of the plot area, over a blank box. */
static void draw_legend(const struct chart *ch, enum chart_charset cs,
			const struct chart_frame *f, struct chart_canvas *out)
{
	int lwid = 0, nl = 0, x0, r;

	if (!ch->legend)
		return;
	for (size_t k = 0; k < ch->nseries; k++)
		if (ch->series[k].label) {
			int l = 2 + chart_utf8_width(ch->series[k].label);
			if (l > lwid)
				lwid = l;
			nl++;
		}
	if (!nl || lwid + 2 > f->pw || nl > f->ph)
		return;
	x0 = f->w - lwid;
	for (int rr = f->py0; rr < f->py0 + nl; rr++)
		for (int c = x0 - 1; c < f->w; c++)
			chart_canvas_put(out, c, rr, " ", ROLE_DEFAULT);
	r = f->py0;
	for (size_t k = 0; k < ch->nseries; k++) {
		if (!ch->series[k].label)
			continue;
		chart_canvas_put(out, x0, r, legend_marker(&ch->series[k], cs),
				 ch->series[k].role);
		chart_canvas_text(out, x0 + 2, r, ch->series[k].label,
				  ROLE_CHART_TEXT);
		r++;
	}
}

void chart_render(const struct chart *ch, enum chart_charset cs,
		  struct chart_canvas *out)
{
	struct chart_frame f = {.w = out->w, .h = out->h};

	chart_canvas_clear(out);
	if (f.w < 12 || f.h < 5 || frame_layout(ch, cs, &f) < 0) {
		too_small(out);
		return;
	}
	draw_axes(ch, cs, &f, out);
	draw_plot(ch, cs, &f, out);
	draw_cursor(ch, cs, &f, out);
	draw_legend(ch, cs, &f, out);
}
