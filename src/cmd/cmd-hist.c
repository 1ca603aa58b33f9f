/*
 * cmd-hist.c - `hist`: histogram of flow length, size, duration or rate
 * as csv_hist (SPEC 6), with the reference's options plus --threads.
 *
 * Binary input goes through the multi-threaded path (fm_hist_add_binary:
 * each thread reads its own record range, and evaluates the filter with a
 * run of its own); other formats, and a filter combined with skip-out or
 * count-out (which need the filtered records in order), through one record
 * scan on this thread.
 */
#include <stdlib.h>
#include <string.h>

#include "flowmodels/filter.h"
#include "flowmodels/hist-window.h"
#include "flowmodels/hist.h"
#include "flowmodels/histogram.h"
#include "cmd-follow.h"
#include "cmd.h"
#include "live.h"
#include "objtypes.h"

enum {
	OPT_H_X = OPT_COMMON_END,
	OPT_H_BIN,
	OPT_H_COL,
	OPT_H_THREADS,
};

static const struct cmd_opt hist_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_hist, or none to only count (default: csv_hist)",
     "csv_hist|none"},
    CMD_OPT_OUTPUT("output file; '-' = stdout (default: -)"),
    {OPT_H_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x axis value: length (packets), size (octets), duration (ms) or rate "
     "(bit/s) (default: length)",
     "length|size|duration|rate"},
    {OPT_H_BIN, 'b', "bin-exp", CMD_OPT_INT, "B",
     "bin width exponent of 2: 0 = one bin per value; B > 0 = values below 2^B "
     "in unit bins, "
     "then 2^(B-1) bins per power of two (default: 0)",
     NULL},
    {OPT_H_COL, 'c', "additional-columns", CMD_OPT_LIST, "COLUMN",
     "additional column to sum: duration, rate or aggs; written in the order "
     "given",
     "duration|rate|aggs"},
    {OPT_H_THREADS, 0, "threads", CMD_OPT_INT, "N",
     "worker threads for binary input (default: all CPUs; a filter with "
     "skip-out/count-out uses one)",
     NULL},
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPTS_FOLLOW,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

/* ---- --follow DIR: an incremental histogram over the files ---- */

struct hist_follow {
	struct fm_hist_window *w;
	const struct cmd_args *a;
	uint32_t fields;
};

static int hf_add(void *arg, struct cmd_ctx *ctx, uint64_t id, const char *path,
		  uint64_t *records, struct fm_error *err)
{
	struct hist_follow *hf = arg;
	struct cmd_scan *cs = NULL;
	uint64_t before = fm_hist_window_records(hf->w);
	int r = cmd_follow_scan(ctx, hf->a, path, hf->fields, &cs, err);

	if (r == 0)
		r = fm_hist_window_add_scan(hf->w, id, cmd_scan_get(cs), NULL,
					    err);
	cmd_scan_close(cs);
	*records = fm_hist_window_records(hf->w) - before;
	return r;
}

static int hf_drop(void *arg, uint64_t id, struct fm_error *err)
{
	struct hist_follow *hf = arg;
	return fm_hist_window_drop(hf->w, id, err);
}

static int hf_write(void *arg, const char *out, struct fm_error *err)
{
	struct hist_follow *hf = arg;
	return fm_histogram_write(fm_hist_window_result(hf->w), out, err);
}

static void hf_describe(void *arg, struct fm_buf *out)
{
	struct hist_follow *hf = arg;
	fm_buf_printf(out, "%zu files, %llu records, %zu bins",
		      fm_hist_window_parts(hf->w),
		      (unsigned long long)fm_hist_window_records(hf->w),
		      fm_hist_window_result(hf->w)->n);
}

static int hist_follow(struct cmd_ctx *ctx, const struct cmd_args *a,
		       const struct fm_hist_opts *o, struct fm_error *err)
{
	struct hist_follow hf = {NULL, a, fm_hist_fields(o)};
	struct cmd_follow_ops ops = {hf_add, hf_drop, hf_write, hf_describe,
				     &hf};
	int r = fm_hist_window_new(&hf.w, o, err);

	if (r == 0)
		r = cmd_follow_run(ctx, a, &ops, err);
	fm_hist_window_free(hf.w);
	return r;
}

