/*
 * cmd-series.c - `series`: per-day, per-second time series of flows,
 * packets and octets (SPEC 5) into a directory of csv_series files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowmodels/series.h"
#include "objtypes.h"
#include "cmd-follow.h"
#include "cmd.h"
#include "live.h"

static const struct cmd_opt series_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_series only (default: csv_series)", "csv_series"},
    CMD_OPT_OUTPUT("output directory, created when missing (default: .)"),
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPT_MEMORY,
    CMD_OPTS_FOLLOW,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* Days held in memory by a one-shot series (fm_series_new_bounded): a
 * quarter of the budget, within these. */
#define SERIES_HELD_MIN 2
#define SERIES_HELD_MAX 4

/* ---- --follow DIR: the series of the files in the window ---- */

struct series_part {
	uint64_t id;
	struct fm_series *s;
};

struct series_follow {
	const struct cmd_args *a;
	struct fm_series *total;   /* built by merges of the parts */
	struct series_part *parts; /* with --window: those in it */
	size_t nparts, cap;
	int64_t *written; /* days whose files are in the output */
	size_t nwritten;
	uint64_t files;
};

static int sf_read(struct cmd_ctx *ctx, const struct cmd_args *a,
		   const char *path, struct fm_series *s, struct fm_error *err)
{
	struct cmd_scan *cs = NULL;
	struct fm_batch b;
	long n = 0;
	int r = cmd_follow_scan(ctx, a, path, FM_SERIES_FIELDS, &cs, err);

	while (r == 0 && (n = fm_scan_next(cmd_scan_get(cs), &b, err)) > 0)
		r = fm_series_add(s, &b, err);
	cmd_scan_close(cs);
	return r < 0 ? r : (int)n;
}

static int sf_add(void *arg, struct cmd_ctx *ctx, uint64_t id, const char *path,
		  uint64_t *records, struct fm_error *err)
{
	struct series_follow *sf = arg;
	struct fm_series *part = NULL;
	int r = fm_series_new(&part, err);

	if (r == 0)
		r = sf_read(ctx, sf->a, path, part, err);
	if (r == 0 && sf->nparts == sf->cap) {
		size_t nc = sf->cap ? 2 * sf->cap : 16;
		struct series_part *np = realloc(sf->parts, nc * sizeof(*np));
		if (!np)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
		else {
			sf->parts = np;
			sf->cap = nc;
		}
	}
	if (r == 0)
		r = fm_series_merge(sf->total, part, 1, err);
	if (r == 0) {
		*records = fm_series_records(part);
		sf->files++;
	}
	/* without a window nothing leaves: the part is not kept */
	if (r == 0 && sf->a->v[OPT_WINDOW].set) {
		sf->parts[sf->nparts].id = id;
		sf->parts[sf->nparts++].s = part;
		part = NULL;
	}
	fm_series_free(part);
	return r;
}

static int sf_drop(void *arg, uint64_t id, struct fm_error *err)
{
	struct series_follow *sf = arg;
	size_t q;
	int r;

	for (q = 0; q < sf->nparts && sf->parts[q].id != id; q++)
		;
	if (q == sf->nparts)
		return 0;
	r = fm_series_merge(sf->total, sf->parts[q].s, -1, err);
	fm_series_free(sf->parts[q].s);
	memmove(sf->parts + q, sf->parts + q + 1,
		(sf->nparts - q - 1) * sizeof(*sf->parts));
	sf->nparts--;
	return r;
}

/* Write the series; remove the files of days that left the window. */
static int sf_write(void *arg, const char *out, struct fm_error *err)
{
	static const char *const ext[3] = {"flows", "packets", "octets"};
	struct series_follow *sf = arg;
	size_t nd = fm_series_ndays(sf->total);
	int64_t *now = malloc((nd + 1) * sizeof(*now));
	int r;

	if (!now)
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	r = fm_series_write(sf->total, out, err);
	for (size_t i = 0; i < nd; i++)
		now[i] = fm_series_day(sf->total, i);
	for (size_t i = 0; r == 0 && i < sf->nwritten; i++) {
		size_t k;
		for (k = 0; k < nd && now[k] != sf->written[i]; k++)
			;
		for (int e = 0; k == nd && e < 3; e++) {
			char p[4200];
			snprintf(p, sizeof(p), "%s/%lld.%s", out,
				 (long long)sf->written[i], ext[e]);
			unlink(p);
		}
	}
	if (r == 0) {
		free(sf->written);
		sf->written = now;
		sf->nwritten = nd;
	} else
		free(now);
	return r;
}

