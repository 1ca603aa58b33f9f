/*
 * plot.c - gnuplot scripts, data files and images (see plot.h).
 *
 * Design: a figure is a script (settings + one plot command, or a
 * multiplot for `single`) and a data file of named blocks, both built in
 * memory from struct fm_chartdata and written into a fresh temporary
 * directory inside the output directory.  One gnuplot process then runs
 * all scripts of the call (`gnuplot a.gp b.gp ...`, cwd = that
 * directory; each script starts with `reset` and ends with `unset
 * output`), which costs one start-up instead of seven.  On success every
 * file of the temporary directory is renamed into the output directory;
 * on failure the directory is removed and gnuplot's message reported.
 *
 * The look follows the reference's matplotlib figures: ticks inside on
 * all four sides, thin border, frameless key, data lines wide and half
 * transparent in the column's colour (flows red, packets green, octets
 * blue), data points as small dots, models black; the PDF figures' y
 * range is that of the inferred line with 5% margins (in decades).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/compare.h"
#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "flowmodels/gof.h"
#include "flowmodels/plot.h"

#define MAXFIG 64

static const char *const col_name[3] = {"flows", "packets", "octets"};
static const char *const col_rgb[3] = {"FF0000", "008000", "0000FF"};
#define RGB_MODEL "000000"
#define RGB_PS "BF00BF"
#define RGB_RAW "00BFBF"
#define RGB_GUIDE "1F77B4"

void fm_plot_opts_init(struct fm_plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = FM_PLOT_PNG;
	o->width = FM_PLOT_WIDTH;
	o->height = FM_PLOT_HEIGHT;
	o->normalize = 1;
}

int fm_plot_format_from_name(const char *name)
{
	static const char *const names[] = {"png", "pdf", "svg", "tex"};

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

const char *fm_plot_format_ext(enum fm_plot_format f)
{
	switch (f) {
	case FM_PLOT_PNG:
		return "png";
	case FM_PLOT_PDF:
		return "pdf";
	case FM_PLOT_SVG:
		return "svg";
	case FM_PLOT_TEX:
		return "tex";
	}
	return "png";
}

unsigned fm_plot_mode_from_name(const char *name)
{
	if (strcmp(name, "comp") == 0)
		return FM_PLOT_COMP;
	if (strcmp(name, "comp_stack") == 0)
		return FM_PLOT_COMP_STACK;
	if (strcmp(name, "comp_labels") == 0)
		return FM_PLOT_COMP_LABELS;
	if (strcmp(name, "points") == 0)
		return FM_PLOT_POINTS;
	return 0;
}

int fm_gp_quote(struct fm_buf *b, const char *s)
{
	int r = fm_buf_addch(b, '\'');

	for (; *s && r == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\'')
			r = fm_buf_addstr(b, "''");
		else if (c < 0x20 || c == 0x7f)
			r = fm_buf_addch(b, ' ');
		else
			r = fm_buf_addch(b, (char)c);
	}
	if (r == 0)
		r = fm_buf_addch(b, '\'');
	return r;
}

/* ---- a call: options, the temporary directory, the figures ---- */

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

/* Append formatted text to the script (sticky failure flag). */
static void script_printf(struct plot_run *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void script_printf(struct plot_run *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fm_buf_vprintf(&p->sc, fmt, ap) < 0)
		p->fail = 1;
	va_end(ap);
}

/* Append a quoted string to the script. */
static void script_quoted(struct plot_run *p, const char *s)
{
	if (fm_gp_quote(&p->sc, s) < 0)
		p->fail = 1;
}

/* A user text for a title: TeX specials escaped in tex output. */
static void script_title_text(struct plot_run *p, const char *s)
{
	struct fm_buf t = FM_BUF_INIT;

	if (p->o->format != FM_PLOT_TEX) {
		script_quoted(p, s);
		return;
	}
	for (; *s; s++) {
		const char *e = NULL;
		switch (*s) {
		case '\\':
			e = "\\textbackslash{}";
			break;
		case '~':
			e = "\\textasciitilde{}";
			break;
		case '^':
			e = "\\textasciicircum{}";
			break;
		case '_':
		case '%':
		case '&':
		case '#':
		case '$':
		case '{':
		case '}':
			if (fm_buf_addch(&t, '\\') < 0)
				p->fail = 1;
			break;
		default:
			break;
		}
		if (e ? fm_buf_addstr(&t, e) < 0 : fm_buf_addch(&t, *s) < 0)
			p->fail = 1;
	}
	script_quoted(p, fm_buf_str(&t));
	fm_buf_release(&t);
}

static void data_printf(struct plot_run *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void data_printf(struct plot_run *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fm_buf_vprintf(&p->dat, fmt, ap) < 0)
		p->fail = 1;
	va_end(ap);
}

static void data_number(struct plot_run *p, double v, int sep);

/*
 * A number in a data file: integers exactly (fast path: most x values),
 * others with 12 significant digits (far below what a figure shows; the
 * exact values are those of chartdata.h), NaN for non-finite.
 */
static void data_column(struct plot_run *p, double v)
{
	data_number(p, v, 1);
}

static void data_number(struct plot_run *p, double v, int sep)
{
	char buf[40], *e = buf + sizeof(buf);

	if (!isfinite(v)) {
		data_printf(p, sep ? " NaN" : "NaN");
		return;
	}
	if (v == trunc(v) && fabs(v) < 9007199254740992.0) {
		uint64_t u = (uint64_t)fabs(v);
		*--e = 0;
		do
			*--e = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v < 0)
			*--e = '-';
		if (sep)
			*--e = ' ';
		if (fm_buf_addstr(&p->dat, e) < 0)
			p->fail = 1;
		return;
	}
	snprintf(buf, sizeof(buf), sep ? " %.12g" : "%.12g", v);
	if (fm_buf_addstr(&p->dat, buf) < 0)
		p->fail = 1;
}

/* Start a named block: two blank lines before all but the first. */
static void data_block(struct plot_run *p, const char *name, const char *cols)
{
	if (p->dat.len)
		data_printf(p, "\n\n");
	data_printf(p, "# %s\n# %s\n", name, cols);
}

/* A block of rows x[i], then ncol columns of n values each. */
static void data_rows(struct plot_run *p, const double *x, size_t n,
		      const double *const *cols, size_t ncol)
{
	for (size_t i = 0; i < n; i++) {
		data_number(p, x[i], 0);
		for (size_t c = 0; c < ncol; c++)
			data_column(p, cols[c][i]);
		data_printf(p, "\n");
	}
}

