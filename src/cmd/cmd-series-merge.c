/*
 * cmd-series-merge.c - `series-merge`: add up the csv_series directories
 * that `series` wrote for parts of one dataset (docs/scale.md), into a
 * directory or, in a session, a series object.
 */
#include <string.h>

#include "flowmodels/series.h"
#include "flowmodels/seriesmerge.h"
#include "cmd.h"
#include "objtypes.h"

static const struct cmd_opt series_merge_opts[] = {
    CMD_OPT_OUTPUT("output directory, created when missing (default: .)"),
    CMD_OPT_NO_SYNC, CMD_OPTS_COMMON, CMD_OPT_END};

static int to_series(void *ctx, const struct fm_seriesmerge_day *d,
		     struct fm_error *err)
{
	return fm_series_add_day(ctx, d->day, d->col[0], d->col[1], d->col[2],
				 err);
}

static int series_merge_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	struct fm_series *s = NULL;
	size_t ndays = 0;
	int r;

	/* a->pos holds the directories (session objects exported as such) */
	const char *const *dirs = (const char *const *)a->pos;
	if (!cmd_in_session(ctx) || a->v[OPT_OUTPUT].set)
		r = fm_seriesmerge_write(dirs, a->npos, out, &ndays, &err);
	else
		r = 0;
	if (r == 0 && cmd_in_session(ctx)) {
		struct fm_seriesmerge_sink sink = {to_series, NULL};
		r = fm_series_new(&s, &err);
		sink.ctx = s;
		if (r == 0)
			r = fm_seriesmerge(dirs, a->npos, &sink, &ndays, &err);
	}
	if (r == 0)
		cmd_summary(ctx, "series-merge: %zu series, %zu days %s%s",
			    a->npos, ndays,
			    cmd_in_session(ctx) && !a->v[OPT_OUTPUT].set
				? "kept in the session"
				: "written to ",
			    cmd_in_session(ctx) && !a->v[OPT_OUTPUT].set ? ""
									 : out);
	if (r == 0 && cmd_in_session(ctx)) {
		r = cmd_result_object(ctx, &cmd_series_type, s, &err);
		s = NULL; /* the session owns it now (also on failure) */
		if (r > 0)
			r = 0;
	}
	fm_series_free(s);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_series_merge_entry = {
    .name = "series-merge",
    .alias = NULL,
    .summary = "add up time series of parts of one dataset (sharded runs)",
    .usage = "[-O DIR] SERIES...",
    .description =
	"Adds up csv_series directories that series wrote for parts of one\n"
	"dataset (e.g. on several machines, docs/scale.md): for every day "
	"of any\n"
	"input, the flows, packets and octets of each second are summed "
	"exactly\n"
	"(in 128 bits), so the result is the series of the whole, byte for "
	"byte.\n"
	"Days are taken one at a time: memory is one day (2.8 MB) whatever "
	"the\n"
	"number of days.  A day with one or two of its three files, a line "
	"that is\n"
	"not an unsigned integer or a file without 86400 lines is an error "
	"naming\n"
	"the file and line; other files in the directories are ignored.  "
	"The\n"
	"output files appear all together or not at all.",
    .opts = series_merge_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = series_merge_exec,
};
