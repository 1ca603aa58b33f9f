/*
 * cmd-info.c - `info`: everything the session knows about objects.
 */
#include "flowmodels/buf.h"
#include "session.h"

static const struct cmd_opt info_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int info_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct session *s = ctx->session;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;

	if (sess_need(ctx))
		return 1;
	sess_lock(s);
	if (a->npos == 0) {
		fprintf(ctx->out,
			"session: %s%s, %zu objects, %zu recorded commands\n",
			sess_file(s) ? sess_file(s) : "(not saved)",
			sess_dirty(s) ? " (unsaved changes)" : "",
			sess_count(s), sess_record_count(s));
		for (size_t i = 0; i < sess_count(s); i++)
			sess_obj_info(sess_at(s, i), &b);
	}
	for (size_t i = 0; i < a->npos; i++) {
		struct sess_obj *o = sess_find(s, a->pos[i]);
		if (!o) {
			sess_unlock(s);
			fm_buf_release(&b);
			o = sess_get(s, a->pos[i], &err); /* the message */
			sess_put(s, o);
			return cmd_fail(ctx, &err);
		}
		sess_obj_info(o, &b);
	}
	sess_unlock(s);
	fputs(fm_buf_str(&b), ctx->out);
	fm_buf_release(&b);
	return 0;
}

const struct cmd_entry cmd_info_entry = {
    .name = "info",
    .alias = NULL,
    .summary = "describe objects: provenance, facts, data, formats",
    .usage = "[NAME...]",
    .description =
	"For each NAME (all objects when none is given): its kind, the "
	"command\n"
	"that made it, its key facts, where its data lives, the filter of a\n"
	"view, and the formats export can write.",
    .opts = info_opts,
    .min_pos = 0,
    .max_pos = -1,
    .exec = info_exec,
    .flags = CMD_F_SESSION | CMD_F_NORECORD,
};
