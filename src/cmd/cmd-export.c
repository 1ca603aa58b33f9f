/*
 * cmd-export.c - `export`: write an object to a file or directory in one
 * of its formats (datasets and views: binary or csv_flow; histograms,
 * mixtures: what their tool offers), or with `export chart` the chart of
 * the current view as an image (gnuplot) or as text
 * (session-chartout.c: the frontend draws it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/plot.h"
#include "session.h"

enum { OPT_E_SIZE = OPT_COMMON_END, OPT_E_DAY };

static const struct cmd_opt export_opts[] = {
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "format to write (default: the object's first format; see info NAME)",
     NULL},
    CMD_OPT_OUTPUT("file or directory to write (required); export chart: "
		   "FILE.png, .svg, .pdf, .tex or .txt"),
    {OPT_E_SIZE, 0, "size", CMD_OPT_STR, "WxH",
     "export chart: the image in pixels (default: 1344x816, as plot), the "
     "text in columns x rows (default: 80x24 in a replay, the chart "
     "panel's size in the workbench)",
     NULL},
    {OPT_E_DAY, 0, "day", CMD_OPT_INT, "N",
     "export chart of a time series: its day N (1 = the first; default: "
     "the day the workbench shows, the first in a replay)",
     NULL},
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* The extension of the -O file for export chart, or NULL. */
static const char *chart_ext(const char *path)
{
	static const char *const ext[] = {"png", "svg", "pdf", "tex", "txt"};
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	for (size_t i = 0; dot && i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcmp(dot + 1, ext[i]) && dot[-1] != '/' && dot != path)
			return ext[i];
	return NULL;
}

/* --size WxH within [lo, hi] on each side. */
static int chart_size(const char *s, int lo_w, int lo_h, int hi,
		      const char *unit, int *w, int *h, struct fm_error *err)
{
	char *e1, *e2 = NULL;
	long a = strtol(s, &e1, 10), b = -1;

	if (e1 != s && (*e1 == 'x' || *e1 == 'X') && e1[1] >= '0' &&
	    e1[1] <= '9')
		b = strtol(e1 + 1, &e2, 10);
	if (b < 0 || *e2 || s[0] < '0' || s[0] > '9' || a < lo_w || b < lo_h ||
	    a > hi || b > hi)
		return fm_error_set(err, FM_EINVAL,
				    "--size: expected WxH in %s, at least "
				    "%dx%d and at most %dx%d, not '%s'",
				    unit, lo_w, lo_h, hi, hi, s);
	*w = (int)a;
	*h = (int)b;
	return 0;
}

/*
 * What the chart shows: the `show` set (then OBJ is an error), else OBJ
 * with its partner, else what the frontend chooses (*selected: OBJ or
 * NULL).
 */
static int chart_subject(struct session *s, const char *obj, char *newest,
			 size_t size, const char **selected,
			 struct fm_error *err)
{
	size_t nshow;
	int r = 0;

	sess_lock(s);
	sess_show_get(s, &nshow);
	sess_chart_newest(s, newest, size);
	if (nshow && obj)
		r = fm_error_set(err, FM_EINVAL,
				 "chart: %s: the chart shows the `show` set "
				 "(`show` alone clears it)",
				 obj);
	else if (obj && !sess_find(s, obj))
		r = fm_error_set(err, FM_ENOTFOUND,
				 "chart: unknown object '%s'", obj);
	else if (!nshow && !obj && !newest[0])
		r = fm_error_set(err, FM_EINVAL,
				 "chart: no chart (make or load a histogram, a "
				 "mixture set or a time series)");
	sess_unlock(s);
	*selected = obj;
	return r;
}

