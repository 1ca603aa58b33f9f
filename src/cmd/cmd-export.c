/*
 * cmd-export.c - `export`: write an object to a file or directory in one
 * of its formats (datasets and views: binary or csv_flow; histograms,
 * mixtures: what their tool offers).
 */
#include "session.h"

static const struct cmd_opt export_opts[] = {
    {OPT_OUT_FORMAT, 'o', "out-format", CMD_OPT_STR, "FORMAT",
     "format to write (default: the object's first format; see info NAME)",
     NULL},
    CMD_OPT_OUTPUT("file or directory to write (required)"),
    CMD_OPTS_COMMON,
    CMD_OPT_END};

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
    .summary = "write an object to a file or directory in one of its formats",
    .usage = "NAME [-o FORMAT] -O PATH",
    .description =
	"Datasets and views are written as binary (a directory) or csv_flow "
	"(a\n"
	"file); a view writes only the records its filter keeps.  Histograms\n"
	"and mixture sets are written in their tools' formats (info NAME "
	"lists\n"
	"them).  The output appears complete or not at all.",
    .opts = export_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = export_exec,
    .flags = CMD_F_SESSION,
};
