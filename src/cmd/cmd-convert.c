/*
 * cmd-convert.c - `convert`: read records in any format, write csv_flow or
 * binary, honouring cutting (and the filter).
 */
#include <string.h>

#include "cmd.h"

enum { OPT_C_END = OPT_COMMON_END };

static const struct cmd_opt convert_opts[] = {
	CMD_OPT_IN_FORMAT("nfcapd"),
	{ OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
	  "output format: csv_flow or binary (default: csv_flow)", "csv_flow|binary" },
	CMD_OPT_OUTPUT("output file, or directory for binary; '-' = stdout (default: -)"),
	CMD_OPTS_CUT,
	CMD_OPTS_COMMON,
	CMD_OPT_END
};

static int convert_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = { 0 };
	enum fm_format ofmt;
	struct cmd_scan *cs = NULL;
	struct fm_writer *w = NULL;
	struct fm_writer_opts wo;
	const char *out = a->v[OPT_OUTPUT].set ? a->v[OPT_OUTPUT].s : "-";
	uint64_t written = 0, nread = 0;
	double t0 = cmd_now();
	int r;

	r = cmd_get_format(a, OPT_OUT_FORMAT, FM_FORMAT_CSV_FLOW, &ofmt, &err);
	if (r == 0 && ofmt != FM_FORMAT_CSV_FLOW && ofmt != FM_FORMAT_BINARY)
		r = fm_error_set(&err, FM_EINVAL,
				 "cannot write format '%s' (output formats: csv_flow, binary)",
				 a->v[OPT_OUT_FORMAT].s);
	if (r == 0)
		r = cmd_scan_open(ctx, a, FM_FORMAT_NFCAPD, FM_ALL_FIELDS, &cs, &err);
	if (r == 0) {
		memset(&wo, 0, sizeof(wo));
		wo.format = ofmt;
		wo.log = &ctx->log;
		r = fm_writer_open(&w, &wo, out, &err);
	}
	if (r == 0)
		r = fm_scan_copy(cmd_scan_get(cs), w, &written, &err);
	if (r == 0)
		r = fm_writer_commit(w, &err);
	if (cs)
		fm_scan_counts(cmd_scan_get(cs), &nread, NULL);
	fm_writer_free(w);
	cmd_scan_close(cs);
	if (r < 0)
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
	.usage = "[-i FORMAT] [-o FORMAT] [-O OUTPUT] [CUTTING] [--filter-expr EXPR] INPUT...",
	.description =
		"Reads the records of every INPUT in order (a directory means every\n"
		"file below it, in sorted path order; '-' is standard input; for binary\n"
		"each INPUT is a directory) and writes them as csv_flow (to a file or\n"
		"stdout) or binary (a directory, created complete or not at all).\n"
		"The cutting counters are shared across all inputs: skip-in, count-in,\n"
		"then the filter, then skip-out, count-out.",
	.opts = convert_opts,
	.min_pos = 1,
	.max_pos = -1,
	.exec = convert_exec,
};
