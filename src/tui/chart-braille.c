/*
 * chart-braille.c - the dot canvas under the chart's plot area, and its
 * three glyph sets.
 *
 * Braille: each cell is a 2x4 grid of dots, U+2800 + a bit per dot
 * (left column top to bottom 0x01 0x02 0x04 0x40, right column 0x08 0x10
 * 0x20 0x80).  Block: 1x2 dots per cell as half blocks ▀ ▄ █.  ASCII: 1x2
 * dots as ' . : (a cell whose last dot was a data point shows '*').
 * A data point of a series with a marker shows the marker's glyph
 * instead (chart_marker_glyph), in every charset, and keeps it (and its
 * role) when a line crosses the cell later.
 * Lines are drawn with a DDA after clipping to the canvas (Liang-Barsky),
 * so a segment far outside costs nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/error.h"
#include "chart.h"

static const uint8_t braille_bit[4][2] = {
    {0x01, 0x08},
    {0x02, 0x10},
    {0x04, 0x20},
    {0x40, 0x80},
};

const char *chart_marker_glyph(int m, enum chart_charset cs)
{
	static const char *const ascii[CHART_MARKERS] = {"o", "+", "x", "#",
							 "@", "%", "&"};
	static const char *const utf8[CHART_MARKERS] = {
	    "\xe2\x97\x8b", /* ○ */
	    "\xe2\x96\xb3", /* △ */
	    "\xe2\x96\xa1", /* □ */
	    "\xe2\x97\x87", /* ◇ */
	    "\xc3\x97",	    /* × */
	    "\xe2\x96\xbd", /* ▽ */
	    "\xe2\x97\x86", /* ◆ */
	};

	if (m < 1)
		return "";
	m = (m - 1) % CHART_MARKERS;
	return cs == CHART_ASCII ? ascii[m] : utf8[m];
}

void chart_dots_per_cell(enum chart_charset cs, int *dx, int *dy)
{
	if (cs == CHART_BRAILLE) {
		*dx = 2;
		*dy = 4;
	} else {
		*dx = 1;
		*dy = 2;
	}
}

int chart_dots_init(struct chart_dots *d, enum chart_charset cs, int cw, int ch)
{
	size_t n = (size_t)(cw > 0 ? cw : 0) * (size_t)(ch > 0 ? ch : 0);

	memset(d, 0, sizeof(*d));
	d->cs = cs;
	d->cw = cw > 0 ? cw : 0;
	d->ch = ch > 0 ? ch : 0;
	chart_dots_per_cell(cs, &d->dx, &d->dy);
	d->bits = calloc(n ? n : 1, 1);
	d->role = calloc(n ? n : 1, 1);
	d->point = calloc(n ? n : 1, 1);
	if (!d->bits || !d->role || !d->point) {
		chart_dots_release(d);
		return FM_ENOMEM;
	}
	return 0;
}

void chart_dots_release(struct chart_dots *d)
{
	free(d->bits);
	free(d->role);
	free(d->point);
	d->bits = d->role = d->point = NULL;
}

void chart_dots_set(struct chart_dots *d, int px, int py, int role, int point)
{
	int cx, cy, sx, sy;
	size_t i;

	if (px < 0 || py < 0 || px >= d->cw * d->dx || py >= d->ch * d->dy)
		return;
	cx = px / d->dx;
	cy = py / d->dy;
	sx = px % d->dx;
	sy = py % d->dy;
	i = (size_t)cy * (size_t)d->cw + (size_t)cx;
	if (d->cs == CHART_BRAILLE)
		d->bits[i] |= braille_bit[sy][sx];
	else
		d->bits[i] |= (uint8_t)(1u << sy);
	if (!point && d->point[i] > 1)
		return; /* a marker glyph stays over the lines drawn later */
	d->role[i] = (uint8_t)role;
	d->point[i] = (uint8_t)(point > 0 ? point : 0);
}