static int export_chart(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct sess_chart_req req = {0};
	const char *path = a->v[OPT_OUTPUT].s;
	char newest[128];
	int r = 0;

	req.path = path;
	req.ext = chart_ext(path);
	req.log = &ctx->log;
	if (a->v[OPT_OUT_FORMAT].set)
		r = fm_error_set(&err, FM_EINVAL,
				 "chart: -o does not apply (the "
				 "format is the extension of -O)");
	else if (!req.ext)
		r = fm_error_set(&err, FM_EINVAL,
				 "chart: %s: unknown extension (give "
				 "FILE.png, .svg, .pdf, .tex or .txt)",
				 path);
	else if (a->v[OPT_E_SIZE].set)
		r = strcmp(req.ext, "txt")
			? chart_size(a->v[OPT_E_SIZE].s, 100, 100, 20000,
				     "pixels", &req.width, &req.height, &err)
			: chart_size(a->v[OPT_E_SIZE].s, 12, 5, 1000,
				     "columns x rows", &req.width, &req.height,
				     &err);
	if (r == 0 && a->v[OPT_E_DAY].set) {
		if (a->v[OPT_E_DAY].i < 1 || a->v[OPT_E_DAY].i > 100000)
			r = fm_error_set(&err, FM_EINVAL,
					 "--day: expected 1 or more, not %lld",
					 (long long)a->v[OPT_E_DAY].i);
		req.day = (int)a->v[OPT_E_DAY].i;
	}
	if (r == 0)
		r = chart_subject(ctx->session, a->npos > 1 ? a->pos[1] : NULL,
				  newest, sizeof(newest), &req.selected, &err);
	if (r == 0)
		r = sess_chart_export(ctx->session, &req, &err);
	if (r < 0)
		return cmd_fail(ctx, &err);
	if (!strcmp(req.ext, "txt") && !a->v[OPT_E_SIZE].set) {
		/* the size the panel had: a replay writes the same file */
		char size[32];
		snprintf(size, sizeof(size), "%dx%d", req.width, req.height);
		cmd_record_option(ctx, OPT_E_SIZE, size);
	}
	if (req.day > 0 && !a->v[OPT_E_DAY].set) { /* the day drawn */
		char day[24];
		snprintf(day, sizeof(day), "%d", req.day);
		cmd_record_option(ctx, OPT_E_DAY, day);
	}
	if (req.chosen[0]) /* the selection of the workbench: recorded */
		cmd_record_words(ctx, req.chosen, NULL);
	cmd_summary(ctx, "export: the %s chart written to %s (%u file%s)",
		    sess_view_name(sess_view(ctx->session)), path, req.nfiles,
		    req.nfiles == 1 ? "" : "s");
	return 0;
}

static int export_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct sess_obj *o;
	int r = 0;

	if (sess_need(ctx))
		return 1;
	if (!a->v[OPT_OUTPUT].set) {
		fm_error_set(&err, FM_EINVAL,
			     "export needs an output: -O PATH");
		return cmd_fail(ctx, &err);
	}
	if (!strcmp(a->pos[0], "chart"))
		return export_chart(ctx, a);
	if (a->npos > 1 || a->v[OPT_E_SIZE].set || a->v[OPT_E_DAY].set) {
		fm_error_set(&err, FM_EINVAL,
			     "%s: export takes one object (%s belongs to "
			     "export chart)",
			     a->pos[0],
			     a->npos > 1	    ? "a second name"
			     : a->v[OPT_E_SIZE].set ? "--size"
						    : "--day");
		return cmd_fail(ctx, &err);
	}
	o = sess_get(ctx->session, a->pos[0], &err);
	if (!o)
		return cmd_fail(ctx, &err);
	r = sess_obj_export(
	    ctx, o, a->v[OPT_OUT_FORMAT].set ? a->v[OPT_OUT_FORMAT].s : NULL,
	    a->v[OPT_OUTPUT].s, &err);
	sess_put(ctx->session, o);
	if (r < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "export: %s written to %s", a->pos[0],
		    a->v[OPT_OUTPUT].s);
	return 0;
}

const struct cmd_entry cmd_export_entry = {
    .name = "export",
    .alias = NULL,
    .summary = "write an object, or the chart on screen, to a file",
    .usage = "NAME [-o FORMAT] -O PATH | chart [OBJ] [--size WxH] "
	     "-O FILE.png|svg|pdf|tex|txt",
    .description =
	"Datasets and views are written as binary (a directory) or csv_flow "
	"(a\n"
	"file); a view writes only the records its filter keeps.  Histograms\n"
	"and mixture sets are written in their tools' formats (info NAME "
	"lists\n"
	"them).  The output appears complete or not at all.\n"
	"\n"
	"`export chart` writes the chart of the current view (see view) with\n"
	"its scales and ranges (set xscale ... yrange): .png, .svg, .pdf and\n"
	".tex through gnuplot as plot draws (FILE.gp and FILE.dat kept beside\n"
	"it: `gnuplot FILE.gp` re-creates the image; FILE.dat holds every\n"
	"series' points, the numbers the workbench draws), .txt as the text\n"
	"chart in the charset setting (80x24 cells in a replay, the chart\n"
	"panel's size in the workbench; the size used is recorded).  The\n"
	"chart shows what the workbench's does: the `show` set (with its\n"
	"overlays), else OBJ as if selected (a histogram with its newest\n"
	"mixture set, a mixture set over its histogram, a time series: its\n"
	"day shown, --day), else the workbench's selection (in a replay the newest\n"
	"of those objects), recorded as OBJ.  The workbench's key E puts the\n"
	"command on the prompt with the selected object.",
    .opts = export_opts,
    .min_pos = 1,
    .max_pos = 2,
    .exec = export_exec,
    .flags = CMD_F_SESSION,
};
