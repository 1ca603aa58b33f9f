/*
 * plot-figure.c - one figure of a chart model (plot.h fm_plot_figure):
 * what `export chart` writes for the chart the workbench shows, and what
 * its preview renders as sixel.  The caller has already chosen the
 * series, their colours and styles, the scales and the window; this file
 * writes every series as a named data block and a plot element, and the
 * axes exactly over the window given (no margins), so that the figure
 * and the terminal chart cover the same x and y.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/fileout.h"

#include "flowmodels/plot.h"
#include "plot-int.h"

/* An axis: its scale and exactly the window [min, max]. */
static void fig_axis(struct plot_run *p, const char *ax,
		     const struct fm_fig_axis *a)
{
	if (a->scale == FM_FIG_SYMLOG) {
		gp_symlog_axis(p, ax, a->min, a->max, 1);
	} else {
		if (a->scale == FM_FIG_LOG)
			gp_logaxis(p, ax);
		gp_script_printf(p, "set %srange [%.10g:%.10g]\n", ax, a->min,
				 a->max);
	}
	if (a->title) {
		gp_script_printf(p, "set %slabel ", ax);
		gp_script_title_text(p, a->title);
		gp_script_printf(p, " noenhanced\n");
	}
}

/* The data block of series k (1-based): "series K: LABEL", rows x y. */
static void fig_block_name(char *buf, size_t size, size_t k)
{
	snprintf(buf, size, "series %zu:", k);
}

static int fig_check(const struct fm_figure *f, struct fm_error *err)
{
	const struct fm_fig_axis *ax[2] = {&f->x, &f->y};

	for (int i = 0; i < 2; i++) {
		const struct fm_fig_axis *a = ax[i];
		if (!(isfinite(a->min) && isfinite(a->max) &&
		      a->min < a->max) ||
		    (a->scale == FM_FIG_LOG && !(a->min > 0)))
			return fm_error_set(err, FM_EINVAL,
					    "figure: bad %c range %g:%g",
					    i ? 'y' : 'x', a->min, a->max);
	}
	if (f->nseries == 0)
		return fm_error_set(err, FM_EINVAL,
				    "figure: nothing to draw (no series)");
	return 0;
}

static void fig_script(struct plot_run *p, const struct fm_figure *f,
		       const char *dat)
{
	static const char *const with[5] = {
	    "lines lw 2", "lines lw 2 dt (8,6)", "lines lw 2 dt (2,4)",
	    "lines lw 2 dt (8,4,2,4)", "points ps 0.35 pt"};
	/* squares, then circles, triangles, diamonds, ... (filled) */
	static const int pt[8] = {5, 7, 9, 13, 11, 15, 4, 6};

	fig_axis(p, "x", &f->x);
	fig_axis(p, "y", &f->y);
	gp_script_printf(p, "set key top right opaque\n");
	gp_title(p);
	for (size_t k = 0; k < f->nseries; k++) {
		const struct fm_fig_series *s = &f->series[k];
		char name[40];

		fig_block_name(name, sizeof(name), k + 1);
		gp_script_printf(p, "%s", k ? ", \\\n     " : "plot ");
		gp_script_quoted(p, dat);
		gp_script_printf(p, " index ");
		gp_script_quoted(p, name);
		gp_script_printf(
		    p, " using 1:2 with %s ",
		    with[s->style <= FM_FIG_POINTS ? s->style : 0]);
		if (s->style == FM_FIG_POINTS)
			gp_script_printf(p, "%d ",
					 pt[s->marker > 0 ? s->marker % 8 : 0]);
		gp_color(p, s->rgb ? s->rgb : "000000", 1);
		if (s->label) {
			gp_script_printf(p, " title ");
			gp_script_title_text(p, s->label);
			gp_script_printf(p, " noenhanced");
		}
	}
	gp_script_printf(p, "\n");
}

