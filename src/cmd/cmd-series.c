/*
 * cmd-series.c - `series`: per-day, per-second time series of flows,
 * packets and octets (SPEC 5) into a directory of csv_series files.
 */
#include <string.h>

#include "flowmodels/series.h"
#include "objtypes.h"
#include "cmd.h"

static const struct cmd_opt series_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_series only (default: csv_series)", "csv_series"},
    CMD_OPT_OUTPUT("output directory, created when missing (default: .)"),
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int series_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_series *s = NULL;
	struct cmd_scan *cs = NULL;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : ".";
	double t0 = cmd_now();
	int r = 0;

	if (a->v[OPT_OUT_FORMAT].set &&
	    strcmp(a->v[OPT_OUT_FORMAT].s, "csv_series"))
		r = fm_error_set(
		    &err, FM_EINVAL,
		    "cannot write format '%s' (output format: csv_series)",
		    a->v[OPT_OUT_FORMAT].s);
	if (r == 0)
		r = fm_series_new(&s, &err);
	if (r == 0)
		r = cmd_scan_open(ctx, a, FM_FORMAT_NFCAPD, FM_SERIES_FIELDS,
				  &cs, &err);
	if (r == 0) {
		struct fm_batch b;
		long n;
		while ((n = fm_scan_next(cmd_scan_get(cs), &b, &err)) > 0)
			if ((r = fm_series_add(s, &b, &err)) < 0)
				break;
		if (n < 0)
			r = (int)n;
	}
	/* in a session the series becomes an object; files only with -O */
	int write = a->v[OPT_OUTPUT].set || !cmd_in_session(ctx);
	if (r == 0 && write)
		r = fm_series_write(s, out, &err);
	if (r == 0)
		cmd_summary(ctx,
			    "series: %llu records, %zu days %s%s in %.3f s",
			    (unsigned long long)fm_series_records(s),
			    fm_series_ndays(s),
			    write ? "written to " : "kept in the session",
			    write ? out : "", cmd_now() - t0);
	if (r == 0 && cmd_in_session(ctx)) {
		r = cmd_result_object(ctx, &cmd_series_type, s, &err);
		s = NULL; /* the session owns it now (also on failure) */
		if (r > 0)
			r = 0;
	}
	cmd_scan_close(cs);
	fm_series_free(s);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_series_entry = {
    .name = "series",
    .alias = NULL,
    .summary = "per-second time series of flows, packets and octets, one file "
	       "set per day",
    .usage = "[-i FORMAT] [-O DIR] [CUTTING] INPUT...",
    .description =
	"For every day (UTC, day = first // 86400) that gets a flow or a "
	"packet,\n"
	"writes DIR/DAY.flows, DIR/DAY.packets and DIR/DAY.octets: 86400 "
	"lines\n"
	"each, line k = second k of the day.  A flow counts in the second it\n"
	"starts; its packets are spread evenly over its duration, with packet\n"
	"sizes that add up exactly to its octets, crossing midnight into the\n"
	"next day's files.  All files appear together when everything is "
	"written.",
    .opts = series_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = series_exec,
};
