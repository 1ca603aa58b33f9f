/*
 * cmd-save.c - `save`: write the session file (docs/session-files.md).
 */
#include <stdlib.h>
#include <string.h>

#include "session.h"

static const struct cmd_opt save_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int save_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	const char *given = a->npos ? a->pos[0] : NULL;
	char *path;
	int r;

	if (sess_need(ctx))
		return 1;
	if (!given)
		given = sess_file(ctx->session);
	if (!given) {
		fm_error_set(&err, FM_EINVAL, "no session file yet: save FILE");
		return cmd_fail(ctx, &err);
	}
	/* sess_save replaces the session file's name, which given may be */
	path = strdup(given);
	if (!path) {
		fm_error_set(&err, FM_ENOMEM, "out of memory");
		return cmd_fail(ctx, &err);
	}
	r = sess_save(ctx->session, path, &ctx->log, &err);
	if (r == 0 && !ctx->quiet)
		fprintf(ctx->out, "saved %zu commands to %s\n",
			sess_record_count(ctx->session), path);
	free(path);
	return r < 0 ? cmd_fail(ctx, &err) : 0;
}

const struct cmd_entry cmd_save_entry = {
    .name = "save",
    .alias = NULL,
    .summary = "save the session as a replayable session file",
    .usage = "[FILE]",
    .description =
	"Writes every recorded command (the commands that changed the "
	"session,\n"
	"in canonical form) to FILE, one per line, after a header comment "
	"with\n"
	"the program version and date.  Paths are written relative to FILE\n"
	"where possible; seeds are recorded; keys never are.  Without FILE,\n"
	"saves to the file last saved (never a replayed one).  The file\n"
	"appears complete or not at all.  A command whose output lies outside\n"
	"FILE's directory tree gets a warning: replaying the file will need\n"
	"--allow-outside.",
    .opts = save_opts,
    .min_pos = 0,
    .max_pos = 1,
    .exec = save_exec,
    .flags = CMD_F_SESSION | CMD_F_PATHPOS | CMD_F_WRITEPOS | CMD_F_NORECORD,
};
