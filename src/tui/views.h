/*
 * views.h - the chart views of a session object: the numbers of views
 * 1-7 (PDF of flows, packets, octets; CDF; averages; packet size; time
 * series) turned into a chart model for the renderer (chart.h).
 *
 * Histograms give views 1-6: the PDF points are each bin's share of the
 * column total divided by the bin width; the CDF is the running share at
 * each bin; averages are packets and octets per flow; packet size is
 * octets per packet.  A mixture set fitted to the histogram is drawn over
 * the data with the library's own functions (fm_mixture_pdf, _cdf, _avg,
 * _packet_size: the numbers the gnuplot export plots), its components
 * dashed in the PDF views.  Pure code (no ncurses), unit-tested.
 */
#ifndef FM_TUI_VIEWS_H
#define FM_TUI_VIEWS_H

#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "chart.h"

enum { VIEW_PDF_FLOWS, VIEW_PDF_PACKETS, VIEW_PDF_OCTETS, VIEW_CDF,
       VIEW_AVG, VIEW_PKT_SIZE, VIEW_SERIES, VIEW_COUNT };

#define TUI_VIEW_MAX_SERIES 24
#define TUI_VIEW_SAMPLES 400     /* x samples of a model curve */

struct tui_view {
	struct chart chart;
	struct chart_series series[TUI_VIEW_MAX_SERIES];
	double *buf;                 /* the series' arrays */
	char xtitle[64];
	char model_label[80];
	const char *note;            /* why there is no chart, or NULL */
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
		       const struct fm_mixture *const mix[3], const char *mixname);
void tui_view_release(struct tui_view *v);

/* The x kind in a provenance line ("hist d1 -x length ..."), or NULL. */
const char *tui_view_xkind(const char *provenance);

#endif
