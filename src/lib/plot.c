/*
 * plot.c - the gnuplot engine (plot-int.h) and the options of plot.h.
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

#include "flowmodels/fileops.h"
#include "flowmodels/fileout.h"
#include "flowmodels/plot.h"

#include "plot-int.h"

const char *const gp_col_name[3] = {"flows", "packets", "octets"};
const char *const gp_col_rgb[3] = {"FF0000", "008000", "0000FF"};

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
	case FM_PLOT_SIXEL:
		return "six";
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

/* Append formatted text to the script (sticky failure flag). */
void gp_script_printf(struct plot_run *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fm_buf_vprintf(&p->sc, fmt, ap) < 0)
		p->fail = 1;
	va_end(ap);
}

/* Append a quoted string to the script. */
void gp_script_quoted(struct plot_run *p, const char *s)
{
	if (fm_gp_quote(&p->sc, s) < 0)
		p->fail = 1;
}

/* A user text for a title: TeX specials escaped in tex output. */
void gp_script_title_text(struct plot_run *p, const char *s)
{
	struct fm_buf t = FM_BUF_INIT;

	if (p->o->format != FM_PLOT_TEX) {
		gp_script_quoted(p, s);
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
	gp_script_quoted(p, fm_buf_str(&t));
	fm_buf_release(&t);
}

void gp_data_printf(struct plot_run *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fm_buf_vprintf(&p->dat, fmt, ap) < 0)
		p->fail = 1;
	va_end(ap);
}

/*
 * A number in a data file: integers exactly (fast path: most x values),
 * others with 12 significant digits (far below what a figure shows; the
 * exact values are those of chartdata.h), NaN for non-finite.
 */
void gp_data_column(struct plot_run *p, double v)
{
	gp_data_number(p, v, 1);
}

