/*
 * chart.h - the chart model and its text renderers.
 *
 * A chart is a few series of (x, y) points over two axes (log or linear,
 * fixed or automatic range, with a title each) plus a legend.  The renderer
 * maps it onto a grid of terminal cells (struct chart_canvas: one UTF-8
 * character and one colour role per cell) and knows nothing of ncurses, so
 * it is unit-tested against golden text canvases; the workbench copies a
 * canvas into a window.
 *
 * Layout of a w x h canvas:
 *   row 0          the y axis title (when there is one), left-aligned
 *   rows 1..h-3    the plot area, y tick labels right-aligned left of the
 *                  y axis line; the legend at its top right
 *   row h-2        the x axis line with tick marks
 *   row h-1        x tick labels centred under their marks, the x axis
 *                  title right-aligned
 * Log axes have ticks at powers of ten labelled 1 10 100 1k 10k 100k 1M
 * 10M 100M 1G ... and 1e-1 1e-2 ...; when they do not fit, every second
 * (third, ...) decade is labelled.  Symlog axes (duration and rate, whose
 * first bin is 0) the same plus 0 (and -1 -10 ... below it).  Linear axes
 * have ticks at 1, 2 or 5 times a power of ten.
 *
 * The plot area is a canvas of dots (chart-braille.c): 2x4 dots per cell
 * in braille, 1x2 in block (▀▄█) and ASCII ('.:) mode.  Lines join
 * consecutive points; a point that is not finite, or not positive on a log
 * axis, breaks the line.  Series are drawn in order and a cell takes the
 * role of the last series that drew into it, so callers pass data series
 * before models.
 */
#ifndef FM_TUI_CHART_H
#define FM_TUI_CHART_H

#include <stddef.h>
#include <stdint.h>

enum chart_charset { CHART_BRAILLE, CHART_BLOCK, CHART_ASCII };

enum chart_style {
	CHART_LINE,    /* points joined by lines */
	CHART_DASHED,  /* the same, dashed (mixture components) */
	CHART_POINTS,  /* single dots (data points) */
	CHART_DOTTED,  /* lines, dotted: a third series that must differ
			* from the others without colours */
	CHART_DASHDOT, /* lines, dash-dot (a fourth mixture of an overlay) */
};

/* Glyphs of data points (struct chart_series.marker): 0 the dots of the
 * charset; 1..CHART_MARKERS a glyph per cell, so that the points of
 * overlaid histograms differ without colours too. */
#define CHART_MARKERS 7
/* Marker m's glyph in charset cs (ASCII: o + x # @ % &; else ○ △ □ ◇ ×
 * ▽ ◆); "" for m = 0. */
const char *chart_marker_glyph(int m, enum chart_charset cs);

struct chart_series {
	const char *label; /* legend text; NULL = not in the legend */
	int role;	   /* enum tui_role */
	enum chart_style style;
	const double *x, *y; /* n points */
	size_t n;
	int marker;	  /* CHART_POINTS: 0 dots, else a glyph (above) */
	const char *name; /* the cursor readout's name; NULL: not read */
};

/* Axis scales (struct chart_axis.log). */
enum chart_scale {
	CHART_LIN = 0,
	CHART_LOG = 1,	  /* log10: positive values only */
	CHART_SYMLOG = 2, /* sgn(x) log10(1 + |x|) (fm_chart_symlog): an axis
			   * through 0, ticks at 0 and +-10^k */
};

struct chart_axis {
	int log;	   /* enum chart_scale (0 linear, 1 log, 2 symlog) */
	double min, max;   /* min < max: fixed; otherwise from data */
	const char *title; /* with units, e.g. "Flow length [pkts]" */
};

struct chart {
	struct chart_axis x, y;
	const struct chart_series *series;
	size_t nseries;
	int legend; /* draw the legend */
	int cursor; /* draw a vertical cursor at cursor_x */
	double cursor_x;
};

/* One cell: a NUL-terminated UTF-8 character (or "") and its role. */
struct chart_cell {
	char ch[5];
	unsigned char role;
};

struct chart_canvas {
	int w, h;
	struct chart_cell *cells; /* h rows of w cells */
};