static void data_xy_rows(struct plot_run *p, const double *x, size_t n,
			 const double *y)
{
	data_rows(p, x, n, &y, 1);
}

/* Terminal, output and the common look; scale = size factor (single). */
static void preamble(struct plot_run *p, const char *name, int scale,
		     const char *what)
{
	const struct fm_plot_opts *o = p->o;
	int w = (o->width > 0 ? o->width : FM_PLOT_WIDTH) * scale;
	int h = (o->height > 0 ? o->height : FM_PLOT_HEIGHT) * scale;
	/* font in points relative to the reference's 11.5 pt at 200 dpi */
	double fs =
	    11.5 * ((double)(o->height > 0 ? o->height : FM_PLOT_HEIGHT) /
		    FM_PLOT_HEIGHT);
	char out[256];

	if (scale > 1)
		fs *= 1.3; /* a 2x2 figure is shown smaller */
	if (fs < 6)
		fs = 6;
	script_printf(p,
		      "# %s: %s\n# written by flowmodels plot; edit and re-run "
		      "with: gnuplot %s.gp\n",
		      name, what, name);
	script_printf(p, "reset\n");
	p->fs = o->format == FM_PLOT_PNG   ? fs * 1.2
		: o->format == FM_PLOT_SVG ? fs * 1.6
		: o->format == FM_PLOT_PDF ? fs * 0.8
					   : 10;
	switch (o->format) {
	case FM_PLOT_PNG:
		script_printf(p,
			      "set terminal pngcairo size %d,%d enhanced font "
			      "'Sans,%.1f' linewidth %.2f\n",
			      w, h, fs * 1.2, (double)h / scale / 600.0);
		break;
	case FM_PLOT_SVG:
		script_printf(
		    p,
		    "set terminal svg size %d,%d enhanced font 'Sans,%.1f' "
		    "linewidth %.2f background '#FFFFFF'\n",
		    w, h, fs * 1.6, (double)h / scale / 600.0);
		break;
	case FM_PLOT_PDF:
		script_printf(p,
			      "set terminal pdfcairo size %.2fin,%.2fin "
			      "enhanced font 'Sans,%.1f' linewidth 0.5\n",
			      w / 200.0, h / 200.0, fs * 0.8);
		break;
	case FM_PLOT_TEX:
		script_printf(p,
			      "set terminal cairolatex pdf size %.2fin,%.2fin "
			      "linewidth 0.5\n",
			      w / 200.0, h / 200.0);
		break;
	}
	snprintf(out, sizeof(out), "%s.%s", name,
		 fm_plot_format_ext(o->format));
	script_printf(p, "set output ");
	script_quoted(p, out);
	script_printf(p, "\nset encoding utf8\nset datafile missing 'NaN'\n");
	script_printf(
	    p, "set border linewidth 0.5\nset tics in scale 0.8,0.4 front\n");
	script_printf(p, "set xtics mirror\nset ytics mirror\n");
	script_printf(p, "set key noautotitle nobox samplen 2.5 spacing 1.1\n");
	script_printf(p, "set style fill transparent solid 0.5 noborder\n");
	script_printf(p, "set style textbox opaque noborder margins 2,1\n");
}

static void finish_script(struct plot_run *p)
{
	script_printf(p, "unset output\n");
}

/* Log axis settings for axis ax ("x"/"y"). */
static void logaxis(struct plot_run *p, const char *ax)
{
	script_printf(p, "set logscale %s 10\nset m%stics 10\n", ax, ax);
	if (p->o->format == FM_PLOT_TEX)
		script_printf(p, "set format %s '$10^{%%T}$'\n", ax);
	else
		script_printf(p, "set format %s '10^{%%T}'\n", ax);
}

/* A range with 5% margins (in decades on a log axis). */
static void range(struct plot_run *p, const char *ax, double lo, double hi,
		  int log)
{
	if (!(isfinite(lo) && isfinite(hi)) || (log && !(lo > 0)))
		return;
	if (log) {
		double b = 0.05 * log10(hi / lo);
		if (b == 0)
			b = 0.5;
		script_printf(p, "set %srange [%.10g:%.10g]\n", ax,
			      lo * pow(10, -b), hi * pow(10, b));
	} else {
		double b = 0.05 * (hi - lo);
		if (b == 0)
			b = 0.5;
		script_printf(p, "set %srange [%.10g:%.10g]\n", ax, lo - b,
			      hi + b);
	}
}

/* Positive finite min/max of v[0..n); 0 when none. */
static int posrange(const double *v, size_t n, double *lo, double *hi)
{
	int any = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > 0) {
			if (!any || v[i] < *lo)
				*lo = v[i];
			if (!any || v[i] > *hi)
				*hi = v[i];
			any = 1;
		}
	return any;
}

static const char *xlabel(const struct fm_chartdata *cd)
{
	return cd->xk == FM_MIX_X_SIZE ? "Flow size [octets]"
				       : "Flow length [packets]";
}

/* "#AARRGGBB": gnuplot's AA is transparency (00 opaque); opacity in [0, 1]. */
static void color(struct plot_run *p, const char *rgb, double opacity)
{
	script_printf(p, "lc rgb '#%02X%s'",
		      (unsigned)lround((1 - opacity) * 255), rgb);
}

/* Key label of component k: weight, distribution, parameters. */
static void comp_label(struct plot_run *p, const struct fm_mixture *m, size_t k)
{
	const struct fm_component *c = &m->comp[k];
	char buf[160];
	int np = fm_dist_nparams(c->dist), len;

	len = snprintf(buf, sizeof(buf), "%.4g %s [", c->weight,
		       fm_dist_name(c->dist));
	for (int j = 0; j < np && len < (int)sizeof(buf); j++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%.4g",
				j ? ", " : "", c->p[j]);
	if (len < (int)sizeof(buf) - 1)
		snprintf(buf + len, sizeof(buf) - (size_t)len, "]");
	script_title_text(p, buf);
	script_printf(p, " noenhanced");
}

/*
 * The component series of one mixture: dashed lines and/or stacked areas
 * from blocks "comp-NAME" / "stack-NAME" of data file dat.
 */
