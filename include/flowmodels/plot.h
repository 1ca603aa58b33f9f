/*
 * plot.h - publication figures with gnuplot (SPEC section 7 "plot"), and
 * the time-series figures of `series-plot`.
 *
 * For every figure the library writes, into the output directory, a
 * gnuplot script NAME.gp, its data file NAME.dat (named blocks: `index
 * 'line'`, `index 'model'`, ...) and the image NAME.png/.pdf/.svg (tex:
 * NAME.tex plus NAME.pdf for \input).  Scripts refer to their data and
 * image by plain relative names, so `cd DIR && gnuplot pdf-flows.gp`
 * re-creates the image after an edit.  The numbers come from chartdata.h
 * (the same functions the workbench's terminal charts use).
 *
 * gnuplot is run as a child process (fork + execvp with an argument
 * vector, no shell; one process renders all figures of a call, each
 * script starting with `reset`), in a temporary directory inside the
 * output directory; only when it succeeds are the files renamed into
 * place, so a failure leaves no partial set behind.  Every text placed
 * in a script that could come from input (titles, names) goes through
 * fm_gp_quote: a single-quoted gnuplot string, in which gnuplot expands
 * nothing (no backquotes, no macros, no escapes).
 *
 * Errors: FM_ENOTFOUND "gnuplot not found (...)" when the program cannot
 * be executed; FM_EEXTERNAL with gnuplot's own message when it fails.
 */
#ifndef FLOWMODELS_PLOT_H
#define FLOWMODELS_PLOT_H

#include "flowmodels/buf.h"
#include "flowmodels/chartdata.h"
#include "flowmodels/error.h"
#include "flowmodels/histogram.h"
#include "flowmodels/mixture.h"

enum fm_plot_format {
	FM_PLOT_PNG = 0, /* pngcairo */
	FM_PLOT_PDF,	 /* pdfcairo */
	FM_PLOT_SVG,	 /* svg */
	FM_PLOT_TEX,	 /* cairolatex: NAME.tex + NAME.pdf */
	FM_PLOT_SIXEL	 /* sixelgd: NAME.six, sixel data for a terminal
			  * (fm_plot_figure only; not a --format name) */
};

/* Plot modes (-P for PDF figures, -C for the CDF figure). */
enum {
	FM_PLOT_COMP = 1,	 /* each mixture component as a dashed line */
	FM_PLOT_COMP_STACK = 2,	 /* components stacked as filled areas */
	FM_PLOT_COMP_LABELS = 4, /* components named in the key */
	FM_PLOT_POINTS = 8	 /* data points (drawn by default) */
};

#define FM_PLOT_WIDTH 1344
#define FM_PLOT_HEIGHT 816

struct fm_plot_opts {
	enum fm_plot_format format;
	int width, height;   /* pixels (pdf/tex: /200 inches); 0 = default */
	int single;	     /* also the 2x2 figure `single` */
	int normalize;	     /* normalised PDF points (the default) */
	unsigned pdf_modes;  /* FM_PLOT_* for the PDF figures */
	unsigned cdf_modes;  /* FM_PLOT_COMP* for the CDF figure */
	const char *title;   /* a title on every figure; NULL = none */
	const char *xtitle;  /* x axis title; NULL = from xk (length/size) */
	const char *gnuplot; /* program; NULL = "gnuplot" on PATH */
};

/* Defaults: png, 1344x816, normalised, no extra modes. */
void fm_plot_opts_init(struct fm_plot_opts *o);

/* "png" ... -> format, or -1; the file extension of the image. */
int fm_plot_format_from_name(const char *name);
const char *fm_plot_format_ext(enum fm_plot_format f);
/* "comp", "comp_stack", "comp_labels", "points" -> FM_PLOT_*, or 0. */
unsigned fm_plot_mode_from_name(const char *name);

/*
 * Append s as a gnuplot single-quoted string: ' doubled, control
 * characters (newline, ...) replaced by spaces; gnuplot performs no
 * substitution inside it.
 */
int fm_gp_quote(struct fm_buf *b, const char *s);

/*
 * Write the figures cdf, pdf-flows, pdf-packets, pdf-octets, avg-packets,
 * avg-octets, avg-packet_size (and single with o->single) of histogram h
 * with the mixtures mix (NULL = data only) into outdir (created when
 * missing; existing files of the same names are replaced).  xk:
 * FM_MIX_X_LENGTH or FM_MIX_X_SIZE.  *nfiles (may be NULL) receives the
 * number of files written.  Returns 0 or a negative code.
 */
