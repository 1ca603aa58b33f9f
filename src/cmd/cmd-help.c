/*
 * cmd-help.c - `help`: the command list or one command's help, generated
 * from the command table.
 */
#include "session.h"

static const struct cmd_opt help_opts[] = {CMD_OPTS_COMMON, CMD_OPT_END};

static int help_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct fm_error err = {0};

	if (a->npos == 1 && cmd_print_topic(a->pos[0], ctx->out))
		return 0;
	if (a->npos == 1) {
		const struct cmd_entry *e = cmd_find(a->pos[0], &err);
		if (!e)
			return cmd_fail(ctx, &err);
		cmd_print_help(e, ctx->out);
		return 0;
	}
	fprintf(
	    ctx->out,
	    "commands (a unique prefix is enough; 'help COMMAND' for more):\n");
	cmd_print_list(ctx->out);
	fprintf(
	    ctx->out,
	    "\nIn a session, commands take object names where the one-shot "
	    "tools\n"
	    "take paths, and `as NAME` at the end of a line names the result.\n"
	    "Topics: 'help %s'.\n",
	    cmd_topic_list());
	return 0;
}

const struct cmd_entry cmd_help_entry = {
    .name = "help",
    .alias = "?",
    .summary = "list the commands, or describe one",
    .usage = "[COMMAND | filters]",
    .description =
	"The same text as 'flowmodels --help' and 'flowmodels COMMAND "
	"--help'.\n"
	"'help filters' describes the filter language, its extensions\n"
	"(addresses, prefixes, protocol names, dates) and how nfdump\n"
	"filters translate.",
    .opts = help_opts,
    .min_pos = 0,
    .max_pos = 1,
    .exec = help_exec,
    .flags = CMD_F_SESSION | CMD_F_NORECORD,
};
