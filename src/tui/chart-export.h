/*
 * chart-export.h - the chart of the session's current view as a file
 * (`export chart`, the workbench's E key and preview): the chart model of
 * views.c with the session's scales and ranges, written as the text
 * canvas (.txt) or through gnuplot (fm_plot_figure: .png .svg .pdf .tex,
 * and sixel for the preview).  Pure code (no ncurses): the workbench and
 * `flowmodels --replay` register tui_chart_export as the session's
 * exporter (sess_set_chart_exporter).
 */
#ifndef FM_TUI_CHART_EXPORT_H
#define FM_TUI_CHART_EXPORT_H

#include "flowmodels/plot.h"
#include "cmd/session.h"
#include "chart.h"
#include "views.h"

/* What `export chart` takes by default outside a replay: the text size
 * of the workbench's chart panel and the selected object (kept up to
 * date by draw.c). */
struct tui_chart_export_defaults {
	_Atomic int cols, rows;
	char selected[128]; /* the selected object (under the session lock) */
	_Atomic int day;    /* the time series' day shown (0 = the first) */
};

/* The session's axis settings (set xscale ... yrange) applied to c. */
void tui_chart_apply_axes(struct chart *c, const struct sess_view_axes *a);
/*
 * The chart of state st into v (tui_view_release it): the scene of
 * tui_view_state, or for a time series its day (0-based, clamped) with
 * the axis settings.  Hold the session lock while building; v holds copies of
 * the numbers.  0 or FM_ENOMEM; no chart: v->note.
 */
int tui_chart_build(struct tui_view *v, const struct chart_state *st,
		    size_t day);
/* The chart rendered on a w x h canvas in charset cs, as text (rows
 * without trailing spaces, each ended by '\n'), written atomically. */
int tui_chart_write_text(const struct chart *c, enum chart_charset cs, int w,
			 int h, const char *path, struct fm_error *err);
/* The chart as a gnuplot figure (fm_plot_figure): the same series,
 * styles, scales and ranges; colours by role. */
int tui_chart_write_figure(const struct chart *c, const struct fm_plot_opts *o,
			   const char *path, const struct fm_log *log,
			   unsigned *nfiles, struct fm_error *err);
/* The session's exporter (sess_chart_export_fn); arg: a struct
 * tui_chart_export_defaults, or NULL (a replay: 80x24). */
int tui_chart_export(void *arg, struct session *s, struct sess_chart_req *req,
		     struct fm_error *err);

#endif
