/*
 * cmd-filter.c - `filter`: a filtered view of a dataset (or of a live
 * object: a live view, live.h).  The view keeps
 * the filter text and its dataset; every command reading the view reads
 * the dataset with the filter (SPEC 4) applied.  Making the view counts
 * its records, which also checks the filter.
 */
#include <string.h>

#include "flowmodels/buf.h"
#include "live.h"
#include "session.h"

static const struct cmd_opt filter_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

/* A view of live object o: a live object of its own (live.h). */
static int live_view(struct cmd_ctx *ctx, struct sess_obj *o, const char *expr,
		     struct fm_error *err)
{
	struct cmd_live *v = NULL;
	int r = cmd_live_view(&v, o->data, o->name, expr, &ctx->log, err);

	if (r == 0 && (r = cmd_result_object(ctx, &cmd_live_type, v, err)) > 0)
		r = 0;
	return r;
}

static int filter_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	struct fm_buf expr = FM_BUF_INIT;
	struct sess_obj *o;
	int r = 0;

	if (sess_need(ctx))
		return 1;
	o = sess_get(ctx->session, a->pos[0], &err);
	if (!o)
		return cmd_fail(ctx, &err);
	int live = o->kind == SESS_TYPED && o->type == &cmd_live_type;
	if (o->kind != SESS_DATASET && o->kind != SESS_VIEW && !live)
		r = fm_error_set(&err, FM_EINVAL, "%s is a %s, not a dataset",
				 o->name, sess_obj_kind(o));
	for (size_t i = 1; i < a->npos; i++)
		fm_buf_printf(&expr, "%s%s", i > 1 ? " " : "", a->pos[i]);
	if (r == 0 && live)
		r = live_view(ctx, o, fm_buf_str(&expr), &err);
	else if (r == 0)
		r = sess_result_view(ctx, o, fm_buf_str(&expr), &err);
	fm_buf_release(&expr);
	sess_put(ctx->session, o);
	if (r < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_filter_entry = {
    .name = "filter",
    .alias = NULL,
    .summary = "make a filtered view of a dataset",
    .usage = "DATASET EXPRESSION [as NAME]",
    .description =
	"Makes a view of DATASET (a dataset or another view) holding the\n"
	"records for which EXPRESSION (the filter language of "
	"docs/filters.md,\n"
	"e.g. \"(prot==6) & ((sp==443) | (dp==443))\") is true.  Nothing is\n"
	"copied: commands reading the view read the dataset through the\n"
	"filter.  A view of a view combines both filters with 'and'.  Quote "
	"the\n"
	"expression; words after DATASET are joined with spaces.  A view of a\n"
	"live object (load --follow) is live too: histograms and series made\n"
	"from it follow it, binning the selected records of each new file.",
    .opts = filter_opts,
    .min_pos = 2,
    .max_pos = -1,
    .exec = filter_exec,
    .flags = CMD_F_SESSION,
};
