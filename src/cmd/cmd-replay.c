/*
 * cmd-replay.c - `replay`: run a session file inside the session.
 */
#include "session.h"

enum { OPT_ALLOW_OUTSIDE = OPT_COMMON_END };

static const struct cmd_opt replay_opts[] = {
    {OPT_ALLOW_OUTSIDE, 0, "allow-outside", CMD_OPT_FLAG, NULL,
     "let the file's commands write outside its directory tree", NULL},
    CMD_OPTS_COMMON,
    CMD_OPT_END};

static int replay_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	const char *file;

	if (sess_need(ctx))
		return 1;
	if (sess_replay(ctx->session, a->pos[0],
			a->v[OPT_ALLOW_OUTSIDE].set ? SESS_ALLOW_OUTSIDE : 0,
			ctx->out, ctx->err, &ctx->progress, &err) < 0)
		return cmd_fail(ctx, &err);
	sess_lock(ctx->session);
	file = sess_file(ctx->session);
	if (!ctx->quiet && file)
		fprintf(ctx->out, "replayed %s; a bare 'save' writes %s\n",
			a->pos[0], file);
	else if (!ctx->quiet)
		fprintf(ctx->out,
			"replayed %s; 'save FILE' names the session file "
			"(the replayed file is not it)\n",
			a->pos[0]);
	sess_unlock(ctx->session);
	return 0;
}

const struct cmd_entry cmd_replay_entry = {
    .name = "replay",
    .alias = "source",
    .summary = "run the commands of a session file",
    .usage = "[--allow-outside] FILE",
    .description =
	"Runs every command of FILE in order, as if typed, with relative "
	"paths\n"
	"taken relative to FILE's directory.  Each command is recorded itself\n"
	"(the replay line is not), so saving afterwards gives one flat file.\n"
	"Stops at the first error, reported as FILE:LINE: message; the "
	"objects\n"
	"made before it stay.  A session file is data: its commands write "
	"only\n"
	"inside FILE's directory tree (an absolute output path, or one that\n"
	"leads out with .. or a symlink, is refused with FILE:LINE) unless\n"
	"--allow-outside is given, and it never runs a program (plot\n"
	"--gnuplot is refused in sessions).  FILE does not become the session\n"
	"file: a later bare 'save' writes where the last 'save FILE' did "
	"(said\n"
	"at the end).",
    .opts = replay_opts,
    .min_pos = 1,
    .max_pos = 1,
    .exec = replay_exec,
    .flags = CMD_F_SESSION | CMD_F_PATHPOS | CMD_F_NORECORD,
};
