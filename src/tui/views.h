/*
 * views.h - the chart views of a session object: the numbers of views
 * 1-7 (PDF of flows, packets, octets; CDF; averages; packet size; time
 * series) turned into a chart model for the renderer (chart.h).
 *
 * Histograms give views 1-6: the PDF points are each bin's share of the
 * column total divided by the bin width; the CDF is the running share at
 * each bin; averages are packets and octets per flow; packet size is
 * octets per packet.  Pure code (no ncurses), unit-tested.
 */
#ifndef FM_TUI_VIEWS_H
#define FM_TUI_VIEWS_H

#include "flowmodels/histogram.h"
#include "chart.h"

enum { VIEW_PDF_FLOWS, VIEW_PDF_PACKETS, VIEW_PDF_OCTETS, VIEW_CDF,
       VIEW_AVG, VIEW_PKT_SIZE, VIEW_SERIES, VIEW_COUNT };

struct tui_view {
	struct chart chart;
	struct chart_series series[3];
	double *buf;                 /* the series' arrays */
	char xtitle[64];
	const char *note;            /* why there is no chart, or NULL */
};

/*
 * Build view (VIEW_*) of histogram h whose x is xkind ("length", "size",
 * "duration", "rate" or NULL).  Returns 0, or FM_ENOMEM; a view the
 * histogram cannot show has v->note set and no series.
 */
int tui_view_histogram(struct tui_view *v, int view,
		       const struct fm_histogram *h, const char *xkind);
void tui_view_release(struct tui_view *v);

/* The x kind in a provenance line ("hist d1 -x length ..."), or NULL. */
const char *tui_view_xkind(const char *provenance);

#endif
