/*
 * cmd-quit.c - `quit`: end the session.  The frontend decides what that
 * means: the workbench asks first when there are unsaved changes, a
 * replay stops reading its file.
 */
#include "session.h"

static const struct cmd_opt quit_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int quit_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	(void)a;
	if (sess_need(ctx))
		return 1;
	sess_request_quit(ctx->session);
	return 0;
}

const struct cmd_entry cmd_quit_entry = {
    .name = "quit",
    .alias = "exit",
    .summary = "end the session",
    .usage = "",
    .description =
	"In the workbench, asks before discarding unsaved changes; in a\n"
	"session file, the commands after it are not run.",
    .opts = quit_opts,
    .min_pos = 0,
    .max_pos = 0,
    .exec = quit_exec,
    .flags = CMD_F_SESSION | CMD_F_NORECORD,
};