int fm_plot_histogram(const struct fm_histogram *h,
		      const struct fm_mixture_dir *mix, enum fm_mix_x xk,
		      const struct fm_plot_opts *o, const char *outdir,
		      const struct fm_log *log, unsigned *nfiles,
		      struct fm_error *err);

/*
 * Model quality figures (issue 19), written like fm_plot_histogram's:
 * gof-residual (per bin, the data's share over the model's probability
 * of the bin as generate draws it; log x, log y) and gof-pp (P-P: the
 * model's CDF against the data's at every bin_hi) for each y with a
 * mixture mix[0..3) (flows, packets, octets; NULL = none) and a column.
 */
int fm_plot_gof(const struct fm_histogram *h,
		const struct fm_mixture *const *mix, enum fm_mix_x xk,
		const struct fm_plot_opts *o, const char *outdir,
		const struct fm_log *log, unsigned *nfiles,
		struct fm_error *err);
/*
 * compare-cdf (both histograms' CDFs, A solid, B dashed) and
 * compare-ratio (B's share over A's per bin) over the union of the bins
 * (compare.h; different bins are an error), for each y both have.
 */
int fm_plot_compare(const struct fm_histogram *a, const char *name_a,
		    const struct fm_histogram *b, const char *name_b,
		    enum fm_mix_x xk, const struct fm_plot_opts *o,
		    const char *outdir, const struct fm_log *log,
		    unsigned *nfiles, struct fm_error *err);

/*
 * ---- one figure of a chart model (`export chart`, the workbench's
 * preview) ----
 *
 * A chart as the workbench draws it: series of (x, y) points, each with
 * a key label, a colour and a style, over two axes whose scale and range
 * are given (the range drawn, not a data range: the figure shows
 * exactly that window, without margins).  Every series becomes a named
 * block of NAME.dat ("series K: NAME", K from 1, all its points as
 * they are: the numbers behind the chart) and one plot element of
 * NAME.gp.
 */
enum fm_fig_style {
	FM_FIG_LINE,	/* points joined by a line */
	FM_FIG_DASHED,	/* the same, dashed */
	FM_FIG_DOTTED,	/* the same, dotted */
	FM_FIG_DASHDOT, /* the same, dash-dot */
	FM_FIG_POINTS	/* single points */
};
enum fm_fig_scale {
	FM_FIG_LIN,
	FM_FIG_LOG,   /* log10 */
	FM_FIG_SYMLOG /* sgn(v) log10(1 + |v|) (fm_chart_symlog) */
};
struct fm_fig_series {
	const char *label; /* key text; NULL = not in the key */
	const char *name;  /* the data block's name; NULL = the label */
	const char *rgb;   /* "RRGGBB" */
	enum fm_fig_style style;
	int marker; /* FM_FIG_POINTS: 0 squares, k > 0 the k-th other shape */
	const double *x, *y; /* n points; NaN breaks a line */
	size_t n;
};
struct fm_fig_axis {
	enum fm_fig_scale scale;
	double min, max;   /* the range drawn: min < max (min > 0 on log) */
	const char *title; /* NULL = none */
};
struct fm_figure {
	struct fm_fig_axis x, y;
	const struct fm_fig_series *series;
	size_t nseries;
};

/*
 * Write figure f as the image path (its extension is o->format's:
 * DIR/NAME.png ...; tex: NAME.tex and NAME.pdf; sixel: NAME.six), with
 * DIR/NAME.gp and DIR/NAME.dat beside it, through the same engine as
 * fm_plot_histogram (temporary directory in DIR, renamed into place when
 * gnuplot succeeded; DIR is created when missing).  *nfiles (may be NULL)
 * receives the number of files written.  Returns 0 or a negative code.
 */
int fm_plot_figure(const struct fm_figure *f, const struct fm_plot_opts *o,
		   const char *path, const struct fm_log *log, unsigned *nfiles,
		   struct fm_error *err);

/*
 * series-plot: for every csv_series file DAY.flows, DAY.packets and
 * DAY.octets in dir (as `series` writes them; 86400 lines of one integer),
 * a figure DAY.flows, DAY.packets, DAY.bits of the rate per second over
 * the day, as a rolling mean over window seconds (30 in the reference;
 * the first seconds average what there is).  Returns the number of
 * figures (FM_ENOTFOUND when dir has no such files) or a negative code.
 */
int fm_plot_series(const char *dir, const struct fm_plot_opts *o,
		   unsigned window, const char *outdir,
		   const struct fm_log *log, struct fm_error *err);

#endif
