/*
 * cmd-drop.c - `drop`: remove objects from the session.  Scratch data goes
 * once no running command reads the object any more.
 */
#include "session.h"

static const struct cmd_opt drop_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int drop_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};

	if (sess_need(ctx))
		return 1;
	/* all names must exist: check first, so a typo drops nothing */
	for (size_t i = 0; i < a->npos; i++) {
		struct sess_obj *o = sess_get(ctx->session, a->pos[i], &err);
		if (!o)
			return cmd_fail(ctx, &err);
		sess_put(ctx->session, o);
	}
	for (size_t i = 0; i < a->npos; i++) {
		if (sess_drop(ctx->session, a->pos[i], &err) < 0)
			return cmd_fail(ctx, &err);
		cmd_summary(ctx, "drop: %s dropped", a->pos[i]);
	}
	return 0;
}

const struct cmd_entry cmd_drop_entry = {
    .name = "drop",
    .alias = "rm",
    .summary = "remove objects from the session",
    .usage = "NAME...",
    .description =
	"Removes the named objects.  Views made from a dropped dataset keep\n"
	"working (they hold on to its data).  Files written by export stay.",
    .opts = drop_opts,
    .min_pos = 1,
    .max_pos = -1,
    .exec = drop_exec,
    .flags = CMD_F_SESSION,
};