/* A histogram of a live object (workbench): it follows the object. */
static int hist_live(struct cmd_ctx *ctx, const struct cmd_args *a,
		     const struct fm_hist_opts *o)
{
	struct cmd_live *l = cmd_input_object(ctx, a, 0, &cmd_live_type);
	struct fm_histogram *hg = NULL;
	struct fm_error err = {0};
	int r = cmd_live_check_input(a, "histogram", &err);

	if (r == 0)
		r = cmd_live_hist(
		    l, o,
		    a->v[OPT_FILTER_EXPR].set ? a->v[OPT_FILTER_EXPR].s : NULL,
		    &ctx->log, &hg, &err);
	if (r == 0 && a->v[OPT_OUTPUT].set)
		r = fm_histogram_write(hg, a->v[OPT_OUTPUT].s, &err);
	if (r == 0) {
		size_t n = hg->n;
		if ((r = cmd_result_object(ctx, &cmd_histogram_type, hg,
					   &err)) > 0)
			r = 0;
		hg = NULL; /* the session's (freed on failure) */
		if (r == 0)
			cmd_summary(ctx, "hist: %zu bins, following %s", n,
				    cmd_input_label(ctx, a, 0));
	}
	if (hg) {
		cmd_histogram_type.free(hg);
	}
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

static int hist_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_hist_opts o;
	struct fm_hist *h = NULL;
	struct cmd_scan *cs = NULL;
	struct fm_filter *filter = NULL;
	struct fm_cut cut;
	int threaded;
	enum fm_format fmt = FM_FORMAT_NFCAPD, def_fmt = FM_FORMAT_NFCAPD;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	int write_out = 1;
	double t0 = cmd_now();
	int r = 0;

	memset(&o, 0, sizeof(o));
	o.x = FM_HIST_X_LENGTH;
	if (a->v[OPT_H_X].set && fm_hist_x_parse(a->v[OPT_H_X].s, &o.x) < 0)
		r = fm_error_set(&err, FM_EINVAL,
				 "option -x: unknown value '%s' (choose from "
				 "length, size, duration, rate)",
				 a->v[OPT_H_X].s);
	if (r == 0 && a->v[OPT_H_BIN].set) {
		if (a->v[OPT_H_BIN].i < 0 || a->v[OPT_H_BIN].i > 1000)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "option -b: bin exponent must be 0..1000, got %lld",
			    (long long)a->v[OPT_H_BIN].i);
		else
			o.bin_exp = (int)a->v[OPT_H_BIN].i;
	}
	for (size_t i = 0; r == 0 && i < a->v[OPT_H_COL].nlist; i++) {
		if (o.ncols >= FM_HIST_MAX_COLS)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "option -c: at most %d additional columns",
			    FM_HIST_MAX_COLS);
		else if (fm_hist_col_parse(a->v[OPT_H_COL].list[i],
					   &o.cols[o.ncols++]) < 0)
			r = fm_error_set(&err, FM_EINVAL,
					 "option -c: unknown column '%s' "
					 "(choose from duration, rate, aggs)",
					 a->v[OPT_H_COL].list[i]);
		for (size_t j = 0; r == 0 && j + 1 < o.ncols; j++)
			if (o.cols[j] == o.cols[o.ncols - 1])
				r = fm_error_set(
				    &err, FM_EINVAL,
				    "option -c: column '%s' given twice",
				    a->v[OPT_H_COL].list[i]);
	}
	if (r == 0 && a->v[OPT_H_THREADS].set) {
		if (a->v[OPT_H_THREADS].i < 1 || a->v[OPT_H_THREADS].i > 1024)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "option --threads: expected 1..1024, got %lld",
			    (long long)a->v[OPT_H_THREADS].i);
		else
			o.threads = (int)a->v[OPT_H_THREADS].i;
	}
	if (r == 0 && a->v[OPT_OUT_FORMAT].set) {
		if (!strcmp(a->v[OPT_OUT_FORMAT].s, "none"))
			write_out = 0;
		else if (strcmp(a->v[OPT_OUT_FORMAT].s, "csv_hist"))
			r = fm_error_set(&err, FM_EINVAL,
					 "cannot write format '%s' (output "
					 "formats: csv_hist, none)",
					 a->v[OPT_OUT_FORMAT].s);
	}
	o.log = &ctx->log;
	o.progress = &ctx->progress;
	if (r == 0)
		r = cmd_follow_check(ctx, a, &err);
	if (r == 0 && a->v[OPT_FOLLOW].set && !write_out)
		r = fm_error_set(&err, FM_EINVAL,
				 "--follow with -o none: nothing to write");
	if (r == 0 && a->v[OPT_FOLLOW].set) {
		r = hist_follow(ctx, a, &o, &err);
		return r < 0 ? cmd_fail(ctx, &err) : 0;
	}
	if (r == 0 && cmd_input_object(ctx, a, 0, &cmd_live_type))
		return hist_live(ctx, a, &o);
	/* the reference's hist_np reads binary directories by default */
	if (ctx->invoked && !strcmp(ctx->invoked, "hist_np"))
		def_fmt = FM_FORMAT_BINARY;
	if (r == 0)
		r = cmd_get_format(a, OPT_IN_FORMAT, def_fmt, &fmt, &err);
	cmd_get_cut(a, &cut);
	threaded = fmt == FM_FORMAT_BINARY &&
		   (!a->v[OPT_FILTER_EXPR].set ||
		    (cut.skip_out <= 0 && cut.count_out == FM_UNLIMITED));
	/* threads: a filter is compiled once here and run by each thread */
	if (r == 0 && threaded && a->v[OPT_FILTER_EXPR].set) {
		r = fm_filter_compile(&filter, a->v[OPT_FILTER_EXPR].s, NULL,
				      &err);
		if (r == 0 && fm_filter_warning(filter))
			fm_warn(&ctx->log, "%s", fm_filter_warning(filter));
		o.filter = filter;
	}
	if (r == 0)
		r = fm_hist_new(&h, &o, &err);
	if (r == 0) {
		if (threaded) {
			r = fm_hist_add_binary(h, a->pos, a->npos, &cut, NULL,
					       &err);
		} else {
			r = cmd_scan_open(ctx, a, def_fmt, fm_hist_fields(&o),
					  &cs, &err);
			if (r == 0)
				r = fm_hist_add_scan(h, cmd_scan_get(cs), &err);
		}
	}
	/* in a session the histogram becomes an object; files only with -O */
	if (r == 0 && write_out &&
	    (a->v[OPT_OUTPUT].set || !cmd_in_session(ctx)))
		r = fm_hist_write(h, out, &err);
	if (r == 0 && cmd_in_session(ctx)) {
		struct fm_histogram *hg = calloc(1, sizeof(*hg));
		if (!hg)
			r = fm_error_set(&err, FM_ENOMEM, "out of memory");
		else if ((r = fm_hist_result(h, hg, &err)) < 0) {
			fm_histogram_release(hg);
			free(hg);
		} else if ((r = cmd_result_object(ctx, &cmd_histogram_type, hg,
						  &err)) > 0)
			r = 0;
	}
	if (r == 0 && fm_hist_zero_packets(h))
		fm_warn(&ctx->log,
			"%llu records with 0 packets skipped by hist (not "
			"flows: exporter faults such as bidirectional IPFIX "
			"with reverse traffic only; --biflow split reads the "
			"reverse direction of nfcapd input)",
			(unsigned long long)fm_hist_zero_packets(h));
	if (r == 0)
		cmd_summary(ctx, "hist: %llu records, %zu bins in %.3f s",
			    (unsigned long long)fm_hist_records(h),
			    fm_hist_nbins(h), cmd_now() - t0);
	cmd_scan_close(cs);
	fm_hist_free(h);
	fm_filter_free(filter);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_hist_entry = {
    .name = "hist",
    .alias = "hist_np",
    .summary = "histogram of flow length, size, duration or rate (csv_hist)",
    .usage = "[-i FORMAT] [-x X] [-b B] [-c COLUMN]... [-O OUTPUT] [--threads "
	     "N] [CUTTING] (INPUT... | --follow DIR [--window DURATION])",
    .description = "Bins the records of every INPUT by x = packets (length), "
		   "octets (size),\n"
		   "duration in ms or rate in bit/s (binned by floor(rate)) "
		   "and writes one\n"
		   "csv_hist line per non-empty bin, ascending:\n"
		   "  "
		   "bin_lo,bin_hi,flows_sum,packets_sum,octets_sum[,duration_"
		   "sum][,rate_sum][,aggs_sum]\n"
		   "With -b 0 every value has its own bin [x, x+1).  With -b B "
		   "> 0 the bin of\n"
		   "x has width w = 2^max(0, bitlen(x) - B) and starts at "
		   "floor(x / w) * w, so\n"
		   "-b 12 keeps values below 4096 exact and splits every power "
		   "of two above\n"
		   "into 2048 bins.  Integer sums are exact (kept in 128 bits; "
		   "one that does\n"
		   "not fit the 64-bit csv_hist columns is an error, never "
		   "wrapped); rate_sum\n"
		   "is summed in record order in double precision and printed "
		   "truncated, as\n"
		   "the reference does.\n"
		   "Binary input is read by --threads threads (each its own "
		   "record range,\n"
		   "filtered by each thread); the output is the same bytes for "
		   "any thread\n"
		   "count.  With --filter-expr plus --skip-out/--count-out one "
		   "thread reads.\n"
		   "Under its alias hist_np (the reference's tool name) the "
		   "default input\n"
		   "format is binary, as the reference's hist_np reads binary "
		   "directories.\n"
		   "With --follow DIR: the closed nfcapd files below DIR "
		   "(nfcapd.YYYYMMDDhhmm[ss]),\n"
		   "in time order, then each one nfcapd closes; OUTPUT is "
		   "rewritten (atomically)\n"
		   "after each file, and --window keeps the files of the last "
		   "DURATION of data\n"
		   "time, subtracting those that leave.  A damaged file is "
		   "reported and\n"
		   "skipped.  SIGINT or SIGTERM stops it with status 0 and "
		   "OUTPUT complete.\n"
		   "See docs/live.md.",
    .opts = hist_opts,
    .min_pos = 0,
    .max_pos = -1,
    .exec = hist_exec,
};