static void plot_comps(struct plot_run *p, const char *dat, const char *name,
		       const struct fm_mixture *m, unsigned modes, int *first)
{
	size_t K = m->n;

	if (modes & FM_PLOT_COMP_STACK)
		for (size_t k = 0; k < K; k++) {
			script_printf(p, "%s",
				      *first ? "plot " : ", \\\n     ");
			*first = 0;
			script_quoted(p, dat);
			script_printf(p,
				      " index 'stack-%s' using 1:%zu:%zu with "
				      "filledcurves lc %zu",
				      name, k + 2, k + 3, k + 1);
			if ((modes & FM_PLOT_COMP_LABELS) &&
			    !(modes & FM_PLOT_COMP)) {
				script_printf(p, " title ");
				comp_label(p, m, k);
			}
		}
	if (modes & FM_PLOT_COMP)
		for (size_t k = 0; k < K; k++) {
			script_printf(p, "%s",
				      *first ? "plot " : ", \\\n     ");
			*first = 0;
			script_quoted(p, dat);
			script_printf(p,
				      " index 'comp-%s' using 1:%zu with lines "
				      "dt (8,6) lw 1.2 lc %zu",
				      name, k + 2, k + 1);
			if (modes & FM_PLOT_COMP_LABELS) {
				script_printf(p, " title ");
				comp_label(p, m, k);
			}
		}
}

/* Data blocks of a mixture's components (x, comp..., and base+stack...). */
static void dat_comps(struct plot_run *p, const struct fm_chartdata *cd,
		      const char *name, const double *comp, const double *stack,
		      size_t K, double base)
{
	char bn[64];

	snprintf(bn, sizeof(bn), "comp-%s", name);
	data_block(p, bn, "x, then w_k * component k for each k");
	for (size_t i = 0; i < cd->n; i++) {
		data_number(p, cd->x[i], 0);
		for (size_t k = 0; k < K; k++)
			data_column(p, comp[k * cd->n + i]);
		data_printf(p, "\n");
	}
	snprintf(bn, sizeof(bn), "stack-%s", name);
	data_block(p, bn,
		   "x, base of the first area, then components 1..k stacked");
	for (size_t i = 0; i < cd->n; i++) {
		data_number(p, cd->x[i], 0);
		data_column(p, base);
		for (size_t k = 0; k < K; k++)
			data_column(p, stack[k * cd->n + i]);
		data_printf(p, "\n");
	}
}

/* A long key (component labels) right of the graph, in a smaller font. */
static void outside_key(struct plot_run *p)
{
	script_printf(p,
		      "set key outside right top Left reverse width -4 spacing "
		      "1 font ',%.1f'\n",
		      p->fs * 0.72);
}

static void title(struct plot_run *p)
{
	if (p->o->title) {
		script_printf(p, "set title ");
		script_title_text(p, p->o->title);
		script_printf(p, " noenhanced\n");
	}
}

/* ---- the figures: data (dat != 0) and plot commands ---- */

static void cdf_data(struct plot_run *p, const struct fm_chartdata *cd)
{
	const double *l[3] = {cd->col[0].cdf, cd->col[1].cdf, cd->col[2].cdf};

	data_block(
	    p, "line",
	    "x, CDF of flows, packets, octets (interpolated from the data)");
	data_rows(p, cd->x, cd->n, l, 3);
	if (cd->col[0].mix) {
		const double *m[3] = {cd->col[0].mix_cdf, cd->col[1].mix_cdf,
				      cd->col[2].mix_cdf};
		data_block(p, "model",
			   "x, mixture CDF of flows, packets, octets");
		data_rows(p, cd->x, cd->n, m, 3);
		if (p->o->cdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK))
			for (int c = 0; c < 3; c++)
				dat_comps(
				    p, cd, col_name[c], cd->col[c].comp_cdf,
				    cd->col[c].stack_cdf, cd->col[c].ncomp, 0);
	}
}

static void cdf_panel(struct plot_run *p, const struct fm_chartdata *cd,
		      const char *dat)
{
	static const char *const dts[3] = {"1", "(12,6)", "(3,4)"};
	int first = 1;

	script_printf(
	    p,
	    "unset logscale\nunset label\nunset arrow\nset format y '%%g'\n");
	logaxis(p, "x");
	range(p, "x", cd->x[0], cd->x[cd->n - 1], 1);
	script_printf(p,
		      "set yrange [-0.05:1.05]\nset ytics 0.2\nset mytics 2\n");
	script_printf(p, "set xlabel ");
	script_quoted(p, xlabel(cd));
	script_printf(p, "\nset ylabel 'CDF (fraction of)'\n");
	if (cd->col[0].mix && (p->o->cdf_modes & FM_PLOT_COMP_LABELS) &&
	    (p->o->cdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)))
		outside_key(p);
	else
		script_printf(p, "set key bottom right\n");
	title(p);
	if (cd->col[0].mix)
		for (int c = 0; c < 3; c++)
			plot_comps(p, dat, col_name[c], cd->col[c].mix,
				   p->o->cdf_modes, &first);
	for (int c = 0; c < 3; c++) {
		script_printf(p, "%s", first ? "plot " : ", \\\n     ");
		first = 0;
		script_quoted(p, dat);
		script_printf(p, " index 'line' using 1:%d with lines lw 4 ",
			      c + 2);
		color(p, col_rgb[c], 0.5);
		script_printf(p, " title '%s (data)'", col_name[c]);
	}
	if (cd->col[0].mix)
		for (int c = 0; c < 3; c++) {
			script_printf(p, ", \\\n     ");
			script_quoted(p, dat);
			script_printf(
			    p,
			    " index 'model' using 1:%d with lines lw 2 dt %s ",
			    c + 2, dts[c]);
			color(p, RGB_MODEL, 0.6);
			script_printf(p, " title '%s (model)'", col_name[c]);
		}
	script_printf(p, "\n");
}

static void pdf_data(struct plot_run *p, const struct fm_chartdata *cd, int c)
{
	const struct fm_chart_col *k = &cd->col[c];
	double lo = 1, hi = 1;

	data_block(
	    p, "points",
	    cd->normalized
		? "bin_lo, column / total / distance to the next bin_lo "
		  "(normalised data points)"
		: "bin_lo, column / total (data points, not normalised)");
	data_xy_rows(p, cd->bx, cd->nbins, k->pts);
	data_block(p, "line", "x, PDF inferred from the interpolated CDF");
	data_xy_rows(p, cd->x, cd->n, k->pdf);
	if (k->mix) {
		data_block(p, "model", "x, mixture PDF");
		data_xy_rows(p, cd->x, cd->n, k->mix_pdf);
		if (p->o->pdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)) {
			posrange(k->pdf, cd->n, &lo, &hi);
			dat_comps(p, cd, col_name[c], k->comp_pdf, k->stack_pdf,
				  k->ncomp,
				  lo * pow(10, -0.05 * log10(hi / lo)));
		}
	}
}

