/*
 * cmd-summary.c - `summary`: the two TeX tables of a csv_hist file
 * (SPEC 6), to stdout or -O FILE.
 */
#include <string.h>

#include "flowmodels/fileout.h"
#include "flowmodels/histogram.h"
#include "flowmodels/summary.h"
#include "cmd.h"

enum {
	OPT_S_X = OPT_COMMON_END,
	OPT_S_NAME,
	OPT_S_EXPORTER,
	OPT_S_L2,
	OPT_S_SAMPLING,
	OPT_S_ACTIVE,
	OPT_S_INACTIVE,
	OPT_S_RAW,
};

static const struct cmd_opt summary_opts[] = {
    {OPT_S_X, 'x', "x-value", CMD_OPT_STR, "X",
     "x axis value: length, size, duration or rate (default: the session "
     "object's x, or detected from the sums: the mean of the x column lies "
     "inside every bin)",
     "length|size|duration|rate"},
    {OPT_S_NAME, 0, "name", CMD_OPT_STR, "TEXT",
     "dataset name row (default: XXX)", NULL},
    {OPT_S_EXPORTER, 0, "exporter", CMD_OPT_STR, "TEXT",
     "exporter row (default: XXX)", NULL},
    {OPT_S_L2, 0, "l2", CMD_OPT_STR, "TEXT", "L2 technology row (default: XXX)",
     NULL},
    {OPT_S_SAMPLING, 0, "sampling", CMD_OPT_STR, "TEXT",
     "sampling rate row (default: none)", NULL},
    {OPT_S_ACTIVE, 0, "active-timeout", CMD_OPT_STR, "SECONDS",
     "active timeout row, in seconds (default: XXX)", NULL},
    {OPT_S_INACTIVE, 0, "inactive-timeout", CMD_OPT_STR, "SECONDS",
     "inactive timeout row, in seconds (default: XXX)", NULL},
    {OPT_S_RAW, 0, "raw-tex", CMD_OPT_FLAG, NULL,
     "insert the row texts as TeX, without escaping _ & % $ # { } ~ ^ \\",
     NULL},
    CMD_OPT_OUTPUT("output file (default: - = stdout)"),
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static const char *sval(const struct cmd_args *a, int id)
{
	return a->v[id].set ? a->v[id].s : NULL;
}

static int summary_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_histogram h;
	struct fm_summary_opts o;
	struct fm_buf b = FM_BUF_INIT;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	int r = 0;

	memset(&o, 0, sizeof(o));
	fm_histogram_init(&h);
	if (a->v[OPT_S_X].set) {
		o.x = fm_xkind_from_name(a->v[OPT_S_X].s);
		if (o.x == FM_X_AUTO)
			r = fm_error_set(
			    &err, FM_EINVAL,
			    "-x: expected length, size, duration or rate, "
			    "not '%s'",
			    a->v[OPT_S_X].s);
	} else {
		o.x = fm_xkind_from_name(cmd_input_xkind(ctx, a, 0));
	}
	o.name = sval(a, OPT_S_NAME);
	o.exporter = sval(a, OPT_S_EXPORTER);
	o.l2 = sval(a, OPT_S_L2);
	o.sampling = sval(a, OPT_S_SAMPLING);
	o.active_timeout = sval(a, OPT_S_ACTIVE);
	o.inactive_timeout = sval(a, OPT_S_INACTIVE);
	o.raw_tex = a->v[OPT_S_RAW].set > 0;
	if (r == 0)
		r = fm_histogram_read(&h, a->pos[0], FM_HCOL_BASIC, &ctx->log,
				      &err);
	if (r == 0) {
		r = fm_summary_format(&h, &o, &b, &err);
		if (r < 0)
			fm_error_prefix(&err, "%s", a->pos[0]);
	}
	if (r == 0) {
		if (strcmp(out, "-") == 0) {
			if (fwrite(fm_buf_str(&b), 1, b.len, ctx->out) !=
				b.len ||
			    fflush(ctx->out) != 0)
				r = fm_error_set(&err, FM_EIO,
						 "<stdout>: write error");
		} else {
			r = fm_file_write_atomic(out, fm_buf_str(&b), b.len,
						 &err);
			if (r == 0)
				cmd_summary(ctx, "summary: %s written to %s",
					    cmd_input_label(ctx, a, 0), out);
		}
	}
	fm_buf_release(&b);
	fm_histogram_release(&h);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_summary_entry = {
    .name = "summary",
    .alias = NULL,
    .summary = "print TeX tables summarising a histogram",
    .usage = "[-x length|size|duration|rate] [DATASET OPTIONS] [-O FILE] "
	     "HISTOGRAM",
    .description =
	"Reads a csv_hist file (with flows_sum, packets_sum and octets_sum)\n"
	"and prints two LaTeX tabular environments, each followed by two "
	"blank\n"
	"lines: the dataset facts with totals and averages, and the "
	"percentage\n"
	"of flows, packets and octets in flows of x up to each point: "
	"length\n"
	"2^0..2^24 packets, size 64 * 2^0..2^24 bytes, duration 0 and 1, 2, "
	"5\n"
	"times 10^0..10^6 and 10^7 ms, rate 0 and 10^0..10^10 bit/s; exact\n"
	"where the bins tell, interpolated linearly inside a wide bin.",
    .opts = summary_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = summary_exec,
};
