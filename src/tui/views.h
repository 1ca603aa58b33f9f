/*
 * views.h - the chart views of a session object: the numbers of views
 * 1-7 (PDF of flows, packets, octets; CDF; averages; packet size; time
 * series) turned into a chart model for the renderer (chart.h).
 *
 * Histograms give views 1-6.  Which series a view has, with their
 * numbers, labels and styles, is the chart scene's (src/cmd/chartscene.h,
 * shared with `export chart`; every number from the library's chart
 * data, the functions the gnuplot export uses).  This file only gives
 * the series their colour roles and glyphs.  Pure code (no ncurses),
 * unit-tested against fm_chartdata output.
 */
#ifndef FM_TUI_VIEWS_H
#define FM_TUI_VIEWS_H

#include "flowmodels/chartdata.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "chart.h"
#include "cmd/chartscene.h"

enum {
	VIEW_PDF_FLOWS,
	VIEW_PDF_PACKETS,
	VIEW_PDF_OCTETS,
	VIEW_CDF,
	VIEW_AVG,
	VIEW_PKT_SIZE,
	VIEW_SERIES,
	VIEW_COUNT
};

#define TUI_VIEW_MAX_SERIES CHART_SCENE_MAX_SERIES

struct tui_view {
	struct chart chart;
	struct chart_series series[TUI_VIEW_MAX_SERIES];
	struct chart_scene scene;   /* the numbers (owned; chartscene.h) */
	int own_xscale, own_yscale; /* the view's scales before `set` */
	const char *yunit;	    /* of the readout's values, or "" */
	double *buf;		    /* time series arrays (owned) */
	char ytitle[64];
	char xtitle[96];
	const char *note; /* why there is no chart, or NULL */
};

/*
 * The chart of a chart state (hold the session lock until
 * tui_view_release): the scene chart_scene_build makes of it, with the
 * colour roles and glyphs of the text chart.  One histogram (and one
 * mixture set) draws in the view's own colours (flows, packets, octets,
 * model, components); several objects (an overlay) each in a colour of
 * its own (chart.overlay1...) and, for data points, a glyph of its own.
 * Returns 0 or FM_ENOMEM; a chart the objects cannot make has v->note.
 */
int tui_view_state(struct tui_view *v, const struct chart_state *st);
/* The chart of view (VIEW_*) over the objects objs[0..n) (no axis
 * settings): chart_scene_make's scene, mapped as above. */
int tui_view_objs(struct tui_view *v, int view,
		  const struct chart_scene_obj *objs, size_t n);
/*
 * Build view (VIEW_*) of histogram h whose x is xkind ("length", "size",
 * "duration", "rate" or NULL), with the mixtures mix[0..2] (flows,
 * packets, octets; NULL = none) of the set called mixname drawn over it
 * (no axis settings).  Returns 0, or FM_ENOMEM; a view the histogram
 * cannot show has v->note set and no series.
 */
int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind,
		       const struct fm_mixture *const mix[3],
		       const char *mixname);
/*
 * View of a time series (`series` in a session): view 7 draws its first
 * day as flows, packets and bits per second, each the 30-second rolling
 * mean (fm_chart_rolling_mean, as series-plot), x in hours of the day
 * over the seconds that have data (first to last), log y; other views
 * have a note.  0 or FM_ENOMEM.
 */
struct fm_series;
#define TUI_VIEW_SERIES_WINDOW 30
/* day: which day of the series (clamped to the last one). */
int tui_view_series(struct tui_view *v, int view, const struct fm_series *s,
		    size_t day);
void tui_view_release(struct tui_view *v);

#endif
