/*
 * cmd-rename.c - `rename`: give an object another name.
 */
#include "session.h"

static const struct cmd_opt rename_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int rename_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};

	if (sess_need(ctx))
		return 1;
	if (sess_rename(ctx->session, a->pos[0], a->pos[1], &err) < 0)
		return cmd_fail(ctx, &err);
	cmd_summary(ctx, "rename: %s is now %s", a->pos[0], a->pos[1]);
	return 0;
}

const struct cmd_entry cmd_rename_entry = {
    .name = "rename",
    .alias = "mv",
    .summary = "rename an object",
    .usage = "NAME NEWNAME",
    .description =
	"NEWNAME must be free and a valid name: a letter or _, then letters,\n"
	"digits, _ . or -, at most 63 characters.",
    .opts = rename_opts,
    .min_pos = 2,
    .max_pos = 2,
    .exec = rename_exec,
    .flags = CMD_F_SESSION,
};