/* Allocate a w x h canvas of spaces; 0 or FM_ENOMEM. */
int chart_canvas_init(struct chart_canvas *c, int w, int h);
void chart_canvas_release(struct chart_canvas *c);
/* Fill with spaces of role ROLE_DEFAULT. */
void chart_canvas_clear(struct chart_canvas *c);
/* The cell at (x, y), or NULL outside. */
struct chart_cell *chart_canvas_at(struct chart_canvas *c, int x, int y);
/* Set the cell at (x, y) (ignored outside) to the UTF-8 character ch. */
void chart_canvas_put(struct chart_canvas *c, int x, int y, const char *ch,
		      int role);
/*
 * Write UTF-8 text from (x, y) one character per cell, clipped at the
 * right edge; returns the number of cells the text takes (clipped or not).
 */
int chart_canvas_text(struct chart_canvas *c, int x, int y, const char *s,
		      int role);
/*
 * The canvas as text, rows joined by '\n' (trailing spaces of each row
 * removed), malloc'ed; NULL when out of memory.  With roles set, each
 * cell is one role letter instead (chart_role_letter).
 */
char *chart_canvas_dump(const struct chart_canvas *c, int roles);
/* A letter per role for dumps: ' ' default, 'a' axis, 't' text,
 * 'f' flows, 'p' packets, 'o' octets, 'm' model, 'c' comp, 'g' grid,
 * '1'..'8' the objects of an overlay, '?' other. */
char chart_role_letter(int role);

/* Number of characters (code points) of a UTF-8 string. */
int chart_utf8_width(const char *s);

/*
 * Render ch into the whole canvas (cleared first).  A canvas smaller than
 * 12x5 gets a "chart too small" note instead.
 */
void chart_render(const struct chart *ch, enum chart_charset cs,
		  struct chart_canvas *out);

/* The axis label of tick value v: "1k", "1e-2" (log), "2.5", "150k" (linear).
 */
void chart_tick_label(double v, int log, char *buf, size_t size);

/*
 * The range the renderer uses for ax over the series' coordinates
 * (which = 0: x, 1: y): the fixed range, or the data range widened to
 * whole decades (log) or to tick steps (linear).  Returns 0, or -1 when
 * there is no usable data and no fixed range (then [1, 10] or [0, 1]).
 */
int chart_axis_range(const struct chart_axis *ax, const struct chart_series *s,
		     size_t ns, int which, double *min, double *max);

/* ---- the dot canvas (chart-braille.c) ---- */

struct chart_dots {
	enum chart_charset cs;
	int cw, ch;	/* size in cells */
	int dx, dy;	/* dots per cell */
	uint8_t *bits;	/* per cell: the dots set */
	uint8_t *role;	/* per cell: role of the last dot drawn */
	uint8_t *point; /* per cell: last dot drawn was a point */
};

/* Dots per cell in charset cs. */
void chart_dots_per_cell(enum chart_charset cs, int *dx, int *dy);
int chart_dots_init(struct chart_dots *d, enum chart_charset cs, int cw,
		    int ch);
void chart_dots_release(struct chart_dots *d);
/* Set the dot (px, py), (0, 0) = top left; ignored outside.  point: 0 a
 * line's dot, 1 a data point, 1 + m a data point with marker m. */
void chart_dots_set(struct chart_dots *d, int px, int py, int role, int point);
/*
 * A line from (x0, y0) to (x1, y1) in dot coordinates (any real values:
 * clipped to the canvas).  pattern: 0 solid, 1 dashed (3 on, 2 off),
 * 2 dotted (1 on, 2 off), 3 dash-dot (4 on, 2 off, 1 on, 2 off); *phase counts
 * drawn steps for them and carries over from segment to segment.
 */
void chart_dots_line(struct chart_dots *d, double x0, double y0, double x1,
		     double y1, int role, int pattern, unsigned *phase);
/* The glyph of a cell with dot bits b into out (UTF-8, "" = none). */
void chart_dots_glyph(const struct chart_dots *d, uint8_t b, int point,
		      char out[5]);
/* Copy the non-empty cells into the canvas at (x, y). */
void chart_dots_blit(const struct chart_dots *d, struct chart_canvas *c, int x,
		     int y);

#endif
