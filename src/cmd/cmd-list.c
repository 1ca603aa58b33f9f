/*
 * cmd-list.c - `list`: the session's objects, one line each.
 */
#include "flowmodels/buf.h"
#include "session.h"

static const struct cmd_opt list_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct session *s = ctx->session;
	(void)a;

	if (sess_need(ctx))
		return 1;
	sess_lock(s);
	if (sess_count(s) == 0)
		fprintf(ctx->out, "no objects (load some data: help load)\n");
	for (size_t i = 0; i < sess_count(s); i++) {
		struct sess_obj *o = sess_at(s, i);
		struct fm_buf f = FM_BUF_INIT;
		sess_obj_facts(o, &f);
		fprintf(ctx->out, "%-8s %-10s %s\n", o->name, sess_obj_kind(o),
			fm_buf_str(&f));
		fm_buf_release(&f);
	}
	sess_unlock(s);
	return 0;
}

const struct cmd_entry cmd_list_entry = {
    .name = "list",
    .alias = "ls",
    .summary = "list the session's objects with their key facts",
    .usage = "",
    .description =
	"One line per object, in the order they were made: name, kind\n"
	"(dataset, view, generated, histogram, mixture...) and key facts.",
    .opts = list_opts,
    .min_pos = 0,
    .max_pos = 0,
    .exec = list_exec,
    .flags = CMD_F_SESSION | CMD_F_NORECORD,
};