static void pdf_panel(struct plot_run *p, const struct fm_chartdata *cd, int c,
		      const char *dat)
{
	const struct fm_chart_col *k = &cd->col[c];
	double lo = 1, hi = 1;
	int first = 1;

	script_printf(p, "unset logscale\nunset label\nunset arrow\nset ytics "
			 "autofreq\nset mytics default\n");
	logaxis(p, "x");
	logaxis(p, "y");
	range(p, "x", cd->x[0], cd->x[cd->n - 1], 1);
	if (posrange(k->pdf, cd->n, &lo, &hi))
		range(p, "y", lo, hi, 1);
	script_printf(p, "set xlabel ");
	script_quoted(p, xlabel(cd));
	script_printf(p, "\nset ylabel 'PDF of %s'\n", col_name[c]);
	if (k->mix && (p->o->pdf_modes & FM_PLOT_COMP_LABELS) &&
	    (p->o->pdf_modes & (FM_PLOT_COMP | FM_PLOT_COMP_STACK)))
		outside_key(p);
	else
		script_printf(p, "set key top right\n");
	title(p);
	if (k->mix)
		plot_comps(p, dat, col_name[c], k->mix, p->o->pdf_modes,
			   &first);
	script_printf(p, "%s", first ? "plot " : ", \\\n     ");
	script_quoted(p, dat);
	script_printf(p, " index 'points' using 1:2 with points pt 5 ps 0.25 ");
	if (cd->normalized) {
		color(p, col_rgb[c], 1);
		script_printf(p, " title 'data points (normalized)'");
	} else {
		color(p, RGB_RAW, 1);
		script_printf(p, " title 'data points (log-binned)'");
	}
	script_printf(p, ", \\\n     ");
	script_quoted(p, dat);
	script_printf(p, " index 'line' using 1:2 with lines lw 4 ");
	color(p, col_rgb[c], 0.5);
	script_printf(p, " title 'inferred from data points'");
	if (k->mix) {
		script_printf(p, ", \\\n     ");
		script_quoted(p, dat);
		script_printf(p, " index 'model' using 1:2 with lines lw 2 ");
		color(p, RGB_MODEL, 0.5);
		script_printf(p, " title 'model'");
	}
	script_printf(p, "\n");
}

/* avg-packets (c = 1), avg-octets (c = 2), avg-packet_size (c = -1). */
static void avg_data(struct plot_run *p, const struct fm_chartdata *cd, int c)
{
	const double *pts = c < 0 ? cd->ps_pts : cd->col[c].avg_pts;
	const double *line = c < 0 ? cd->ps_line : cd->col[c].avg_line;
	const double *mix = c < 0 ? cd->ps_mix : cd->col[c].mix_avg;

	data_block(p, "points",
		   c < 0 ? "bin_lo, octets_sum / packets_sum of the bin"
			 : "bin_lo, column sum / flows_sum of the bin");
	data_xy_rows(p, cd->bx, cd->nbins, pts);
	data_block(p, "line", "x, average inferred from the data PDFs");
	data_xy_rows(p, cd->x, cd->n, line);
	if (mix) {
		data_block(p, "model", "x, average from the mixtures");
		data_xy_rows(p, cd->x, cd->n, mix);
	}
}

static void avg_panel(struct plot_run *p, const struct fm_chartdata *cd, int c,
		      const char *dat)
{
	const char *rgb = c < 0 ? RGB_PS : col_rgb[c];
	const double *mix = c < 0 ? cd->ps_mix : cd->col[c].mix_avg;

	script_printf(p, "unset logscale\nunset label\nunset arrow\n");
	logaxis(p, "x");
	range(p, "x", cd->x[0], cd->x[cd->n - 1], 1);
	script_printf(p, "set xlabel ");
	script_quoted(p, xlabel(cd));
	script_printf(p, "\n");
	if (c < 0) {
		double x0 = cd->x[0], x1 = cd->x[cd->n - 1];
		double lx = pow(10, log10(x1 - x0 > 0 ? x1 - x0 : 1) * 0.25 +
					log10(x0));
		const double g[3] = {cd->ps_min, cd->ps_avg, cd->ps_max};
		const char *gn[3] = {"min", "avg", "max"};

		script_printf(p, "set yrange [0:2000]\nset ytics autofreq\nset "
				 "format y '%%g'\n");
		script_printf(p, "set ylabel 'Average packet size "
				 "[bytes]'\nset key top right\n");
		for (int i = 0; i < 3; i++) {
			if (!isfinite(g[i]))
				continue;
			script_printf(p,
				      "set arrow from graph 0, first %.17g to "
				      "graph 1, first %.17g nohead back lw 2 ",
				      g[i], g[i]);
			color(p, RGB_GUIDE, 0.35);
			script_printf(p,
				      "\nset label '%s = %.2f' at %.17g, %.17g "
				      "center front boxed\n",
				      gn[i], g[i], lx, g[i]);
		}
	} else {
		logaxis(p, "y");
		script_printf(p, "set ylabel '%s'\nset key top left\n",
			      c == 1 ? "Average packets [packets]"
				     : "Average octets [bytes]");
	}
	title(p);
	script_printf(p, "plot ");
	script_quoted(p, dat);
	script_printf(p, " index 'points' using 1:2 with points pt 5 ps 0.25 ");
	color(p, rgb, 1);
	script_printf(p, " title 'data points', \\\n     ");
	script_quoted(p, dat);
	script_printf(p, " index 'line' using 1:2 with lines lw 4 ");
	color(p, rgb, 0.5);
	script_printf(p, " title 'inferred from data points'");
	if (mix) {
		script_printf(p, ", \\\n     ");
		script_quoted(p, dat);
		script_printf(p, " index 'model' using 1:2 with lines lw 3 ");
		color(p, RGB_MODEL, 0.5);
		script_printf(p, " title 'inferred from model'");
	}
	script_printf(p, "\n");
}

/* ---- files and the gnuplot process ---- */

/* Write buf to tmpdir/name. */
static int put_file(struct plot_run *p, const char *name, struct fm_buf *b,
		    struct fm_error *err)
{
	char *path;
	int r;

	if (asprintf(&path, "%s/%s", p->tmpdir, name) < 0)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_file_write_atomic(path, fm_buf_str(b), b->len, err);
	free(path);
	return r;
}