/* Clip the segment to [0, xmax] x [0, ymax]; 0 when nothing is left. */
static int clip(double *x0, double *y0, double *x1, double *y1, double xmax,
		double ymax)
{
	double t0 = 0, t1 = 1;
	double dx = *x1 - *x0, dy = *y1 - *y0;
	double p[4] = {-dx, dx, -dy, dy};
	double q[4] = {*x0, xmax - *x0, *y0, ymax - *y0};

	for (int k = 0; k < 4; k++) {
		if (p[k] == 0) {
			if (q[k] < 0)
				return 0;
			continue;
		}
		double r = q[k] / p[k];
		if (p[k] < 0) {
			if (r > t1)
				return 0;
			if (r > t0)
				t0 = r;
		} else {
			if (r < t0)
				return 0;
			if (r < t1)
				t1 = r;
		}
	}
	*x1 = *x0 + t1 * dx;
	*y1 = *y0 + t1 * dy;
	*x0 = *x0 + t0 * dx;
	*y0 = *y0 + t0 * dy;
	return 1;
}

void chart_dots_line(struct chart_dots *d, double x0, double y0, double x1,
		     double y1, int role, int pattern, unsigned *phase)
{
	double xmax = d->cw * d->dx - 1, ymax = d->ch * d->dy - 1;
	double dx, dy, steps;
	long n;

	if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
		return;
	if (xmax < 0 || ymax < 0 || !clip(&x0, &y0, &x1, &y1, xmax, ymax))
		return;
	/* Work on rounded end points so a line always meets its ends. */
	x0 = floor(x0 + 0.5);
	y0 = floor(y0 + 0.5);
	x1 = floor(x1 + 0.5);
	y1 = floor(y1 + 0.5);
	dx = x1 - x0;
	dy = y1 - y0;
	steps = fmax(fabs(dx), fabs(dy));
	n = (long)steps;
	for (long k = 0; k <= n; k++) {
		double t = n ? (double)k / (double)n : 0;
		unsigned ph = phase ? (*phase)++ : 0;

		if ((pattern == 1 && ph % 5 >= 3) || (pattern == 2 && ph % 3) ||
		    (pattern == 3 && ph % 9 >= 4 && ph % 9 != 6))
			continue;
		chart_dots_set(d, (int)floor(x0 + t * dx + 0.5),
			       (int)floor(y0 + t * dy + 0.5), role, 0);
	}
}

void chart_dots_glyph(const struct chart_dots *d, uint8_t b, int point,
		      char out[5])
{
	static const char *const block[4] = {"", "\xe2\x96\x80", "\xe2\x96\x84",
					     "\xe2\x96\x88"};
	static const char *const ascii[4] = {"", "'", ".", ":"};

	out[0] = 0;
	if (!b)
		return;
	if (point > 1) { /* a marker glyph (chart_series.marker) */
		strcpy(out, chart_marker_glyph(point - 1, d->cs));
		return;
	}
	switch (d->cs) {
	case CHART_BRAILLE:
		/* U+2800 + b in UTF-8: E2, A0 + (b >> 6), 80 + (b & 3f). */
		out[0] = (char)0xe2;
		out[1] = (char)(0xa0 + (b >> 6));
		out[2] = (char)(0x80 + (b & 0x3f));
		out[3] = 0;
		break;
	case CHART_BLOCK:
		strcpy(out, block[b & 3]);
		break;
	case CHART_ASCII:
		strcpy(out, point ? "*" : ascii[b & 3]);
		break;
	}
}

void chart_dots_blit(const struct chart_dots *d, struct chart_canvas *c, int x,
		     int y)
{
	for (int cy = 0; cy < d->ch; cy++)
		for (int cx = 0; cx < d->cw; cx++) {
			size_t i = (size_t)cy * (size_t)d->cw + (size_t)cx;
			char g[5];

			if (!d->bits[i])
				continue;
			chart_dots_glyph(d, d->bits[i], d->point[i], g);
			chart_canvas_put(c, x + cx, y + cy, g, d->role[i]);
		}
}
