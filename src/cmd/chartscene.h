/*
 * chartscene.h - what is on the current chart, for every frontend that
 * draws or writes it: the workbench's chart panel (src/tui/views.c turns
 * a scene into the text chart model) and `export chart` (the same series
 * to gnuplot or text), so that the screen and the file never disagree.
 *
 *   struct chart_state   the choices: the view, its axis settings and the
 *                        objects on the chart (the `show` set, or the one
 *                        object a frontend has selected)
 *   chart_scene_build    those objects resolved in the session and every
 *                        series computed from chartdata (the numbers
 *                        `plot` uses): data points and lines, mixtures,
 *                        components, packet-size guides, with the axis
 *                        scales, ranges and titles after the settings
 *
 * USE (hold the session lock from chart_state_get to chart_scene_release:
 * the state and the scene point into session objects):
 *
 *     struct chart_state st;
 *     struct chart_scene sc;
 *     sess_lock(s);
 *     chart_state_get(s, selected_name_or_NULL, &st);
 *     if (chart_scene_build(&sc, &st) == FM_ENOMEM) ...
 *     if (sc.note) ...no chart: show sc.note...
 *     else for (size_t i = 0; i < sc.nseries; i++) ...sc.series[i]...
 *     chart_scene_release(&sc);
 *     sess_unlock(s);
 *
 * Series come in drawing order (data before models: the last drawn wins
 * a cell).  A series belongs to one object (layer); with one histogram
 * the labels are the view's own ("flows", "data (from CDF)", "mixture
 * m1", ...), with several every object is named in the legend and in
 * the cursor readout.  Time series objects (view 7) are not scenes: the
 * frontends draw them from the object (tui_view_series).
 */
#ifndef FLOWMODELS_CHARTSCENE_H
#define FLOWMODELS_CHARTSCENE_H

#include "flowmodels/chartdata.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"
#include "session.h"

/* ---- the state ---- */

struct chart_state {
	int view;		    /* 0..6: sess_view_name() */
	struct sess_view_axes axes; /* `set xscale|yscale|xrange|yrange` */
	int from_show;		    /* objects from `show` (else: selected) */
	size_t nobj;
	struct chart_obj {
		struct sess_obj *obj; /* the object (a reference is held by
				       * the session while the lock is) */
		const struct fm_histogram *binned; /* a dataset's bins */
	} obj[SESS_SHOW_MAX];
};

/*
 * The chart state of session s now (hold the lock): view, axes of that
 * view, and the objects: the `show` set when there is one, else the
 * object called selected (NULL or "" = none) with its partner: for a
 * histogram the newest mixture set fitted to it (else the newest one of
 * unknown origin and the same x), for a mixture set the histogram it was
 * fitted to (else the newest histogram of the same x).  A `show` set of
 * one object gets its partner the same way.
 */
void chart_state_get(struct session *s, const char *selected,
		     struct chart_state *st);
/* "h1, h2 with m1" (the histograms, then the mixtures), "m1 over h1
 * (since replaced)", "" for none; the title of the chart. */
void chart_state_subject(const struct session *s, const struct chart_state *st,
			 char *out, size_t size);

/* ---- the scene ---- */

enum chart_scene_kind {
	SCENE_POINTS, /* data points, one per bin (x = bin_lo) */
	SCENE_DATA,   /* a data line on the grid (PDF from the CDF, CDF,
		       * averages, packet size) */
	SCENE_MODEL,  /* a mixture's curve */
	SCENE_COMP,   /* one weighted component of a mixture */
	SCENE_GUIDE,  /* packet size min / avg / max (horizontal) */
};

/* Line styles (the same order as the text chart's enum chart_style). */
enum chart_scene_style {
	SCENE_LINE,
	SCENE_DASHED,
	SCENE_DOTS, /* single points */
	SCENE_DOTTED,
	SCENE_DASHDOT,
};

struct chart_scene_series {
	const char *label; /* legend text; NULL = not in the legend */
	char name[80];	   /* the cursor readout's name ("" = none) */
	size_t layer;	   /* which object (index into the scene's layers) */
	int col;	   /* 0 flows, 1 packets, 2 octets; -1 none */
	enum chart_scene_kind kind;
	enum chart_scene_style style;
	const double *x, *y; /* n points; non-finite y breaks a line */
	size_t n;
};

/* Axis scales (the text chart's enum chart_scale). */
enum { SCENE_LIN = 0, SCENE_LOG = 1, SCENE_SYMLOG = 2 };

struct chart_scene_axis {
	int scale;	   /* SCENE_LIN, _LOG, _SYMLOG: after the settings */
	int own_scale;	   /* the view's own, before `set Xscale` */
	double min, max;   /* min < max: fixed; else from the data */
	const char *title; /* with units */
};

#define CHART_SCENE_MAX_SERIES 96

struct chart_scene_layer {
	char name[64];
	int mixture;		      /* a mixture set, drawn over h */
	const struct fm_histogram *h; /* the data, or the mixture's bins */
	struct fm_mixture_dir md;     /* shallow copies (a mixture) */
	struct fm_chartdata cd;	      /* the numbers (owned) */
	char label[80];		      /* its legend text */
};

struct chart_scene {
	int view;
	struct chart_scene_axis x, y;
	const char *yunit; /* of the readout's values ("B"), or "" */
	size_t nlayers;
	struct chart_scene_layer layer[SESS_SHOW_MAX];
	size_t nseries;
	struct chart_scene_series series[CHART_SCENE_MAX_SERIES];
	const char *note; /* no chart: why (then no series) */
	char xtitle[96];
	char notebuf[192];
	double gx[2], gy[3][2]; /* packet-size guides */
};

/*
 * What the scene builder takes for one object, resolved: a histogram
 * (mix all NULL), or a mixture set (some of mix non-NULL) drawn over the
 * histogram h.
 */
struct chart_scene_obj {
	const char *name;
	const char *xkind; /* "length", "size", "duration", "rate", NULL */
	const struct fm_histogram *h;
	const struct fm_mixture *mix[3]; /* flows, packets, octets */
};

/*
 * The scene of view (0..6) over objs[0..n) with the axis settings axes
 * (NULL: the view's own): 0, or FM_ENOMEM (sc released).  A view the
 * objects cannot show has sc->note set and no series.
 */
int chart_scene_make(struct chart_scene *sc, int view,
		     const struct sess_view_axes *axes,
		     const struct chart_scene_obj *objs, size_t n);
/* The scene of a chart state (hold the session lock): 0 or FM_ENOMEM. */
int chart_scene_build(struct chart_scene *sc, const struct chart_state *st);
void chart_scene_release(struct chart_scene *sc);

/* The x title of an x kind ("Flow length [pkts]"; "x" when unknown). */
const char *chart_scene_x_title(const char *xkind);

#endif