/* Finish the figure being built: NAME.gp (+ NAME.dat when it has data). */
static int emit(struct plot_run *p, const char *name, struct fm_error *err)
{
	char fn[128];
	int r = 0;

	finish_script(p);
	if (p->fail || p->nscripts >= MAXFIG)
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	if (r == 0 && p->dat.len) {
		snprintf(fn, sizeof(fn), "%s.dat", name);
		r = put_file(p, fn, &p->dat, err);
	}
	if (r == 0) {
		snprintf(fn, sizeof(fn), "%s.gp", name);
		r = put_file(p, fn, &p->sc, err);
	}
	if (r == 0) {
		p->scripts[p->nscripts] = strdup(fn);
		if (!p->scripts[p->nscripts])
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else
			p->nscripts++;
	}
	fm_buf_reset(&p->sc);
	fm_buf_reset(&p->dat);
	return r;
}

static int open_run(struct plot_run *p, const struct fm_plot_opts *o,
		    const char *outdir, struct fm_error *err)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->o = o;
	p->outdir = outdir;
	r = fm_mkdir_p(outdir, err);
	if (r < 0)
		return r;
	if (asprintf(&p->tmpdir, "%s/.flowmodels-plot.XXXXXX", outdir) < 0) {
		p->tmpdir = NULL;
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	if (!mkdtemp(p->tmpdir)) {
		r = fm_error_set(err, FM_EIO,
				 "%s: cannot create a temporary directory: %s",
				 outdir, strerror(errno));
		free(p->tmpdir);
		p->tmpdir = NULL;
	}
	return r;
}

static void close_run(struct plot_run *p)
{
	fm_rm_rf(p->tmpdir);
	free(p->tmpdir);
	for (size_t i = 0; i < p->nscripts; i++)
		free(p->scripts[i]);
	fm_buf_release(&p->sc);
	fm_buf_release(&p->dat);
	memset(p, 0, sizeof(*p));
}

/* The last non-empty line of text (trimmed), into out. */
static void last_line(const char *text, char *out, size_t size)
{
	const char *end = text + strlen(text), *s;

	while (end > text &&
	       (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	s = end;
	while (s > text && s[-1] != '\n')
		s--;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	snprintf(out, size, "%.*s", (int)(end - s), s);
}

/*
 * Start gnuplot on argv (cwd = the temporary directory, stdin and stdout
 * /dev/null, stderr into errfile there).  Returns the pid, or -1 with
 * *xerr = the errno of a failed exec (or of fork).
 */
static pid_t spawn(struct plot_run *p, char **argv, const char *errfile,
		   int *xerr)
{
	char *path;
	pid_t pid;
	int ef;

	if (asprintf(&path, "%s/%s", p->tmpdir, errfile) < 0) {
		*xerr = ENOMEM;
		return -1;
	}
	ef = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	*xerr = errno;
	free(path);
	if (ef < 0)
		return -1;
	pid = fm_spawn(argv, p->tmpdir, -1, -1, ef, xerr);
	close(ef);
	return pid;
}

/* The error of a finished gnuplot: its message, or warnings to log. */
static int gnuplot_result(struct plot_run *p, const char *errfile, int status,
			  const struct fm_log *log, struct fm_error *err)
{
	char *path = NULL, *text = NULL;
	size_t len = 0;
	int r = 0;

	if (asprintf(&path, "%s/%s", p->tmpdir, errfile) >= 0 &&
	    fm_file_read_all(path, FM_READ_MAX_JSON, &text, &len, NULL) < 0)
		text = NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[400];

		last_line(text ? text : "", line, sizeof(line));
		if (line[0])
			r = fm_error_set(err, FM_EEXTERNAL,
					 "gnuplot failed: %s", line);
		else if (WIFSIGNALED(status))
			r = fm_error_set(err, FM_EEXTERNAL,
					 "gnuplot killed by signal %d",
					 WTERMSIG(status));
		else
			r = fm_error_set(err, FM_EEXTERNAL,
					 "gnuplot exited with status %d",
					 WEXITSTATUS(status));
	} else if (text) {
		const char *s = text;
		while (*s) {
			const char *e = strchr(s, '\n');
			size_t l = e ? (size_t)(e - s) : strlen(s);
			if (l)
				fm_warn(log, "gnuplot: %.*s", (int)l, s);
			s += l + (e ? 1 : 0);
		}
	}
	if (path)
		unlink(path);
	free(path);
	free(text);
	return r;
}

/*
 * Run gnuplot on the scripts in the temporary directory: up to
 * min(number of CPUs, 4) processes, the scripts dealt out in turn (one
 * start-up per process, figures rendered in parallel).
 */
static int run_gnuplot(struct plot_run *p, const struct fm_log *log,
		       struct fm_error *err)
{
	const char *prog = p->o->gnuplot ? p->o->gnuplot : "gnuplot";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t np = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (size_t)ncpu;
	pid_t pids[4] = {0};
	char errfile[4][48];
	int r = 0;

	if (np > p->nscripts)
		np = p->nscripts;
	for (size_t k = 0; k < np && r == 0; k++) {
		char **argv = calloc(p->nscripts + 2, sizeof(*argv));
		size_t a = 0;
		int xerr = 0;

		if (!argv) {
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			break;
		}
		argv[a++] = (char *)prog;
		for (size_t i = k; i < p->nscripts; i += np)
			argv[a++] = p->scripts[i];
		snprintf(errfile[k], sizeof(errfile[k]), ".gnuplot-stderr.%u",
			 (unsigned)k);
		pids[k] = spawn(p, argv, errfile[k], &xerr);
		free(argv);
		if (pids[k] < 0) {
			pids[k] = 0;
			if (xerr == ENOENT)
				r = fm_error_set(
				    err, FM_ENOTFOUND,
				    "gnuplot not found (%s): install gnuplot "
				    "(Debian: apt-get install gnuplot-nox) or "
				    "name it with --gnuplot",
				    prog);
			else
				r = fm_error_set(err, FM_ENOTFOUND,
						 "cannot run %s: %s", prog,
						 strerror(xerr));
		}
	}
	for (size_t k = 0; k < np; k++) {
		int status = 0, rk;

		if (!pids[k])
			continue;
		while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
			;
		rk = gnuplot_result(p, errfile[k], status, log,
				    r == 0 ? err : NULL);
		if (r == 0)
			r = rk;
	}
	return r;
}

/* Move every file of the temporary directory into the output directory. */
static int commit(struct plot_run *p, unsigned *nfiles, struct fm_error *err)
{
	DIR *d = opendir(p->tmpdir);
	struct dirent *e;
	unsigned n = 0;
	int r = 0;

	if (!d)
		return fm_error_set(err, FM_EIO, "%s: %s", p->tmpdir,
				    strerror(errno));
	while (r == 0 && (e = readdir(d)) != NULL) {
		char *from, *to;
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&from, "%s/%s", p->tmpdir, e->d_name) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else if (asprintf(&to, "%s/%s", p->outdir, e->d_name) < 0) {
			free(from);
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		} else {
			if (rename(from, to) < 0)
				r = fm_error_set(
				    err, FM_EIO,
				    "%s: cannot rename into place: %s", to,
				    strerror(errno));
			else
				n++;
			free(from);
			free(to);
		}
	}
	closedir(d);
	if (nfiles)
		*nfiles = n;
	return r;
}

