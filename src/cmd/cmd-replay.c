/*
 * cmd-replay.c - `replay`: run a session file inside the session.
 */
#include "session.h"

static const struct cmd_opt replay_opts[] = {
	CMD_OPTS_COMMON,
	CMD_OPT_END
};

static int replay_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = { 0 };

	if (sess_need(ctx))
		return 1;
	if (sess_replay(ctx->session, a->pos[0], ctx->out, ctx->err,
			&ctx->progress, &err) < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.alias = "source",
	.summary = "run the commands of a session file",
	.usage = "FILE",
	.description =
		"Runs every command of FILE in order, as if typed, with relative paths\n"
		"taken relative to FILE's directory.  Each command is recorded itself\n"
		"(the replay line is not), so saving afterwards gives one flat file.\n"
		"Stops at the first error, reported as FILE:LINE: message; the objects\n"
		"made before it stay.",
	.opts = replay_opts,
	.min_pos = 1,
	.max_pos = 1,
	.exec = replay_exec,
	.flags = CMD_F_SESSION | CMD_F_PATHPOS | CMD_F_NORECORD,
};