static void sf_describe(void *arg, struct fm_buf *out)
{
	struct series_follow *sf = arg;
	fm_buf_printf(out, "%llu records, %zu days",
		      (unsigned long long)fm_series_records(sf->total),
		      fm_series_ndays(sf->total));
}

static int series_follow(struct cmd_ctx *ctx, const struct cmd_args *a,
			 struct fm_error *err)
{
	struct series_follow sf = {a, NULL, NULL, 0, 0, NULL, 0, 0};
	struct cmd_follow_ops ops = {sf_add, sf_drop, sf_write, sf_describe,
				     &sf};
	int r = fm_series_new(&sf.total, err);

	if (r == 0)
		r = cmd_follow_run(ctx, a, &ops, err);
	for (size_t i = 0; i < sf.nparts; i++)
		fm_series_free(sf.parts[i].s);
	free(sf.parts);
	free(sf.written);
	fm_series_free(sf.total);
	return r;
}

/* A series of a live object (workbench): it follows the object. */
static int series_live(struct cmd_ctx *ctx, const struct cmd_args *a,
		       struct cmd_live *l)
{
	struct fm_series *s = NULL;
	struct fm_error err = {0};
	int r = cmd_live_check_input(a, "series", &err);

	if (r == 0)
		r = cmd_live_series(
		    l,
		    a->v[OPT_FILTER_EXPR].set ? a->v[OPT_FILTER_EXPR].s : NULL,
		    &ctx->log, &s, &err);
	if (r == 0 && a->v[OPT_OUTPUT].set)
		r = fm_series_write(s, a->v[OPT_OUTPUT].s, &err);
	if (r == 0) {
		uint64_t n = fm_series_records(s);
		r = cmd_result_object(ctx, &cmd_series_type, s, &err);
		s = NULL; /* the session's (freed on failure) */
		if (r > 0)
			r = 0;
		if (r == 0)
			cmd_summary(ctx, "series: %llu records, following %s",
				    (unsigned long long)n,
				    cmd_input_label(ctx, a, 0));
	}
	if (s)
		cmd_series_type.free(s);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

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
		r = cmd_follow_check(ctx, a, &err);
	if (r == 0 && a->v[OPT_FOLLOW].set) {
		r = series_follow(ctx, a, &err);
		return r < 0 ? cmd_fail(ctx, &err) : 0;
	}
	struct cmd_live *l = cmd_input_object(ctx, a, 0, &cmd_live_type);
	if (r == 0 && l)
		return series_live(ctx, a, l);
	/* in a session the series is an object, all of it in memory;
	 * otherwise only the days of a quarter of the budget */
	uint64_t budget = 0;
	if (r == 0 && (r = cmd_get_memory(a, &budget, &err)) == 0) {
		uint64_t held = budget / 4 / FM_SERIES_DAY_BYTES;
		held = held < SERIES_HELD_MIN	? SERIES_HELD_MIN
		       : held > SERIES_HELD_MAX ? SERIES_HELD_MAX
						: held;
		r = cmd_in_session(ctx)
			? fm_series_new(&s, &err)
			: fm_series_new_bounded(&s, (size_t)held, &err);
	}
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
    .usage = "[-i FORMAT] [-O DIR] [CUTTING] (INPUT... | --follow DIR "
	     "[--window DURATION])",
    .description =
	"For every day (UTC, day = first // 86400) that gets a flow or a "
	"packet,\n"
	"writes DIR/DAY.flows, DIR/DAY.packets and DIR/DAY.octets: 86400 "
	"lines\n"
	"each, line k = second k of the day.  A flow counts in the second it\n"
	"starts; its packets are spread evenly over its duration, with packet\n"
	"sizes that add up exactly to its octets, crossing midnight into the\n"
	"next day's files.  All files appear together when everything is "
	"written.\n"
	"Memory: a quarter of --memory in days held (2.8 MB each; 2 to 4);\n"
	"the least recently used day moves out to a file in $TMPDIR when "
	"another\n"
	"is needed, so input of any number of days, in any order, fits (in time\n"
	"order each day moves out once).  In a session the series is an object\n"
	"and stays in memory whole.\n"
	"With --follow DIR: the closed nfcapd files below DIR, then each one\n"
	"nfcapd closes; the files of DIR (-O) are rewritten after each, and\n"
	"--window keeps the files of the last DURATION of data time (the files\n"
	"of a day that left it are removed).  SIGINT or SIGTERM stops it with\n"
	"status 0.  See docs/live.md.",
    .opts = series_opts,
    .min_pos = 0,
    .max_pos = -1,
    .exec = series_exec,
};