static void fig_data(struct plot_run *p, const struct fm_figure *f)
{
	for (size_t k = 0; k < f->nseries; k++) {
		const struct fm_fig_series *s = &f->series[k];
		char name[200];
		size_t len;

		fig_block_name(name, sizeof(name), k + 1);
		len = strlen(name);
		/* the label on the name line, control characters blanked */
		snprintf(name + len, sizeof(name) - len, " %s",
			 s->name    ? s->name
			 : s->label ? s->label
				    : "(not in the key)");
		for (char *c = name; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
		gp_data_block(p, name, "x, y");
		gp_data_xy_rows(p, s->x, s->n, s->y);
	}
}

/* dir and the name without extension of path "DIR/NAME.EXT". */
static int split_path(const char *path, const char *ext, char *dir,
		      size_t dsize, char *name, size_t nsize,
		      struct fm_error *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base), elen = strlen(ext);

	if (blen <= elen + 1 || base[blen - elen - 1] != '.' ||
	    strcmp(base + blen - elen, ext) || blen - elen - 1 >= nsize ||
	    (slash && (size_t)(slash - path) >= dsize) || base[0] == '.')
		return fm_error_set(err, FM_EINVAL,
				    "%s: expected a file name NAME.%s", path,
				    ext);
	snprintf(name, nsize, "%.*s", (int)(blen - elen - 1), base);
	if (!slash)
		snprintf(dir, dsize, ".");
	else if (slash == path)
		snprintf(dir, dsize, "/");
	else
		snprintf(dir, dsize, "%.*s", (int)(slash - path), path);
	return 0;
}

/*
 * cairo (1.16) stamps a PDF with the time it was made, so two replays
 * would write different files: the stamp becomes 1970-01-01 00:00:00Z,
 * the same length, so the cross-reference offsets stay valid.
 */
static int pdf_fixed_date(struct plot_run *p, const char *name,
			  struct fm_error *err)
{
	static const char key[] = "/CreationDate (D:";
	static const char epoch[] = "19700101000000Z";
	char *path, *data = NULL, *at;
	size_t len = 0;
	int r;

	if (asprintf(&path, "%s/%s.pdf", p->tmpdir, name) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_file_read_all(path, FM_READ_MAX_TEXT, &data, &len, err);
	at = r == 0 ? memmem(data, len, key, sizeof(key) - 1) : NULL;
	if (at) {
		at += sizeof(key) - 1;
		for (size_t i = 0; i < sizeof(epoch) - 1 &&
				   at + i < data + len && at[i] != ')';
		     i++)
			at[i] = epoch[i];
		r = fm_file_write_atomic(path, data, len, err);
	}
	free(data);
	free(path);
	return r;
}

int fm_plot_figure(const struct fm_figure *f, const struct fm_plot_opts *o,
		   const char *path, const struct fm_log *log, unsigned *nfiles,
		   struct fm_error *err)
{
	char dir[4096], name[256], dat[270];
	struct plot_run p;
	int r;

	if (nfiles)
		*nfiles = 0;
	r = split_path(path,
		       o->format == FM_PLOT_TEX ? "tex"
						: fm_plot_format_ext(o->format),
		       dir, sizeof(dir), name, sizeof(name), err);
	if (r == 0)
		r = fig_check(f, err);
	if (r < 0)
		return r;
	r = gp_open_run(&p, o, dir, err);
	if (r == 0) {
		snprintf(dat, sizeof(dat), "%s.dat", name);
		gp_preamble(&p, name, 1, "a chart of the workbench");
		fig_data(&p, f);
		fig_script(&p, f, dat);
		r = gp_emit(&p, name, err);
	}
	if (r == 0)
		r = gp_run_gnuplot(&p, log, err);
	if (r == 0 && (o->format == FM_PLOT_PDF || o->format == FM_PLOT_TEX))
		r = pdf_fixed_date(&p, name, err);
	if (r == 0)
		r = gp_commit(&p, nfiles, err);
	if (p.tmpdir || p.nscripts)
		gp_close_run(&p);
	return r;
}
