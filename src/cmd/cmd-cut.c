/*
 * cmd-cut.c - `cut`: binary -> binary by byte ranges (SPEC 5), no filter.
 */
#include "flowmodels/cut.h"
#include "cmd.h"

static const struct cmd_opt cut_opts[] = {
    CMD_OPT_IN_FORMAT("binary"),
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "output format: binary only (default: binary)", "binary"},
    CMD_OPT_OUTPUT(
	"output directory (or file, when the inputs are array files)"),
    CMD_OPTS_COUNTERS, /* no filter: cut copies byte ranges */
    CMD_OPT_NO_SYNC,
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int cut_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_cut cut;
	uint64_t n = 0;
	double t0 = cmd_now();
	enum fm_format f;
	int r;

	r = cmd_get_format(a, OPT_IN_FORMAT, FM_FORMAT_BINARY, &f, &err);
	if (r == 0 && f != FM_FORMAT_BINARY)
		r = fm_error_set(&err, FM_EINVAL,
				 "cut reads binary input only, not '%s'",
				 fm_format_name(f));
	if (r == 0)
		r = cmd_get_format(a, OPT_OUT_FORMAT, FM_FORMAT_BINARY, &f,
				   &err);
	if (r == 0 && f != FM_FORMAT_BINARY)
		r = fm_error_set(&err, FM_EINVAL,
				 "cut writes binary output only, not '%s'",
				 fm_format_name(f));
	if (r == 0 && !a->v[OPT_OUTPUT].set)
		r = fm_error_set(&err, FM_EINVAL,
				 "cut needs an output: -O DIR");
	if (r == 0) {
		cmd_get_cut(a, &cut);
		r = fm_cut_binary(a->pos, a->npos, a->v[OPT_OUTPUT].s, &cut, &n,
				  &ctx->progress, &err);
	}
	if (r < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "cut: %llu records written in %.3f s",
		    (unsigned long long)n, cmd_now() - t0);
	return 0;
}

const struct cmd_entry cmd_cut_entry = {
    .name = "cut",
    .alias = NULL,
    .summary = "cut a record range out of binary arrays by byte ranges",
    .usage = "[CUTTING] -O OUTPUT INPUT...",
    .description =
	"Copies the selected records of binary directories (or of single "
	"array\n"
	"files such as packets.Q) as raw byte ranges, without decoding "
	"records.\n"
	"Output files keep their names.  Several inputs are concatenated in\n"
	"order, the counters shared.  There is no filter here: use convert\n"
	"--filter-expr for that.",
    .opts = cut_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = cut_exec,
};