int fm_plot_histogram(const struct fm_histogram *h,
		      const struct fm_mixture_dir *mix, enum fm_mix_x xk,
		      const struct fm_plot_opts *o, const char *outdir,
		      const struct fm_log *log, unsigned *nfiles,
		      struct fm_error *err)
{
	struct fm_chartdata cd;
	struct plot_run p;
	int r;

	if (nfiles)
		*nfiles = 0;
	r = fm_chartdata_build(&cd, h, mix, xk, FM_CHART_NPOINTS, o->normalize,
			       err);
	if (r < 0)
		return r;
	if (cd.n < 2) {
		fm_chartdata_release(&cd);
		return fm_error_set(err, FM_EINVAL,
				    "histogram spans a single x value: nothing "
				    "to plot on a log axis");
	}
	r = open_run(&p, o, outdir, err);
	if (r == 0) {
		preamble(&p, "cdf", 1, "CDF of flows, packets and octets");
		cdf_data(&p, &cd);
		cdf_panel(&p, &cd, "cdf.dat");
		r = emit(&p, "cdf", err);
	}
	for (int c = 0; c < 3 && r == 0; c++) {
		char name[32], dat[40];

		snprintf(name, sizeof(name), "pdf-%s", col_name[c]);
		snprintf(dat, sizeof(dat), "%s.dat", name);
		preamble(&p, name, 1,
			 c == 0	  ? "PDF of flows"
			 : c == 1 ? "PDF of packets"
				  : "PDF of octets");
		pdf_data(&p, &cd, c);
		pdf_panel(&p, &cd, c, dat);
		r = emit(&p, name, err);
	}
	if (r == 0 && o->single) {
		preamble(
		    &p, "single", 2,
		    "CDF and the three PDFs (data in cdf.dat and pdf-*.dat)");
		script_printf(&p, "set multiplot layout 2,2\n");
		cdf_panel(&p, &cd, "cdf.dat");
		pdf_panel(&p, &cd, 0, "pdf-flows.dat");
		pdf_panel(&p, &cd, 1, "pdf-packets.dat");
		pdf_panel(&p, &cd, 2, "pdf-octets.dat");
		script_printf(&p, "unset multiplot\n");
		r = emit(&p, "single", err);
	}
	for (int c = 1; c <= 3 && r == 0; c++) {
		int k = c == 3 ? -1 : c;
		const char *name = c == 1   ? "avg-packets"
				   : c == 2 ? "avg-octets"
					    : "avg-packet_size";
		char dat[40];

		snprintf(dat, sizeof(dat), "%s.dat", name);
		preamble(&p, name, 1,
			 c == 1	  ? "average packets per flow"
			 : c == 2 ? "average octets per flow"
				  : "average packet size");
		avg_data(&p, &cd, k);
		avg_panel(&p, &cd, k, dat);
		r = emit(&p, name, err);
	}
	if (r == 0)
		r = run_gnuplot(&p, log, err);
	if (r == 0)
		r = commit(&p, nfiles, err);
	if (p.tmpdir || p.nscripts)
		close_run(&p);
	fm_chartdata_release(&cd);
	return r;
}

/* ---- model quality (issue 19): gof residuals, P-P, compare ---- */

/* The plot command of one line per y that has data: dat's block y. */
static void plot_per_y(struct plot_run *p, const char *dat, const int *have,
		       const char *using, const char *style, const char *suffix)
{
	int first = 1;

	for (int c = 0; c < 3; c++) {
		if (!have[c])
			continue;
		script_printf(p, "%s", first ? "plot " : ", \\\n     ");
		first = 0;
		script_quoted(p, dat);
		script_printf(p, " index '%s%s' using %s %s ", col_name[c],
			      suffix, using, style);
		color(p, col_rgb[c], 0.3);
		script_printf(p, " title '%s%s'", col_name[c], suffix);
	}
}

