/*
 * views.h - the chart views of a session object: the numbers of views
 * 1-7 (PDF of flows, packets, octets; CDF; averages; packet size; time
 * series) turned into a chart model for the renderer (chart.h).
 *
 * Histograms give views 1-6.  Every number comes from the library's
 * chart data (flowmodels/chartdata.h, fm_chartdata_build), the same
 * functions the gnuplot export uses: the normalised PDF points, the PDF
 * line inferred from the CDF, the CDF lines, the average and packet-size
 * points and lines (with the min/avg/max packet-size guides), and the
 * mixture and component curves on the reference's 128-point grid.  This
 * file only chooses series, styles, roles and labels.  Pure code (no
 * ncurses), unit-tested against fm_chartdata output.
 */
#ifndef FM_TUI_VIEWS_H
#define FM_TUI_VIEWS_H

#include "flowmodels/chartdata.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "chart.h"

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

#define TUI_VIEW_MAX_SERIES 24

struct tui_view {
	struct chart chart;
	struct chart_series series[TUI_VIEW_MAX_SERIES];
	struct fm_chartdata cd;	  /* the numbers (owned) */
	struct fm_mixture_dir md; /* shallow copies of the caller's
				     mixtures: never released here */
	double gx[2], gy[3][2];	  /* packet-size guides */
	double *buf;		  /* time series arrays (owned) */
	char err[160];
	char ytitle[64]; /* a chart-data error shown as note */
	char xtitle[96];
	char model_label[80];
	const char *note; /* why there is no chart, or NULL */
};

/*
 * Build view (VIEW_*) of histogram h whose x is xkind ("length", "size",
 * "duration", "rate" or NULL), with the mixtures mix[0..2] (flows,
 * packets, octets; NULL = none) of the set called mixname drawn over it.
 * Returns 0, or FM_ENOMEM; a view the histogram cannot show has v->note
 * set and no series.
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
