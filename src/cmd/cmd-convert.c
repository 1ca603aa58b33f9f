/*
 * cmd-convert.c - `convert`: read records in any format, write csv_flow or
 * binary, honouring cutting (and the filter).
 */
#include <string.h>

#include "cmd.h"

enum { OPT_C_END = OPT_COMMON_END };

static const struct cmd_opt convert_opts[] = {
    CMD_OPT_IN_FORMAT("nfcapd"),
    CMD_OPT_BIFLOW,
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: csv_flow, binary, text or nfcapd (default: csv_flow)",
     "csv_flow|binary|text|nfcapd"},
    CMD_OPT_COMPRESS,
    CMD_OPT_OUTPUT(
	"output file, or directory for binary; '-' = stdout (default: -)"),
    CMD_OPTS_CUT,
    CMD_OPT_SKIP_DAMAGED,
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int convert_run(void *arg, struct fm_scan *scan, struct fm_writer *w,
		       struct fm_error *err)
{
	return fm_scan_copy(scan, w, arg, err);
}

static int convert_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	uint64_t written = 0, nread = 0;
	double t0 = cmd_now();

	/* convert only writes files: it never makes a session object */
	if (cmd_run_records(ctx, a, 0, convert_run, &written, &nread, &err) < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "convert: %llu records read, %llu written in %.3f s",
		    (unsigned long long)nread, (unsigned long long)written,
		    cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_convert_entry = {
    .name = "convert",
    .alias = NULL,
    .summary = "convert flow records between formats, with cutting",
    .usage = "[-i FORMAT] [-o FORMAT] [-O OUTPUT] [CUTTING] [--filter-expr "
	     "EXPR] INPUT...",
    .description =
	"Reads the records of every INPUT in order (a directory means every\n"
	"file below it, in sorted path order; '-' is standard input; for "
	"binary\n"
	"each INPUT is a directory) and writes them as csv_flow (to a file or\n"
	"stdout) or binary (a directory, created complete or not at all).\n"
	"The cutting counters are shared across all inputs: skip-in, "
	"count-in,\n"
	"then the filter, then skip-out, count-out.",
    .opts = convert_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = convert_exec,
};
