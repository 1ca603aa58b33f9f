/*
 * cmd-save.c - `save`: write the session file (docs/session-files.md).
 */
#include "session.h"

static const struct cmd_opt save_opts[] = {
	CMD_OPTS_COMMON,
	CMD_OPT_END
};

static int save_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = { 0 };
	const char *path = a->npos ? a->pos[0] : NULL;

	if (sess_need(ctx))
		return 1;
	if (!path)
		path = sess_file(ctx->session);
	if (!path) {
		fm_error_set(&err, FM_EINVAL, "no session file yet: save FILE");
		return cmd_fail(ctx, &err);
	}
	if (sess_save(ctx->session, path, &err) < 0)
		return cmd_fail(ctx, &err);
	if (!ctx->quiet)
		fprintf(ctx->out, "saved %zu commands to %s\n",
			sess_record_count(ctx->session), path);
	return 0;
}

const struct cmd_entry cmd_save_entry = {
	.name = "save",
	.alias = NULL,
	.summary = "save the session as a replayable session file",
	.usage = "[FILE]",
	.description =
		"Writes every recorded command (the commands that changed the session,\n"
		"in canonical form) to FILE, one per line, after a header comment with\n"
		"the program version and date.  Paths are written relative to FILE\n"
		"where possible; seeds are recorded; keys never are.  Without FILE,\n"
		"saves to the file last saved or replayed.  The file appears complete\n"
		"or not at all.",
	.opts = save_opts,
	.min_pos = 0,
	.max_pos = 1,
	.exec = save_exec,
	.flags = CMD_F_SESSION | CMD_F_PATHPOS | CMD_F_NORECORD,
};
