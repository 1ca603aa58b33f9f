/*
 * cmd-set.c - `set`: show or change session settings.
 */
#include "session.h"

static const struct cmd_opt set_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int set_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};

	if (sess_need(ctx))
		return 1;
	if (a->npos < 2) {
		sess_run_norecord(ctx->run);
		if (a->npos == 0) {
			sess_settings_print(ctx->session, ctx->out);
			return 0;
		}
		char buf[80];
		const char *v = sess_setting(ctx->session, a->pos[0]);
		if (!v)
			v = sess_chart_setting(ctx->session, a->pos[0], buf,
					       sizeof(buf));
		if (!v) {
			sess_set(ctx->session, a->pos[0], "", &err);
			return cmd_fail(ctx, &err);
		}
		fprintf(ctx->out, "%s %s\n", a->pos[0], v);
		return 0;
	}
	switch (sess_chart_set(ctx->session, a->pos[0], a->pos[1], &err)) {
	case 1:
		return 0;
	case 0:
		break;
	default:
		return cmd_fail(ctx, &err);
	}
	if (sess_set(ctx->session, a->pos[0], a->pos[1], &err) < 0)
		return cmd_fail(ctx, &err);
	return 0;
}

const struct cmd_entry cmd_set_entry = {
    .name = "set",
    .alias = NULL,
    .summary = "show or change session settings",
    .usage = "[NAME [VALUE]]",
    .description =
	"Without arguments lists the settings with their values and choices;\n"
	"with NAME shows one; with NAME VALUE changes it (recorded).\n"
	"Settings: charset braille|block|ascii (chart cells in the "
	"workbench),\n"
	"echo on|off (replay prints each command before running it),\n"
	"sync on|off (fsync every output before and after its rename; off is\n"
	"faster, but a power failure may lose what was just written); and\n"
	"for the current chart view (see view): xscale and yscale\n"
	"lin|log|auto, xrange and yrange LO:HI|auto (e.g. set xrange\n"
	"100:1e6).",
    .opts = set_opts,
    .min_pos = 0,
    .max_pos = 2,
    .exec = set_exec,
    .flags = CMD_F_SESSION,
};
