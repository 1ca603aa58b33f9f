/*
 * cmd-view.c - `view`: the chart view the workbench shows (and `export
 * chart` writes), recorded so that a replay comes back to it.
 */
#include <stdio.h>

#include "session.h"

static const struct cmd_opt view_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

/* ", show h1 hg m1" when objects are shown together (`show`). */
static void show_print(struct cmd_ctx *ctx)
{
	const struct sess_shown *sh;
	size_t n;

	sess_lock(ctx->session);
	sh = sess_show_get(ctx->session, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "%s %s", i ? "" : ", show", sh[i].obj->name);
	sess_unlock(ctx->session);
}

static int view_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};
	int v;

	if (sess_need(ctx))
		return 1;
	if (a->npos == 0) {
		static const char *const ax[4] = {"xscale", "yscale", "xrange",
						  "yrange"};
		char buf[80];

		sess_run_norecord(ctx->run);
		fprintf(ctx->out, "view %s",
			sess_view_name(sess_view(ctx->session)));
		for (int i = 0; i < 4; i++)
			fprintf(ctx->out, ", %s %s", ax[i],
				sess_chart_setting(ctx->session, ax[i], buf,
						   sizeof(buf)));
		show_print(ctx);
		fprintf(ctx->out, "\n");
		return 0;
	}
	v = sess_view_from_name(a->pos[0]);
	if (v < 0) {
		fm_error_set(&err, FM_EINVAL,
			     "unknown view '%s' (views: pdf-flows, "
			     "pdf-packets, pdf-octets, cdf, avg, pkt-size, "
			     "series)",
			     a->pos[0]);
		return cmd_fail(ctx, &err);
	}
	sess_set_view(ctx->session, v);
	return 0;
}

const struct cmd_entry cmd_view_entry = {
    .name = "view",
    .alias = NULL,
    .summary = "choose the chart view (recorded)",
    .usage = "[pdf-flows|pdf-packets|pdf-octets|cdf|avg|pkt-size|series]",
    .description =
	"Makes VIEW the chart view of the workbench (the keys 1-7 and F2-F8\n"
	"run it too) and of `export chart`; recorded, so a replay comes back\n"
	"to it (a replay starts in pdf-flows).  The axis settings of `set`\n"
	"(xscale, yscale, xrange, yrange) belong to the current view.\n"
	"Without VIEW prints the current view, its axis settings and the\n"
	"objects shown together (`show`).",
    .opts = view_opts,
    .min_pos = 0,
    .max_pos = 1,
    .exec = view_exec,
    .flags = CMD_F_SESSION,
};
