/*
 * cmd-history.c - `history`: the recorded commands, in canonical form.
 */
#include "session.h"

static const struct cmd_opt history_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int history_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct session *s = ctx->session;
	(void)a;

	if (sess_need(ctx))
		return 1;
	sess_lock(s);
	for (size_t i = 0; i < sess_record_count(s); i++)
		fprintf(ctx->out, "%4zu  %s\n", i + 1, sess_record_line(s, i));
	sess_unlock(s);
	return 0;
}

const struct cmd_entry cmd_history_entry = {
    .name = "history",
    .alias = NULL,
    .summary = "show the recorded commands in canonical form",
    .usage = "",
    .description =
	"Lists the commands that changed the session, numbered, as save would\n"
	"write them (but with absolute paths): options in a fixed order, "
	"values\n"
	"quoted where needed, `as NAME` always explicit.",
    .opts = history_opts,
    .min_pos = 0,
    .max_pos = 0,
    .exec = history_exec,
    .flags = CMD_F_SESSION | CMD_F_NORECORD,
};