void gp_data_number(struct plot_run *p, double v, int sep)
{
	char buf[40], *e = buf + sizeof(buf);

	if (!isfinite(v)) {
		gp_data_printf(p, sep ? " NaN" : "NaN");
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
void gp_data_block(struct plot_run *p, const char *name, const char *cols)
{
	if (p->dat.len)
		gp_data_printf(p, "\n\n");
	gp_data_printf(p, "# %s\n# %s\n", name, cols);
}

/* A block of rows x[i], then ncol columns of n values each. */
void gp_data_rows(struct plot_run *p, const double *x, size_t n,
		  const double *const *cols, size_t ncol)
{
	for (size_t i = 0; i < n; i++) {
		gp_data_number(p, x[i], 0);
		for (size_t c = 0; c < ncol; c++)
			gp_data_column(p, cols[c][i]);
		gp_data_printf(p, "\n");
	}
}

void gp_data_xy_rows(struct plot_run *p, const double *x, size_t n,
		     const double *y)
{
	gp_data_rows(p, x, n, &y, 1);
}

/* Terminal, output and the common look; scale = size factor (single). */
void gp_preamble(struct plot_run *p, const char *name, int scale,
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
	gp_script_printf(
	    p,
	    "# %s: %s\n# written by flowmodels plot; edit and re-run "
	    "with: gnuplot %s.gp\n",
	    name, what, name);
	gp_script_printf(p, "reset\n");
	p->fs = o->format == FM_PLOT_PNG     ? fs * 1.2
		: o->format == FM_PLOT_SIXEL ? fs * 1.2
		: o->format == FM_PLOT_SVG   ? fs * 1.6
		: o->format == FM_PLOT_PDF   ? fs * 0.8
					     : 10;
	switch (o->format) {
	case FM_PLOT_PNG:
		gp_script_printf(
		    p,
		    "set terminal pngcairo size %d,%d enhanced font "
		    "'Sans,%.1f' linewidth %.2f\n",
		    w, h, fs * 1.2, (double)h / scale / 600.0);
		break;
	case FM_PLOT_SVG:
		gp_script_printf(
		    p,
		    "set terminal svg size %d,%d enhanced font 'Sans,%.1f' "
		    "linewidth %.2f background '#FFFFFF'\n",
		    w, h, fs * 1.6, (double)h / scale / 600.0);
		break;
	case FM_PLOT_PDF:
		gp_script_printf(p,
				 "set terminal pdfcairo size %.2fin,%.2fin "
				 "enhanced font 'Sans,%.1f' linewidth 0.5\n",
				 w / 200.0, h / 200.0, fs * 0.8);
		break;
	case FM_PLOT_TEX:
		gp_script_printf(
		    p,
		    "set terminal cairolatex pdf size %.2fin,%.2fin "
		    "linewidth 0.5\n",
		    w / 200.0, h / 200.0);
		break;
	case FM_PLOT_SIXEL: /* libgd: no transparency, font from fontconfig */
		gp_script_printf(p,
				 "set terminal sixelgd size %d,%d truecolor "
				 "enhanced font 'Sans,%.1f'\n",
				 w, h, fs * 0.9);
		break;
	}
	snprintf(out, sizeof(out), "%s.%s", name,
		 fm_plot_format_ext(o->format));
	gp_script_printf(p, "set output ");
	gp_script_quoted(p, out);
	gp_script_printf(p,
			 "\nset encoding utf8\nset datafile missing 'NaN'\n");
	gp_script_printf(
	    p, "set border linewidth 0.5\nset tics in scale 0.8,0.4 front\n");
	gp_script_printf(p, "set xtics mirror\nset ytics mirror\n");
	gp_script_printf(p,
			 "set key noautotitle nobox samplen 2.5 spacing 1.1\n");
	gp_script_printf(p, "set style fill transparent solid 0.5 noborder\n");
	gp_script_printf(p, "set style textbox opaque noborder margins 2,1\n");
}

void gp_finish_script(struct plot_run *p)
{
	gp_script_printf(p, "unset output\n");
}

/* Log axis settings for axis ax ("x"/"y"). */
void gp_logaxis(struct plot_run *p, const char *ax)
{
	gp_script_printf(p, "set logscale %s 10\nset m%stics 10\n", ax, ax);
	if (p->o->format == FM_PLOT_TEX)
		gp_script_printf(p, "set format %s '$10^{%%T}$'\n", ax);
	else
		gp_script_printf(p, "set format %s '10^{%%T}'\n", ax);
}

/* A tic sign * 10^e labelled as the log axes are (1, 10, 10^2, ...). */
static void symlog_tic(struct plot_run *p, int sign, int e)
{
	const char *m = sign < 0 ? "-" : "";

	if (e < 2)
		gp_script_printf(p, "'%s%s' %s%s", m, e ? "10" : "1", m,
				 e ? "10" : "1");
	else if (p->o->format == FM_PLOT_TEX)
		gp_script_printf(p, "'$%s10^{%d}$' %s1e%d", m, e, m, e);
	else
		gp_script_printf(p, "'%s10^{%d}' %s1e%d", m, e, m, e);
}

/*
 * A symlog axis over [vlo, vhi]: gnuplot's nonlinear axis through
 * sgn(v) log10(1 + |v|), tics at 0 and at the powers of ten inside
 * (the negative ones only with neg).
 */
void gp_symlog_axis(struct plot_run *p, const char *ax, double vlo, double vhi,
		    int neg)
{
	double t0 = fm_chart_symlog(vlo), t1 = fm_chart_symlog(vhi);
	int first = 1;

	gp_script_printf(p,
			 "set nonlinear %s via sgn(%s)*log10(1+abs(%s)) "
			 "inverse sgn(%s)*(10**abs(%s)-1)\n",
			 ax, ax, ax, ax, ax);
	gp_script_printf(p, "set %srange [%.10g:%.10g]\nset %stics (", ax, vlo,
			 vhi, ax);
	for (int e = neg && vlo < 0 ? (int)ceil(-t0) : -1; e >= 0; e--)
		if (-pow(10, e) >= vlo) {
			gp_script_printf(p, "%s", first ? "" : ", ");
			symlog_tic(p, -1, e);
			first = 0;
		}
	if (vlo <= 0 && vhi >= 0) {
		gp_script_printf(p, "%s'0' 0", first ? "" : ", ");
		first = 0;
	}
	for (int e = 0; e <= (int)ceil(t1) && e < 19; e++)
		if (pow(10, e) <= vhi && pow(10, e) >= vlo) {
			gp_script_printf(p, "%s", first ? "" : ", ");
			symlog_tic(p, 1, e);
			first = 0;
		}
	gp_script_printf(p, ")\n");
}

/* A range with 5% margins (in decades on a log axis). */
void gp_range(struct plot_run *p, const char *ax, double lo, double hi, int log)
{
	if (!(isfinite(lo) && isfinite(hi)) || (log && !(lo > 0)))
		return;
	if (log) {
		double b = 0.05 * log10(hi / lo);
		if (b == 0)
			b = 0.5;
		gp_script_printf(p, "set %srange [%.10g:%.10g]\n", ax,
				 lo * pow(10, -b), hi * pow(10, b));
	} else {
		double b = 0.05 * (hi - lo);
		if (b == 0)
			b = 0.5;
		gp_script_printf(p, "set %srange [%.10g:%.10g]\n", ax, lo - b,
				 hi + b);
	}
}

/* Positive finite min/max of v[0..n); 0 when none. */
int gp_posrange(const double *v, size_t n, double *lo, double *hi)
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

/* "#AARRGGBB": gnuplot's AA is transparency (00 opaque); opacity in [0, 1]. */
void gp_color(struct plot_run *p, const char *rgb, double opacity)
{
	gp_script_printf(p, "lc rgb '#%02X%s'",
			 (unsigned)lround((1 - opacity) * 255), rgb);
}

/* A long key (component labels) right of the graph, in a smaller font. */
void gp_outside_key(struct plot_run *p)
{
	gp_script_printf(
	    p,
	    "set key outside right top Left reverse width -4 spacing "
	    "1 font ',%.1f'\n",
	    p->fs * 0.72);
}

void gp_title(struct plot_run *p)
{
	if (p->o->title) {
		gp_script_printf(p, "set title ");
		gp_script_title_text(p, p->o->title);
		gp_script_printf(p, " noenhanced\n");
	}
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
int gp_emit(struct plot_run *p, const char *name, struct fm_error *err)
{
	char fn[128];
	int r = 0;

	gp_finish_script(p);
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

int gp_open_run(struct plot_run *p, const struct fm_plot_opts *o,
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

void gp_close_run(struct plot_run *p)
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
int gp_run_gnuplot(struct plot_run *p, const struct fm_log *log,
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
int gp_commit(struct plot_run *p, unsigned *nfiles, struct fm_error *err)
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
			if (fm_sync_path(from) < 0 || rename(from, to) < 0)
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
	if (r == 0 && n && fm_sync_path(p->outdir) < 0)
		r = fm_error_set(err, FM_EIO, "%s: sync: %s", p->outdir,
				 strerror(errno));
	if (nfiles)
		*nfiles = n;
	return r;
}