int fm_plot_gof(const struct fm_histogram *h,
		const struct fm_mixture *const *mix, enum fm_mix_x xk,
		const struct fm_plot_opts *o, const char *outdir,
		const struct fm_log *log, unsigned *nfiles,
		struct fm_error *err)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	struct plot_run p;
	int have[3], r, any = 0;

	if (nfiles)
		*nfiles = 0;
	for (int c = 0; c < 3; c++) {
		have[c] = mix[c] && fm_histogram_has(h, ycol[c]);
		any |= have[c];
	}
	if (!any || h->n == 0)
		return fm_error_set(err, FM_EINVAL,
				    "gof figures: no y that both the histogram "
				    "and a mixture have");
	r = open_run(&p, o, outdir, err);
	if (r < 0)
		return r;
	/* residuals: data share / model probability of every bin */
	preamble(&p, "gof-residual", 1,
		 "data / model probability of every bin");
	for (int c = 0; c < 3; c++) {
		double N = 0;
		if (!have[c])
			continue;
		for (size_t i = 0; i < h->n; i++)
			N += fm_histogram_get(h, ycol[c], i);
		data_block(&p, col_name[c],
			   "bin_lo, (Y_sum / N) / P(bin), P(bin) as generate "
			   "draws it");
		for (size_t i = 0; i < h->n; i++) {
			double b0, a0, b1, a1, pb;
			fm_gof_model_split(mix[c], xk, h->bin_lo[i], &b0, &a0);
			fm_gof_model_split(mix[c], xk, h->bin_hi[i], &b1, &a1);
			pb = b0 <= 0.5 ? b1 - b0 : a0 - a1;
			data_number(&p, (double)h->bin_lo[i], 0);
			data_column(&p, pb > 0
					    ? fm_histogram_get(h, ycol[c], i) /
						  N / pb
					    : NAN);
			data_column(&p, pb);
			data_printf(&p, "\n");
		}
	}
	script_printf(&p, "set xlabel ");
	script_quoted(&p, xk == FM_MIX_X_SIZE ? "Flow size [octets]"
					      : "Flow length [packets]");
	script_printf(&p, "\nset ylabel 'data / model (per bin)'\n");
	logaxis(&p, "x");
	logaxis(&p, "y");
	range(&p, "x", (double)h->bin_lo[0], (double)h->bin_lo[h->n - 1], 1);
	script_printf(&p, "set key top left\nset arrow from graph 0, first 1 "
			  "to graph 1, first 1 nohead dt 2 lc rgb '#000000'\n");
	title(&p);
	plot_per_y(&p, "gof-residual.dat", have, "1:($2 > 0 ? $2 : NaN)",
		   "with points pt 7 ps 0.4", "");
	script_printf(&p, "\n");
	r = emit(&p, "gof-residual", err);
	/* P-P: the model's cumulative probability against the data's */
	if (r == 0) {
		preamble(&p, "gof-pp", 1,
			 "P-P: data CDF against model CDF at the bin edges");
		for (int c = 0; c < 3; c++) {
			double N = 0, cum = 0;
			if (!have[c])
				continue;
			for (size_t i = 0; i < h->n; i++)
				N += fm_histogram_get(h, ycol[c], i);
			data_block(&p, col_name[c],
				   "model P(X < bin_hi), data share below "
				   "bin_hi, bin_hi");
			for (size_t i = 0; i < h->n; i++) {
				double b, a;
				cum += fm_histogram_get(h, ycol[c], i);
				fm_gof_model_split(mix[c], xk, h->bin_hi[i], &b,
						   &a);
				data_number(&p, b, 0);
				data_column(&p, cum / N);
				data_column(&p, (double)h->bin_hi[i]);
				data_printf(&p, "\n");
			}
		}
		script_printf(
		    &p, "set xlabel 'model CDF'\nset ylabel 'data CDF'\n");
		script_printf(&p, "set xrange [0:1]\nset yrange [0:1]\nset "
				  "size square\nset key top left\n");
		title(&p);
		script_printf(
		    &p,
		    "set arrow from 0,0 to 1,1 nohead dt 2 lc rgb '#000000'\n");
		plot_per_y(&p, "gof-pp.dat", have, "1:2",
			   "with linespoints pt 7 ps 0.3", "");
		script_printf(&p, "\n");
		r = emit(&p, "gof-pp", err);
	}
	if (r == 0)
		r = run_gnuplot(&p, log, err);
	if (r == 0)
		r = commit(&p, nfiles, err);
	close_run(&p);
	return r;
}

/* Cumulative shares of column c of h over the union u (NaN: absent). */
static void cmp_cdf_block(struct plot_run *p, const struct fm_histogram *h,
			  const struct fm_bin_union *u, const size_t *idx,
			  const int *have, const char *suffix)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	for (int c = 0; c < 3; c++) {
		double N = 0, cum = 0;
		char name[40];
		if (!have[c])
			continue;
		for (size_t i = 0; i < h->n; i++)
			N += fm_histogram_get(h, ycol[c], i);
		snprintf(name, sizeof(name), "%s%s", col_name[c], suffix);
		data_block(p, name, "bin_hi, cumulative share");
		for (size_t k = 0; k < u->n; k++) {
			if (idx[k] != SIZE_MAX)
				cum += fm_histogram_get(h, ycol[c], idx[k]);
			data_number(p, (double)u->hi[k], 0);
			data_column(p, N > 0 ? cum / N : NAN);
			data_printf(p, "\n");
		}
	}
}

int fm_plot_compare(const struct fm_histogram *a, const char *name_a,
		    const struct fm_histogram *b, const char *name_b,
		    enum fm_mix_x xk, const struct fm_plot_opts *o,
		    const char *outdir, const struct fm_log *log,
		    unsigned *nfiles, struct fm_error *err)
{
	static const enum fm_hcol ycol[3] = {FM_HCOL_FLOWS, FM_HCOL_PACKETS,
					     FM_HCOL_OCTETS};
	struct fm_bin_union u;
	struct fm_compare cmp;
	struct plot_run p;
	double *ratio[3] = {NULL, NULL, NULL};
	int have[3], r, any = 0;

	if (nfiles)
		*nfiles = 0;
	fm_bin_union_init(&u);
	r = fm_bin_union_make(&u, a, name_a, b, name_b, err);
	for (int c = 0; r == 0 && c < 3; c++) {
		have[c] = fm_histogram_has(a, ycol[c]) &&
			  fm_histogram_has(b, ycol[c]);
		if (!have[c])
			continue;
		any = 1;
		ratio[c] = malloc((u.n ? u.n : 1) * sizeof(double));
		if (!ratio[c])
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else
			r = fm_compare_column(a, name_a, b, name_b, &u, ycol[c],
					      &cmp, ratio[c], err);
	}
	if (r == 0 && !any)
		r = fm_error_set(err, FM_EINVAL,
				 "%s and %s have no flows, packets or octets "
				 "column in common",
				 name_a, name_b);
	if (r == 0)
		r = open_run(&p, o, outdir, err);
	if (r < 0)
		goto out;
	preamble(&p, "compare-cdf", 1, "CDFs of the two histograms");
	cmp_cdf_block(&p, a, &u, u.ia, have, " A");
	cmp_cdf_block(&p, b, &u, u.ib, have, " B");
	script_printf(&p, "set xlabel ");
	script_quoted(&p, xk == FM_MIX_X_SIZE ? "Flow size [octets]"
					      : "Flow length [packets]");
	script_printf(&p, "\nset ylabel 'CDF (fraction of)'\nset yrange "
			  "[-0.05:1.05]\nset key bottom right\n");
	logaxis(&p, "x");
	range(&p, "x", (double)u.lo[0], (double)u.hi[u.n - 1], 1);
	for (int k = 0; k < 2; k++) {
		char lab[300];
		snprintf(lab, sizeof(lab), "%s: %s", k ? "B (dashed)" : "A",
			 k ? name_b : name_a);
		script_printf(&p, "set label %d ", k + 1);
		script_title_text(&p, lab);
		script_printf(&p, " at graph 0.02, graph %.2f noenhanced\n",
			      0.95 - 0.05 * k);
	}
	title(&p);
	plot_per_y(&p, "compare-cdf.dat", have, "1:2", "with steps lw 3", " A");
	for (int c = 0; c < 3; c++) {
		if (!have[c])
			continue;
		script_printf(&p, ", \\\n     ");
		script_quoted(&p, "compare-cdf.dat");
		script_printf(&p,
			      " index '%s B' using 1:2 with steps lw 1.5 dt 2 ",
			      col_name[c]);
		color(&p, col_rgb[c], 0.9);
		script_printf(&p, " title '%s B'", col_name[c]);
	}
	script_printf(&p, "\n");
	r = emit(&p, "compare-cdf", err);
	if (r == 0) {
		preamble(&p, "compare-ratio", 1, "B's share over A's, per bin");
		for (int c = 0; c < 3; c++) {
			if (!have[c])
				continue;
			data_block(&p, col_name[c],
				   "bin_lo, share in B / share in A");
			for (size_t k = 0; k < u.n; k++) {
				data_number(&p, (double)u.lo[k], 0);
				data_column(&p, ratio[c][k]);
				data_printf(&p, "\n");
			}
		}
		script_printf(&p, "set xlabel ");
		script_quoted(&p, xk == FM_MIX_X_SIZE
				      ? "Flow size [octets]"
				      : "Flow length [packets]");
		script_printf(
		    &p,
		    "\nset ylabel 'B / A (share per bin)'\nset key top left\n");
		logaxis(&p, "x");
		logaxis(&p, "y");
		range(&p, "x", (double)u.lo[0], (double)u.lo[u.n - 1], 1);
		script_printf(&p, "set arrow from graph 0, first 1 to graph 1, "
				  "first 1 nohead dt 2 lc rgb '#000000'\n");
		title(&p);
		plot_per_y(&p, "compare-ratio.dat", have,
			   "1:($2 > 0 ? $2 : NaN)", "with points pt 7 ps 0.4",
			   "");
		script_printf(&p, "\n");
		r = emit(&p, "compare-ratio", err);
	}
	if (r == 0)
		r = run_gnuplot(&p, log, err);
	if (r == 0)
		r = commit(&p, nfiles, err);
	close_run(&p);
out:
	for (int c = 0; c < 3; c++)
		free(ratio[c]);
	fm_bin_union_release(&u);
	return r;
}

