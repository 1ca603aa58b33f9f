/*
 * plot-int.h - the gnuplot engine shared by the figure files (plot.c):
 * a call's state (struct plot_run: options, the temporary directory, the
 * scripts written so far, the script and data file of the figure being
 * built), the writers of scripts and named data blocks, the common look
 * (preamble, axes, colours, key) and running gnuplot then moving the
 * files into place.  Used by plot-histogram.c, plot-quality.c and
 * plot-series.c; not part of the public API.
 */
#ifndef FM_PLOT_INT_H
#define FM_PLOT_INT_H

#include <stddef.h>

#include "flowmodels/chartdata.h"
#include "flowmodels/plot.h"

#define MAXFIG 64

/* flows red, packets green, octets blue (the reference's colours) */
extern const char *const gp_col_name[3];
extern const char *const gp_col_rgb[3];
#define RGB_MODEL "000000"
#define RGB_PS "BF00BF"
#define RGB_RAW "00BFBF"
#define RGB_GUIDE "1F77B4"

struct plot_run {
	const struct fm_plot_opts *o;
	char *tmpdir;
	const char *outdir;
	char *scripts[MAXFIG]; /* script names, in run order */
	size_t nscripts;
	struct fm_buf sc, dat; /* the figure being built */
	double fs;	       /* the terminal's font size (points) */
	int fail;	       /* out of memory while building */
};

/* Append formatted text to the script / the data file (sticky p->fail). */
void gp_script_printf(struct plot_run *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gp_data_printf(struct plot_run *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A quoted string (fm_gp_quote); a user text for a title (TeX-escaped). */
void gp_script_quoted(struct plot_run *p, const char *s);
void gp_script_title_text(struct plot_run *p, const char *s);
/* Numbers of a data file: integers exactly, others %.12g, NaN. */
void gp_data_number(struct plot_run *p, double v, int sep);
void gp_data_column(struct plot_run *p, double v);
/* A named block; rows x[i] then ncol columns; rows of x and y. */
void gp_data_block(struct plot_run *p, const char *name, const char *cols);
void gp_data_rows(struct plot_run *p, const double *x, size_t n,
		  const double *const *cols, size_t ncol);
void gp_data_xy_rows(struct plot_run *p, const double *x, size_t n,
		     const double *y);
/* Terminal, output and the common look; scale = size factor (single). */
void gp_preamble(struct plot_run *p, const char *name, int scale,
		 const char *what);
void gp_finish_script(struct plot_run *p);
/* A log axis ("x"/"y"); a range with 5% margins (decades when log). */
void gp_logaxis(struct plot_run *p, const char *ax);
void gp_range(struct plot_run *p, const char *ax, double lo, double hi,
	      int log);
/* A symlog axis ("x"/"y") drawn over exactly [vlo, vhi], with its tics
 * (at negative decades only with neg). */
void gp_symlog_axis(struct plot_run *p, const char *ax, double vlo, double vhi,
		    int neg);
/* Positive finite min/max of v[0..n); 0 when none. */
int gp_posrange(const double *v, size_t n, double *lo, double *hi);
/* lc rgb with an opacity in [0, 1]. */
void gp_color(struct plot_run *p, const char *rgb, double opacity);
/* A long key right of the graph; the title of the options. */
void gp_outside_key(struct plot_run *p);
void gp_title(struct plot_run *p);
/* Finish the figure being built: NAME.gp (+ NAME.dat). */
int gp_emit(struct plot_run *p, const char *name, struct fm_error *err);
/* Start a call (temporary directory in outdir) / clean up after it. */
int gp_open_run(struct plot_run *p, const struct fm_plot_opts *o,
		const char *outdir, struct fm_error *err);
void gp_close_run(struct plot_run *p);
/* Render every script; then move the files into the output directory. */
int gp_run_gnuplot(struct plot_run *p, const struct fm_log *log,
		   struct fm_error *err);
int gp_commit(struct plot_run *p, unsigned *nfiles, struct fm_error *err);

#endif