/* ---- series-plot ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fm_plot_series(const char *dir, const struct fm_plot_opts *o,
		   unsigned window, const char *outdir,
		   const struct fm_log *log, struct fm_error *err)
{
	static const char *const kinds[3] = {"flows", "packets", "octets"};
	char **names = NULL;
	size_t nn = 0, cap = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	struct plot_run p;
	int r = 0, figs = 0, opened = 0;

	if (!d)
		return fm_error_set(err,
				    errno == ENOENT ? FM_ENOTFOUND : FM_EIO,
				    "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL && r == 0) {
		const char *dot = strrchr(e->d_name, '.');
		int ok = 0;
		if (!dot || dot == e->d_name)
			continue;
		for (int k = 0; k < 3; k++)
			if (strcmp(dot + 1, kinds[k]) == 0)
				ok = 1;
		if (!ok)
			continue;
		if (nn == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nv = realloc(names, nc * sizeof(*nv));
			if (!nv) {
				r = fm_error_set(err, FM_ENOMEM,
						 "out of memory");
				break;
			}
			names = nv;
			cap = nc;
		}
		if (!(names[nn] = strdup(e->d_name)))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else
			nn++;
	}
	closedir(d);
	if (r == 0 && nn == 0)
		r = fm_error_set(err, FM_ENOTFOUND,
				 "%s: no csv_series files (DAY.flows, "
				 "DAY.packets, DAY.octets)",
				 dir);
	if (r == 0 && nn > MAXFIG)
		r = fm_error_set(err, FM_EINVAL,
				 "%s: %zu series files, at most %d per call",
				 dir, nn, MAXFIG);
	if (r == 0) {
		qsort(names, nn, sizeof(*names), cmp_str);
		r = open_run(&p, o, outdir, err);
		opened = r == 0;
	}
	for (size_t i = 0; i < nn && r == 0; i++) {
		char *path = NULL, *stem = strdup(names[i]);
		const char *kind = strrchr(names[i], '.') + 1;
		int bits = strcmp(kind, "octets") == 0;
		double *v = NULL, *m = NULL;
		size_t n = 0;
		char name[300], ttl[300], dat[320];

		if (!stem || asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			free(stem);
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
			break;
		}
		*strrchr(stem, '.') = 0;
		r = fm_chart_series_read(path, &v, &n, err);
		if (r == 0 && !(m = malloc(n * sizeof(*m))))
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		if (r == 0) {
			char *end;
			long long day = strtoll(stem, &end, 10);
			time_t t = (time_t)(day * 86400);
			struct tm tm;

			if (bits)
				for (size_t j = 0; j < n; j++)
					v[j] *= 8;
			fm_chart_rolling_mean(v, n, window, m);
			snprintf(name, sizeof(name), "%s.%s", stem,
				 bits ? "bits" : kind);
			snprintf(dat, sizeof(dat), "%s.dat", name);
			if (*stem && !*end && gmtime_r(&t, &tm))
				snprintf(ttl, sizeof(ttl),
					 "%04d-%02d-%02d (day %s)",
					 tm.tm_year + 1900, tm.tm_mon + 1,
					 tm.tm_mday, stem);
			else
				snprintf(ttl, sizeof(ttl), "day %s", stem);
			preamble(&p, name, 1, "rate per second over the day");
			data_block(
			    &p, "rate",
			    "second of the day, rolling mean of the rate");
			for (size_t j = 0; j < n; j++) {
				data_printf(&p, "%zu", j);
				data_column(&p, m[j]);
				data_printf(&p, "\n");
			}
			script_printf(
			    &p, "set xrange [0:24]\nset xtics 0,2,24\nset "
				"mxtics 2\nset yrange [0:*]\n");
			script_printf(&p, "set format y '%%.1s%%c'\nset xlabel "
					  "'Time of day [h] (UTC)'\n");
			script_printf(&p,
				      "set ylabel '%s rate [%s/s]'\nset title ",
				      bits			   ? "Bit"
				      : strcmp(kind, "flows") == 0 ? "Flow"
								   : "Packet",
				      bits ? "bits" : kind);
			script_title_text(&p, o->title ? o->title : ttl);
			script_printf(&p,
				      " noenhanced\nset key top left\nplot ");
			script_quoted(&p, dat);
			script_printf(&p, " index 'rate' using ($1/3600.0):2 "
					  "with lines lw 0.5 ");
			color(&p, RGB_MODEL, 1);
			script_printf(&p, " title '%u-second rolling mean'\n",
				      window);
			r = emit(&p, name, err);
			figs++;
		}
		free(v);
		free(m);
		free(path);
		free(stem);
	}
	if (r == 0 && opened)
		r = run_gnuplot(&p, log, err);
	if (r == 0 && opened)
		r = commit(&p, NULL, err);
	if (opened)
		close_run(&p);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return r < 0 ? r : figs;
}
